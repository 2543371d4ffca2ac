//! The fleet layout of a comparison in every export format (`diff --layout
//! fleet`): each fact's values with their host counts, most common first,
//! outliers marked, and the hosts holding each value. The counts come from
//! the collected comparison (`compare::fleet`); host names and value texts
//! from the document's comparison, which is the redacted one when
//! redaction is on, so pseudonyms and `[redacted]` reach the host lists too.

use std::fmt::Write as _;

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;

use crate::compare::fleet::{
    Distribution, Fleet, FleetRow, OUTLIER_MARK, OUTLIER_SHARE, Value, value_label,
};
use crate::compare::matrix::Row;
use crate::compare::severity::Severity;
use crate::export::diff::DiffFormat;
use crate::export::document::DiffDoc;

/// A comparison and its fleet layout, ready to render.
#[derive(Debug, Clone, Copy)]
pub struct FleetDoc<'a> {
    /// What is shown: names and values (redacted), only-diff, the note.
    pub doc: DiffDoc<'a>,
    /// Built from the collected comparison, in the same row and column order.
    pub fleet: &'a Fleet,
}

/// `doc` in `format`; `color` for text on a terminal.
pub fn render(doc: &FleetDoc<'_>, format: DiffFormat, color: bool) -> String {
    match format {
        DiffFormat::Text => text::render(doc, color),
        DiffFormat::Md => markdown::render(doc),
        DiffFormat::Json => json::render(doc),
        DiffFormat::Html => html::fleet(doc),
    }
}

impl<'a> FleetDoc<'a> {
    /// The facts shown, with their distributions: with only-diff, those
    /// where the fleet holds more than one value or one unlike the baseline's.
    pub fn rows(&self) -> Vec<(&'a Row, &'a FleetRow)> {
        let rows = &self.doc.comparison.rows;
        self.fleet
            .rows
            .iter()
            .filter_map(|f| rows.get(f.row).map(|r| (r, f)))
            .filter(|(row, f)| !self.doc.only_diff || self.divergent(row, &f.all))
            .collect()
    }

    /// A host's name as shown (a pseudonym under `--redact hosts`).
    pub fn name(&self, host: usize) -> &'a str {
        self.doc.comparison.columns.get(host).map_or("?", |c| c.name.as_str())
    }

    pub fn names(&self, hosts: &[usize]) -> Vec<&'a str> {
        hosts.iter().map(|&h| self.name(h)).collect()
    }

    /// Hosts that could not be collected at all, with why: listed once,
    /// not on every fact.
    pub fn not_collected(&self) -> Vec<(&'a str, String)> {
        (self.doc.comparison.columns.iter())
            .filter(|c| !c.collected)
            .map(|c| {
                (c.name.as_str(), c.failure.as_ref().map_or_else(String::new, ToString::to_string))
            })
            .collect()
    }

    /// The hosts of `d` without an answer that were collected (a timeout,
    /// an error): those not collected at all are listed once instead.
    pub fn unanswered(&self, d: &Distribution) -> Vec<usize> {
        let columns = &self.doc.comparison.columns;
        d.unanswered
            .iter()
            .copied()
            .filter(|&h| columns.get(h).is_some_and(|c| c.collected))
            .collect()
    }

    /// The sentence above the table: what it shows and what the marks mean.
    pub fn caption(&self) -> String {
        let hosts = self.doc.comparison.columns.len();
        let mut text = format!("Fleet of {hosts} hosts");
        let failed = self.not_collected().len();
        if failed > 0 {
            let _ = write!(text, ", {failed} not collected");
        }
        let _ = write!(
            text,
            ": each fact's values, most common first (★ the baseline's, {OUTLIER_MARK} an outlier: \
             held by at most 1 host in {OUTLIER_SHARE})"
        );
        text
    }
}

/// A value as a chip: "█ 1.1.1w ×3 ▸", "3.0.13 ×212 ★".
pub fn chip(row: &Row, value: &Value) -> String {
    let mut text = value_label(row, value).replace(['\n', '\r', '\t'], " ");
    if value.baseline {
        text.push_str(" ★");
    }
    if value.outlier {
        text.push(' ');
        text.push_str(OUTLIER_MARK);
    }
    text
}

/// A distribution as chips, the hosts without an answer last.
pub fn chips(doc: &FleetDoc<'_>, row: &Row, d: &Distribution) -> Vec<String> {
    let mut chips: Vec<String> = d.values.iter().map(|v| chip(row, v)).collect();
    let unanswered = doc.unanswered(d);
    if !unanswered.is_empty() {
        chips.push(unanswered_chip(unanswered.len()));
    }
    // A group whose hosts were none of them collected (listed once below).
    if chips.is_empty() {
        chips.push("—".to_owned());
    }
    chips
}

impl FleetDoc<'_> {
    /// The groups as columns (`prod (97)`), when there is more than one:
    /// one group is the whole fleet again.
    pub fn group_headings(&self) -> Vec<String> {
        if self.fleet.groups.len() < 2 {
            return Vec::new();
        }
        (self.fleet.groups.iter().zip(&self.fleet.members))
            .map(|(name, hosts)| {
                format!("{} ({})", name.replace(['\n', '\r', '\t'], " "), hosts.len())
            })
            .collect()
    }
}

/// Hosts without an answer, as a chip.
pub fn unanswered_chip(count: usize) -> String {
    format!("? ×{count} no answer")
}

impl FleetDoc<'_> {
    /// More than one value, or one the baseline does not hold, or a
    /// collected host without an answer.
    fn divergent(&self, row: &Row, d: &Distribution) -> bool {
        !row.informational
            && (d.values.len() > 1
                || d.values.iter().any(|v| v.severity != Severity::Equal)
                || !self.unanswered(d).is_empty())
    }

    /// The hosts not collected, one line each ("web-8: unreachable: ...").
    pub fn not_collected_lines(&self) -> Vec<String> {
        self.not_collected().into_iter().map(|(name, why)| format!("{name}: {why}")).collect()
    }
}
