//! Accepted drift through the binary: `paritty accept` on the fixture
//! snapshots writes paritty-accepted.toml; `check` then passes until a
//! new host, worse drift or an expired acceptance appears, names only
//! that, says which acceptances are stale, in every format; a malformed
//! file is refused with its line and exit 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots").join(name)
}

/// A folder with prod.json and laptop.json (the fixtures), where the
/// commands run and paritty-accepted.toml is looked for.
struct Team {
    dir: tempfile::TempDir,
}

impl Team {
    fn new() -> Team {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(fixture("debian11-prod.json"), dir.path().join("prod.json")).expect("copy");
        std::fs::copy(fixture("debian12-laptop.json"), dir.path().join("laptop.json"))
            .expect("copy");
        Team { dir }
    }

    /// `laptop.json` as `name.json`, host `name`, with `facts` set to
    /// these values.
    fn host(&self, file: &str, name: &str, facts: &[(&str, Option<&str>)]) {
        let mut json: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture("debian12-laptop.json")).expect("read"),
        )
        .expect("json");
        json["host"]["name"] = name.into();
        for (id, value) in facts {
            let fact = &mut json["facts"][*id];
            if let Some(v) = value {
                fact["value"] = (*v).into();
                fact["status"] = "ok".into();
                fact["raw"] = (*v).into();
            } else {
                fact["value"] = Value::Null;
                fact["status"] = "missing".into();
            }
        }
        let text = serde_json::to_string(&json).expect("json");
        std::fs::write(self.dir.path().join(format!("{file}.json")), text).expect("write");
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_paritty"))
            .args(args)
            .current_dir(self.dir.path())
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("USER", "ci-bot")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run paritty")
    }

    fn accepted(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("paritty-accepted.toml")).expect("written")
    }
}

fn stdout(run: &Output) -> String {
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn stderr(run: &Output) -> String {
    String::from_utf8_lossy(&run.stderr).into_owned()
}

#[track_caller]
fn code(run: &Output, expected: i32) {
    assert_eq!(run.status.code(), Some(expected), "{}\n{}", stdout(run), stderr(run));
}

/// Failing lines of `check`'s text: neither accepted, stale nor the summary.
fn failing(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len() - 1]
        .iter()
        .copied()
        .filter(|l| !l.starts_with("accepted: ") && !l.starts_with("stale: "))
        .collect()
}

