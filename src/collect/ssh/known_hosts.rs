//! Host key verification against the user's `known_hosts` files, with OpenSSH's
//! rules, for sessions made with ssh2 (libssh2).
//!
//! libssh2's `KnownHosts` is not used: its reader stops at the first line it cannot
//! parse (`@cert-authority`, `@revoked`, garbage), its check ignores key types, and it
//! knows no patterns, markers or line numbers. The files are read here line by line as
//! `ssh` reads them (hostfile.c, sshconnect.c), and the rules are OpenSSH 9's:
//! - the name looked up is `[host]:port` for a port other than 22, else `host`; a
//!   `HostKeyAlias` replaces both (port included);
//! - the lines for that name in every file count together (user files, then global):
//!   a line with the server's key is a match; otherwise a line with any other key, of
//!   any type, means the key changed (`ssh` names the last such line; so do we);
//! - a `@revoked` line with the server's key refuses it, even when a line matches;
//! - only when nothing is known under `[host]:port`, a line for the bare host with the
//!   very same key still vouches for it (ssh's "found matching key w/out port");
//! - `@cert-authority` lines are skipped: host certificates are never negotiated.

use std::fs::{self, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use ssh2::{HashType, Session};

use super::SshSettings;
use crate::fsutil::{self, ReadError};

/// The plain host key algorithms libssh2 verifies, in OpenSSH's default order. No
/// certificates (their CAs cannot be checked with ssh2), no SHA-1 `ssh-rsa`/`ssh-dss`.
const HOST_KEY_METHODS: [&str; 6] = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
];

/// The name a host is known under: `HostKeyAlias` if set, else the host name, plus
/// the port (22 for an alias, which `ssh` looks up without a port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostId {
    pub name: String,
    pub port: u16,
}

impl HostId {
    /// The identity `ssh` looks up for these settings.
    pub fn from_settings(settings: &SshSettings) -> HostId {
        match &settings.host_key_alias {
            Some(alias) => HostId { name: alias.clone(), port: 22 },
            None => HostId { name: settings.hostname.clone(), port: settings.port },
        }
    }

    /// `host` on port 22, else `[host]:port`; lowercase, as `ssh` looks names up.
    pub fn lookup_name(&self) -> String {
        let name = self.name.to_ascii_lowercase();
        if self.port == 22 { name } else { format!("[{name}]:{}", self.port) }
    }
}

/// What `known_hosts` says about the key a server presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Match,
    /// No line for this host (or only bare-host lines with other keys).
    Unknown,
    /// Lines for this host hold other keys; `line` (1-based) is the one `ssh` names as
    /// "Offending <type> key in <file>:<line>".
    Changed {
        file: PathBuf,
        line: usize,
        known_type: String,
    },
    /// A `@revoked` line lists the server's key.
    Revoked {
        file: PathBuf,
        line: usize,
    },
    /// A file that exists could not be read (too large, not a regular file,
    /// denied): what it holds is unknown, so the key cannot be trusted, nor
    /// called new (that would let a changed key be accepted).
    Unreadable {
        file: PathBuf,
        problem: String,
    },
}

/// The largest `known_hosts` file read (about 30,000 ed25519 lines).
pub const MAX_KNOWN_HOSTS_BYTES: u64 = 16 << 20;

/// The host key algorithms of the keys known for this host, in OpenSSH's order, as
/// libssh2 method names (an `ssh-rsa` line gives `rsa-sha2-512` and `rsa-sha2-256`).
pub fn known_key_types(files: &[PathBuf], host: &HostId) -> Vec<String> {
    // An unreadable file is reported by `check_key`, after the handshake.
    let known = entries(files, &host.lookup_name()).unwrap_or_default();
    let plain: Vec<&Entry> = known.iter().filter(|e| !e.revoked).collect();
    HOST_KEY_METHODS
        .iter()
        .filter(|m| plain.iter().any(|e| e.key_type == key_type_of(m)))
        .map(|m| (*m).to_owned())
        .collect()
}

