//! The fleet layout as GitHub-flavoured Markdown: the summary, a table of
//! the facts with their values and counts, then for each fact where the
//! hosts differ a collapsed `<details>` block listing every value's hosts.

use std::fmt::Write as _;

use super::{FleetDoc, chip, chips, unanswered_chip};
use crate::compare::fleet::value_text;
use crate::export::markdown::{clip, escape, footer};

pub fn render(doc: &FleetDoc<'_>) -> String {
    let mut out = format!("**{}**\n\n", escape(&doc.doc.comparison.summary()));
    let _ = write!(out, "{}\n\n", escape(&doc.caption()));
    let rows = doc.rows();
    if rows.is_empty() {
        out.push_str("No differences across the fleet.\n\n");
    } else {
        out.push_str("| Fact | Values across the fleet |\n|---|---|\n");
        let mut category = None;
        for (row, fleet_row) in &rows {
            if category != Some(row.category.as_str()) {
                let _ = writeln!(out, "| **{}** | |", escape(&row.category));
                category = Some(row.category.as_str());
            }
            let d = &fleet_row.all;
            let mut chips: Vec<String> = d
                .values
                .iter()
                .map(|v| {
                    let text = escape(&clip(&chip(row, v)));
                    if v.outlier { format!("**{text}**") } else { text }
                })
                .collect();
            let unanswered = doc.unanswered(d);
            if !unanswered.is_empty() {
                chips.push(escape(&unanswered_chip(unanswered.len())));
            }
            let _ = writeln!(out, "| {} | {} |", escape(&row.label), chips.join(" · "));
        }
        out.push_str("\n<sub>≈ packaging · ▁ patch · ▄ minor · █ major · ≠ different · ∅ missing · ? unknown</sub>\n\n");
        by_group(&mut out, doc, &rows);
        hosts(&mut out, doc, &rows);
    }
    let failed: Vec<String> =
        doc.not_collected_lines().iter().map(|l| format!("- {}", escape(l))).collect();
    if !failed.is_empty() {
        let _ = write!(out, "Hosts not collected:\n\n{}\n\n", failed.join("\n"));
    }
    out.push_str(&footer(doc.doc.redacted));
    out
}

/// A `<details>` block per fact whose hosts differ, each value's hosts in it.
fn hosts(
    out: &mut String,
    doc: &FleetDoc<'_>,
    rows: &[(&crate::compare::matrix::Row, &crate::compare::fleet::FleetRow)],
) {
    let mut any = false;
    for (row, fleet_row) in rows {
        let d = &fleet_row.all;
        let unanswered = doc.unanswered(d);
        if d.values.len() < 2 && unanswered.is_empty() {
            continue;
        }
        if !any {
            out.push_str("Hosts of each value:\n\n");
            any = true;
        }
        let summary: Vec<String> = d.values.iter().map(|v| escape(&clip(&chip(row, v)))).collect();
        let _ = write!(
            out,
            "<details>\n<summary>{}: {}</summary>\n\n",
            escape(&row.label),
            summary.join(" · ")
        );
        for value in &d.values {
            let names: Vec<String> = doc.names(&value.hosts).iter().map(|n| escape(n)).collect();
            let _ = writeln!(
                out,
                "- **{}** ×{}: {}",
                escape(&clip(&value_text(row, value))),
                value.hosts.len(),
                names.join(", ")
            );
        }
        if !unanswered.is_empty() {
            let names: Vec<String> = doc.names(&unanswered).iter().map(|n| escape(n)).collect();
            let _ = writeln!(out, "- no answer ×{}: {}", unanswered.len(), names.join(", "));
        }
        out.push_str("\n</details>\n\n");
    }
}

/// A column per group (`prod` beside `staging`), each cell that group's
/// values, when the hosts fall into more than one group.
fn by_group(
    out: &mut String,
    doc: &FleetDoc<'_>,
    rows: &[(&crate::compare::matrix::Row, &crate::compare::fleet::FleetRow)],
) {
    let headings = doc.group_headings();
    if headings.is_empty() {
        return;
    }
    let columns: Vec<String> = headings.iter().map(|h| escape(h)).collect();
    let _ = write!(
        out,
        "By group:\n\n| Fact | {} |\n|---|{}\n",
        columns.join(" | "),
        "---|".repeat(columns.len())
    );
    for (row, fleet_row) in rows {
        let cells: Vec<String> = fleet_row
            .by_group
            .iter()
            .map(|d| {
                chips(doc, row, d).iter().map(|c| escape(&clip(c))).collect::<Vec<_>>().join(" · ")
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", escape(&row.label), cells.join(" | "));
    }
    out.push('\n');
}