#[test]
fn known_drift_accepted_passes_and_only_what_is_new_or_worse_fails() {
    let team = Team::new();
    // Without acceptances the laptop diverges.
    code(&team.run(&["check", "prod.json", "laptop.json"]), 1);
    let run = team.run(&["accept", "prod.json", "laptop.json", "--reason", "dev runs bookworm"]);
    code(&run, 0);
    assert!(stderr(&run).contains("accepted as ci-bot (from $USER): 10 new"), "{}", stderr(&run));
    let file = team.accepted();
    assert!(file.contains("host = \"laptop\"\nfact = \"tool.openssl\"\nbaseline = \"prod-web-1\"\nseverity = \"major\"\nbaseline_value = \"1.1.1w\"\nvalue = \"3.0.11\"\nreason = \"dev runs bookworm\"\nby = \"ci-bot\""), "{file}");
    assert!(!file.contains("expires"), "{file}");

    let run = team.run(&["check", "prod.json", "laptop.json"]);
    code(&run, 0);
    let text = stdout(&run);
    assert!(failing(&text).is_empty(), "{text}");
    assert!(text.contains("accepted: laptop tool.openssl (prod-web-1: 1.1.1w, laptop: 3.0.11) major, by ci-bot on "), "{text}");
    assert!(text.lines().last().expect("a summary").ends_with(" · 10 accepted"), "{text}");

    // A new host with the same drift is not covered: it alone fails.
    team.host("laptop2", "laptop-2", &[]);
    let run = team.run(&["check", "prod.json", "laptop.json", "laptop2.json"]);
    code(&run, 1);
    let text = stdout(&run);
    let lines = failing(&text);
    assert_eq!(lines.len(), 10, "{text}");
    assert!(lines.iter().all(|l| l.contains(" laptop-2 ")), "{text}");

    // Worse: openssl moved further from prod (patch, same major: further
    // away), python a level up (minor accepted, major now).
    team.host(
        "laptop",
        "laptop",
        &[("tool.openssl", Some("3.0.13")), ("runtime.python3", Some("4.0.1"))],
    );
    let run = team.run(&["check", "prod.json", "laptop.json"]);
    code(&run, 1);
    let text = stdout(&run);
    assert_eq!(
        failing(&text),
        [
            "major: laptop runtime.python3 (prod-web-1: 3.9.2, laptop: 4.0.1) worse than accepted (minor at 3.11.2)",
            "major: laptop tool.openssl (prod-web-1: 1.1.1w, laptop: 3.0.13) moved further than accepted (at 3.0.11)",
        ],
        "{text}"
    );
    // Closer to prod is still covered; matching prod makes it stale.
    team.host(
        "laptop",
        "laptop",
        &[("tool.openssl", Some("3.0.2")), ("runtime.python3", Some("3.9.2"))],
    );
    let run = team.run(&["check", "prod.json", "laptop.json"]);
    code(&run, 0);
    let text = stdout(&run);
    assert!(
        text.contains("accepted: laptop tool.openssl (prod-web-1: 1.1.1w, laptop: 3.0.2)"),
        "{text}"
    );
    let stale: Vec<&str> = text.lines().filter(|l| l.starts_with("stale: ")).collect();
    // The entry's `[[accepted]]` line, two above its `fact`.
    let line =
        file.lines().position(|l| l == "fact = \"runtime.python3\"").expect("python entry") - 1;
    assert_eq!(
        stale,
        [format!(
            "stale: laptop runtime.python3 accepted at paritty-accepted.toml:{line} is no longer needed"
        )],
        "{text}"
    );
    assert!(
        text.lines().last().expect("a summary").ends_with(" · 9 accepted · 1 stale acceptance"),
        "{text}"
    );

    // Accepting again drops the stale one and keeps the reasons.
    let run = team.run(&["accept", "prod.json", "laptop.json", "--by", "bob"]);
    code(&run, 0);
    assert!(
        stderr(&run).contains("0 new, 9 updated, 1 no longer needed removed; 9 in the file"),
        "{}",
        stderr(&run)
    );
    let file = team.accepted();
    assert!(!file.contains("runtime.python3"), "{file}");
    assert_eq!(
        file.matches("reason = \"dev runs bookworm\"\nby = \"ci-bot\"").count(),
        9,
        "{file}"
    );
    assert!(file.contains("value = \"3.0.2\""), "{file}");
}

