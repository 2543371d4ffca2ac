//! Running a collection for a subcommand: targets parsed and expanded,
//! settings merged, hosts collected at once with progress lines and
//! prompts on a terminal.

use std::io::IsTerminal;
use std::sync::mpsc;

use color_eyre::eyre::{Result, eyre};

use crate::cli::RemoteArgs;
use crate::collect::container::throwaway;
use crate::collect::events::Event;
use crate::collect::hosts::{collect_targets, list_containers};
use crate::collect::plan::{Plan, Prompts};
use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::HostKeyPrompt;
use crate::collect::target::{ContainerTarget, Target};
use crate::config::Config;
use crate::inventory::{Inventory, natural};
use crate::model::HostReport;
use crate::progress::{self, TerminalLock};
use crate::prompt::TerminalPrompt;
use crate::target;

/// The targets named on the command line (default: this machine), folders
/// of snapshots and inventory groups expanded, each name once (a host of
/// two groups named is collected once).
pub fn targets(
    args: &[String],
    config: Option<&Config>,
    remote: &RemoteArgs,
) -> Result<Vec<Target>> {
    let inventory = Inventory::load(&remote.inventory)?;
    if args.is_empty() {
        return Ok(vec![Target::Local]);
    }
    // Each target, and whether a group named it.
    let mut targets: Vec<(Target, bool)> = Vec::new();
    for arg in args {
        let group = arg.starts_with('@');
        for target in target::expand(arg, config, &inventory).map_err(|e| eyre!("target {e}"))? {
            // Groups overlap (a host in `web` and in `prod`, or a group and
            // one of its hosts by name, in either order): the host once.
            if let Some(at) = targets.iter().position(|(t, _)| *t == target)
                && (group || targets[at].1)
            {
                targets[at].1 |= group;
                continue;
            }
            // Names are shown clean, so two files can differ only in what
            // cleaning removed: they would be one column.
            let name = target.name();
            if targets.iter().any(|(t, _)| t.name() == name) {
                return Err(eyre!("target `{arg}` is named twice (as `{name}`)"));
            }
            targets.push((target, group));
        }
    }
    Ok(targets.into_iter().map(|(target, _)| target).collect())
}

/// With `--containers`: after each `local` or SSH host of `targets`, its
/// running containers in natural order, named `NAME@HOST` (`NAME@local`
/// for this machine's; `ENGINE:NAME@HOST` when two engines there have a
/// container of that name). A container also named as a target is not
/// added again. A host whose listing fails is said in one line; the
/// others go on, and the host itself is still collected.
pub fn with_containers(targets: Vec<Target>, plan: &Plan, remote: &RemoteArgs) -> Vec<Target> {
    if !remote.containers {
        return targets;
    }
    let is_host = |t: &Target| matches!(t, Target::Local | Target::Ssh(_));
    let hosts: Vec<Target> = targets.iter().filter(|t| is_host(t)).cloned().collect();
    let prompt = TerminalPrompt::if_terminal(TerminalLock::default());
    let prompts = Prompts {
        host_key: prompt.as_ref().map(|p| p as &dyn HostKeyPrompt),
        passphrase: prompt.as_ref().map(|p| p as &dyn PassphrasePrompt),
    };
    let mut listings = list_containers(&hosts, plan, prompts).into_iter();
    let mut out: Vec<Target> = Vec::with_capacity(targets.len());
    for target in &targets {
        out.push(target.clone());
        if !is_host(target) {
            continue;
        }
        let host = target.name();
        let listing = match listings.next() {
            Some(Ok(listing)) => listing,
            Some(Err(failure)) => {
                super::say(format_args!("--containers: {host}: {failure}"));
                continue;
            }
            None => continue,
        };
        for problem in &listing.problems {
            super::say(format_args!("--containers: {host}: {problem}"));
        }
        let on = match target {
            Target::Ssh(ssh) => Some(Box::new(ssh.clone())),
            _ => None,
        };
        let mut listed = listing.containers;
        listed.sort_by(|a, b| natural::cmp(&a.name, &b.name));
        let listed_names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
        for container in &listed {
            let already = |t: &Target| match t {
                Target::Container(c) => {
                    c.engine == container.engine
                        && c.container == container.name
                        && c.on.as_ref().map(|h| h.name.as_str())
                            == on.as_ref().map(|h| h.name.as_str())
                }
                _ => false,
            };
            if targets.iter().any(already) {
                continue;
            }
            let twice = listed_names.iter().filter(|n| **n == container.name).count() > 1;
            let name = if twice {
                format!("{}:{}@{host}", container.engine.program(), container.name)
            } else {
                format!("{}@{host}", container.name)
            };
            out.push(Target::Container(ContainerTarget {
                name,
                engine: container.engine,
                container: container.name.clone(),
                labels: std::collections::BTreeMap::new(),
                app_dir: None,
                on: on.clone(),
            }));
        }
    }
    out
}

