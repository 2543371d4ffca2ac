//! Resolving how to reach a host exactly as the OpenSSH client would:
//! paritty's own `ssh_config` reader (`parse`) where it can evaluate
//! everything the config uses, else what `ssh -G` says (else the reader on
//! its own, when there is no `ssh`). Both produce the lines `ssh -G` prints;
//! one builder turns them into [`SshSettings`], so the two resolvers can be
//! compared, and the tests hold them to the same answers.

mod expand;
mod lex;
mod openssh;
mod parse;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

pub use lex::parse_proxy_jump;

use super::{SshSettings, StrictHostKeyChecking};
use expand::{LocalUser, Tokens};

/// How long `ssh -G` may take: it connects nowhere, but a `Match exec`
/// command or DNS canonicalization can hang. Generous: dozens of them start
/// at once when many hosts are collected on a busy machine.
pub const SSH_G_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest ssh_config file read (each of the Included ones too); a
/// larger one, or a FIFO or device, is refused with its name.
pub const MAX_SSH_CONFIG_BYTES: u64 = 1 << 20;

/// What to resolve, as on an `ssh` command line.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// An `ssh_config` alias or a host name/address, as the user typed it.
    pub host: &'a str,
    /// From `user@host`: overrides the config's User, like `ssh -l`.
    pub user: Option<&'a str>,
    /// From `host:port`: overrides the config's Port, like `ssh -p`.
    pub port: Option<u16>,
    /// Like `ssh -F`: only this file; else `~/.ssh/config` and `/etc/ssh/ssh_config`.
    pub config_file: Option<&'a Path>,
}

/// Which resolver answers.
#[derive(Debug, Clone, Copy)]
pub enum Resolver<'a> {
    /// The parser when it can answer the whole question; else the first
    /// `ssh` on PATH, falling back to the parser when there is none, it
    /// cannot run, or it predates `-G` (OpenSSH < 6.8). With
    /// `PARITTY_SSH_RESOLVER=openssh` in the environment, `ssh -G` answers
    /// every request it can.
    Auto,
    /// `program -G`, killed after `timeout`; with `fallback`, the parser
    /// when it cannot run or predates -G (else that is an error).
    OpenSsh { program: &'a Path, timeout: Duration, fallback: bool },
    /// paritty's own `ssh_config` reader only.
    Parse,
}

/// Why a host's settings could not be resolved; displays as one line naming
/// the host.
#[derive(Debug)]
pub enum SettingsError {
    /// The request itself cannot be passed on (empty host, shell characters).
    InvalidRequest { host: String, problem: String },
    /// The `-F` file is absent, unreadable or not a file.
    ConfigFile { host: String, path: PathBuf, problem: String },
    /// The config is wrong: OpenSSH's (or the parser's) message, with the
    /// `file line N` it names when there is one.
    Config { host: String, message: String },
    /// `ssh -G` did not answer in time and was killed.
    Timeout { host: String, after: Duration },
    /// `ssh` could not be run, or said something unreadable.
    Ssh { host: String, message: String },
    /// The config asks for something paritty cannot do (`ProxyCommand`).
    Unsupported { host: String, message: String },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (host, what) = match self {
            Self::InvalidRequest { host, problem } => (host, problem.clone()),
            Self::ConfigFile { host, path, problem } => {
                (host, format!("cannot read ssh config file {}: {problem}", path.display()))
            }
            Self::Config { host, message }
            | Self::Ssh { host, message }
            | Self::Unsupported { host, message } => (host, message.clone()),
            Self::Timeout { host, after } => (
                host,
                format!(
                    "ssh -G gave no answer within {after:?} (a Match exec that hangs?); killed"
                ),
            ),
        };
        // One line whatever the messages held.
        let what: String = what.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        write!(f, "ssh settings for {host:?}: {}", what.trim())
    }
}

impl std::error::Error for SettingsError {}

