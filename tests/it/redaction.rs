//! Redaction: secret variables, URL credentials, home folders and host
//! pseudonyms, and the sentence that says what was redacted.

use std::fmt::Write as _;

use crate::common::tui::{fixture, unreachable};
use paritty::compare::matrix::Comparison;
use paritty::compare::policy::Policy;
use paritty::compare::severity::Severity;
use paritty::export::redact::{Options, REDACTED, Redactor, is_secret_name};
use paritty::model::{Fact, HostReport, Status};

fn env_fact(name: &str, value: &str) -> Fact {
    Fact {
        value: Some(value.to_owned()),
        status: Status::Ok,
        raw: value.to_owned(),
        found_at: Some(format!("${name}")),
        duration_ms: 0,
        label: name.to_owned(),
        category: "Environment".to_owned(),
        compare: None,
        informational: false,
        command: None,
        exit_code: None,
        shadowed: Vec::new(),
        truncated: false,
        origin: None,
        running: None,
        pinned: None,
    }
}

/// prod and laptop, each with a token, a database URL and home paths.
fn with_secrets() -> Vec<HostReport> {
    let mut reports = vec![fixture("debian11-prod.json"), fixture("debian12-laptop.json")];
    for (report, token) in reports.iter_mut().zip(["tok-PROD-1", "tok-LAPTOP-2"]) {
        let snapshot = report.snapshot.as_mut().expect("snapshot");
        snapshot.facts.insert("env.api_token".into(), env_fact("API_TOKEN", token));
        snapshot.facts.insert(
            "env.database_url".into(),
            env_fact("DATABASE_URL", &format!("postgres://app:{token}-pw@db.internal:5432/app")),
        );
        let git = snapshot.facts.get_mut("tool.git").expect("git");
        git.found_at = Some("/home/alice/bin/git".into());
        git.shadowed = vec!["/root/.local/bin/git".into()];
    }
    reports
}

#[test]
fn secret_names_are_recognised() {
    for name in [
        "API_TOKEN",
        "GITHUB_TOKEN",
        "DB_PASSWORD",
        "AWS_SECRET_ACCESS_KEY",
        "MYSQL_PWD",
        "SENTRY_DSN",
        "Auth_Header",
        "GH_PAT",
        "NPM_PASS",
        "Authorization",
        "X_AUTHORISATION",
        "OAUTH_CLIENT",
    ] {
        assert!(is_secret_name(name), "{name}");
    }
    for name in [
        "PATH",
        "MANPATH",
        "HOME",
        "PWD",
        "OLDPWD",
        "LANG",
        "TZ",
        "SHELL",
        "DATABASE_URL",
        "COMPASS_HOME",
        "author",
        "AUTHORS",
        "keywords",
        "KEYBOARD_LAYOUT",
    ] {
        assert!(!is_secret_name(name), "{name}");
    }
}

#[test]
fn text_loses_credentials_and_home_folders_only() {
    let mut r = Redactor::new(Options::default());
    assert_eq!(
        r.text("postgres://app:hunter2@db:5432/app"),
        format!("postgres://{REDACTED}@db:5432/app")
    );
    assert_eq!(
        r.text("https://token@github.com/x.git"),
        format!("https://{REDACTED}@github.com/x.git")
    );
    assert_eq!(
        r.text("https://example.com/a@b"),
        "https://example.com/a@b",
        "no userinfo, nothing to hide"
    );
    assert_eq!(r.text("/home/alice/.nvm/bin/node"), "~/.nvm/bin/node");
    assert_eq!(r.text("/Users/bob"), "~");
    assert_eq!(r.text("PATH=/root/.cargo/bin:/usr/bin"), "PATH=~/.cargo/bin:/usr/bin");
    assert_eq!(r.text("/rootfs/usr/bin"), "/rootfs/usr/bin");
    assert_eq!(r.text("Python 3.11.2"), "Python 3.11.2");
    let said = r.summary();
    assert!(said.contains("2 credentials in URLs") && said.contains("home folders"), "{said}");
}

