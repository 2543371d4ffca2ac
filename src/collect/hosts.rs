//! Collecting many targets at once: one named worker thread per target, at
//! most `workers` at a time, each reporting its progress as events. One slow
//! or dead host costs its own timeout and never holds up the others.

use std::sync::mpsc::Sender;
use std::time::Instant;

use super::collect_local_with;
use super::container::engine::{Ask, EngineCli};
use super::container::host::{self as container, Progress};
use super::container::inspections::Inspections;
use super::container::listing::{self, Listing};
use super::container::remote::{self, RemoteEngine, Via};
use super::events::{Event, Stage};
use super::local::LocalContext;
use super::plan::{Plan, Prompts};
use super::pool;
use super::ssh::SshSettings;
use super::ssh::connect::{ConnectOptions, failure};
use super::ssh::deadline::{Deadline, Phase};
use super::ssh::host::{HostJob, HostOptions, collect_host};
use super::ssh::settings::{self, Request, SettingsError};
use super::target::{ContainerTarget, SshTarget, Target};
use crate::model::{FailReason, Failure, HostReport};
use crate::probe::script::{self, ProbeScript};

/// Collects every target under `plan`; reports come back in the targets'
/// order, and each stage change is also sent on `events` as it happens.
pub fn collect_targets(
    targets: &[Target],
    plan: &Plan,
    prompts: Prompts<'_>,
    events: &Sender<Event>,
) -> Vec<HostReport> {
    // One probe for the run: it depends only on the profile and the limits
    // (its boundary is random per run, which is all framing needs).
    let run = Run {
        plan,
        probe: script::build_with_roles(&plan.profile, plan.collect.script_limits(), &plan.roles),
        inspections: Inspections::new(targets.iter().filter_map(|target| match target {
            Target::Container(t) if t.on.is_none() => Some((t.engine, t.container.as_str())),
            _ => None,
        })),
        host: HostOptions { collect: plan.collect.clone(), host_timeout: plan.host_timeout },
        connect: ConnectOptions {
            connect_timeout: plan.ssh.connect_timeout,
            accept_new: plan.ssh.accept_new,
            host_key_prompt: prompts.host_key,
            passphrase_prompt: prompts.passphrase,
        },
    };
    for index in 0..targets.len() {
        let _ = events.send(Event::Stage {
            index,
            stage: Stage::Pending,
            elapsed: std::time::Duration::default(),
        });
    }
    pool::run(
        "hosts",
        targets,
        plan.workers,
        |index, target| {
            let report = collect_one(index, target, &run, events);
            let _ = events.send(Event::Finished { index, report: Box::new(report.clone()) });
            report
        },
        |target| HostReport {
            target: target.name(),
            snapshot: None,
            failure: Some(failure(FailReason::ProbeFailed, "no worker thread could be started")),
        },
    )
}

/// What every host of one run shares.
struct Run<'r> {
    plan: &'r Plan,
    probe: ProbeScript,
    /// The run's containers on this machine, inspected together.
    inspections: Inspections,
    host: HostOptions,
    connect: ConnectOptions<'r>,
}

