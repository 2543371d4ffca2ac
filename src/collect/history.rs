//! The developer's repository, asked about the hosts' revisions: HEAD and
//! its branch, whether each revision is a commit there, its date, and how
//! many commits lie between it and HEAD (and the baseline's revision).
//! git runs without a shell, with the run's command timeout, in the app
//! folder; only validated hex object names are handed to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command;
use super::locate::locate;
use crate::compare::revision::{Commit, Distance, Gap, Head, TimeGap, is_object_name};
use crate::output::sanitize::{cap, one_line};

/// What git may print per question; object names and counts are short.
const MAX_OUTPUT: usize = 4096;

/// The longest branch name shown (a hostile one could be anything).
const MAX_BRANCH: usize = 80;

/// The local repository in `app_dir`, asked with `timeout` per command.
struct Repo {
    git: PathBuf,
    dir: PathBuf,
    timeout: Duration,
}

impl Repo {
    /// Runs `git ARGS` there; its trimmed output when it exits 0.
    fn ask(&self, args: &[&str]) -> Option<String> {
        let args: Vec<String> = ["--no-pager", "-c", "core.fsmonitor=false"]
            .iter()
            .chain(args)
            .map(|a| (*a).to_owned())
            .collect();
        let outcome = command::run_in(&self.dir, &self.git, &args, self.timeout, MAX_OUTPUT);
        if outcome.exit_code != Some(0) || outcome.truncated {
            return None;
        }
        Some(String::from_utf8_lossy(&outcome.output).trim().to_owned())
    }

    /// The full name of commit `revision`, if the repository has it.
    fn commit(&self, revision: &str) -> Option<Commit> {
        let id =
            self.ask(&["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
        if !is_object_name(&id) {
            return None;
        }
        let time = self.ask(&["log", "-1", "--format=%ct", &id])?.parse().ok()?;
        Some(Commit { id, time })
    }

    /// Commits `a` has that `b` lacks, and the other way round.
    fn distance(&self, a: &str, b: &str) -> Option<Distance> {
        let counts = self.ask(&["rev-list", "--left-right", "--count", &format!("{a}...{b}")])?;
        let mut parts = counts.split_whitespace().map(str::parse::<u64>);
        match (parts.next(), parts.next()) {
            (Some(Ok(ahead)), Some(Ok(behind))) => Some(Distance { ahead, behind }),
            _ => None,
        }
    }
}

/// Each column's revision (`None` where a host has none) measured against
/// the repository in `app_dir` and against `baseline`'s revision. `None`
/// when there is no repository there (or no git): nothing to measure by.
pub fn read(
    app_dir: &Path,
    revisions: &[Option<String>],
    baseline: usize,
    timeout: Duration,
    path_var: Option<&std::ffi::OsStr>,
) -> Option<TimeGap> {
    let git = locate("git", path_var)?.path;
    let repo = Repo { git, dir: app_dir.to_owned(), timeout };
    let head = repo.commit("HEAD")?;
    let branch = repo
        .ask(&["symbolic-ref", "--quiet", "--short", "HEAD"])
        .map(|b| cap(one_line(&b), MAX_BRANCH))
        .filter(|b| !b.is_empty());
    // Each distinct revision asked once, however many hosts run it.
    let mut known: BTreeMap<&str, Option<Commit>> = BTreeMap::new();
    for revision in revisions.iter().flatten().filter(|r| is_object_name(r)) {
        known.entry(revision).or_insert_with(|| repo.commit(revision));
    }
    let base =
        revisions.get(baseline).and_then(Option::as_deref).and_then(|r| known.get(r)?.clone());
    // Each distinct pair measured once too (hosts mostly run the same few
    // revisions): git is a process per question.
    let distances: std::cell::RefCell<BTreeMap<(String, String), Option<Distance>>> =
        std::cell::RefCell::default();
    let distance = |a: &str, b: &str| {
        let key = (a.to_owned(), b.to_owned());
        if let Some(known) = distances.borrow().get(&key) {
            return *known;
        }
        let measured = repo.distance(a, b);
        distances.borrow_mut().insert(key, measured);
        measured
    };
    let columns = revisions
        .iter()
        .map(|revision| {
            let revision = revision.as_deref().filter(|r| is_object_name(r))?;
            Some(match known.get(revision).cloned().flatten() {
                None => Gap::Unknown { revision: revision.to_owned() },
                Some(commit) => {
                    // `HEAD...R` counts HEAD's own commits first.
                    let from_head = distance(&head.id, &commit.id)
                        .map(|d| Distance { ahead: d.behind, behind: d.ahead })?;
                    let from_baseline = base.as_ref().and_then(|b| {
                        let d = distance(&b.id, &commit.id)?;
                        Some(Distance { ahead: d.behind, behind: d.ahead })
                    });
                    Gap::Known { commit, from_head, from_baseline }
                }
            })
        })
        .collect();
    Some(TimeGap { head: Head { commit: head, branch }, columns })
}
