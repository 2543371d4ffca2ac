//! A comparison as GitHub-flavoured Markdown for a ticket: the summary, then
//! one table grouped by category with the baseline first.

use std::fmt::Write;

use super::text::column_order;
use super::{DiffStyle, cell_text, note, shown_rows};
use crate::compare::matrix::{Comparison, Severity};

pub fn render(comparison: &Comparison, style: DiffStyle) -> String {
    let order = column_order(comparison);
    let mut out = format!("**{}**\n\n", escape(&comparison.summary()));
    out.push_str("| Fact |");
    for &c in &order {
        let col = &comparison.columns[c];
        let mut head = escape(&col.name);
        if c == comparison.baseline {
            head.push_str(" (baseline)");
        }
        if let Some(env) = &col.environment {
            let _ = write!(head, " `{}`", escape(env).replace('`', ""));
        }
        let _ = write!(out, " {head} |");
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(order.len()));
    out.push('\n');
    let mut category = None;
    for row in shown_rows(comparison, style) {
        if category != Some(row.category.as_str()) {
            let _ = write!(out, "| **{}** |", escape(&row.category));
            out.push_str(&" |".repeat(order.len()));
            out.push('\n');
            category = Some(row.category.as_str());
        }
        let _ = write!(out, "| {} |", escape(&row.label));
        for &c in &order {
            let cell = &row.cells[c];
            let failed = comparison.columns[c].failure.is_some();
            let mut text = escape(&cell_text(cell, failed));
            if cell.severity != Severity::Equal && !row.informational {
                let _ = write!(text, " **{}**", note(cell));
            }
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    for col in &comparison.columns {
        if let Some(f) = &col.failure {
            let _ = writeln!(out, "\n- {}: {}", escape(&col.name), escape(&f.to_string()));
        }
    }
    out
}

/// Table-safe text: pipes, backticks, HTML and Markdown markers escaped,
/// newlines flattened.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
