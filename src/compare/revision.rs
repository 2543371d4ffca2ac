//! The time gap: how far each host's `app.revision` is from the
//! developer's HEAD (and from the baseline's revision), as data the views
//! and exports read and the words they show it in. Pure: the distances
//! come from the local repository (`collect::history` asks git), this
//! module only says what they mean.

use std::fmt::Write as _;

use super::matrix::Comparison;
use crate::model::{Origin, Status};

/// The fact that holds a host's deployed revision.
pub const FACT: &str = "app.revision";

/// A commit of the local repository, with its committer time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The full object name, lowercase hex.
    pub id: String,
    /// Committer time, seconds since the Unix epoch.
    pub time: i64,
}

/// Commits one revision has that another has not, both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distance {
    /// Commits in the revision that the other lacks.
    pub ahead: u64,
    /// Commits in the other that the revision lacks.
    pub behind: u64,
}

/// Where one host's revision stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// A commit of the local repository, its distance from HEAD and, when
    /// the baseline's revision is known too, from the baseline's.
    Known { commit: Commit, from_head: Distance, from_baseline: Option<Distance> },
    /// A revision the local repository does not have (not fetched, or
    /// another project's).
    Unknown { revision: String },
}

/// The local repository's side: HEAD and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub commit: Commit,
    /// The branch checked out (`main`), cleaned and capped; `None` when
    /// HEAD is detached.
    pub branch: Option<String>,
}

/// Every host's gap, by comparison column, against the local HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeGap {
    pub head: Head,
    /// One per comparison column; `None` where the host has no revision.
    pub columns: Vec<Option<Gap>>,
}

impl TimeGap {
    /// What HEAD is called in sentences: `main`, or `your HEAD`.
    pub fn head_name(&self) -> String {
        self.head.branch.clone().unwrap_or_else(|| "your HEAD".to_owned())
    }

    /// `prod: 37 commits, 9 days behind main` for column `c` (named by the
    /// comparison, so a redacted comparison's pseudonyms are used), with
    /// `, 2 ahead of prod` when the baseline's revision is known.
    pub fn line(&self, comparison: &Comparison, c: usize) -> Option<String> {
        let gap = self.columns.get(c)?.as_ref()?;
        let name = &comparison.columns.get(c)?.name;
        let mut text = format!("{name}: {}", self.describe(gap));
        // A revision not read in the app folder says where it came from.
        if let Some(origin) = origin(comparison, c) {
            let _ = write!(text, " ({})", origin.tag());
        }
        let base = comparison.baseline;
        if let (Gap::Known { from_baseline: Some(d), .. }, true) = (gap, c != base)
            && let Some(base_name) = comparison.columns.get(base).map(|b| b.name.as_str())
        {
            let _ = write!(text, "; {}", relative(*d, base_name));
        }
        Some(text)
    }

    /// Every host's line, baseline first, then the others in order.
    pub fn lines(&self, comparison: &Comparison) -> Vec<String> {
        let base = comparison.baseline;
        std::iter::once(base)
            .chain((0..comparison.columns.len()).filter(|&c| c != base))
            .filter_map(|c| self.line(comparison, c))
            .collect()
    }

    /// The sentence for one gap, without the host's name.
    pub fn describe(&self, gap: &Gap) -> String {
        let head = self.head_name();
        match gap {
            Gap::Unknown { .. } => "unknown revision: not in your repository".to_owned(),
            Gap::Known { commit, from_head, .. } => {
                let days = days_between(commit.time, self.head.commit.time);
                match (from_head.ahead, from_head.behind) {
                    (0, 0) => format!("at {head} ({})", short(&commit.id)),
                    (0, behind) => {
                        format!("{}, {} behind {head}", commits(behind), days_text(days))
                    }
                    (ahead, 0) => {
                        format!("{}, {} ahead of {head}", commits(ahead), days_text(days))
                    }
                    (ahead, behind) => {
                        format!("diverged from {head}: {ahead} ahead, {behind} behind")
                    }
                }
            }
        }
    }

