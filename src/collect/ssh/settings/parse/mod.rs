//! The fallback resolver: paritty's own reading of `ssh_config` for when no
//! `ssh` can answer `ssh -G`. It follows OpenSSH 9.2's `readconf.c` and emits
//! the lines `ssh -G` would print for the keywords paritty uses.
//!
//! Supported: `Host` patterns (`*`, `?`, `!`; case-sensitive, against the
//! name as typed); the first obtained value wins (`IdentityFile` accumulates,
//! duplicates dropped); `Include` (globs with `*`/`?`, relative to ~/.ssh
//! or /etc/ssh, 16 deep, owner/permission check); keywords in any case;
//! `key value`, `key=value`, quotes, backslash escapes; `IgnoreUnknown`;
//! `Match all|host|originalhost|user|localuser|canonical|final` with `!`;
//! the final pass (`Match final`, `CanonicalizeHostname`) in which `Host`
//! lines match the resolved `HostName`; OpenSSH's defaults.
//!
//! Not supported: `Match exec` is never run, so its block is skipped (as
//! are `tagged`, `localnetwork`, ... of later releases): its settings never
//! apply, nor leak into the block before. No DNS canonicalization; no
//! `[...]` in Include globs; values of keywords paritty does not use are not
//! checked. A config that uses any of these says so ([`Parsed::needs_openssh`]),
//! so that where `ssh` is installed it answers instead.

mod emit;
mod files;

use std::path::Path;

use super::expand::{self, LocalUser};
use super::{Dump, Request, lex};
use files::{cannot_open, read};

/// `readconf.c`'s `READCONF_MAX_DEPTH`.
const MAX_DEPTH: u32 = 16;

/// What the config set; `None`/empty is "not yet", so the first value wins.
#[derive(Default)]
struct Options {
    user: Option<String>,
    hostname: Option<String>,
    port: Option<u16>,
    identity_files: Vec<String>,
    identities_only: Option<bool>,
    /// `ProxyJump` and `ProxyCommand` exclude each other: the first one wins.
    proxy: Option<Proxy>,
    /// Seconds; `none` leaves it unset, so a later value still applies.
    connect_timeout: Option<u64>,
    strict: Option<&'static str>,
    user_known_hosts: Vec<String>,
    global_known_hosts: Vec<String>,
    host_key_alias: Option<String>,
    batch_mode: Option<bool>,
    hash_known_hosts: Option<bool>,
    ignore_unknown: Option<String>,
    canonicalize: Option<bool>,
}

enum Proxy {
    Command(String),
    Jump(String),
}

#[derive(Clone, Copy)]
struct Flags {
    /// A user's file: relative Includes are under ~/.ssh, `~` is allowed.
    user_conf: bool,
    /// Inside an Include from a block that did not apply: nothing matches.
    never_match: bool,
}

/// The parser's answer, and whether it is the whole answer.
pub(super) struct Parsed {
    pub dump: Dump,
    /// What the config uses that only `ssh -G` evaluates faithfully
    /// (`Match exec`, DNS canonicalization, ...): the first one met.
    pub needs_openssh: Option<String>,
}

struct Reader<'a> {
    opts: Options,
    /// See [`Parsed::needs_openssh`].
    needs_openssh: Option<String>,
    typed: &'a str,
    /// What `Host` lines match: the name as typed, then (final pass) the
    /// resolved `HostName`.
    host: String,
    final_pass: bool,
    want_final: bool,
    local: &'a LocalUser,
    config_file: Option<&'a Path>,
}

/// The settings for `req` in `ssh -G`'s form, or the config line at fault.
pub(super) fn dump(req: &Request, local: &LocalUser) -> Result<Parsed, String> {
    let opts = Options { user: req.user.map(String::from), port: req.port, ..Options::default() };
    let mut r = Reader {
        opts,
        needs_openssh: None,
        typed: req.host,
        host: req.host.to_string(),
        final_pass: false,
        want_final: false,
        local,
        config_file: req.config_file,
    };
    r.pass()?;
    if r.opts.canonicalize == Some(true) {
        r.needs("CanonicalizeHostname (a DNS lookup)");
    }
    if r.want_final || r.opts.canonicalize == Some(true) {
        // ssh.c re-reads everything with the resolved name (no DNS here).
        let host = r.resolved_hostname()?;
        r.opts.hostname = Some(host.clone());
        r.host = host;
        r.final_pass = true;
        r.pass()?;
    }
    let needs_openssh = r.needs_openssh.take();
    Ok(Parsed { dump: r.finish()?, needs_openssh })
}

