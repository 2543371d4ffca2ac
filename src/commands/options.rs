//! Settings merged from the command line, the config's [settings] and the
//! defaults, in that order of precedence.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, eyre};

use crate::cli::{CollectArgs, EngineArg, RedactArgs, RedactMore, RemoteArgs};
use crate::collect::container::Engine;
use crate::collect::plan::Plan;
use crate::config::{Config, EngineName, Settings};
use crate::export::redact::{self, Redactor};
use crate::fsutil::human_bytes;
use crate::output::sanitize::one_line;
use crate::profile::{Profile, load_profile, user_profile_dir};

fn settings(config: Option<&Config>) -> Settings {
    config.map(|c| c.settings.clone()).unwrap_or_default()
}

pub fn profile(args: &CollectArgs, config: Option<&Config>) -> Result<Profile> {
    let spec =
        args.profile.clone().or(settings(config).profile).unwrap_or_else(|| "default".into());
    Ok(load_profile(&spec, user_profile_dir().as_deref())?)
}

/// Bytes kept per fact: the probe computes `$((M+1))` in the host's shell
/// arithmetic, and every fact of every host may hold this much at once.
pub const MAX_BYTES: RangeInclusive<usize> = 1..=64 << 20;
/// Facts run at once on one host (`--jobs`).
pub const JOBS: RangeInclusive<usize> = 1..=1024;
/// Hosts collected at once (`--workers`): a thread and a connection each.
pub const WORKERS: RangeInclusive<usize> = 1..=1024;
/// Any timeout, in seconds: more than nothing, less than a day.
const MAX_SECONDS: f64 = 86_400.0;

/// A numeric option or setting out of its range: which one (the flag, or the
/// key and the config file), the range, and the value given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub name: String,
    pub allowed: String,
    pub value: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must be {}, not {}", self.name, self.allowed, self.value)
    }
}

impl std::error::Error for OptionError {}

/// A value from the command line (`flag`), else the config's `[settings]`
/// (`key`), with the name to use in a message about it.
fn pick<T: Copy>(
    cli: Option<T>,
    setting: Option<T>,
    flag: &str,
    key: &str,
    config: Option<&Config>,
) -> Option<(T, String)> {
    if let Some(value) = cli {
        return Some((value, flag.to_owned()));
    }
    let file = config
        .and_then(|c| c.origin.as_ref())
        .map_or_else(|| crate::config::FILE_NAME.to_owned(), |path| path.display().to_string());
    setting.map(|value| (value, format!("`{key}` in [settings] of {file}")))
}

/// `value` if in `range`; `bytes` adds the size in MiB to the message.
fn count(
    value: usize,
    name: String,
    range: &RangeInclusive<usize>,
    bytes: bool,
) -> Result<usize, OptionError> {
    if range.contains(&value) {
        return Ok(value);
    }
    let (low, high) = (*range.start(), *range.end());
    let high =
        if bytes { format!("{high} ({})", human_bytes(high as u64)) } else { high.to_string() };
    Err(OptionError {
        name,
        allowed: format!("between {low} and {high}"),
        value: value.to_string(),
    })
}

fn seconds(value: f64, name: String) -> Result<Duration, OptionError> {
    if !(value.is_finite() && value > 0.0 && value < MAX_SECONDS) {
        return Err(OptionError {
            name,
            allowed: format!("a positive number of seconds below {MAX_SECONDS}"),
            value: value.to_string(),
        });
    }
    Ok(Duration::from_secs_f64(value))
}

/// The one collection plan of a run: each setting from the command line,
/// else the config's `[settings]`, else the default. `remote` is `None` for
/// commands without the remote options (`probe`). Every number is checked
/// against its range before anything runs.
pub fn plan(
    collect: &CollectArgs,
    remote: Option<&RemoteArgs>,
    config: Option<&Config>,
) -> Result<Plan> {
    let s = settings(config);
    let mut plan = Plan::new(Arc::new(profile(collect, config)?));
    let no_remote_args = RemoteArgs::default();
    let remote_args = remote.unwrap_or(&no_remote_args);
    let pick_f64 = |cli, setting, flag, key| pick(cli, setting, flag, key, config);
    if let Some((t, name)) =
        pick_f64(collect.timeout, s.command_timeout, "--timeout", "command_timeout")
    {
        plan.collect.command_timeout = seconds(t, name)?;
    }
    if let Some((n, name)) = pick(collect.jobs, None, "--jobs", "jobs", config) {
        plan.collect.max_parallel = count(n, name, &JOBS, false)?;
    }
    if let Some((n, name)) =
        pick(collect.max_bytes, s.max_bytes, "--max-bytes", "max_bytes", config)
    {
        plan.collect.max_bytes = count(n, name, &MAX_BYTES, true)?;
    }
    if let Some((t, name)) = pick_f64(
        remote_args.connect_timeout,
        s.connect_timeout,
        "--connect-timeout",
        "connect_timeout",
    ) {
        plan.ssh.connect_timeout = seconds(t, name)?;
    }
    if let Some((t, name)) =
        pick_f64(remote_args.host_timeout, s.host_timeout, "--host-timeout", "host_timeout")
    {
        plan.host_timeout = seconds(t, name)?;
    }
    if let Some((n, name)) = pick(remote_args.workers, s.workers, "--workers", "workers", config) {
        plan.workers = count(n, name, &WORKERS, false)?;
    }
    plan.ssh.accept_new = remote_args.accept_new;
    plan.ssh.config_file = remote_args.ssh_config.clone().or(s.ssh_config);
    if let Some(dir) = &collect.app_dir {
        // Refused now: a typo must not quietly read no app at all.
        if !dir.is_dir() {
            return Err(eyre!(
                "--app-dir {}: no such folder",
                one_line(&dir.display().to_string())
            ));
        }
        plan.app_dir.clone_from(dir);
    }
    plan.containers.engine = match (remote_args.engine, s.engine) {
        (Some(EngineArg::Docker), _) | (None, Some(EngineName::Docker)) => Some(Engine::Docker),
        (Some(EngineArg::Podman), _) | (None, Some(EngineName::Podman)) => Some(Engine::Podman),
        (None, None) => None,
    };
    plan.containers.run_args = s.engine_run_args.unwrap_or_default();
    plan.roles =
        crate::backing::roles::roles(&config.map(Config::app_services).unwrap_or_default());
    Ok(plan)
}

/// The redactor an export uses, or none under `--no-redact`.
pub fn redactor(args: &RedactArgs) -> Option<Redactor> {
    if args.no_redact {
        return None;
    }
    Some(Redactor::new(redact::Options { hosts: args.redact.contains(&RedactMore::Hosts) }))
}
