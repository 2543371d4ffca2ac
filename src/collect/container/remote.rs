//! A container on an SSH host, start to finish, over one connection with
//! all of the host's SSH settings: log in, ask the host's engine about the
//! container (`inspect`, over an exec channel), run the probe through
//! `ENGINE exec -i NAME /bin/sh -s` on another channel of the same
//! session (`remote_command::probe`), read the frames back as for a local
//! container. Every step ends by the host deadline.

use std::path::Path;
use std::time::{Duration, Instant};

use ssh2::Session;

use super::engine::{Answer, Ask, Engine};
use super::host::{Job, Progress, read_back, with_label_revision};
use super::session::{Cut, Transcript};
use super::{fault, inspect, remote_command};
use crate::collect::events::Stage;
use crate::collect::ssh::SshSettings;
use crate::collect::ssh::command;
use crate::collect::ssh::connect::ConnectOptions;
use crate::collect::ssh::deadline::{Deadline, Phase};
use crate::collect::ssh::exec::{self, Launch, ProbeRun, Stop};
use crate::collect::ssh::host::open;
use crate::collect::target::ContainerTarget;
use crate::model::{FailReason, Failure, HostInfo, HostReport};
use crate::output::sanitize::{self, one_line};

/// Bytes kept of an engine's answer to a short question.
const ANSWER_CAP: usize = 64 * 1024;

/// How to reach the SSH host the engine runs on.
pub struct Via<'a> {
    /// The host as the user named it (shown: "container of ... on HOST").
    pub host: &'a str,
    pub settings: &'a SshSettings,
    pub connect: &'a ConnectOptions<'a>,
    /// Like `ssh -F`, for resolving ProxyJump hops.
    pub ssh_config: Option<&'a Path>,
    pub deadline: &'a Deadline,
}

impl Via<'_> {
    /// A logged-in session to the host.
    pub fn open(&self, on_login: &dyn Fn()) -> Result<Session, Failure> {
        open(self.settings, self.connect, self.ssh_config, self.deadline, on_login)
    }
}

/// An engine's CLI on an SSH host, asked over `session`.
pub struct RemoteEngine<'a> {
    pub session: &'a Session,
    pub engine: Engine,
    pub deadline: &'a Deadline,
}

impl Ask for RemoteEngine<'_> {
    fn name(&self) -> &'static str {
        self.engine.program()
    }

    fn ask(&self, args: &[&str], _deadline: Instant) -> Result<Answer, Failure> {
        let line = remote_command::question(self.engine, args);
        let reply = command::run(self.session, &line, ANSWER_CAP, self.deadline, Phase::Engine)?;
        if reply.exit_code == Some(127) {
            return Err(fault::not_installed_remotely(self.name()));
        }
        Ok(Answer {
            ok: reply.exit_code == Some(0),
            // The reply keeps at most the cap: a full one may have been cut.
            truncated: reply.stdout.len() >= ANSWER_CAP,
            text: sanitize::clean_output(&reply.stdout).trim().to_owned(),
            complaint: sanitize::clean_output(&reply.stderr).trim().to_owned(),
        })
    }
}

/// `docker|podman exec -i NAME /bin/sh -s` on the host `via` reaches.
pub fn collect_remote(
    t: &ContainerTarget,
    via: &Via<'_>,
    job: &Job<'_>,
    progress: &Progress<'_>,
) -> HostReport {
    let started = Instant::now();
    let failed =
        |f: Failure| HostReport { target: t.name.clone(), snapshot: None, failure: Some(f) };
    let there = |f: Failure| fault::on_host(&f, via.host);
    (progress.stage)(Stage::Connecting);
    let session = match via.open(&|| (progress.stage)(Stage::Authenticating)) {
        Ok(session) => session,
        Err(f) => return failed(f),
    };
    let engine = RemoteEngine { session: &session, engine: t.engine, deadline: via.deadline };
    let mut state = match inspect::container(&engine, &t.container, via.deadline.instant()) {
        Ok(state) => state,
        Err(f) => return failed(there(f)),
    };
    if state.status != "running" {
        let status = if state.status.is_empty() { "not running" } else { &state.status };
        return failed(there(fault::stopped(engine.name(), &t.container, status)));
    }

    (progress.stage)(Stage::Probing);
    // The host ends the engine's client a little before paritty stops
    // waiting, so its end (and status) is seen; the probe in the
    // container ends itself earlier still (`ProbeScript::for_host`).
    let limit = via.deadline.left().as_secs().saturating_sub(2).max(1);
    let line = remote_command::probe(t.engine, &t.container, limit);
    let launch = Launch { command: &line, stderr_cap: Some(remote_command::STDERR_CAP) };
    let max_total = crate::probe::script::max_output(job.profile, job.collect.max_bytes);
    let probe_started = Instant::now();
    let app = (t.app_dir.as_deref(), t.labels.get("environment").map(String::as_str));
    let run = ProbeRun {
        launch,
        probe: job.probe,
        app,
        deadline: via.deadline,
        max_total,
        on_fact: progress.facts_done,
    };
    // Nothing is asked beside the probe: paritty opens no connection from
    // inside a container.
    let ran = match exec::run(&session, &run, None) {
        Ok(ran) => ran,
        Err(why) => {
            let f = Failure::new(FailReason::ProbeFailed, format!("{}: {why}", t.name));
            return failed(via.deadline.explain(f, Phase::StartingProbe));
        }
    };
    // Ended by the host's `timeout` at the limit: the deadline's doing.
    let ended_at_limit = matches!(ran.exit_code, Some(124 | 137))
        && probe_started.elapsed() >= Duration::from_secs(limit);
    let cut_off = match ran.stop {
        Some(Stop::Deadline) => Some(Cut::Deadline),
        Some(Stop::TooMuch) => Some(Cut::TooMuch(max_total)),
        Some(Stop::Lost) if via.deadline.passed() => Some(Cut::Deadline),
        Some(Stop::Lost) => Some(Cut::Lost),
        None if ended_at_limit => Some(Cut::Deadline),
        None => None,
    };
    let transcript = Transcript {
        stderr: sanitize::clean_output(&ran.stderr).trim().to_owned(),
        stdout: ran.stdout,
        frames: ran.frames,
        exit_code: ran.exit_code,
        cut_off,
    };
    let image = state.image.id.clone().or_else(|| state.image.reference.clone());
    state.image.on_host = Some(one_line(via.host));
    let settings = via.settings;
    let host = HostInfo {
        name: t.name.clone(),
        // User and HostName come from ssh_config: text from outside.
        address: Some(one_line(&format!(
            "{}:{}@{}@{}:{}",
            engine.name(),
            t.container,
            settings.user,
            settings.hostname,
            settings.port
        ))),
        transport: t.engine.transport(state.image),
        labels: t.labels.clone(),
    };
    let (snapshot, failure) = read_back(
        &transcript,
        job,
        host,
        started,
        &|| {
            // Did the container end under the probe? Asked only while the
            // host's time lasts.
            if via.deadline.passed() {
                return None;
            }
            match inspect::container(&engine, &t.container, via.deadline.instant()) {
                Ok(state) if state.status != "running" => Some(FailReason::Stopped),
                Err(f) if f.reason == FailReason::NotFound => Some(FailReason::Stopped),
                _ => None,
            }
        },
        &|said| there(fault::classify(engine.name(), &t.container, said)),
    );
    let (snapshot, failure) = with_label_revision(
        (snapshot, failure),
        &engine,
        image.as_deref(),
        job,
        via.deadline.instant(),
    );
    HostReport { target: t.name.clone(), snapshot, failure }
}
