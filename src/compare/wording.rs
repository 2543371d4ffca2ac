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
        (Severity::Service, _) => "different backing service",
        (Severity::Missing, Some(Status::Ok)) => "not on baseline",
        (severity, _) => severity.as_str(),
    }
}

/// A cell's text: the value, or why there is none; a value that was not
/// observed says where it came from ("3.12.4 (from image config)"), an
/// app dependency that is not what its host's lock file pins says so
/// ("2.1.0 (lock pins 2.0.7)"), and a server that needs a restart says so
/// ("7.2.4 (⟳ running 7.0.15)").
pub fn cell_text(cell: &Cell, host_failed: bool) -> String {
    match (&cell.value, cell.status) {
        (Some(v), _) => {
            let v = v.replace(['\n', '\t'], " ");
            let v = match (cell.origin, &cell.unpinned) {
                (Some(origin), _) => format!("{v} ({})", origin.tag()),
                (None, Some(pin)) => format!("{v} (lock pins {pin})"),
                (None, None) => v,
            };
            match &cell.restart {
                Some(restart) => format!("{v} ({})", restart.tag()),
                None => v,
            }
        }
        (None, Some(status)) => match &cell.restart {
            Some(restart) => format!("({status}) ({})", restart.tag()),
            None => format!("({status})"),
        },
        (None, None) if host_failed => "(host failed)".to_owned(),
        (None, None) => "(not collected)".to_owned(),
    }
}

/// A different type of backing service in words, from the other host's
/// side: `different backing service: sqlite here, postgresql on prod`.
pub fn service_difference(base: &Cell, cell: &Cell, baseline: &str) -> Option<String> {
    let (a, b) = (base.service.as_deref()?, cell.service.as_deref()?);
    (a != b).then(|| format!("different backing service: {b} here, {a} on {baseline}"))
}

/// A host's backing service of another type than the app declares for the
/// role, from the host's side: `different backing service: memcached here,
/// redis declared`.
pub fn declared_service_difference(host: &str, declared: &str) -> String {
    format!("different backing service: {host} here, {declared} declared")
}
