//! Collecting one fact on this machine: try its sources in order, run or
//! read them, and let `evidence` decide the fact.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::CollectOptions;
use super::builtin::LocalSystem;
use super::command;
use super::evidence::{Attempt, Decider, Run, absent_label, read_from};
use super::locate::locate;
use crate::model::Fact;
use crate::output::sanitize;
use crate::profile::{FactDef, Source, SourceKind};

/// What every fact of one local collection shares.
pub struct LocalContext {
    pub system: LocalSystem,
    pub path_var: Option<OsString>,
    /// The app folder (`--app-dir`, default the current folder, as the
    /// run's plan says): where sources marked `app` are asked. `None`, as
    /// for a remote target without `app_dir`: those sources are absent.
    pub app_dir: Option<PathBuf>,
}

impl LocalContext {
    /// This process's own PATH, as a user's shell would search it.
    pub fn new() -> Self {
        Self::with_path(std::env::var_os("PATH"))
    }

    /// A PATH of the caller's choosing: tests put their own tool folders on it.
    pub fn with_path(path_var: Option<OsString>) -> Self {
        LocalContext { system: LocalSystem::default(), path_var, app_dir: None }
    }
}

impl Default for LocalContext {
    fn default() -> Self {
        Self::new()
    }
}

pub fn collect_fact(def: &FactDef, ctx: &LocalContext, opts: &CollectOptions) -> Fact {
    let started = Instant::now();
    let mut decider = Decider::new(def);
    let mut answer = None;
    for source in &def.sources {
        answer = decider.feed(source, attempt(source, ctx, opts));
        if answer.is_some() {
            break;
        }
    }
    let mut fact = answer.unwrap_or_else(|| decider.missing());
    fact.duration_ms = millis(started.elapsed());
    fact
}

fn attempt(source: &Source, ctx: &LocalContext, opts: &CollectOptions) -> Attempt {
    let app_dir = ctx.app_dir.as_deref().filter(|_| source.in_app);
    if source.in_app && app_dir.is_none_or(|d| !d.is_dir()) {
        return Attempt::Absent(absent_label(source));
    }
    // Every command runs in the app folder, as the developer's shell there
    // would run it: version managers' shims (mise, asdf, pyenv, nodenv,
    // rbenv) then answer with the version the project pins.
    let run_dir = ctx.app_dir.as_deref().filter(|d| d.is_dir());
    match &source.kind {
        SourceKind::Command(argv) => {
            let Some(found) = locate(&argv[0], ctx.path_var.as_deref()) else {
                return Attempt::Absent(absent_label(source));
            };
            let (timeout, max) = (opts.command_timeout, opts.max_bytes);
            let outcome = match run_dir {
                Some(dir) => command::run_in(dir, &found.path, &argv[1..], timeout, max),
                None => command::run(&found.path, &argv[1..], timeout, max),
            };
            Attempt::Ran(Run {
                argv: argv.clone(),
                found_at: found.path.display().to_string(),
                shadowed: found.shadowed.iter().map(|p| p.display().to_string()).collect(),
                output: sanitize::clean_output(&outcome.output),
                exit_code: outcome.exit_code,
                timed_out: outcome.timed_out,
                truncated: outcome.truncated,
                spawn_error: outcome.spawn_error,
            })
        }
        SourceKind::File { path, near, .. } => {
            let file = match near {
                None => app_dir.map_or_else(|| PathBuf::from(path), |dir| dir.join(path)),
                Some(program) => {
                    let Some(found) = locate(program, ctx.path_var.as_deref()) else {
                        return Attempt::Absent(absent_label(source));
                    };
                    let real = std::fs::canonicalize(&found.path).unwrap_or(found.path);
                    real.parent().unwrap_or(std::path::Path::new("/")).join(path)
                }
            };
            // At most the cap is read, and only from a regular file: a FIFO
            // or a device there would block or never end.
            let Ok((bytes, truncated)) = crate::fsutil::read_prefix(&file, opts.max_bytes) else {
                return Attempt::Absent(absent_label(source));
            };
            Attempt::Read {
                text: sanitize::clean_output(&bytes),
                // In the app folder: named as written, as the probe names it
                // (the folder is the target's, said where the target is).
                found_at: Some(if app_dir.is_some() {
                    path.clone()
                } else {
                    file.display().to_string()
                }),
                truncated,
            }
        }
        SourceKind::Env(var) => match std::env::var_os(var).filter(|v| !v.is_empty()) {
            Some(value) => Attempt::Read {
                text: sanitize::strip_control(&value.to_string_lossy()),
                found_at: read_from(source),
                truncated: false,
            },
            None => Attempt::Absent(absent_label(source)),
        },
        SourceKind::Builtin(builtin) => match ctx.system.answer(*builtin) {
            Some(raw) => Attempt::Read {
                text: sanitize::strip_control(&raw),
                found_at: None,
                truncated: false,
            },
            None => Attempt::Absent(absent_label(source)),
        },
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