#[test]
fn secret_variables_lose_their_values_but_keep_their_verdict() {
    let collected = with_secrets();
    let comparison = Comparison::build(&collected, 0, &Policy::default());
    let mut r = Redactor::new(Options::default());
    let reports = r.reports(&collected);
    let shown = r.comparison(&comparison);

    let everything = format!("{reports:?}{shown:?}");
    for secret in ["tok-PROD-1", "tok-LAPTOP-2", "-pw@"] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    assert!(!everything.contains("/home/alice") && !everything.contains("/root/"));
    let token = &reports[1].snapshot.as_ref().expect("snapshot").facts["env.api_token"];
    assert_eq!(
        (token.status, token.value.as_deref(), token.raw.as_str()),
        (Status::Redacted, None, REDACTED)
    );
    let url = &reports[1].snapshot.as_ref().expect("snapshot").facts["env.database_url"];
    assert_eq!(url.value.as_deref(), Some("postgres://[redacted]@db.internal:5432/app"));
    // The tokens differ, and the comparison still says so.
    let row = shown.rows.iter().find(|r| r.id == "env.api_token").expect("row");
    assert_eq!(row.cells[1].severity, Severity::Different);
    assert_eq!(
        (row.cells[1].value.as_deref(), row.cells[1].status),
        (None, Some(Status::Redacted))
    );
    let said = r.summary();
    assert!(said.starts_with("Redacted: the values of API_TOKEN;"), "{said}");
    let own = reports[0].snapshot.as_ref().and_then(|s| s.redacted.as_deref()).expect("said");
    assert!(own.contains("API_TOKEN") && own.contains("1 credential in URLs"), "{own}");
}

#[test]
fn host_pseudonyms_are_stable_across_one_export() {
    let mut collected = with_secrets();
    collected.push(unreachable("db-2"));
    let comparison = Comparison::build(&collected, 0, &Policy::default());
    let mut r = Redactor::new(Options { hosts: true });
    let reports = r.reports(&collected);
    let shown = r.comparison(&comparison);
    let names: Vec<&str> = reports.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(names, ["host-1", "host-2", "host-3"]);
    let columns: Vec<&str> = shown.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, names, "the same host, the same pseudonym");
    let everything = format!("{reports:?}{shown:?}");
    for real in ["prod-web-1", "laptop", "db-2", "127.0.0.9"] {
        assert!(!everything.contains(real), "{real} leaked:\n{everything}");
    }
    assert!(r.summary().contains("host names and addresses"), "{}", r.summary());
}

/// A container of an SSH host names that host too: under `--redact hosts`
/// it becomes a pseudonym of its own, in the snapshot and in its heading.
#[test]
fn the_host_a_container_runs_on_is_redacted_with_the_hosts() {
    let api = HostReport { target: "api".into(), snapshot: Some(on_build_box()), failure: None };
    let mut r = Redactor::new(Options { hosts: true });
    let reports = r.reports(&[fixture("debian11-prod.json"), api]);
    let shown = reports[1].snapshot.as_ref().expect("snapshot");
    let on_host = shown.host.transport.image().and_then(|i| i.on_host.clone());
    let pseudonym = on_host.expect("still says a host");
    assert!(pseudonym.starts_with("host-"), "{pseudonym}");
    let heading = paritty::export::render_snapshot(shown, paritty::export::SnapshotFormat::Text);
    let everything = format!("{reports:?}{heading}");
    assert!(!everything.contains("build-box-7"), "leaked:\n{everything}");
    assert!(heading.contains(&format!("container of app:1 on {pseudonym}")), "{heading}");
    // Without the option, the host is shown.
    let plain = Redactor::new(Options { hosts: false }).snapshot(&on_build_box());
    let on_host = plain.host.transport.image().and_then(|i| i.on_host.clone());
    assert_eq!(on_host.as_deref(), Some("build-box-7"));
}

/// A container `api` of SSH host `build-box-7`.
fn on_build_box() -> paritty::model::Snapshot {
    let mut snapshot = fixture("debian12-laptop.json").snapshot.expect("snapshot");
    snapshot.host.name = "api".into();
    snapshot.host.address = Some("podman:api@deploy@build-box-7:22".into());
    snapshot.host.transport =
        paritty::model::Transport::Podman(Box::new(paritty::model::ImageRef {
            reference: Some("app:1".into()),
            id: None,
            on_host: Some("build-box-7".into()),
        }));
    snapshot
}

