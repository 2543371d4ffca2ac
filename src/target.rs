//! What the user names on the command line: `local`, an inventory host, an
//! ssh_config alias, `user@host[:port]` or `ssh://` before any of those,
//! `docker:NAME`, `podman:NAME`, `image:REF`, a snapshot file or a folder
//! of them, an Ansible inventory's `@GROUP` or host, resolved into something
//! to collect (a `collect::target::Target`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::collect::container::Engine;
use crate::collect::ssh::settings::parse_proxy_jump;
use crate::collect::target::{ContainerTarget, ImageTarget, SshTarget, Target};
use crate::config::{Config, EngineName};
use crate::inventory::{Inventory, InventoryError, InventoryHost, natural};
use crate::output::sanitize::one_line;

/// The explicit form of a host (OpenSSH's own destination URI): never a
/// file, a folder or an inventory name.
pub const SSH_SCHEME: &str = "ssh://";

/// Expands one TARGET argument: `@GROUP` gives the hosts of an Ansible
/// inventory's group and a folder of snapshots one target per `*.json` file
/// in it (both in natural order: `web-2` before `web-10`), anything else one
/// target. A bare word (no `/`) that names both a folder here and possibly a
/// host is refused as ambiguous, unless it is an inventory name (declared,
/// so meant): a folder must not silently shadow a host, nor a host a folder.
pub fn expand(
    arg: &str,
    config: Option<&Config>,
    inventory: &Inventory,
) -> Result<Vec<Target>, TargetError> {
    if let Some(group) = arg.strip_prefix('@') {
        return match config.and_then(|c| c.group(group).map(|hosts| (c, hosts))) {
            // One name, two meanings: which hosts a gate checks must not
            // depend on which file paritty happened to read first.
            Some(_) if inventory.group_names().contains(&group) && group != "all" => {
                Err(TargetError::GroupInBoth(group.to_owned()))
            }
            Some((config, hosts)) if group != "all" || inventory.is_empty() => {
                if hosts.is_empty() {
                    return Err(TargetError::EmptyGroup(group.to_owned()));
                }
                hosts.into_iter().map(|h| parse(h, Some(config))).collect()
            }
            _ => expand_group(group, inventory, config),
        };
    }
    let declared = config.and_then(|c| c.host(arg)).is_some();
    if !declared && let Some(host) = inventory.host(arg) {
        return from_inventory(&host).map(|t| vec![t]);
    }
    let path = Path::new(arg);
    // `local` is a keyword (this machine) and `ssh://` a host, whatever
    // folder shares their name.
    if arg == "local" || arg.starts_with(SSH_SCHEME) {
        return parse(arg, config).map(|t| vec![t]);
    }
    let bare_word = !arg.contains('/') && arg != "." && arg != "..";
    if bare_word && path.is_dir() && split_spec(arg).is_ok() {
        if config.and_then(|c| c.host(arg)).is_some() {
            return parse(arg, config).map(|t| vec![t]);
        }
        return Err(TargetError::Ambiguous(arg.to_owned()));
    }
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| TargetError::ListFolder { arg: arg.to_owned(), error: e.to_string() })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            // Anything but a folder: a FIFO or device named `*.json` is then
            // refused by the reader with its name, not silently left out.
            .filter(|p| !p.is_dir() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        if files.is_empty() {
            return Err(TargetError::EmptyFolder(arg.to_owned()));
        }
        files.sort_by(|a, b| match (a.to_str(), b.to_str()) {
            (Some(x), Some(y)) => natural::cmp(x, y),
            _ => a.cmp(b),
        });
        return Ok(files.into_iter().map(Target::Snapshot).collect());
    }
    parse(arg, config).map(|t| vec![t])
}