fn collect_one(index: usize, target: &Target, run: &Run<'_>, events: &Sender<Event>) -> HostReport {
    let profile = &*run.plan.profile;
    let started = Instant::now();
    let stage = |stage: Stage| {
        let _ = events.send(Event::Stage { index, stage, elapsed: started.elapsed() });
    };
    // Shown everywhere, so made clean once here (the file or inventory name).
    let name = target.name();
    let report = match target {
        Target::Snapshot(path) => {
            stage(Stage::Probing);
            match crate::model::snapshot_file::read_snapshot(path) {
                Ok(snapshot) => {
                    HostReport { target: name, snapshot: Some(snapshot), failure: None }
                }
                Err(e) => HostReport {
                    target: name,
                    snapshot: None,
                    failure: Some(failure(FailReason::BadSnapshot, e.to_string())),
                },
            }
        }
        Target::Local => {
            stage(Stage::Probing);
            let mut snapshot = local(run);
            snapshot.facts.extend(local_backing(run.plan));
            snapshot.facts.extend(local_deps(run.plan));
            HostReport { target: "local".into(), snapshot: Some(snapshot), failure: None }
        }
        Target::Container(t) => match &t.on {
            None => {
                in_container(run, t.app_dir.as_deref(), index, events, &stage, &|job, progress| {
                    container::collect_container(t, job, progress)
                })
            }
            Some(on) => on_ssh_host(t, on, run, index, events, &stage),
        },
        Target::Image(t) => in_container(run, None, index, events, &stage, &|job, progress| {
            container::collect_image(t, job, progress)
        }),
        Target::Pod(t) => {
            in_container(run, t.app_dir.as_deref(), index, events, &stage, &|job, progress| {
                super::kubernetes::collect_pod(t, job, progress)
            })
        }
        Target::Exec(t) => {
            in_container(run, t.app_dir.as_deref(), index, events, &stage, &|job, progress| {
                super::argv::collect_argv(t, job, progress)
            })
        }
        Target::Ssh(t) => {
            // The host's time starts before its settings are resolved: a
            // `Match exec` that hangs is the host's too.
            let deadline = Deadline::after(run.host.host_timeout);
            match ssh_settings(t, run, &deadline) {
                Err(failure) => HostReport { target: name, snapshot: None, failure: Some(failure) },
                Ok(resolved) => {
                    let probe = run.probe.in_app(t.app_dir.as_deref());
                    let job = HostJob {
                        name: &name,
                        labels: &t.labels,
                        settings: &resolved,
                        profile,
                        probe: &probe,
                        opts: &run.host,
                        connect: &run.connect,
                        ssh_config: run.plan.ssh.config_file.as_deref(),
                        deadline: &deadline,
                        app_dir: t.app_dir.as_deref(),
                        roles: &run.plan.roles,
                    };
                    // The probe's app fact and running servers come after the
                    // profile's: not counted.
                    let facts_done = |done: usize| {
                        let total = profile.facts.len();
                        let done = done.min(total);
                        let _ = events.send(Event::Facts { index, done, total });
                    };
                    let outcome = collect_host(&job, &stage, &facts_done);
                    HostReport {
                        target: name,
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

/// A container of an SSH host's engine: one session to the host, then the
/// probe through `ENGINE exec -i` on it.
fn on_ssh_host(
    t: &ContainerTarget,
    on: &SshTarget,
    run: &Run<'_>,
    index: usize,
    events: &Sender<Event>,
    stage: &dyn Fn(Stage),
) -> HostReport {
    let deadline = Deadline::after(run.host.host_timeout);
    match ssh_settings(on, run, &deadline) {
        Err(failure) => HostReport {
            target: crate::output::sanitize::one_line(&t.name),
            snapshot: None,
            failure: Some(failure),
        },
        Ok(settings) => {
            let via = Via {
                host: &on.name,
                settings: &settings,
                connect: &run.connect,
                ssh_config: run.plan.ssh.config_file.as_deref(),
                deadline: &deadline,
            };
            in_container(run, t.app_dir.as_deref(), index, events, stage, &|job, progress| {
                remote::collect_remote(t, &via, job, progress)
            })
        }
    }
}

/// This machine, its app sources asked in the run's app folder.
fn local(run: &Run<'_>) -> crate::model::Snapshot {
    let ctx = LocalContext { app_dir: Some(run.plan.app_dir.clone()), ..LocalContext::new() };
    collect_local_with(&run.plan.profile, &run.plan.collect, &ctx)
}

/// How to reach `t`, as `ssh` would resolve it, within `deadline`; the
/// key file and jump hosts given for this host (an Ansible inventory's
/// variables) win over ssh_config, as `ssh -i` and `ssh -J` do.
fn ssh_settings(t: &SshTarget, run: &Run<'_>, deadline: &Deadline) -> Result<SshSettings, Failure> {
    let request = Request {
        host: &t.host,
        user: t.user.as_deref(),
        port: t.port,
        config_file: run.plan.ssh.config_file.as_deref(),
    };
    let mut resolved =
        settings::resolve_within(&request, deadline.left()).map_err(|e| match e {
            SettingsError::Timeout { .. } if deadline.passed() => deadline.failure(Phase::Settings),
            e => failure(FailReason::Unreachable, e.to_string()),
        })?;
    if let Some(key) = &t.identity_file {
        resolved.identity_files.insert(0, key.clone());
    }
    if let Some(hops) = &t.proxy_jump {
        resolved.proxy_jump.clone_from(hops);
    }
    Ok(resolved)
}

/// `--containers`: the running containers of each of `hosts` (`local`
/// and SSH hosts; other targets list none), in the hosts' order, each
/// host within the host timeout over one connection of its own.
pub fn list_containers(
    hosts: &[Target],
    plan: &Plan,
    prompts: Prompts<'_>,
) -> Vec<Result<Listing, Failure>> {
    let run = Run {
        plan,
        probe: script::build(&plan.profile, plan.collect.script_limits()),
        inspections: Inspections::default(),
        host: HostOptions { collect: plan.collect.clone(), host_timeout: plan.host_timeout },
        connect: ConnectOptions {
            connect_timeout: plan.ssh.connect_timeout,
            accept_new: plan.ssh.accept_new,
            host_key_prompt: prompts.host_key,
            passphrase_prompt: prompts.passphrase,
        },
    };
    pool::run(
        "listing",
        hosts,
        plan.workers,
        |_, host| list_one(host, &run),
        |_| Err(failure(FailReason::ProbeFailed, "no worker thread could be started")),
    )
}

fn list_one(host: &Target, run: &Run<'_>) -> Result<Listing, Failure> {
    let deadline = Deadline::after(run.host.host_timeout);
    let none = |installed: &'static str| {
        move || {
            Failure::new(
                FailReason::EngineUnavailable,
                format!("neither docker nor podman is installed{installed}"),
            )
        }
    };
    match host {
        Target::Local => {
            let clis: Vec<EngineCli> =
                listing::ENGINES.iter().filter_map(|e| EngineCli::locate(*e).ok()).collect();
            let engines: Vec<&dyn Ask> = clis.iter().map(|c| c as &dyn Ask).collect();
            listing::list(&engines, deadline.instant(), none(" (not on PATH)"))
        }
        Target::Ssh(t) => {
            let settings = ssh_settings(t, run, &deadline)?;
            let via = Via {
                host: &t.name,
                settings: &settings,
                connect: &run.connect,
                ssh_config: run.plan.ssh.config_file.as_deref(),
                deadline: &deadline,
            };
            let session = via.open(&|| {})?;
            let remote: Vec<RemoteEngine<'_>> = listing::ENGINES
                .iter()
                .map(|e| RemoteEngine { session: &session, engine: *e, deadline: &deadline })
                .collect();
            let engines: Vec<&dyn Ask> = remote.iter().map(|e| e as &dyn Ask).collect();
            listing::list(&engines, deadline.instant(), none(" (not on the PATH of SSH sessions)"))
        }
        _ => Ok(Listing::default()),
    }
}

/// This machine's `backing.*` facts: its environment and `--app-dir`'s
/// `.env`, each service asked within the command timeout.
fn local_backing(plan: &Plan) -> std::collections::BTreeMap<String, crate::model::Fact> {
    let path_var = std::env::var_os("PATH");
    let env = |name: &str| std::env::var(name).ok();
    let here = super::backing::local::Here {
        app_dir: &plan.app_dir,
        environment: None,
        timeout: plan.collect.command_timeout,
        path_var: path_var.as_deref(),
        env: &env,
    };
    super::backing::local::facts(&plan.roles, &here)
}

/// This machine's `deps.*` facts: the app folder's installed packages and
/// lock files, read here.
fn local_deps(plan: &Plan) -> std::collections::BTreeMap<String, crate::model::Fact> {
    let virtual_env = std::env::var_os("VIRTUAL_ENV");
    let path_var = std::env::var_os("PATH");
    let bundle_path = std::env::var_os("BUNDLE_PATH");
    let bundle_app_config = std::env::var_os("BUNDLE_APP_CONFIG");
    super::deps::local::collect(&super::deps::local::Here {
        app_dir: &plan.app_dir,
        virtual_env: virtual_env.as_deref(),
        path_var: path_var.as_deref(),
        bundle_path: bundle_path.as_deref(),
        bundle_app_config: bundle_app_config.as_deref(),
    })
}

/// A container or image target under the run's plan, its progress sent as
/// events like any host's.
fn in_container(
    run: &Run<'_>,
    app_dir: Option<&str>,
    index: usize,
    events: &Sender<Event>,
    stage: &dyn Fn(Stage),
    collect: &dyn Fn(&container::Job<'_>, &Progress<'_>) -> HostReport,
) -> HostReport {
    let profile = &*run.plan.profile;
    let probe = run.probe.in_app(app_dir);
    let job = container::Job {
        profile,
        probe: &probe,
        collect: &run.plan.collect,
        host_timeout: run.plan.host_timeout,
        containers: &run.plan.containers,
        roles: &run.plan.roles,
        inspections: &run.inspections,
    };
    let facts_done = |done: usize| {
        let total = profile.facts.len();
        let done = done.min(total);
        let _ = events.send(Event::Facts { index, done, total });
    };
    collect(&job, &Progress { stage, facts_done: &facts_done })
}