/// The preference for `session.method_pref(MethodType::HostKey, ..)`, set before the
/// handshake: known types first, then the others, as ssh's `order_hostkeyalgs` does.
/// Without it the server may pick a type `known_hosts` has no line for (a "changed"
/// key to OpenSSH), and libssh2 would offer host certificates first.
pub fn host_key_methods(files: &[PathBuf], host: &HostId) -> String {
    let mut methods = known_key_types(files, host);
    let rest = HOST_KEY_METHODS.iter().filter(|m| !methods.iter().any(|k| k == *m));
    let rest: Vec<String> = rest.map(|m| (*m).to_owned()).collect();
    methods.extend(rest);
    methods.join(",")
}

/// After the handshake: the server's key against every `known_hosts` file.
pub fn check(session: &Session, files: &[PathBuf], host: &HostId) -> Verdict {
    session.host_key().map_or(Verdict::Unknown, |(key, _)| check_key(key, files, host))
}

/// `check` for a key blob (the SSH wire form, as in a `known_hosts` line's base64).
pub fn check_key(key: &[u8], files: &[PathBuf], host: &HostId) -> Verdict {
    let known = match entries(files, &host.lookup_name()) {
        Ok(known) => known,
        Err(e) => {
            return Verdict::Unreadable { file: e.path.clone(), problem: e.problem.to_string() };
        }
    };
    if let Some(bad) = known.iter().find(|e| e.revoked && e.blob == key) {
        return Verdict::Revoked { file: bad.file.clone(), line: bad.line };
    }
    let plain: Vec<&Entry> = known.iter().filter(|e| !e.revoked).collect();
    if plain.iter().any(|e| e.blob == key) {
        return Verdict::Match;
    }
    if let Some(other) = plain.last() {
        return Verdict::Changed {
            file: other.file.clone(),
            line: other.line,
            known_type: other.key_type.clone(),
        };
    }
    // ssh retries a non-standard port without it, and accepts only an exact match there
    // (a bare-host line with another key leaves the key unknown, not changed).
    if host.port != 22 {
        let bare = entries(files, &host.name.to_ascii_lowercase()).unwrap_or_default();
        if !bare.iter().any(|e| e.revoked && e.blob == key)
            && bare.iter().any(|e| !e.revoked && e.blob == key)
        {
            return Verdict::Match;
        }
    }
    Verdict::Unknown
}

