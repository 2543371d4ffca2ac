//! Running the probe through a local engine process: the script on its
//! stdin, its stdout read until it ends, the host deadline passes or too
//! many bytes arrived. The process runs in a group of its own, killed
//! whole at the deadline, so nothing paritty started is left behind.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::output::sanitize;
use crate::probe::frame::{ProbeOutput, Reader};
use crate::probe::script::ProbeScript;

/// Bytes of the engine's own stderr kept, for a message.
const STDERR_CAP: usize = 8 * 1024;

/// How long to wait for the engine's stderr once it is gone or killed.
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// What came back.
#[derive(Debug)]
pub struct Transcript {
    pub stdout: Vec<u8>,
    /// The frames read from it as it arrived.
    pub frames: ProbeOutput,
    /// The engine's complaints (sanitized, capped): why a probe did not
    /// start.
    pub stderr: String,
    /// The engine's exit code; `None` when killed.
    pub exit_code: Option<i32>,
    pub cut_off: Option<Cut>,
}

/// Why reading stopped before the process ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Deadline,
    TooMuch(usize),
    /// The connection to the SSH host the engine runs on was lost.
    Lost,
}

/// Runs `program args...` with the probe on its stdin; `spawned` is told
/// the process id (a throwaway container's cleanup kills it on a signal).
pub fn run(
    program: &Path,
    args: &[String],
    probe: &ProbeScript,
    deadline: Instant,
    max_total: usize,
    on_fact: &dyn Fn(usize),
    spawned: &dyn Fn(u32),
) -> std::io::Result<Transcript> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group(&mut command);
    let mut child = command.spawn()?;
    let pid = child.id();
    spawned(pid);
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        stop(pid, &mut child);
        return Err(std::io::Error::other("no pipes to the engine"));
    };
    // The probe ends itself before the deadline, as over SSH: in the
    // container too nothing of it may outlive the time it is given.
    let text = probe.for_host(deadline.saturating_duration_since(Instant::now()));
    // Writing may block on a full pipe while the engine starts: a thread of
    // its own. A failed write shows up as a probe that never started.
    spawn("probe-stdin", move || {
        let _ = stdin.write_all(text.as_bytes());
    })?;
    let (err_tx, err_rx) = mpsc::channel();
    spawn("probe-stderr", move || {
        let mut kept = Vec::new();
        let _ = (&mut stderr).take(STDERR_CAP as u64).read_to_end(&mut kept);
        // The rest is read and dropped so the engine never blocks on it.
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        let _ = err_tx.send(kept);
    })?;
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>();
    spawn("probe-stdout", move || {
        let mut buf = vec![0u8; 32 * 1024];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || out_tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    })?;

    // Facts are counted by their frames as they arrive, never by text a
    // tool could print.
    let mut frames = Reader::new(&probe.boundary);
    let (mut out, mut facts_done) = (Vec::new(), 0usize);
    let cut_off = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Some(Cut::Deadline);
        }
        match out_rx.recv_timeout(left) {
            Ok(chunk) => {
                if out.len() + chunk.len() > max_total {
                    break Some(Cut::TooMuch(max_total));
                }
                out.extend_from_slice(&chunk);
                frames.feed(&chunk);
                if frames.facts_done_before(probe.counted) > facts_done {
                    facts_done = frames.facts_done_before(probe.counted);
                    on_fact(facts_done);
                }
            }
            Err(RecvTimeoutError::Timeout) => break Some(Cut::Deadline),
            Err(RecvTimeoutError::Disconnected) => break None,
        }
    };
    if cut_off.is_some() {
        stop(pid, &mut child);
    }
    let exit_code = child.wait().ok().and_then(|s| s.code());
    let stderr = err_rx.recv_timeout(STDERR_GRACE).unwrap_or_default();
    Ok(Transcript {
        stdout: out,
        frames: frames.finish(),
        stderr: sanitize::clean_output(&stderr).trim().to_owned(),
        exit_code,
        cut_off,
    })
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new().name(name.into()).spawn(work).map(drop)
}

#[cfg(unix)]
fn own_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // Ctrl-C on the terminal reaches paritty, not the engine: paritty then
    // removes what it started instead of the engine dying half-way.
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_group(_command: &mut Command) {}

fn stop(pid: u32, child: &mut std::process::Child) {
    if !kill_group(pid) {
        let _ = child.kill();
    }
}

/// Kills the process group `pid` leads (an engine process started here);
/// false where that cannot be done.
pub fn kill_group(pid: u32) -> bool {
    #[cfg(unix)]
    if let Some(group) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) {
        return rustix::process::kill_process_group(group, rustix::process::Signal::KILL).is_ok();
    }
    let _ = pid;
    false
}
