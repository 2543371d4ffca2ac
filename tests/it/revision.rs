//! The time gap: each host's `app.revision` measured against a real git
//! repository made here (commits on fixed dates, so days are exact), and
//! shown in `diff`'s every format and the TUI.

use std::path::Path;
use std::time::Duration;

use crate::common::git::{DATES, clone_at, git, repository};
use paritty::collect::history;
use paritty::compare::matrix::{Column, Comparison};
use paritty::compare::revision::{Gap, TimeGap};

/// An object name no repository here has.
pub const STRANGER: &str = "0123456789abcdef0123456789abcdef01234567";

fn columns(names: &[&str], baseline: usize) -> Comparison {
    let columns = names
        .iter()
        .map(|n| Column {
            name: (*n).into(),
            environment: None,
            os: None,
            failure: None,
            collected: true,
        })
        .collect();
    Comparison { baseline, columns, rows: Vec::new() }
}

fn measure(dir: &Path, revisions: &[Option<String>], baseline: usize) -> Option<TimeGap> {
    let path = std::env::var_os("PATH");
    history::read(dir, revisions, baseline, Duration::from_secs(30), path.as_deref())
}

#[test]
fn revisions_are_measured_in_commits_and_days_from_head_and_the_baseline() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("app");
    let commits = repository(&repo, "main", &DATES);
    let revisions = vec![
        Some(commits[2].clone()),      // prod: 3 behind, 3 Jan vs 12 Jan
        Some(commits[4][..12].into()), // staging, abbreviated: 1 behind, 2 ahead of prod
        Some(STRANGER.into()),         // not in this repository
        None,                          // no revision at all
        Some(commits[5].clone()),      // HEAD itself
    ];
    let gap = measure(&repo, &revisions, 0).expect("a repository");
    assert_eq!(gap.head.commit.id, commits[5]);
    assert_eq!(gap.head.branch.as_deref(), Some("main"));
    let comparison = columns(&["prod", "staging", "ci", "laptop", "local"], 0);
    assert_eq!(
        gap.lines(&comparison),
        [
            "prod: 3 commits, 9 days behind main",
            "staging: 1 commit, 4 days behind main; 2 ahead of prod",
            "ci: unknown revision: not in your repository",
            format!("local: at main ({}); 3 ahead of prod", &commits[5][..12]).as_str(),
        ]
    );
    assert_eq!(gap.short(0).as_deref(), Some("3 behind · 9d"));
    assert_eq!(gap.short(2).as_deref(), Some("revision not in your repo"));
    match &gap.columns[1] {
        Some(Gap::Known { commit, .. }) => assert_eq!(commit.id, commits[4], "the full name"),
        other => panic!("staging: {other:?}"),
    }

    // A commit made since, on a branch of its own: ahead and behind at once.
    git(&repo, &["checkout", "-q", "-b", "feature", &commits[3]], None);
    std::fs::write(repo.join("FEATURE"), "x\n").expect("write");
    git(&repo, &["add", "FEATURE"], None);
    git(&repo, &["commit", "-q", "-m", "feature"], Some("2026-01-20T12:00:00Z"));
    let feature = git(&repo, &["rev-parse", "HEAD"], None);
    git(&repo, &["checkout", "-q", "main"], None);
    let gap = measure(&repo, &[Some(feature)], 0).expect("a repository");
    assert_eq!(gap.lines(&columns(&["dev"], 0)), ["dev: diverged from main: 1 ahead, 2 behind"]);
}

