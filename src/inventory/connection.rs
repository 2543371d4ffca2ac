//! How to reach an inventory host, from the variables Ansible's `ssh`
//! connection uses: `ansible_host`, `ansible_user`, `ansible_port`,
//! `ansible_ssh_private_key_file` (and their other names `ansible_ssh_host`,
//! `ansible_ssh_user`, `ansible_ssh_port`, `ansible_private_key_file`), and a
//! jump host given in `ansible_ssh_common_args` (or `_extra_args`) as
//! `-J HOST` or `-o ProxyJump=HOST`. Templates
//! are never evaluated: a connection variable holding `{{`/`{%` is refused.

use super::{InventoryError, InventoryHost, words};

/// The connection settings of one inventory host. `None` leaves the value
/// to ssh_config and its defaults, as Ansible leaves it to `ssh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `ansible_host`, else the inventory name.
    pub address: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    /// `ansible_ssh_private_key_file`, `~/` expanded as Ansible does.
    pub key_file: Option<String>,
    /// The `-J`/`ProxyJump` value from `ansible_ssh_common_args`.
    pub jump: Option<String>,
}

impl InventoryHost {
    /// The connection settings, or why they cannot be used (a template, a
    /// list where one value belongs, a port that is no port, a
    /// ProxyCommand), naming the inventory, the host and the variable.
    pub fn connection(&self) -> Result<Connection, InventoryError> {
        let fail = |message: String| InventoryError {
            path: self.origin.clone(),
            line: None,
            message: format!("host `{}`: {message}", self.name),
        };
        let var = |key: &str| -> Result<Option<&str>, InventoryError> {
            match self.vars.get(key) {
                None => Ok(None),
                Some(None) => Err(fail(format!("`{key}` is a list or mapping, not one value"))),
                Some(Some(v)) if v.contains("{{") || v.contains("{%") => Err(fail(format!(
                    "`{key}` is a Jinja template ({v}); paritty never evaluates templates: \
                     set the value itself"
                ))),
                Some(Some(v)) if v.is_empty() => Ok(None),
                Some(Some(v)) => Ok(Some(v.as_str())),
            }
        };
        // Each setting's variables as ansible-core's ssh plugin lists them;
        // like Ansible's config manager, the last one set wins.
        let last = |keys: &[&str]| -> Result<Option<(String, &str)>, InventoryError> {
            let mut found = None;
            for key in keys {
                if let Some(value) = var(key)? {
                    found = Some(((*key).to_owned(), value));
                }
            }
            Ok(found)
        };
        let port = last(&["ansible_port", "ansible_ssh_port"])?
            .map(|(key, p)| {
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| fail(format!("`{key}` is `{p}`, not a port")))
            })
            .transpose()?;
        // Ansible puts the common arguments before the extra ones, and ssh
        // takes the first ProxyJump it is given.
        let mut jump = None;
        for key in ["ansible_ssh_extra_args", "ansible_ssh_common_args"] {
            if let Some(args) = var(key)? {
                let found = jump_of(args).map_err(|e| fail(format!("`{key}`: {e}")))?;
                jump = found.or(jump);
            }
        }
        let value = |keys: &[&str]| Ok::<_, InventoryError>(last(keys)?.map(|(_, v)| v));
        Ok(Connection {
            address: value(&["ansible_host", "ansible_ssh_host"])?.unwrap_or(&self.name).to_owned(),
            user: value(&["ansible_user", "ansible_ssh_user"])?.map(str::to_owned),
            port,
            key_file: value(&["ansible_private_key_file", "ansible_ssh_private_key_file"])?
                .map(expand_home),
            jump,
        })
    }
}

/// The jump host named by `-J HOST`, `-JHOST`, `-o ProxyJump=HOST` or
/// `-o "ProxyJump HOST"`; other options are ssh's business, except
/// ProxyCommand, which paritty cannot follow and must not ignore.
fn jump_of(args: &str) -> Result<Option<String>, String> {
    let words = words::split(args)?;
    let mut jump = None;
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (flag, inline) = match word.strip_prefix('-') {
            Some(rest) if rest.starts_with(['J', 'o']) => (&rest[..1], &rest[1..]),
            _ => {
                i += 1;
                continue;
            }
        };
        let value = if inline.is_empty() {
            i += 1;
            words.get(i).ok_or_else(|| format!("`-{flag}` without a value"))?.clone()
        } else {
            inline.to_owned()
        };
        i += 1;
        if flag == "J" {
            jump = Some(value);
            continue;
        }
        let (key, option) = value
            .split_once(['=', ' '])
            .map_or((value.as_str(), ""), |(k, v)| (k.trim(), v.trim()));
        if key.eq_ignore_ascii_case("proxyjump") {
            jump = Some(option.to_owned());
        } else if key.eq_ignore_ascii_case("proxycommand") {
            return Err(format!("ProxyCommand is not supported ({option}); use -J or ProxyJump"));
        }
    }
    Ok(jump)
}

/// `~/x` under the home folder, as Python's `os.path.expanduser` does it.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => {
            format!("{}/{rest}", home.to_string_lossy().trim_end_matches('/'))
        }
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::jump_of;

    #[test]
    fn jump_hosts_in_common_args() {
        for (args, want) in [
            ("-J bastion", Some("bastion")),
            ("-Jops@bastion:2222", Some("ops@bastion:2222")),
            ("-o StrictHostKeyChecking=no -o ProxyJump=a,b", Some("a,b")),
            ("-o 'ProxyJump jump'", Some("jump")),
            ("-oProxyJump=j", Some("j")),
            ("-o ServerAliveInterval=5", None),
        ] {
            assert_eq!(jump_of(args).expect(args).as_deref(), want, "{args}");
        }
        assert!(jump_of("-o ProxyCommand=\"ssh -W %h:%p bastion\"").is_err());
        assert!(jump_of("-J").is_err());
    }
}