/// Remembers the server's key (accept-new, or an "ask" answered yes): APPENDS one line
/// to `file`, creating it (0600) and its folder (0700) if absent. The file is never
/// rewritten (ssh2's `write_file` would truncate it). Returns the line written.
pub fn append(file: &Path, host: &HostId, session: &Session, hash: bool) -> io::Result<String> {
    let (key, _) = session.host_key().ok_or_else(|| io::Error::other("no host key yet"))?;
    let line = entry_line(host, key, hash)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed host key"))?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(file)?;
    // A last line without its newline would otherwise be glued to ours.
    let mut text = String::new();
    if out.metadata()?.len() > 0 {
        let mut last = [0u8];
        out.seek(SeekFrom::End(-1))?;
        out.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push_str(&line);
    text.push('\n');
    // One write: with O_APPEND it lands whole at the end even if ssh writes too.
    out.write_all(text.as_bytes())?;
    Ok(line)
}

/// The server key's fingerprint as OpenSSH prints it: `SHA256:<base64, no padding>`.
pub fn fingerprint(session: &Session) -> Option<String> {
    let hash = session.host_key_hash(HashType::Sha256)?;
    Some(format!("SHA256:{}", STANDARD_NO_PAD.encode(hash)))
}

/// One valid `known_hosts` line whose names match the host looked up.
struct Entry {
    file: PathBuf,
    line: usize,
    revoked: bool,
    key_type: String,
    blob: Vec<u8>,
}

/// Every entry for `name` in `files`, in order. Absent files are skipped and so are
/// lines that cannot be parsed, as `ssh` does: one bad line costs only itself. A file
/// that is there but cannot be read within bounds is an error: skipping it could
/// make a changed key look new.
fn entries(files: &[PathBuf], name: &str) -> Result<Vec<Entry>, ReadError> {
    let mut found = Vec::new();
    for file in files {
        let bytes = match fsutil::read_bytes(file, MAX_KNOWN_HOSTS_BYTES) {
            Ok(bytes) => bytes,
            Err(e)
                if matches!(
                    e.io_kind(),
                    Some(io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        };
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            if let Some((revoked, key_type, blob)) = parse_line(&String::from_utf8_lossy(raw), name)
            {
                found.push(Entry { file: file.clone(), line: index + 1, revoked, key_type, blob });
            }
        }
    }
    Ok(found)
}

/// `(revoked, key type, key blob)` of a line for `name`; `None` for comments, blank
/// lines, `@cert-authority` and unknown markers, other hosts and malformed lines.
fn parse_line(line: &str, name: &str) -> Option<(bool, String, Vec<u8>)> {
    let mut fields = line.split_ascii_whitespace();
    let mut names = fields.next()?;
    let revoked = names == "@revoked";
    if revoked {
        names = fields.next()?;
    } else if names.starts_with(['#', '@']) {
        return None;
    }
    if !names_match(names, name) {
        return None;
    }
    let key_type = fields.next()?;
    let blob = STANDARD.decode(fields.next()?).ok()?;
    // The type field and the blob's own type must agree, as sshkey_read requires.
    (blob_type(&blob)? == key_type).then(|| (revoked, key_type.to_owned(), blob))
}

/// Whether a line's host field (`|1|salt|hash`, or comma-separated patterns with `*`,
/// `?` and `!` negation, compared case-insensitively) names `name`.
fn names_match(names: &str, name: &str) -> bool {
    if names.starts_with('|') {
        let Some((salt, hash)) = names.strip_prefix("|1|").and_then(|h| h.split_once('|')) else {
            return false;
        };
        let (Ok(salt), Ok(hash)) = (STANDARD.decode(salt), STANDARD.decode(hash)) else {
            return false;
        };
        return hash == hmac_sha1(&salt, name.as_bytes());
    }
    let name = name.to_ascii_lowercase();
    let mut matched = false;
    for pattern in names.to_ascii_lowercase().split(',') {
        match pattern.strip_prefix('!') {
            // A negated match rules the host out whatever else matches.
            Some(negated) if glob(negated.as_bytes(), name.as_bytes()) => return false,
            Some(_) => {}
            None => matched |= glob(pattern.as_bytes(), name.as_bytes()),
        }
    }
    matched
}

/// OpenSSH's `match_pattern`: `*` is any run of characters, `?` any one character.
/// Greedy with one backtrack point (the last `*`), so a line such as `*a*a*a*...b`
/// costs at most pattern × text steps; trying every split at every `*` would be
/// exponential, and known_hosts files are shared.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and how much of the text it has taken so far.
    let mut star: Option<(usize, usize)> = None;
    while ti < text.len() {
        match pattern.get(pi) {
            Some(&p) if p == b'?' || (p != b'*' && p == text[ti]) => {
                pi += 1;
                ti += 1;
            }
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    pi = sp + 1;
                    ti = st + 1;
                }
                None => return false,
            },
        }
    }
    pattern[pi..].iter().all(|&p| p == b'*')
}

/// The line `ssh` would write: name (or its `|1|` hash) and the key; no comment.
fn entry_line(host: &HostId, key: &[u8], hash: bool) -> Option<String> {
    let key_type = blob_type(key)?;
    let mut names = host.lookup_name();
    if hash {
        let salt = salt();
        let digest = hmac_sha1(&salt, names.as_bytes());
        names = format!("|1|{}|{}", STANDARD.encode(salt), STANDARD.encode(digest));
    }
    Some(format!("{names} {key_type} {}", STANDARD.encode(key)))
}

