//! How to collect: one value that says everything a collection needs
//! (profile, timeouts, workers, jobs, byte cap, host-key policy, transport
//! settings), built once from CLI > config > defaults and used by every
//! command and the interactive view alike.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::CollectOptions;
use super::ssh::auth::PassphrasePrompt;
use super::ssh::connect::HostKeyPrompt;
use crate::profile::Profile;

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_HOST_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_WORKERS: usize = 32;

/// Everything a collection needs, owned, so workers can outlive the caller.
#[derive(Debug, Clone)]
pub struct Plan {
    pub profile: Arc<Profile>,
    /// Per host: command timeout, byte cap per fact, commands at once.
    pub collect: CollectOptions,
    /// Everything for one host, connecting included.
    pub host_timeout: Duration,
    /// Hosts collected at once.
    pub workers: usize,
    pub ssh: SshPlan,
    pub containers: ContainerPlan,
    /// The app's folder on this machine (`--app-dir`, else the current
    /// folder); remote targets name theirs in paritty.toml.
    pub app_dir: PathBuf,
    /// The app's backing-service roles and the variables naming them (the
    /// well-known ones with paritty.toml's `[app.services]` applied).
    pub roles: Vec<crate::backing::roles::Role>,
}

/// How containers and images are reached.
#[derive(Debug, Clone, Default)]
pub struct ContainerPlan {
    /// The engine for `image:` targets; `None`: docker if installed, else
    /// podman.
    pub engine: Option<super::container::Engine>,
    /// Extra words for `run` (e.g. `--runtime runc`), only as the user
    /// configured them: paritty adds none of its own.
    pub run_args: Vec<String>,
}

/// How SSH hosts are reached.
#[derive(Debug, Clone)]
pub struct SshPlan {
    /// Used when ssh_config sets no ConnectTimeout.
    pub connect_timeout: Duration,
    /// `--accept-new`: trust and remember unknown host keys (never changed ones).
    pub accept_new: bool,
    /// Like `ssh -F`: an ssh_config instead of the user's own.
    pub config_file: Option<PathBuf>,
}

impl Plan {
    /// `profile` collected with every bound at its default.
    pub fn new(profile: Arc<Profile>) -> Plan {
        Plan {
            profile,
            collect: CollectOptions::default(),
            host_timeout: DEFAULT_HOST_TIMEOUT,
            workers: DEFAULT_WORKERS,
            ssh: SshPlan {
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                accept_new: false,
                config_file: None,
            },
            containers: ContainerPlan::default(),
            app_dir: PathBuf::from("."),
            roles: crate::backing::roles::roles(&std::collections::BTreeMap::new()),
        }
    }
}

/// Who answers a host's questions (an unknown host key, an encrypted key's
/// passphrase): the terminal, the interactive view, or nobody (refused).
#[derive(Clone, Copy, Default)]
pub struct Prompts<'p> {
    pub host_key: Option<&'p dyn HostKeyPrompt>,
    pub passphrase: Option<&'p dyn PassphrasePrompt>,
}
