//! Settings merged from the command line, the config's [settings] and the
//! defaults, in that order of precedence.

use std::time::Duration;

use color_eyre::eyre::{Result, bail};

use crate::cli::{CollectArgs, RedactArgs, RedactMore, RemoteArgs};
use crate::collect::CollectOptions;
use crate::config::{Config, Settings};
use crate::export::redact::{self, Redactor};
use crate::profile::{Profile, load_profile, user_profile_dir};

pub const DEFAULT_CONNECT_TIMEOUT: f64 = 5.0;
pub const DEFAULT_HOST_TIMEOUT: f64 = 30.0;
pub const DEFAULT_WORKERS: usize = 32;

fn settings(config: Option<&Config>) -> Settings {
    config.map(|c| c.settings.clone()).unwrap_or_default()
}

pub fn profile(args: &CollectArgs, config: Option<&Config>) -> Result<Profile> {
    let spec =
        args.profile.clone().or(settings(config).profile).unwrap_or_else(|| "default".into());
    Ok(load_profile(&spec, user_profile_dir().as_deref())?)
}

pub fn collect(args: &CollectArgs, config: Option<&Config>) -> Result<CollectOptions> {
    let s = settings(config);
    let defaults = CollectOptions::default();
    let timeout = args.timeout.or(s.command_timeout);
    let jobs = args.jobs.unwrap_or(defaults.max_parallel);
    let max_bytes = args.max_bytes.or(s.max_bytes).unwrap_or(defaults.max_bytes);
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    if max_bytes == 0 {
        bail!("--max-bytes must be at least 1");
    }
    Ok(CollectOptions {
        command_timeout: timeout
            .map(|t| seconds("--timeout", t))
            .transpose()?
            .unwrap_or(defaults.command_timeout),
        max_bytes,
        max_parallel: jobs,
    })
}

/// (connect timeout, host timeout, workers)
pub fn remote(args: &RemoteArgs, config: Option<&Config>) -> Result<(Duration, Duration, usize)> {
    let s = settings(config);
    let connect = seconds(
        "--connect-timeout",
        args.connect_timeout.or(s.connect_timeout).unwrap_or(DEFAULT_CONNECT_TIMEOUT),
    )?;
    let host = seconds(
        "--host-timeout",
        args.host_timeout.or(s.host_timeout).unwrap_or(DEFAULT_HOST_TIMEOUT),
    )?;
    let workers = args.workers.or(s.workers).unwrap_or(DEFAULT_WORKERS);
    if workers == 0 {
        bail!("--workers must be at least 1");
    }
    Ok((connect, host, workers))
}

fn seconds(what: &str, value: f64) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0 && value < 86_400.0) {
        bail!("{what} must be a positive number of seconds, not {value}");
    }
    Ok(Duration::from_secs_f64(value))
}

/// The redactor an export uses, or none under `--no-redact`.
pub fn redactor(args: &RedactArgs) -> Option<Redactor> {
    if args.no_redact {
        return None;
    }
    Some(Redactor::new(redact::Options { hosts: args.redact.contains(&RedactMore::Hosts) }))
}
