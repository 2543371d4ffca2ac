//! One container or image target, start to finish: find the engine, ask
//! it about the container (or image), run the probe through `exec` (or a
//! throwaway `run`), turn its frames into a snapshot. Failures come back as
//! data with their reason; facts framed before a failure are kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use super::engine::EngineCli;
use super::inspections::Inspections;
use super::session::{self, Cut, Transcript};
use super::throwaway::Throwaway;
use super::without_shell::{self, Subject};
use super::{fallback, fault, image_config, inspect, revision_label};
use crate::collect::CollectOptions;
use crate::collect::backing::remote;
use crate::collect::events::Stage;
use crate::collect::plan::ContainerPlan;
use crate::collect::probed::facts_from_probe;
use crate::collect::target::{ContainerTarget, ImageTarget};
use crate::model::{
    FailReason, Failure, HostInfo, HostReport, ProfileRef, SCHEMA_VERSION, Snapshot, Transport,
};
use crate::probe::script::ProbeScript;
use crate::profile::Profile;

/// What every container target of a run shares.
pub struct Job<'a> {
    pub profile: &'a Profile,
    /// The profile's probe script, built once for the whole run.
    pub probe: &'a ProbeScript,
    pub collect: &'a CollectOptions,
    /// Everything for one target, the engine's questions included.
    pub host_timeout: Duration,
    pub containers: &'a ContainerPlan,
    /// The app's backing-service roles.
    pub roles: &'a [crate::backing::roles::Role],
    /// The run's local containers, inspected together.
    pub inspections: &'a Inspections,
}

/// Progress callbacks, as for any host.
pub struct Progress<'a> {
    pub stage: &'a dyn Fn(Stage),
    pub facts_done: &'a dyn Fn(usize),
}

/// `docker|podman exec -i NAME /bin/sh -s` on this machine.
pub fn collect_container(
    t: &ContainerTarget,
    job: &Job<'_>,
    progress: &Progress<'_>,
) -> HostReport {
    let started = Instant::now();
    let deadline = started + job.host_timeout;
    let failed =
        |f: Failure| HostReport { target: t.name.clone(), snapshot: None, failure: Some(f) };
    (progress.stage)(Stage::Connecting);
    let cli = match EngineCli::locate(t.engine) {
        Ok(cli) => cli,
        Err(f) => return failed(f),
    };
    let state = match job.inspections.state(&cli, &t.container, deadline) {
        Some(state) => state,
        None => match inspect::container(&cli, &t.container, deadline) {
            Ok(state) => state,
            Err(f) => return failed(f),
        },
    };
    if state.status != "running" {
        let status = if state.status.is_empty() { "not running" } else { &state.status };
        return failed(fault::stopped(cli.name(), &t.container, status));
    }
    (progress.stage)(Stage::Probing);
    let args: Vec<String> =
        ["exec", "-i", &t.container, "/bin/sh", "-s"].iter().map(|&a| a.to_owned()).collect();
    let transcript = match probe(cli.path(), &args, job, deadline, progress, &|_| {}) {
        Ok(t) => t,
        Err(f) => return failed(f),
    };
    let image = state.image.id.clone().or_else(|| state.image.reference.clone());
    let host = HostInfo {
        name: t.name.clone(),
        address: Some(format!("{}:{}", cli.name(), t.container)),
        transport: t.engine.transport(state.image),
        labels: t.labels.clone(),
    };
    let outcome = read_back(
        &transcript,
        job,
        host.clone(),
        started,
        &|| {
            // Did the container end under the probe? Then say so.
            match inspect::container(&cli, &t.container, Instant::now() + Duration::from_secs(5)) {
                Ok(state) if state.status != "running" => Some(FailReason::Stopped),
                Err(f) if f.reason == FailReason::NotFound => Some(FailReason::Stopped),
                // The exec can end before the engine has seen the container
                // go: `wait` answers once it has (a container still running
                // keeps it waiting, to a short bound).
                Ok(_) => cli
                    .ask(&["wait", &t.container], Instant::now() + STOP_NOTICE)
                    .ok()
                    .filter(|answer| answer.ok)
                    .map(|_| FailReason::Stopped),
                Err(_) => None,
            }
        },
        &|said| fault::classify(cli.name(), &t.container, said),
    );
    let outcome = with_label_revision(outcome, &cli, image.as_deref(), job, deadline);
    let subject = Subject::Container { name: &t.container, image: image.as_deref() };
    let (snapshot, failure) =
        or_what_the_engine_knows(outcome, &cli, &subject, job, host, started, deadline);
    HostReport { target: t.name.clone(), snapshot, failure }
}

/// How long a probe that ended early waits for the engine to notice that
/// its container stopped, before calling it a probe failure.
const STOP_NOTICE: Duration = Duration::from_secs(3);

