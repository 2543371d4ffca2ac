//! The `declared` target end to end: an app folder's files read, judged
//! against snapshot files (so nothing depends on this machine's tools),
//! `diff declared` and `check --against declared` through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use paritty::compare::constraint::{self, Constraint, Judgement, ver};
use paritty::compare::declared::Judged;
use paritty::compare::matrix::Comparison;
use paritty::compare::policy::Policy;
use paritty::declare::{self, Rules};
use paritty::model::HostReport;
use paritty::model::snapshot_file::read_snapshot;
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declared")
}

fn snapshot(name: &str) -> String {
    fixtures().join("snapshots").join(name).display().to_string()
}

fn project(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn paritty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env("NO_COLOR", "1")
        .output()
        .expect("run paritty")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const DISAGREE_NODE: &str = "the project disagrees with itself: runtime.node: .nvmrc:1 says 20, \
                             package.json:10 says >=18 <19";
const DISAGREE_PYTHON: &str = "the project disagrees with itself: runtime.python3: \
                               .python-version:1 says 3.11, Dockerfile:2 says 3.12";

#[test]
fn diff_declared_shows_both_disagreements_and_each_hosts_violations() {
    let (laptop, ci) = (snapshot("laptop.json"), snapshot("ci-runner.json"));
    let dir = project("disagreeing");
    let out = paritty(&["diff", "declared", &laptop, &ci, "--app-dir", &dir, "--only-diff"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let header = stdout.lines().next().unwrap_or("");
    assert!(header.trim_start().starts_with("declared"), "declared column first: {header}");
    let node = stdout.lines().find(|l| l.contains("Node.js")).expect("node row");
    assert!(node.contains("20 (.nvmrc:1); >=18 <19 (package.json:10)"), "{node}");
    assert!(node.contains("20.11.1 ✗ violates package.json:10"), "{node}");
    assert!(node.contains("18.19.1 (major) ✗ violates .nvmrc:1"), "{node}");
    let python = stdout.lines().find(|l| l.contains("Python 3")).expect("python row");
    assert!(python.contains("3.12.3 ✗ violates .python-version:1"), "{python}");
    assert!(python.contains("3.11.9 (minor) ✗ violates Dockerfile:2"), "{python}");
    assert!(stdout.contains(DISAGREE_NODE), "{stdout}");
    assert!(stdout.contains(DISAGREE_PYTHON), "{stdout}");
    assert!(stdout.contains(
        "declared: laptop violates 2, ci-runner violates 2 · the project disagrees with itself on 2 facts"
    ));
    // The comparison's summary stays the last line (scripts read it).
    assert!(stdout.trim_end().lines().last().unwrap_or("").starts_with("laptop vs 1 host"));
}

#[test]
fn check_against_declared_exits_1_on_violations() {
    let (laptop, ci) = (snapshot("laptop.json"), snapshot("ci-runner.json"));
    let dir = project("disagreeing");
    let out = paritty(&["check", "--against", "declared", &laptop, &ci, "--app-dir", &dir]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    for line in [
        "violates: laptop runtime.node 20.11.1 (declared >=18 <19 at package.json:10)",
        "violates: ci-runner runtime.node 18.19.1 (declared 20 at .nvmrc:1)",
        "violates: laptop runtime.python3 3.12.3 (declared 3.11 at .python-version:1)",
        "violates: ci-runner runtime.python3 3.11.9 (declared 3.12 at Dockerfile:2)",
        DISAGREE_NODE,
        DISAGREE_PYTHON,
    ] {
        assert!(stdout.lines().any(|l| l == line), "missing `{line}` in:\n{stdout}");
    }
}

#[test]
fn check_against_declared_passes_a_host_that_satisfies_everything() {
    let dir = project("agreeing");
    let out =
        paritty(&["check", "--against", "declared", &snapshot("laptop.json"), "--app-dir", &dir]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // Printed redacted, as `check` is: the snapshots' home folders count.
    // The summary is the last line, as in `check` (scripts read it).
    assert_eq!(stdout.lines().last(), Some("declared: no host violates the declarations"));
    // The same folder, a host on Node 18: a violation.
    let out = paritty(&[
        "check",
        "--against",
        "declared",
        &snapshot("ci-runner.json"),
        "--app-dir",
        &dir,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

#[test]
fn a_malformed_file_is_one_line_and_the_others_still_count() {
    let dir = project("malformed");
    let out =
        paritty(&["check", "--against", "declared", &snapshot("laptop.json"), "--app-dir", &dir]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert_eq!(
        stderr,
        "paritty: declaration file package.json:4: not valid JSON: trailing comma\n"
    );
    // `.nvmrc` 18 was still read and judged.
    assert!(
        stdout.contains("violates: laptop runtime.node 20.11.1 (declared 18 at .nvmrc:1)"),
        "{stdout}"
    );
}

#[test]
fn exports_carry_the_declared_column_and_judgements() {
    let (laptop, ci) = (snapshot("laptop.json"), snapshot("ci-runner.json"));
    let dir = project("disagreeing");
    let out = paritty(&["diff", "declared", &laptop, &ci, "--app-dir", &dir, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let row = json["rows"].as_array().expect("rows").iter().find(|r| r["id"] == "runtime.node");
    let row = row.expect("node row");
    assert_eq!(row["declared"][1]["constraint"], ">=18 <19");
    assert_eq!(row["declared"][1]["rules"], "npm");
    assert_eq!(row["cells"][1]["judgement"], "violates");
    assert_eq!(row["cells"][1]["violates"], ".nvmrc:1");
    assert_eq!(json["declared"]["disagreements"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["declared"]["disagreements"][0]["first"]["file"], ".nvmrc");
    let out = paritty(&["diff", "declared", &laptop, &ci, "--app-dir", &dir, "--format", "md"]);
    let md = text(&out.stdout);
    assert!(md.contains("| Fact | declared |"), "{md}");
    assert!(md.contains("**✗ violates .nvmrc:1**"), "{md}");
    assert!(md.contains("- the project disagrees with itself: runtime.node"), "{md}");
    let out = paritty(&["diff", "declared", &laptop, &ci, "--app-dir", &dir, "--format", "html"]);
    let html = text(&out.stdout);
    assert!(html.contains("<th scope=\"col\">declared</th>"), "{html}");
    assert!(html.contains("20 (.nvmrc:1); &gt;=18 &lt;19 (package.json:10)"), "{html}");
    assert!(html.contains("<span class=\"note\">✗ violates .nvmrc:1</span>"), "{html}");
    assert!(html.contains("<li>the project disagrees with itself: runtime.python3"), "{html}");
}

#[test]
fn declared_needs_a_host_and_app_dir_must_exist() {
    let out = paritty(&["diff", "declared"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("name one too"), "{}", text(&out.stderr));
    let out = paritty(&["diff", &snapshot("laptop.json"), "--app-dir", "no/such/app"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--app-dir no/such/app: no such folder"));
    let out = paritty(&["check", "declared", &snapshot("laptop.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--against declared"));
    // The interactive view takes `declared` as its column, not as a host:
    // without a terminal it says so, and names no host `declared`.
    let out = paritty(&["declared", &snapshot("laptop.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("needs a terminal") && !stderr.contains("`declared`"), "{stderr}");
}

#[test]
fn hostile_declaration_text_is_cleaned_before_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".nvmrc"), "18\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}\n")
        .expect("write");
    std::fs::write(
        dir.path().join("package.json"),
        "{\"engines\": {\"node\": \">=18 \u{1b}[31mred\u{1b}[0m\"}}",
    )
    .expect("write");
    let app_dir = dir.path().display().to_string();
    for format in ["text", "md", "json"] {
        let out = paritty(&[
            "diff",
            "declared",
            &snapshot("ci-runner.json"),
            "--app-dir",
            &app_dir,
            "--format",
            format,
        ]);
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{202e}') && !all.contains('\u{7}'),
            "{all:?}"
        );
    }
}

#[test]
fn a_fifo_among_the_files_is_refused_by_name_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join(".nvmrc");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    std::fs::write(dir.path().join(".python-version"), "3.11\n").expect("write");
    let app_dir = dir.path().display().to_string();
    let out = paritty(&[
        "check",
        "--against",
        "declared",
        &snapshot("ci-runner.json"),
        "--app-dir",
        &app_dir,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("declaration file .nvmrc: cannot read: it is a FIFO"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).ends_with("declared: no host violates the declarations\n"));
}

#[test]
fn links_are_followed_only_inside_the_app_folder() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "hunter2-password\n").expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(&secret, dir.path().join(".nvmrc")).expect("link");
    std::fs::write(dir.path().join("versions.txt"), "3.11\n").expect("write");
    std::os::unix::fs::symlink("versions.txt", dir.path().join(".python-version")).expect("link");
    let read = declare::read::read_dir(dir.path());
    let got: Vec<(String, String, String)> = read.items.iter().map(summary).collect();
    assert_eq!(got, [("runtime.python3".into(), "3.11".into(), ".python-version:1".into())]);
    let problems: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, [".nvmrc: is a link to outside the app folder: not read"]);
    let app_dir = dir.path().display().to_string();
    let out = paritty(&["diff", "declared", &snapshot("ci-runner.json"), "--app-dir", &app_dir]);
    assert!(!text(&out.stdout).contains("hunter2") && !text(&out.stderr).contains("hunter2"));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("package.json"), "\u{feff}{\"engines\": {\"node\": \"^20\"}}")
        .expect("write");
    let read = declare::read::read_dir(dir.path());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(
        read.items.iter().map(summary).collect::<Vec<_>>(),
        [("runtime.node".to_owned(), "^20".to_owned(), "package.json:1".to_owned())]
    );
}

#[test]
fn declarations_are_redacted_in_what_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("package.json"),
        "{\"engines\": {\"node\": \">=18 https://deploy:s3cr3t-t0ken@example.com\"}}",
    )
    .expect("write");
    let app_dir = dir.path().display().to_string();
    let ci = snapshot("ci-runner.json");
    let out = paritty(&["diff", "declared", &ci, "--app-dir", &app_dir, "--format", "json"]);
    let json = text(&out.stdout);
    assert!(json.contains("\"constraint\": \">=18 https://"), "{json}");
    assert!(!json.contains("s3cr3t-t0ken"), "{json}");
    let out = paritty(&[
        "diff",
        "declared",
        &ci,
        "--app-dir",
        &app_dir,
        "--format",
        "json",
        "--no-redact",
    ]);
    assert!(text(&out.stdout).contains("s3cr3t-t0ken"), "--no-redact writes it as read");
}

#[test]
fn snapshot_declared_lists_what_was_read() {
    let dir = project("disagreeing");
    let out = paritty(&["snapshot", "declared", "--app-dir", &dir, "--format", "text"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let want = format!(
        "declared in {dir}\n\
         \x20 runtime.node     20        .nvmrc:1           prefix\n\
         \x20 runtime.node     >=18 <19  package.json:10    npm\n\
         \x20 runtime.python3  3.11      .python-version:1  prefix\n\
         \x20 runtime.python3  3.12      Dockerfile:2       prefix\n\
         {DISAGREE_NODE}\n{DISAGREE_PYTHON}\n"
    );
    assert_eq!(text(&out.stdout), want);
    // Piped, JSON; a malformed file fails the run after listing the rest.
    let out = paritty(&["snapshot", "declared", "--app-dir", &project("malformed")]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["declarations"][0]["constraint"], "18");
    assert_eq!(json["problems"][0], "package.json:4: not valid JSON: trailing comma");
    let out = paritty(&["snapshot", "declared", "local", "--app-dir", &dir]);
    assert_eq!(out.status.code(), Some(2));
}

fn summary(d: &declare::Declaration) -> (String, String, String) {
    (d.fact.clone(), d.constraint.clone(), d.source())
}

#[test]
fn real_world_files_give_their_declarations() {
    let read = declare::read::read_dir(&fixtures().join("real"));
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let got: Vec<(String, String, String)> = read.items.iter().map(summary).collect();
    let want = [
        ("runtime.node", "20.11.1", ".tool-versions:2"),
        ("runtime.python3", "3.12.1 3.11.7", ".tool-versions:3"),
        ("runtime.java", "21.0.2+13.0.LTS", ".tool-versions:4"),
        ("runtime.go", "1.22.0", ".tool-versions:5"),
        ("runtime.node", ">=20.0.0", "package.json:15"),
        ("pkg.npm", ">2.7.0", "package.json:16"),
        ("pkg.pnpm", "8.15.4", "package.json:18"),
        ("runtime.python3", ">=3.12,<3.13", "pyproject.toml:8"),
        ("runtime.python3", "3.12.1", "runtime.txt:1"),
        ("runtime.ruby", "~> 3.2", "Gemfile:4"),
        ("runtime.rustc", "1.77.2", "rust-toolchain.toml:2"),
        ("runtime.go", "1.21", "go.mod:3"),
        ("runtime.go", "1.22.0", "go.mod:5"),
        ("tool.terraform", "latest:^1.5", ".terraform-version:1"),
        ("runtime.node", "20.11", "Dockerfile:5"),
        ("runtime.python3", "3.12", "Dockerfile:10"),
        ("service.postgresql", "16", "compose.yaml:7"),
        ("service.redis", "7.2", "compose.yaml:11"),
        ("backing.database", "postgres:${POSTGRES_VERSION:-16}-alpine", "compose.yaml:7"),
        ("backing.cache", "redis:7.2-alpine", "compose.yaml:11"),
        ("runtime.node", "20.x || 22.x", ".github/workflows/ci.yml:20"),
        ("runtime.python3", "3.12", ".github/workflows/ci.yml:29"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| ((*a).into(), (*b).into(), (*c).into())).collect();
    assert_eq!(got, want);
}

#[test]
fn real_world_declarations_judged_against_a_laptop() {
    let snapshot = read_snapshot(Path::new(&snapshot("laptop.json"))).expect("loads");
    let reports = [HostReport { target: "laptop".into(), snapshot: Some(snapshot), failure: None }];
    let comparison = Comparison::build(&reports, 0, &Policy::default());
    let judged = Judged::build(declare::read::read_dir(&fixtures().join("real")), &comparison);
    assert!(judged.disagreements.is_empty(), "{:?}", judged.disagreement_lines());
    let verdict = |fact: &str| judged.fact(fact).map(|f| f.cells[0].judgement);
    // node 20.11.1, rustc 1.77.2, postgres 16.2, redis 7.2.4, npm 10.2.4 hold;
    // python 3.12.3 is neither asdf's 3.12.1 nor its 3.11.7 fallback.
    for fact in ["runtime.node", "runtime.rustc", "service.postgresql", "service.redis", "pkg.npm"]
    {
        assert_eq!(verdict(fact), Some(Judgement::Satisfies), "{fact}");
    }
    for fact in ["runtime.python3", "runtime.java", "runtime.go"] {
        assert_eq!(verdict(fact), Some(Judgement::Violates), "{fact}");
    }
    // Not installed, or not collected by the profile: nothing to judge.
    for fact in ["runtime.ruby", "tool.terraform", "pkg.pnpm"] {
        assert_eq!(verdict(fact), Some(Judgement::NoVersion), "{fact}");
    }
}

/// A version `x.y.z` as text, and its numbers.
fn version() -> impl Strategy<Value = (u64, u64, u64)> {
    (0u64..30, 0u64..30, 0u64..30)
}

/// One npm comparator: an operator and one to three numbers.
fn comparator() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["", "=", ">", ">=", "<", "<=", "^", "~", "!="]);
    (op, version(), 1usize..=3).prop_map(|(op, (x, y, z), n)| {
        let v: Vec<String> = [x, y, z][..n].iter().map(u64::to_string).collect();
        format!("{op}{}", v.join("."))
    })
}

/// npm ranges built from comparators, sometimes two joined.
fn constraint_text() -> impl Strategy<Value = String> {
    prop_oneof![
        comparator(),
        (comparator(), comparator()).prop_map(|(a, b)| format!("{a} {b}")),
        (comparator(), comparator()).prop_map(|(a, b)| format!("{a} || {b}")),
    ]
}

proptest! {
    #[test]
    fn caret_implies_at_least((x, y, z) in version(), (a, b, c) in version()) {
        let host = format!("{a}.{b}.{c}");
        let caret = constraint::parse(Rules::Npm, &format!("^{x}.{y}.{z}"));
        let at_least = constraint::parse(Rules::Npm, &format!(">={x}.{y}.{z}"));
        if constraint::judge(&caret, &host) == Judgement::Satisfies {
            prop_assert_eq!(constraint::judge(&at_least, &host), Judgement::Satisfies);
        }
        let tilde = constraint::parse(Rules::Npm, &format!("~{x}.{y}.{z}"));
        if constraint::judge(&tilde, &host) == Judgement::Satisfies {
            prop_assert_eq!(constraint::judge(&caret, &host), Judgement::Satisfies);
        }
    }

    #[test]
    fn a_version_satisfies_its_own_prefix_and_pin((x, y, z) in version()) {
        let host = format!("{x}.{y}.{z}");
        for (rules, text) in [
            (Rules::Prefix, format!("{x}")),
            (Rules::Prefix, format!("{x}.{y}")),
            (Rules::Npm, host.clone()),
            (Rules::Pep440, format!("=={x}.{y}.*")),
            (Rules::Ruby, format!("~> {x}.{y}")),
            (Rules::Minimum, format!("{x}.{y}")),
        ] {
            prop_assert_eq!(constraint::judge(&constraint::parse(rules, &text), &host), Judgement::Satisfies, "{}", text);
        }
    }

    #[test]
    fn a_version_satisfying_both_means_they_agree(
        (a, b, c) in version(),
        first in constraint_text(),
        second in constraint_text(),
    ) {
        let host = format!("{a}.{b}.{c}");
        let (x, y) = (constraint::parse(Rules::Npm, &first), constraint::parse(Rules::Npm, &second));
        let both = constraint::judge(&x, &host) == Judgement::Satisfies
            && constraint::judge(&y, &host) == Judgement::Satisfies;
        if both {
            prop_assert_eq!(constraint::compatible(&x, &y), Some(true), "{} and {} hold for {}", first, second, host);
        }
        // And a disagreement means no version satisfies both.
        if constraint::compatible(&x, &y) == Some(false) {
            prop_assert!(!both);
        }
        // The intersection holds exactly the versions both hold.
        if let (Constraint::Range { range: rx, .. }, Constraint::Range { range: ry, .. }) = (&x, &y) {
            let v = ver::find(&host).expect("a version");
            prop_assert_eq!(rx.intersect(ry).contains(&v), rx.contains(&v) && ry.contains(&v));
            prop_assert_eq!(rx.minus(ry).contains(&v), rx.contains(&v) && !ry.contains(&v));
        }
    }

    #[test]
    fn judging_and_parsing_never_panic(text in ".{0,40}", value in ".{0,20}") {
        for rules in [Rules::Prefix, Rules::Npm, Rules::Poetry, Rules::Pep440, Rules::Ruby, Rules::Minimum] {
            let c = constraint::parse(rules, &text);
            let _ = constraint::judge(&c, &value);
            let _ = constraint::compatible(&c, &constraint::parse(rules, &value));
        }
        for name in declare::FILES {
            let (found, problems) = declare::parse(name, &text);
            for d in &found {
                prop_assert!(!d.constraint.chars().any(char::is_control));
            }
            for p in &problems {
                prop_assert!(!p.to_string().contains('\n'));
            }
        }
    }
}

/// `check --against declared` goes to CI logs: a message about a malformed
/// declaration file that quotes the file is redacted like the rest.
#[test]
fn a_malformed_file_quoting_a_secret_is_reported_redacted() {
    let dir = tempfile::tempdir().expect("tmp");
    let token = format!("ghp_{}", "a1B2c3D4e5".repeat(4).get(..36).expect("36 chars"));
    std::fs::write(dir.path().join(".sdkmanrc"), format!("{token}\n")).expect("write");
    let app_dir = dir.path().display().to_string();
    let out = paritty(&[
        "check",
        "--against",
        "declared",
        &snapshot("laptop.json"),
        "--app-dir",
        &app_dir,
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "a declaration file could not be used: {stderr}");
    assert!(stderr.contains(".sdkmanrc"), "the file is named: {stderr}");
    assert!(!stderr.contains(&token) && !stdout.contains(&token), "{stdout}{stderr}");
}

/// Copies fixture project `name` into `to` (files only, `.github` too).
#[cfg(target_os = "linux")]
fn copy_project(name: &str, to: &Path) {
    let status = Command::new("cp")
        .arg("-R")
        .arg(format!("{}/.", project(name)))
        .arg(to)
        .status()
        .expect("cp");
    assert!(status.success());
}

/// `--declared-from HOST` reads HOST's app folder over SSH: the same
/// declarations as reading the same files here (workflows apart: they are
/// read here only), judged the same way; a file too large is one problem;
/// a host without `app_dir` is refused with what to set.
#[cfg(target_os = "linux")]
#[test]
fn declared_from_a_host_reads_its_app_folder_over_ssh() {
    use crate::common::sshd::{HostSpec, Lab};
    use std::fmt::Write as _;
    let lab = Lab::new();
    let apps = lab.dir().join("apps");
    for name in ["disagreeing", "real", "huge"] {
        std::fs::create_dir_all(apps.join(name)).expect("mkdir");
    }
    copy_project("disagreeing", &apps.join("disagreeing"));
    copy_project("real", &apps.join("real"));
    std::fs::write(apps.join("huge/.nvmrc"), "20\n".repeat(600_000)).expect("write");
    std::fs::write(apps.join("huge/.python-version"), "3.12\n").expect("write");
    let mut config = format!(
        "[settings]\nssh_config = {:?}\nhost_timeout = 120\ncommand_timeout = 30\n",
        lab.ssh_config().display().to_string()
    );
    let mut hosts = Vec::new();
    for name in ["disagreeing", "real", "huge", "bare"] {
        hosts.push(lab.add_host(&HostSpec { name, ..HostSpec::default() }));
        let _ = write!(config, "\n[[host]]\nname = \"{name}\"\nssh = \"{name}\"\n");
        if name != "bare" {
            let dir = apps.join(name).display().to_string();
            let _ = writeln!(config, "app_dir = {dir:?}");
        }
    }
    let config_file = lab.dir().join("paritty.toml");
    std::fs::write(&config_file, config).expect("config");
    let cfg = config_file.to_str().expect("utf8");

    // The same judgement as the same files read here.
    let (laptop, ci) = (snapshot("laptop.json"), snapshot("ci-runner.json"));
    let remote = ["--config", cfg, "diff", "declared", &laptop, &ci, "--only-diff"];
    let out = paritty(&[&remote[..], &["--declared-from", "disagreeing"]].concat());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let node = stdout.lines().find(|l| l.contains("Node.js")).expect("node row");
    assert!(node.contains("20 (.nvmrc:1); >=18 <19 (package.json:10)"), "{node}");
    assert!(node.contains("18.19.1 (major) ✗ violates .nvmrc:1"), "{node}");
    assert!(stdout.contains(DISAGREE_PYTHON), "{stdout}");

    let listing = |args: &[&str]| -> serde_json::Value {
        let base = ["--config", cfg, "snapshot", "declared", "--format", "json", "--no-redact"];
        let out = paritty(&[&base[..], args].concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let there = listing(&["--declared-from", "real"]);
    let here = listing(&["--app-dir", &project("real")]);
    let without_workflows = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        let items = v["declarations"].as_array().cloned().unwrap_or_default();
        items
            .into_iter()
            .filter(|d| !d["file"].as_str().unwrap_or("").starts_with(".github"))
            .collect()
    };
    assert!(without_workflows(&here).len() >= 8, "{here}");
    assert_eq!(without_workflows(&there), without_workflows(&here));
    assert_eq!(
        there["app_dir"].as_str(),
        Some(format!("real:{}", apps.join("real").display()).as_str())
    );

    // Too large to be a declaration: said, and the other files still count.
    let out = paritty(&[
        "--config",
        cfg,
        "snapshot",
        "declared",
        "--format",
        "json",
        "--declared-from",
        "huge",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["declarations"][0]["constraint"], "3.12", "{json}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(".nvmrc: larger than 1048576 bytes: not read"), "{stderr}");

    let out = paritty(&["--config", cfg, "diff", "declared", &laptop, "--declared-from", "bare"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--declared-from bare: it names no app folder (set `app_dir`"),
        "{stderr}"
    );
    drop(hosts);
}
