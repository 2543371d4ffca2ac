//! One host, start to finish: connect, log in, run the probe, turn its
//! frames into a snapshot. Failures come back as data with their reason;
//! whatever was collected before a failure is kept.

use std::collections::BTreeMap;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use super::SshSettings;
use super::connect::{self, ConnectOptions, failure};
use super::deadline::{Deadline, Phase};
use super::exec;
use super::exec::{ProbeRun, Transcript};
use super::settings::{self, Request};
use super::tunnel::AppAsks;
use crate::collect::CollectOptions;
use crate::collect::backing::remote;
use crate::collect::events::Stage;
use crate::collect::probed::facts_from_probe;
use crate::model::{
    Fact, FailReason, Failure, HostInfo, ProfileRef, SCHEMA_VERSION, Snapshot, Transport,
};
use crate::output::sanitize::one_line;
use crate::probe::script::ProbeScript;
use crate::profile::Profile;

/// Bounds for one remote host (ARCHITECTURE.md, principle 5).
#[derive(Debug, Clone)]
pub struct HostOptions {
    pub collect: CollectOptions,
    /// Everything for one host, connecting included.
    pub host_timeout: Duration,
}

/// The result for one host: a snapshot (maybe partial) and/or a failure.
pub struct HostOutcome {
    pub snapshot: Option<Snapshot>,
    pub failure: Option<Failure>,
}

/// Everything one host's collection needs.
pub struct HostJob<'a> {
    /// The name shown in reports.
    pub name: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub settings: &'a SshSettings,
    pub profile: &'a Profile,
    /// The profile's probe script, built once for the whole run.
    pub probe: &'a ProbeScript,
    pub opts: &'a HostOptions,
    pub connect: &'a ConnectOptions<'a>,
    /// Like `ssh -F`, for resolving ProxyJump hops.
    pub ssh_config: Option<&'a Path>,
    /// When everything for this host must have ended (`opts.host_timeout`
    /// after the host's turn began).
    pub deadline: &'a Deadline,
    /// The app's folder on the host (`app_dir`), read by the probe.
    pub app_dir: Option<&'a str>,
    /// The app's backing-service roles.
    pub roles: &'a [crate::backing::roles::Role],
}

pub fn collect_host(
    job: &HostJob<'_>,
    stage: &dyn Fn(Stage),
    facts_done: &dyn Fn(usize),
) -> HostOutcome {
    let HostJob { name, labels, settings, profile, opts, connect, ssh_config, deadline, .. } = *job;
    let started = Instant::now();
    let collected_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let failed = |f: Failure| HostOutcome { snapshot: None, failure: Some(f) };

    stage(Stage::Connecting);
    let session =
        match open(settings, connect, ssh_config, deadline, &|| stage(Stage::Authenticating)) {
            Ok(s) => s,
            Err(f) => return failed(f),
        };

    stage(Stage::Probing);
    let (transcript, backing) = match probe_and_ask(&session, job, facts_done) {
        Ok(done) => done,
        Err(why) => {
            let f = failure(FailReason::ProbeFailed, format!("{name}: {why}"));
            return failed(deadline.explain(f, Phase::StartingProbe));
        }
    };
    let parsed = &transcript.frames;
    // The session ends here: dropping it closes the socket and sends
    // nothing more (the channel is already closed or given up).
    session.set_timeout(1);
    drop(session);
    if !parsed.started {
        let said = String::from_utf8_lossy(&transcript.stdout);
        let said = crate::output::sanitize::strip_control(said.lines().next().unwrap_or(""));
        let why = transcript.cut_off.clone().unwrap_or_else(|| {
            if said.is_empty() { "it printed nothing".into() } else { format!("it said: {said}") }
        });
        let reason = if deadline.passed() { FailReason::Timeout } else { FailReason::ProbeFailed };
        return failed(failure(reason, format!("{name} did not run the probe: {why}")));
    }
    // A probe that halted at its deadline ended in time, but the host
    // timeout is why its facts are missing: a timeout like any other.
    let halted = parsed.halted && transcript.cut_off.is_none();
    let cut_off = match (&transcript.cut_off, parsed.finished) {
        (Some(why), _) => Some(why.clone()),
        (None, _) if halted => Some(deadline.reason(Phase::Probe)),
        (None, false) => Some("the probe stopped before its end".to_owned()),
        (None, true) => None,
    };
    let mut facts = facts_from_probe(
        profile,
        parsed,
        opts.collect.max_bytes,
        cut_off.as_deref().unwrap_or("the probe did not report it"),
    );
    facts.extend(backing.unwrap_or_default());
    if let Some(records) = parsed.facts.get(&crate::probe::script::deps_fact(profile)) {
        facts.extend(crate::collect::deps::from_probe(records));
    }
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        paritty_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: ProfileRef { name: profile.name.clone(), hash: profile.hash.clone() },
        host: HostInfo {
            name: name.to_owned(),
            // User and HostName come from ssh_config: text from outside.
            address: Some(one_line(&format!(
                "{}@{}:{}",
                settings.user, settings.hostname, settings.port
            ))),
            transport: Transport::Ssh,
            labels: labels.clone(),
        },
        collected_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        facts,
        redacted: None,
    };
    let failure = cut_off.map(|why| {
        let reason =
            if halted || deadline.passed() { FailReason::Timeout } else { FailReason::ProbeFailed };
        failure(reason, format!("{name}: partial results, {why}"))
    });
    HostOutcome { snapshot: Some(snapshot), failure }
}