#[test]
fn without_a_repository_or_with_hostile_values_nothing_reaches_git() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Not a repository: nothing to measure by.
    assert_eq!(measure(tmp.path(), &[Some(STRANGER.into())], 0), None);
    let repo = tmp.path().join("app");
    let commits = repository(&repo, "main", &DATES[..2]);
    // Option-like, range-like and path-like values are not object names:
    // no gap, and git is never asked about them.
    let hostile = [
        "--output=/tmp/x".to_owned(),
        format!("{}..HEAD", &commits[0][..12]),
        "HEAD".to_owned(),
        "../../etc/passwd".to_owned(),
        format!("{}\u{1b}[2J", &commits[0][..12]),
    ];
    let revisions: Vec<Option<String>> = hostile.iter().cloned().map(Some).collect();
    let gap = measure(&repo, &revisions, 0).expect("a repository");
    assert!(gap.columns.iter().all(Option::is_none), "{:?}", gap.columns);
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn a_branch_name_is_cleaned_and_capped_before_it_is_shown() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("app");
    // git allows bidi overrides and very long names in a branch.
    let branch = format!("rel\u{202e}ease-{}", "x".repeat(200));
    let commits = repository(&repo, &branch, &DATES[..2]);
    let gap = measure(&repo, &[Some(commits[0].clone())], 0).expect("a repository");
    let name = gap.head_name();
    assert!(!name.contains('\u{202e}'), "{name:?}");
    assert!(name.starts_with("release-x"), "{name:?}");
    assert!(name.len() <= 80, "{} bytes", name.len());
}

#[test]
fn a_checkout_at_an_older_commit_reports_the_revision_it_is_at() {
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("app");
    let commits = repository(&repo, "main", &DATES);
    let deployed = tmp.path().join("srv/app");
    clone_at(&repo, &deployed, &commits[2]);
    // The shipped profile's fact, asked in that folder as the app folder.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "--format", "json", "--app-dir"])
        .arg(&deployed)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run paritty");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fact = &snap["facts"]["app.revision"];
    assert_eq!(fact["value"], commits[2].as_str(), "{fact}");
    assert_eq!(fact["command"], serde_json::json!(["git", "rev-parse", "HEAD"]));
}

