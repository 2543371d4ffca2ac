//! A comparison rendered for people (text, Markdown) and programs (JSON).
//! Pure functions of the `Comparison`.

pub mod json;
pub mod markdown;
pub mod text;

use crate::compare::matrix::{Comparison, Row};
use crate::compare::severity::Severity;
use crate::export::document::DiffDoc;

/// The formats `paritty diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
    /// One self-contained HTML page (inline CSS, no scripts), printable.
    Html,
}

/// What to include and how to decorate it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffStyle {
    /// Only rows where some host diverges (counted divergences).
    pub only_diff: bool,
    /// ANSI colors (a terminal without NO_COLOR).
    pub color: bool,
}

/// `doc` in `format`; `color` for text on a terminal.
pub fn render(doc: &DiffDoc<'_>, format: DiffFormat, color: bool) -> String {
    match format {
        DiffFormat::Text => {
            let mut out =
                text::render(doc.comparison, DiffStyle { only_diff: doc.only_diff, color });
            // Above the summary, which stays the last line (scripts read it).
            if let Some(note) = doc.redacted {
                let body = out.trim_end_matches('\n').len();
                let at = out[..body].rfind('\n').map_or(0, |i| i + 1);
                out.insert_str(at, &format!("{note}\n"));
            }
            out
        }
        DiffFormat::Md => markdown::render(doc),
        DiffFormat::Json => json::render(doc.comparison, doc.redacted),
        DiffFormat::Html => crate::export::html::comparison(doc),
    }
}

/// The rows to show under `style`.
pub fn shown_rows(comparison: &Comparison, style: DiffStyle) -> Vec<&Row> {
    comparison.rows.iter().filter(|r| !style.only_diff || r.worst() != Severity::Equal).collect()
}
