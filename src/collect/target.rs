//! The targets collection works on: this machine, an SSH host, a container
//! (of this machine's engine or of an SSH host's), an image of a local
//! engine, a Kubernetes pod, a user's own argv, or a snapshot file written
//! earlier. How a user names one is `crate::target`'s
//! business; collecting it is this module's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::container::Engine;
use super::ssh::JumpHop;
use crate::output::sanitize::one_line;

/// A machine to collect, as named by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Local,
    Ssh(SshTarget),
    /// A snapshot file written earlier (a teammate's, yesterday's prod).
    Snapshot(PathBuf),
    /// A running container of this machine's engine (`podman:web`) or of
    /// an SSH host's (`podman:web@prod-1`).
    Container(ContainerTarget),
    /// A throwaway container of an image (`image:localhost/app:1`).
    Image(ImageTarget),
    /// A container of a Kubernetes pod (`k8s:shop/web-0`).
    Pod(PodTarget),
    /// A `[[host]]` with `exec = [...]`: the probe on that argv's stdin.
    Exec(ExecTarget),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTarget {
    /// The name shown in reports: the inventory name or what was typed.
    pub name: String,
    /// Each part checked by `crate::target` (Kubernetes' name rules):
    /// nothing that kubectl could read as an option.
    pub context: Option<String>,
    pub namespace: String,
    pub workload: Workload,
    pub container: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Where the app lives in the pod's container (`app_dir`), if named.
    pub app_dir: Option<String>,
}

/// What kubectl is asked to exec into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Workload {
    Pod(String),
    /// `deploy/NAME`: kubectl picks one of its pods.
    Deployment(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecTarget {
    /// The inventory name.
    pub name: String,
    /// The argv, at least a program; run as it is, no shell.
    pub argv: Vec<String>,
    pub labels: BTreeMap<String, String>,
    /// Where the app lives where the argv leads (`app_dir`), if named.
    pub app_dir: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerTarget {
    /// The name shown in reports: the inventory name or what was typed.
    pub name: String,
    pub engine: Engine,
    /// The container's name or id, checked with [`is_container_name`] (no
    /// option injection, no blanks).
    pub container: String,
    pub labels: BTreeMap<String, String>,
    /// Where the app lives inside the container (`app_dir`), if named.
    pub app_dir: Option<String>,
    /// The SSH host whose engine runs it; `None`: this machine's.
    pub on: Option<Box<SshTarget>>,
}

/// Docker's and Podman's own rule for names (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`),
/// which ids also follow: nothing that could be read as an option, nothing
/// a shell would interpret. Names typed by the user and names an engine
/// lists (`--containers`) pass the same check.
pub fn is_container_name(name: &str) -> bool {
    name.len() <= 253
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
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
    /// A key file tried before ssh_config's (like `ssh -i`): an Ansible
    /// inventory's `ansible_ssh_private_key_file`.
    pub identity_file: Option<PathBuf>,
    /// Jump hosts instead of ssh_config's ProxyJump (like `ssh -J`): from an
    /// Ansible inventory's `ansible_ssh_common_args`.
    pub proxy_jump: Option<Vec<JumpHop>>,
    /// Where the app lives on the host (`app_dir` in paritty.toml): the
    /// folder its declarations, `.env` and revision are read from.
    pub app_dir: Option<String>,
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
            Target::Container(t) => one_line(&t.name),
            Target::Image(t) => one_line(&t.name),
            Target::Pod(t) => one_line(&t.name),
            Target::Exec(t) => one_line(&t.name),
        }
    }

    /// The app folder named for a remote target or container
    /// (paritty.toml's `app_dir`); this machine's is chosen on the command
    /// line (`--app-dir`, else the current folder), so `None` here.
    pub fn app_dir(&self) -> Option<&str> {
        match self {
            Target::Ssh(t) => t.app_dir.as_deref(),
            Target::Container(t) => t.app_dir.as_deref(),
            Target::Pod(t) => t.app_dir.as_deref(),
            Target::Exec(t) => t.app_dir.as_deref(),
            Target::Local | Target::Snapshot(_) | Target::Image(_) => None,
        }
    }
}