#[test]
fn every_tui_export_is_redacted_unless_turned_off() {
    use paritty::tui::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat, Redaction};
    use paritty::tui::export::{Prepared, prepare};
    let app = crate::common::tui::app_of(with_secrets());
    let secrets = ["tok-PROD-1", "tok-LAPTOP-2", "-pw@", "/home/alice"];
    for what in ExportWhat::ALL {
        for format in ExportFormat::ALL {
            for redaction in Redaction::ALL {
                let mut dialog = ExportDialog::new("laptop", false);
                dialog.what = what;
                dialog.format = format;
                dialog.redaction = redaction;
                dialog.destination = if what == ExportWhat::AllSnapshots {
                    Destination::File
                } else {
                    Destination::Clipboard
                };
                dialog.path = "out".into();
                let text = match prepare(&app, &dialog).expect("prepared") {
                    Prepared::Clipboard { text, .. } => text,
                    Prepared::Files(export) => export.files.into_iter().map(|(_, t)| t).collect(),
                };
                let leaked: Vec<&str> =
                    secrets.iter().copied().filter(|s| text.contains(s)).collect();
                if redaction == Redaction::Off {
                    assert!(
                        leaked.contains(&"tok-PROD-1"),
                        "{what:?} {format:?}: off means as collected"
                    );
                } else {
                    assert!(
                        leaked.is_empty(),
                        "{what:?} {format:?} {redaction:?} leaked {leaked:?}"
                    );
                    assert!(text.contains("API"), "{what:?} {format:?}: says what was redacted");
                }
            }
        }
    }
}

#[test]
fn the_clipboard_gets_one_osc52_sequence() {
    assert_eq!(paritty::tui::osc52("hi | there"), "\u{1b}]52;c;aGkgfCB0aGVyZQ==\u{7}");
}

/// Every export the TUI can write of `reports` (each kind, each format), as
/// text, redacted as `redaction` says.
fn every_export(
    reports: Vec<HostReport>,
    redaction: paritty::tui::dialog::Redaction,
) -> Vec<(String, String)> {
    use paritty::tui::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat};
    use paritty::tui::export::{Prepared, prepare};
    let app = crate::common::tui::app_of(reports);
    let mut out = Vec::new();
    for what in ExportWhat::ALL {
        for format in ExportFormat::ALL {
            let mut dialog = ExportDialog::new("laptop", false);
            dialog.what = what;
            dialog.format = format;
            dialog.redaction = redaction;
            dialog.destination = if what == ExportWhat::AllSnapshots {
                Destination::File
            } else {
                Destination::Clipboard
            };
            dialog.path = "out".into();
            let text = match prepare(&app, &dialog).expect("prepared") {
                Prepared::Clipboard { text, .. } => text,
                Prepared::Files(export) => export.files.into_iter().map(|(_, t)| t).collect(),
            };
            out.push((format!("{what:?} {format:?}"), text));
        }
    }
    out
}

/// Asserts no export of `reports` shows any of `secrets`, and that the
/// unredacted exports do (so the secrets really were planted).
fn assert_never_exported(reports: &[HostReport], secrets: &[&str]) -> Vec<(String, String)> {
    use paritty::tui::dialog::Redaction;
    let plain: String =
        every_export(reports.to_vec(), Redaction::Off).into_iter().map(|(_, t)| t).collect();
    for secret in secrets {
        assert!(plain.contains(secret), "{secret} was not planted");
    }
    let exports = every_export(reports.to_vec(), Redaction::On);
    for (what, text) in &exports {
        // JSON escapes some characters; look at the text as a reader would.
        let unescaped = text.replace("\\/", "/").replace("\\n", "\n").replace("&#x2F;", "/");
        for secret in secrets {
            assert!(!unescaped.contains(secret), "{what} leaked {secret}:\n{text}");
        }
    }
    exports
}

/// Whether every export showing the laptop (the TUI's own host snapshot is
/// prod's) names `what` among what it redacted.
fn says(exports: &[(String, String)], what: &str) -> bool {
    exports.iter().filter(|(kind, _)| !kind.starts_with("HostSnapshot")).all(|(_, text)| {
        text.replace("\\_", "_").contains(&format!("Redacted: the values of {what}"))
    })
}

fn with_fact(id: &str, fact: Fact) -> Vec<HostReport> {
    let mut reports = vec![fixture("debian11-prod.json"), fixture("debian12-laptop.json")];
    reports[1].snapshot.as_mut().expect("snapshot").facts.insert(id.into(), fact);
    reports
}