    /// A column header's few words: `37 behind · 9d`, `at main`,
    /// `not in your repo`.
    pub fn short(&self, c: usize) -> Option<String> {
        let gap = self.columns.get(c)?.as_ref()?;
        Some(match gap {
            Gap::Unknown { .. } => "revision not in your repo".to_owned(),
            Gap::Known { commit, from_head, .. } => {
                let days = days_between(commit.time, self.head.commit.time);
                match (from_head.ahead, from_head.behind) {
                    (0, 0) => format!("at {}", self.head_name()),
                    (0, behind) => format!("{behind} behind · {days}d"),
                    (ahead, 0) => format!("{ahead} ahead · {days}d"),
                    (ahead, behind) => format!("{ahead} ahead {behind} behind"),
                }
            }
        })
    }
}

/// Where column `c`'s revision came from when it was not observed (an
/// image's label).
fn origin(comparison: &Comparison, c: usize) -> Option<Origin> {
    comparison.rows.iter().find(|r| r.id == FACT)?.cells.get(c)?.origin
}

/// `2 ahead of prod`, `3 behind prod`, `same as prod`, `diverged from prod`.
fn relative(d: Distance, name: &str) -> String {
    match (d.ahead, d.behind) {
        (0, 0) => format!("same as {name}"),
        (ahead, 0) => format!("{ahead} ahead of {name}"),
        (0, behind) => format!("{behind} behind {name}"),
        (ahead, behind) => format!("diverged from {name}: {ahead} ahead, {behind} behind"),
    }
}

/// Whole days between two commit times, either way round.
pub fn days_between(a: i64, b: i64) -> i64 {
    (a - b).abs() / 86_400
}

fn days_text(days: i64) -> String {
    match days {
        0 => "the same day".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    }
}

fn commits(n: u64) -> String {
    if n == 1 { "1 commit".to_owned() } else { format!("{n} commits") }
}

/// Each column's revision as collected (`None` where a host has none, or
/// one that is not an object name): what the local repository is asked.
pub fn revisions(comparison: &Comparison) -> Vec<Option<String>> {
    let row = comparison.rows.iter().find(|r| r.id == FACT);
    (0..comparison.columns.len())
        .map(|c| {
            let cell = row?.cells.get(c)?;
            let value = cell.value.as_deref().filter(|_| cell.status == Some(Status::Ok))?;
            is_object_name(value).then(|| value.to_owned())
        })
        .collect()
}

/// A git object name as paritty accepts one from a host or a file: 7 to
/// 64 hex digits, lowercase, nothing else (so git can only read it as a
/// name: never an option, a range or a path).
pub fn is_object_name(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The first 12 digits of an object name, as git abbreviates for people.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::matrix::Column;

    fn column(name: &str) -> Column {
        Column { name: name.into(), environment: None, os: None, failure: None, collected: true }
    }

    fn commit(id: &str, day: i64) -> Commit {
        Commit { id: id.into(), time: 1_700_000_000 + day * 86_400 }
    }

    #[test]
    fn each_kind_of_gap_has_its_sentence() {
        let head = Head { commit: commit("aaaa", 10), branch: Some("main".into()) };
        let behind = Distance { ahead: 0, behind: 37 };
        let gap = TimeGap {
            head,
            columns: vec![
                Some(Gap::Known {
                    commit: commit("bbbb", 1),
                    from_head: behind,
                    from_baseline: None,
                }),
                Some(Gap::Known {
                    commit: commit("cccc", 3),
                    from_head: Distance { ahead: 0, behind: 35 },
                    from_baseline: Some(Distance { ahead: 2, behind: 0 }),
                }),
                Some(Gap::Unknown { revision: "dddd".into() }),
                None,
            ],
        };
        let comparison = Comparison {
            baseline: 0,
            columns: vec![column("prod"), column("staging"), column("ci"), column("laptop")],
            rows: Vec::new(),
        };
        assert_eq!(
            gap.lines(&comparison),
            [
                "prod: 37 commits, 9 days behind main",
                "staging: 35 commits, 7 days behind main; 2 ahead of prod",
                "ci: unknown revision: not in your repository",
            ]
        );
        assert_eq!(gap.short(0).as_deref(), Some("37 behind · 9d"));
        assert_eq!(gap.short(3), None);
    }
}
