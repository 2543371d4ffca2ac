//! Running a collection for a subcommand: targets parsed and expanded,
//! settings merged, hosts collected at once with progress lines and
//! prompts on a terminal.

use std::io::IsTerminal;
use std::sync::mpsc;

use color_eyre::eyre::{Result, eyre};

use super::options;
use crate::cli::{CollectArgs, RemoteArgs};
use crate::collect::hosts::{RunOptions, collect_targets};
use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::{ConnectOptions, HostKeyPrompt};
use crate::collect::ssh::host::HostOptions;
use crate::collect::target::Target;
use crate::config::Config;
use crate::model::HostReport;
use crate::profile::Profile;
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
    Ok(targets)
}

/// Collects `targets`; one report per target, in order.
pub fn collect(
    targets: &[Target],
    profile: &Profile,
    collect: &CollectArgs,
    remote: &RemoteArgs,
    config: Option<&Config>,
) -> Result<Vec<HostReport>> {
    let collect = options::collect(collect, config)?;
    let (connect_timeout, host_timeout, workers) = options::remote(remote, config)?;
    let lock = TerminalLock::default();
    let prompt = TerminalPrompt::if_terminal(lock.clone());
    let ssh_config =
        remote.ssh_config.clone().or_else(|| config.and_then(|c| c.settings.ssh_config.clone()));
    let run = RunOptions {
        host: HostOptions { collect, host_timeout },
        workers,
        connect: ConnectOptions {
            connect_timeout,
            accept_new: remote.accept_new,
            host_key_prompt: prompt.as_ref().map(|p| p as &dyn HostKeyPrompt),
            passphrase_prompt: prompt.as_ref().map(|p| p as &dyn PassphrasePrompt),
        },
        ssh_config,
    };
    let names: Vec<String> = targets.iter().map(|t| t.name().to_owned()).collect();
    let is_remote = targets.iter().any(|t| matches!(t, Target::Ssh(_)));
    let show_progress = is_remote && std::io::stderr().is_terminal();
    let (events, received) = mpsc::channel();
    let reports = std::thread::scope(|scope| {
        let (names, lock) = (&names, &lock);
        let drawer = show_progress.then(|| {
            std::thread::Builder::new()
                .name("progress".into())
                .spawn_scoped(scope, move || progress::draw(names, &received, lock))
        });
        let reports = collect_targets(targets, profile, &run, &events);
        drop(events);
        if let Some(Ok(drawer)) = drawer {
            let _ = drawer.join();
        }
        reports
    });
    Ok(reports)
}
