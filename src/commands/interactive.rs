//! `paritty [TARGET...]`: the interactive view. Works out what to show
//! (the named targets; else this machine and the inventory; else examples)
//! and with which settings, then hands over to the TUI.

use std::io::IsTerminal;
use std::process::ExitCode;

use color_eyre::eyre::{Result, bail, eyre};

use super::{EXIT_OK, collecting, options};
use crate::cli::ViewArgs;
use crate::collect::plan::Plan;
use crate::collect::target::Target;
use crate::config::Config;
use crate::target;
use crate::tui::{self, Source};

pub fn run(args: &ViewArgs, config: Option<&Config>) -> Result<ExitCode> {
    // `declared` is not a host: it opens the view with the app's
    // declarations as a column (the key `D` shows them either way).
    let show_declared = args.targets.iter().any(|t| t == super::declared::DECLARED);
    let targets: Vec<String> =
        args.targets.iter().filter(|t| *t != super::declared::DECLARED).cloned().collect();
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "the interactive view needs a terminal; for text use `paritty snapshot [TARGET...]` or `paritty diff TARGET...`"
        );
    }
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let (sources, show_hint) = sources(&targets, args, config, &plan)?;
    let names: Vec<String> = sources.iter().map(source_name).collect();
    if let Some(wanted) = &args.baseline
        && !names.iter().any(|n| n == wanted)
    {
        bail!("--baseline `{wanted}` is not one of the targets ({})", names.join(", "));
    }
    // Read once, here: the view judges them as facts arrive, without I/O.
    let declarations = super::declared::declarations(&args.collect, &args.remote, config, &plan)?;
    let settings = tui::Settings {
        policy: config.map(|c| c.compare.clone()).unwrap_or_default(),
        keymap: config.map(Config::keymap).unwrap_or_default(),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        show_hint,
        baseline: args.baseline.clone(),
        declarations,
        show_declared,
        acceptances: super::accepted::load(&args.file)?
            .map(|(_, entries)| entries)
            .unwrap_or_default(),
        today: super::accepted::today(),
    };
    tui::run(sources, settings, plan)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// What to show, and whether it is only the examples.
fn sources(
    named: &[String],
    args: &ViewArgs,
    config: Option<&Config>,
    plan: &Plan,
) -> Result<(Vec<Source>, bool)> {
    if !named.is_empty() {
        let targets = collecting::targets(named, config, &args.remote)?;
        let targets = collecting::with_containers(targets, plan, &args.remote);
        // The view collects (and refreshes) them as long as it runs.
        collecting::guard_throwaways(&targets);
        return Ok((targets.into_iter().map(source).collect(), false));
    }
    // An inventory and no target: its whole fleet.
    if !args.remote.inventory.is_empty() {
        let targets = collecting::targets(&["@all".to_owned()], config, &args.remote)?;
        let targets = collecting::with_containers(targets, plan, &args.remote);
        return Ok((targets.into_iter().map(source).collect(), false));
    }
    let mut targets = vec![Target::Local];
    for host in config.map(|c| c.hosts.as_slice()).unwrap_or_default() {
        targets.push(target::parse(&host.name, config).map_err(|e| eyre!("inventory: {e}"))?);
    }
    let targets = collecting::with_containers(targets, plan, &args.remote);
    if targets.len() > 1 {
        return Ok((targets.into_iter().map(source).collect(), false));
    }
    // Nothing configured: this machine beside shipped examples, so a first
    // run shows what a divergence looks like.
    let mut sources = vec![source(Target::Local)];
    sources.extend(crate::examples::reports().into_iter().map(Source::Example));
    Ok((sources, true))
}

fn source(target: Target) -> Source {
    let environment = match &target {
        Target::Ssh(ssh) => ssh.labels.get("environment").cloned(),
        // Shown where an environment label goes: which column is "me".
        Target::Local => Some("this machine".to_owned()),
        Target::Container(container) => container.labels.get("environment").cloned(),
        Target::Pod(pod) => pod.labels.get("environment").cloned(),
        Target::Exec(argv) => argv.labels.get("environment").cloned(),
        Target::Snapshot(_) | Target::Image(_) => None,
    };
    Source::Target { target, environment }
}

fn source_name(source: &Source) -> String {
    match source {
        Source::Target { target, .. } => target.name(),
        Source::Example(report) => report.target.clone(),
    }
}
