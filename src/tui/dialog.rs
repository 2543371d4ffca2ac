//! The TUI's dialogs: help, export, and the questions a host's collection
//! may ask (trust an unknown host key, unlock an encrypted key).

use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    ComparisonMarkdown,
    ComparisonJson,
    ComparisonText,
    HostSnapshot,
    AllSnapshots,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] = [
        ExportKind::ComparisonMarkdown,
        ExportKind::ComparisonJson,
        ExportKind::ComparisonText,
        ExportKind::HostSnapshot,
        ExportKind::AllSnapshots,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExportKind::ComparisonMarkdown => "Comparison as Markdown (for a ticket)",
            ExportKind::ComparisonJson => "Comparison as JSON (data)",
            ExportKind::ComparisonText => "Comparison as plain text",
            ExportKind::HostSnapshot => "Selected host's snapshot (JSON, loads back)",
            ExportKind::AllSnapshots => "Every host's snapshot (JSON files in a folder)",
        }
    }

    /// Where it goes unless the user types another path.
    pub fn default_path(self, host: &str) -> String {
        match self {
            ExportKind::ComparisonMarkdown => "paritty-comparison.md".into(),
            ExportKind::ComparisonJson => "paritty-comparison.json".into(),
            ExportKind::ComparisonText => "paritty-comparison.txt".into(),
            ExportKind::HostSnapshot => format!("{}.json", file_stem(host)),
            ExportKind::AllSnapshots => "paritty-snapshots".into(),
        }
    }

    /// Whether "only divergences" means anything for it.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            ExportKind::ComparisonMarkdown
                | ExportKind::ComparisonJson
                | ExportKind::ComparisonText
        )
    }
}

/// A host name made safe as a file name.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() { "host".into() } else { stem.to_owned() }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDialog {
    pub choice: usize,
    pub path: String,
    /// The user typed in the path: changing the format keeps it.
    pub path_edited: bool,
    pub only_diff: bool,
}

impl ExportDialog {
    pub fn new(host: &str, only_diff: bool) -> ExportDialog {
        ExportDialog {
            choice: 0,
            path: ExportKind::ALL[0].default_path(host),
            path_edited: false,
            only_diff,
        }
    }

    pub fn kind(&self) -> ExportKind {
        ExportKind::ALL[self.choice.min(ExportKind::ALL.len() - 1)]
    }
}

/// A modal over the main screen; it takes every key until closed.
#[derive(Debug, Clone)]
pub enum Modal {
    Help,
    Export(ExportDialog),
    /// An unknown host key: trust it (and remember it) or refuse.
    HostKey {
        host: String,
        key_type: String,
        fingerprint: String,
        reply: Sender<bool>,
    },
    /// An encrypted key file: its passphrase, typed hidden, never stored.
    Passphrase {
        key: PathBuf,
        typed: String,
        reply: Sender<Option<String>>,
    },
}
