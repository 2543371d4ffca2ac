//! Logging in the way `ssh` does: every identity the agent offers (only those
//! matching an IdentityFile under IdentitiesOnly), then the identity files,
//! asking for a key's passphrase only when a terminal is there to answer.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use ssh2::Session;

use super::SshSettings;
use super::deadline::{Deadline, Phase};

/// Asks the person at the terminal for a key's passphrase; never stored.
pub trait PassphrasePrompt: Sync {
    fn passphrase(&self, key: &Path) -> Option<String>;
}

/// Why nobody could log in, with what was tried (shown to the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRefused {
    /// The keys the server answered (refused), in the order offered; a key
    /// whose offer got no answer is said in `detail`, never listed here.
    pub tried: Vec<String>,
    /// Identity files libssh2 could not read, so never offered, each with
    /// its reason (an encrypted one is said in `detail` instead).
    pub unread: Vec<String>,
    pub detail: Option<String>,
    /// Not refused: the host deadline passed in this phase.
    pub timed_out: Option<Phase>,
}

impl std::fmt::Display for AuthRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.tried.is_empty() {
            write!(f, "tried {}", self.tried.join(", "))?;
        } else if self.unread.is_empty() && self.detail.is_none() {
            f.write_str("no key to offer (no agent identities, no identity files)")?;
        } else {
            f.write_str("no key reached the server")?;
        }
        if !self.unread.is_empty() {
            write!(f, "; could not read {}", self.unread.join(", "))?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "; {detail}")?;
        }
        Ok(())
    }
}

pub fn authenticate(
    session: &Session,
    settings: &SshSettings,
    prompt: Option<&dyn PassphrasePrompt>,
    deadline: &Deadline,
) -> Result<(), AuthRefused> {
    let user = settings.user.as_str();
    let mut tried = Vec::new();
    // Each call to the server is bounded by the time left, set anew before
    // it; none is made once the deadline has passed.
    let late = |tried: Vec<String>, unread: Vec<String>| AuthRefused {
        tried,
        unread,
        detail: None,
        timed_out: Some(Phase::Login),
    };
    if !deadline.arm(session) {
        return Err(late(tried, Vec::new()));
    }
    // Asking for the methods is itself the "none" attempt; a server that
    // takes no keys is told apart from one that refused ours.
    match session.auth_methods(user) {
        Ok(methods) if !methods.split(',').any(|m| m == "publickey") => {
            return Err(AuthRefused {
                tried,
                unread: Vec::new(),
                detail: Some(format!(
                    "the server only offers {methods}; paritty logs in with keys"
                )),
                timed_out: None,
            });
        }
        _ if session.authenticated() => return Ok(()),
        _ if deadline.passed() => return Err(late(tried, Vec::new())),
        _ => {}
    }

    let files: Vec<KeyFile> = settings.identity_files.iter().map(|p| key_file(p)).collect();
    let mut offered_blobs: Vec<Vec<u8>> = Vec::new();
    match with_agent(session, settings, &files, deadline, &mut tried, &mut offered_blobs) {
        AgentLogin::In => return Ok(()),
        AgentLogin::Out => {}
        AgentLogin::Unanswered(name) => return Err(unanswered(tried, Vec::new(), &name)),
        AgentLogin::Late(phase) => {
            return Err(AuthRefused {
                tried,
                unread: Vec::new(),
                detail: None,
                timed_out: Some(phase),
            });
        }
    }

    let mut detail = None;
    let mut unread = Vec::new();
    for KeyFile { path, blob, public_file } in &files {
        if !path.is_file() {
            continue;
        }
        if blob.as_ref().is_some_and(|b| offered_blobs.contains(b)) {
            continue;
        }
        let name = path.display().to_string();
        let public_file = public_file.as_deref();
        let encrypted = is_encrypted(path);
        if !deadline.arm(session) {
            return Err(late(tried, unread));
        }
        match outcome(session, session.userauth_pubkey_file(user, public_file, path, None)) {
            Outcome::LoggedIn => return Ok(()),
            Outcome::Refused => tried.push(name.clone()),
            // Without its passphrase an encrypted key is said below.
            Outcome::Unread(_) if encrypted => {}
            Outcome::Unread(why) => unread.push(format!("{name} ({why})")),
            Outcome::Unanswered if deadline.passed() => return Err(late(tried, unread)),
            Outcome::Unanswered => return Err(unanswered(tried, unread, &name)),
        }
        // libssh2 says "unsupported format" both for an encrypted key and a
        // refused one: only a key that is encrypted is worth a passphrase.
        if encrypted {
            match prompt.and_then(|p| deadline.excluding(|| p.passphrase(path))) {
                Some(passphrase) => {
                    if !deadline.arm(session) {
                        return Err(late(tried, unread));
                    }
                    let unlocked =
                        session.userauth_pubkey_file(user, public_file, path, Some(&passphrase));
                    match outcome(session, unlocked) {
                        Outcome::LoggedIn => return Ok(()),
                        Outcome::Refused if !tried.contains(&name) => tried.push(name),
                        Outcome::Refused => {}
                        // libssh2 says "unsupported format" for a wrong passphrase.
                        Outcome::Unread(_) => {
                            unread.push(format!("{name} with the passphrase given"));
                        }
                        Outcome::Unanswered if deadline.passed() => {
                            return Err(late(tried, unread));
                        }
                        Outcome::Unanswered => return Err(unanswered(tried, unread, &name)),
                    }
                }
                None => {
                    detail = Some(format!(
                        "{} is encrypted and no terminal can ask its passphrase: add it to ssh-agent",
                        path.display()
                    ));
                }
            }
        }
    }
    if deadline.passed() {
        return Err(late(tried, unread));
    }
    Err(AuthRefused { tried, unread, detail, timed_out: None })
}

