//! The user's `paritty.toml`: settings and the inventory of hosts. Every
//! field is optional and unknown keys are refused, so a typo is an error
//! with its file and line rather than a setting silently ignored.
//! `[[group]]` has its own file (`groups.rs`).

mod groups;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use groups::GroupDef;

pub const FILE_NAME: &str = "paritty.toml";

/// The largest config file read; a larger one (or a device) is refused.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, rename = "host")]
    pub hosts: Vec<InventoryHost>,
    /// Named sets of hosts: `@NAME` on the command line, the `groups` label.
    #[serde(default, rename = "group")]
    pub groups: Vec<GroupDef>,
    /// What comparisons ignore or tolerate.
    #[serde(default)]
    pub compare: crate::compare::policy::Policy,
    /// The app: `[app.services]` roles and the variables naming them.
    #[serde(default)]
    pub app: AppSection,
    /// TUI key bindings: action name = key or [keys].
    #[serde(default)]
    pub keys: BTreeMap<String, toml::Spanned<KeyList>>,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// One key (`quit = "x"`) or several (`quit = ["x", "ctrl-q"]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<String> {
        match self {
            KeyList::One(key) => vec![key.clone()],
            KeyList::Many(keys) => keys.clone(),
        }
    }
}

/// `[app]`: what paritty should know of the app beyond its files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSection {
    /// Role = variable (or variables, first set wins): `billing_db =
    /// "BILLING_DATABASE_URL"` adds a role, `database = "PRIMARY_DB"`
    /// gives a well-known role another name.
    #[serde(default)]
    pub services: BTreeMap<String, toml::Spanned<KeyList>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub profile: Option<String>,
    /// Hosts collected at once.
    pub workers: Option<usize>,
    /// Seconds; ssh_config's ConnectTimeout wins where set.
    pub connect_timeout: Option<f64>,
    /// Seconds for everything on one host.
    pub host_timeout: Option<f64>,
    /// Seconds per probe command.
    pub command_timeout: Option<f64>,
    pub max_bytes: Option<usize>,
    /// An ssh_config file to use instead of `~/.ssh/config` (like `ssh -F`).
    pub ssh_config: Option<PathBuf>,
    /// The engine for `image:` targets (default: docker if installed, else
    /// podman).
    pub engine: Option<EngineName>,
    /// Extra arguments for the engine's `run` of `image:` targets, e.g.
    /// `["--runtime", "runc"]` where the default runtime cannot start.
    pub engine_run_args: Option<Vec<String>>,
}

/// A container engine as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineName {
    Docker,
    Podman,
}

/// One host of the inventory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryHost {
    /// The name used on the command line and shown in reports.
    pub name: String,
    /// How to reach it: an ssh_config alias or `[user@]host[:port]`;
    /// the name itself when absent.
    pub ssh: Option<String>,
    /// A container to collect instead of a host (with `engine`): of this
    /// machine's engine, or with `ssh` of that SSH host's.
    pub container: Option<String>,
    pub engine: Option<EngineName>,
    /// dev, staging, prod...: the default baseline is the prod host.
    pub environment: Option<String>,
    /// The app's folder on that host or in that container (absolute):
    /// where its declarations, `.env` and revision are read.
    pub app_dir: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// A Kubernetes pod instead of a host, in the `k8s:` target's form
    /// (`[CONTEXT/]NS/POD[/CONTAINER]`, `[CONTEXT/]NS/deploy/NAME`).
    pub k8s: Option<String>,
    /// A command of the user's whose stdin takes the probe instead of SSH
    /// (`["vagrant", "ssh", "web", "--", "sh -s"]`), run without a shell.
    pub exec: Option<toml::Spanned<Vec<String>>>,
}

/// A config file that cannot be used, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => {
                write!(f, "config {}:{line}:{col}: {}", self.path.display(), self.message)
            }
            None => write!(f, "config {}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The config to use: `explicit` if given (it must exist), else
/// `./paritty.toml`, else the one in paritty's config folder, else none.
pub fn load(explicit: Option<&Path>) -> Result<Option<Config>, ConfigError> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(path) => vec![path.to_owned()],
        None => [Some(PathBuf::from(FILE_NAME)), crate::config_dir().map(|d| d.join(FILE_NAME))]
            .into_iter()
            .flatten()
            .collect(),
    };
    for path in candidates {
        match crate::fsutil::read_text(&path, MAX_CONFIG_BYTES) {
            Ok(text) => return parse(&text, &path).map(Some),
            Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) && explicit.is_none() => {}
            Err(e) => {
                return Err(ConfigError {
                    path,
                    position: None,
                    message: format!("cannot read it: {}", e.problem),
                });
            }
        }
    }
    Ok(None)
}

pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let mut config: Config = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_owned(),
        position: e.span().map(|s| crate::profile::position_of(text, s.start)),
        message: e.message().trim().replace('\n', " "),
    })?;
    let mut seen = Vec::new();
    for host in &config.hosts {
        if seen.contains(&host.name.as_str()) {
            return Err(ConfigError {
                path: path.to_owned(),
                position: None,
                message: format!("host `{}` is listed twice", host.name),
            });
        }
        seen.push(host.name.as_str());
        let problem = match (&host.container, &host.engine, &host.ssh) {
            (Some(_), None, _) => {
                Some("`container` needs `engine = \"docker\"` or `\"podman\"`".to_owned())
            }
            (None, Some(_), _) => Some("`engine` is only for a `container`".to_owned()),
            _ => host.app_dir.as_deref().and_then(|dir| app_dir_problem(dir, "`app_dir`")),
        };
        if let Some(problem) = problem {
            return Err(ConfigError {
                path: path.to_owned(),
                position: host_line(text, &host.name),
                message: format!("host `{}`: {problem}", host.name),
            });
        }
        if let Some((problem, at)) = pod_or_argv_problem(host) {
            return Err(ConfigError {
                path: path.to_owned(),
                position: at
                    .map(|at| crate::profile::position_of(text, at))
                    .or_else(|| host_line(text, &host.name)),
                message: format!("host `{}`: {problem}", host.name),
            });
        }
    }
    let names: Vec<&str> = config.hosts.iter().map(|h| h.name.as_str()).collect();
    if let Err(problem) = groups::check(&config.groups, &names) {
        return Err(ConfigError {
            path: path.to_owned(),
            position: Some(crate::profile::position_of(text, problem.offset)),
            message: problem.message,
        });
    }
    // Checked now, so a typo in [keys] is reported like any other.
    for (action, keys) in &config.keys {
        let one = BTreeMap::from([(action.clone(), keys.get_ref().keys())]);
        if let Err(message) = crate::keymap::Keymap::with_overrides(&one) {
            return Err(ConfigError {
                path: path.to_owned(),
                position: Some(crate::profile::position_of(text, keys.span().start)),
                message: message.to_string(),
            });
        }
    }
    // Roles become fact ids and variable names go into the probe script:
    // both checked now, with their line.
    for (role, vars) in &config.app.services {
        let problem = crate::backing::roles::role_problem(role)
            .map(|p| format!("[app.services] `{role}`: {p}"))
            .or_else(|| {
                let vars = vars.get_ref().keys();
                if vars.is_empty() {
                    return Some(format!("[app.services] `{role}` names no variable"));
                }
                vars.iter().find_map(|v| {
                    crate::backing::roles::var_problem(v)
                        .map(|p| format!("[app.services] `{role}`: `{v}`: {p}"))
                })
            });
        if let Some(message) = problem {
            return Err(ConfigError {
                path: path.to_owned(),
                position: Some(crate::profile::position_of(text, vars.span().start)),
                message,
            });
        }
    }
    config.origin = Some(path.to_owned());
    Ok(config)
}

impl Config {
    /// `[app.services]` as role = variables.
    pub fn app_services(&self) -> BTreeMap<String, Vec<String>> {
        self.app.services.iter().map(|(role, vars)| (role.clone(), vars.get_ref().keys())).collect()
    }

    /// The key bindings: the defaults with the `[keys]` table applied.
    pub fn keymap(&self) -> crate::keymap::Keymap {
        let overrides: BTreeMap<String, Vec<String>> =
            self.keys.iter().map(|(a, k)| (a.clone(), k.get_ref().keys())).collect();
        // Every entry was checked when the file was read.
        crate::keymap::Keymap::with_overrides(&overrides).unwrap_or_default()
    }
}

/// What is wrong with a host's `k8s` or `exec`, and where (a byte offset)
/// when the TOML says: each is a transport of its own, so neither goes
/// with another way of reaching the host, and an argv needs its program.
fn pod_or_argv_problem(host: &InventoryHost) -> Option<(&'static str, Option<usize>)> {
    let others = host.ssh.is_some() || host.container.is_some() || host.engine.is_some();
    if let Some(argv) = &host.exec {
        let at = Some(argv.span().start);
        return match argv.get_ref().first() {
            None => Some(("`exec` is empty: give the program and its arguments", at)),
            Some(program) if program.trim().is_empty() => {
                Some(("`exec` starts with an empty program name", at))
            }
            _ if host.k8s.is_some() || others => Some((
                "`exec` is the way to reach this host: leave out `ssh`, `container`, `engine` and `k8s`",
                at,
            )),
            _ => None,
        };
    }
    if host.k8s.is_some() && others {
        return Some((
            "`k8s` is the way to reach this host: leave out `ssh`, `container` and `engine`",
            None,
        ));
    }
    None
}

/// What is wrong with an app folder on another machine (`app_dir`, or
/// `--host-app-dir`: `name`), read there by the probe, so it must be
/// absolute and one plain line.
pub fn app_dir_problem(dir: &str, name: &str) -> Option<String> {
    if !dir.starts_with('/') {
        Some(format!("{name} must be an absolute path (it is a folder on that host)"))
    } else if dir.chars().any(char::is_control) {
        Some(format!("{name} holds a control character"))
    } else if dir.len() > 4096 {
        Some(format!("{name} is longer than 4096 bytes"))
    } else {
        None
    }
}

/// Where `name = "NAME"` is written, for a message about that host.
fn host_line(text: &str, name: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{name}\"");
    text.lines()
        .position(|l| l.trim_start().starts_with("name") && l.contains(&quoted))
        .map(|i| (i + 1, 1))
}

impl Config {
    pub fn host(&self, name: &str) -> Option<&InventoryHost> {
        self.hosts.iter().find(|h| h.name == name)
    }
}