fn tool_fact(raw: &str, value: Option<&str>) -> Fact {
    Fact {
        value: value.map(str::to_owned),
        status: if value.is_some() { Status::Ok } else { Status::Error },
        raw: raw.to_owned(),
        found_at: Some("/usr/bin/dbinfo".into()),
        command: Some(vec!["dbinfo".into(), "--version".into()]),
        exit_code: Some(0),
        label: "dbinfo".into(),
        category: "Tools".into(),
        ..env_fact("X", "")
    }
}

#[test]
fn a_secret_variable_whose_parser_failed_keeps_no_value() {
    let mut fact = env_fact("DB_PASSWORD", "s3cr3t-Parser-Failed");
    (fact.status, fact.value) = (Status::Error, None);
    let exports =
        assert_never_exported(&with_fact("env.db_password", fact), &["s3cr3t-Parser-Failed"]);
    assert!(says(&exports, "DB_PASSWORD"), "says what it redacted");
}

#[test]
fn a_secret_key_read_from_a_file_is_redacted() {
    let fact = Fact {
        found_at: Some("/etc/app.env".into()),
        category: "Config".into(),
        ..env_fact("X", "tok-From-A-File-42")
    };
    let fact = Fact { raw: "API_TOKEN=\"tok-From-A-File-42\"".into(), ..fact };
    let reports = with_fact("config.api_token", fact);
    let exports = assert_never_exported(&reports, &["tok-From-A-File-42"]);
    let mut r = Redactor::new(Options::default());
    let shown = r.reports(&reports);
    let fact = &shown[1].snapshot.as_ref().expect("snapshot").facts["config.api_token"];
    assert_eq!((fact.status, fact.value.as_deref()), (Status::Redacted, None));
    assert!(r.summary().contains("API_TOKEN"), "{}", r.summary());
    assert!(says(&exports, "API_TOKEN"), "says what it redacted");
}

#[test]
fn url_passwords_with_slashes_and_at_signs_are_redacted_whole() {
    let aws_key = format!("AKIA{}", "IOSFODNN7EXAMPL0");
    let aws_secret = format!("wJalrXUtnFEMI/K7MDENG/{}", "bPxRfiCYEXAMPLEKEY");
    let mut r = Redactor::new(Options::default());
    let cases = [
        (
            format!("s3://{aws_key}:{aws_secret}@backups/db.tar"),
            format!("s3://{REDACTED}@backups/db.tar"),
        ),
        (
            "mysql://root:p@ss@w0rd@db:3306/app".to_owned(),
            format!("mysql://{REDACTED}@db:3306/app"),
        ),
        ("https://user:pa/ss@host/x".to_owned(), format!("https://{REDACTED}@host/x")),
        (
            format!("restoring from s3://{aws_key}:{aws_secret}@backups/db.tar now"),
            format!("restoring from s3://{REDACTED}@backups/db.tar now"),
        ),
        (
            "DSN mysql://root:p@ss@w0rd@db and https://user:pa/ss@host/x?q=1.".to_owned(),
            format!("DSN mysql://{REDACTED}@db and https://{REDACTED}@host/x?q=1."),
        ),
    ];
    for (given, expected) in cases {
        assert_eq!(r.text(&given), expected, "{given}");
    }
    let said = r.summary();
    assert!(said.contains("3 credentials in URLs"), "{said}");
    let fact = tool_fact("mysql://root:p@ss@w0rd@db/app", Some("mysql://root:p@ss@w0rd@db/app"));
    assert_never_exported(&with_fact("tool.dbinfo", fact), &["p@ss@w0rd", "ss@w0rd", "w0rd@"]);
}