/// Parses one TARGET argument; inventory names win over ssh aliases, and
/// an existing `.json` file is a snapshot.
pub fn parse(arg: &str, config: Option<&Config>) -> Result<Target, TargetError> {
    if arg == "local" {
        return Ok(Target::Local);
    }
    if let Some(spec) = arg.strip_prefix(SSH_SCHEME) {
        let spec = spec.strip_suffix('/').unwrap_or(spec);
        let (user, host, port) = split_spec(spec)?;
        return Ok(Target::Ssh(SshTarget {
            name: spec.to_owned(),
            host,
            user,
            port,
            labels: BTreeMap::new(),
            identity_file: None,
            proxy_jump: None,
            app_dir: None,
        }));
    }
    let path = Path::new(arg);
    if path.extension().is_some_and(|x| x == "json") {
        // Whatever is there is a snapshot to read; the reader refuses a
        // folder, FIFO or device by name ("no such file" would be wrong).
        if path.exists() {
            return Ok(Target::Snapshot(path.to_owned()));
        }
        return Err(TargetError::NoSnapshot(arg.to_owned()));
    }
    if let Some(host) = config.and_then(|c| c.host(arg)) {
        // Shown in reports and exports: made clean here, where they come in.
        let mut labels: BTreeMap<String, String> =
            host.labels.iter().map(|(k, v)| (one_line(k), one_line(v))).collect();
        if let Some(env) = &host.environment {
            labels.insert("environment".into(), one_line(env));
        }
        // Its [[group]]s, as an inventory host's groups are.
        let groups = config.map(|c| c.groups_of(&host.name)).unwrap_or_default();
        if !groups.is_empty() {
            labels.insert("groups".into(), one_line(&groups.join(",")));
        }
        if let (Some(container), Some(engine)) = (&host.container, host.engine) {
            check_container(container).map_err(|e| TargetError::Inventory {
                host: host.name.clone(),
                error: Box::new(e),
            })?;
            return Ok(Target::Container(ContainerTarget {
                name: host.name.clone(),
                engine: match engine {
                    EngineName::Docker => Engine::Docker,
                    EngineName::Podman => Engine::Podman,
                },
                container: container.clone(),
                labels,
                app_dir: host.app_dir.clone(),
            }));
        }
        let how = host.ssh.as_deref().unwrap_or(&host.name);
        let (user, hostname, port) = split_spec(how)
            .map_err(|e| TargetError::Inventory { host: host.name.clone(), error: Box::new(e) })?;
        return Ok(Target::Ssh(SshTarget {
            name: host.name.clone(),
            host: hostname,
            user,
            port,
            labels,
            identity_file: None,
            proxy_jump: None,
            app_dir: host.app_dir.clone(),
        }));
    }
    if let Some(target) = container_form(arg)? {
        return Ok(target);
    }
    let (user, host, port) = split_spec(arg)?;
    Ok(Target::Ssh(SshTarget {
        name: arg.to_owned(),
        host,
        user,
        port,
        labels: BTreeMap::new(),
        identity_file: None,
        proxy_jump: None,
        app_dir: None,
    }))
}

/// The hosts of an inventory group; an empty or unknown group is an error
/// (a gate that checks no host must not pass).
fn expand_group(
    group: &str,
    inventory: &Inventory,
    config: Option<&Config>,
) -> Result<Vec<Target>, TargetError> {
    let config_groups = config.map(Config::group_names).unwrap_or_default();
    if inventory.is_empty() && config_groups.is_empty() {
        return Err(TargetError::NoInventory(group.to_owned()));
    }
    if inventory.is_empty() {
        return Err(TargetError::UnknownGroup {
            group: group.to_owned(),
            known: config_groups.join(", "),
        });
    }
    let hosts = inventory.group(group).ok_or_else(|| TargetError::UnknownGroup {
        group: group.to_owned(),
        known: inventory.group_names().join(", "),
    })?;
    if hosts.is_empty() {
        return Err(TargetError::EmptyGroup(group.to_owned()));
    }
    hosts.iter().map(from_inventory).collect()
}

/// An inventory host as Ansible would reach it: `ansible_host`, `_user`,
/// `_port`, its key file and jump host; its groups become its `groups` label.
pub fn from_inventory(host: &InventoryHost) -> Result<Target, TargetError> {
    let connection = host.connection().map_err(TargetError::Ansible)?;
    let proxy_jump = connection
        .jump
        .as_deref()
        .map(|jump| {
            parse_proxy_jump(jump).map_err(|e| {
                TargetError::Ansible(InventoryError {
                    path: host.origin.clone(),
                    line: None,
                    message: format!("host `{}`: jump host `{jump}`: {e}", host.name),
                })
            })
        })
        .transpose()?;
    let labels = BTreeMap::from([("groups".to_owned(), one_line(&host.groups.join(",")))]);
    Ok(Target::Ssh(SshTarget {
        name: host.name.clone(),
        host: connection.address,
        user: connection.user,
        port: connection.port,
        labels,
        identity_file: connection.key_file.map(PathBuf::from),
        proxy_jump,
        app_dir: None,
    }))
}

