//! `paritty check`'s verdict in the forms CI reads: text (one line per
//! divergence, the summary last), JSON, JUnit XML (one suite per host, one
//! case per fact) and GitHub workflow commands (annotations). Pure functions
//! of the comparison: judged on what was collected, shown as redacted.

mod github;
mod json;
mod junit;

use std::fmt::Write as _;

use crate::compare::accepted::{Acceptance, Judged, Outcome};
use crate::compare::matrix::Comparison;
use crate::compare::severity::Severity;
use crate::model::Failure;

/// The formats `paritty check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckFormat {
    /// One line per divergence, the summary last.
    #[default]
    Text,
    Json,
    /// JUnit XML: a test suite per host, a test case per fact.
    Junit,
    /// GitHub Actions workflow commands: each divergence an annotation.
    Github,
}

/// What a check renders.
pub struct CheckDoc<'a> {
    /// The comparison as collected: severities and what counts come from here.
    pub judged: &'a Comparison,
    /// The same comparison redacted: every name and value shown comes from here.
    pub shown: &'a Comparison,
    /// The lowest severity that fails.
    pub threshold: Severity,
    /// The redaction sentence, when something was redacted.
    pub redacted: Option<&'a str>,
    /// The accepted drift, judged against `judged`.
    pub accepted: Option<AcceptedDoc<'a>>,
}

/// The acceptances a check applies.
pub struct AcceptedDoc<'a> {
    /// The acceptances against the comparison as collected.
    pub judged: &'a Judged,
    /// The acceptances as shown (redacted), in the order judged.
    pub entries: &'a [Acceptance],
    /// The file they came from, as named to the user.
    pub file: &'a str,
}

/// What an acceptance says about a case.
#[derive(Clone, Copy)]
pub struct Accepted<'a> {
    pub entry: &'a Acceptance,
    pub outcome: Outcome,
}

/// An acceptance no longer needed.
pub struct StaleCase<'a> {
    pub host: &'a str,
    pub fact: &'a str,
    pub entry: &'a Acceptance,
}

/// One fact of one host against the baseline.
pub struct Case<'a> {
    pub host: &'a str,
    pub fact: &'a str,
    pub label: &'a str,
    pub severity: Severity,
    /// At or past the threshold, not tolerated and not accepted.
    pub failing: bool,
    /// The acceptance naming this case, and what it says now.
    pub accepted: Option<Accepted<'a>>,
    pub baseline_value: String,
    pub value: String,
}

/// A host that could not be compared at all.
pub struct Uncollected<'a> {
    pub host: &'a str,
    pub failure: Option<&'a Failure>,
}

/// A host compared on what it gave before it failed (a timeout mid-probe).
pub struct Partial<'a> {
    pub host: &'a str,
    pub failure: &'a Failure,
}

impl CheckDoc<'_> {
    pub fn baseline(&self) -> &str {
        self.shown.columns.get(self.shown.baseline).map_or("", |c| c.name.as_str())
    }

    /// The hosts compared (the baseline and hosts without a snapshot left
    /// out), each with its cases in fact order; informational facts are
    /// never cases.
    pub fn hosts(&self) -> Vec<(&str, Vec<Case<'_>>)> {
        let (judged, shown) = (self.judged, self.shown);
        let base = judged.baseline;
        let shown_value = |row: usize, col: usize| {
            let cell = &shown.rows[row].cells[col];
            cell.value.clone().unwrap_or_else(|| {
                cell.status.map_or_else(|| "not collected".into(), |s| s.to_string())
            })
        };
        (0..judged.columns.len())
            .filter(|&c| c != base && judged.columns[c].collected)
            .map(|c| {
                let cases = judged
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, row)| !row.informational)
                    .map(|(r, row)| {
                        let cell = &row.cells[c];
                        let accepted = self.accepted.as_ref().and_then(|a| {
                            let v = a.judged.verdict(r, c)?;
                            Some(Accepted { entry: a.entries.get(v.entry)?, outcome: v.outcome })
                        });
                        let covered = accepted.is_some_and(|a| a.outcome == Outcome::Accepted);
                        Case {
                            host: &shown.columns[c].name,
                            fact: &shown.rows[r].id,
                            label: &shown.rows[r].label,
                            severity: cell.severity,
                            failing: !cell.tolerated && cell.severity >= self.threshold && !covered,
                            accepted,
                            baseline_value: shown_value(r, base),
                            value: shown_value(r, c),
                        }
                    })
                    .collect();
                (shown.columns[c].name.as_str(), cases)
            })
            .collect()
    }

    /// The hosts with no snapshot (their failure, redacted).
    pub fn uncollected(&self) -> Vec<Uncollected<'_>> {
        self.shown
            .columns
            .iter()
            .zip(&self.judged.columns)
            .filter(|(_, judged)| !judged.collected)
            .map(|(shown, _)| Uncollected { host: &shown.name, failure: shown.failure.as_ref() })
            .collect()
    }

    /// The hosts that were compared but failed part-way (their failure
    /// fails the run as a host that gave nothing does).
    pub fn partial(&self) -> Vec<Partial<'_>> {
        self.shown
            .columns
            .iter()
            .zip(&self.judged.columns)
            .filter(|(_, judged)| judged.collected)
            .filter_map(|(shown, _)| {
                shown.failure.as_ref().map(|failure| Partial { host: &shown.name, failure })
            })
            .collect()
    }

    /// Whether the check fails on a divergence (a failed host fails it too,
    /// with its own exit code).
    pub fn diverged(&self) -> bool {
        self.hosts().iter().any(|(_, cases)| cases.iter().any(|c| c.failing))
    }

    /// The acceptances no longer needed, with the host and fact as shown.
    pub fn stale(&self) -> Vec<StaleCase<'_>> {
        let Some(a) = &self.accepted else { return Vec::new() };
        a.judged
            .stale
            .iter()
            .filter_map(|s| {
                Some(StaleCase {
                    host: &self.shown.columns.get(s.column)?.name,
                    fact: &self.shown.rows.get(s.row)?.id,
                    entry: a.entries.get(s.entry)?,
                })
            })
            .collect()
    }

    /// The comparison's summary, then how many divergences were accepted
    /// and how many acceptances are stale.
    pub fn summary(&self) -> String {
        let mut text = self.shown.summary();
        if self.accepted.is_some() {
            let accepted = self
                .hosts()
                .iter()
                .flat_map(|(_, cases)| cases)
                .filter(|c| c.accepted.is_some_and(|a| a.outcome == Outcome::Accepted))
                .count();
            let stale = self.stale().len();
            let _ = write!(text, " · {accepted} accepted");
            if stale > 0 {
                let noun = if stale == 1 { "acceptance" } else { "acceptances" };
                let _ = write!(text, " · {stale} stale {noun}");
            }
        }
        text
    }
}