/// The environment variable that makes `ssh -G` answer every request it
/// can (`openssh`), for a config whose meaning the parser gets wrong.
pub const RESOLVER_ENV: &str = "PARITTY_SSH_RESOLVER";

/// Resolves `req` as `ssh` would (see [`Resolver::Auto`]).
pub fn resolve(req: &Request) -> Result<SshSettings, SettingsError> {
    resolve_with(req, Resolver::Auto)
}

/// [`resolve`] within `limit` (the time a host has left): `ssh -G` is
/// killed by then, and says `Timeout`.
pub fn resolve_within(req: &Request, limit: Duration) -> Result<SshSettings, SettingsError> {
    explained(req, Resolver::Auto, limit).0
}

/// Resolves `req` with a chosen resolver (tests compare them).
pub fn resolve_with(req: &Request, resolver: Resolver) -> Result<SshSettings, SettingsError> {
    resolve_explained(req, resolver).0
}

/// Who answered a request: the parser alone, or `ssh -G` and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answerer {
    Parser,
    /// `ssh -G`; the reason it was asked (what the config uses that the
    /// parser does not evaluate, the parser's error, or the choice made).
    OpenSsh(String),
}

/// [`resolve_with`], also saying who answered.
pub fn resolve_explained(
    req: &Request,
    resolver: Resolver,
) -> (Result<SshSettings, SettingsError>, Answerer) {
    explained(req, resolver, SSH_G_TIMEOUT)
}

/// [`resolve_explained`], `ssh -G` of [`Resolver::Auto`] given at most `limit`.
fn explained(
    req: &Request,
    resolver: Resolver,
    limit: Duration,
) -> (Result<SshSettings, SettingsError>, Answerer) {
    let parser = |result| (result, Answerer::Parser);
    if let Err(e) = check_request(req) {
        return parser(Err(e));
    }
    if let Some(path) = req.config_file
        && let Err(e) = check_config_file(req.host, path)
    {
        return parser(Err(e));
    }
    let openssh_first = std::env::var(RESOLVER_ENV).is_ok_and(|v| v == "openssh");
    let (program, timeout, fallback, why) = match resolver {
        Resolver::Parse => return parser(parsed(req)),
        Resolver::OpenSsh { program, timeout, fallback } => {
            (program.to_path_buf(), timeout, fallback, "asked for".to_string())
        }
        Resolver::Auto => {
            let Ok(program) = which::which("ssh") else { return parser(parsed(req)) };
            let why = if openssh_first {
                format!("{RESOLVER_ENV}=openssh")
            } else {
                // `ssh -G` costs a process per host, more CPU than the
                // connection itself: ask it only what the parser cannot answer.
                match parsed_whole(req, &program) {
                    Verdict::Whole(settings) => return parser(settings),
                    Verdict::AskOpenSsh(why) => why,
                }
            };
            (program, SSH_G_TIMEOUT.min(limit), true, why)
        }
    };
    (by_openssh(req, &program, timeout, fallback), Answerer::OpenSsh(why))
}

/// What the parser makes of a request.
enum Verdict {
    /// It evaluated everything the config uses: its answer is the answer.
    Whole(Result<SshSettings, SettingsError>),
    /// `ssh -G` must answer, for this reason (something the config uses
    /// that the parser does not evaluate, or a config error: OpenSSH's own
    /// message names it best).
    AskOpenSsh(String),
}

fn parsed_whole(req: &Request, program: &Path) -> Verdict {
    let local = match local_openssh(program, req.host) {
        Ok(local) => local,
        Err(e) => return Verdict::AskOpenSsh(e.to_string()),
    };
    match parse::dump(req, local) {
        Ok(parse::Parsed { dump, needs_openssh: None }) => Verdict::Whole(build(req, &dump, local)),
        Ok(parse::Parsed { needs_openssh: Some(what), .. }) => {
            Verdict::AskOpenSsh(format!("the config uses {what}"))
        }
        Err(message) => Verdict::AskOpenSsh(format!("the parser said: {message}")),
    }
}

