//! The TUI's dialogs: help, export, and the questions a host's collection
//! may ask (trust an unknown host key, unlock an encrypted key).

use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    Comparison,
    Divergences,
    HostSnapshot,
    AllSnapshots,
}

impl ExportWhat {
    pub const ALL: [ExportWhat; 4] = [
        ExportWhat::Comparison,
        ExportWhat::Divergences,
        ExportWhat::HostSnapshot,
        ExportWhat::AllSnapshots,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExportWhat::Comparison => "the whole comparison",
            ExportWhat::Divergences => "only the divergences",
            ExportWhat::HostSnapshot => "the selected host's snapshot",
            ExportWhat::AllSnapshots => "every host's snapshot (a folder)",
        }
    }
}

/// The formats an export can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Html,
    Json,
    Text,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] =
        [ExportFormat::Markdown, ExportFormat::Html, ExportFormat::Json, ExportFormat::Text];

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "Markdown (for a ticket)",
            ExportFormat::Html => "HTML (one self-contained page)",
            ExportFormat::Json => "JSON (data; snapshots load back)",
            ExportFormat::Text => "plain text",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
            ExportFormat::Json => "json",
            ExportFormat::Text => "txt",
        }
    }
}

/// How much an export hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// Secrets, URL credentials, home folders.
    On,
    /// And host names and addresses, as pseudonyms.
    Hosts,
    Off,
}

impl Redaction {
    pub const ALL: [Redaction; 3] = [Redaction::On, Redaction::Hosts, Redaction::Off];

    pub fn label(self) -> &'static str {
        match self {
            Redaction::On => "on: secrets, URL credentials, home folders",
            Redaction::Hosts => "on, and host names/addresses as pseudonyms",
            Redaction::Off => "OFF: values exactly as collected",
        }
    }
}

/// Where an export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    File,
    /// The terminal's clipboard through OSC 52 (works over SSH and in tmux).
    Clipboard,
}

impl Destination {
    pub const ALL: [Destination; 2] = [Destination::File, Destination::Clipboard];

    pub fn label(self) -> &'static str {
        match self {
            Destination::File => "a file",
            Destination::Clipboard => "the clipboard (OSC 52)",
        }
    }
}

/// The export dialog's fields, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    What,
    Format,
    Redaction,
    Destination,
    Path,
}

impl Field {
    pub const ALL: [Field; 5] =
        [Field::What, Field::Format, Field::Redaction, Field::Destination, Field::Path];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDialog {
    pub what: ExportWhat,
    pub format: ExportFormat,
    pub redaction: Redaction,
    pub destination: Destination,
    pub field: Field,
    pub path: String,
    /// The user typed in the path: other choices keep it.
    pub path_edited: bool,
    /// The selected host's name, for default file names.
    pub host: String,
}

impl ExportDialog {
    pub fn new(host: &str, only_diff: bool) -> ExportDialog {
        let mut dialog = ExportDialog {
            what: if only_diff { ExportWhat::Divergences } else { ExportWhat::Comparison },
            format: ExportFormat::Markdown,
            redaction: Redaction::On,
            destination: Destination::File,
            field: Field::What,
            path: String::new(),
            path_edited: false,
            host: host.to_owned(),
        };
        dialog.path = dialog.default_path();
        dialog
    }

    /// Where it goes unless the user types another path.
    pub fn default_path(&self) -> String {
        let ext = self.format.extension();
        match self.what {
            ExportWhat::Comparison => format!("paritty-comparison.{ext}"),
            ExportWhat::Divergences => format!("paritty-divergences.{ext}"),
            ExportWhat::HostSnapshot => format!("{}.{ext}", crate::fsutil::file_stem(&self.host)),
            ExportWhat::AllSnapshots => "paritty-snapshots".into(),
        }
    }

    /// Moves the focused choice one step (`forward` or back), wrapping.
    pub fn cycle(&mut self, forward: bool) {
        fn step<T: Copy + PartialEq>(all: &[T], now: T, forward: bool) -> T {
            let at = all.iter().position(|x| *x == now).unwrap_or(0);
            let n = all.len();
            all[if forward { (at + 1) % n } else { (at + n - 1) % n }]
        }
        match self.field {
            Field::What => self.what = step(&ExportWhat::ALL, self.what, forward),
            Field::Format => self.format = step(&ExportFormat::ALL, self.format, forward),
            Field::Redaction => self.redaction = step(&Redaction::ALL, self.redaction, forward),
            Field::Destination => {
                self.destination = step(&Destination::ALL, self.destination, forward);
            }
            Field::Path => {}
        }
        // A folder of snapshots cannot go to the clipboard.
        if self.what == ExportWhat::AllSnapshots {
            self.destination = Destination::File;
        }
        if !self.path_edited {
            self.path = self.default_path();
        }
    }

    pub fn move_field(&mut self, down: bool) {
        let at = Field::ALL.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = Field::ALL.len();
        self.field = Field::ALL[if down { (at + 1) % n } else { (at + n - 1) % n }];
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
