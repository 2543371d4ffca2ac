//! The targets collection works on: this machine, an SSH host, or a
//! snapshot file written earlier. How a user names one is `crate::target`'s
//! business; collecting it is this module's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::ssh::JumpHop;
use crate::output::sanitize::one_line;

/// A machine to collect, as named by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Local,
    Ssh(SshTarget),
    /// A snapshot file written earlier (a teammate's, yesterday's prod).
    Snapshot(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    /// The name shown in reports: the inventory name or what was typed.
    pub name: String,
    /// What ssh_config resolution starts from (alias or host name).
    pub host: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub labels: BTreeMap<String, String>,
    /// A key file tried before ssh_config's (like `ssh -i`): an Ansible
    /// inventory's `ansible_ssh_private_key_file`.
    pub identity_file: Option<PathBuf>,
    /// Jump hosts instead of ssh_config's ProxyJump (like `ssh -J`): from an
    /// Ansible inventory's `ansible_ssh_common_args`.
    pub proxy_jump: Option<Vec<JumpHop>>,
}

impl Target {
    /// The name shown for the target everywhere (progress, reports,
    /// exports), made one clean line: a file name or an inventory name is
    /// text from outside and may hold escape sequences.
    pub fn name(&self) -> String {
        match self {
            Target::Local => "local".to_owned(),
            Target::Ssh(t) => one_line(&t.name),
            Target::Snapshot(path) => one_line(&path.to_string_lossy()),
        }
    }
}