/// `docker:NAME`, `podman:NAME` or `image:REF`; `None` for other forms.
fn container_form(arg: &str) -> Result<Option<Target>, TargetError> {
    let Some((kind, rest)) = arg.split_once(':') else { return Ok(None) };
    let engine = match kind {
        "docker" => Engine::Docker,
        "podman" => Engine::Podman,
        "image" => {
            check_image(rest)?;
            return Ok(Some(Target::Image(ImageTarget {
                name: arg.to_owned(),
                reference: rest.to_owned(),
            })));
        }
        _ => return Ok(None),
    };
    check_container(rest)?;
    Ok(Some(Target::Container(ContainerTarget {
        name: arg.to_owned(),
        engine,
        container: rest.to_owned(),
        labels: BTreeMap::new(),
        app_dir: None,
    })))
}

/// Docker's and Podman's own rule for names (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`),
/// which ids also follow: nothing that could be read as an option.
fn check_container(name: &str) -> Result<(), TargetError> {
    let ok = name.len() <= 253
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok { Ok(()) } else { Err(TargetError::ContainerName(name.to_owned())) }
}

/// An image reference: `[registry/]path[:tag][@digest]` characters only,
/// never starting like an option.
fn check_image(reference: &str) -> Result<(), TargetError> {
    let ok = reference.len() <= 512
        && reference.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && reference.chars().all(|c| c.is_ascii_alphanumeric() || "._:/@-".contains(c));
    if ok { Ok(()) } else { Err(TargetError::ImageReference(reference.to_owned())) }
}

/// `[user@]host[:port]`, with `[v6 address]:port` for IPv6.
fn split_spec(spec: &str) -> Result<(Option<String>, String, Option<u16>), TargetError> {
    let bad = |problem| TargetError::Spec { spec: spec.to_owned(), problem };
    let (user, rest) = match spec.rsplit_once('@') {
        Some((user, rest)) if !user.is_empty() => (Some(user.to_owned()), rest),
        Some(_) => return Err(bad(SpecProblem::EmptyUser)),
        None => (None, spec),
    };
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        let (addr, after) =
            inner.split_once(']').ok_or_else(|| bad(SpecProblem::UnclosedBracket))?;
        match after.strip_prefix(':') {
            Some(port) => (addr, Some(port)),
            None if after.is_empty() => (addr, None),
            None => return Err(bad(SpecProblem::AfterBracket)),
        }
    } else if rest.matches(':').count() == 1 {
        let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
        (host, Some(port))
    } else {
        (rest, None)
    };
    if host.is_empty() || host.starts_with('-') || host.chars().any(char::is_whitespace) {
        return Err(bad(SpecProblem::NotAHost));
    }
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad(SpecProblem::NotAPort(p.to_owned())))
        })
        .transpose()?;
    Ok((user, host.to_owned(), port))
}

/// A TARGET that names nothing paritty can collect, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    ListFolder {
        arg: String,
        error: String,
    },
    EmptyFolder(String),
    NoSnapshot(String),
    Spec {
        spec: String,
        problem: SpecProblem,
    },
    Inventory {
        host: String,
        error: Box<TargetError>,
    },
    /// A bare word that is a folder here and could be a host too.
    Ambiguous(String),
    ContainerName(String),
    ImageReference(String),
    /// `@GROUP` without any `--inventory`.
    NoInventory(String),
    UnknownGroup {
        group: String,
        known: String,
    },
    EmptyGroup(String),
    /// `@GROUP` names a `[[group]]` of paritty.toml and an inventory group.
    GroupInBoth(String),
    /// An inventory host whose connection variables cannot be used.
    Ansible(InventoryError),
}