/// A throwaway `run --rm -i --network none` of an image on this machine,
/// removed afterwards whatever happens (`throwaway`).
pub fn collect_image(t: &ImageTarget, job: &Job<'_>, progress: &Progress<'_>) -> HostReport {
    let started = Instant::now();
    let deadline = started + job.host_timeout;
    let failed =
        |f: Failure| HostReport { target: t.name.clone(), snapshot: None, failure: Some(f) };
    (progress.stage)(Stage::Connecting);
    let cli = match EngineCli::for_images(job.containers.engine) {
        Ok(cli) => cli,
        Err(f) => return failed(f),
    };
    let image = match inspect::image(&cli, &t.reference, deadline) {
        Ok(image) => image,
        Err(f) => return failed(f),
    };
    (progress.stage)(Stage::Probing);
    let Some(mut container) = Throwaway::new(&cli) else {
        return failed(Failure::new(
            FailReason::ProbeFailed,
            format!("{}: not started, paritty is being interrupted", t.name),
        ));
    };
    // `--entrypoint`: an image's own ENTRYPOINT would otherwise receive our
    // shell as its arguments. `--pull never`: only what is here is
    // collected. No network: the probe needs none.
    let mut args: Vec<String> = ["run", "--rm", "-i", "--pull", "never", "--network", "none"]
        .iter()
        .map(|&a| a.to_owned())
        .collect();
    args.extend(["--name".to_owned(), container.name.clone()]);
    args.extend(job.containers.run_args.iter().cloned());
    args.extend(["--entrypoint", "/bin/sh", &t.reference, "-s"].iter().map(|&a| a.to_owned()));
    let transcript =
        match probe(cli.path(), &args, job, deadline, progress, &|pid| container.started(pid)) {
            Ok(t) => t,
            Err(f) => return failed(f),
        };
    if transcript.exit_code == Some(0) && transcript.cut_off.is_none() {
        container.removed();
    }
    let host = HostInfo {
        name: t.name.clone(),
        address: Some(format!("{}:{}", cli.name(), container.name)),
        transport: Transport::Image(Box::new(image)),
        labels: BTreeMap::new(),
    };
    let outcome = read_back(&transcript, job, host.clone(), started, &|| None, &|said| {
        fault::classify_image(cli.name(), &t.reference, said)
    });
    drop(container);
    let outcome = with_label_revision(outcome, &cli, Some(&t.reference), job, deadline);
    let subject = Subject::Image { reference: &t.reference, run_args: &job.containers.run_args };
    let (snapshot, failure) =
        or_what_the_engine_knows(outcome, &cli, &subject, job, host, started, deadline);
    HostReport { target: t.name.clone(), snapshot, failure }
}

/// The probe on the stdin of `program args...` (an engine, kubectl, a
/// user's argv), bounded by the deadline and what the profile can print.
pub(crate) fn probe(
    program: &Path,
    args: &[String],
    job: &Job<'_>,
    deadline: Instant,
    progress: &Progress<'_>,
    spawned: &dyn Fn(u32),
) -> Result<Transcript, Failure> {
    // As much as every source's capped output could be, and some framing.
    let max_total = crate::probe::script::max_output(job.profile, job.collect.max_bytes);
    session::run(program, args, job.probe, deadline, max_total, progress.facts_done, spawned)
        .map_err(|e| {
            Failure::new(
                FailReason::EngineUnavailable,
                format!("cannot start {}: {e}", program.display()),
            )
        })
}

