//! What the user names on the command line: `local`, an inventory host, an
//! ssh_config alias or `user@host[:port]`, resolved into something to collect.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;

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
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Local => "local",
            Target::Ssh(t) => &t.name,
            Target::Snapshot(path) => path.to_str().unwrap_or("snapshot"),
        }
    }
}

/// Expands one TARGET argument: a folder of snapshots gives one target per
/// `*.json` file in it (sorted), anything else one target.
pub fn expand(arg: &str, config: Option<&Config>) -> Result<Vec<Target>, String> {
    let path = Path::new(arg);
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("`{arg}`: cannot list the folder: {e}"))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        if files.is_empty() {
            return Err(format!("`{arg}` is a folder with no .json snapshots in it"));
        }
        files.sort();
        return Ok(files.into_iter().map(Target::Snapshot).collect());
    }
    parse(arg, config).map(|t| vec![t])
}

/// Parses one TARGET argument; inventory names win over ssh aliases, and
/// an existing `.json` file is a snapshot.
pub fn parse(arg: &str, config: Option<&Config>) -> Result<Target, String> {
    if arg == "local" {
        return Ok(Target::Local);
    }
    let path = Path::new(arg);
    if path.extension().is_some_and(|x| x == "json") {
        if path.is_file() {
            return Ok(Target::Snapshot(path.to_owned()));
        }
        return Err(format!("`{arg}`: no such snapshot file"));
    }
    if let Some(host) = config.and_then(|c| c.host(arg)) {
        let how = host.ssh.as_deref().unwrap_or(&host.name);
        let mut labels = host.labels.clone();
        if let Some(env) = &host.environment {
            labels.insert("environment".into(), env.clone());
        }
        let (user, hostname, port) =
            split_spec(how).map_err(|e| format!("inventory host `{}`: {e}", host.name))?;
        return Ok(Target::Ssh(SshTarget {
            name: host.name.clone(),
            host: hostname,
            user,
            port,
            labels,
        }));
    }
    let (user, host, port) = split_spec(arg)?;
    Ok(Target::Ssh(SshTarget { name: arg.to_owned(), host, user, port, labels: BTreeMap::new() }))
}

/// `[user@]host[:port]`, with `[v6 address]:port` for IPv6.
fn split_spec(spec: &str) -> Result<(Option<String>, String, Option<u16>), String> {
    let (user, rest) = match spec.rsplit_once('@') {
        Some((user, rest)) if !user.is_empty() => (Some(user.to_owned()), rest),
        Some(_) => return Err(format!("`{spec}`: empty user name before `@`")),
        None => (None, spec),
    };
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        let (addr, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("`{spec}`: unclosed `[` in the address"))?;
        match after.strip_prefix(':') {
            Some(port) => (addr, Some(port)),
            None if after.is_empty() => (addr, None),
            None => return Err(format!("`{spec}`: unexpected text after `]`")),
        }
    } else if rest.matches(':').count() == 1 {
        let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
        (host, Some(port))
    } else {
        (rest, None)
    };
    if host.is_empty() || host.starts_with('-') || host.chars().any(char::is_whitespace) {
        return Err(format!("`{spec}` is not a host name"));
    }
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{spec}`: `{p}` is not a port"))
        })
        .transpose()?;
    Ok((user, host.to_owned(), port))
}

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
    fn bad_specs_say_what_is_wrong() {
        for bad in ["@host", "host:0", "host:ssh", "-oProxyCommand=x", "[::1", ""] {
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
