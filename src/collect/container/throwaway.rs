//! Throwaway containers of `image:` targets, and making sure none outlives
//! paritty: each gets a unique `--name` and is registered while it may
//! exist; its guard kills and removes it when collection is over (normally
//! `--rm` already did), and on SIGINT/SIGTERM/SIGHUP the signal thread
//! does the same for every registered one before paritty dies of the
//! signal as it would have.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::engine::EngineCli;
use super::session::kill_group;
use crate::collect::command;

/// How long each of `kill` and `rm -f` may take when cleaning up.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A throwaway container that may exist.
#[derive(Debug, Clone)]
struct Live {
    id: u64,
    program: PathBuf,
    name: String,
    /// The engine process running it (`run --rm -i`), once started.
    client: Option<u32>,
}

static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
/// Set once paritty is being interrupted: no new throwaway container.
static STOPPING: AtomicBool = AtomicBool::new(false);

fn live() -> std::sync::MutexGuard<'static, Vec<Live>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One throwaway container's name and cleanup: dropping it removes the
/// container unless `removed` said the engine already did.
#[derive(Debug)]
pub struct Throwaway {
    id: u64,
    program: PathBuf,
    pub name: String,
    gone: bool,
}

impl Throwaway {
    /// A fresh name, `paritty-PID-N-XXXXXXXX` (this process, a counter, a
    /// clock-derived tag so two runs with a reused PID still differ),
    /// registered for cleanup before any container can have it; `None`
    /// once paritty is being interrupted.
    pub fn new(cli: &EngineCli) -> Option<Throwaway> {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("paritty-{}-{id}-{nanos:08x}", std::process::id());
        let mut registry = live();
        // Checked under the lock `remove_all` holds: none slips in after.
        if STOPPING.load(Ordering::SeqCst) {
            return None;
        }
        registry.push(Live { id, program: cli.program.clone(), name: name.clone(), client: None });
        Some(Throwaway { id, program: cli.program.clone(), name, gone: false })
    }

    /// The engine process now running it.
    pub fn started(&self, pid: u32) {
        if let Some(entry) = live().iter_mut().find(|l| l.id == self.id) {
            entry.client = Some(pid);
        }
    }

    /// The engine exited by itself after a complete probe: `--rm` removed it.
    pub fn removed(&mut self) {
        self.gone = true;
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        live().retain(|l| l.id != self.id);
        if !self.gone {
            remove(&self.program, &self.name);
        }
    }
}

/// `kill` (it may not react to SIGTERM: a shell as PID 1 ignores it) then
/// `rm -f`; both tolerate a container that is already gone.
fn remove(program: &std::path::Path, name: &str) {
    for args in [&["kill", name][..], &["rm", "-f", name][..]] {
        let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
        let _ = command::run(program, &args, CLEANUP_TIMEOUT, 4096);
    }
}

/// Kills and removes every throwaway container now, and lets no new one
/// start: paritty is being interrupted and ends next.
pub fn remove_all() {
    remove_registered(&mut live());
}

/// Kills and removes every throwaway container in `registry` (engine
/// processes first, so none starts one after it was removed).
fn remove_registered(registry: &mut Vec<Live>) {
    STOPPING.store(true, Ordering::SeqCst);
    let all = std::mem::take(registry);
    for entry in &all {
        if let Some(pid) = entry.client {
            kill_group(pid);
        }
    }
    for entry in &all {
        remove(&entry.program, &entry.name);
    }
}

/// From now on SIGINT, SIGTERM and SIGHUP remove the throwaway containers,
/// then end paritty as the signal would have. Called by commands that
/// collect `image:` targets, once; never by library code (a signal handler
/// is the process's, not a collection's).
#[cfg(unix)]
pub fn clean_up_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if *installed {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held to the end: a collection thread finishing meanwhile
            // blocks on it in its guard, so paritty cannot end any other
            // way (an exit code instead of the signal) while removing.
            let mut registry = live();
            remove_registered(&mut registry);
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    })?;
    *installed = true;
    Ok(())
}

#[cfg(not(unix))]
pub fn clean_up_on_signals() -> std::io::Result<()> {
    Ok(())
}