impl Accepted<'_> {
    /// Why an acceptance no longer covers its case (`None`: it does).
    pub fn problem(&self) -> Option<String> {
        let e = self.entry;
        let was = e.value.as_deref().map_or_else(String::new, |v| format!(" at {v}"));
        match self.outcome {
            Outcome::Accepted => None,
            Outcome::Worse { was: level, further: false } => {
                Some(format!("worse than accepted ({}{was})", level.as_str()))
            }
            Outcome::Worse { further: true, .. } => {
                Some(format!("moved further than accepted ({was})", was = was.trim_start()))
            }
            Outcome::Expired => Some(format!(
                "acceptance expired after {}",
                e.expires.as_deref().unwrap_or_default()
            )),
        }
    }
}

impl Case<'_> {
    /// The divergence in words: `major: baseline prod has 3.0.11, laptop
    /// has 1.1.1`, and why an acceptance of it no longer holds.
    pub fn message(&self, baseline: &str) -> String {
        let mut text = format!(
            "{}: {baseline} has {}, {} has {}",
            self.severity.as_str(),
            self.baseline_value,
            self.host,
            self.value
        );
        if let Some(problem) = self.accepted.and_then(|a| a.problem()) {
            let _ = write!(text, "; {problem}");
        }
        text
    }

    /// Whether an acceptance covers it.
    pub fn covered(&self) -> bool {
        self.accepted.is_some_and(|a| a.outcome == Outcome::Accepted)
    }
}

pub fn render(doc: &CheckDoc<'_>, format: CheckFormat) -> String {
    match format {
        CheckFormat::Text => text(doc),
        CheckFormat::Json => json::render(doc),
        CheckFormat::Junit => junit::render(doc),
        CheckFormat::Github => github::render(doc),
    }
}

/// `severity: host fact (baseline: value, host: value)` per failing case
/// (with why its acceptance no longer holds), `accepted:` per covered one,
/// `stale:` per acceptance no longer needed, the redaction note, then the
/// summary (scripts read the last line).
fn text(doc: &CheckDoc<'_>) -> String {
    let mut out = String::new();
    let base = doc.baseline();
    for (host, cases) in doc.hosts() {
        for case in cases.iter().filter(|c| c.failing || c.covered()) {
            let word = if case.failing { case.severity.as_str() } else { "accepted" };
            let _ = write!(
                out,
                "{word}: {host} {} ({base}: {}, {host}: {})",
                case.fact, case.baseline_value, case.value
            );
            match case.accepted {
                Some(a) if case.failing => {
                    let _ = write!(out, " {}", a.problem().unwrap_or_default());
                }
                Some(a) => {
                    let _ = write!(out, " {}, {}", case.severity.as_str(), a.entry.who_why());
                }
                None => {}
            }
            out.push('\n');
        }
    }
    if let Some(a) = &doc.accepted {
        for stale in doc.stale() {
            let _ = writeln!(
                out,
                "stale: {} {} accepted at {}:{} is no longer needed",
                stale.host, stale.fact, a.file, stale.entry.line
            );
        }
    }
    if let Some(note) = doc.redacted {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(out, "{}", doc.summary());
    out
}

#[cfg(test)]
mod tests;
