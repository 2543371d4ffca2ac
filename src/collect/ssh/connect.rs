//! Opening an authenticated session: TCP with a deadline, the handshake with
//! host-key types chosen from known_hosts, the host-key verdict under the
//! user's StrictHostKeyChecking, then login.

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ssh2::{MethodType, Session};

use super::auth::{self, PassphrasePrompt};
use super::deadline::{Deadline, Phase};
use super::known_hosts::{self, HostId, Verdict};
use super::{SshSettings, StrictHostKeyChecking};
use crate::model::{FailReason, Failure};
use crate::output::sanitize::one_line;

/// Asks the person at the terminal whether to trust a host key never seen.
pub trait HostKeyPrompt: Sync {
    fn accept(&self, host: &str, key_type: &str, fingerprint: &str) -> bool;
}

/// What the connecting code may do beyond the user's ssh_config.
pub struct ConnectOptions<'p> {
    /// Used when ssh_config sets no ConnectTimeout.
    pub connect_timeout: Duration,
    /// `--accept-new`: trust and remember unknown host keys (never changed ones).
    pub accept_new: bool,
    pub host_key_prompt: Option<&'p dyn HostKeyPrompt>,
    pub passphrase_prompt: Option<&'p dyn PassphrasePrompt>,
}

pub fn failure(reason: FailReason, message: impl AsRef<str>) -> Failure {
    Failure::new(reason, message)
}

/// A TCP connection to `host:port`, looking it up and trying each address
/// until `limit`.
pub fn tcp(host: &str, port: u16, limit: Duration) -> Result<TcpStream, Failure> {
    let started = Instant::now();
    let addrs = addresses(host, port, limit)?;
    let mut last = None;
    for addr in addrs {
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                // libssh2 writes a packet in several small sends; with Nagle on, each
                // second send waits for the peer's delayed ACK (40 ms on Linux), three
                // times per login. OpenSSH's own client disables Nagle too.
                stream.set_nodelay(true).map_err(|e| {
                    failure(
                        FailReason::Unreachable,
                        format!("cannot connect to {host}:{port}: {e}"),
                    )
                })?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if e.kind() == std::io::ErrorKind::TimedOut => failure(
            FailReason::Timeout,
            format!("no answer from {host}:{port} within {}", seconds(limit)),
        ),
        Some(e) => {
            failure(FailReason::Unreachable, format!("cannot connect to {host}:{port}: {e}"))
        }
        None => failure(FailReason::Timeout, format!("no time left to connect to {host}:{port}")),
    })
}

/// The addresses of `host`, within `limit`. getaddrinfo has no timeout of
/// its own: a name is looked up on a helper thread, left to end by itself
/// (the resolver's own timeouts) if the limit passes first. An address
/// needs no lookup.
fn addresses(host: &str, port: u16, limit: Duration) -> Result<Vec<SocketAddr>, Failure> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.to_owned();
    std::thread::Builder::new()
        .name("resolve".into())
        .spawn(move || {
            let _ = tx.send((name.as_str(), port).to_socket_addrs().map(Iterator::collect));
        })
        .map_err(|e| failure(FailReason::Unreachable, format!("cannot resolve {host}: {e}")))?;
    match rx.recv_timeout(limit) {
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(failure(FailReason::Unreachable, format!("cannot resolve {host}: {e}"))),
        Err(_) => Err(failure(
            FailReason::Timeout,
            format!("{host} was not resolved (DNS) within {}", seconds(limit)),
        )),
    }
}

/// Handshake, host-key check and login over an established `stream`, the
/// handshake within the connect timeout, everything within `deadline`.
pub fn establish<S: 'static + std::os::fd::AsRawFd>(
    stream: S,
    settings: &SshSettings,
    opts: &ConnectOptions<'_>,
    deadline: &Deadline,
    on_login: &dyn Fn(),
) -> Result<Session, Failure> {
    let limit = settings.connect_timeout.unwrap_or(opts.connect_timeout);
    let mut session =
        Session::new().map_err(|e| failure(FailReason::Unreachable, format!("libssh2: {e}")))?;
    session.set_tcp_stream(stream);
    // Bounds every blocking libssh2 call, the handshake with a listener that
    // never speaks included.
    if !deadline.arm_within(&session, limit) {
        return Err(deadline.failure(Phase::Handshake));
    }
    let id = HostId::from_settings(settings);
    let files: Vec<_> = settings
        .user_known_hosts_files
        .iter()
        .chain(&settings.global_known_hosts_files)
        .cloned()
        .collect();
    // Known key types first: otherwise the server may pick a type
    // known_hosts has no line for, which libssh2 reports as a changed key.
    let _ = session.method_pref(MethodType::HostKey, &known_hosts::host_key_methods(&files, &id));
    session.handshake().map_err(|e| {
        if deadline.passed() {
            return deadline.failure(Phase::Handshake);
        }
        let text = e.to_string();
        if text.contains("Timed out") || text.contains("timed out") {
            failure(
                FailReason::Timeout,
                format!(
                    "{} did not complete the SSH handshake within {}",
                    settings.alias,
                    seconds(limit)
                ),
            )
        } else {
            failure(
                FailReason::Unreachable,
                format!("SSH handshake with {} failed: {text}", settings.alias),
            )
        }
    })?;
    verify_host_key(&session, settings, &id, &files, opts, deadline)?;
    on_login();
    auth::authenticate(&session, settings, opts.passphrase_prompt, deadline).map_err(
        |refused| match refused.timed_out {
            Some(phase) => deadline.failure(phase),
            None => failure(
                FailReason::AuthFailed,
                format!("login refused for {}@{}: {refused}", settings.user, settings.alias),
            ),
        },
    )?;
    Ok(session)
}