#[test]
fn an_expired_acceptance_fails_the_check() {
    let team = Team::new();
    let run =
        team.run(&["accept", "prod.json", "laptop.json", "--expires", "2001-02-03", "--by", "eve"]);
    code(&run, 0);
    assert!(stderr(&run).contains("warning: --expires 2001-02-03 has passed"), "{}", stderr(&run));
    let run = team.run(&["check", "prod.json", "laptop.json", "--fail-on", "major"]);
    code(&run, 1);
    let text = stdout(&run);
    assert!(text.contains("major: laptop tool.openssl (prod-web-1: 1.1.1w, laptop: 3.0.11) acceptance expired after 2001-02-03"), "{text}");
    // An expiry still to come covers.
    let run = team.run(&["accept", "prod.json", "laptop.json", "--expires", "2999-12-31"]);
    code(&run, 0);
    code(&team.run(&["check", "prod.json", "laptop.json"]), 0);
    // A day that does not exist is refused before anything runs.
    let run = team.run(&["accept", "prod.json", "laptop.json", "--expires", "2027-02-30"]);
    code(&run, 2);
    assert!(
        stderr(&run).contains("`--expires` is `2027-02-30`: a day as YYYY-MM-DD"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn every_check_format_shows_accepted_and_stale() {
    let team = Team::new();
    code(
        &team.run(&[
            "accept",
            "prod.json",
            "laptop.json",
            "--reason",
            "bookworm <dev>",
            "--by",
            "ann",
        ]),
        0,
    );
    team.host(
        "laptop",
        "laptop",
        &[("tool.openssl", Some("1.1.1w")), ("libc", Some("glibc 2.99"))],
    );
    let check = |format: &str| {
        let run = team.run(&["check", "prod.json", "laptop.json", "--format", format]);
        code(&run, 1);
        stdout(&run)
    };
    let json: Value = serde_json::from_str(&check("json")).expect("json");
    assert_eq!(json["passed"], false);
    let divergences = json["divergences"].as_array().expect("divergences");
    assert_eq!(divergences.len(), 1, "{json:#}");
    assert_eq!(divergences[0]["fact"], "libc");
    assert_eq!(divergences[0]["acceptance"]["outcome"], "worse");
    assert_eq!(divergences[0]["acceptance"]["reason"], "bookworm <dev>");
    assert_eq!(json["accepted"].as_array().expect("accepted").len(), 8, "{json:#}");
    assert_eq!(json["accepted"][0]["acceptance"]["by"], "ann");
    assert_eq!(json["stale"][0]["fact"], "tool.openssl", "{json:#}");

    let junit = check("junit");
    assert!(junit.contains("skipped=\"8\""), "{junit}");
    assert!(
        junit.contains("<testcase name=\"kernel.release\" classname=\"laptop\">\n      <skipped message=\"accepted major: by ann on "),
        "{junit}"
    );
    assert!(junit.contains("bookworm &lt;dev&gt;"), "{junit}");
    assert!(junit.contains("<system-out>stale acceptance: paritty-accepted.toml:"), "{junit}");
    assert!(junit.contains("<failure message=\"minor: prod-web-1 has glibc 2.31, laptop has glibc 2.99; moved further than accepted (at glibc 2.36)\""), "{junit}");
    let skipped = junit_skipped(&junit);
    assert_eq!(skipped, 8, "{junit}");

    let github = check("github");
    assert_eq!(github.lines().filter(|l| l.starts_with("::error ")).count(), 1, "{github}");
    assert!(github.contains("::notice title=paritty%3A laptop kernel.release accepted::major: prod-web-1 has 5.10.0-26-amd64, laptop has 6.1.0-13-amd64; accepted by ann on "), "{github}");
    assert!(github.contains("::notice title=paritty%3A stale acceptance of laptop tool.openssl::paritty-accepted.toml:"), "{github}");
}

/// How many cases junitparser (a real consumer, from target/ansible-venv)
/// reads as skipped.
fn junit_skipped(xml: &str) -> usize {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ansible-venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/test-deps.sh", python.display());
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("report.xml");
    std::fs::write(&path, xml).expect("write");
    let script = "import sys, junitparser\n\
        x = junitparser.JUnitXml.fromfile(sys.argv[1])\n\
        print(sum(1 for s in x for c in s if any(isinstance(r, junitparser.Skipped) for r in c.result)))";
    let run = Command::new(python).args(["-c", script]).arg(&path).output().expect("python");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout).trim().parse().expect("a count")
}

#[test]
fn a_malformed_accepted_file_is_refused_with_its_line() {
    let team = Team::new();
    let path = team.dir.path().join("paritty-accepted.toml");
    let cases = [
        (
            "version = 1\n\n[[accepted]]\nhost = \"laptop\"\nfact = \"libc\"\nseverity = \"huge\"\n",
            "paritty-accepted.toml:3: ",
        ),
        ("version = 1\n[[accepted]\n", "paritty-accepted.toml:2: "),
        (
            "version = 1\nsecret = \"token=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
            "paritty-accepted.toml:2: unknown field `secret`",
        ),
    ];
    for (text, place) in cases {
        std::fs::write(&path, text).expect("write");
        for args in
            [&["check", "prod.json", "laptop.json"][..], &["accept", "prod.json", "laptop.json"]]
        {
            let run = team.run(args);
            code(&run, 2);
            let err = stderr(&run);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.starts_with("paritty: error: accepted ") && err.contains(place), "{err}");
            assert!(stdout(&run).is_empty());
        }
        // The file that could not be read is left as it was.
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }
    // A file named with --accepted must exist; a folder is refused.
    let run = team.run(&["check", "prod.json", "laptop.json", "--accepted", "nope.toml"]);
    code(&run, 2);
    assert!(stderr(&run).contains("accepted nope.toml: cannot read it"), "{}", stderr(&run));
    let run = team.run(&["check", "prod.json", "laptop.json", "--accepted", "."]);
    code(&run, 2);
    assert!(stderr(&run).contains("it is a folder"), "{}", stderr(&run));
}

/// The view marks an accepted cell with ◇ in place of its severity and
/// says who accepted it and why in the details; an expired acceptance
/// keeps the severity mark and says it expired.
#[test]
fn the_view_marks_accepted_cells_and_shows_the_reason() {
    use crate::common::tui::{app_of, fixture, screen};
    use paritty::compare::accepted::parse;

    let mut app = app_of(vec![fixture("debian11-prod.json"), fixture("debian12-laptop.json")]);
    let file = "version = 1\n\
        [[accepted]]\nhost = \"laptop\"\nfact = \"tool.openssl\"\nbaseline = \"prod-web-1\"\n\
        severity = \"major\"\nbaseline_value = \"1.1.1w\"\nvalue = \"3.0.11\"\n\
        reason = \"dev runs bookworm\"\nby = \"ann\"\nat = \"2026-12-01\"\n\
        [[accepted]]\nhost = \"laptop\"\nfact = \"libc\"\nbaseline = \"prod-web-1\"\n\
        severity = \"minor\"\nreason = \"until the rebuild\"\nby = \"ann\"\nat = \"2026-11-01\"\n\
        expires = \"2026-11-30\"\n";
    let entries = parse(file, Path::new("paritty-accepted.toml")).expect("parses");
    app.set_acceptances(entries, "2026-12-07".into());
    let select = |app: &mut paritty::tui::app::App, id: &str| {
        let r = app.comparison.rows.iter().position(|r| r.id == id).expect("row");
        app.cursor =
            app.lines().iter().position(|l| *l == paritty::tui::app::Line::Fact(r)).expect("line");
    };
    select(&mut app, "tool.openssl");
    let shown = screen(&mut app, 110, 34);
    let openssl = shown.lines().find(|l| l.contains("  OpenSSL")).expect("openssl row");
    assert!(openssl.contains("◇ 3.0.11") && !openssl.contains('█'), "{shown}");
    assert!(shown.contains("◇ accepted by ann on 2026-12-01: dev runs bookworm"), "{shown}");
    assert!(shown.contains("◇ accepted"), "the legend says what ◇ is:\n{shown}");
    // Not accepted: a full severity mark.
    let kernel = shown.lines().find(|l| l.contains("  Kernel")).expect("kernel row");
    assert!(kernel.contains('█') && !kernel.contains('◇'), "{shown}");
    select(&mut app, "libc");
    let shown = screen(&mut app, 110, 34);
    let libc = shown.lines().find(|l| l.contains("glibc 2.36")).expect("libc row");
    assert!(libc.contains('▄') && !libc.contains('◇'), "{shown}");
    assert!(
        shown.contains(
            "acceptance expired by ann on 2026-11-01, until 2026-11-30: until the rebuild"
        ),
        "{shown}"
    );
}

/// The file is committed: a value redaction would hide is not written
/// down, and its acceptance is judged by severity alone.
#[test]
fn a_secret_value_is_not_written_down() {
    let team = Team::new();
    let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    team.host("laptop", "laptop", &[("tool.git", Some(token))]);
    code(&team.run(&["accept", "prod.json", "laptop.json", "--by", "ann"]), 0);
    let file = team.accepted();
    assert!(!file.contains("ghp_"), "{file}");
    let git = file.split("[[accepted]]").find(|e| e.contains("fact = \"tool.git\"")).expect("git");
    assert!(!git.contains("value ="), "{git}");
    assert!(git.contains("severity = \"missing\""), "{git}");
    // Another token, the same severity: still accepted, and not shown.
    team.host(
        "laptop",
        "laptop",
        &[("tool.git", Some("ghp_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210ab"))],
    );
    let run = team.run(&["check", "prod.json", "laptop.json"]);
    code(&run, 0);
    assert!(!stdout(&run).contains("ghp_"), "{}", stdout(&run));
    assert!(stdout(&run).contains("accepted: laptop tool.git ("), "{}", stdout(&run));
}

/// Real sshd hosts, two with an odd mytool: accepted, `check` passes;
/// then one host's tool moves a level further and another host drifts:
/// `check` fails naming only those two.
#[cfg(target_os = "linux")]
#[test]
fn over_ssh_check_passes_until_new_drift_and_names_only_it() {
    use crate::common::remote::profile_fixture;
    use crate::common::sshd::{Host, HostSpec, Lab};

    let lab = Lab::new();
    let host = |name: &str, version: &str| -> Host {
        let body = format!("echo 'mytool {version}'");
        lab.add_host(&HostSpec { name, tools: &[("mytool", body.as_str())], ..HostSpec::default() })
    };
    let hosts = [
        host("prod-1", "3.0.11"),
        host("web-1", "3.0.11"),
        host("web-2", "3.0.13"),
        host("web-3", "1.1.1"),
        host("web-4", "3.0.11"),
    ];
    let team = Team::new();
    let config = lab.ssh_config().display().to_string();
    let profile = profile_fixture("tool-test").display().to_string();
    let names: Vec<&str> = hosts.iter().map(Host::name).collect();
    let run = |command: &str| {
        let mut args = vec![command];
        args.extend(&names);
        args.extend(["--baseline", "prod-1", "--ssh-config", &config, "--profile", &profile]);
        if command == "accept" {
            args.extend(["--reason", "old images", "--by", "ops"]);
        }
        team.run(&args)
    };
    code(&run("check"), 1);
    let accepted = run("accept");
    code(&accepted, 0);
    assert!(stderr(&accepted).contains(": 2 new, 0 updated"), "{}", stderr(&accepted));
    let run_check = run("check");
    code(&run_check, 0);
    assert!(stdout(&run_check).lines().last().expect("summary").ends_with(" · 2 accepted"));

    // web-3 moves from 1.1.1 to 1.0.2 (further behind, same level), web-4
    // drifts for the first time; web-2 is unchanged.
    let tool = |host: &Host, version: &str| {
        let path = host.tool_dir().join("mytool");
        let text = format!("#!/bin/sh\necho 'mytool {version}'\n");
        let temp = host.tool_dir().join(".mytool.new");
        std::fs::write(&temp, text).expect("write tool");
        std::fs::set_permissions(&temp, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        std::fs::rename(&temp, path).expect("replace tool");
    };
    tool(&hosts[3], "1.0.2");
    tool(&hosts[4], "3.0.12");
    let run_check = run("check");
    code(&run_check, 1);
    let text = stdout(&run_check);
    assert_eq!(
        failing(&text),
        [
            "major: web-3 tool.mytool (prod-1: 3.0.11, web-3: 1.0.2) moved further than accepted (at 1.1.1)",
            "patch: web-4 tool.mytool (prod-1: 3.0.11, web-4: 3.0.12)",
        ],
        "{text}"
    );
}
