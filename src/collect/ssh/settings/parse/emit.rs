//! The end of the parser: OpenSSH's defaults filled in and the settings
//! printed as the lines `ssh -G` would print.

use super::{Proxy, Reader};
use crate::collect::ssh::settings::Dump;
use crate::collect::ssh::settings::expand::{self, Tokens};

/// `fill_default_options` of OpenSSH 9.2: used only when no `IdentityFile`,
/// `UserKnownHostsFile` or `GlobalKnownHostsFile` was configured.
const DEFAULT_IDENTITIES: &[&str] = &[
    "~/.ssh/id_rsa",
    "~/.ssh/id_ecdsa",
    "~/.ssh/id_ecdsa_sk",
    "~/.ssh/id_ed25519",
    "~/.ssh/id_ed25519_sk",
    "~/.ssh/id_xmss",
    "~/.ssh/id_dsa",
];
const DEFAULT_USER_KNOWN_HOSTS: &[&str] = &["~/.ssh/known_hosts", "~/.ssh/known_hosts2"];
const DEFAULT_GLOBAL_KNOWN_HOSTS: &[&str] =
    &["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];

impl Reader<'_> {
    /// `HostName` with `%h` expanded (else the name as typed), lowercased.
    pub(super) fn resolved_hostname(&self) -> Result<String, String> {
        match &self.opts.hostname {
            Some(name) if self.final_pass => Ok(name.clone()),
            Some(name) => Ok(expand::hostname(name, self.typed)?.to_lowercase()),
            None => Ok(self.typed.to_lowercase()),
        }
    }

    /// The `ssh -G` lines, OpenSSH's defaults filled in.
    pub(super) fn finish(self) -> Result<Dump, String> {
        let hostname = self.resolved_hostname()?;
        let o = self.opts;
        let user = o.user.unwrap_or_else(|| self.local.name.clone());
        let port = o.port.unwrap_or(22);
        let yes_no = |b: Option<bool>| if b == Some(true) { "yes" } else { "no" };
        let mut dump = Dump::default();
        dump.push("user", &user);
        dump.push("hostname", &hostname);
        dump.push("port", &port.to_string());
        dump.push("identitiesonly", yes_no(o.identities_only));
        dump.push("batchmode", yes_no(o.batch_mode));
        dump.push("hashknownhosts", yes_no(o.hash_known_hosts));
        dump.push("stricthostkeychecking", o.strict.unwrap_or("ask"));
        if let Some(alias) = &o.host_key_alias {
            dump.push("hostkeyalias", alias);
        }
        let defaults = |list: Vec<String>, default: &[&str]| {
            if list.is_empty() { default.iter().map(|&s| s.to_string()).collect() } else { list }
        };
        for file in defaults(o.identity_files, DEFAULT_IDENTITIES) {
            dump.push("identityfile", &file);
        }
        dump.push(
            "globalknownhostsfile",
            &defaults(o.global_known_hosts, DEFAULT_GLOBAL_KNOWN_HOSTS).join(" "),
        );
        // ssh -G prints these expanded already (ssh.c does it before the dump).
        let tokens = Tokens {
            local: self.local,
            host: &hostname,
            original: self.typed,
            port,
            user: &user,
            key_alias: o.host_key_alias.as_deref().unwrap_or(self.typed),
        };
        let known: Vec<String> = defaults(o.user_known_hosts, DEFAULT_USER_KNOWN_HOSTS)
            .iter()
            .map(|f| expand::path(f, &tokens).map_err(|e| format!("UserKnownHostsFile {f}: {e}")))
            .collect::<Result<_, _>>()?;
        dump.push("userknownhostsfile", &known.join(" "));
        match o.connect_timeout {
            Some(secs) => dump.push("connecttimeout", &secs.to_string()),
            None => dump.push("connecttimeout", "none"),
        }
        match &o.proxy {
            Some(Proxy::Jump(j)) if !j.eq_ignore_ascii_case("none") => dump.push("proxyjump", j),
            Some(Proxy::Command(c)) if !c.eq_ignore_ascii_case("none") => {
                dump.push("proxycommand", c);
            }
            _ => {}
        }
        Ok(dump)
    }
}
