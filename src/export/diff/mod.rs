//! A comparison rendered for people (text, Markdown) and programs (JSON).
//! Pure functions of the `Comparison`.

pub mod json;
pub mod markdown;
pub mod text;

use crate::compare::matrix::{Cell, Comparison, Row, Severity};

/// The formats `paritty diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
}

/// What to include and how to decorate it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffStyle {
    /// Only rows where some host diverges (counted divergences).
    pub only_diff: bool,
    /// ANSI colors (a terminal without NO_COLOR).
    pub color: bool,
}

pub fn render(comparison: &Comparison, format: DiffFormat, style: DiffStyle) -> String {
    match format {
        DiffFormat::Text => text::render(comparison, style),
        DiffFormat::Md => markdown::render(comparison, style),
        DiffFormat::Json => json::render(comparison),
    }
}

/// The rows to show under `style`.
pub fn shown_rows(comparison: &Comparison, style: DiffStyle) -> Vec<&Row> {
    comparison.rows.iter().filter(|r| !style.only_diff || r.worst() != Severity::Equal).collect()
}

/// The word after a divergent cell: its severity, said from this host's
/// side where that reads better ("not on baseline" for a tool only here).
pub fn note(cell: &Cell) -> &'static str {
    match (cell.severity, cell.status) {
        _ if cell.tolerated => "tolerated",
        (Severity::Missing, Some(crate::model::Status::Ok)) => "not on baseline",
        (severity, _) => severity.as_str(),
    }
}

/// A cell's text: the value, or why there is none.
pub fn cell_text(cell: &Cell, host_failed: bool) -> String {
    match (&cell.value, cell.status) {
        (Some(v), _) => v.replace(['\n', '\t'], " "),
        (None, Some(status)) => format!("({status})"),
        (None, None) if host_failed => "(host failed)".to_owned(),
        (None, None) => "(not collected)".to_owned(),
    }
}
