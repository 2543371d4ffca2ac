//! Running a collection for a subcommand: targets parsed and expanded,
//! settings merged, hosts collected at once with progress lines and
//! prompts on a terminal.

use std::io::IsTerminal;
use std::sync::mpsc;

use color_eyre::eyre::{Result, eyre};

use crate::collect::hosts::collect_targets;
use crate::collect::plan::{Plan, Prompts};
use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::HostKeyPrompt;
use crate::collect::target::Target;
use crate::config::Config;
use crate::model::HostReport;
use crate::progress::{self, TerminalLock};
use crate::prompt::TerminalPrompt;
use crate::target;

/// The targets named on the command line (default: this machine), folders
/// of snapshots expanded, each name once.
pub fn targets(args: &[String], config: Option<&Config>) -> Result<Vec<Target>> {
    if args.is_empty() {
        return Ok(vec![Target::Local]);
    }
    let mut targets: Vec<Target> = Vec::new();
    for arg in args {
        for target in target::expand(arg, config).map_err(|e| eyre!("target {e}"))? {
            if targets.iter().any(|t| t.name() == target.name()) {
                return Err(eyre!("target `{arg}` is named twice"));
            }
            targets.push(target);
        }
    }
    if targets.iter().any(|t| matches!(t, Target::Image(_))) {
        // A throwaway container must not outlive an interrupted run.
        crate::collect::container::throwaway::clean_up_on_signals()
            .map_err(|e| eyre!("cannot watch for signals to clean up containers: {e}"))?;
    }
    Ok(targets)
}

/// Collects `targets` under `plan`; one report per target, in order.
pub fn collect(targets: &[Target], plan: &Plan) -> Vec<HostReport> {
    let lock = TerminalLock::default();
    let prompt = TerminalPrompt::if_terminal(lock.clone());
    let prompts = Prompts {
        host_key: prompt.as_ref().map(|p| p as &dyn HostKeyPrompt),
        passphrase: prompt.as_ref().map(|p| p as &dyn PassphrasePrompt),
    };
    let names: Vec<String> = targets.iter().map(|t| t.name().to_owned()).collect();
    let is_remote = targets
        .iter()
        .any(|t| matches!(t, Target::Ssh(_) | Target::Container(_) | Target::Image(_)));
    let show_progress = is_remote && std::io::stderr().is_terminal();
    let (events, received) = mpsc::channel();
    std::thread::scope(|scope| {
        let (names, lock) = (&names, &lock);
        let drawer = show_progress.then(|| {
            std::thread::Builder::new()
                .name("progress".into())
                .spawn_scoped(scope, move || progress::draw(names, &received, lock))
        });
        let reports = collect_targets(targets, plan, prompts, &events);
        drop(events);
        if let Some(Ok(drawer)) = drawer {
            let _ = drawer.join();
        }
        reports
    })
}
