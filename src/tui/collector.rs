//! Collection for the TUI: hosts collected on worker threads, their events
//! forwarded to the UI's inbox, and their questions (an unknown host key,
//! an encrypted key's passphrase) asked through the UI and answered there.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{self, Sender};

use super::update::Msg;
use crate::collect::events::Event;
use crate::collect::hosts::collect_targets;
use crate::collect::plan::{Plan, Prompts};
use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::HostKeyPrompt;
use crate::collect::target::Target;

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
            let _ = self.inbox.send(Msg::CollectionNotStarted(e));
        }
    }
}

fn run(plan: &Plan, chosen: &[(usize, Target)], inbox: &Sender<Msg>) {
    let prompt = UiPrompt { inbox: Mutex::new(inbox.clone()) };
    let prompts = Prompts { host_key: Some(&prompt), passphrase: Some(&prompt) };
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
        collect_targets(&targets, plan, prompts, &events);
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
