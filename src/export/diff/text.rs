//! A comparison as an aligned table for a terminal or an email: facts down,
//! hosts across, the baseline first, each divergence marked by its severity
//! in words (and colour on a terminal).

use std::fmt::Write;

use super::{DiffStyle, declared_lines, declared_text, judgement_note, restart_lines, shown_rows};
use crate::compare::declared::Judged;
use crate::compare::matrix::{Comparison, Row};
use crate::compare::severity::Severity;
use crate::compare::wording::{cell_text, note};

const MAX_CELL: usize = 28;

/// The `declared` column holds a constraint and its file:line, sometimes
/// two: wider than a value.
const MAX_DECLARED: usize = 48;

pub fn render(comparison: &Comparison, declared: Option<&Judged>, style: DiffStyle) -> String {
    let order = column_order(comparison);
    let rows = shown_rows(comparison, declared, style);
    let label_width = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4).max(4);
    let texts: Vec<Vec<String>> =
        rows.iter().map(|row| row_texts(comparison, declared, row, &order)).collect();
    // The declared column, first (`None` without the `declared` target).
    let declared_cells: Option<Vec<String>> = declared
        .map(|d| rows.iter().map(|r| clip_to(&declared_text(d, &r.id), MAX_DECLARED)).collect());
    let declared_width = declared_cells
        .as_ref()
        .map(|cells| cells.iter().map(|t| t.chars().count()).max().unwrap_or(0).max(8));
    let headers: Vec<String> = order
        .iter()
        .map(|&c| {
            let col = &comparison.columns[c];
            let mut h = clip(&col.name);
            if c == comparison.baseline {
                h.push_str(" [baseline]");
            }
            h
        })
        .collect();
    let widths: Vec<usize> = (0..order.len())
        .map(|i| {
            texts
                .iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    let _ = write!(out, "  {:label_width$}", "");
    if let Some(w) = declared_width {
        let _ = write!(out, "  {:w$}", "declared");
    }
    for (h, w) in headers.iter().zip(&widths) {
        let _ = write!(out, "  {h:w$}");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    // Environment and failures under the names.
    let mut sub = format!("  {:label_width$}", "");
    if let Some(w) = declared_width {
        let _ = write!(sub, "  {:w$}", "");
    }
    for (&c, w) in order.iter().zip(&widths) {
        let col = &comparison.columns[c];
        let text = match (&col.failure, &col.environment) {
            (Some(f), _) => clip(&format!("failed: {}", f.reason.as_str())),
            (None, Some(env)) => env.clone(),
            (None, None) => String::new(),
        };
        let _ = write!(sub, "  {text:w$}");
    }
    if !sub.trim().is_empty() {
        out.push_str(sub.trim_end());
        out.push('\n');
    }
    let mut category = None;
    for (r, (row, cells)) in rows.iter().zip(&texts).enumerate() {
        if category != Some(row.category.as_str()) {
            let _ = writeln!(out, "{}", row.category);
            category = Some(row.category.as_str());
        }
        let mut line = format!("  {:label_width$}", row.label);
        if let (Some(w), Some(cells)) = (declared_width, &declared_cells) {
            let _ = write!(line, "  {:w$}", cells[r]);
        }
        for ((text, w), &c) in cells.iter().zip(&widths).zip(&order) {
            let cell = &row.cells[c];
            let padded = format!("{text:w$}");
            let painted = if style.color && !row.informational && !cell.tolerated {
                paint(cell.severity, &padded)
            } else {
                padded
            };
            let _ = write!(line, "  {painted}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if rows.is_empty() {
        out.push_str("(no differences)\n");
    }
    for col in &comparison.columns {
        if let Some(f) = &col.failure {
            let _ = writeln!(out, "{}: {f}", col.name);
        }
    }
    for line in restart_lines(comparison) {
        let _ = writeln!(out, "{line}");
    }
    for line in declared.map(|d| declared_lines(d, comparison)).unwrap_or_default() {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", comparison.summary());
    out
}

/// A row's cells in `order`: the value, the severity note where it
/// diverges, and the judgement against the declarations where it has some.
fn row_texts(
    comparison: &Comparison,
    declared: Option<&Judged>,
    row: &Row,
    order: &[usize],
) -> Vec<String> {
    order
        .iter()
        .map(|&c| {
            let cell = &row.cells[c];
            let failed = comparison.columns[c].failure.is_some();
            let mut text = clip(&cell_text(cell, failed));
            let noted = format!("({})", note(cell));
            // "(missing)" already says it: no second "(missing)".
            if cell.severity != Severity::Equal && !row.informational && text != noted {
                text.push(' ');
                text.push_str(&noted);
            }
            if let Some(judged) = judgement_note(declared, &row.id, c) {
                text.push(' ');
                text.push_str(&judged);
            }
            text
        })
        .collect()
}

/// The baseline first, the others in the order given.
pub fn column_order(comparison: &Comparison) -> Vec<usize> {
    std::iter::once(comparison.baseline)
        .chain((0..comparison.columns.len()).filter(|&c| c != comparison.baseline))
        .collect()
}

fn clip(text: &str) -> String {
    clip_to(text, MAX_CELL)
}

fn clip_to(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        text.to_owned()
    }
}

/// ANSI colour by severity: the worse, the louder.
fn paint(severity: Severity, text: &str) -> String {
    let code = match severity {
        Severity::Equal => return text.to_owned(),
        Severity::Packaging => "2",
        Severity::Patch => "36",
        Severity::Minor => "33",
        Severity::Major | Severity::Different => "1;31",
        Severity::Service => "1;7;31",
        Severity::Missing => "35",
        Severity::Unknown => "2;37",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