/// The key type a blob starts with (an SSH string: 4-byte big-endian length, bytes).
fn blob_type(blob: &[u8]) -> Option<&str> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?);
    std::str::from_utf8(blob.get(4..4 + usize::try_from(len).ok()?)?).ok()
}

/// The key type (`known_hosts` field) a host key algorithm verifies.
fn key_type_of(method: &str) -> &str {
    if method.starts_with("rsa-sha2-") { "ssh-rsa" } else { method }
}

/// 20 bytes for a hashed name. A salt only has to differ from line to line (it defeats
/// precomputed tables; it is no secret), so std's OS-seeded hasher keys are enough.
fn salt() -> [u8; 20] {
    let state = RandomState::new();
    let mut salt = [0u8; 20];
    for (i, chunk) in salt.chunks_mut(8).enumerate() {
        let word = state.hash_one((i, SystemTime::now()));
        chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);
    }
    salt
}

/// HMAC-SHA1, what `HashKnownHosts` uses to hide names.
fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    use hmac::{KeyInit, Mac};
    // Any key length is valid for HMAC; the error branch cannot happen.
    let Ok(mut mac) = hmac::Hmac::<sha1::Sha1>::new_from_slice(key) else { return [0; 20] };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().fold(String::new(), |hex, b| hex + &format!("{b:02x}"))
    }

    #[test]
    fn hmac_matches_the_published_vectors() {
        // RFC 2202, test cases 1 and 6 (a key longer than a block).
        assert_eq!(
            hex(&hmac_sha1(&[0x0b; 20], b"Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00"
        );
        let long =
            hmac_sha1(&[0xaa; 80], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex(&long), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    }

    #[test]
    fn patterns_follow_openssh() {
        assert!(names_match("a.example,[10.0.0.1]:2222", "[10.0.0.1]:2222"));
        assert!(names_match("*.Example.org", "db.example.org"));
        assert!(names_match("web?", "web1") && !names_match("web?", "web12"));
        assert!(!names_match("*.example.org,!db.example.org", "db.example.org"));
        assert!(!names_match("10.0.0.1", "[10.0.0.1]:2222"));
        assert!(!names_match("|1|bad|hash", "x") && !names_match("|2|a|b", "x"));
        assert!(
            names_match("*", "") && names_match("a*b*c", "aXbYbc") && !names_match("a*b", "ab?")
        );
        assert!(names_match("?*?", "ab") && !names_match("?*?", "a") && names_match("**x", "x"));
    }

    /// The definition of `match_pattern`, every split at every `*` tried:
    /// exponential, so only for checking `glob` on short inputs.
    fn glob_by_definition(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => {
                (0..=text.len()).any(|skip| glob_by_definition(rest, &text[skip..]))
            }
            Some((&p, rest)) => text.split_first().is_some_and(|(&t, text_rest)| {
                (p == b'?' || p == t) && glob_by_definition(rest, text_rest)
            }),
        }
    }

    proptest::proptest! {
        #[test]
        fn glob_agrees_with_the_definition(pattern in "[ab*?]{0,9}", text in "[ab]{0,9}") {
            proptest::prop_assert_eq!(
                glob(pattern.as_bytes(), text.as_bytes()),
                glob_by_definition(pattern.as_bytes(), text.as_bytes())
            );
        }
    }

    #[test]
    fn lookup_names_follow_openssh() {
        assert_eq!(HostId { name: "Web".into(), port: 22 }.lookup_name(), "web");
        assert_eq!(
            HostId { name: "127.0.0.5".into(), port: 2222 }.lookup_name(),
            "[127.0.0.5]:2222"
        );
    }
}
