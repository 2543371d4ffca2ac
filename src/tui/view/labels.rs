//! A line's first cell, the same in the matrix and the fleet view: a
//! category with its fold mark and count, or a fact's label.

use ratatui::style::Style;
use ratatui::text::Span;

use super::style;
use super::text::pad;
use crate::compare::matrix::Row;
use crate::tui::app::{App, Category};

/// `▾ Runtimes (12)`, `▸` when folded.
pub fn category<'a>(app: &App, category: &Category, selected: bool, width: usize) -> Span<'a> {
    let mark = if app.collapsed.contains(&category.name) { "▸" } else { "▾" };
    let text = format!("{mark} {} ({})", category.name, category.rows.len());
    let label_style = if selected { style::selected(app.color) } else { style::heading(app.color) };
    Span::styled(pad(&text, width), label_style)
}

/// A fact's label, indented under its category; informational ones dim.
pub fn fact<'a>(app: &App, row: &Row, selected: bool, width: usize) -> Span<'a> {
    let label_style = if selected {
        style::selected(app.color)
    } else if row.informational {
        style::dim(app.color)
    } else {
        Style::new()
    };
    Span::styled(pad(&format!("  {}", row.label), width), label_style)
}
