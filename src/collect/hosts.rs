//! Collecting many targets at once: one named worker thread per target, at
//! most `workers` at a time, each reporting its progress as events. One slow
//! or dead host costs its own timeout and never holds up the others.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc::Sender};
use std::time::Instant;

use super::collect_local;
use super::events::{Event, Stage};
use super::ssh::connect::{ConnectOptions, failure};
use super::ssh::host::{HostJob, HostOptions, collect_host};
use super::ssh::settings::{self, Request};
use super::target::Target;
use crate::model::{FailReason, HostReport};
use crate::probe::script::{self, ProbeScript};
use crate::profile::Profile;

/// How a whole run is bounded and what it may ask.
pub struct RunOptions<'p> {
    pub host: HostOptions,
    pub workers: usize,
    pub connect: ConnectOptions<'p>,
    /// Like `ssh -F`: an ssh_config instead of the user's own.
    pub ssh_config: Option<PathBuf>,
}

/// Collects every target; reports come back in the targets' order, and
/// each stage change is also sent on `events` as it happens.
pub fn collect_targets(
    targets: &[Target],
    profile: &Profile,
    opts: &RunOptions<'_>,
    events: &Sender<Event>,
) -> Vec<HostReport> {
    // One probe for the run: it depends only on the profile and the limits
    // (its boundary is random per run, which is all framing needs).
    let probe = script::build(profile, opts.host.collect.script_limits());
    let next = AtomicUsize::new(0);
    let reports: Vec<Mutex<Option<HostReport>>> =
        targets.iter().map(|_| Mutex::new(None)).collect();
    for index in 0..targets.len() {
        let _ = events.send(Event::Stage {
            index,
            stage: Stage::Pending,
            elapsed: std::time::Duration::default(),
        });
    }
    std::thread::scope(|scope| {
        for n in 0..opts.workers.clamp(1, targets.len().max(1)) {
            let worker = || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = targets.get(index) else { break };
                    let report = collect_one(index, target, profile, &probe, opts, events);
                    let _ =
                        events.send(Event::Finished { index, report: Box::new(report.clone()) });
                    if let Ok(mut slot) = reports[index].lock() {
                        *slot = Some(report);
                    }
                }
            };
            let spawned =
                std::thread::Builder::new().name(format!("hosts-{n}")).spawn_scoped(scope, worker);
            if spawned.is_err() && n == 0 {
                break;
            }
        }
    });
    reports
        .into_iter()
        .zip(targets)
        .map(|(slot, target)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| HostReport {
                target: target.name().to_owned(),
                snapshot: None,
                failure: Some(failure(
                    FailReason::ProbeFailed,
                    "no worker thread could be started",
                )),
            })
        })
        .collect()
}

fn collect_one(
    index: usize,
    target: &Target,
    profile: &Profile,
    probe: &ProbeScript,
    opts: &RunOptions<'_>,
    events: &Sender<Event>,
) -> HostReport {
    let started = Instant::now();
    let stage = |stage: Stage| {
        let _ = events.send(Event::Stage { index, stage, elapsed: started.elapsed() });
    };
    let report = match target {
        Target::Snapshot(path) => {
            stage(Stage::Probing);
            match crate::model::snapshot_file::read_snapshot(path) {
                Ok(snapshot) => HostReport {
                    target: target.name().to_owned(),
                    snapshot: Some(snapshot),
                    failure: None,
                },
                Err(e) => HostReport {
                    target: target.name().to_owned(),
                    snapshot: None,
                    failure: Some(failure(FailReason::BadSnapshot, e.to_string())),
                },
            }
        }
        Target::Local => {
            stage(Stage::Probing);
            HostReport {
                target: "local".into(),
                snapshot: Some(collect_local(profile, &opts.host.collect)),
                failure: None,
            }
        }
        Target::Ssh(t) => {
            let request = Request {
                host: &t.host,
                user: t.user.as_deref(),
                port: t.port,
                config_file: opts.ssh_config.as_deref(),
            };
            match settings::resolve(&request) {
                Err(e) => HostReport {
                    target: t.name.clone(),
                    snapshot: None,
                    failure: Some(failure(FailReason::Unreachable, e.to_string())),
                },
                Ok(resolved) => {
                    let job = HostJob {
                        name: &t.name,
                        labels: &t.labels,
                        settings: &resolved,
                        profile,
                        probe,
                        opts: &opts.host,
                        connect: &opts.connect,
                        ssh_config: opts.ssh_config.as_deref(),
                    };
                    let facts_done = |done| {
                        let total = profile.facts.len();
                        let _ = events.send(Event::Facts { index, done, total });
                    };
                    let outcome = collect_host(&job, &stage, &facts_done);
                    HostReport {
                        target: t.name.clone(),
                        snapshot: outcome.snapshot,
                        failure: outcome.failure,
                    }
                }
            }
        }
    };
    match &report.failure {
        Some(f) => stage(Stage::Failed(f.clone())),
        None => stage(Stage::Done),
    }
    report
}