enum AgentLogin {
    In,
    Out,
    /// This agent key's offer got no answer (see `Outcome::Unanswered`).
    Unanswered(String),
    Late(Phase),
}

/// Logging in with the agent's identities, the agent itself (which libssh2
/// does not bound) behind a relay that ends at the deadline.
#[cfg(unix)]
fn with_agent(
    session: &Session,
    settings: &SshSettings,
    files: &[KeyFile],
    deadline: &Deadline,
    tried: &mut Vec<String>,
    offered: &mut Vec<Vec<u8>>,
) -> AgentLogin {
    // Without SSH_AUTH_SOCK there is no agent to ask (libssh2 would find none).
    let Some(socket) = std::env::var_os("SSH_AUTH_SOCK").filter(|s| !s.is_empty()) else {
        return AgentLogin::Out;
    };
    if deadline.passed() {
        return AgentLogin::Late(Phase::Login);
    }
    // Should no relay be possible, the agent is used as it is, unbounded.
    let relay = super::agent_relay::Relay::start(socket.into(), deadline.instant());
    let path = relay.as_ref().map(|r| r.path().to_owned());
    let login = agent_identities(session, settings, files, deadline, tried, offered, path);
    // libssh2 has let go of the agent: the relay ends now.
    let cut = relay.is_some_and(super::agent_relay::Relay::finish);
    match login {
        AgentLogin::In => AgentLogin::In,
        _ if cut => AgentLogin::Late(Phase::Agent),
        other => other,
    }
}

#[cfg(not(unix))]
fn with_agent(
    session: &Session,
    settings: &SshSettings,
    files: &[KeyFile],
    deadline: &Deadline,
    tried: &mut Vec<String>,
    offered: &mut Vec<Vec<u8>>,
) -> AgentLogin {
    agent_identities(session, settings, files, deadline, tried, offered, None)
}

/// Every agent identity in turn (only those of an IdentityFile under
/// IdentitiesOnly), the agent at `path` when given.
fn agent_identities(
    session: &Session,
    settings: &SshSettings,
    files: &[KeyFile],
    deadline: &Deadline,
    tried: &mut Vec<String>,
    offered: &mut Vec<Vec<u8>>,
    path: Option<PathBuf>,
) -> AgentLogin {
    let user = settings.user.as_str();
    let Ok(mut agent) = session.agent() else { return AgentLogin::Out };
    if let Some(path) = path
        && agent.set_identity_path(&path).is_err()
    {
        return AgentLogin::Out;
    }
    if agent.connect().is_err() || agent.list_identities().is_err() {
        return AgentLogin::Out;
    }
    for identity in agent.identities().unwrap_or_default() {
        let blob = identity.blob().to_vec();
        let from_file = files.iter().any(|f| f.blob.as_deref() == Some(&blob[..]));
        if settings.identities_only && !from_file {
            continue;
        }
        let name = format!("agent key {}", shown_comment(identity.comment()));
        offered.push(blob);
        if !deadline.arm(session) {
            return AgentLogin::Late(Phase::Login);
        }
        match outcome(session, agent.userauth(user, &identity)) {
            Outcome::LoggedIn => return AgentLogin::In,
            // An agent's key is always readable: no other outcome here.
            Outcome::Refused | Outcome::Unread(_) => tried.push(name),
            Outcome::Unanswered if deadline.passed() => return AgentLogin::Late(Phase::Login),
            Outcome::Unanswered => return AgentLogin::Unanswered(name),
        }
    }
    AgentLogin::Out
}

/// How one offer of a key went.
enum Outcome {
    LoggedIn,
    /// The server said no (or libssh2 could not use the key): the next key
    /// may be offered.
    Refused,
    /// No answer came: the server closed the connection (OpenSSH's sshd
    /// does once MaxAuthTries keys were refused, without a word for the
    /// last one) or stopped answering. Nothing more can be offered.
    Unanswered,
    /// libssh2 could not read the key file (libssh2's reason), so nothing
    /// was sent: the server never saw the key.
    Unread(String),
}

