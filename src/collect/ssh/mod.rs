//! Collecting over SSH (ssh2/libssh2) with OpenSSH's semantics: settings from
//! the user's ssh_config, their agent and keys, their known_hosts; one exec
//! channel per host running the probe script of `probe::script`.

#[cfg(unix)]
mod agent_relay;
pub mod auth;
pub mod command;
pub mod connect;
pub mod deadline;
pub mod exec;
pub mod host;
#[cfg(unix)]
pub mod jump;
pub mod known_hosts;
mod relay;
pub mod settings;
pub mod tunnel;

use std::path::PathBuf;
use std::time::Duration;

/// How to reach one host, resolved as `ssh` would resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshSettings {
    /// What the user named: an ssh_config alias, or a host name/address.
    pub alias: String,
    /// Where to connect (ssh_config `HostName`, else the alias).
    pub hostname: String,
    pub port: u16,
    pub user: String,
    /// IdentityFile entries, `~` and `%d`/`%u`/`%h`/`%r` expanded, in order.
    pub identity_files: Vec<PathBuf>,
    pub identities_only: bool,
    /// ProxyJump hops, outermost first; empty for a direct connection.
    pub proxy_jump: Vec<JumpHop>,
    /// ConnectTimeout; `None` when unset (the caller applies its default).
    pub connect_timeout: Option<Duration>,
    pub strict_host_key_checking: StrictHostKeyChecking,
    /// UserKnownHostsFile entries, expanded.
    pub user_known_hosts_files: Vec<PathBuf>,
    /// GlobalKnownHostsFile entries (read, never written).
    pub global_known_hosts_files: Vec<PathBuf>,
    /// HostKeyAlias: the name to look up in known_hosts instead of `hostname`.
    pub host_key_alias: Option<String>,
    /// BatchMode: never prompt.
    pub batch_mode: bool,
    /// HashKnownHosts: a remembered host is written hashed (Debian's
    /// system ssh_config turns this on).
    pub hash_known_hosts: bool,
}

/// One ProxyJump hop as written (`[user@]host[:port]`); each is resolved
/// through ssh_config in turn when connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpHop {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// OpenSSH's StrictHostKeyChecking. Unset means `Ask`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrictHostKeyChecking {
    Yes,
    AcceptNew,
    /// `no`/`off`: unknown keys are added; changed keys are STILL refused by
    /// paritty (OpenSSH would only disable some features).
    No,
    Ask,
}