/// Secrets as tools print them, built here so no scanner mistakes this file
/// for a leak.
fn planted_tokens() -> Vec<(String, &'static str)> {
    let alnum = |n: usize| "a1B2c3D4e5".repeat(n / 10 + 1)[..n].to_owned();
    vec![
        (format!("ghp_{}", alnum(36)), "GitHub"),
        (format!("gho_{}", alnum(36)), "GitHub"),
        (format!("github_pat_{}", alnum(82)), "GitHub"),
        (format!("glpat-{}", alnum(20)), "GitLab"),
        (format!("xoxb-{}-{}", "1234567890", alnum(24)), "Slack"),
        (format!("AKIA{}", "Q2W3E4R5T6Y7U8I9"), "AWS"),
        (format!("sk_live_{}", alnum(24)), "Stripe"),
        (format!("AIza{}", alnum(35)), "Google"),
        (format!("npm_{}", alnum(36)), "npm"),
        (format!("pypi-AgEIcHlwaS5vcmc{}", alnum(60)), "PyPI"),
        (format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{}", alnum(43)), "JWT"),
    ]
}

#[test]
fn secrets_in_tool_output_never_reach_an_export() {
    let tokens = planted_tokens();
    let pem_body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
    let mut raw = String::from("dbinfo 2.4.1\n");
    for (token, _) in &tokens {
        let _ = writeln!(raw, "using {token} for this");
    }
    let _ = write!(
        raw,
        "API_TOKEN=tok-Assigned-1\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCY\n\
         {{\"client_secret\": \"tok-Json-3\", \"version\": \"2.4.1\"}}\npassword: tok-Yaml-4\n\
         Authorization: Bearer tok-Bearer-5\n\
         callback https://hooks.example/cb?token=tok-Query-6&v=2 and ?password=tok-Query-7\n\
         -----BEGIN OPENSSH PRIVATE KEY-----\n{pem_body}\nAAAAC3NzaC1lZDI1NTE5\n\
         -----END OPENSSH PRIVATE KEY-----\ndone\n"
    );
    let mut secrets: Vec<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
    secrets.extend([
        "tok-Assigned-1",
        "wJalrXUtnFEMIK7MDENGbPxRfiCY",
        "tok-Json-3",
        "tok-Yaml-4",
        "tok-Bearer-5",
        "tok-Query-6",
        "tok-Query-7",
        pem_body,
        "AAAAC3NzaC1lZDI1NTE5",
    ]);
    let reports = with_fact("tool.dbinfo", tool_fact(&raw, Some("2.4.1")));
    let exports = assert_never_exported(&reports, &secrets);
    // What is not secret stays, and the version still compares.
    let json = &exports.iter().find(|(w, _)| w == "AllSnapshots Json").expect("json").1;
    assert!(
        json.contains("dbinfo 2.4.1") && json.contains("\\\"version\\\": \\\"2.4.1\\\""),
        "{json}"
    );
    assert!(json.contains("hooks.example/cb?token=[redacted]&v=2"), "{json}");

    let mut r = Redactor::new(Options::default());
    r.reports(&reports);
    let said = r.summary();
    for kind in ["API_TOKEN", "AWS_SECRET_ACCESS_KEY", "private key", "URL query"] {
        assert!(said.contains(kind), "says it redacted {kind}: {said}");
    }
    for (_, provider) in &tokens {
        assert!(said.contains(provider), "says it redacted a {provider} token: {said}");
    }
    assert!(said.contains("11 tokens ("), "{said}");
}

#[test]
fn a_value_holding_a_token_is_redacted_whole() {
    let token = format!("ghp_{}", "Z9y8X7w6V5".repeat(4));
    let fact = tool_fact(&format!("token: {token}\n"), Some(&token));
    let reports = with_fact("tool.dbinfo", fact);
    assert_never_exported(&reports, &[&token, &token[..20]]);
    let mut r = Redactor::new(Options::default());
    let shown = r.reports(&reports);
    let fact = &shown[1].snapshot.as_ref().expect("snapshot").facts["tool.dbinfo"];
    assert_eq!((fact.status, fact.value.as_deref()), (Status::Redacted, None));
}

#[test]
fn check_prints_no_secret_to_the_ci_log() {
    use paritty::model::snapshot_file::to_json;
    let dir = tempfile::tempdir().expect("tmp");
    let mut paths = Vec::new();
    for (report, password) in with_secrets().into_iter().zip(["pw-Prod-Check", "pw-Laptop-Check"]) {
        let mut snapshot = report.snapshot.expect("snapshot");
        let url = format!("postgres://app:{password}@db.internal:5432/app");
        snapshot.facts.insert("env.database_url".into(), env_fact("DATABASE_URL", &url));
        let path = dir.path().join(format!("{}.json", snapshot.host.name));
        std::fs::write(&path, to_json(&snapshot)).expect("write");
        paths.push(path);
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("check")
        .args(&paths)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty");
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "the passwords differ, so the check fails:\n{stdout}");
    assert!(stdout.contains("env.database_url"), "the divergence is still reported:\n{stdout}");
    assert!(stdout.contains("env.api_token"), "{stdout}");
    for secret in ["pw-Prod-Check", "pw-Laptop-Check", "tok-PROD-1", "tok-LAPTOP-2"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} in:\n{stdout}{stderr}"
        );
    }
    assert!(stdout.contains("Redacted: the values of API_TOKEN"), "{stdout}");
}

