//! The `declared` target in the HTML report: a column before the hosts
//! (each declaration and its file:line), each host cell's judgement, and
//! the findings under the table.

use std::fmt::Write as _;

use super::esc;
use crate::compare::matrix::Row;
use crate::export::diff::{declared_lines, declared_text, judgement_note};
use crate::export::document::DiffDoc;

pub fn header(out: &mut String, doc: &DiffDoc<'_>) {
    if doc.declared.is_some() {
        out.push_str("<th scope=\"col\">declared</th>");
    }
}

pub fn cell(out: &mut String, doc: &DiffDoc<'_>, row: &Row) {
    if let Some(declared) = doc.declared {
        let text = declared_text(declared, &row.id);
        let _ = write!(out, "<td class=\"declared\"><div class=\"c\">{}</div></td>", esc(&text));
    }
}

/// `✗ violates .nvmrc:1` after a host's value, when the fact is declared.
pub fn judgement(out: &mut String, doc: &DiffDoc<'_>, row: &Row, column: usize) {
    if let Some(note) = judgement_note(doc.declared, &row.id, column) {
        let _ = write!(out, "<span class=\"note\">{}</span>", esc(&note));
    }
}

pub fn section(out: &mut String, doc: &DiffDoc<'_>) {
    let Some(declared) = doc.declared else { return };
    out.push_str("<h2>Declared</h2>\n<ul class=\"declared\">\n");
    for line in declared_lines(declared, doc.comparison) {
        let _ = writeln!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul>\n");
}
