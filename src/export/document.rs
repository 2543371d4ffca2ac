//! What a comparison export shows, in one value: the table, each host's
//! report (for the full inventories), what was redacted, and whether only
//! divergent facts are wanted. Every comparison renderer takes this.

use crate::compare::constraint::Judgement;
use crate::compare::declared::Judged;
use crate::compare::matrix::{Comparison, Row};
use crate::compare::revision::TimeGap;
use crate::compare::severity::Severity;
use crate::model::HostReport;

/// A comparison ready to render. `reports[i]` is the host of
/// `comparison.columns[i]`, already redacted when redaction is on.
#[derive(Debug, Clone, Copy)]
pub struct DiffDoc<'a> {
    pub comparison: &'a Comparison,
    pub reports: &'a [HostReport],
    /// Only rows where some host diverges (counted divergences).
    pub only_diff: bool,
    /// One sentence saying what was redacted, when anything was.
    pub redacted: Option<&'a str>,
    /// The app's declarations judged against the hosts (the `declared`
    /// target), shown as a column before the hosts.
    pub declared: Option<&'a Judged>,
    /// How far each host's `app.revision` is from the local HEAD (the
    /// time gap), when the app folder is a repository and a host has one.
    pub time_gap: Option<&'a TimeGap>,
}

impl DiffDoc<'_> {
    /// The rows where some host that answered diverges from the baseline
    /// (counted); a host that could not be collected is listed apart
    /// instead of making every row "unknown".
    pub fn divergent_rows(&self) -> Vec<&Row> {
        let answered = self.answered();
        self.comparison
            .rows
            .iter()
            .filter(|r| {
                (!r.informational
                    && answered.iter().any(|&c| {
                        let cell = &r.cells[c];
                        cell.severity != Severity::Equal && !cell.tolerated
                    }))
                    || violated(self.declared, &r.id)
            })
            .collect()
    }

    /// Hosts with a snapshot (even a partial one), baseline first.
    pub fn answered(&self) -> Vec<usize> {
        self.column_order().into_iter().filter(|&c| self.comparison.columns[c].collected).collect()
    }

    /// The rows the main table shows.
    pub fn shown_rows(&self) -> Vec<&Row> {
        if self.only_diff { self.divergent_rows() } else { self.comparison.rows.iter().collect() }
    }

    /// Column indices left to right: the baseline first, then the others
    /// in the order they were given.
    pub fn column_order(&self) -> Vec<usize> {
        let base = self.comparison.baseline;
        std::iter::once(base)
            .chain((0..self.comparison.columns.len()).filter(|&c| c != base))
            .collect()
    }
}

/// Whether some host violates a declaration of `fact`: such a row is
/// shown even where the hosts agree with each other.
pub fn violated(declared: Option<&Judged>, fact: &str) -> bool {
    declared
        .and_then(|d| d.fact(fact))
        .is_some_and(|f| f.cells.iter().any(|v| v.judgement == Judgement::Violates))
}

/// The version that wrote an export, for its footer.
pub const PARITTY_VERSION: &str = env!("CARGO_PKG_VERSION");
