//! Which container engine, where its CLI is, and asking it (or kubectl)
//! short questions (inspect, kill, rm, get) with a deadline and a byte cap.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::fault;
use crate::collect::command;
use crate::model::{FailReason, Failure, ImageRef, Transport};
use crate::output::sanitize;

/// A container engine driven through its CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Docker,
    Podman,
}

/// Longest a short engine question may take even when the host deadline
/// is further away: an engine that does not answer inspect in this time is
/// not going to run a probe either.
const QUESTION_TIMEOUT: Duration = Duration::from_secs(15);

/// Bytes kept of an engine's answer to a short question.
const ANSWER_CAP: usize = 8 * 1024;

/// How long to wait for an engine's stderr after it ended.
const STDERR_GRACE: Duration = Duration::from_millis(500);

impl Engine {
    pub fn program(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman => "podman",
        }
    }

    /// The transport a snapshot of one of this engine's containers states.
    pub fn transport(self, image: ImageRef) -> Transport {
        match self {
            Engine::Docker => Transport::Docker(Box::new(image)),
            Engine::Podman => Transport::Podman(Box::new(image)),
        }
    }
}

/// An engine whose CLI was found on PATH.
#[derive(Debug, Clone)]
pub struct EngineCli {
    pub engine: Engine,
    pub program: PathBuf,
}

/// Where an engine's CLI answers short questions (`inspect`, `ps`): this
/// machine's ([`EngineCli`]) or an SSH host's (`container::remote`).
pub trait Ask {
    /// The engine's program name, for messages.
    fn name(&self) -> &'static str;
    /// Runs `ENGINE args...` there, by `deadline`.
    fn ask(&self, args: &[&str], deadline: Instant) -> Result<Answer, Failure>;
}

impl Ask for EngineCli {
    fn name(&self) -> &'static str {
        self.engine.program()
    }

    fn ask(&self, args: &[&str], deadline: Instant) -> Result<Answer, Failure> {
        EngineCli::ask(self, args, deadline)
    }
}

/// What the engine answered (sanitized, capped) and whether it exited 0.
#[derive(Debug, Clone)]
pub struct Answer {
    pub ok: bool,
    /// More than the cap came: `text` is cut.
    pub truncated: bool,
    /// Its standard output: the answer.
    pub text: String,
    /// Its standard error: why not (podman-docker's `docker` also says
    /// there that it emulates Docker, every time).
    pub complaint: String,
}

/// What a CLI wrote, as bytes (`cp`'s tar stream), and whether it exited 0.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub ok: bool,
    /// Its standard output, at most the cap asked for.
    pub bytes: Vec<u8>,
    /// More was written than the cap.
    pub truncated: bool,
    /// Its standard error, sanitized.
    pub complaint: String,
}

impl EngineCli {
    /// `engine`'s CLI on PATH, or `engine-unavailable` saying so.
    pub fn locate(engine: Engine) -> Result<EngineCli, Failure> {
        which::which(engine.program())
            .map(|program| EngineCli { engine, program })
            .map_err(|_| fault::not_installed(&[engine.program()]))
    }

    /// The engine for images: the one chosen, else docker if installed,
    /// else podman.
    pub fn for_images(chosen: Option<Engine>) -> Result<EngineCli, Failure> {
        match chosen {
            Some(engine) => EngineCli::locate(engine),
            None => EngineCli::locate(Engine::Docker)
                .or_else(|_| EngineCli::locate(Engine::Podman))
                .map_err(|_| fault::not_installed(&["docker", "podman"])),
        }
    }

    pub fn name(&self) -> &'static str {
        self.engine.program()
    }

    /// Runs `ENGINE args...` (no shell), bounded by `deadline` and
    /// [`QUESTION_TIMEOUT`].
    pub fn ask(&self, args: &[&str], deadline: Instant) -> Result<Answer, Failure> {
        ask(&self.program, self.name(), args, deadline, ANSWER_CAP)
    }

    /// Like [`EngineCli::ask`], keeping up to `cap` bytes of the answer (an
    /// image's config can be longer than a state).
    pub fn ask_up_to(
        &self,
        args: &[&str],
        deadline: Instant,
        cap: usize,
    ) -> Result<Answer, Failure> {
        ask(&self.program, self.name(), args, deadline, cap)
    }

    /// Runs `ENGINE args...` as [`EngineCli::ask`] does, its standard
    /// output kept as bytes (at most `cap`): a tar stream from `cp`.
    pub fn fetch(&self, args: &[&str], deadline: Instant, cap: usize) -> Result<Fetched, Failure> {
        fetch(&self.program, self.name(), args, deadline, cap)
    }

    pub fn path(&self) -> &Path {
        &self.program
    }
}

/// Runs `program args...` (no shell; `name` in messages), bounded by
/// `deadline` and [`QUESTION_TIMEOUT`], keeping `cap` bytes of its answer:
/// the short questions of every CLI-driven transport (engines, kubectl).
pub fn ask(
    program: &Path,
    name: &str,
    args: &[&str],
    deadline: Instant,
    cap: usize,
) -> Result<Answer, Failure> {
    let fetched = fetch(program, name, args, deadline, cap)?;
    Ok(Answer {
        ok: fetched.ok,
        truncated: fetched.truncated,
        text: sanitize::clean_output(&fetched.bytes).trim().to_owned(),
        complaint: fetched.complaint,
    })
}

/// Runs `program args...` as [`ask`] does, its standard output kept as
/// bytes (at most `cap`).
pub fn fetch(
    program: &Path,
    name: &str,
    args: &[&str],
    deadline: Instant,
    cap: usize,
) -> Result<Fetched, Failure> {
    let left = deadline.saturating_duration_since(Instant::now()).min(QUESTION_TIMEOUT);
    if left.is_zero() {
        return Err(fault::deadline(name, args.first().copied().unwrap_or("")));
    }
    let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
    let (reader, writer) = std::io::pipe().map_err(|e| {
        Failure::new(FailReason::EngineUnavailable, format!("cannot ask {name}: {e}"))
    })?;
    // Read while the engine runs, so a chatty one never blocks on it;
    // waited for briefly, in case something it started holds the pipe.
    let (kept_tx, kept_rx) = mpsc::channel();
    let reading = std::thread::Builder::new().name("engine-stderr".into()).spawn(move || {
        let mut kept = Vec::new();
        let mut reader = reader;
        let _ = (&mut reader).take(ANSWER_CAP as u64).read_to_end(&mut kept);
        let _ = kept_tx.send(kept);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let outcome = command::run_with_stderr(program, &args, left, cap, Some(writer));
    let complaint = match reading {
        Ok(_) => kept_rx.recv_timeout(STDERR_GRACE).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    if let Some(why) = outcome.spawn_error {
        return Err(Failure::new(
            FailReason::EngineUnavailable,
            format!("cannot start {}: {why}", program.display()),
        ));
    }
    if outcome.timed_out {
        return Err(fault::deadline(name, &args[0]));
    }
    Ok(Fetched {
        ok: outcome.exit_code == Some(0),
        bytes: outcome.output,
        truncated: outcome.truncated,
        complaint: sanitize::clean_output(&complaint).trim().to_owned(),
    })
}
