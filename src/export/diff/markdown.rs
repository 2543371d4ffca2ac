//! A comparison as GitHub-flavoured Markdown for a ticket: the summary, a
//! table of the divergent facts (baseline first, each cell marked with its
//! severity), the hosts that failed, then each host's full inventory in a
//! collapsible `<details>` block, and a footer.

use std::fmt::Write;

use crate::compare::severity::Severity;
use crate::compare::wording::{cell_text, note};
use crate::export::diff::{declared_lines, declared_text, judgement_note, restart_lines};
use crate::export::document::DiffDoc;
use crate::export::markdown::{clip, escape, footer, heading, inventory};

pub fn render(doc: &DiffDoc<'_>) -> String {
    let comparison = doc.comparison;
    // Hosts that could not be collected are listed below, not as columns.
    let order = doc.answered();
    let mut out = format!("**{}**\n\n", escape(&comparison.summary()));
    let rows = doc.divergent_rows();
    if rows.is_empty() {
        out.push_str("No divergences: every host matches the baseline.\n\n");
    } else {
        out.push_str("| Fact |");
        if doc.declared.is_some() {
            out.push_str(" declared |");
        }
        for &c in &order {
            let col = &comparison.columns[c];
            let mut head = escape(&col.name);
            if c == comparison.baseline {
                head = format!("★ {head} (baseline)");
            }
            if let Some(env) = &col.environment {
                let _ = write!(head, " · {}", escape(env));
            }
            let _ = write!(out, " {head} |");
        }
        let columns = order.len() + usize::from(doc.declared.is_some());
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(columns));
        out.push('\n');
        let mut category = None;
        for row in rows {
            if category != Some(row.category.as_str()) {
                let _ = write!(out, "| **{}** |", escape(&row.category));
                out.push_str(&" |".repeat(columns));
                out.push('\n');
                category = Some(row.category.as_str());
            }
            let _ = write!(out, "| {} |", escape(&row.label));
            if let Some(declared) = doc.declared {
                let _ = write!(out, " {} |", escape(&declared_text(declared, &row.id)));
            }
            for &c in &order {
                let cell = &row.cells[c];
                let failed = comparison.columns[c].failure.is_some();
                let text = escape(&clip(&cell_text(cell, failed)));
                let judged = judgement_note(doc.declared, &row.id, c)
                    .map_or_else(String::new, |j| format!(" **{j}**"));
                if cell.severity == Severity::Equal || row.informational {
                    let _ = write!(out, " {text}{judged} |");
                } else {
                    let mark = cell.severity.mark();
                    let _ = write!(out, " {mark} {text} **{}**{judged} |", note(cell));
                }
            }
            out.push('\n');
        }
        out.push_str("\n<sub>≈ packaging · ▁ patch · ▄ minor · █ major · ≠ different · ∅ missing · ? unknown</sub>\n\n");
    }
    restarts(&mut out, comparison);
    if let Some(declared) = doc.declared {
        for line in declared_lines(declared, comparison) {
            let _ = writeln!(out, "- {}", escape(&line));
        }
        out.push('\n');
    }
    if let Some(gap) = doc.time_gap {
        let _ = writeln!(out, "Time gap (from your repository's {}):\n", escape(&gap.head_name()));
        for line in gap.lines(comparison) {
            let _ = writeln!(out, "- {}", escape(&line));
        }
        out.push('\n');
    }
    let failed: Vec<String> = comparison
        .columns
        .iter()
        .filter_map(|c| {
            c.failure
                .as_ref()
                .map(|f| format!("- **{}**: {}", escape(&c.name), escape(&f.to_string())))
        })
        .collect();
    if !failed.is_empty() {
        let _ = write!(out, "Hosts that failed:\n\n{}\n\n", failed.join("\n"));
    }
    if !doc.only_diff {
        for &c in &order {
            let Some(snapshot) = doc.reports.get(c).and_then(|r| r.snapshot.as_ref()) else {
                continue;
            };
            let _ = write!(
                out,
                "<details>\n<summary>{}</summary>\n\n{}\n</details>\n\n",
                escape(&heading(snapshot)),
                inventory(snapshot)
            );
        }
    }
    out.push_str(&footer(doc.redacted));
    out
}

/// The servers that need a restart, a bullet each, under the table.
fn restarts(out: &mut String, comparison: &crate::compare::matrix::Comparison) {
    let lines = restart_lines(comparison);
    for line in &lines {
        let _ = writeln!(out, "- {}", escape(line));
    }
    if !lines.is_empty() {
        out.push('\n');
    }
}
