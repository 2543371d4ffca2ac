//! The fleet layout as aligned text: a line per fact with its values and
//! counts, the hosts of every value but the most common under it (the
//! first few; the JSON has them all), the summary last as in `diff`.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::{FleetDoc, chip, chips, unanswered_chip};
use crate::compare::severity::Severity;

/// Host names listed under a value before "… and N more".
pub const NAMES_LISTED: usize = 20;

pub fn render(doc: &FleetDoc<'_>, color: bool) -> String {
    let rows = doc.rows();
    let width = rows.iter().map(|(r, _)| r.label.width()).max().unwrap_or(4).clamp(4, 32);
    let paint = |text: &str, severity: Severity| -> String {
        if !color || severity == Severity::Equal {
            return text.to_owned();
        }
        let code = match severity {
            Severity::Major => "1;31",
            Severity::Minor => "33",
            Severity::Patch => "32",
            Severity::Packaging => "36",
            Severity::Different => "35",
            Severity::Missing => "91",
            _ => "90",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let mut out = format!("{}\n", doc.caption());
    let mut category = None;
    for (row, fleet_row) in &rows {
        if category != Some(row.category.as_str()) {
            let _ = write!(out, "\n{}\n", row.category);
            category = Some(row.category.as_str());
        }
        let d = &fleet_row.all;
        let mut chips: Vec<String> = d
            .values
            .iter()
            .map(|v| {
                paint(&chip(row, v), if row.informational { Severity::Equal } else { v.severity })
            })
            .collect();
        let unanswered = doc.unanswered(d);
        if !unanswered.is_empty() {
            chips.push(unanswered_chip(unanswered.len()));
        }
        let label: String = row.label.chars().take(width).collect();
        let pad = " ".repeat(width.saturating_sub(label.width()));
        let _ = writeln!(out, "  {label}{pad}  {}", chips.join(" · "));
        let indent = " ".repeat(width + 6);
        for value in d.values.iter().skip(1) {
            let text = crate::compare::fleet::value_text(row, value);
            let _ = writeln!(
                out,
                "{indent}{}: {}",
                text.replace(['\n', '\t'], " "),
                listed(doc, &value.hosts)
            );
        }
        if !unanswered.is_empty() {
            let _ = writeln!(out, "{indent}no answer: {}", listed(doc, &unanswered));
        }
    }
    if rows.is_empty() {
        out.push_str("\nNo differences across the fleet.\n");
    }
    // A line per group under each fact, when there is more than one group.
    let headings = doc.group_headings();
    if !headings.is_empty() && !rows.is_empty() {
        out.push_str("\nBy group\n");
        let group_width = headings.iter().map(|h| h.width()).max().unwrap_or(0);
        for (row, fleet_row) in &rows {
            let _ = writeln!(out, "  {}", row.label);
            for (heading, d) in headings.iter().zip(&fleet_row.by_group) {
                let pad = " ".repeat(group_width.saturating_sub(heading.width()));
                let _ = writeln!(out, "    {heading}{pad}  {}", chips(doc, row, d).join(" · "));
            }
        }
    }
    let failed = doc.not_collected_lines();
    if !failed.is_empty() {
        out.push_str("\nNot collected:\n");
        for line in failed {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');
    if let Some(note) = doc.doc.redacted {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(out, "{}", doc.doc.comparison.summary());
    out
}

/// The first names, then how many more.
fn listed(doc: &FleetDoc<'_>, hosts: &[usize]) -> String {
    let mut names = doc.names(&hosts[..hosts.len().min(NAMES_LISTED)]).join(", ");
    if hosts.len() > NAMES_LISTED {
        let _ = write!(names, " … and {} more", hosts.len() - NAMES_LISTED);
    }
    names
}
