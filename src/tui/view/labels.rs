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
    let text = category_text(app, category);
    let label_style = if selected { style::selected(app.color) } else { style::heading(app.color) };
    Span::styled(pad(&text, width), label_style)
}

/// A category's line; the app's dependencies, many and folded at first,
/// also say how many differ: `▸ App dependencies (212, 3 differ)`.
pub fn category_text(app: &App, category: &Category) -> String {
    let mark = if app.collapsed.contains(&category.name) { "▸" } else { "▾" };
    let count = category.rows.len();
    if category.name != crate::collect::deps::CATEGORY {
        return format!("{mark} {} ({count})", category.name);
    }
    let rows = &app.comparison.rows;
    let differ = category.rows.iter().filter(|&&r| app.diverges(&rows[r])).count();
    let verb = if differ == 1 { "differs" } else { "differ" };
    format!("{mark} {} ({count}, {differ} {verb})", category.name)
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
