//! Running one probe command with a deadline and a cap on what it may print.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

/// What a command did, with its output already merged (stdout and stderr in
/// the order they were written) and capped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub output: Vec<u8>,
    /// `None` when killed by a signal, when it timed out, or when it could
    /// not be started.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub truncated: bool,
    /// Why it could not be started, if it could not.
    pub spawn_error: Option<String>,
    pub duration: Duration,
}

/// How long to wait for the output pipe to close after the command was
/// killed; only a process that left the group (setsid) can hold it longer.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// Runs `program` with `args` (no shell), stdin closed, `LC_ALL=C` so output
/// is in the untranslated form the parsers know.
pub fn run(program: &Path, args: &[String], timeout: Duration, max_bytes: usize) -> RunOutcome {
    run_with_stderr(program, args, timeout, max_bytes, None)
}

/// Like [`run`], in folder `dir` (a source asked in the app folder).
pub fn run_in(
    dir: &Path,
    program: &Path,
    args: &[String],
    timeout: Duration,
    max_bytes: usize,
) -> RunOutcome {
    run_full(program, args, Some(dir), timeout, max_bytes, None)
}

/// Like [`run`], but with `stderr` given, the command's standard error goes
/// there instead of being merged into the output.
pub fn run_with_stderr(
    program: &Path,
    args: &[String],
    timeout: Duration,
    max_bytes: usize,
    stderr: Option<std::io::PipeWriter>,
) -> RunOutcome {
    run_full(program, args, None, timeout, max_bytes, stderr)
}

fn run_full(
    program: &Path,
    args: &[String],
    dir: Option<&Path>,
    timeout: Duration,
    max_bytes: usize,
    stderr: Option<std::io::PipeWriter>,
) -> RunOutcome {
    let started = Instant::now();
    let failed = |e: std::io::Error| RunOutcome {
        output: Vec::new(),
        exit_code: None,
        timed_out: false,
        truncated: false,
        spawn_error: Some(e.to_string()),
        duration: started.elapsed(),
    };
    let (reader, writer) = match std::io::pipe() {
        Ok(pair) => pair,
        Err(e) => return failed(e),
    };
    let writer_for_stderr = match stderr.map_or_else(|| writer.try_clone(), Ok) {
        Ok(w) => w,
        Err(e) => return failed(e),
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .env("LC_ALL", "C")
        // Version commands must not phone home or download: Terraform's
        // update check, Corepack fetching Yarn, .NET's first-run banner.
        .env("CHECKPOINT_DISABLE", "1")
        .env("COREPACK_ENABLE_NETWORK", "0")
        .env("DOTNET_NOLOGO", "1")
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer_for_stderr);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    own_process_group(&mut command);
    let spawned = command.spawn();
    // The Command holds the pipe's write ends; drop them so EOF arrives when
    // the child (and its children) close theirs.
    drop(command);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return failed(e),
    };
    let pid = child.id();

    let captured = Arc::new(Mutex::new(Capture::default()));
    let (done_tx, done_rx) = mpsc::channel();
    let sink = Arc::clone(&captured);
    let watcher = std::thread::Builder::new().name(format!("probe-{pid}")).spawn(move || {
        drain(reader, &sink, max_bytes);
        let status = child.wait().ok().and_then(|s| s.code());
        // The receiver may have given up waiting; nothing else to tell.
        let _ = done_tx.send(status);
    });
    if let Err(e) = watcher {
        kill_group(pid);
        return failed(e);
    }

    let (exit_code, timed_out) = if let Ok(code) = done_rx.recv_timeout(timeout) {
        (code, false)
    } else {
        kill_group(pid);
        // Killed: its exit code says nothing about the tool.
        let _ = done_rx.recv_timeout(DRAIN_GRACE);
        (None, true)
    };
    let capture = std::mem::take(&mut *captured.lock().unwrap_or_else(PoisonError::into_inner));
    RunOutcome {
        output: capture.bytes,
        exit_code,
        timed_out,
        truncated: capture.truncated,
        spawn_error: None,
        duration: started.elapsed(),
    }
}

#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    truncated: bool,
}

/// Reads until EOF or until the output passes `max_bytes`; then the pipe
/// is closed, so a chatty command ends on SIGPIPE instead of being read to
/// its end (the remote probe's `head -c` does the same).
fn drain(mut reader: impl Read, sink: &Mutex<Capture>, max_bytes: usize) {
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let mut capture = sink.lock().unwrap_or_else(PoisonError::into_inner);
                let room = max_bytes.saturating_sub(capture.bytes.len());
                capture.bytes.extend_from_slice(&buf[..n.min(room)]);
                if n > room {
                    capture.truncated = true;
                    break;
                }
            }
        }
    }
}

#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // A group of its own lets a timeout kill the tool's children too
    // (wrapper scripts, JVM launchers).
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

#[cfg(unix)]
#[allow(unsafe_code)]
fn kill_group(pid: u32) {
    let Ok(group) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) takes plain integers and has no memory effects; the
    // group id is the pid of a child we spawned with process_group(0).
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