fn by_openssh(
    req: &Request,
    program: &Path,
    timeout: Duration,
    fallback: bool,
) -> Result<SshSettings, SettingsError> {
    match openssh::dump(program, req, timeout) {
        Ok(dump) => build(req, &dump, local_openssh(program, req.host)?),
        Err(openssh::Failure::Settings(e)) => Err(e),
        Err(openssh::Failure::NoDashG | openssh::Failure::CannotRun(_)) if fallback => parsed(req),
        Err(openssh::Failure::NoDashG) => Err(SettingsError::Ssh {
            host: req.host.into(),
            message: format!("{} does not know -G (OpenSSH older than 6.8)", program.display()),
        }),
        Err(openssh::Failure::CannotRun(message)) => {
            Err(SettingsError::Ssh { host: req.host.into(), message })
        }
    }
}

fn parsed(req: &Request) -> Result<SshSettings, SettingsError> {
    let local = local_system(req.host)?;
    let parsed = parse::dump(req, local)
        .map_err(|message| SettingsError::Config { host: req.host.into(), message })?;
    build(req, &parsed.dump, local)
}

/// `ssh.c`'s `valid_hostname` (the same for both resolvers): no leading `-`,
/// no blanks, controls or shell metacharacters; `@` belongs in `user`.
fn check_request(req: &Request) -> Result<(), SettingsError> {
    let invalid = |problem: &str| {
        Err(SettingsError::InvalidRequest { host: req.host.into(), problem: problem.into() })
    };
    if req.host.is_empty() {
        return invalid("empty host name");
    }
    if req.host.starts_with('-')
        || req
            .host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'`\"$\\;&<>|(){}@".contains(c))
    {
        return invalid("host name contains invalid characters");
    }
    if req
        .user
        .is_some_and(|u| u.is_empty() || u.starts_with('-') || u.chars().any(char::is_control))
    {
        return invalid("invalid user name");
    }
    if req.port == Some(0) {
        return invalid("port 0");
    }
    Ok(())
}

/// `ssh -F` on a folder reads nothing and says nothing; an absent,
/// unreadable, oversized or non-regular file (a FIFO would block `ssh -G`
/// too) is named here, the same for both resolvers.
fn check_config_file(host: &str, path: &Path) -> Result<(), SettingsError> {
    crate::fsutil::read_bytes(path, MAX_SSH_CONFIG_BYTES).map(drop).map_err(|e| {
        SettingsError::ConfigFile {
            host: host.into(),
            path: path.into(),
            problem: e.problem.to_string(),
        }
    })
}

/// Who we are for `%u %d %i %l`, once per process: from /etc/passwd when
/// the account is there (what ssh's getpwuid() answers, without starting
/// an `ssh -G` for it), else as ssh itself says.
fn local_openssh(program: &Path, host: &str) -> Result<&'static LocalUser, SettingsError> {
    static FROM_SSH: OnceLock<Option<LocalUser>> = OnceLock::new();
    match FROM_SSH
        .get_or_init(|| expand::local_from_files().or_else(|| expand::local_from_openssh(program)))
    {
        Some(local) => Ok(local),
        None => local_system(host),
    }
}

fn local_system(host: &str) -> Result<&'static LocalUser, SettingsError> {
    static FROM_SYSTEM: OnceLock<Option<LocalUser>> = OnceLock::new();
    FROM_SYSTEM
        .get_or_init(|| expand::local_from_files().or_else(expand::local_from_system))
        .as_ref()
        .ok_or_else(|| SettingsError::Ssh {
            host: host.into(),
            message: "cannot tell who the local user is (no passwd entry, no $HOME)".into(),
        })
}

/// Resolved settings in `ssh -G`'s form: lowercase keyword and the value
/// as printed; a repeated keyword (identityfile) keeps every line.
#[derive(Debug, Default)]
struct Dump(Vec<(String, String)>);

impl Dump {
    fn push(&mut self, key: &str, value: &str) {
        self.0.push((key.into(), value.into()));
    }

