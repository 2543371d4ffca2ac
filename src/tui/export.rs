//! What an export from the TUI produces: files with their contents, or
//! text for the clipboard, worked out from the state without touching the
//! disk or the terminal (the session does that). Redacted unless the user
//! turned redaction off in the dialog.

use std::fmt;
use std::path::PathBuf;

use super::app::{App, Screen};
use super::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat, Redaction};
use crate::export::diff::{self, DiffFormat};
use crate::export::document::DiffDoc;
use crate::export::fleet::{self, FleetDoc};
use crate::export::redact::{self, Redactor};
use crate::export::{SnapshotFormat, render_snapshot};
use crate::fsutil::unique_file_stems;
use crate::model::Snapshot;

/// Files to write, each complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub files: Vec<(PathBuf, String)>,
    /// What the status line says once written ("3 snapshots").
    pub what: String,
}

/// An export ready to leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    Files(Export),
    Clipboard { text: String, what: String },
}

pub fn prepare(app: &App, dialog: &ExportDialog) -> Result<Prepared, ExportError> {
    let mut redactor = match dialog.redaction {
        Redaction::Off => None,
        Redaction::On => Some(Redactor::new(redact::Options { hosts: false })),
        Redaction::Hosts => Some(Redactor::new(redact::Options { hosts: true })),
    };
    let collected = app.reports();
    let reports = match &mut redactor {
        Some(r) => r.reports(&collected),
        None => collected,
    };
    let format = dialog.format;
    let (texts, what): (Vec<(String, String)>, String) = match dialog.what {
        ExportWhat::Comparison | ExportWhat::Divergences => {
            let comparison = match &mut redactor {
                Some(r) => r.comparison(&app.comparison),
                None => app.comparison.clone(),
            };
            // What the screen shows goes into the file: the declared
            // column and the time gap, redacted as `diff` redacts them.
            let mut declared = app.declared().cloned();
            let mut time_gap = app.time_gap.clone();
            if let Some(r) = &mut redactor {
                for item in declared.iter_mut().flat_map(|j| &mut j.declarations.items) {
                    item.constraint = r.text(&item.constraint);
                }
                if let Some(branch) = time_gap.as_mut().and_then(|g| g.head.branch.as_mut()) {
                    *branch = r.text(branch);
                }
            }
            let note = redactor.as_ref().map(Redactor::summary);
            let doc = DiffDoc {
                comparison: &comparison,
                reports: &reports,
                only_diff: dialog.what == ExportWhat::Divergences,
                redacted: note.as_deref(),
                declared: declared.as_ref(),
                time_gap: time_gap.as_ref(),
            };
            let layout = match format {
                ExportFormat::Markdown => DiffFormat::Md,
                ExportFormat::Html => DiffFormat::Html,
                ExportFormat::Json => DiffFormat::Json,
                ExportFormat::Text => DiffFormat::Text,
            };
            // The fleet view exports the fleet layout (`diff --layout
            // fleet`): counted on what was collected, named as shown.
            let text = if app.screen == Screen::Fleet {
                fleet::render(&FleetDoc { doc, fleet: &app.fleet }, layout, false)
            } else {
                diff::render(&doc, layout, false)
            };
            let what = format!("{} ({})", dialog.what.label(), format.extension());
            (vec![(String::new(), text)], what)
        }
        ExportWhat::HostSnapshot => {
            let report = &reports[app.column];
            let snapshot = report
                .snapshot
                .as_ref()
                .ok_or_else(|| ExportError::NoSnapshot(app.hosts[app.column].name.clone()))?;
            (
                vec![(String::new(), snapshot_text(snapshot, format))],
                format!("{}'s snapshot", snapshot.host.name),
            )
        }
        ExportWhat::AllSnapshots => {
            let snapshots: Vec<&Snapshot> =
                reports.iter().filter_map(|r| r.snapshot.as_ref()).collect();
            // Two hosts may share a name, or differ only in characters a file
            // name cannot hold: each still gets its own file.
            let stems = unique_file_stems(snapshots.iter().map(|s| s.host.name.as_str()));
            let texts: Vec<(String, String)> = snapshots
                .iter()
                .zip(stems)
                .map(|(s, stem)| {
                    (format!("{stem}.{}", format.extension()), snapshot_text(s, format))
                })
                .collect();
            if texts.is_empty() {
                return Err(ExportError::NoSnapshots);
            }
            let what = format!("{} snapshots", texts.len());
            (texts, what)
        }
    };
    match dialog.destination {
        Destination::Clipboard => {
            let text = texts.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n");
            Ok(Prepared::Clipboard { text, what })
        }
        Destination::File => {
            let path = PathBuf::from(dialog.path.trim());
            if path.as_os_str().is_empty() {
                return Err(ExportError::NoPath);
            }
            let files = texts
                .into_iter()
                .map(|(name, text)| {
                    (if name.is_empty() { path.clone() } else { path.join(name) }, text)
                })
                .collect();
            Ok(Prepared::Files(Export { files, what }))
        }
    }
}

/// Why an export was not written, as the status line says it.
#[derive(Debug)]
pub enum ExportError {
    /// The selected host has no snapshot yet.
    NoSnapshot(String),
    NoSnapshots,
    NoPath,
    CreateFolder {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A file could not be written; the others were still tried.
    Write {
        error: crate::fsutil::OutError,
        /// How many of the export's files were written all the same.
        written: usize,
        total: usize,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::NoSnapshot(host) => write!(f, "export: {host} has no snapshot yet"),
            ExportError::NoSnapshots => write!(f, "export: no host has a snapshot yet"),
            ExportError::NoPath => write!(f, "export: type a path first"),
            ExportError::CreateFolder { path, error } => {
                write!(f, "export: cannot create {}: {error}", path.display())
            }
            ExportError::Write { error, written, total } if *total > 1 => {
                write!(f, "export: {error} (wrote {written} of {total} files)")
            }
            ExportError::Write { error, .. } => write!(f, "export: {error}"),
        }
    }
}

impl std::error::Error for ExportError {}

fn snapshot_text(snapshot: &Snapshot, format: ExportFormat) -> String {
    match format {
        ExportFormat::Markdown => render_snapshot(snapshot, SnapshotFormat::Md),
        ExportFormat::Html => render_snapshot(snapshot, SnapshotFormat::Html),
        ExportFormat::Json => render_snapshot(snapshot, SnapshotFormat::Json),
        ExportFormat::Text => render_snapshot(snapshot, SnapshotFormat::Text),
    }
}