fn outcome(session: &Session, result: Result<(), ssh2::Error>) -> Outcome {
    // libssh2.h's codes for a connection that failed (the ssh2 crate does
    // not name them): socket send, timeout, disconnected, socket timeout,
    // socket receive.
    const CONNECTION_FAILED: [i32; 5] = [-7, -9, -13, -30, -43];
    // LIBSSH2_ERROR_FILE: a key file it could not read (before sending).
    const FILE: i32 = -16;
    match result {
        Ok(()) if session.authenticated() => Outcome::LoggedIn,
        // libssh2 reports a reply that never came under the refusal's own
        // code, "Waiting for [publickey] USERAUTH response" (the cause, a
        // disconnection, is only in its debug trace).
        Err(e)
            if matches!(e.code(), ssh2::ErrorCode::Session(c) if CONNECTION_FAILED.contains(&c))
                || e.message().starts_with("Waiting for") =>
        {
            Outcome::Unanswered
        }
        Err(e) if e.code() == ssh2::ErrorCode::Session(FILE) => {
            Outcome::Unread(e.message().to_owned())
        }
        Ok(()) | Err(_) => Outcome::Refused,
    }
}

/// The refusal when `key` got no answer: the keys before it are what the
/// server answered, so they alone are listed as tried.
fn unanswered(tried: Vec<String>, unread: Vec<String>, key: &str) -> AuthRefused {
    AuthRefused {
        tried,
        unread,
        detail: Some(format!(
            "no answer to {key}: the server closed the connection or stopped answering (OpenSSH's \
             sshd disconnects once MaxAuthTries keys were refused; offer the right key first, \
             with IdentityFile and IdentitiesOnly)"
        )),
        timed_out: None,
    }
}

/// An IdentityFile as authentication uses it.
struct KeyFile {
    path: PathBuf,
    /// The key blob of `path.pub`, else of the private key file itself (an
    /// OpenSSH-format key holds its public half in clear, encrypted or not,
    /// and ssh reads it there), to match agent identities against files.
    blob: Option<Vec<u8>>,
    /// `path.pub` when it holds the private key's own public half. Given to
    /// libssh2, it spares deriving that half from the private key, which
    /// starts with an OpenSSL PEM decoder that fails on OpenSSH-format keys
    /// and cost a sixth of paritty's CPU per host. A `.pub` that does not
    /// match (or cannot be checked) is left out: it would fail the login.
    public_file: Option<PathBuf>,
}

fn key_file(private: &Path) -> KeyFile {
    let mut pub_path = private.as_os_str().to_owned();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    let from_pub = read_key(&pub_path).and_then(|text| {
        let encoded = text.split_whitespace().nth(1)?;
        base64::engine::general_purpose::STANDARD.decode(encoded).ok()
    });
    let from_private = read_key(private).and_then(|text| openssh_key(&text)).map(|k| k.public);
    let public_file = (from_pub.is_some() && from_pub == from_private).then_some(pub_path);
    KeyFile { path: private.to_path_buf(), blob: from_pub.or(from_private), public_file }
}

/// A key file's text; one that is not a small regular file (a key is a few
/// KiB) is left alone, like one that cannot be read.
fn read_key(path: &Path) -> Option<String> {
    crate::fsutil::read_text(path, 1 << 20).ok()
}

/// OpenSSH-format keys name their cipher inside; PEM keys say so in a
/// header (`Proc-Type: 4,ENCRYPTED`) or their label (PKCS#8).
fn is_encrypted(path: &Path) -> bool {
    let Some(text) = read_key(path) else { return false };
    match openssh_key(&text) {
        Some(key) => key.cipher != b"none",
        None => text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("ENCRYPTED PRIVATE KEY"),
    }
}

/// What an `openssh-key-v1` private key file (ssh-keygen's default format)
/// shows in clear, encrypted or not.
struct OpensshKey {
    cipher: Vec<u8>,
    /// The first key's public blob.
    public: Vec<u8>,
}

fn openssh_key(text: &str) -> Option<OpensshKey> {
    let body: String = text
        .lines()
        .skip_while(|l| l.trim() != "-----BEGIN OPENSSH PRIVATE KEY-----")
        .skip(1)
        .take_while(|l| !l.starts_with("-----"))
        .collect();
    let raw = base64::engine::general_purpose::STANDARD.decode(body.trim()).ok()?;
    let mut rest = raw.strip_prefix(b"openssh-key-v1\0")?;
    let cipher = ssh_string(&mut rest)?.to_vec();
    let _kdf_name = ssh_string(&mut rest)?;
    let _kdf_options = ssh_string(&mut rest)?;
    rest = rest.get(4..)?; // number of keys
    let public = ssh_string(&mut rest)?.to_vec();
    Some(OpensshKey { cipher, public })
}

/// One SSH wire string (4-byte big-endian length, bytes), advancing `rest`.
fn ssh_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
    let end = len.checked_add(4)?;
    let value = rest.get(4..end)?;
    *rest = &rest[end..];
    Some(value)
}

fn shown_comment(comment: &str) -> String {
    let clean = crate::output::sanitize::strip_control(comment);
    if clean.is_empty() { "(no comment)".to_owned() } else { clean }
}
