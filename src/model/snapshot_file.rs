//! The snapshot's JSON form: writing it in a stable layout and reading it back
//! with one clear error for a corrupt, truncated or too-new file.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{SCHEMA_VERSION, Snapshot};
use crate::output::sanitize::strip_control;

/// Why a snapshot file could not be read. Each variant renders as one line
/// naming the file, because the user may be loading a whole team's folder.
#[derive(Debug)]
pub enum SnapshotError {
    Io { path: PathBuf, source: std::io::Error },
    NotJson { path: PathBuf, line: usize, column: usize, detail: String },
    Truncated { path: PathBuf },
    NotASnapshot { path: PathBuf, detail: String },
    TooNew { path: PathBuf, found: u64 },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Io { path, source } => {
                write!(f, "cannot read snapshot {}: {source}", path.display())
            }
            SnapshotError::NotJson { path, line, column, detail } => write!(
                f,
                "snapshot {} is not valid JSON (line {line}, column {column}): {detail}",
                path.display()
            ),
            SnapshotError::Truncated { path } => write!(
                f,
                "snapshot {} is truncated: the JSON ends before the snapshot does",
                path.display()
            ),
            SnapshotError::NotASnapshot { path, detail } => {
                write!(f, "{} is not a paritty snapshot: {detail}", path.display())
            }
            SnapshotError::TooNew { path, found } => write!(
                f,
                "snapshot {} has schema version {found}, newer than the {SCHEMA_VERSION} \
                 this paritty reads; upgrade paritty to load it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SnapshotError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The snapshot as pretty JSON with a trailing newline. Field order follows
/// the struct declarations and facts are sorted by id, so output is stable.
pub fn to_json(snapshot: &Snapshot) -> String {
    // Serializing plain structs, maps and strings to a String cannot fail.
    let mut text = serde_json::to_string_pretty(snapshot).unwrap_or_default();
    text.push('\n');
    text
}

pub fn read_snapshot(path: &Path) -> Result<Snapshot, SnapshotError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| SnapshotError::Io { path: path.to_owned(), source })?;
    parse_snapshot(&text, path)
}

/// Parses snapshot JSON; `origin` only names the source in errors.
pub fn parse_snapshot(text: &str, origin: &Path) -> Result<Snapshot, SnapshotError> {
    // The common case in one typed pass (a team folder can hold hundreds);
    // only a file that fails it is looked at again to say why.
    if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text)
        && snapshot.schema_version <= SCHEMA_VERSION
    {
        return Ok(sanitized(snapshot));
    }
    let path = || origin.to_owned();
    // Two passes: first as untyped JSON, so that a newer schema is reported as
    // "too new" rather than as whatever field it renamed.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            SnapshotError::Truncated { path: path() }
        } else {
            SnapshotError::NotJson {
                path: path(),
                line: e.line(),
                column: e.column(),
                detail: strip_position(&e.to_string()),
            }
        }
    })?;
    let Some(object) = value.as_object() else {
        return Err(SnapshotError::NotASnapshot {
            path: path(),
            detail: "expected a JSON object at the top level".into(),
        });
    };
    let Some(version) = object.get("schema_version") else {
        return Err(SnapshotError::NotASnapshot {
            path: path(),
            detail: "it has no `schema_version` field".into(),
        });
    };
    let Some(version) = version.as_u64() else {
        return Err(SnapshotError::NotASnapshot {
            path: path(),
            detail: "`schema_version` is not a whole number".into(),
        });
    };
    if version > u64::from(SCHEMA_VERSION) {
        return Err(SnapshotError::TooNew { path: path(), found: version });
    }
    serde_json::from_value(value).map(sanitized).map_err(|e| SnapshotError::NotASnapshot {
        path: path(),
        detail: strip_position(&e.to_string()),
    })
}

/// A file is as untrusted as a remote host's output (someone else wrote
/// it): no control or escape sequence in it reaches a screen or an export.
fn sanitized(mut snapshot: Snapshot) -> Snapshot {
    let clean = |text: &mut String| {
        if text.chars().any(|c| {
            c.is_control() && c != '\n' && c != '\t'
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        }) {
            *text = strip_control(text);
        }
    };
    clean(&mut snapshot.host.name);
    snapshot.host.address.iter_mut().for_each(clean);
    if let Some(image) = snapshot.host.transport.image_mut() {
        image.reference.iter_mut().chain(image.id.iter_mut()).for_each(clean);
    }
    snapshot.host.labels = std::mem::take(&mut snapshot.host.labels)
        .into_iter()
        .map(|(mut k, mut v)| {
            clean(&mut k);
            clean(&mut v);
            (k, v)
        })
        .collect();
    clean(&mut snapshot.profile.name);
    clean(&mut snapshot.collected_at);
    snapshot.redacted.iter_mut().for_each(clean);
    snapshot.facts = std::mem::take(&mut snapshot.facts)
        .into_iter()
        .map(|(mut id, mut fact)| {
            clean(&mut id);
            fact.value.iter_mut().for_each(clean);
            clean(&mut fact.raw);
            fact.found_at.iter_mut().for_each(clean);
            clean(&mut fact.label);
            clean(&mut fact.category);
            fact.command.iter_mut().flatten().for_each(clean);
            fact.shadowed.iter_mut().for_each(clean);
            (id, fact)
        })
        .collect();
    snapshot
}

/// `serde_json` appends " at line L column C"; we report the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
