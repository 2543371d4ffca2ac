//! What `~`, `%x` and `${VAR}` mean in `ssh_config` paths, and who the local
//! user is. OpenSSH takes the home folder from the passwd entry of the
//! current uid, never from `$HOME`; so do we (`getent passwd`, then
//! `/etc/passwd`). `$HOME`/`$USER` are used only when no passwd entry can be
//! read at all (no `id`, no `getent`, no entry: some containers).

use std::path::Path;
use std::time::Duration;

use crate::collect::command;

/// The local account as OpenSSH sees it (`%u`, `%i`, `%d`, `%l`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LocalUser {
    pub name: String,
    pub uid: u32,
    pub home: String,
    pub hostname: String,
}

/// The values of the `%` tokens for one resolved host.
pub(super) struct Tokens<'a> {
    pub local: &'a LocalUser,
    /// `%h`: the resolved `HostName`.
    pub host: &'a str,
    /// `%n`: the name as typed.
    pub original: &'a str,
    pub port: u16,
    /// `%r`: the remote user.
    pub user: &'a str,
    /// `%k`: `HostKeyAlias`, else the name as typed.
    pub key_alias: &'a str,
}

const HELPER_TIMEOUT: Duration = Duration::from_secs(3);

/// A path as OpenSSH 9.2 expands `IdentityFile` and `UserKnownHostsFile`:
/// `~` first, then `${VAR}` and `%x` in one pass.
pub(super) fn path(value: &str, tokens: &Tokens) -> Result<String, String> {
    percent_dollar(&tilde(value, tokens.local)?, tokens)
}

/// `~` and `~user` at the start, from the passwd entry (OpenSSH's
/// `tilde_expand_filename`, trailing slash of a bare `~` included).
pub(super) fn tilde(value: &str, local: &LocalUser) -> Result<String, String> {
    let Some(rest) = value.strip_prefix('~') else {
        return Ok(value.to_string());
    };
    let (user, tail) = match rest.split_once('/') {
        Some((user, tail)) => (user, tail),
        None => (rest, ""),
    };
    let home = if user.is_empty() {
        local.home.clone()
    } else {
        passwd(user).map(|entry| entry.home).ok_or_else(|| format!("no such user ~{user}"))?
    };
    let sep = if home.ends_with('/') { "" } else { "/" };
    Ok(format!("{home}{sep}{tail}"))
}

/// `${VAR}` from the environment and the `%` tokens OpenSSH 9.2 knows for
/// paths.
fn percent_dollar(value: &str, t: &Tokens) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find(['%', '$']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(var) = tail.strip_prefix("${") {
            let (name, after) =
                var.split_once('}').ok_or_else(|| format!("unterminated ${{ in \"{value}\""))?;
            let got =
                std::env::var(name).map_err(|_| format!("env var ${{{name}}} has no value"))?;
            out.push_str(&got);
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let mut chars = tail[1..].chars();
        let key = chars.next().ok_or_else(|| format!("lone % at the end of \"{value}\""))?;
        let short_host = t.local.hostname.split('.').next().unwrap_or_default();
        match key {
            '%' => out.push('%'),
            'd' => out.push_str(&t.local.home),
            'u' => out.push_str(&t.local.name),
            'i' => out.push_str(&t.local.uid.to_string()),
            'l' => out.push_str(&t.local.hostname),
            'L' => out.push_str(short_host),
            'h' => out.push_str(t.host),
            'n' => out.push_str(t.original),
            'p' => out.push_str(&t.port.to_string()),
            'r' => out.push_str(t.user),
            'k' => out.push_str(t.key_alias),
            'C' => out.push_str(&connection_hash(t)),
            other => return Err(format!("unknown key %{other}")),
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    Ok(out)
}

/// `%C`: OpenSSH 9.2's `ssh_connection_hash`, SHA-1 of `%l%h%p%r` in hex
/// (later releases add `%j`).
fn connection_hash(t: &Tokens) -> String {
    use sha1::Digest;
    use std::fmt::Write;
    let text = format!("{}{}{}{}", t.local.hostname, t.host, t.port, t.user);
    let mut hex = String::with_capacity(40);
    for byte in &sha1::Sha1::digest(text.as_bytes()) {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// `HostName` takes `%h` (the name as typed) and `%%` only.
pub(super) fn hostname(value: &str, typed: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('h') => out.push_str(typed),
            Some(other) => return Err(format!("HostName {value}: unknown key %{other}")),
            None => return Err(format!("HostName {value}: lone % at the end")),
        }
    }
    Ok(out)
}

struct PasswdEntry {
    name: String,
    uid: u32,
    home: String,
}

/// `/etc/passwd`, bounded like every file paritty reads.
fn read_passwd() -> Option<String> {
    crate::fsutil::read_text(Path::new("/etc/passwd"), 16 << 20).ok()
}

/// A passwd entry by name or uid: `getent` sees NSS (LDAP, sssd) accounts
/// as OpenSSH's getpwuid does; `/etc/passwd` when there is no getent.
fn passwd(key: &str) -> Option<PasswdEntry> {
    let line = helper("getent", &["passwd", key]).or_else(|| {
        let file = read_passwd()?;
        file.lines()
            .find(|l| {
                let mut f = l.split(':');
                let (name, uid) = (f.next(), f.nth(1));
                name == Some(key) || uid == Some(key)
            })
            .map(String::from)
    })?;
    let fields: Vec<&str> = line.trim_end().split(':').collect();
    match fields.as_slice() {
        [name, _, uid, _, _, home, ..] => {
            Some(PasswdEntry { name: (*name).into(), uid: uid.parse().ok()?, home: (*home).into() })
        }
        _ => None,
    }
}

/// The local user from the system, for when no `ssh` can tell us.
pub(super) fn local_from_system() -> Option<LocalUser> {
    let hostname = sysinfo::System::host_name().unwrap_or_else(|_| "localhost".into());
    let uid = helper("id", &["-u"]).and_then(|u| u.trim().parse::<u32>().ok());
    if let Some(entry) = uid.and_then(|uid| passwd(&uid.to_string())) {
        return Some(LocalUser { name: entry.name, uid: entry.uid, home: entry.home, hostname });
    }
    // No passwd entry can be read: the environment is all there is.
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let name = helper("id", &["-un"])
        .map(|n| n.trim().to_string())
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))?;
    Some(LocalUser { name, uid: uid?, home: env("HOME")?, hostname })
}