/// The `app.revision` fact as profiles/default.toml defines it.
fn shipped_fact() -> String {
    let default = include_str!("../../profiles/default.toml");
    let start =
        default.find("[[fact]]\nid = \"app.revision\"").expect("app.revision in default.toml");
    let rest = &default[start..];
    let end = rest[1..].find("[[fact]]").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

/// Gives the lab's login user the folder (as root the lab logs in as
/// another user, and git refuses a repository someone else owns).
#[cfg(target_os = "linux")]
fn hand_over(lab: &crate::common::sshd::Lab, dir: &Path) {
    if lab.is_root() {
        let status = std::process::Command::new("chown")
            .args(["-R", lab.user()])
            .arg(dir)
            .status()
            .expect("chown");
        assert!(status.success());
    }
}

/// Over real sshd hosts: `prod`'s app folder is a clone 3 commits and 9
/// days behind the local HEAD, `staging`'s holds only a REVISION file 1
/// commit behind (2 ahead of prod), `ci`'s a revision this repository does
/// not have, `odd`'s a REVISION file of escapes and 2 MB of junk. `diff`
/// says so in every format, and nothing of the junk gets through.
/// The lab's app folders (module comment of the test below) and the
/// paritty.toml naming them: the local repository, its commits, the config.
#[cfg(target_os = "linux")]
fn apps(lab: &crate::common::sshd::Lab) -> Apps {
    use crate::common::sshd::HostSpec;
    use std::fmt::Write as _;
    let mut hosts = Vec::new();
    let root = lab.dir().join("apps");
    let repo = root.join("laptop");
    let commits = repository(&repo, "main", &DATES);
    let prod_app = root.join("prod");
    clone_at(&repo, &prod_app, &commits[2]);
    let staging_app = root.join("staging");
    std::fs::create_dir_all(&staging_app).expect("mkdir");
    std::fs::write(staging_app.join("REVISION"), format!("{}\n", commits[4])).expect("write");
    let ci_app = root.join("ci");
    std::fs::create_dir_all(&ci_app).expect("mkdir");
    std::fs::write(ci_app.join("REVISION"), format!("{STRANGER}\n")).expect("write");
    let odd_app = root.join("odd");
    std::fs::create_dir_all(&odd_app).expect("mkdir");
    let mut junk =
        format!("\u{1b}]0;owned\u{7}\u{1b}[31m{}\u{1b}[0m", &commits[0][..12]).into_bytes();
    junk.extend(std::iter::repeat_n(b'a', 2 << 20));
    std::fs::write(odd_app.join("REVISION"), junk).expect("write");
    for dir in [&prod_app, &staging_app, &ci_app, &odd_app] {
        hand_over(lab, dir);
    }
    // The shipped definition of the fact alone: the whole default profile
    // on five hosts, four times, would only make this slow.
    let profile = lab.dir().join("revision.toml");
    std::fs::write(&profile, format!("[profile]\nname = \"revision\"\n\n{}", shipped_fact()))
        .expect("profile");
    let mut config = format!(
        "[settings]\nssh_config = {:?}\nprofile = {:?}\nhost_timeout = 120\ncommand_timeout = 30\n",
        lab.ssh_config().display().to_string(),
        profile.display().to_string()
    );
    for (name, app) in
        [("prod", &prod_app), ("staging", &staging_app), ("ci", &ci_app), ("odd", &odd_app)]
    {
        hosts.push(lab.add_host(&HostSpec { name, ..HostSpec::default() }));
        let _ = write!(
            config,
            "\n[[host]]\nname = \"{name}\"\nssh = \"{name}\"\nenvironment = \"{name}\"\napp_dir = {:?}\n",
            app.display().to_string()
        );
    }
    let config_file = lab.dir().join("paritty.toml");
    std::fs::write(&config_file, config).expect("config");
    Apps { repo, commits, config_file, _hosts: hosts }
}

/// What `apps` made; its sshd hosts end when it is dropped.
#[cfg(target_os = "linux")]
struct Apps {
    repo: std::path::PathBuf,
    commits: Vec<String>,
    config_file: std::path::PathBuf,
    _hosts: Vec<crate::common::sshd::Host>,
}

#[cfg(target_os = "linux")]
#[test]
fn diff_shows_each_hosts_time_gap_in_every_format() {
    use crate::common::sshd::Lab;
    let lab = Lab::new();
    let apps = apps(&lab);
    let (repo, commits, config_file) = (&apps.repo, &apps.commits, &apps.config_file);
    let diff = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
            .arg("--config")
            .arg(config_file)
            .args(["diff", "prod", "staging", "ci", "odd", "local", "--format", format])
            .arg("--app-dir")
            .arg(repo)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env("NO_COLOR", "1")
            .output()
            .expect("run paritty");
        let stdout = String::from_utf8(out.stdout).expect("utf8");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!stdout.contains('\u{1b}') && !stdout.contains("owned"), "{stdout}");
        stdout
    };
    let json: serde_json::Value = serde_json::from_str(&diff("json")).expect("json");
    // `local` is shown by this machine's name.
    let me = json["hosts"][4]["name"].as_str().expect("local's name").to_owned();
    let head = &commits[5][..12];
    let expected = [
        "prod: 3 commits, 9 days behind main".to_owned(),
        "staging: 1 commit, 4 days behind main; 2 ahead of prod".to_owned(),
        "ci: unknown revision: not in your repository".to_owned(),
        format!("{me}: at main ({head}); 3 ahead of prod"),
    ];

    let text = diff("text");
    let gaps: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("time gap: ")).collect();
    assert_eq!(gaps, expected, "{text}");
    assert!(text.lines().last().is_some_and(|l| l.starts_with("prod vs 4 hosts")), "{text}");
    assert!(text.contains("App revision"), "{text}");

    let md = diff("md");
    assert!(md.contains("Time gap (from your repository's main):"), "{md}");
    for line in &expected {
        assert!(md.contains(&format!("- {line}\n")), "{line}\n{md}");
    }

    let html = diff("html");
    assert!(html.contains("<h2>Time gap</h2>"), "{html}");
    for line in &expected {
        assert!(html.contains(&format!("<li>{line}</li>")), "{line}\n{html}");
    }

    let gap = &json["time_gap"];
    assert_eq!(gap["branch"], "main");
    assert_eq!(gap["head"], commits[5].as_str());
    let by_host = |name: &str| {
        gap["hosts"].as_array().and_then(|h| h.iter().find(|h| h["host"] == name)).cloned()
    };
    let prod = by_host("prod").expect("prod");
    assert_eq!(
        (
            prod["revision"].as_str(),
            prod["behind"].as_u64(),
            prod["ahead"].as_u64(),
            prod["days"].as_i64()
        ),
        (Some(commits[2].as_str()), Some(3), Some(0), Some(9))
    );
    assert_eq!(prod["text"], expected[0].as_str());
    let staging = by_host("staging").expect("staging");
    assert_eq!(staging["ahead_of_baseline"], 2);
    assert_eq!(by_host("ci").expect("ci")["known"], false);
    assert!(by_host("odd").is_none(), "junk is no revision: {gap}");
    // Which source gave it: git in prod's folder, the file in staging's.
    let revision_row = json["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == "app.revision"))
        .cloned()
        .expect("the app.revision row");
    let cell = |host: &str| {
        revision_row["cells"].as_array().and_then(|c| c.iter().find(|c| c["host"] == host)).cloned()
    };
    assert_eq!(cell("odd").expect("odd")["value"], serde_json::Value::Null);
    assert_eq!(cell("staging").expect("staging")["value"], commits[4].as_str());
}

