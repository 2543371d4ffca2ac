//! A comparison as an aligned table for a terminal or an email: facts down,
//! hosts across, the baseline first, each divergence marked by its severity
//! in words (and colour on a terminal).

use std::fmt::Write;

use super::{DiffStyle, shown_rows};
use crate::compare::matrix::Comparison;
use crate::compare::severity::Severity;
use crate::compare::wording::{cell_text, note};

const MAX_CELL: usize = 28;

pub fn render(comparison: &Comparison, style: DiffStyle) -> String {
    let order = column_order(comparison);
    let rows = shown_rows(comparison, style);
    let label_width = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4).max(4);
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
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
                    text
                })
                .collect()
        })
        .collect();
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
    for (h, w) in headers.iter().zip(&widths) {
        let _ = write!(out, "  {h:w$}");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    // Environment and failures under the names.
    let mut sub = format!("  {:label_width$}", "");
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
    for (row, cells) in rows.iter().zip(&texts) {
        if category != Some(row.category.as_str()) {
            let _ = writeln!(out, "{}", row.category);
            category = Some(row.category.as_str());
        }
        let mut line = format!("  {:label_width$}", row.label);
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
    let _ = writeln!(out, "{}", comparison.summary());
    out
}

/// The baseline first, the others in the order given.
pub fn column_order(comparison: &Comparison) -> Vec<usize> {
    std::iter::once(comparison.baseline)
        .chain((0..comparison.columns.len()).filter(|&c| c != comparison.baseline))
        .collect()
}

fn clip(text: &str) -> String {
    if text.chars().count() > MAX_CELL {
        let cut: String = text.chars().take(MAX_CELL - 1).collect();
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
        Severity::Missing => "35",
        Severity::Unknown => "2;37",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
