//! Running the probe script over one exec channel and reading its framed
//! output, bounded in time and bytes.

use std::io::{Read, Write};

use ssh2::{Channel, ExtendedData, Session};

use super::deadline::{Deadline, Phase};
use super::relay::Relay;
use super::tunnel::AppAsks;
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

/// One run of the probe over an exec channel.
pub struct ProbeRun<'a> {
    /// What the channel runs with the probe on its stdin.
    pub launch: Launch<'a>,
    pub probe: &'a ProbeScript,
    /// The app folder and the environment label the probe reads the app's
    /// configuration with.
    pub app: (Option<&'a str>, Option<&'a str>),
    pub deadline: &'a Deadline,
    /// Read no more than this many bytes of stdout.
    pub max_total: usize,
    /// Told the count of the profile's facts read so far, as it grows.
    pub on_fact: &'a dyn Fn(usize),
}

/// Sends the probe to `run.launch`'s command on the host and reads until
/// the channel closes, the deadline passes or `max_total` bytes have
/// arrived; with `asks`, the app's services are asked through the same
/// session meanwhile, from the probe's first frame on (`tunnel`). Every
/// wait, closing the channel included, ends by the deadline.
pub fn run(
    session: &Session,
    run: &ProbeRun<'_>,
    mut asks: Option<&mut AppAsks<'_>>,
) -> Result<Transcript, ExecError> {
    let ProbeRun { launch, probe, deadline, max_total, on_fact, .. } = *run;
    let mut channel = start(session, run)?;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    // Frames are read as they arrive, so the screen can show a host filling
    // in and the app's services can be asked as soon as its configuration
    // comes; the reader counts facts by their frames, never by text a tool
    // could print.
    let mut frames = Reader::new(&probe.boundary);
    let mut facts_done = 0;
    // From here the session is non-blocking, moved by this thread alone:
    // the probe's channel read here, the services' channels by the relay.
    let mut relay = Relay::new(session);
    let mut stopped = None;
    let mut reading = true;
    // What stays in libssh2's queue once both streams are read: extended
    // data of a type nobody reads (only stderr is), from a server that
    // sends it. Only more than that is worth not sleeping for.
    let mut unread = 0;
    loop {
        let mut moved = false;
        if reading && deadline.passed() {
            stopped = Some((Stop::Deadline, deadline.reason(Phase::Probe)));
            reading = false;
        }
        if reading {
            // Stderr as it comes (kept up to its cap, the rest dropped),
            // so it never fills the channel's window ahead of stdout.
            moved |= read_stderr(&mut channel, launch, &mut stderr, &mut buf);
            match channel.read(&mut buf) {
                // libssh2 says 0 only once the host sent its end (eof()
                // stays false while anything of the channel is queued, even
                // data no stream reads); stderr that came with the end is
                // taken first.
                Ok(0) => {
                    read_stderr(&mut channel, launch, &mut stderr, &mut buf);
                    reading = false;
                    moved = true;
                }
                Ok(n) if stdout.len() + n > max_total => {
                    stopped =
                        Some((Stop::TooMuch, format!("the host sent more than {max_total} bytes")));
                    reading = false;
                }
                Ok(n) => {
                    stdout.extend_from_slice(&buf[..n]);
                    frames.feed(&buf[..n]);
                    let done = frames.facts_done_before(probe.counted);
                    if done > facts_done {
                        facts_done = done;
                        on_fact(facts_done);
                    }
                    moved = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    unread = channel.read_window().available;
                }
                Err(e) => {
                    stopped = Some((Stop::Lost, format!("connection lost: {e}")));
                    reading = false;
                }
            }
        }
        if let Some(asks) = asks.as_deref_mut() {
            moved |= asks.step(&frames, &mut relay);
        }
        moved |= relay.pass();
        if !reading && asks.as_deref().is_none_or(|a| a.finished(&relay)) {
            break;
        }
        // Bytes libssh2 already took off the socket for a channel wait in
        // its queue, where polling the socket cannot see them.
        let queued = reading && (channel.read_window().available > unread || channel.eof());
        if !moved && !queued && !relay.queued() {
            let until = if reading {
                deadline.instant()
            } else {
                asks.as_deref().map_or(deadline.instant(), AppAsks::until)
            };
            relay.wait(until.saturating_duration_since(std::time::Instant::now()));
        }
    }
    // Blocking again, the services' channels closed (their conversations
    // end on the closed sockets).
    relay.close();
    let (stop, cut_off) = stopped.map_or((None, None), |(stop, why)| (Some(stop), Some(why)));
    // The exit status waits for the command's end (and for a tool's child
    // that keeps the channel open), by the deadline too. Dropping the
    // channel closes it, which waits for the host's answer (sshd gives it
    // only once the command has ended): a probe given up, or past the
    // deadline, waits no more than libssh2's least wait (1 ms).
    let mut exit_code = None;
    if cut_off.is_none() && deadline.arm(session) && channel.wait_close().is_ok() {
        exit_code = channel.exit_status().ok();
    }
    session.set_timeout(1);
    drop(channel);
    Ok(Transcript { stdout, frames: frames.finish(), cut_off, stop, stderr, exit_code })
}

/// Reads what stderr has, when the launch keeps it (up to its cap, the
/// rest dropped); true when anything came.
fn read_stderr(
    channel: &mut Channel,
    launch: Launch<'_>,
    kept: &mut Vec<u8>,
    buf: &mut [u8],
) -> bool {
    let Some(cap) = launch.stderr_cap else { return false };
    let mut moved = false;
    while let Ok(n @ 1..) = channel.stderr().read(buf) {
        let room = cap.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&buf[..room]);
        moved = true;
    }
    moved
}

/// Opens the exec channel, starts `run.launch`'s command and sends it the
/// probe (blocking, each step within the deadline).
fn start(session: &Session, run: &ProbeRun<'_>) -> Result<Channel, ExecError> {
    let ProbeRun { launch, probe, app, deadline, .. } = *run;
    // The probe ends itself before the host's deadline: nothing of it may
    // outlive the time paritty gives the host.
    let script = probe.for_app(deadline.left(), app.0, app.1);
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
    Ok(channel)
}