/// The local user from `/etc/passwd` and the kernel, in process: what
/// getpwuid() and gethostname() answer whenever the account is a local one
/// (NSS asks "files" first). `None` for an account only NSS knows (LDAP,
/// sssd), where only `ssh` itself can say.
#[cfg(unix)]
pub(super) fn local_from_files() -> Option<LocalUser> {
    let uid = rustix::process::getuid().as_raw();
    let file = read_passwd()?;
    let line = file.lines().find(|l| l.split(':').nth(2) == Some(uid.to_string().as_str()))?;
    let fields: Vec<&str> = line.split(':').collect();
    let (name, home) = (fields.first()?, fields.get(5)?);
    if name.is_empty() || home.is_empty() {
        return None;
    }
    let uname = rustix::system::uname();
    let hostname = uname.nodename().to_str().ok()?.to_owned();
    Some(LocalUser { name: (*name).into(), uid, home: (*home).into(), hostname })
}

#[cfg(not(unix))]
pub(super) fn local_from_files() -> Option<LocalUser> {
    None
}

/// The local user exactly as `ssh` sees it: ssh -G expands `%i %u %l %d`
/// in `RemoteCommand`, from `getpwuid()` and `gethostname()` like a connection.
pub(super) fn local_from_openssh(program: &Path) -> Option<LocalUser> {
    let args = ["-G", "-F", "/dev/null", "-o", "RemoteCommand=%i %u %l %d", "--", "localhost"];
    let out = run(program, &args)?;
    let line = out.lines().find_map(|l| l.strip_prefix("remotecommand "))?;
    let mut parts = line.splitn(4, ' ');
    let uid = parts.next()?.parse().ok()?;
    let (name, hostname, home) = (parts.next()?, parts.next()?, parts.next()?);
    Some(LocalUser { name: name.into(), uid, home: home.into(), hostname: hostname.into() })
}

/// stdout of a small helper command that succeeded.
fn helper(program: &str, args: &[&str]) -> Option<String> {
    run(Path::new(program), args)
}

fn run(program: &Path, args: &[&str]) -> Option<String> {
    let args: Vec<String> = args.iter().map(|&a| a.to_string()).collect();
    let out = command::run(program, &args, HELPER_TIMEOUT, 64 * 1024);
    (out.exit_code == Some(0)).then(|| String::from_utf8_lossy(&out.output).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> LocalUser {
        LocalUser {
            name: "me".into(),
            uid: 1000,
            home: "/home/me".into(),
            hostname: "box.lan".into(),
        }
    }

    /// The in-process answer is the one ssh gives, where ssh is here and
    /// the account is a local one.
    #[cfg(unix)]
    #[test]
    fn local_user_from_files_matches_ssh() {
        let from_files = local_from_files().expect("the test account is in /etc/passwd");
        // CI installs OpenSSH's client; elsewhere there may be none to ask.
        let Ok(ssh) = which::which("ssh") else { return };
        let from_ssh = local_from_openssh(&ssh).expect("ssh -G answers");
        assert_eq!(from_files, from_ssh);
    }

    #[test]
    fn tokens_and_tilde() {
        let local = me();
        let t = Tokens {
            local: &local,
            host: "h.example",
            original: "h",
            port: 2222,
            user: "bob",
            key_alias: "h",
        };
        assert_eq!(
            path("~/.ssh/%h_%r_%p_%u_%i_%L_%l_%n_%k_%%", &t).as_deref(),
            Ok("/home/me/.ssh/h.example_bob_2222_me_1000_box_box.lan_h_h_%")
        );
        assert_eq!(path("%d/x", &t).as_deref(), Ok("/home/me/x"));
        // sha1("box.lan" "h.example" "2222" "bob"), as `ssh -G` prints it.
        assert_eq!(path("%C", &t).as_deref(), Ok("5ff1bf8c232ea79626a14e11544957bab9682c51"));
        assert_eq!(tilde("~", &local).as_deref(), Ok("/home/me/"));
        assert_eq!(path("/a$b", &t).as_deref(), Ok("/a$b"));
        assert!(path("%Z", &t).is_err());
        assert!(path("${PARITTY_SURELY_UNSET_VARIABLE}", &t).is_err());
        assert_eq!(hostname("%h.lan%%", "web").as_deref(), Ok("web.lan%"));
        assert!(hostname("%r", "web").is_err());
    }
}
