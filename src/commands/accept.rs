//! `paritty accept`: today's divergences recorded in the accepted-drift
//! file (`./paritty-accepted.toml` unless `--accepted` names another).

use std::process::{Command, ExitCode, Stdio};

use color_eyre::eyre::{Result, eyre};

use super::accepted::{load, path, today};
use super::diff::{compare, report_failures};
use super::{EXIT_ERROR, EXIT_OK, collecting, options, say};
use crate::cli::{AcceptArgs, RedactArgs};
use crate::compare::accepted::{self, Acceptance, Request};
use crate::config::Config;
use crate::output::sanitize::one_line;

pub fn run(args: &AcceptArgs, config: Option<&Config>) -> Result<ExitCode> {
    let today = today();
    let expires = args
        .expires
        .clone()
        .map(|d| accepted::date("--expires", d))
        .transpose()
        .map_err(|m| eyre!(m))?;
    if let Some(d) = expires.as_deref().filter(|d| *d < today.as_str()) {
        say(format_args!("warning: --expires {d} has passed: check fails on these at once"));
    }
    let (by, whence) = match &args.by {
        Some(by) => (one_line(by), "--by"),
        None => who(),
    };
    if by.trim().is_empty() {
        return Err(eyre!("who accepts is unknown (no git user.name, no $USER): give --by NAME"));
    }
    // Read before collecting: a file that cannot be read is not replaced.
    let path = path(&args.file);
    let existing = load(&args.file)?.map(|(_, entries)| entries).unwrap_or_default();
    let targets = collecting::targets(&args.targets, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let reports = collecting::collect(&targets, &plan);
    let comparison = compare(&reports, args.baseline.as_deref(), config, None)?;
    let reason = args.reason.as_deref().map(one_line);
    let request =
        Request { reason: reason.as_deref(), by: &by, today: &today, expires: expires.as_deref() };
    let mut recorded = accepted::record(&comparison, existing, &request);
    forget_secrets(&mut recorded.entries);
    super::write_out(&path, &accepted::render(&recorded.entries))?;
    say(format_args!(
        "accepted as {by} (from {whence}): {} new, {} updated, {} no longer needed removed; {} in the file",
        recorded.added,
        recorded.updated,
        recorded.removed.len(),
        recorded.entries.len()
    ));
    for gone in &recorded.removed {
        say(format_args!("no longer needed, removed: {} {}", gone.host, gone.fact));
    }
    // The hosts that worked are recorded; one that failed fails the run.
    let failed = report_failures(&reports, None);
    Ok(ExitCode::from(if failed > 0 { EXIT_ERROR } else { EXIT_OK }))
}

/// Who accepts: git's `user.name` (as `git config user.name` answers
/// here), else `$USER`, else `$LOGNAME`; and which one it was.
fn who() -> (String, &'static str) {
    let git = Command::new("git")
        .args(["config", "user.name"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| one_line(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|name| !name.is_empty());
    if let Some(name) = git {
        return (name, "git config user.name");
    }
    for var in ["USER", "LOGNAME"] {
        if let Some(name) = std::env::var_os(var).map(|v| one_line(&v.to_string_lossy()))
            && !name.trim().is_empty()
        {
            return (name, if var == "USER" { "$USER" } else { "$LOGNAME" });
        }
    }
    (String::new(), "nowhere")
}

/// Values that redaction would hide (a secret) are not written down: the
/// file is committed. Such an acceptance is judged by its severity alone.
fn forget_secrets(entries: &mut [Acceptance]) {
    let Some(mut redactor) = options::redactor(&RedactArgs::default()) else { return };
    for e in entries {
        let secret =
            [&e.baseline_value, &e.value].into_iter().flatten().any(|v| redactor.text(v) != *v);
        if secret {
            e.baseline_value = None;
            e.value = None;
        }
    }
}
