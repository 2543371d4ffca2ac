//! Collecting one fact on this machine: try its sources in order, run or
//! read the first one present, and keep the evidence.

use std::ffi::OsString;
use std::time::{Duration, Instant};

use super::CollectOptions;
use super::builtin::LocalSystem;
use super::command;
use super::locate::locate;
use crate::model::{Fact, Status};
use crate::probe::{keyvalue, sanitize};
use crate::profile::{Extract, FactDef, Source, SourceKind};

/// What every fact of one local collection shares.
pub struct LocalContext {
    pub system: LocalSystem,
    pub path_var: Option<OsString>,
}

impl LocalContext {
    /// This process's own PATH, as a user's shell would search it.
    pub fn new() -> Self {
        Self::with_path(std::env::var_os("PATH"))
    }

    /// A PATH of the caller's choosing: tests put their own tool folders on it.
    pub fn with_path(path_var: Option<OsString>) -> Self {
        LocalContext {
            system: LocalSystem::default(),
            path_var,
        }
    }
}

impl Default for LocalContext {
    fn default() -> Self {
        Self::new()
    }
}

pub fn collect_fact(def: &FactDef, ctx: &LocalContext, opts: &CollectOptions) -> Fact {
    let started = Instant::now();
    let mut looked_for = Vec::new();
    for source in &def.sources {
        if let Some(mut fact) = try_source(source, ctx, opts, &mut looked_for) {
            fact.duration_ms = millis(started.elapsed());
            return labelled(fact, def);
        }
    }
    // Nothing present: a normal answer, not an error.
    let mut fact = Fact::empty(Status::Missing);
    fact.raw = format!("not found: {}", looked_for.join(", "));
    fact.duration_ms = millis(started.elapsed());
    labelled(fact, def)
}

fn labelled(mut fact: Fact, def: &FactDef) -> Fact {
    fact.label.clone_from(&def.label);
    fact.category.clone_from(&def.category);
    fact
}

/// The fact from this source, or `None` when its program, file, key or
/// variable is absent (then the next source is tried). `looked_for`
/// collects what was missing, for the evidence of a `missing` fact.
fn try_source(
    source: &Source,
    ctx: &LocalContext,
    opts: &CollectOptions,
    looked_for: &mut Vec<String>,
) -> Option<Fact> {
    match &source.kind {
        SourceKind::Command(argv) => {
            let Some(found) = locate(&argv[0], ctx.path_var.as_deref()) else {
                looked_for.push(argv[0].clone());
                return None;
            };
            let outcome = command::run(
                &found.path,
                &argv[1..],
                opts.command_timeout,
                opts.max_bytes,
            );
            let mut fact = if let Some(why) = outcome.spawn_error {
                let mut f = Fact::empty(Status::Error);
                f.raw = format!("could not run {}: {why}", found.path.display());
                f
            } else {
                let raw = sanitize::clean_output(&outcome.output);
                if source
                    .absent_if
                    .as_ref()
                    .is_some_and(|re| re.is_match(&raw))
                {
                    looked_for.push(format!("{} (ran, reports it absent)", argv.join(" ")));
                    return None;
                }
                if outcome.timed_out {
                    let mut f = Fact::empty(Status::Timeout);
                    f.raw = raw;
                    f
                } else {
                    let mut f = extracted(&source.extract, raw);
                    f.exit_code = outcome.exit_code;
                    f
                }
            };
            fact.truncated = outcome.truncated;
            fact.command = Some(argv.clone());
            fact.found_at = Some(found.path.display().to_string());
            fact.shadowed = found
                .shadowed
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            Some(fact)
        }
        SourceKind::File { path, key } => {
            let Ok(bytes) = std::fs::read(path) else {
                looked_for.push(path.clone());
                return None;
            };
            let capped = &bytes[..bytes.len().min(opts.max_bytes)];
            let text = sanitize::clean_output(capped);
            let raw = match key {
                Some(key) => {
                    let Some(line) = keyvalue::line_of(&text, key) else {
                        looked_for.push(format!("{key} in {path}"));
                        return None;
                    };
                    // The value alone is what the parser sees; the line is
                    // kept as evidence.
                    let value = keyvalue::lookup(&text, key).unwrap_or_default();
                    let mut fact = extracted(&source.extract, value);
                    line.clone_into(&mut fact.raw);
                    fact.found_at = Some(path.clone());
                    return Some(fact);
                }
                None => text,
            };
            let mut fact = extracted(&source.extract, raw);
            fact.truncated = bytes.len() > opts.max_bytes;
            fact.found_at = Some(path.clone());
            Some(fact)
        }
        SourceKind::Env(var) => {
            let value = std::env::var_os(var).filter(|v| !v.is_empty());
            let Some(value) = value else {
                looked_for.push(format!("${var}"));
                return None;
            };
            let raw = sanitize::strip_control(&value.to_string_lossy());
            let mut fact = extracted(&source.extract, raw);
            fact.found_at = Some(format!("${var}"));
            Some(fact)
        }
        SourceKind::Builtin(builtin) => {
            let Some(raw) = ctx.system.answer(*builtin) else {
                looked_for.push(format!("builtin {}", builtin.name()));
                return None;
            };
            Some(extracted(&source.extract, sanitize::strip_control(&raw)))
        }
    }
}

/// `ok` with the extracted value, or `error` when the output does not
/// contain one; the raw text is kept either way.
fn extracted(extract: &Extract, raw: String) -> Fact {
    let value = extract.apply(&raw);
    let mut fact = Fact::empty(if value.is_some() {
        Status::Ok
    } else {
        Status::Error
    });
    fact.value = value;
    fact.raw = raw;
    fact
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