/// A default config file: absent or denied ones are skipped, as ssh does;
/// one that is there but too large or not a file is named.
fn read_default(path: &Path) -> Result<Option<String>, String> {
    match read(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.io_kind().is_some() => Ok(None),
        Err(e) => Err(cannot_open(path, &e)),
    }
}

impl Reader<'_> {
    /// Notes something only `ssh -G` can evaluate (the first one is kept).
    fn needs(&mut self, what: &str) {
        self.needs_openssh.get_or_insert_with(|| what.to_string());
    }

    fn pass(&mut self) -> Result<(), String> {
        let user = Flags { user_conf: true, never_match: false };
        if let Some(file) = self.config_file {
            let text = read(file).map_err(|e| cannot_open(file, &e))?;
            return self.read_text(file, &text, user, &mut true, 0);
        }
        let own = Path::new(&self.local.home).join(".ssh/config");
        if let Some(text) = read_default(&own)? {
            self.check_perm(&own)?;
            self.read_text(&own, &text, user, &mut true, 0)?;
        }
        let system = Path::new("/etc/ssh/ssh_config");
        if let Some(text) = read_default(system)? {
            let flags = Flags { user_conf: false, never_match: false };
            self.read_text(system, &text, flags, &mut true, 0)?;
        }
        Ok(())
    }

    fn read_text(
        &mut self,
        path: &Path,
        text: &str,
        flags: Flags,
        active: &mut bool,
        depth: u32,
    ) -> Result<(), String> {
        let file = path.display().to_string();
        for (index, line) in text.split('\n').enumerate() {
            self.line(&file, index + 1, line, flags, active, depth)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_lines)] // one arm per keyword, as in readconf.c
    fn line(
        &mut self,
        file: &str,
        n: usize,
        raw: &str,
        flags: Flags,
        active: &mut bool,
        depth: u32,
    ) -> Result<(), String> {
        let raw = raw.trim_end_matches([' ', '\t', '\r', '\n', '\x0c']);
        let Some((kw, rest)) = lex::keyword(raw) else { return Ok(()) };
        let at = |msg: &str| format!("{file} line {n}: {msg}");
        if rest.is_empty() {
            return Err(at(&format!("no argument after keyword \"{kw}\"")));
        }
        if !lex::KEYWORDS.contains(&kw.as_str()) {
            if self.opts.ignore_unknown.as_deref().is_some_and(|p| lex::matches_list(&kw, p, true))
            {
                return Ok(());
            }
            return Err(format!("{file}: line {n}: Bad configuration option: {kw}"));
        }
        let args = lex::args(rest).ok_or_else(|| at("invalid quotes"))?;
        let one = || match args.as_slice() {
            [arg] if !arg.is_empty() => Ok(arg.clone()),
            [] | [_] => Err(at("Missing argument.")),
            _ => Err(at(&format!("keyword {kw} extra arguments at end of line"))),
        };
        let flag = |arg: &str| match arg.to_ascii_lowercase().as_str() {
            "yes" | "true" => Ok(true),
            "no" | "false" => Ok(false),
            _ => Err(at(&format!("unsupported option \"{arg}\"."))),
        };
        let on = *active;
        let o = &mut self.opts;
        match kw.as_str() {
            "host" => {
                *active = false;
                for arg in &args {
                    if arg.is_empty() {
                        return Err(at("keyword host empty argument"));
                    }
                    if flags.never_match {
                        break;
                    }
                    let (negated, pattern) =
                        arg.strip_prefix('!').map_or((false, arg.as_str()), |p| (true, p));
                    if lex::matches(&self.host, pattern) {
                        *active = !negated;
                        if negated {
                            break;
                        }
                    }
                }
            }
            "match" => *active = self.match_line(rest, &at)? && !flags.never_match,
            "include" => self.include(&args, flags, active, depth, &at)?,
            "hostname" => set(&mut o.hostname, on, one()?),
            "user" => set(&mut o.user, on, one()?),
            "hostkeyalias" => set(&mut o.host_key_alias, on, one()?),
            "ignoreunknown" => set(&mut o.ignore_unknown, on, one()?),
            "port" => {
                let arg = one()?;
                let port = arg.parse::<u16>().ok().filter(|&p| p > 0);
                set(&mut o.port, on, port.ok_or_else(|| at(&format!("Bad port '{arg}'.")))?);
            }
            "identityfile" | "identityfile2" => {
                let arg = one()?;
                if on && !o.identity_files.contains(&arg) {
                    o.identity_files.push(arg);
                }
            }
            "identitiesonly" => set(&mut o.identities_only, on, flag(&one()?)?),
            "batchmode" => set(&mut o.batch_mode, on, flag(&one()?)?),
            "hashknownhosts" => set(&mut o.hash_known_hosts, on, flag(&one()?)?),
            "stricthostkeychecking" => {
                let arg = one()?;
                let value = match arg.to_ascii_lowercase().as_str() {
                    "yes" | "true" => "true",
                    "no" | "false" | "off" => "false",
                    "ask" => "ask",
                    "accept-new" => "accept-new",
                    _ => return Err(at(&format!("unsupported option \"{arg}\"."))),
                };
                set(&mut o.strict, on, value);
            }
            "canonicalizehostname" => {
                let arg = one()?;
                let always = arg.eq_ignore_ascii_case("always");
                set(&mut o.canonicalize, on, always || flag(&arg)?);
            }
            "connecttimeout" => {
                let arg = one()?;
                if arg != "none" {
                    let secs = convtime(&arg).ok_or_else(|| at("invalid time value."))?;
                    set(&mut o.connect_timeout, on, secs);
                }
            }
            "userknownhostsfile" | "globalknownhostsfile" => {
                if args.iter().any(String::is_empty) {
                    return Err(at(&format!("keyword {kw} empty argument")));
                }
                if args.len() > 1 && args.iter().any(|a| a.eq_ignore_ascii_case("none")) {
                    return Err(at(&format!("keyword {kw} \"none\" argument must appear alone.")));
                }
                let list = if kw == "userknownhostsfile" {
                    &mut o.user_known_hosts
                } else {
                    &mut o.global_known_hosts
                };
                if on && list.is_empty() {
                    list.clone_from(&args);
                }
            }
            "proxyjump" => {
                let value = rest.split('#').next().unwrap_or("").trim_end().to_string();
                lex::parse_proxy_jump(&value)
                    .map_err(|_| at(&format!("Invalid ProxyJump \"{rest}\"")))?;
                if on && o.proxy.is_none() {
                    o.proxy = Some(Proxy::Jump(value));
                }
            }
            "proxycommand" if on && o.proxy.is_none() => {
                o.proxy = Some(Proxy::Command(rest.to_string()));
            }
            // Known to OpenSSH, not used by paritty.
            _ => {}
        }
        Ok(())
    }

    /// `readconf.c`'s `match_cfg_line`: whether the block applies.
    fn match_line(&mut self, criteria: &str, at: &dyn Fn(&str) -> String) -> Result<bool, String> {
        let host = match &self.opts.hostname {
            Some(name) if self.final_pass => name.clone(),
            Some(name) => expand::hostname(name, self.typed).map_err(|e| at(&e))?,
            None => self.typed.to_string(),
        };
        let remote_user = self.opts.user.clone().unwrap_or_else(|| self.local.name.clone());
        let bad = |why: &str| at(&format!("Bad Match condition ({why})"));
        let (mut result, mut attributes) = (true, 0);
        let mut rest = Some(criteria);
        while let Some((Some(word), next)) = rest.map(lex::strdelim) {
            rest = next;
            if word.is_empty() || word.starts_with('#') {
                break;
            }
            let (negate, attribute) = word.strip_prefix('!').map_or((false, &*word), |a| (true, a));
            let attribute = attribute.to_ascii_lowercase();
            if attribute == "all" {
                let more = rest.and_then(|r| lex::strdelim(r).0);
                if attributes > 1 || more.is_some_and(|m| !m.is_empty() && !m.starts_with('#')) {
                    return Err(bad(&format!(
                        "'{word}' cannot be combined with other Match attributes"
                    )));
                }
                return Ok(result && !negate);
            }
            attributes += 1;
            if attribute == "canonical" || attribute == "final" {
                self.want_final |= attribute == "final";
                result &= self.final_pass != negate;
                continue;
            }
            let arg = match rest.map(lex::strdelim) {
                Some((Some(arg), next)) if !arg.is_empty() && !arg.starts_with('#') => {
                    rest = next;
                    arg
                }
                _ => return Err(bad(&format!("Missing Match criteria for {attribute}"))),
            };
            let matched = match attribute.as_str() {
                "host" => lex::matches_list(&host, &arg, true),
                "originalhost" => lex::matches_list(self.typed, &arg, true),
                "user" => lex::matches_list(&remote_user, &arg, false),
                "localuser" => lex::matches_list(&self.local.name, &arg, false),
                // Never run here: the block is skipped whatever the negation.
                // That is OpenSSH's answer too when an earlier criterion
                // already failed; otherwise only ssh can tell.
                "exec" | "tagged" | "localnetwork" | "sessiontype" | "command" | "version" => {
                    if result {
                        self.needs(&format!("Match {attribute}"));
                    }
                    result = false;
                    continue;
                }
                _ => return Err(bad(&format!("Unsupported Match attribute {attribute}"))),
            };
            result &= matched != negate;
        }
        if attributes == 0 {
            return Err(bad("One or more attributes required for Match"));
        }
        Ok(result)
    }
}

