//! Running vs installed: the server processes of each `service.*` fact,
//! the version each running executable answers, and whether its file was
//! replaced since it started. Processes are seen once per collection
//! (`local` scans this machine's /proc; the probe lists a remote host's,
//! read back by `listing`); deciding what they mean is here, shared.
//!
//! A process is a server of a fact when its executable's file name, or its
//! command line's first word's, is one of the fact's programs (`comm`, the
//! kernel's 15-byte name, only narrows the scan: a script named
//! `redis-server` runs as `sh`, and Debian's `redis-server` is a link to
//! `redis-check-rdb`). A server's own children (PostgreSQL's backends,
//! nginx's workers) are counted in it: a process whose parent is a server
//! of the same fact is left out.

pub mod listing;
pub mod local;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Fact, Process, Running, Status};
use crate::output::sanitize;
use crate::profile::{Profile, RunningDef};

/// The kernel's " (deleted)" after an executable whose file is gone.
const DELETED: &str = " (deleted)";

/// Bytes of a command line looked at: enough for a program and RabbitMQ's
/// release folder, never kept.
pub const CMDLINE_BYTES: usize = 4096;

/// Said of a server whose file paritty does not run (`Seen::runnable`).
pub const NOT_RUN: &str = "its version was not asked: its file is another user's, or others may \
     write it, and paritty does not run another user's code";

/// Bytes kept of what a running executable says about its version.
const RAW_BYTES: usize = 1024;

/// One process as the scan saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub pid: u32,
    pub ppid: u32,
    /// `/proc/PID/exe` as read, " (deleted)" included; `None`: not
    /// permitted (another user's process).
    pub exe: Option<String>,
    /// Whether the path `exe` names is still the file the process runs
    /// (same device and inode); `None` when it could not be told.
    pub same_file: Option<bool>,
    /// Whether the file it runs may be run to ask its version: root's or
    /// paritty's user's, and writable by no one else. Another user's file
    /// run by paritty (often as root) would run their code as paritty's
    /// user.
    pub runnable: bool,
    /// The command line's first bytes, NULs as spaces. Never stored.
    pub cmdline: String,
}

/// What a running executable answered when asked its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub output: String,
    pub timed_out: bool,
}

impl Seen {
    /// The executable's path without the kernel's " (deleted)".
    fn path(&self) -> Option<&str> {
        self.exe.as_deref().map(|e| e.strip_suffix(DELETED).unwrap_or(e))
    }

    /// The file was removed or replaced since the process started.
    fn replaced(&self) -> bool {
        self.exe.as_deref().is_some_and(|e| e.ends_with(DELETED)) || self.same_file == Some(false)
    }

    /// The program of `def` this process runs, if any.
    fn program<'d>(&self, def: &'d RunningDef) -> Option<&'d str> {
        let base = |path: &str| path.rsplit('/').next().unwrap_or(path).to_owned();
        let exe = self.path().map(base);
        let first = self.cmdline.split([' ', '\0']).next().unwrap_or("");
        let argv0 = base(first.trim_end_matches(':'));
        let program =
            def.programs.iter().find(|p| exe.as_deref() == Some(p.as_str()) || argv0 == **p)?;
        match &def.cmdline {
            Some(re) if !re.is_match(&self.cmdline) => None,
            _ => Some(program),
        }
    }
}

/// Whether the scan should look closer at a process of kernel name `comm`:
/// it is the first 15 bytes of one of the programs' names.
pub fn wanted(profile: &Profile, comm: &str) -> bool {
    profile
        .facts
        .iter()
        .filter_map(|f| f.running.as_ref())
        .flat_map(|r| &r.programs)
        .any(|p| crate::profile::comm_of(p) == comm)
}

