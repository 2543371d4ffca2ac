//! A comparison rendered for people (text, Markdown) and programs (JSON).
//! Pure functions of the `Comparison`.

use std::fmt::Write as _;

pub mod json;
pub mod markdown;
pub mod text;

use crate::compare::constraint::Judgement;
use crate::compare::declared::Judged;
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
            let mut out = text::render(
                doc.comparison,
                doc.declared,
                DiffStyle { only_diff: doc.only_diff, color },
            );
            // Above the summary, which stays the last line (scripts read it).
            if let Some(gap) = doc.time_gap {
                let mut lines = String::new();
                for line in gap.lines(doc.comparison) {
                    let _ = writeln!(lines, "time gap: {line}");
                }
                let body = out.trim_end_matches('\n').len();
                let at = out[..body].rfind('\n').map_or(0, |i| i + 1);
                out.insert_str(at, &lines);
            }
            if let Some(note) = doc.redacted {
                let body = out.trim_end_matches('\n').len();
                let at = out[..body].rfind('\n').map_or(0, |i| i + 1);
                out.insert_str(at, &format!("{note}\n"));
            }
            out
        }
        DiffFormat::Md => markdown::render(doc),
        DiffFormat::Json => json::render(doc),
        DiffFormat::Html => crate::export::html::comparison(doc),
    }
}

/// The rows to show under `style`: with only-diff, those where hosts
/// diverge or one violates a declaration.
pub fn shown_rows<'c>(
    comparison: &'c Comparison,
    declared: Option<&Judged>,
    style: DiffStyle,
) -> Vec<&'c Row> {
    comparison
        .rows
        .iter()
        .filter(|r| {
            !style.only_diff
                || r.worst() != Severity::Equal
                || crate::export::document::violated(declared, &r.id)
        })
        .collect()
}

/// What a declared row's column shows: each declaration of the fact as
/// `CONSTRAINT (FILE:LINE)`.
pub fn declared_text(declared: &Judged, fact: &str) -> String {
    declared.fact(fact).map_or_else(String::new, |f| {
        f.declared
            .iter()
            .map(|&i| {
                let d = declared.declaration(i);
                format!("{} ({})", d.constraint, d.source())
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The words after a host's value on a declared row (`✗ violates`), or
/// nothing where there is no version to judge.
pub fn judgement_note(declared: Option<&Judged>, fact: &str, column: usize) -> Option<String> {
    let verdict = declared?.fact(fact)?.cells.get(column)?;
    let declared = declared?;
    match (verdict.judgement, verdict.against) {
        (Judgement::NoVersion, _) => None,
        (j, Some(i)) if verdict.other_service => {
            let words = declared.service_difference(fact, column)?;
            Some(format!("{} {words} ({})", j.mark(), declared.declaration(i).source()))
        }
        (j, Some(i)) => {
            Some(format!("{} {} {}", j.mark(), j.as_str(), declared.declaration(i).source()))
        }
        (Judgement::NotJudged, None) => {
            let j = Judgement::NotJudged;
            Some(match declared.not_judged_why(fact) {
                Some(why) => format!("{} {}: {why}", j.mark(), j.as_str()),
                None => format!("{} {}", j.mark(), j.as_str()),
            })
        }
        (j, None) => Some(format!("{} {}", j.mark(), j.as_str())),
    }
}

/// One line per server that needs a restart, under the table (a cell has
/// room for its mark only): `⟳ prod: Redis server: running 7.0.15,
/// installed 7.2.4: restart pending`. Shown, never counted.
pub fn restart_lines(comparison: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    for row in &comparison.rows {
        for (cell, column) in row.cells.iter().zip(&comparison.columns) {
            if let Some(restart) = &cell.restart {
                out.push(format!("⟳ {}: {}: {}", column.name, row.label, restart.sentence()));
            }
        }
    }
    out
}

/// The lines under a table with declarations: facts declared that no host
/// has, the project's disagreements with itself, the files that could not
/// be used, and the declared summary.
pub fn declared_lines(declared: &Judged, comparison: &Comparison) -> Vec<String> {
    let mut out = Vec::new();
    for f in &declared.facts {
        if !comparison.rows.iter().any(|r| r.id == f.fact) {
            out.push(format!(
                "declared, not collected: {} {}",
                f.fact,
                declared_text(declared, &f.fact)
            ));
        }
    }
    out.extend(declared.disagreement_lines());
    out.extend(declared.declarations.problems.iter().map(|p| format!("declaration file {p}")));
    out.push(declared.summary(comparison));
    out
}