/// Runs the probe on the session and, while it runs, asks the app's
/// services through it from the host's side (the probe keeps the
/// credentials there): the transcript, and the `backing.*` facts when the
/// probe sent the app's configuration.
fn probe_and_ask(
    session: &ssh2::Session,
    job: &HostJob<'_>,
    facts_done: &dyn Fn(usize),
) -> Result<(Transcript, Option<BTreeMap<String, Fact>>), exec::ExecError> {
    let HostJob { name, labels, profile, probe, opts, deadline, app_dir, roles, .. } = *job;
    let mut asks = AppAsks {
        session,
        deadline,
        timeout: opts.collect.command_timeout,
        host: name,
        config_fact: crate::probe::script::app_config_fact(profile),
        roles,
        max_bytes: opts.collect.max_bytes,
        asks: None,
    };
    let run = ProbeRun {
        launch: exec::SHELL,
        probe,
        app: (app_dir, labels.get("environment").map(String::as_str)),
        deadline,
        max_total: crate::probe::script::max_output(profile, opts.collect.max_bytes),
        on_fact: facts_done,
    };
    let transcript = exec::run(session, &run, Some(&mut asks))?;
    let mut answered = asks.finish().unwrap_or(remote::Answered { asked: Vec::new() });
    let backing = remote::from_frames(&transcript.frames.facts, profile, opts.collect.max_bytes)
        .map(|config| remote::facts(&config, roles, name, &mut answered));
    Ok((transcript, backing))
}

/// A logged-in session to the host, directly or through its ProxyJump hops
/// (each hop resolved through ssh_config, checked and logged into in turn),
/// every step within `deadline` and each TCP connection and handshake also
/// within its connect timeout.
pub fn open(
    settings: &SshSettings,
    connect: &ConnectOptions<'_>,
    ssh_config: Option<&Path>,
    deadline: &Deadline,
    on_login: &dyn Fn(),
) -> Result<ssh2::Session, Failure> {
    let tcp = |s: &SshSettings| {
        let limit = s.connect_timeout.unwrap_or(connect.connect_timeout);
        connect::tcp(&s.hostname, s.port, limit.min(deadline.left()))
            .map_err(|f| deadline.explain(f, Phase::Connecting))
    };
    if settings.proxy_jump.is_empty() {
        return connect::establish(tcp(settings)?, settings, connect, deadline, on_login);
    }
    // Hop by hop: a session to each hop, the next one over its tunnel.
    let mut hops = Vec::new();
    for hop in &settings.proxy_jump {
        let request = Request {
            host: &hop.host,
            user: hop.user.as_deref(),
            port: hop.port,
            config_file: ssh_config,
        };
        let resolved = settings::resolve_within(&request, deadline.left()).map_err(|e| {
            let f = failure(FailReason::Unreachable, format!("jump host {}: {e}", hop.host));
            deadline.explain(f, Phase::Settings)
        })?;
        hops.push(resolved);
    }
    let first = tcp(&hops[0]).map_err(|f| via(&hops[0], &f))?;
    let mut socket = OwnedFd::from(first.try_clone().map_err(|e| local_failure(&e))?);
    let mut session = connect::establish(first, &hops[0], connect, deadline, &|| {})
        .map_err(|f| via(&hops[0], &f))?;
    for pair in hops.windows(2) {
        let (jump, next) = (&pair[0], &pair[1]);
        let stream = super::jump::tunnel(session, socket, &next.hostname, next.port, deadline)
            .map_err(|f| via(jump, &deadline.explain(f, Phase::Tunnel)))?;
        socket = OwnedFd::from(stream.try_clone().map_err(|e| local_failure(&e))?);
        session = connect::establish(stream, next, connect, deadline, &|| {})
            .map_err(|f| via(next, &f))?;
    }
    let last = &hops[hops.len() - 1];
    let stream = super::jump::tunnel(session, socket, &settings.hostname, settings.port, deadline)
        .map_err(|f| via(last, &deadline.explain(f, Phase::Tunnel)))?;
    connect::establish(stream, settings, connect, deadline, on_login)
}

/// A hop's failure, said as such: the host itself was never reached.
fn via(hop: &SshSettings, f: &Failure) -> Failure {
    failure(f.reason, format!("via jump host {}: {}", hop.alias, f.message()))
}

fn local_failure(e: &std::io::Error) -> Failure {
    failure(FailReason::Unreachable, format!("local socket error: {e}"))
}
