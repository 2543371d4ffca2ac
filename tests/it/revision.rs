//! The time gap: each host's `app.revision` measured against a real git
//! repository made here (commits on fixed dates, so days are exact), and
//! shown in `diff`'s every format and the TUI.

use std::path::Path;
use std::time::Duration;

use crate::common::git::{clone_at, git, repository};
use paritty::collect::history;
use paritty::compare::matrix::{Column, Comparison};
use paritty::compare::revision::{Gap, TimeGap};

/// Six commits of `main`: 1, 2, 3, 5, 8 and 12 January 2026.
pub const DATES: [&str; 6] = [
    "2026-01-01T12:00:00Z",
    "2026-01-02T12:00:00Z",
    "2026-01-03T12:00:00Z",
    "2026-01-05T12:00:00Z",
    "2026-01-08T12:00:00Z",
    "2026-01-12T12:00:00Z",
];

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
