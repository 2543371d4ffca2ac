//! Profiles: the list of facts to collect, where each comes from, how its raw
//! output becomes a value, and how values compare.
//!
//! A profile is defined once and used by every transport (ARCHITECTURE.md,
//! principle 1). `raw` holds the TOML shape, `load` turns it into these
//! validated types, `shipped` holds the profiles embedded in the binary.

mod load;
mod raw;
pub mod shipped;

use std::fmt;
use std::path::PathBuf;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use load::{
    MAX_PROFILE_BYTES, ProfileError, ProfileListing, list_profiles, load_profile, parse_profile,
    position_of,
};

use crate::output::parse::ParserFn;

/// A validated profile with its parents' facts already merged in.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub description: String,
    /// Where it came from: a file path, or `built-in:NAME`.
    pub origin: String,
    pub facts: Vec<FactDef>,
    /// Content hash of the profile and its parents, recorded in snapshots.
    pub hash: String,
}

#[derive(Debug, Clone)]
pub struct FactDef {
    pub id: String,
    pub label: String,
    pub category: String,
    pub compare: CompareKind,
    /// Expected to differ between hosts (hostname, memory): shown, never
    /// counted as divergence.
    pub informational: bool,
    /// Tried in order; the first one that finds its tool, file or variable
    /// decides the fact.
    pub sources: Vec<Source>,
    /// For a server (`service.*`): how its running processes are found and
    /// asked their version.
    pub running: Option<RunningDef>,
}

/// How a fact's running server processes are recognized and asked
/// (`collect::running`).
#[derive(Debug, Clone)]
pub struct RunningDef {
    /// File names of the server's executable: a process matches when its
    /// executable (`/proc/PID/exe`) or its kernel name (`comm`, the first 15
    /// bytes of the name it was started by) is one of them.
    pub programs: Vec<String>,
    /// Only processes whose command line matches; with a group, the
    /// version is read from it and the executable is not run.
    pub cmdline: Option<Regex>,
    /// The running executable's version arguments (`--version`).
    pub args: Vec<String>,
    /// How its answer becomes a version: the fact's first command's.
    pub extract: Extract,
}

/// The kernel's name (`comm`) for a process started as `program`: its
/// first 15 bytes.
pub fn comm_of(program: &str) -> &str {
    let mut end = program.len().min(15);
    while !program.is_char_boundary(end) {
        end -= 1;
    }
    &program[..end]
}

impl RunningDef {
    /// Whether the version is read from the command line, not asked.
    pub fn version_in_cmdline(&self) -> bool {
        self.cmdline.as_ref().is_some_and(|re| re.captures_len() > 1)
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    pub kind: SourceKind,
    pub extract: Extract,
    /// For commands: output matching this means the thing is absent even
    /// though the program ran (`python3 -c "import django"` without Django).
    pub absent_if: Option<Regex>,
    /// Asked in the target's app folder (`app = true`): a command runs
    /// there, a `file` is relative to it. A target without an app folder
    /// has no such source (it is absent).
    pub in_app: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// An argv; `argv[0]` is looked up on PATH unless it is a path. A `*` in
    /// a path's folder names picks the highest-sorting match.
    Command(Vec<String>),
    /// A file, whole or one `KEY=value` line of it (os-release style).
    /// With `near`, `path` is relative to the folder the program `near`
    /// really lives in: reading a version file beats starting a slow tool.
    File {
        path: String,
        key: Option<String>,
        near: Option<String>,
    },
    Env(String),
    Builtin(Builtin),
}

/// Facts the collector answers itself (sysinfo locally). Each has a shell
/// equivalent so remote hosts answer the same question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    OsId,
    OsName,
    OsVersion,
    OsPretty,
    KernelRelease,
    Arch,
    Hostname,
    CpuModel,
    CpuCores,
    MemoryTotal,
    Timezone,
}

impl Builtin {
    pub const ALL: [Builtin; 11] = [
        Builtin::OsId,
        Builtin::OsName,
        Builtin::OsVersion,
        Builtin::OsPretty,
        Builtin::KernelRelease,
        Builtin::Arch,
        Builtin::Hostname,
        Builtin::CpuModel,
        Builtin::CpuCores,
        Builtin::MemoryTotal,
        Builtin::Timezone,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::OsId => "os.id",
            Builtin::OsName => "os.name",
            Builtin::OsVersion => "os.version",
            Builtin::OsPretty => "os.pretty",
            Builtin::KernelRelease => "kernel.release",
            Builtin::Arch => "arch",
            Builtin::Hostname => "hostname",
            Builtin::CpuModel => "cpu.model",
            Builtin::CpuCores => "cpu.cores",
            Builtin::MemoryTotal => "memory.total",
            Builtin::Timezone => "timezone",
        }
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// How raw output becomes a value.
#[derive(Clone)]
pub enum Extract {
    Parser {
        name: String,
        parse: ParserFn,
    },
    /// The capture named `value`, else group 1, else the whole match.
    Regex(Regex),
}

impl fmt::Debug for Extract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Extract::Parser { name, .. } => write!(f, "parser {name}"),
            Extract::Regex(re) => write!(f, "regex {}", re.as_str()),
        }
    }
}

impl Extract {
    /// The value in `raw`, or `None` when it does not match.
    pub fn apply(&self, raw: &str) -> Option<String> {
        let value = match self {
            Extract::Parser { parse, .. } => parse(raw)?,
            Extract::Regex(re) => {
                let caps = re.captures(raw)?;
                let m = caps.name("value").or_else(|| caps.get(1)).or_else(|| caps.get(0))?;
                m.as_str().to_owned()
            }
        };
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }
}

/// How two values of a fact are compared (the comparators come with the
/// divergence work; the kind is part of the profile from the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompareKind {
    Semver,
    Dpkg,
    Rpm,
    Pep440,
    Loose,
    Text,
    Exact,
    /// A backing service, `TYPE VERSION`: the type first, then the version
    /// by that service's rule (`compare::backing`).
    Backing,
}

impl CompareKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareKind::Semver => "semver",
            CompareKind::Dpkg => "dpkg",
            CompareKind::Rpm => "rpm",
            CompareKind::Pep440 => "pep440",
            CompareKind::Loose => "loose",
            CompareKind::Text => "text",
            CompareKind::Exact => "exact",
            CompareKind::Backing => "backing",
        }
    }
}

/// Where user profiles live: `PARITTY_CONFIG_DIR`, else the XDG config
/// folder, each with a `profiles/` subfolder.
pub fn user_profile_dir() -> Option<PathBuf> {
    crate::config_dir().map(|dir| dir.join("profiles"))
}
