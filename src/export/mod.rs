//! Turning snapshots into files and text for people and programs. Pure: no
//! I/O here, the caller decides where the bytes go.

pub mod check;
pub mod diff;
pub mod document;
pub mod fleet;
pub mod html;
pub mod markdown;
pub mod redact;
pub mod text;

use crate::model::Snapshot;
use crate::model::snapshot_file;

/// The formats a snapshot can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SnapshotFormat {
    /// The reloadable JSON snapshot (stable layout, see README).
    Json,
    /// Markdown for a ticket: the inventory as a table.
    Md,
    /// One self-contained HTML page (inline CSS, no scripts), printable.
    Html,
    /// Aligned plain text for a terminal or an email.
    Text,
}

pub fn render_snapshot(snapshot: &Snapshot, format: SnapshotFormat) -> String {
    match format {
        SnapshotFormat::Json => snapshot_file::to_json(snapshot),
        SnapshotFormat::Md => markdown::snapshot(snapshot),
        SnapshotFormat::Html => html::snapshot(snapshot, snapshot.redacted.as_deref()),
        SnapshotFormat::Text => text::render(snapshot),
    }
}