    fn first(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn all<'a, 'k>(&'a self, key: &'k str) -> impl Iterator<Item = &'a str> + use<'a, 'k> {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// `ssh -G` lines to settings: the one mapping both resolvers share.
fn build(req: &Request, dump: &Dump, local: &LocalUser) -> Result<SshSettings, SettingsError> {
    let host = req.host;
    let config = |message: String| SettingsError::Config { host: host.into(), message };
    let odd = |key: &str, value: Option<&str>| SettingsError::Ssh {
        host: host.into(),
        message: format!("unexpected ssh -G value for {key}: {}", value.unwrap_or("(none)")),
    };
    let hostname = dump.first("hostname").ok_or_else(|| odd("hostname", None))?.to_string();
    let port = dump.first("port");
    let port = port.and_then(|p| p.parse::<u16>().ok()).ok_or_else(|| odd("port", port))?;
    let user = dump.first("user").ok_or_else(|| odd("user", None))?.to_string();
    if let Some(command) = dump.first("proxycommand") {
        return Err(SettingsError::Unsupported {
            host: host.into(),
            message: format!("ProxyCommand is not supported (use ProxyJump): {command}"),
        });
    }
    let proxy_jump = match dump.first("proxyjump") {
        Some(value) => parse_proxy_jump(value).map_err(config)?,
        None => Vec::new(),
    };
    let host_key_alias = dump.first("hostkeyalias").map(String::from);
    let tokens = Tokens {
        local,
        host: &hostname,
        original: host,
        port,
        user: &user,
        key_alias: host_key_alias.as_deref().unwrap_or(host),
    };
    // `IdentityFile none` is skipped where ssh loads keys.
    let identity_files = dump
        .all("identityfile")
        .filter(|f| !f.eq_ignore_ascii_case("none"))
        .map(|f| {
            expand::path(f, &tokens)
                .map(PathBuf::from)
                .map_err(|e| config(format!("IdentityFile {f}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let timeout = dump.first("connecttimeout");
    let connect_timeout = match timeout {
        None | Some("none") => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| odd("connecttimeout", timeout))?),
    }
    // ConnectTimeout 0 means "no limit" to ssh; paritty always bounds.
    .filter(|&secs| secs > 0)
    .map(Duration::from_secs);
    let strict = dump.first("stricthostkeychecking");
    let strict_host_key_checking = match strict.unwrap_or("ask") {
        "true" | "yes" => StrictHostKeyChecking::Yes,
        "false" | "no" | "off" => StrictHostKeyChecking::No,
        "accept-new" => StrictHostKeyChecking::AcceptNew,
        "ask" => StrictHostKeyChecking::Ask,
        _ => return Err(odd("stricthostkeychecking", strict)),
    };
    // ssh -G prints UserKnownHostsFile expanded; ssh expands only `~` of
    // GlobalKnownHostsFile, when it connects.
    let user_known_hosts_files =
        files(dump.first("userknownhostsfile")).map(PathBuf::from).collect();
    let global_known_hosts_files = files(dump.first("globalknownhostsfile"))
        .map(|f| {
            expand::tilde(f, local)
                .map(PathBuf::from)
                .map_err(|e| config(format!("GlobalKnownHostsFile {f}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(SshSettings {
        alias: host.to_string(),
        hostname,
        port,
        user,
        identity_files,
        identities_only: dump.first("identitiesonly") == Some("yes"),
        proxy_jump,
        connect_timeout,
        strict_host_key_checking,
        user_known_hosts_files,
        global_known_hosts_files,
        host_key_alias,
        batch_mode: dump.first("batchmode") == Some("yes"),
        hash_known_hosts: dump.first("hashknownhosts") == Some("yes"),
    })
}

/// A one-line file list; a lone `none` is no file at all.
fn files(line: Option<&str>) -> impl Iterator<Item = &str> {
    let line = line.filter(|l| !l.eq_ignore_ascii_case("none")).unwrap_or("");
    line.split_whitespace()
}
