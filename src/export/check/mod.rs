//! `paritty check`'s verdict in the forms CI reads: text (one line per
//! divergence, the summary last), JSON, JUnit XML (one suite per host, one
//! case per fact) and GitHub workflow commands (annotations). Pure functions
//! of the comparison: judged on what was collected, shown as redacted.

mod github;
mod json;
mod junit;

use std::fmt::Write as _;

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
}

/// One fact of one host against the baseline.
pub struct Case<'a> {
    pub host: &'a str,
    pub fact: &'a str,
    pub label: &'a str,
    pub severity: Severity,
    /// At or past the threshold and not tolerated.
    pub failing: bool,
    pub baseline_value: String,
    pub value: String,
    /// A different type of backing service, in words.
    pub finding: Option<String>,
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
                        Case {
                            host: &shown.columns[c].name,
                            fact: &shown.rows[r].id,
                            label: &shown.rows[r].label,
                            severity: cell.severity,
                            failing: !cell.tolerated && cell.severity >= self.threshold,
                            baseline_value: shown_value(r, base),
                            value: shown_value(r, c),
                            finding: crate::compare::wording::service_difference(
                                &shown.rows[r].cells[base],
                                &shown.rows[r].cells[c],
                                &shown.columns[base].name,
                            ),
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

    pub fn summary(&self) -> String {
        self.shown.summary()
    }
}

impl Case<'_> {
    /// The divergence in words: `major: baseline prod has 3.0.11, laptop has 1.1.1`.
    pub fn message(&self, baseline: &str) -> String {
        format!(
            "{}: {baseline} has {}, {} has {}",
            self.finding.as_deref().unwrap_or(self.severity.as_str()),
            self.baseline_value,
            self.host,
            self.value
        )
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

/// `severity: host fact (baseline: value, host: value)` per failing case,
/// the redaction note, then the summary (scripts read the last line).
fn text(doc: &CheckDoc<'_>) -> String {
    let mut out = String::new();
    let base = doc.baseline();
    for (host, cases) in doc.hosts() {
        for case in cases.iter().filter(|c| c.failing) {
            let finding = case.finding.as_ref().map(|f| format!(": {f}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{}: {host} {}{finding} ({base}: {}, {host}: {})",
                case.severity.as_str(),
                case.fact,
                case.baseline_value,
                case.value
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
