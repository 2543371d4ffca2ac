//! Divergence end to end: two real-looking snapshots of different Debian
//! releases judged in-process, and `diff` / `check` through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use paritty::compare::matrix::{Comparison, choose_baseline};
use paritty::compare::policy::Policy;
use paritty::compare::severity::Severity;
use paritty::model::HostReport;
use paritty::model::snapshot_file::read_snapshot;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots").join(name)
}

fn report(name: &str) -> HostReport {
    let snapshot = read_snapshot(&fixture(name)).expect("fixture loads");
    HostReport { target: name.into(), snapshot: Some(snapshot), failure: None }
}

fn paritty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("NO_COLOR")
        .output()
        .expect("run paritty")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn debian_11_and_12_diverge_with_the_right_severities() {
    let reports = [report("debian12-laptop.json"), report("debian11-prod.json")];
    let baseline = choose_baseline(&reports, None).expect("baseline");
    assert_eq!(baseline, 1, "the host labelled prod is the default baseline");
    let comparison = Comparison::build(&reports, baseline, &Policy::default());
    let severity = |id: &str| {
        let row = comparison.rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("row {id}"));
        (row.cells[0].severity, row.cells[1].severity)
    };
    assert_eq!(severity("runtime.python3"), (Severity::Minor, Severity::Equal));
    assert_eq!(severity("tool.openssl").0, Severity::Major);
    assert_eq!(severity("tool.git").0, Severity::Missing);
    assert_eq!(severity("service.nginx").0, Severity::Minor);
    assert_eq!(severity("service.postgresql-client").0, Severity::Major);
    assert_eq!(severity("pkg.dpkg").0, Severity::Minor);
    assert_eq!(severity("os.id").0, Severity::Equal);
    assert_eq!(severity("os.pretty").0, Severity::Different);
    // Hostname differs, and is informational: shown, never counted.
    let hostname = comparison.rows.iter().find(|r| r.id == "hostname").expect("hostname row");
    assert!(hostname.informational);
    assert_eq!(hostname.worst(), Severity::Equal);
    let counts = comparison.counts(0);
    assert_eq!(counts.get(&Severity::Missing), Some(&1));
    assert!(!counts.contains_key(&Severity::Equal));
    assert!(comparison.summary().starts_with("prod-web-1 vs 1 host: "), "{}", comparison.summary());
}

#[test]
fn a_policy_ignores_and_tolerates() {
    let reports = [report("debian11-prod.json"), report("debian12-laptop.json")];
    let policy: Policy = toml::from_str(
        "ignore = [\"os.*\", \"kernel.release\"]\ntolerate = { \"Runtimes\" = \"minor\" }\n",
    )
    .expect("policy");
    let comparison = Comparison::build(&reports, 0, &policy);
    assert!(comparison.rows.iter().all(|r| !r.id.starts_with("os.") && r.id != "kernel.release"));
    let python = comparison.rows.iter().find(|r| r.id == "runtime.python3").expect("row");
    assert!(python.cells[1].tolerated && python.worst() == Severity::Equal);
    // A missing tool is never tolerated.
    let git = comparison.rows.iter().find(|r| r.id == "tool.git").expect("row");
    assert_eq!(git.worst(), Severity::Missing);
}

#[test]
fn check_exit_codes_through_the_binary() {
    let (laptop, prod) = (fixture("debian12-laptop.json"), fixture("debian11-prod.json"));
    let (laptop, prod) = (laptop.to_str().expect("utf8"), prod.to_str().expect("utf8"));
    let diverged = paritty(&["check", laptop, prod, "--baseline", prod]);
    assert_eq!(diverged.status.code(), Some(1), "{}", text(&diverged.stderr));
    let out = text(&diverged.stdout);
    assert!(out.contains("major: laptop tool.openssl"), "{out}");
    assert!(out.contains("missing: laptop tool.git"), "{out}");
    assert!(!out.contains("hostname"), "informational facts never fail a check: {out}");

    // The same machine twice is parity.
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("prod-again.json");
    std::fs::copy(prod, &copy).expect("copy");
    let same = paritty(&["check", prod, copy.to_str().expect("utf8"), "--fail-on", "patch"]);
    assert_eq!(same.status.code(), Some(0), "{}{}", text(&same.stdout), text(&same.stderr));
    assert!(text(&same.stdout).contains("parity"));

    // A corrupt snapshot is an error, not parity.
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, "{\"schema_version\": 1, \"facts\": ").expect("write");
    let broken = paritty(&["check", prod, corrupt.to_str().expect("utf8")]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(text(&broken.stderr).contains("truncated"), "{}", text(&broken.stderr));
}

