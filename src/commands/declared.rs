//! `paritty snapshot declared`: what the app folder declares, as paritty
//! read it, without a host to judge (the declarations, the project's
//! disagreements with itself, the files it could not use).

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::{
    EXIT_ERROR, EXIT_OK, app_files, collecting, is_stdout, options, print_stdout, write_out,
};
use crate::backing::endpoint;
use crate::cli::{CollectArgs, RemoteArgs, SnapshotArgs};
use crate::collect::backing::{list_kind, settings};
use crate::collect::plan::Plan;
use crate::collect::target::Target;
use crate::compare::declared::Judged;
use crate::compare::matrix::Comparison;
use crate::config::Config;
use crate::declare::compose::AppHost;
use crate::declare::{Declaration, Declarations, read::read_dir_for};
use crate::export::SnapshotFormat;
use crate::export::redact::Redactor;

/// The target word for what the app folder declares.
pub const DECLARED: &str = "declared";

/// The declarations to judge by: those of `--declared-from HOST`'s app
/// folder, read there, else this machine's (`--app-dir`, default here).
pub fn declarations(
    collect: &CollectArgs,
    remote: &RemoteArgs,
    config: Option<&Config>,
    plan: &Plan,
) -> Result<Declarations> {
    let Some(host) = &collect.declared_from else {
        let dir = collect.app_dir.as_deref().unwrap_or(Path::new("."));
        return Ok(here(plan, dir));
    };
    let targets = collecting::targets(std::slice::from_ref(host), config, remote)?;
    match targets.as_slice() {
        [Target::Local] => Ok(here(plan, &plan.app_dir)),
        [target] => app_files::read(target, plan),
        _ => Err(eyre!("--declared-from names one host; `{host}` is {}", targets.len())),
    }
}

/// The roles whose URLs, as this machine's app reads them (the
/// environment, then the app folder's `.env`: `collect::backing::settings`),
/// name a host: a compose service of that name plays the role. Only the
/// host is kept; the rest of the URL (credentials) goes no further.
fn app_hosts(plan: &Plan, dir: &Path) -> Vec<AppHost> {
    let env = |name: &str| std::env::var(name).ok();
    let found = settings::find(&plan.roles, &env, dir, None);
    found
        .settings
        .iter()
        .filter_map(|s| {
            let host = endpoint::parse(&s.value, list_kind(&s.var)).ok()?.host?;
            Some(AppHost { role: s.role.clone(), host })
        })
        .collect()
}

/// What this machine's app folder `dir` declares: its declaration files,
/// and its lock files' pins, each an exact constraint on its `deps.*` fact
/// by the ecosystem's rules (two lock files pinning one package apart are
/// the project disagreeing with itself, as for any declaration).
fn here(plan: &Plan, dir: &Path) -> Declarations {
    use crate::collect::deps::local;
    let mut declarations = read_dir_for(dir, &app_hosts(plan, dir));
    let path = std::env::var_os("PATH");
    // Only the pins count here: the environment's `VIRTUAL_ENV` and
    // `BUNDLE_*` (where packages are installed) are not asked.
    let found = local::read(&local::Here {
        app_dir: dir,
        virtual_env: None,
        path_var: path.as_deref(),
        bundle_path: None,
        bundle_app_config: None,
    });
    app_files::add_pins(&mut declarations, found.pinned.iter().filter(|p| p.nested.is_none()));
    declarations
}

/// The declarations judged against `comparison`'s hosts.
pub fn judge(declarations: Declarations, comparison: &Comparison) -> Judged {
    Judged::build(declarations, comparison)
}

/// One line per unusable declaration file (and per warning) on stderr,
/// redacted by `redactor` if given (a message may quote the file); how
/// many files could not be used (warnings do not fail a run).
pub fn report_problems(judged: &Judged, mut redactor: Option<&mut Redactor>) -> usize {
    for problem in &judged.declarations.problems {
        let line = format!("declaration file {problem}");
        super::say(match redactor.as_deref_mut() {
            Some(redactor) => redactor.text(&line),
            None => line,
        });
    }
    judged.declarations.problems.iter().filter(|p| !p.warning).count()
}

#[derive(Serialize)]
struct Listing<'a> {
    app_dir: String,
    declarations: &'a [Declaration],
    disagreements: Vec<String>,
    problems: Vec<String>,
}

/// `snapshot declared`: text on a terminal, JSON otherwise (or asked for).
pub fn snapshot(args: &SnapshotArgs, config: Option<&Config>) -> Result<ExitCode> {
    if args.targets.len() > 1 {
        return Err(eyre!(
            "`snapshot declared` lists the app's declarations; name no host with it"
        ));
    }
    let empty = Comparison { baseline: 0, columns: Vec::new(), rows: Vec::new() };
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let mut judged = judge(declarations(&args.collect, &args.remote, config, &plan)?, &empty);
    let mut app_dir = judged.declarations.app_dir.clone();
    if let Some(mut redactor) = options::redactor(&args.redaction) {
        for item in &mut judged.declarations.items {
            item.constraint = redactor.text(&item.constraint);
        }
        app_dir = redactor.text(&app_dir);
    }
    let to_stdout = args.out.as_deref().is_none_or(is_stdout);
    let format = args.format.unwrap_or(if to_stdout && std::io::stdout().is_terminal() {
        SnapshotFormat::Text
    } else {
        SnapshotFormat::Json
    });
    let text = match format {
        SnapshotFormat::Json => {
            let listing = Listing {
                app_dir,
                declarations: &judged.declarations.items,
                disagreements: judged.disagreement_lines(),
                problems: judged.declarations.problems.iter().map(ToString::to_string).collect(),
            };
            let mut json = serde_json::to_string_pretty(&listing)?;
            json.push('\n');
            json
        }
        SnapshotFormat::Text => text(&judged, &app_dir),
        SnapshotFormat::Md | SnapshotFormat::Html => {
            return Err(eyre!("`snapshot declared` writes text or json"));
        }
    };
    match &args.out {
        Some(path) if !is_stdout(path) => write_out(path, &text)?,
        _ => print_stdout(&text)?,
    }
    let failed = report_problems(&judged, None);
    Ok(ExitCode::from(if failed > 0 { EXIT_ERROR } else { EXIT_OK }))
}

/// An aligned list: fact, constraint, where, whose rules.
fn text(judged: &Judged, app_dir: &str) -> String {
    let items = &judged.declarations.items;
    let width = |f: fn(&Declaration) -> usize| items.iter().map(f).max().unwrap_or(0);
    let fact = width(|d| d.fact.chars().count());
    let constraint = width(|d| d.constraint.chars().count());
    let source = width(|d| d.source().chars().count());
    let mut out = format!("declared in {app_dir}\n");
    for d in items {
        let rules = serde_json::to_value(d.rules).ok();
        let rules = rules.as_ref().and_then(|r| r.as_str()).unwrap_or("");
        let line = format!(
            "  {:fact$}  {:constraint$}  {:source$}  {rules}",
            d.fact,
            d.constraint,
            d.source()
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if items.is_empty() {
        out.push_str("  (nothing declared)\n");
    }
    for line in judged.disagreement_lines() {
        let _ = writeln!(out, "{line}");
    }
    out
}
