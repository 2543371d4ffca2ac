//! Redaction: secret variables, URL credentials, home folders and host
//! pseudonyms, and the sentence that says what was redacted.

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
    ] {
        assert!(is_secret_name(name), "{name}");
    }
    for name in ["PATH", "HOME", "PWD", "OLDPWD", "LANG", "TZ", "SHELL", "DATABASE_URL"] {
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
