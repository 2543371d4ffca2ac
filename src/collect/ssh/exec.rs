//! Running the probe script over one exec channel and reading its framed
//! output, bounded in time and bytes.

use std::io::{Read, Write};

use ssh2::{ExtendedData, Session};

use super::deadline::{Deadline, Phase};
use crate::probe::frame::{ProbeOutput, Reader};
use crate::probe::script::ProbeScript;

/// What came back from the host.
#[derive(Debug)]
pub struct Transcript {
    pub stdout: Vec<u8>,
    /// The frames read from it as it arrived.
    pub frames: ProbeOutput,
    /// Why reading stopped early, if it did (deadline, connection lost,
    /// too much output); the frames read so far are still used.
    pub cut_off: Option<String>,
    /// The same, as a kind.
    pub stop: Option<Stop>,
    /// The host's stderr when the launch keeps it (capped, raw).
    pub stderr: Vec<u8>,
    /// The command's exit status, when it ended and the host said.
    pub exit_code: Option<i32>,
}

/// Why reading stopped before the channel ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Deadline,
    TooMuch,
    Lost,
}

/// What the exec channel runs with the probe on its stdin.
#[derive(Debug, Clone, Copy)]
pub struct Launch<'a> {
    /// A line for the user's login shell, its words quoted.
    pub command: &'a str,
    /// Keep up to this many bytes of stderr (read after stdout ended);
    /// `None` drops it.
    pub stderr_cap: Option<usize>,
}

/// The probe's own shell: `/bin/sh -s`, its stderr (noise) dropped.
pub const SHELL: Launch<'static> = Launch { command: "/bin/sh -s", stderr_cap: None };

/// Why the probe could not be started on the host.
#[derive(Debug)]
pub struct ExecError {
    step: Step,
    error: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    OpenChannel,
    SetUp,
    StartShell,
    SendProbe,
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.step {
            Step::OpenChannel => "cannot open a channel",
            Step::SetUp => "cannot set up the channel",
            Step::StartShell => "cannot start /bin/sh",
            Step::SendProbe => "cannot send the probe",
        };
        write!(f, "{what}: {}", self.error)
    }
}

impl std::error::Error for ExecError {}

/// Sends `script` to `/bin/sh -s` on the host and reads until the channel
/// closes, `deadline` passes or `max_total` bytes have arrived. Every
/// blocking call, closing the channel included, ends by the deadline.
pub fn run_probe(
    session: &Session,
    probe: &ProbeScript,
    deadline: &Deadline,
    max_total: usize,
    on_fact: &dyn Fn(usize),
) -> Result<Transcript, ExecError> {
    run_probe_as(session, SHELL, probe, deadline, max_total, on_fact)
}

/// [`run_probe`] through `launch`'s command (a container engine's `exec`
/// on the host, its complaints kept).
pub fn run_probe_as(
    session: &Session,
    launch: Launch<'_>,
    probe: &ProbeScript,
    deadline: &Deadline,
    max_total: usize,
    on_fact: &dyn Fn(usize),
) -> Result<Transcript, ExecError> {
    // The probe ends itself before the host's deadline: nothing of it may
    // outlive the time paritty gives the host.
    let script = probe.for_host(deadline.left());
    // Each step waits at most the time left (a timed-out step fails, and
    // the caller names the deadline).
    deadline.arm(session);
    let mut channel = session
        .channel_session()
        .map_err(|e| ExecError { step: Step::OpenChannel, error: e.into() })?;
    // The script's own stderr is noise (tools' stderr goes into the frames
    // through files); merging it could split a framed body, so it is
    // dropped, or kept apart when it says why a probe did not start.
    let stderr_mode =
        if launch.stderr_cap.is_some() { ExtendedData::Normal } else { ExtendedData::Ignore };
    channel
        .handle_extended_data(stderr_mode)
        .map_err(|e| ExecError { step: Step::SetUp, error: e.into() })?;
    // exec goes through the user's login shell; `/bin/sh -s` reads the
    // probe from stdin, so its size is not bounded by ARG_MAX.
    deadline.arm(session);
    channel
        .exec(launch.command)
        .map_err(|e| ExecError { step: Step::StartShell, error: e.into() })?;
    let sent = |e: std::io::Error| ExecError { step: Step::SendProbe, error: e.into() };
    let mut rest = script.as_bytes();
    while !rest.is_empty() {
        deadline.arm(session);
        match channel.write(rest).map_err(sent)? {
            0 => return Err(sent(std::io::ErrorKind::WriteZero.into())),
            n => rest = &rest[n..],
        }
    }
    deadline.arm(session);
    channel.flush().map_err(sent)?;
    deadline.arm(session);
    channel.send_eof().map_err(|e| ExecError { step: Step::SendProbe, error: e.into() })?;

    let mut stdout = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    // Frames are read as they arrive, so the screen can show a host filling
    // in; the reader counts facts by their frames, never by text a tool
    // could print.
    let mut frames = Reader::new(&probe.boundary);
    let mut facts_done = 0;
    let stopped = loop {
        // Each read waits at most the time left, not a span set once.
        if !deadline.arm(session) {
            break Some((Stop::Deadline, deadline.reason(Phase::Probe)));
        }
        match channel.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => {
                if stdout.len() + n > max_total {
                    break Some((
                        Stop::TooMuch,
                        format!("the host sent more than {max_total} bytes"),
                    ));
                }
                stdout.extend_from_slice(&buf[..n]);
                frames.feed(&buf[..n]);
                if frames.facts_done() > facts_done {
                    facts_done = frames.facts_done();
                    on_fact(facts_done);
                }
            }
            // A quiet host until the deadline: the next look ends the loop.
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => break Some((Stop::Lost, format!("connection lost: {e}"))),
        }
    };
    let (stop, cut_off) = stopped.map_or((None, None), |(stop, why)| (Some(stop), Some(why)));
    // Stdout ended, so whatever stderr the host sent is already here.
    let mut stderr = Vec::new();
    if let (Some(cap), None) = (launch.stderr_cap, stop) {
        let mut stream = channel.stderr();
        while stderr.len() < cap && deadline.arm(session) {
            let room = (cap - stderr.len()).min(buf.len());
            match stream.read(&mut buf[..room]) {
                Ok(0) | Err(_) => break,
                Ok(n) => stderr.extend_from_slice(&buf[..n]),
            }
        }
    }
    // The exit status is not needed: waiting for it (and for a tool's
    // child that keeps the channel open) ends by the deadline too. Dropping
    // the channel closes it, which waits for the host's answer (sshd gives
    // it only once the command has ended): a probe given up, or past the
    // deadline, waits no more than libssh2's least wait (1 ms).
    let mut exit_code = None;
    if cut_off.is_none() && deadline.arm(session) && channel.wait_close().is_ok() {
        exit_code = channel.exit_status().ok();
    }
    session.set_timeout(1);
    drop(channel);
    Ok(Transcript { stdout, frames: frames.finish(), cut_off, stop, stderr, exit_code })
}
