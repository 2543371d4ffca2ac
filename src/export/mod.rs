//! Turning snapshots into files and text for people and programs. Pure: no
//! I/O here, the caller decides where the bytes go.

pub mod diff;
pub mod text;

use crate::model::Snapshot;
use crate::model::snapshot_file;

/// The formats a snapshot can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SnapshotFormat {
    /// The reloadable JSON snapshot (stable layout, see README).
    Json,
    /// Aligned plain text for a terminal or an email.
    Text,
}

pub fn render_snapshot(snapshot: &Snapshot, format: SnapshotFormat) -> String {
    match format {
        SnapshotFormat::Json => snapshot_file::to_json(snapshot),
        SnapshotFormat::Text => text::render(snapshot),
    }
}
