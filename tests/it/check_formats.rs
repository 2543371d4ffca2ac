//! `paritty check --format json|junit|github` through the binary on the
//! fixture snapshots, a hostile one and a corrupt one. The JUnit XML is read
//! by a real consumer (junitparser from PyPI, in target/ansible-venv, set up
//! by scripts/test-deps.sh); the workflow commands are parsed and unescaped
//! the way the Actions runner does; every format agrees with the JSON one
//! and is redacted like the text (a credential in a value never shows).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A host name with everything XML and workflow commands must escape.
const HOSTILE: &str = "dev <&\"x'>, a:b%25";
/// A credential inside a value: redaction must remove it from every format.
const SECRET: &str = "hunter2";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots").join(name)
}

/// prod (baseline), laptop, the hostile dev host and a corrupt file.
struct Fleet {
    _dir: tempfile::TempDir,
    args: Vec<String>,
}

fn fleet() -> Fleet {
    let dir = tempfile::tempdir().expect("temp dir");
    let laptop: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("debian12-laptop.json")).expect("read"),
    )
    .expect("json");
    let mut dev = laptop;
    dev["host"]["name"] = HOSTILE.into();
    dev["facts"]["tool.openssl"]["value"] =
        format!("https://bob:{SECRET}@mirror.example.com/openssl-1.1.1w").into();
    let dev_path = dir.path().join("dev.json");
    std::fs::write(&dev_path, serde_json::to_string(&dev).expect("json")).expect("write");
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, "{\"schema_version\": 1, \"facts\": ").expect("write");
    let args = [fixture("debian11-prod.json"), fixture("debian12-laptop.json"), dev_path, corrupt]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    Fleet { _dir: dir, args }
}

fn check(fleet: &Fleet, extra: &[&str]) -> Output {
    let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("check")
        .args(&fleet.args)
        .args(extra)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty");
    // The corrupt file fails the run whatever the format.
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    run
}

fn stdout(run: &Output) -> String {
    String::from_utf8(run.stdout.clone()).expect("UTF-8")
}

/// The check's own JSON: what the other formats must agree with.
fn divergences(fleet: &Fleet) -> Vec<Value> {
    let report: Value = serde_json::from_str(&stdout(&check(fleet, &["--format", "json"])))
        .expect("check --format json is JSON");
    assert_eq!(report["passed"], false);
    assert_eq!(report["baseline"], "prod-web-1");
    assert_eq!(report["not_collected"][0]["reason"], "bad-snapshot", "{report:#}");
    report["divergences"].as_array().expect("divergences").clone()
}

fn message(d: &Value) -> String {
    format!(
        "{}: prod-web-1 has {}, {} has {}",
        d["severity"].as_str().expect("severity"),
        d["baseline_value"].as_str().expect("baseline value"),
        d["host"].as_str().expect("host"),
        d["value"].as_str().expect("value")
    )
}

const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml
suites = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    cases = [{"name": c.name, "classname": c.classname,
              "results": [{"kind": type(r).__name__, "message": r.message, "type": r.type}
                          for r in c.result]} for c in suite]
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                   "errors": suite.errors, "cases": cases})
print(json.dumps(suites))
"#;

/// `check --format junit` as junitparser reads it.
fn junit_as_read(xml: &str) -> Vec<Value> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ansible-venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/test-deps.sh", python.display());
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).expect("write");
    let run = Command::new(python).arg("-c").arg(READ_JUNIT).arg(&file).output().expect("python");
    assert!(run.status.success(), "junitparser: {}", String::from_utf8_lossy(&run.stderr));
    serde_json::from_slice::<Vec<Value>>(&run.stdout).expect("json")
}