/// What is wrong with a `[user@]host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecProblem {
    EmptyUser,
    UnclosedBracket,
    AfterBracket,
    NotAHost,
    NotAPort(String),
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::ListFolder { arg, error } => {
                write!(f, "`{arg}`: cannot list the folder: {error}")
            }
            TargetError::EmptyFolder(arg) => {
                write!(f, "`{arg}` is a folder with no .json snapshots in it")
            }
            TargetError::NoSnapshot(arg) => write!(f, "`{arg}`: no such snapshot file"),
            TargetError::Spec { spec, problem } => match problem {
                SpecProblem::EmptyUser => write!(f, "`{spec}`: empty user name before `@`"),
                SpecProblem::UnclosedBracket => {
                    write!(f, "`{spec}`: unclosed `[` in the address")
                }
                SpecProblem::AfterBracket => write!(f, "`{spec}`: unexpected text after `]`"),
                SpecProblem::NotAHost => write!(f, "`{spec}` is not a host name"),
                SpecProblem::NotAPort(port) => write!(f, "`{spec}`: `{port}` is not a port"),
            },
            TargetError::Inventory { host, error } => write!(f, "inventory host `{host}`: {error}"),
            TargetError::ContainerName(name) => write!(
                f,
                "`{}` is not a container name (letters, digits, `_.-`, starting with a letter or digit)",
                name.escape_debug()
            ),
            TargetError::ImageReference(reference) => write!(
                f,
                "`{}` is not an image reference (like `registry/app:1.2` or `app@sha256:...`)",
                reference.escape_debug()
            ),
            TargetError::Ambiguous(arg) => write!(
                f,
                "`{arg}` is a folder here and could also be a host: write `./{arg}/` for the \
                 snapshots in the folder, or `{SSH_SCHEME}{arg}` for the host"
            ),
            TargetError::NoInventory(group) => {
                write!(
                    f,
                    "`@{group}` names a group, but no --inventory was given and paritty.toml has no [[group]]"
                )
            }
            TargetError::UnknownGroup { group, known } => {
                write!(
                    f,
                    "`@{group}`: no such group in the inventory (groups: {})",
                    one_line(known)
                )
            }
            TargetError::EmptyGroup(group) => write!(f, "`@{group}`: the group has no hosts"),
            TargetError::GroupInBoth(group) => write!(
                f,
                "`@{group}` is a [[group]] of paritty.toml and a group of the inventory: \
                 rename one of them (which hosts are meant cannot be told)"
            ),
            TargetError::Ansible(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TargetError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssh(arg: &str) -> SshTarget {
        match parse(arg, None) {
            Ok(Target::Ssh(t)) => t,
            other => panic!("{arg}: {other:?}"),
        }
    }

    #[test]
    fn user_host_and_port_are_split() {
        let t = ssh("deploy@db-1:2222");
        assert_eq!(
            (t.user.as_deref(), t.host.as_str(), t.port),
            (Some("deploy"), "db-1", Some(2222))
        );
        let t = ssh("[::1]:2200");
        assert_eq!((t.host.as_str(), t.port), ("::1", Some(2200)));
        let t = ssh("prod-web");
        assert_eq!((t.user, t.host.as_str(), t.port), (None, "prod-web", None));
        assert_eq!(parse("local", None), Ok(Target::Local));
    }

    #[test]
    fn the_ssh_scheme_is_always_a_host() {
        for (arg, name) in [("ssh://fake", "fake"), ("ssh://team.json", "team.json")] {
            assert_eq!(ssh(arg).name, name);
        }
        let t = ssh("ssh://deploy@db-1:2222/");
        assert_eq!(
            (t.name.as_str(), t.user.as_deref(), t.host.as_str(), t.port),
            ("deploy@db-1:2222", Some("deploy"), "db-1", Some(2222))
        );
        assert!(parse("ssh://", None).is_err());
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for bad in ["@host", "host:0", "host:ssh", "-oProxyCommand=x", "[::1", ""] {
            assert!(parse(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn container_and_image_forms() {
        let Ok(Target::Container(t)) = parse("podman:web-1", None) else { panic!() };
        assert_eq!(
            (t.engine, t.container.as_str(), t.name.as_str()),
            (Engine::Podman, "web-1", "podman:web-1")
        );
        let Ok(Target::Container(t)) = parse("docker:3f2a9c", None) else { panic!() };
        assert_eq!(t.engine, Engine::Docker);
        let Ok(Target::Image(t)) = parse("image:localhost/app:1", None) else { panic!() };
        assert_eq!(t.reference, "localhost/app:1");
        let Ok(Target::Image(t)) = parse("image:app@sha256:0123abc", None) else { panic!() };
        assert_eq!(t.reference, "app@sha256:0123abc");
        for bad in [
            "podman:",
            "docker:-it",
            "podman:a b",
            "podman:web\u{1b}[2J",
            "image:",
            "image:--privileged",
            "image:a b",
        ] {
            let e = parse(bad, None).expect_err(bad).to_string();
            assert!(e.contains("is not a"), "{bad}: {e}");
            assert!(!e.contains('\u{1b}'), "{bad}: {e}");
        }
    }

    #[test]
    fn inventory_containers_need_an_engine() {
        let config = crate::config::parse(
            "[[host]]\nname = \"web\"\ncontainer = \"web-1\"\nengine = \"podman\"\nenvironment = \"dev\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let Ok(Target::Container(t)) = parse("web", Some(&config)) else { panic!() };
        assert_eq!(
            (t.engine, t.container.as_str(), t.name.as_str()),
            (Engine::Podman, "web-1", "web")
        );
        assert_eq!(t.labels.get("environment").map(String::as_str), Some("dev"));
        let bad = |text: &str| {
            crate::config::parse(text, std::path::Path::new("paritty.toml"))
                .expect_err(text)
                .to_string()
        };
        assert_eq!(
            bad("[[host]]\nname = \"web\"\ncontainer = \"web-1\"\n"),
            "config paritty.toml:2:1: host `web`: `container` needs `engine = \"docker\"` or `\"podman\"`"
        );
        assert!(
            bad("[[host]]\nname = \"web\"\ncontainer = \"w\"\nengine = \"lxc\"\n")
                .contains("paritty.toml:4:")
        );
        assert!(
            bad("[[host]]\nname = \"web\"\nssh = \"h\"\ncontainer = \"w\"\nengine = \"docker\"\n")
                .contains("not supported yet")
        );
    }

    #[test]
    fn app_dirs_are_carried_and_must_be_absolute() {
        let config = crate::config::parse(
            "[[host]]\nname = \"web\"\nssh = \"deploy@web-1\"\napp_dir = \"/srv/app\"\n\n\
             [[host]]\nname = \"api\"\ncontainer = \"api-1\"\nengine = \"podman\"\napp_dir = \"/app\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let web = parse("web", Some(&config)).expect("web");
        assert_eq!(web.app_dir(), Some("/srv/app"));
        let api = parse("api", Some(&config)).expect("api");
        assert_eq!(api.app_dir(), Some("/app"));
        assert_eq!(parse("deploy@other", Some(&config)).expect("other").app_dir(), None);
        for (dir, problem) in
            [("srv/app", "must be an absolute path"), ("/srv/a\\u001b[2J", "control character")]
        {
            let text = format!("[[host]]\nname = \"web\"\napp_dir = \"{dir}\"\n");
            let e = crate::config::parse(&text, std::path::Path::new("paritty.toml"))
                .expect_err(dir)
                .to_string();
            assert!(e.starts_with("config paritty.toml:2:1: host `web`: `app_dir`"), "{e}");
            assert!(e.contains(problem), "{e}");
        }
    }

    #[test]
    fn inventory_names_carry_their_environment() {
        let config = crate::config::parse(
            "[[host]]\nname = \"prod-web-1\"\nssh = \"deploy@10.1.2.3:2222\"\nenvironment = \"prod\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let Ok(Target::Ssh(t)) = parse("prod-web-1", Some(&config)) else { panic!() };
        assert_eq!(t.name, "prod-web-1");
        assert_eq!((t.host.as_str(), t.port), ("10.1.2.3", Some(2222)));
        assert_eq!(t.labels.get("environment").map(String::as_str), Some("prod"));
    }
}
