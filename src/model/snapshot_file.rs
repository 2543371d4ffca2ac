//! The snapshot's JSON form: writing it in a stable layout and reading it back
//! with one clear error for a corrupt, truncated, too-new or too-large file.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{SCHEMA_VERSION, Snapshot};
use crate::fsutil::{self, ReadError};
use crate::output::sanitize::{is_clean, strip_control};

/// The largest snapshot file read. A snapshot holds at most its facts'
/// capped outputs (64 KiB each by default); parsing costs about three times
/// the file's size in memory, so a folder of strangers' files stays bounded.
pub const MAX_SNAPSHOT_BYTES: u64 = 32 << 20;

/// Why a snapshot file could not be read. Each variant renders as one line
/// naming the file, because the user may be loading a whole team's folder.
#[derive(Debug)]
pub enum SnapshotError {
    Io {
        path: PathBuf,
        source: ReadError,
    },
    NotJson {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    Truncated {
        path: PathBuf,
    },
    NotASnapshot {
        path: PathBuf,
        detail: String,
    },
    TooNew {
        path: PathBuf,
        found: u64,
    },
    /// The same key twice in one object: which value was meant is unknown.
    DuplicateKey {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
    },
    /// Well-formed, but a value no snapshot can have.
    Invalid {
        path: PathBuf,
        detail: String,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Io { path, source } => {
                write!(f, "cannot read snapshot {}: {}", path.display(), source.problem)
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
            SnapshotError::DuplicateKey { path, line, column, key } => write!(
                f,
                "snapshot {} has the key {key:?} twice in one object (line {line}, column \
                 {column}); which value is meant cannot be told",
                path.display()
            ),
            SnapshotError::Invalid { path, detail } => {
                write!(f, "snapshot {} is invalid: {detail}", path.display())
            }
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
    let text = fsutil::read_text(path, MAX_SNAPSHOT_BYTES)
        .map_err(|source| SnapshotError::Io { path: path.to_owned(), source })?;
    parse_snapshot(&text, path)
}

/// Parses snapshot JSON; `origin` only names the source in errors.
pub fn parse_snapshot(text: &str, origin: &Path) -> Result<Snapshot, SnapshotError> {
    // Editors on some systems start UTF-8 files with a byte order mark;
    // JSON parsers refuse it, but it says nothing about the content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let path = || origin.to_owned();
    // serde keeps the last of two equal keys in a map (facts, labels), so a
    // file could say two things at once; a scan refuses it first. A syntax
    // error is left to the passes below, which say it better.
    if let Err((key, line, column)) = no_duplicate_keys(text) {
        return Err(SnapshotError::DuplicateKey { path: path(), line, column, key });
    }
    // The common case in one typed pass (a team folder can hold hundreds);
    // only a file that fails it is looked at again to say why.
    if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text)
        && snapshot.schema_version <= SCHEMA_VERSION
    {
        return validated(sanitized(snapshot), origin);
    }
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
    let snapshot = serde_json::from_value(value).map(sanitized).map_err(|e| {
        SnapshotError::NotASnapshot { path: path(), detail: strip_position(&e.to_string()) }
    })?;
    validated(snapshot, origin)
}

/// What the types cannot say: a version that exists, a host with a name.
fn validated(snapshot: Snapshot, origin: &Path) -> Result<Snapshot, SnapshotError> {
    let invalid = |detail: &str| {
        Err(SnapshotError::Invalid { path: origin.to_owned(), detail: detail.to_owned() })
    };
    if snapshot.schema_version == 0 {
        return invalid("`schema_version` is 0; versions start at 1");
    }
    if snapshot.host.name.trim().is_empty() {
        return invalid("`host.name` is empty");
    }
    if snapshot.facts.keys().any(|id| id.trim().is_empty()) {
        return invalid("a fact has an empty id");
    }
    Ok(snapshot)
}

/// `Err((key, line, column))` for the first key repeated in one object.
/// Walks the JSON without building it; syntax errors count as no duplicate.
fn no_duplicate_keys(text: &str) -> Result<(), (String, usize, usize)> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    match (Unique { found: &found }).deserialize(&mut de) {
        Err(e) => match found.into_inner() {
            Some(key) => Err((key, e.line(), e.column())),
            None => Ok(()),
        },
        Ok(()) => Ok(()),
    }
}

/// A JSON value checked for repeated keys; the first one is kept in `found`.
#[derive(Clone, Copy)]
struct Unique<'a> {
    found: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                *self.found.borrow_mut() = Some(key);
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// A file is as untrusted as a remote host's output (someone else wrote
/// it): no control or escape sequence in it reaches a screen or an export.
fn sanitized(mut snapshot: Snapshot) -> Snapshot {
    let clean = |text: &mut String| {
        if !is_clean(text) {
            *text = strip_control(text);
        }
    };
    // What is shown on one line (names, ids, versions) keeps no line break.
    let one_line = |text: &mut String| {
        clean(text);
        if text.contains(['\n', '\t']) {
            *text = text.replace(['\n', '\t'], " ");
        }
    };
    one_line(&mut snapshot.paritty_version);
    one_line(&mut snapshot.host.name);
    snapshot.host.address.iter_mut().for_each(one_line);
    snapshot.host.transport.texts_mut().into_iter().for_each(one_line);
    snapshot.host.labels = std::mem::take(&mut snapshot.host.labels)
        .into_iter()
        .map(|(mut k, mut v)| {
            one_line(&mut k);
            clean(&mut v);
            (k, v)
        })
        .collect();
    one_line(&mut snapshot.profile.name);
    one_line(&mut snapshot.profile.hash);
    clean(&mut snapshot.collected_at);
    snapshot.redacted.iter_mut().for_each(clean);
    snapshot.facts = std::mem::take(&mut snapshot.facts)
        .into_iter()
        .map(|(mut id, mut fact)| {
            one_line(&mut id);
            fact.value.iter_mut().for_each(clean);
            fact.pinned.iter_mut().for_each(one_line);
            clean(&mut fact.raw);
            fact.found_at.iter_mut().for_each(clean);
            clean(&mut fact.label);
            clean(&mut fact.category);
            fact.command.iter_mut().flatten().for_each(clean);
            fact.shadowed.iter_mut().for_each(clean);
            if let Some(running) = &mut fact.running {
                running.texts_mut().for_each(clean);
                for process in &mut running.processes {
                    one_line(&mut process.program);
                    process.exe.iter_mut().chain(process.version.iter_mut()).for_each(one_line);
                }
            }
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