/// The servers of `def` among `seen`, by pid: children of a server of the
/// same fact left out.
pub fn servers<'s>(def: &RunningDef, seen: &'s [Seen]) -> Vec<(&'s Seen, String)> {
    let matched: BTreeMap<u32, (&Seen, &str)> =
        seen.iter().filter_map(|s| s.program(def).map(|p| (s.pid, (s, p)))).collect();
    matched
        .values()
        .filter(|(s, _)| !matched.contains_key(&s.ppid) || s.ppid == s.pid)
        .map(|(s, p)| (*s, (*p).to_owned()))
        .collect()
}

/// The executables to ask their version: the pid to run each through
/// (`/proc/PID/exe`, which works even when the file is gone) and the
/// arguments, one per distinct executable, across every fact.
pub fn to_ask(profile: &Profile, seen: &[Seen]) -> Vec<(u32, Vec<String>)> {
    let mut asked = BTreeSet::new();
    let mut out = Vec::new();
    for def in profile.facts.iter().filter_map(|f| f.running.as_ref()) {
        if def.version_in_cmdline() {
            continue;
        }
        for (s, _) in servers(def, seen) {
            if let Some(exe) = &s.exe
                && s.runnable
                && asked.insert(exe.clone())
            {
                out.push((s.pid, def.args.clone()));
            }
        }
    }
    out
}

/// Puts each fact's running servers on it, from what the scan saw and the
/// answers by pid. `unobservable`: processes could not be seen there at
/// all; said on each installed server's fact.
pub fn attach(
    profile: &Profile,
    facts: &mut BTreeMap<String, Fact>,
    seen: &[Seen],
    answers: &BTreeMap<u32, Answer>,
    unobservable: Option<&str>,
) {
    for def in &profile.facts {
        let Some(running) = &def.running else { continue };
        let Some(fact) = facts.get_mut(&def.id) else { continue };
        if let Some(why) = unobservable {
            if fact.status == Status::Ok {
                fact.running =
                    Some(Running { unobservable: Some(why.to_owned()), processes: Vec::new() });
            }
            continue;
        }
        let processes: Vec<Process> = servers(running, seen)
            .into_iter()
            .map(|(s, program)| process(running, s, program, seen, answers))
            .collect();
        fact.running = (!processes.is_empty()).then_some(Running { unobservable: None, processes });
    }
}

fn process(
    def: &RunningDef,
    s: &Seen,
    program: String,
    seen: &[Seen],
    answers: &BTreeMap<u32, Answer>,
) -> Process {
    let mut p = Process {
        pid: s.pid,
        program,
        exe: s.path().map(sanitize::one_line),
        version: None,
        replaced: s.replaced(),
        raw: String::new(),
        note: None,
    };
    if def.version_in_cmdline() {
        p.version = def
            .cmdline
            .as_ref()
            .and_then(|re| re.captures(&s.cmdline))
            .and_then(|c| c.get(1))
            .map(|m| sanitize::one_line(m.as_str()));
        return p;
    }
    let Some(exe) = &s.exe else {
        p.note = Some(format!(
            "not permitted to read /proc/{}/exe (another user's process): its version is unknown",
            s.pid
        ));
        return p;
    };
    if !s.runnable {
        p.note = Some(NOT_RUN.into());
        return p;
    }
    // One answer per executable: another process of the same one may have
    // been asked.
    let answer = answers.get(&s.pid).or_else(|| {
        seen.iter().filter(|o| o.exe.as_ref() == Some(exe)).find_map(|o| answers.get(&o.pid))
    });
    match answer {
        Some(a) => {
            let raw = sanitize::clean_output(a.output.as_bytes());
            p.version = def.extract.apply(&raw);
            p.raw = sanitize::cap(raw, RAW_BYTES);
            if a.timed_out {
                p.note = Some("it did not answer its version in time".into());
            } else if p.version.is_none() {
                p.note = Some("its answer has no version paritty reads".into());
            }
        }
        None => p.note = Some("its version was not asked (the scan ended first)".into()),
    }
    p
}

#[cfg(test)]
mod tests;
