//! What an export from the TUI writes: the files and their contents, worked
//! out from the state without touching the disk (the session writes them).

use std::path::PathBuf;

use super::app::App;
use super::dialog::{ExportDialog, ExportKind, file_stem};
use crate::export::diff::{self, DiffFormat, DiffStyle};
use crate::model::snapshot_file;

/// Files to write, each complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub files: Vec<(PathBuf, String)>,
    /// What the status line says once written ("3 snapshots to DIR").
    pub what: String,
}

pub fn prepare(app: &App, dialog: &ExportDialog) -> Result<Export, String> {
    let path = PathBuf::from(dialog.path.trim());
    if path.as_os_str().is_empty() {
        return Err("export: type a path first".into());
    }
    let style = DiffStyle { only_diff: dialog.only_diff, color: false };
    let comparison = |format| diff::render(&app.comparison, format, style);
    let (contents, what) = match dialog.kind() {
        ExportKind::ComparisonMarkdown => (comparison(DiffFormat::Md), "comparison (Markdown)"),
        ExportKind::ComparisonJson => (comparison(DiffFormat::Json), "comparison (JSON)"),
        ExportKind::ComparisonText => (comparison(DiffFormat::Text), "comparison (text)"),
        ExportKind::HostSnapshot => {
            let host = &app.hosts[app.column];
            let snapshot = host
                .report
                .as_ref()
                .and_then(|r| r.snapshot.as_ref())
                .ok_or_else(|| format!("export: {} has no snapshot yet", host.name))?;
            (snapshot_file::to_json(snapshot), "snapshot")
        }
        ExportKind::AllSnapshots => {
            let mut files = Vec::new();
            for host in &app.hosts {
                if let Some(snapshot) = host.report.as_ref().and_then(|r| r.snapshot.as_ref()) {
                    let name = format!("{}.json", file_stem(&snapshot.host.name));
                    files.push((path.join(name), snapshot_file::to_json(snapshot)));
                }
            }
            if files.is_empty() {
                return Err("export: no host has a snapshot yet".into());
            }
            let what = format!("{} snapshots", files.len());
            return Ok(Export { files, what });
        }
    };
    Ok(Export { files: vec![(path, contents)], what: what.into() })
}
