//! What the user names on the command line: `local`, an inventory host, an
//! ssh_config alias, `user@host[:port]` or `ssh://` before any of those,
//! `docker:NAME`, `podman:NAME` (`@HOST` after it: on that SSH host),
//! `image:REF`, `k8s:...` (`kubernetes`), a snapshot file or a folder of
//! them, an Ansible inventory's `@GROUP` or host, resolved into something to
//! collect (a `collect::target::Target`).

pub mod kubernetes;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::collect::container::Engine;
use crate::collect::ssh::settings::parse_proxy_jump;
use crate::collect::target::{
    ContainerTarget, ExecTarget, ImageTarget, SshTarget, Target, is_container_name,
};
use crate::config::{Config, EngineName, InventoryHost as ConfigHost};
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
    // `podman:web@HOST`: HOST may be a host of the Ansible inventory.
    if !declared && let Some(target) = container_form(arg, config, inventory)? {
        return Ok(vec![target]);
    }
    let path = Path::new(arg);
    // `local` is a keyword (this machine), `ssh://` a host and `k8s:` a
    // pod, whatever folder shares their name.
    if arg == "local" || arg.starts_with(SSH_SCHEME) || arg.starts_with(kubernetes::PREFIX) {
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
    // Before files: a pod may be called `web.json`.
    if let Some(spec) = arg.strip_prefix(kubernetes::PREFIX) {
        return kubernetes::parse(spec, arg, BTreeMap::new()).map(Target::Pod);
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
        // Its [[group]]s, as an inventory host's groups are.
        let groups = config.map(|c| c.groups_of(&host.name)).unwrap_or_default();
        return from_config_host(host, &groups);
    }
    if let Some(target) = container_form(arg, config, &Inventory::default())? {
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

/// A `[[host]]` of paritty.toml: a pod, an argv, a container (of this
/// machine or of its `ssh` host) or an SSH host.
fn from_config_host(host: &ConfigHost, groups: &[&str]) -> Result<Target, TargetError> {
    // Shown in reports and exports: made clean here, where they come in.
    let mut labels: BTreeMap<String, String> =
        host.labels.iter().map(|(k, v)| (one_line(k), one_line(v))).collect();
    if let Some(env) = &host.environment {
        labels.insert("environment".into(), one_line(env));
    }
    if !groups.is_empty() {
        labels.insert("groups".into(), one_line(&groups.join(",")));
    }
    let in_host =
        |e: TargetError| TargetError::Inventory { host: host.name.clone(), error: Box::new(e) };
    if let Some(spec) = &host.k8s {
        let spec = spec.strip_prefix(kubernetes::PREFIX).unwrap_or(spec);
        let mut pod = kubernetes::parse(spec, &host.name, labels).map_err(in_host)?;
        pod.app_dir.clone_from(&host.app_dir);
        return Ok(Target::Pod(pod));
    }
    if let Some(argv) = &host.exec {
        // Checked by the config loader: a program, no empty argv.
        return Ok(Target::Exec(ExecTarget {
            name: host.name.clone(),
            argv: argv.get_ref().clone(),
            labels,
            app_dir: host.app_dir.clone(),
        }));
    }
    if let (Some(container), Some(engine)) = (&host.container, host.engine) {
        check_container(container).map_err(in_host)?;
        // `ssh` says where the engine runs: an ssh_config alias or
        // `[user@]host[:port]`, as for a host.
        let on = host
            .ssh
            .as_deref()
            .map(|how| {
                let (user, hostname, port) = split_spec(how).map_err(in_host)?;
                Ok(Box::new(ssh_target(how, user, hostname, port)))
            })
            .transpose()?;
        return Ok(Target::Container(ContainerTarget {
            name: host.name.clone(),
            engine: match engine {
                EngineName::Docker => Engine::Docker,
                EngineName::Podman => Engine::Podman,
            },
            container: container.clone(),
            labels,
            app_dir: host.app_dir.clone(),
            on,
        }));
    }
    let how = host.ssh.as_deref().unwrap_or(&host.name);
    let (user, hostname, port) = split_spec(how).map_err(in_host)?;
    Ok(Target::Ssh(SshTarget {
        name: host.name.clone(),
        host: hostname,
        user,
        port,
        labels,
        identity_file: None,
        proxy_jump: None,
        app_dir: host.app_dir.clone(),
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

/// `docker:NAME`, `podman:NAME`, either with `@HOST`, or `image:REF`;
/// `None` for other forms.
fn container_form(
    arg: &str,
    config: Option<&Config>,
    inventory: &Inventory,
) -> Result<Option<Target>, TargetError> {
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
    // A name has no `@`, so the first one ends it; HOST may hold another
    // (`podman:web@deploy@10.1.2.3:2222`).
    let (container, on) = match rest.split_once('@') {
        Some((container, host)) => (container, engine_host(arg, host, config, inventory)?),
        None => (rest, None),
    };
    check_container(container)?;
    Ok(Some(Target::Container(ContainerTarget {
        name: arg.to_owned(),
        engine,
        container: container.to_owned(),
        labels: BTreeMap::new(),
        app_dir: None,
        on,
    })))
}

/// The SSH host HOST of `ENGINE:NAME@HOST` names: a `paritty.toml` host, an
/// Ansible inventory host, an ssh_config alias or `[user@]host[:port]`
/// (`ssh://` before it allowed); `local` is this machine.
fn engine_host(
    arg: &str,
    host: &str,
    config: Option<&Config>,
    inventory: &Inventory,
) -> Result<Option<Box<SshTarget>>, TargetError> {
    if host == "local" {
        return Ok(None);
    }
    let not_a_host = || TargetError::NotAnSshHost { arg: arg.to_owned(), host: host.to_owned() };
    let target = if let Some(spec) = host.strip_prefix(SSH_SCHEME) {
        parse(&format!("{SSH_SCHEME}{spec}"), None)?
    } else if config.and_then(|c| c.host(host)).is_some() {
        parse(host, config)?
    } else if let Some(listed) = inventory.host(host) {
        from_inventory(&listed)?
    } else {
        let (user, hostname, port) = split_spec(host)?;
        Target::Ssh(ssh_target(host, user, hostname, port))
    };
    match target {
        Target::Ssh(ssh) => Ok(Some(Box::new(ssh))),
        _ => Err(not_a_host()),
    }
}

/// An SSH host named `name`, nothing set beyond what was written.
fn ssh_target(name: &str, user: Option<String>, host: String, port: Option<u16>) -> SshTarget {
    SshTarget {
        name: name.to_owned(),
        host,
        user,
        port,
        labels: BTreeMap::new(),
        identity_file: None,
        proxy_jump: None,
        app_dir: None,
    }
}

/// A container name as `collect::target::is_container_name` allows it.
fn check_container(name: &str) -> Result<(), TargetError> {
    if is_container_name(name) { Ok(()) } else { Err(TargetError::ContainerName(name.to_owned())) }
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
    /// A `k8s:` form that does not read (`problem` says which part).
    Kubernetes {
        spec: String,
        problem: String,
    },
    /// `ENGINE:NAME@HOST` whose HOST is not an SSH host (a container, a
    /// snapshot file).
    NotAnSshHost {
        arg: String,
        host: String,
    },
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
            TargetError::Kubernetes { spec, problem } => write!(
                f,
                "`{}{}`: {problem}; the forms are {}",
                kubernetes::PREFIX,
                spec.escape_debug(),
                kubernetes::FORMS
            ),
            TargetError::NotAnSshHost { arg, host } => write!(
                f,
                "`{arg}`: `{host}` is not an SSH host (after `@` comes an ssh_config alias, an inventory host or user@host[:port])"
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
        // With `ssh`, the container runs on that host.
        let config = crate::config::parse(
            "[[host]]\nname = \"api\"\nssh = \"deploy@10.1.2.3:2222\"\ncontainer = \"api-1\"\nengine = \"docker\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let Ok(Target::Container(t)) = parse("api", Some(&config)) else { panic!() };
        let on = t.on.expect("on an SSH host");
        assert_eq!((t.engine, t.container.as_str()), (Engine::Docker, "api-1"));
        assert_eq!(
            (on.name.as_str(), on.user.as_deref(), on.host.as_str(), on.port),
            ("deploy@10.1.2.3:2222", Some("deploy"), "10.1.2.3", Some(2222))
        );
    }

    #[test]
    fn inventory_pods_and_argvs() {
        let config = crate::config::parse(
            "[[host]]\nname = \"api\"\nk8s = \"prod/shop/deploy/api\"\nenvironment = \"prod\"\napp_dir = \"/app\"\n\n\
             [[host]]\nname = \"vm\"\nexec = [\"vagrant\", \"ssh\", \"web\", \"--\", \"sh -s\"]\n\n\
             [[host]]\nname = \"bad\"\nk8s = \"shop/-it\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let Ok(Target::Pod(t)) = parse("api", Some(&config)) else { panic!() };
        assert_eq!(
            (t.context.as_deref(), t.namespace.as_str(), &t.workload, t.name.as_str()),
            (
                Some("prod"),
                "shop",
                &crate::collect::target::Workload::Deployment("api".into()),
                "api"
            )
        );
        assert_eq!(t.labels.get("environment").map(String::as_str), Some("prod"));
        assert_eq!(parse("api", Some(&config)).expect("api").app_dir(), Some("/app"));
        let Ok(Target::Exec(t)) = parse("vm", Some(&config)) else { panic!() };
        assert_eq!(t.argv, ["vagrant", "ssh", "web", "--", "sh -s"]);
        let e = parse("bad", Some(&config)).expect_err("bad pod").to_string();
        assert!(e.starts_with("inventory host `bad`: `k8s:shop/-it`: `-it` is not a pod"), "{e}");

        let bad = |text: &str| {
            crate::config::parse(text, std::path::Path::new("paritty.toml"))
                .expect_err(text)
                .to_string()
        };
        assert_eq!(
            bad("[[host]]\nname = \"vm\"\nexec = []\n"),
            "config paritty.toml:3:8: host `vm`: `exec` is empty: give the program and its arguments"
        );
        assert!(
            bad("[[host]]\nname = \"vm\"\nexec = [\"sh\", 1]\n")
                .starts_with("config paritty.toml:3:"),
            "a number in the argv is refused with its place"
        );
        assert!(
            bad("[[host]]\nname = \"vm\"\nssh = \"h\"\nexec = [\"sh\"]\n")
                .contains("paritty.toml:4:8: host `vm`: `exec` is the way to reach this host")
        );
        assert!(
            bad("[[host]]\nname = \"p\"\nk8s = \"a/b\"\ncontainer = \"c\"\nengine = \"podman\"\n")
                .contains("paritty.toml:2:1: host `p`: `k8s` is the way to reach this host")
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
    fn a_container_host_may_be_an_ansible_inventory_host() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hosts.ini");
        std::fs::write(
            &path,
            "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=deploy ansible_port=2222 \
             ansible_ssh_private_key_file=/keys/web\n",
        )
        .expect("write inventory");
        let inventory = Inventory::load(&[path]).expect("inventory");
        let targets = expand("podman:api@web1", None, &inventory).expect("expands");
        let [Target::Container(t)] = targets.as_slice() else { panic!("{targets:?}") };
        let on = t.on.as_deref().expect("on web1");
        assert_eq!(
            (on.name.as_str(), on.host.as_str(), on.user.as_deref(), on.port),
            ("web1", "10.0.0.5", Some("deploy"), Some(2222))
        );
        assert_eq!(on.identity_file.as_deref(), Some(Path::new("/keys/web")));
        assert_eq!(t.name, "podman:api@web1");
    }

    #[test]
    fn containers_on_ssh_hosts() {
        let on = |arg: &str, config: Option<&Config>| match parse(arg, config) {
            Ok(Target::Container(t)) => (t.engine, t.container, t.on.map(|h| *h)),
            other => panic!("{arg}: {other:?}"),
        };
        let (engine, name, host) = on("podman:web@prod-1", None);
        assert_eq!((engine, name.as_str()), (Engine::Podman, "web"));
        let host = host.expect("remote");
        assert_eq!((host.name.as_str(), host.host.as_str(), host.user), ("prod-1", "prod-1", None));
        let (_, name, host) = on("docker:api@deploy@10.1.2.3:2222", None);
        let host = host.expect("remote");
        assert_eq!(name, "api");
        assert_eq!(
            (host.user.as_deref(), host.host.as_str(), host.port),
            (Some("deploy"), "10.1.2.3", Some(2222))
        );
        // `@local` is this machine's engine.
        assert_eq!(on("podman:web@local", None).2, None);
        // A paritty.toml host: its address, port and labels.
        let config = crate::config::parse(
            "[[host]]\nname = \"prod\"\nssh = \"ops@10.9.9.9:22\"\nenvironment = \"prod\"\n\
             [[host]]\nname = \"box\"\ncontainer = \"b\"\nengine = \"podman\"\n",
            std::path::Path::new("paritty.toml"),
        )
        .expect("valid");
        let host = on("podman:web@prod", Some(&config)).2.expect("remote");
        assert_eq!((host.host.as_str(), host.user.as_deref()), ("10.9.9.9", Some("ops")));
        assert_eq!(host.labels.get("environment").map(String::as_str), Some("prod"));
        let e = parse("podman:web@box", Some(&config)).expect_err("a container").to_string();
        assert!(e.contains("`box` is not an SSH host"), "{e}");
        for bad in ["podman:-x@h", "podman:web@", "podman:web@-oProxyCommand=x", "podman:@h"] {
            assert!(parse(bad, None).is_err(), "{bad}");
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