#[test]
fn junit_is_one_suite_per_host_and_one_case_per_fact() {
    let fleet = fleet();
    let want = divergences(&fleet);
    let xml = stdout(&check(&fleet, &["--format", "junit"]));
    assert!(!xml.contains(SECRET), "redacted like the text:\n{xml}");
    let suites = junit_as_read(&xml);
    let names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().expect("name")).collect();
    let corrupt = Path::new(&fleet.args[3]).display().to_string();
    assert_eq!(names, ["laptop", HOSTILE, corrupt.as_str()]);
    for suite in &suites[..2] {
        let host = suite["name"].as_str().expect("name");
        let cases = suite["cases"].as_array().expect("cases");
        assert!(cases.len() >= 10, "a case per compared fact: {}", cases.len());
        assert_eq!(suite["tests"], cases.len());
        let failed: Vec<(&str, &str, &str)> = cases
            .iter()
            .filter_map(|c| {
                let r = c["results"].as_array()?.first()?;
                assert_eq!(r["kind"], "Failure");
                assert_eq!(c["classname"], host);
                Some((c["name"].as_str()?, r["type"].as_str()?, r["message"].as_str()?))
            })
            .collect();
        let expected: Vec<(&str, &str, String)> = want
            .iter()
            .filter(|d| d["host"] == host)
            .map(|d| {
                (d["fact"].as_str().expect("fact"), d["severity"].as_str().expect("s"), message(d))
            })
            .collect();
        assert!(!expected.is_empty());
        let failed: Vec<(&str, &str, String)> =
            failed.into_iter().map(|(f, t, m)| (f, t, m.to_owned())).collect();
        assert_eq!(failed, expected, "{host}");
        assert_eq!(suite["failures"], expected.len());
    }
    let broken = &suites[2];
    assert_eq!(broken["errors"], 1);
    let error = &broken["cases"][0]["results"][0];
    assert_eq!(
        (error["kind"].as_str(), error["type"].as_str()),
        (Some("Error"), Some("bad-snapshot"))
    );
}

/// The runner's unescaping of a workflow command's property or message.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_are_escaped_commands() {
    let fleet = fleet();
    let want = divergences(&fleet);
    let out = stdout(&check(&fleet, &["--format", "github"]));
    assert!(!out.contains(SECRET), "{out}");
    let mut errors = Vec::new();
    for line in out.lines() {
        let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("not a command: {line}"));
        let (command, message) = rest.split_once("::").expect("::message");
        let (name, title) = command.split_once(" title=").expect("a title");
        // A property holds no raw `:` or `,`, or the runner would cut it.
        assert!(!title.contains([':', ',']), "{line}");
        if name == "error" {
            errors.push((unescape(title), unescape(message)));
        } else {
            assert_eq!(name, "notice", "{line}");
        }
    }
    assert!(out.lines().last().is_some_and(|l| l.starts_with("::notice title=paritty check::")));
    let expected: Vec<(String, String)> = want
        .iter()
        .map(|d| {
            let title = format!(
                "paritty: {} {} ({})",
                d["host"].as_str().expect("host"),
                d["fact"].as_str().expect("fact"),
                d["severity"].as_str().expect("severity")
            );
            (title, message(d))
        })
        .collect();
    assert!(expected.iter().any(|(t, _)| t.contains(HOSTILE)));
    assert_eq!(errors[..expected.len()], expected[..]);
    let (title, message) = &errors[expected.len()];
    assert!(title.ends_with(" not collected") && message.starts_with("bad-snapshot: "), "{title}");
    assert_eq!(errors.len(), expected.len() + 1);
}

/// Without redaction the credential is there: the tests above can fail.
#[test]
fn no_redact_shows_the_value_as_collected() {
    let fleet = fleet();
    for format in ["text", "json", "junit", "github"] {
        let out = stdout(&check(&fleet, &["--format", format, "--no-redact"]));
        assert!(out.contains(SECRET), "{format}: {out}");
        let redacted = stdout(&check(&fleet, &["--format", format]));
        assert!(!redacted.contains(SECRET), "{format}: {redacted}");
        assert!(redacted.contains("credential"), "{format} says what it redacted: {redacted}");
    }
}

fn run_check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("check")
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty")
}

/// The first target is the default baseline; when it cannot be collected
/// the first one that was takes its place, so the report is still printed
/// (in the format asked for, redacted) and the failure is one error in it.
#[test]
fn a_failed_default_baseline_gives_way_and_the_report_is_still_printed() {
    // No target is labelled prod or staging: the first is the baseline.
    let laptop = fixture("debian12-laptop.json");
    let run = run_check(&[
        "ssh://127.0.0.1:1",
        laptop.to_str().expect("utf8"),
        "--format",
        "junit",
        "--redact",
        "hosts",
        "--connect-timeout",
        "5",
    ]);
    let (out, err) = (stdout(&run), String::from_utf8_lossy(&run.stderr).into_owned());
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(out.contains("<testsuite"), "a JUnit report: {out}\n{err}");
    assert!(out.contains("<error"), "the failed host is an error in it: {out}");
    for shown in [&out, &err] {
        assert!(!shown.contains("127.0.0.1"), "the address is redacted: {shown}");
    }
}

#[test]
fn check_against_declared_refuses_formats_it_cannot_print() {
    let prod = fixture("debian11-prod.json");
    let run =
        run_check(&["--against", "declared", prod.to_str().expect("utf8"), "--format", "junit"]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("prints text only"), "{err}");
    assert!(stdout(&run).is_empty(), "nothing printed as if it were JUnit");
}
