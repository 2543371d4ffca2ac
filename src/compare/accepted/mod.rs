//! Accepted drift: the divergences a team knows about and accepts for now
//! (`paritty accept` records them, `paritty check` then fails only on what
//! is new or worse). `file.rs` is `paritty-accepted.toml` as text in and
//! out (pure; the command reads and writes it), `judge.rs` the acceptances
//! against a comparison.

mod file;
mod judge;

pub use file::{AcceptedError, MAX_ACCEPTED_BYTES, MAX_ENTRIES, date, parse, render};
pub use judge::{Judged, Outcome, Recorded, Request, Stale, Verdict, judge, record};

use super::severity::Severity;

/// The file's name, looked for in the current folder.
pub const FILE_NAME: &str = "paritty-accepted.toml";

/// One accepted divergence: a fact of a host against a baseline, with the
/// values as they were when it was accepted, who accepted it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub host: String,
    pub fact: String,
    pub baseline: String,
    /// The severity when accepted: a higher one now is worse.
    pub severity: Severity,
    /// The values when accepted (`None`: the host had none, or the value
    /// was a secret and is not written down).
    pub baseline_value: Option<String>,
    pub value: Option<String>,
    pub reason: String,
    pub by: String,
    /// The day it was accepted, `YYYY-MM-DD`.
    pub at: String,
    /// The last day it holds, `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// The line of its `[[accepted]]` header in the file (0 when new).
    pub line: usize,
}

impl Acceptance {
    /// `by alice on 2026-12-07, until 2027-01-31: REASON`
    pub fn who_why(&self) -> String {
        let until = self.expires.as_deref().map_or_else(String::new, |d| format!(", until {d}"));
        let reason = if self.reason.is_empty() { "(no reason given)" } else { &self.reason };
        format!("by {} on {}{until}: {reason}", self.by, self.at)
    }
}
