//! The words a comparison cell is shown with, the same in the TUI and every
//! export: a cell's text and the note after a divergent one.

use super::matrix::Cell;
use super::severity::Severity;
use crate::model::Status;

/// The word after a divergent cell: its severity, said from this host's
/// side where that reads better ("not on baseline" for a tool only here).
pub fn note(cell: &Cell) -> &'static str {
    match (cell.severity, cell.status) {
        _ if cell.tolerated => "tolerated",
        (Severity::Missing, Some(Status::Ok)) => "not on baseline",
        (severity, _) => severity.as_str(),
    }
}

/// A cell's text: the value, or why there is none; a value that was not
/// observed says where it came from ("3.12.4 (from image config)").
pub fn cell_text(cell: &Cell, host_failed: bool) -> String {
    match (&cell.value, cell.status) {
        (Some(v), _) => {
            let v = v.replace(['\n', '\t'], " ");
            match cell.origin {
                Some(origin) => format!("{v} ({})", origin.tag()),
                None => v,
            }
        }
        (None, Some(status)) => format!("({status})"),
        (None, None) if host_failed => "(host failed)".to_owned(),
        (None, None) => "(not collected)".to_owned(),
    }
}