/// The snapshot (if the probe started) and the failure (if any) from what
/// the engine printed. `ended` says whether the container stopped under
/// the probe; `classify` reads the engine's complaint when nothing started.
pub(crate) fn read_back(
    transcript: &Transcript,
    job: &Job<'_>,
    host: HostInfo,
    started: Instant,
    ended: &dyn Fn() -> Option<FailReason>,
    classify: &dyn Fn(&str) -> Failure,
) -> (Option<Snapshot>, Option<Failure>) {
    let name = host.name.clone();
    let parsed = &transcript.frames;
    let killed = "the host deadline passed; the engine's process was killed (raise --host-timeout, or see why the container hangs)";
    if !parsed.started {
        let failure = match transcript.cut_off {
            Some(Cut::Deadline) => Failure::new(
                FailReason::Timeout,
                format!("{name}: the probe did not start: {killed}"),
            ),
            _ if transcript.stderr.is_empty() => Failure::new(
                FailReason::ProbeFailed,
                format!("{name} did not run the probe: the engine printed nothing"),
            ),
            _ => classify(&transcript.stderr),
        };
        return (None, Some(failure));
    }
    let said = fault::first_line(&transcript.stderr);
    let cut_off = match (transcript.cut_off, parsed.finished) {
        (Some(Cut::Deadline), _) => Some((FailReason::Timeout, killed.to_owned())),
        (Some(Cut::TooMuch(n)), _) => {
            Some((FailReason::ProbeFailed, format!("the engine sent more than {n} bytes")))
        }
        (Some(Cut::Lost), _) => {
            Some((FailReason::ProbeFailed, "the connection to the SSH host was lost".to_owned()))
        }
        (None, _) if parsed.halted => Some((
            FailReason::Timeout,
            "the host deadline passed; the probe halted itself, its running commands killed (raise --host-timeout, or see why the container hangs)".to_owned(),
        )),
        (None, false) => match ended() {
            Some(reason) => Some((reason, "the container stopped before the probe ended".into())),
            None if said.is_empty() => {
                Some((FailReason::ProbeFailed, "the probe stopped before its end".into()))
            }
            None => {
                Some((FailReason::ProbeFailed, format!("the probe stopped before its end: {said}")))
            }
        },
        (None, true) => None,
    };
    let mut facts = facts_from_probe(
        job.profile,
        parsed,
        job.collect.max_bytes,
        cut_off.as_ref().map_or("the probe did not report it", |(_, why)| why.as_str()),
    );
    // The app's services as the container's environment names them: its
    // own clients' answers (PostgreSQL, Redis with a password, SQLite) are
    // kept; paritty opens no connection from inside a container, so the
    // others are `not-asked`.
    if let Some(config) = remote::from_frames(&parsed.facts, job.profile, job.collect.max_bytes) {
        facts.extend(remote::facts(
            &config,
            job.roles,
            &name,
            &mut remote::NotReached::container(),
        ));
    }
    if let Some(records) = parsed.facts.get(&crate::probe::script::deps_fact(job.profile)) {
        facts.extend(crate::collect::deps::from_probe(records));
    }
    let failure = cut_off
        .map(|(reason, why)| Failure::new(reason, format!("{name}: partial results, {why}")));
    (Some(snapshot(job, host, started, facts)), failure)
}

/// The app's revision from the image's label when the probe found none in
/// the app folder (`revision_label`): the image's config is asked only
/// then, within the host's deadline. A config that cannot be read leaves
/// the fact as the probe said, with why in its evidence.
pub(crate) fn with_label_revision(
    mut outcome: (Option<Snapshot>, Option<Failure>),
    cli: &dyn super::engine::Ask,
    image: Option<&str>,
    job: &Job<'_>,
    deadline: Instant,
) -> (Option<Snapshot>, Option<Failure>) {
    let (Some(snapshot), Some(image)) = (outcome.0.as_mut(), image) else { return outcome };
    if !revision_label::wanted(job.profile, &snapshot.facts) || Instant::now() >= deadline {
        return outcome;
    }
    match image_config::labels(cli, image, deadline) {
        Ok(labels) => {
            revision_label::fill(job.profile, &mut snapshot.facts, &labels);
        }
        Err(failure) => {
            if let Some(fact) = snapshot.facts.get_mut(crate::compare::revision::FACT) {
                let _ = write!(
                    fact.raw,
                    "\n(the image's labels could not be read: {})",
                    failure.message()
                );
            }
        }
    }
    outcome
}

/// A target that failed for want of a shell still shows what its engine
/// knows without one (`fallback`), each such fact marked; it stays failed
/// with `no-shell` (ARCHITECTURE.md, "Host status"). Any other outcome is
/// returned as it is.
fn or_what_the_engine_knows(
    outcome: (Option<Snapshot>, Option<Failure>),
    cli: &EngineCli,
    subject: &Subject<'_>,
    job: &Job<'_>,
    host: HostInfo,
    started: Instant,
    deadline: Instant,
) -> (Option<Snapshot>, Option<Failure>) {
    let (None, Some(failure)) = &outcome else { return outcome };
    if failure.reason != FailReason::NoShell {
        return outcome;
    }
    let known = match without_shell::ask(cli, subject, job.profile, deadline, job.collect.max_bytes)
    {
        Ok(known) => known,
        Err(why) => {
            let message = format!(
                "{}; what the engine knows without one could not be read either: {why}",
                failure.message()
            );
            return (None, Some(Failure::new(FailReason::NoShell, message)));
        }
    };
    let (facts, told) = fallback::facts(job.profile, &known);
    let mut message = format!(
        "{}; shown instead: {told} facts the engine knows without one, marked \"from image config\" or \"from image files\"",
        failure.message()
    );
    if let Some(why) = &known.files_unavailable {
        let _ = write!(message, " (its files could not be read: {why})");
    }
    (Some(snapshot(job, host, started, facts)), Some(Failure::new(FailReason::NoShell, message)))
}

/// A snapshot of `host` with `facts`, collected since `started`.
fn snapshot(
    job: &Job<'_>,
    host: HostInfo,
    started: Instant,
    facts: BTreeMap<String, crate::model::Fact>,
) -> Snapshot {
    Snapshot {
        schema_version: SCHEMA_VERSION,
        paritty_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: ProfileRef { name: job.profile.name.clone(), hash: job.profile.hash.clone() },
        host,
        collected_at: humantime::format_rfc3339_seconds(SystemTime::now() - started.elapsed())
            .to_string(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        facts,
        redacted: None,
    }
}