fn verify_host_key(
    session: &Session,
    settings: &SshSettings,
    id: &HostId,
    files: &[std::path::PathBuf],
    opts: &ConnectOptions<'_>,
    deadline: &Deadline,
) -> Result<(), Failure> {
    let fingerprint = known_hosts::fingerprint(session).unwrap_or_else(|| "?".into());
    let key_type = session.host_key().map_or("?", |(_, t)| key_type_name(t));
    match known_hosts::check(session, files, id) {
        Verdict::Match => Ok(()),
        Verdict::Changed { file, line, known_type } => Err(failure(
            FailReason::HostKeyMismatch,
            format!(
                "HOST KEY CHANGED for {} ({key_type} {fingerprint}); {}:{line} holds a different \
                 {known_type} key. Someone could be intercepting, or the host was reinstalled: \
                 check, then remove that line (ssh-keygen -R '{}')",
                settings.alias,
                file.display(),
                id.lookup_name()
            ),
        )),
        Verdict::Revoked { file, line } => Err(failure(
            FailReason::HostKeyMismatch,
            format!(
                "host key of {} ({key_type} {fingerprint}) is REVOKED by {}:{line}",
                settings.alias,
                file.display()
            ),
        )),
        Verdict::Unreadable { file, problem } => Err(failure(
            FailReason::HostKeyUnknown,
            format!(
                "cannot check the host key of {}: known_hosts file {}: {problem}",
                settings.alias,
                file.display()
            ),
        )),
        Verdict::Unknown => {
            let strict = settings.strict_host_key_checking;
            let accept = match strict {
                StrictHostKeyChecking::Yes => false,
                StrictHostKeyChecking::AcceptNew | StrictHostKeyChecking::No => true,
                StrictHostKeyChecking::Ask => {
                    opts.accept_new
                        || (!settings.batch_mode
                            && opts.host_key_prompt.is_some_and(|p| {
                                deadline.excluding(|| {
                                    p.accept(&one_line(&settings.alias), key_type, &fingerprint)
                                })
                            }))
                }
            };
            if !accept {
                let how = if strict == StrictHostKeyChecking::Yes {
                    "StrictHostKeyChecking is yes".to_owned()
                } else {
                    format!(
                        "run `ssh {}` once to check and accept it, or pass --accept-new",
                        settings.alias
                    )
                };
                return Err(failure(
                    FailReason::HostKeyUnknown,
                    format!(
                        "host key of {} is not known ({key_type} {fingerprint}): {how}",
                        settings.alias
                    ),
                ));
            }
            match settings.user_known_hosts_files.first() {
                Some(file) => known_hosts::append(file, id, session, settings.hash_known_hosts)
                    .map(|_| ())
                    .map_err(|e| {
                        failure(
                            FailReason::HostKeyUnknown,
                            format!("cannot remember the host key in {}: {e}", file.display()),
                        )
                    }),
                None => Ok(()),
            }
        }
    }
}

fn key_type_name(t: ssh2::HostKeyType) -> &'static str {
    match t {
        ssh2::HostKeyType::Rsa => "RSA",
        ssh2::HostKeyType::Dss => "DSA",
        ssh2::HostKeyType::Ecdsa256 | ssh2::HostKeyType::Ecdsa384 | ssh2::HostKeyType::Ecdsa521 => {
            "ECDSA"
        }
        ssh2::HostKeyType::Ed25519 => "ED25519",
        ssh2::HostKeyType::Unknown => "unknown",
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_have_nagle_off() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
        let port = listener.local_addr().expect("addr").port();
        let stream = tcp("127.0.0.1", port, Duration::from_secs(5)).expect("connect");
        assert!(stream.nodelay().expect("nodelay"), "TCP_NODELAY set");
    }

    #[test]
    fn names_are_resolved_and_addresses_taken_as_they_are() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
        let port = listener.local_addr().expect("addr").port();
        // /etc/hosts names localhost: the lookup thread, without a network.
        tcp("localhost", port, Duration::from_secs(5)).expect("connect by name");
        let addrs = addresses("127.0.0.1", port, Duration::ZERO).expect("no lookup");
        assert_eq!(addrs, vec![SocketAddr::from(([127, 0, 0, 1], port))]);
    }
}