#[test]
fn the_sentence_stays_short_whatever_a_host_printed() {
    let mut raw = String::new();
    for i in 0..40 {
        let _ = writeln!(raw, "SECRET_{i:02}=x{i}");
    }
    let _ = writeln!(raw, "{}_TOKEN=y", "N".repeat(5000));
    let mut r = Redactor::new(Options::default());
    r.reports(&with_fact("tool.dbinfo", tool_fact(&raw, None)));
    let said = r.summary();
    assert!(said.starts_with("Redacted: the values of NNNN"), "{said}");
    assert!(said.contains("SECRET_10, 29 more"), "{said}");
    assert!(said.len() < 400, "{} bytes: {said}", said.len());
}

#[test]
fn labels_from_a_teammates_snapshot_file_are_redacted_too() {
    let token = format!("glpat-{}", "Kk22Ll33Mm".repeat(2));
    let fact = Fact {
        label: format!("deploy with {token}"),
        category: format!("Tools {token}"),
        ..tool_fact("dbinfo 2.4.1", Some("2.4.1"))
    };
    assert_never_exported(&with_fact("tool.dbinfo", fact), &[&token]);
}

/// A pod's name and its node are host names too: `--redact hosts` hides
/// them from the snapshot's transport as from every other text.
#[test]
fn a_pods_name_and_node_get_pseudonyms() {
    let mut pod = fixture("debian12-laptop.json");
    pod.target = "k8s:shop/api-7f9c".into();
    let snapshot = pod.snapshot.as_mut().expect("snapshot");
    snapshot.host.name = "k8s:shop/api-7f9c".into();
    snapshot.host.address = Some("k8s:shop/api-7f9c".into());
    snapshot.host.transport =
        paritty::model::Transport::Kubernetes(Box::new(paritty::model::Pod {
            image: paritty::model::ImageRef {
                reference: Some("ghcr.io/acme/api:1".into()),
                ..paritty::model::ImageRef::default()
            },
            namespace: "shop".into(),
            pod: Some("api-7f9c".into()),
            node: Some("ip-10-0-4-11.ec2.internal".into()),
            ..paritty::model::Pod::default()
        }));
    let mut r = Redactor::new(Options { hosts: true });
    let reports = r.reports(&[pod]);
    let shown = paritty::model::snapshot_file::to_json(reports[0].snapshot.as_ref().expect("kept"));
    for real in ["api-7f9c", "ip-10-0-4-11"] {
        assert!(!shown.contains(real), "{real} leaked:\n{shown}");
    }
    let paritty::model::Transport::Kubernetes(seen) =
        &reports[0].snapshot.as_ref().expect("kept").host.transport
    else {
        panic!("transport changed")
    };
    assert_eq!((seen.pod.as_deref(), seen.node.as_deref()), (Some("host-1"), Some("host-2")));
    assert_eq!(seen.image.reference.as_deref(), Some("ghcr.io/acme/api:1"));
}

#[test]
fn running_servers_lose_home_folders_like_found_at() {
    use paritty::model::{Process, Running};
    let mut report = fixture("debian12-laptop.json");
    let snapshot = report.snapshot.as_mut().expect("snapshot");
    let mut fact = env_fact("REDIS", "7.2.4");
    fact.found_at = None;
    fact.running = Some(Running {
        unobservable: None,
        processes: vec![Process {
            pid: 812,
            program: "redis-server".into(),
            exe: Some("/home/alice/redis/bin/redis-server".into()),
            version: Some("7.0.15".into()),
            replaced: true,
            raw: "Redis server v=7.0.15 at https://tok-RUN-9@example.com/x".into(),
            note: None,
        }],
    });
    snapshot.facts.insert("service.redis".into(), fact);
    let redacted = Redactor::new(Options::default()).report(&report);
    let fact = &redacted.snapshot.as_ref().expect("snapshot").facts["service.redis"];
    let process = &fact.running.as_ref().expect("running").processes[0];
    assert_eq!(process.exe.as_deref(), Some("~/redis/bin/redis-server"));
    assert!(!process.raw.contains("tok-RUN-9"), "{}", process.raw);
    assert_eq!((process.version.as_deref(), process.replaced), (Some("7.0.15"), true));
}
