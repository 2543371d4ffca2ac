//! Real git repositories for the time-gap tests: commits with fixed dates
//! (so "9 days behind" is checked exactly), clones at older commits. git
//! runs with no user or system configuration of its own.

use std::path::Path;
use std::process::Command;

/// Six commits of `main`: 1, 2, 3, 5, 8 and 12 January 2026.
pub const DATES: [&str; 6] = [
    "2026-01-01T12:00:00Z",
    "2026-01-02T12:00:00Z",
    "2026-01-03T12:00:00Z",
    "2026-01-05T12:00:00Z",
    "2026-01-08T12:00:00Z",
    "2026-01-12T12:00:00Z",
];

/// `git ARGS` in `dir`, isolated from the machine's configuration, with
/// author and committer dates set to `date` when given; its trimmed
/// standard output. Panics with git's message when it fails.
pub fn git(dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    if let Some(date) = date {
        cmd.env("GIT_AUTHOR_DATE", date).env("GIT_COMMITTER_DATE", date);
    }
    let out = cmd.output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A repository in `dir` on branch `branch` with one commit per date
/// (RFC 2822 or ISO 8601, UTC), each changing one file; the commits'
/// object names, oldest first.
pub fn repository(dir: &Path, branch: &str, dates: &[&str]) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("repo folder");
    git(dir, &["init", "-q", "--object-format=sha1", "-b", branch], None);
    dates
        .iter()
        .enumerate()
        .map(|(n, date)| {
            std::fs::write(dir.join("CHANGES"), format!("change {n}\n")).expect("write");
            git(dir, &["add", "CHANGES"], None);
            git(dir, &["commit", "-q", "-m", &format!("change {n}")], Some(date));
            git(dir, &["rev-parse", "HEAD"], None)
        })
        .collect()
}

/// A clone of `from` in `to`, checked out (detached) at `commit`.
pub fn clone_at(from: &Path, to: &Path, commit: &str) {
    let parent = to.parent().expect("parent");
    std::fs::create_dir_all(parent).expect("clone parent");
    git(parent, &["clone", "-q", from.to_str().expect("utf8"), to.to_str().expect("utf8")], None);
    git(to, &["checkout", "-q", "--detach", commit], None);
}
