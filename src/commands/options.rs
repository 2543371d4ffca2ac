//! Settings merged from the command line, the config's [settings] and the
//! defaults, in that order of precedence.

use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, bail};

use crate::cli::{CollectArgs, EngineArg, RedactArgs, RedactMore, RemoteArgs};
use crate::collect::container::Engine;
use crate::collect::plan::Plan;
use crate::config::{Config, EngineName, Settings};
use crate::export::redact::{self, Redactor};
use crate::profile::{Profile, load_profile, user_profile_dir};

fn settings(config: Option<&Config>) -> Settings {
    config.map(|c| c.settings.clone()).unwrap_or_default()
}

pub fn profile(args: &CollectArgs, config: Option<&Config>) -> Result<Profile> {
    let spec =
        args.profile.clone().or(settings(config).profile).unwrap_or_else(|| "default".into());
    Ok(load_profile(&spec, user_profile_dir().as_deref())?)
}

/// The one collection plan of a run: each setting from the command line,
/// else the config's `[settings]`, else the default. `remote` is `None` for
/// commands without the remote options (`probe`).
pub fn plan(
    collect: &CollectArgs,
    remote: Option<&RemoteArgs>,
    config: Option<&Config>,
) -> Result<Plan> {
    let s = settings(config);
    let mut plan = Plan::new(Arc::new(profile(collect, config)?));
    if let Some(timeout) = collect.timeout.or(s.command_timeout) {
        plan.collect.command_timeout = seconds("--timeout", timeout)?;
    }
    plan.collect.max_parallel = collect.jobs.unwrap_or(plan.collect.max_parallel);
    plan.collect.max_bytes = collect.max_bytes.or(s.max_bytes).unwrap_or(plan.collect.max_bytes);
    if plan.collect.max_parallel == 0 {
        bail!("--jobs must be at least 1");
    }
    if plan.collect.max_bytes == 0 {
        bail!("--max-bytes must be at least 1");
    }
    let no_remote_args = RemoteArgs::default();
    let remote_args = remote.unwrap_or(&no_remote_args);
    if let Some(t) = remote_args.connect_timeout.or(s.connect_timeout) {
        plan.ssh.connect_timeout = seconds("--connect-timeout", t)?;
    }
    if let Some(t) = remote_args.host_timeout.or(s.host_timeout) {
        plan.host_timeout = seconds("--host-timeout", t)?;
    }
    plan.workers = remote_args.workers.or(s.workers).unwrap_or(plan.workers);
    if plan.workers == 0 {
        bail!("--workers must be at least 1");
    }
    plan.ssh.accept_new = remote_args.accept_new;
    plan.ssh.config_file = remote_args.ssh_config.clone().or(s.ssh_config);
    plan.containers.engine = match (remote_args.engine, s.engine) {
        (Some(EngineArg::Docker), _) | (None, Some(EngineName::Docker)) => Some(Engine::Docker),
        (Some(EngineArg::Podman), _) | (None, Some(EngineName::Podman)) => Some(Engine::Podman),
        (None, None) => None,
    };
    plan.containers.run_args = s.engine_run_args.unwrap_or_default();
    Ok(plan)
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