/// A container whose app folder holds no checkout, no `REVISION` file and
/// no variable, of an image labelled with a commit 3 behind the local
/// HEAD: its revision is the label's, measured like any other and said to
/// come from the label, in the text and the JSON.
#[cfg(target_os = "linux")]
#[test]
fn a_containers_revision_falls_back_to_its_image_label() {
    use crate::common::podman::{Container, app_with};
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("laptop");
    let commits = repository(&repo, "main", &DATES);
    let label = format!("LABEL=org.opencontainers.image.revision={}", commits[2]);
    let image = app_with(&[&label]);
    let web = Container::run(&image, "labelled", &["/bin/busybox", "sleep", "600"]);
    let profile = tmp.path().join("revision.toml");
    std::fs::write(&profile, format!("[profile]\nname = \"revision\"\n\n{}", shipped_fact()))
        .expect("profile");
    let config = tmp.path().join("paritty.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nprofile = {:?}\n\n[[host]]\nname = \"web\"\ncontainer = {:?}\n\
             engine = \"podman\"\napp_dir = \"/srv/app\"\n",
            profile.display().to_string(),
            web.name
        ),
    )
    .expect("config");
    let diff = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
            .arg("--config")
            .arg(&config)
            .args(["diff", "web", "local", "--format", format, "--app-dir"])
            .arg(&repo)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .output()
            .expect("run paritty");
        let stdout = String::from_utf8(out.stdout).expect("utf8");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    let expected = "web: 3 commits, 9 days behind main (from the image label)";
    let text = diff("text");
    let gaps: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("time gap: ")).collect();
    assert_eq!(gaps.first().copied(), Some(expected), "{text}");
    let json: serde_json::Value = serde_json::from_str(&diff("json")).expect("json");
    let web_gap = json["time_gap"]["hosts"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["host"] == "web"))
        .cloned()
        .expect("web's gap");
    assert_eq!(
        (web_gap["revision"].as_str(), web_gap["behind"].as_u64()),
        (Some(commits[2].as_str()), Some(3))
    );
    assert_eq!(web_gap["text"], expected);
    let row = json["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == "app.revision"))
        .cloned()
        .expect("the app.revision row");
    let cell = row["cells"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["host"] == "web"))
        .cloned()
        .expect("web's cell");
    assert_eq!(
        (cell["value"].as_str(), cell["origin"].as_str()),
        (Some(commits[2].as_str()), Some("image-label"))
    );
}
