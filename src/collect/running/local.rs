//! This machine's server processes, from /proc, once per collection: the
//! kernel names narrow the scan, then the executable link, the parent and
//! the command line's first bytes of those that may be servers; each
//! distinct executable asked its version through `/proc/PID/exe` (which
//! runs the file the process runs, even one deleted since).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::{Answer, CMDLINE_BYTES, Seen, to_ask, wanted};
use crate::collect::{CollectOptions, command};
use crate::model::Fact;
use crate::profile::Profile;

/// Processes that may be servers of `profile`'s facts; `None` where there
/// is no /proc to look in.
pub fn scan(profile: &Profile) -> Option<Vec<Seen>> {
    if !profile.facts.iter().any(|f| f.running.is_some()) {
        return Some(Vec::new());
    }
    let entries = fs::read_dir("/proc").ok()?;
    if !Path::new("/proc/self/stat").exists() {
        return None;
    }
    let mut seen = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        // The process may end at any point: whatever is gone is skipped.
        let dir = entry.path();
        let Ok(comm) = fs::read_to_string(dir.join("comm")) else { continue };
        if !wanted(profile, comm.trim_end_matches('\n')) {
            continue;
        }
        if let Some(s) = look(pid, &dir) {
            seen.push(s);
        }
    }
    Some(seen)
}

/// One process seen closer.
fn look(pid: u32, dir: &Path) -> Option<Seen> {
    let stat = fs::read_to_string(dir.join("stat")).ok()?;
    // The fields after the name, which may hold spaces and ")".
    let parent = stat.rsplit_once(") ")?.1.split(' ').nth(1)?.parse().ok()?;
    let mut cmdline = Vec::new();
    fs::File::open(dir.join("cmdline"))
        .ok()?
        .take(CMDLINE_BYTES as u64)
        .read_to_end(&mut cmdline)
        .ok()?;
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    let exe = fs::read_link(dir.join("exe")).ok().map(|p| p.to_string_lossy().into_owned());
    // The running file (the link followed) against the file its path names
    // now: another inode there is a replaced binary.
    let running = exe.as_ref().and_then(|_| fs::metadata(dir.join("exe")).ok());
    let same_file = exe.as_ref().zip(running.as_ref()).and_then(|(path, running)| {
        let named = fs::metadata(path).ok()?;
        Some(running.dev() == named.dev() && running.ino() == named.ino())
    });
    let runnable = running.is_some_and(|m| {
        let owner = m.uid() == 0 || m.uid() == rustix::process::geteuid().as_raw();
        owner && m.mode() & 0o022 == 0
    });
    Some(Seen { pid, ppid: parent, exe, same_file, runnable, cmdline })
}

/// The running servers of `profile`'s facts put on `facts`: one scan, each
/// distinct executable asked at once (the collection takes the slowest
/// answer, not their sum).
pub fn attach(profile: &Profile, facts: &mut BTreeMap<String, Fact>, opts: &CollectOptions) {
    let Some(seen) = scan(profile) else {
        super::attach(profile, facts, &[], &BTreeMap::new(), Some(NOT_OBSERVABLE));
        return;
    };
    let asks = to_ask(profile, &seen);
    let answers: BTreeMap<u32, Answer> = std::thread::scope(|scope| {
        let handles: Vec<_> = asks
            .iter()
            .map(|(pid, args)| {
                scope.spawn(move || {
                    let exe = format!("/proc/{pid}/exe");
                    let out =
                        command::run(Path::new(&exe), args, opts.command_timeout, opts.max_bytes);
                    let output = String::from_utf8_lossy(&out.output).into_owned();
                    (*pid, Answer { output, timed_out: out.timed_out })
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    super::attach(profile, facts, &seen, &answers, None);
}

/// Said on a server's fact where processes cannot be seen.
pub const NOT_OBSERVABLE: &str = "not observable here: no /proc (Linux only)";
