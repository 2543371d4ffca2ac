//! Collection for the TUI: hosts collected on worker threads, their events
//! forwarded to the UI's inbox, and their questions (an unknown host key,
//! an encrypted key's passphrase) asked through the UI and answered there.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

use super::update::Msg;
use crate::collect::events::Event;
use crate::collect::hosts::{RunOptions, collect_targets};
use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::{ConnectOptions, HostKeyPrompt};
use crate::collect::ssh::host::HostOptions;
use crate::collect::target::Target;
use crate::profile::Profile;

/// Everything a collection needs, owned so workers can outlive the caller.
#[derive(Debug, Clone)]
pub struct Plan {
    pub profile: Arc<Profile>,
    pub host: HostOptions,
    pub workers: usize,
    pub connect_timeout: std::time::Duration,
    pub accept_new: bool,
    pub ssh_config: Option<PathBuf>,
}

/// Starts collections and routes what they report to the UI.
pub struct Collector {
    plan: Plan,
    /// The target of each host, by host index; `None` for examples.
    targets: Vec<Option<Target>>,
    inbox: Sender<Msg>,
}

impl Collector {
    pub fn new(plan: Plan, targets: Vec<Option<Target>>, inbox: Sender<Msg>) -> Collector {
        Collector { plan, targets, inbox }
    }

    /// Collects the hosts at `indices` on a background thread.
    pub fn collect(&self, indices: &[usize]) {
        let chosen: Vec<(usize, Target)> = indices
            .iter()
            .filter_map(|&i| self.targets.get(i).cloned().flatten().map(|t| (i, t)))
            .collect();
        if chosen.is_empty() {
            return;
        }
        let plan = self.plan.clone();
        let inbox = self.inbox.clone();
        let spawned = std::thread::Builder::new().name("collect".into()).spawn(move || {
            run(&plan, &chosen, &inbox);
        });
        if let Err(e) = spawned {
            let _ = self.inbox.send(Msg::Exported(Err(format!("cannot start collecting: {e}"))));
        }
    }
}

fn run(plan: &Plan, chosen: &[(usize, Target)], inbox: &Sender<Msg>) {
    let prompt = UiPrompt { inbox: Mutex::new(inbox.clone()) };
    let options = RunOptions {
        host: plan.host.clone(),
        workers: plan.workers,
        connect: ConnectOptions {
            connect_timeout: plan.connect_timeout,
            accept_new: plan.accept_new,
            host_key_prompt: Some(&prompt),
            passphrase_prompt: Some(&prompt),
        },
        ssh_config: plan.ssh_config.clone(),
    };
    let targets: Vec<Target> = chosen.iter().map(|(_, t)| t.clone()).collect();
    let (events, received) = mpsc::channel();
    std::thread::scope(|scope| {
        // Events carry the index within this run; the UI knows hosts by
        // their index in the whole session.
        let forward = scope.spawn(|| {
            for event in received {
                let _ = inbox.send(Msg::Collect(reindex(event, chosen)));
            }
        });
        collect_targets(&targets, &plan.profile, &options, &events);
        drop(events);
        let _ = forward.join();
    });
}

fn reindex(event: Event, chosen: &[(usize, Target)]) -> Event {
    let global = |local: usize| chosen.get(local).map_or(local, |(i, _)| *i);
    match event {
        Event::Stage { index, stage, elapsed } => {
            Event::Stage { index: global(index), stage, elapsed }
        }
        Event::Facts { index, done, total } => Event::Facts { index: global(index), done, total },
        Event::Finished { index, report } => Event::Finished { index: global(index), report },
    }
}

/// Asks the UI and waits for the user's answer.
struct UiPrompt {
    inbox: Mutex<Sender<Msg>>,
}

impl UiPrompt {
    fn send(&self, msg: Msg) -> bool {
        self.inbox.lock().is_ok_and(|inbox| inbox.send(msg).is_ok())
    }
}

impl HostKeyPrompt for UiPrompt {
    fn accept(&self, host: &str, key_type: &str, fingerprint: &str) -> bool {
        let (reply, answer) = mpsc::channel();
        let asked = self.send(Msg::AskHostKey {
            host: host.to_owned(),
            key_type: key_type.to_owned(),
            fingerprint: fingerprint.to_owned(),
            reply,
        });
        // A UI that has gone away answers nothing: refuse.
        asked && answer.recv().unwrap_or(false)
    }
}

impl PassphrasePrompt for UiPrompt {
    fn passphrase(&self, key: &Path) -> Option<String> {
        let (reply, answer) = mpsc::channel();
        if !self.send(Msg::AskPassphrase { key: key.to_owned(), reply }) {
            return None;
        }
        answer.recv().ok().flatten()
    }
}
