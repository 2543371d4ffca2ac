//! The targets collection works on: this machine, an SSH host, a container
//! or image of a local engine, or a snapshot file written earlier. How a user names one is `crate::target`'s
//! business; collecting it is this module's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::container::Engine;

/// A machine to collect, as named by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Local,
    Ssh(SshTarget),
    /// A snapshot file written earlier (a teammate's, yesterday's prod).
    Snapshot(PathBuf),
    /// A running container of this machine's engine (`podman:web`).
    Container(ContainerTarget),
    /// A throwaway container of an image (`image:localhost/app:1`).
    Image(ImageTarget),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerTarget {
    /// The name shown in reports: the inventory name or what was typed.
    pub name: String,
    pub engine: Engine,
    /// The container's name or id, checked by `crate::target` (no option
    /// injection, no blanks).
    pub container: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTarget {
    /// The name shown in reports: what was typed.
    pub name: String,
    /// The image reference, checked by `crate::target`.
    pub reference: String,
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
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Local => "local",
            Target::Ssh(t) => &t.name,
            Target::Snapshot(path) => path.to_str().unwrap_or("snapshot"),
            Target::Container(t) => &t.name,
            Target::Image(t) => &t.name,
        }
    }
}