/// Collects `targets` under `plan`; one report per target, in order.
pub fn collect(targets: &[Target], plan: &Plan) -> Vec<HostReport> {
    match collect_each(targets, plan, |_, _| {}, false) {
        Collected::All(reports) => reports,
        // Signals are left to their default action when not `interruptible`.
        Collected::Interrupted { .. } => Vec::new(),
    }
}

/// How a collection ended.
pub enum Collected {
    /// Every target's report, in order.
    All(Vec<HostReport>),
    /// SIGINT or SIGTERM came first: the reports of the targets that had
    /// finished (by index), the others `None`. Their workers are left to
    /// the process's end.
    Interrupted { signal: Interrupt, reports: Vec<Option<HostReport>> },
}

/// The signal that ended a run, and the exit code it ends with (128 + its
/// number, as a shell reports a process killed by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Int,
    Term,
}

impl Interrupt {
    pub fn name(self) -> &'static str {
        match self {
            Interrupt::Int => "SIGINT",
            Interrupt::Term => "SIGTERM",
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Interrupt::Int => 130,
            Interrupt::Term => 143,
        }
    }
}

/// What the collecting thread hears.
enum Incoming {
    Event(Event),
    Signal(Interrupt),
    Done(Vec<HostReport>),
    Panicked(Box<dyn std::any::Any + Send>),
}

