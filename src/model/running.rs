//! The server processes running a `service.*` fact's program: which
//! executable each runs, the version it answers, and whether its file was
//! replaced since it started ("upgraded but not restarted").
//!
//! Optional on a fact in JSON (`running`), so older snapshots load and
//! older readers skip it (ARCHITECTURE.md, "Snapshot format"). A process's
//! command line is never kept: it may carry a password.

use serde::{Deserialize, Serialize};

/// What was seen of a fact's server processes. A fact has none when its
/// program is not running (or its profile names no server program).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    /// Why processes could not be looked at there ("not observable here:
    /// no /proc"); `None` when they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unobservable: Option<String>,
    /// One per server (a server's own children, such as PostgreSQL's
    /// backends, are counted in their parent), by pid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Process>,
}

/// One running server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    /// The program it was matched by (`redis-server`, `beam.smp`).
    pub program: String,
    /// Its executable as `/proc/PID/exe` names it, without the kernel's
    /// " (deleted)"; `None` where that may not be read (another user's
    /// process), see `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exe: Option<String>,
    /// The version the running executable answers (or, for RabbitMQ, the
    /// one its command line's release folder names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Its executable's file was replaced or removed since it started.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaced: bool,
    /// What the running executable printed when asked its version
    /// (cleaned, capped): the evidence of `version`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raw: String,
    /// Why something is not known ("not permitted to read /proc/PID/exe:
    /// another user's process").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Running {
    /// Every text in it, for the places that clean or redact what came
    /// from outside.
    pub fn texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.unobservable.iter_mut().chain(self.processes.iter_mut().flat_map(|p| {
            std::iter::once(&mut p.program)
                .chain(p.exe.iter_mut())
                .chain(p.version.iter_mut())
                .chain(std::iter::once(&mut p.raw))
                .chain(p.note.iter_mut())
        }))
    }
}