#[test]
fn diff_formats_through_the_binary() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(fixture("debian12-laptop.json"), dir.path().join("laptop.json")).expect("copy");
    std::fs::copy(fixture("debian11-prod.json"), dir.path().join("prod.json")).expect("copy");
    let folder = dir.path().to_str().expect("utf8");

    let json = paritty(&["diff", folder, "--format", "json"]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["baseline"], "prod-web-1");
    let openssl = value["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == "tool.openssl")
        .expect("row");
    assert_eq!(openssl["worst"], "major");

    let table = text(&paritty(&["diff", folder, "--only-diff"]).stdout);
    assert!(!table.contains('\u{1b}'), "no colour when piped");
    assert!(table.contains("3.9.2") && table.contains("3.11.2 (minor)"), "{table}");
    assert!(
        !table.lines().any(|l| l.trim_start().starts_with("OS id")),
        "equal rows hidden: {table}"
    );
    assert!(
        table.lines().last().is_some_and(|l| l.starts_with("prod-web-1 vs 1 host:")),
        "{table}"
    );

    let md = text(&paritty(&["diff", folder, "--format", "md"]).stdout);
    assert!(md.contains("| Fact |") && md.contains("**major**"), "{md}");
}

/// A target that fails is an error (exit 2) for `diff` as for `check`, after
/// the output for the hosts that worked; it is one line, never a line per
/// fact, and a summary with a host missing never reads "parity".
#[test]
fn a_failed_target_is_one_line_an_error_and_never_parity() {
    let prod = fixture("debian11-prod.json");
    let prod = prod.to_str().expect("utf8");
    let dir = tempfile::tempdir().expect("tmp");
    let corrupt = dir.path().join("truncated.json");
    std::fs::write(&corrupt, "{\"schema_version\": 1, \"facts\": ").expect("write");
    let corrupt = corrupt.to_str().expect("utf8");

    let checked = paritty(&["check", prod, corrupt]);
    assert_eq!(checked.status.code(), Some(2), "{}", text(&checked.stderr));
    let out = text(&checked.stdout);
    assert!(!out.contains("unknown:"), "no line per fact of a failed host:\n{out}");
    assert_eq!(out.lines().count(), 1, "only the summary:\n{out}");
    assert!(!out.contains("parity"), "{out}");
    assert!(out.contains("1 host not collected"), "{out}");
    let err = text(&checked.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("truncated"), "{err}");

    let diffed = paritty(&["diff", prod, corrupt]);
    assert_eq!(diffed.status.code(), Some(2), "{}", text(&diffed.stderr));
    let table = text(&diffed.stdout);
    assert!(table.contains("prod-web-1 [baseline]"), "the table is still shown:\n{table}");
    let summary = table.lines().last().expect("summary");
    assert!(!summary.contains("parity") && summary.contains("not collected"), "{summary}");

    let written = dir.path().join("report.md");
    let diffed = paritty(&[
        "diff",
        prod,
        corrupt,
        "--format",
        "md",
        "--out",
        written.to_str().expect("utf8"),
    ]);
    assert_eq!(diffed.status.code(), Some(2), "{}", text(&diffed.stderr));
    let md = std::fs::read_to_string(&written).expect("written for the hosts that worked");
    assert!(md.starts_with("**prod-web-1 vs 1 host:"), "{md}");
}
