//! How far a host's fact is from the baseline's: the one scale every view,
//! export and gate ranks divergences by.

use serde::{Deserialize, Serialize};

use super::version::Level;

/// How far a host's fact is from the baseline's, lowest to highest
/// (ARCHITECTURE.md, "Severity of a divergence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Equal,
    Packaging,
    Patch,
    Minor,
    Major,
    Different,
    Missing,
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 8] = [
        Severity::Equal,
        Severity::Packaging,
        Severity::Patch,
        Severity::Minor,
        Severity::Major,
        Severity::Different,
        Severity::Missing,
        Severity::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Equal => "equal",
            Severity::Packaging => "packaging",
            Severity::Patch => "patch",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Different => "different",
            Severity::Missing => "missing",
            Severity::Unknown => "unknown",
        }
    }

    /// The severity named by `word` (as `as_str` writes it).
    pub fn from_word(word: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// The mark shown before a divergent value, everywhere (TUI, Markdown,
    /// HTML), so the severity reads without colour. Bar heights rank the
    /// version levels; equal has none.
    pub fn mark(self) -> &'static str {
        match self {
            Severity::Equal => "",
            Severity::Packaging => "≈",
            Severity::Patch => "▁",
            Severity::Minor => "▄",
            Severity::Major => "█",
            Severity::Different => "≠",
            Severity::Missing => "∅",
            Severity::Unknown => "?",
        }
    }

    pub(super) fn from_level(level: Level) -> Severity {
        match level {
            Level::Equal => Severity::Equal,
            Level::Packaging => Severity::Packaging,
            Level::Patch => Severity::Patch,
            Level::Minor => Severity::Minor,
            Level::Major => Severity::Major,
            Level::Different => Severity::Different,
        }
    }
}