/// Collects `targets` under `plan`, calling `finished` on this thread with
/// each target's report as soon as it is in (in the order hosts finish).
/// With `interruptible`, SIGINT and SIGTERM end the wait early instead of
/// the process, so the caller can say what it had done.
pub fn collect_each(
    targets: &[Target],
    plan: &Plan,
    mut finished: impl FnMut(usize, &HostReport),
    interruptible: bool,
) -> Collected {
    let lock = TerminalLock::default();
    let names: Vec<String> = targets.iter().map(Target::name).collect();
    let is_remote = targets.iter().any(|t| !matches!(t, Target::Local | Target::Snapshot(_)));
    let show_progress = is_remote && std::io::stderr().is_terminal();
    let (incoming, inbox) = mpsc::channel();
    let signals = if interruptible { watch_signals(&incoming) } else { None };
    if signals.is_none() {
        // Signals keep their default action, ending paritty: throwaway
        // containers are removed first.
        guard_throwaways(targets);
    }

    // The workers run on a thread of their own, not a scoped one: an
    // interrupted run must not wait for a host that hangs.
    let (events, worker_events) = mpsc::channel::<Event>();
    let forward = incoming.clone();
    let forwarder = std::thread::Builder::new().name("events".into()).spawn(move || {
        for event in worker_events {
            if forward.send(Incoming::Event(event)).is_err() {
                break;
            }
        }
    });
    let (owned_targets, owned_plan, prompt_lock) = (targets.to_vec(), plan.clone(), lock.clone());
    let done = incoming.clone();
    let spawned = std::thread::Builder::new().name("collect".into()).spawn(move || {
        let prompt = TerminalPrompt::if_terminal(prompt_lock);
        let prompts = Prompts {
            host_key: prompt.as_ref().map(|p| p as &dyn HostKeyPrompt),
            passphrase: prompt.as_ref().map(|p| p as &dyn PassphrasePrompt),
        };
        // A panic here must not leave the caller waiting for a result.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            collect_targets(&owned_targets, &owned_plan, prompts, &events)
        }));
        // Every event is forwarded before the result: the last stages (a
        // host's failure) reach the progress lines before they end.
        drop(events);
        if let Ok(forwarder) = forwarder {
            let _ = forwarder.join();
        }
        let _ = done.send(match result {
            Ok(reports) => Incoming::Done(reports),
            Err(panic) => Incoming::Panicked(panic),
        });
    });
    drop(incoming);
    if spawned.is_err() {
        // No thread for the workers: collect here, uninterruptible.
        let (events, _) = mpsc::channel();
        let reports = collect_targets(targets, plan, Prompts::default(), &events);
        for (index, report) in reports.iter().enumerate() {
            finished(index, report);
        }
        return Collected::All(reports);
    }

    let (to_drawer, drawer_events) = mpsc::channel();
    let drawer = show_progress.then(|| {
        let (names, lock) = (names.clone(), lock.clone());
        std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || progress::draw(&names, &drawer_events, &lock))
    });
    let mut reports: Vec<Option<HostReport>> = vec![None; targets.len()];
    let outcome = loop {
        // The collecting thread always sends Done or Panicked, so the
        // senders cannot all be gone before one of them.
        let Ok(message) = inbox.recv() else {
            unreachable!("the collecting thread ended silently")
        };
        match message {
            Incoming::Event(Event::Finished { index, report }) => {
                if let Some(slot) = reports.get_mut(index).filter(|r| r.is_none()) {
                    finished(index, &report);
                    *slot = Some(*report);
                }
            }
            Incoming::Event(event) => {
                let _ = to_drawer.send(event);
            }
            Incoming::Done(all) => {
                // Finished events may still be on their way: the full list decides.
                for (index, report) in all.iter().enumerate() {
                    if reports[index].is_none() {
                        finished(index, report);
                    }
                }
                break Collected::All(all);
            }
            Incoming::Signal(signal) => {
                // The caller ends the process next: no throwaway container
                // of an image may outlive it.
                throwaway::remove_all();
                break Collected::Interrupted { signal, reports };
            }
            Incoming::Panicked(panic) => std::panic::resume_unwind(panic),
        }
    };
    drop(to_drawer);
    if let Some(Ok(drawer)) = drawer {
        let _ = drawer.join();
    }
    if let Some(handle) = signals {
        handle.close();
    }
    if matches!(outcome, Collected::Interrupted { .. }) {
        // A passphrase prompt may have the terminal in raw mode; give it back.
        let _ = crossterm::terminal::disable_raw_mode();
    }
    outcome
}

/// With `image:` targets, signals that end paritty remove its throwaway
/// containers first (a warning if they cannot be watched).
pub fn guard_throwaways(targets: &[Target]) {
    if targets.iter().any(|t| matches!(t, Target::Image(_)))
        && let Err(e) = throwaway::clean_up_on_signals()
    {
        super::say(format_args!(
            "warning: cannot watch signals to remove throwaway containers: {e}"
        ));
    }
}

/// SIGINT and SIGTERM as messages; `None` (and the default action kept) if
/// they cannot be caught.
#[cfg(unix)]
type SignalHandle = signal_hook::iterator::Handle;

#[cfg(unix)]
fn watch_signals(to: &mpsc::Sender<Incoming>) -> Option<SignalHandle> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).ok()?;
    let handle = signals.handle();
    let to = to.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let which = if signal == SIGINT { Interrupt::Int } else { Interrupt::Term };
                if to.send(Incoming::Signal(which)).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(handle)
}

/// Elsewhere the default action stays.
#[cfg(not(unix))]
struct SignalHandle;

#[cfg(not(unix))]
impl SignalHandle {
    fn close(&self) {}
}

#[cfg(not(unix))]
fn watch_signals(_: &mpsc::Sender<Incoming>) -> Option<SignalHandle> {
    None
}