fn set<T>(slot: &mut Option<T>, active: bool, value: T) {
    if active && slot.is_none() {
        *slot = Some(value);
    }
}

/// OpenSSH's `convtime`: `90`, `1m30s`, `2h`, units s m h d w.
fn convtime(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (mut total, mut digits) = (0u64, String::new());
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(digits.parse::<u64>().ok()?.checked_mul(unit)?)?;
        digits.clear();
    }
    if !digits.is_empty() {
        total = total.checked_add(digits.parse().ok()?)?;
    }
    i32::try_from(total).ok().map(|_| total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser says it cannot evaluate in `config`, read as `-F`.
    fn needs_openssh(config: &str) -> Option<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config");
        std::fs::write(&path, config).expect("write config");
        let local = LocalUser {
            name: "me".into(),
            uid: rustix::process::getuid().as_raw(),
            home: "/home/me".into(),
            hostname: "box".into(),
        };
        let req = Request { host: "a", user: None, port: None, config_file: Some(&path) };
        dump(&req, &local).expect("parses").needs_openssh
    }

    #[test]
    fn what_only_openssh_evaluates_is_named() {
        assert_eq!(needs_openssh("Host a\n  Port 2\nMatch final host x\n  User y\n"), None);
        assert_eq!(needs_openssh("Match exec true\n  Port 2\n").as_deref(), Some("Match exec"));
        // Even a block for another host: whether it applies is not evaluated.
        assert_eq!(
            needs_openssh("Host b\n  Port 2\nMatch !tagged x\n  Port 3\n").as_deref(),
            Some("Match tagged")
        );
        // A block already out by an earlier criterion: its exec cannot matter.
        assert_eq!(needs_openssh("Match originalhost b exec true\n  Port 2\n"), None);
        assert_eq!(
            needs_openssh("Match originalhost a exec true\n  Port 2\n").as_deref(),
            Some("Match exec")
        );
        assert_eq!(
            needs_openssh("CanonicalizeHostname always\n").as_deref(),
            Some("CanonicalizeHostname (a DNS lookup)")
        );
        assert_eq!(needs_openssh("CanonicalizeHostname no\n"), None);
        assert_eq!(
            needs_openssh("Include /nonexistent/[ab]*.conf\n").as_deref(),
            Some("an Include pattern with [...]")
        );
    }

    #[test]
    fn times() {
        assert_eq!(convtime("90"), Some(90));
        assert_eq!(convtime("1m30s"), Some(90));
        assert_eq!(convtime("2H"), Some(7200));
        assert_eq!(convtime("1x"), None);
        assert_eq!(convtime(""), None);
    }
}
