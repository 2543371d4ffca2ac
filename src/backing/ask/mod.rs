//! Asking a running backing service what it is and which version, in its own protocol.
//!
//! One file per protocol, each a short conversation over a stream the caller
//! connected: a TCP socket here (`ask_tcp`), an SSH `direct-tcpip` channel
//! for a service seen from a remote host. Everything the server says is
//! untrusted: every message is read against a cap before anything is
//! allocated for it (`wire`), the conversation ends at the deadline, and what
//! the server names (its type, version, error messages) is sanitized before
//! it goes into an `Answer` or an `AskError`.
//!
//! No conversation asks for TLS. paritty has no TLS stack of its own (adding
//! one, and the app's CA settings to verify the server with, is a large step
//! for a version), and the versions asked for are told in the clear by every
//! one of these protocols anyway. What that means for passwords is `Link`'s
//! business: a password is only ever sent in a form an eavesdropper could
//! reuse (PostgreSQL's cleartext and MD5 methods) over a `Link::Private`
//! stream. A server that insists on TLS (`hostssl` only) refuses the login,
//! and says so in its message (`AskError::AuthFailed`).

mod amqp;
mod bson;
mod memcached;
mod mongodb;
mod mysql;
mod postgres;
mod redis;
mod scram;
mod table;
mod tcp;
mod version;
mod wire;

use std::io::{Read, Write};
use std::time::Instant;

use crate::backing::secret::Secret;

pub use tcp::ask_tcp;

/// The protocols paritty speaks to ask a service its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Postgresql,
    Mysql,
    Redis,
    Memcached,
    Amqp,
    Mongodb,
}

/// The app's credentials for a service, as far as its configuration gives them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Login<'a> {
    pub user: Option<&'a str>,
    pub password: Option<&'a Secret>,
    pub database: Option<&'a str>,
    /// Who could read the bytes on the way: decides whether a password may
    /// be sent in a reusable form. `ask_tcp` makes a loopback connection
    /// `Private` by itself.
    pub link: Link,
}

/// Who could read the conversation on its way between paritty and the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// It may cross a network in the clear (the safe assumption): passwords
    /// go out only in challenge-response form (SCRAM), never readable or
    /// replayable (cleartext, MD5: those logins are refused, as `AuthFailed`).
    #[default]
    Network,
    /// It never crosses a network in the clear: a loopback address of the
    /// machine that opened the stream, or an SSH channel to a port on the
    /// loopback of the SSH host itself. (An SSH channel on to *another*
    /// host is only private as far as the SSH host: that last hop is
    /// `Network`.)
    Private,
}

/// What the server says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// "postgresql", "mysql", "mariadb", "redis", "valkey", "memcached",
    /// "rabbitmq", "mongodb" (or the name another server of the same protocol gives itself).
    pub service: String,
    /// The version as the server tells it, without its packaging ("16.4", "10.11.6", "7.0.15").
    pub version: String,
}

/// Why a service told no version. Texts are sanitized and never hold a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskError {
    /// Nothing answered (refused, no route, not resolvable), or the server
    /// turned the connection away before any protocol (too many connections, starting up).
    Unreachable(String),
    /// No answer before the deadline.
    Timeout,
    /// The login was refused (the server's message), or paritty would not send the password over this link.
    AuthFailed(String),
    /// The server tells its version only after a login, and none was given.
    NeedsLogin,
    /// Not the protocol expected: what came instead, shortened and sanitized.
    Protocol(String),
}

impl AskError {
    /// The status word of the contract (`unreachable`, `timeout`, `auth-failed`, `needs-login`, `protocol-error`).
    pub fn status(&self) -> &'static str {
        match self {
            AskError::Unreachable(_) => "unreachable",
            AskError::Timeout => "timeout",
            AskError::AuthFailed(_) => "auth-failed",
            AskError::NeedsLogin => "needs-login",
            AskError::Protocol(_) => "protocol-error",
        }
    }

    /// The error with every occurrence of `password` masked: a server that
    /// echoes what it was sent must not carry the password into a message.
    fn masking(self, password: Option<&Secret>) -> AskError {
        let Some(password) = password.map(Secret::expose).filter(|p| !p.is_empty()) else {
            return self;
        };
        let mask = |text: String| text.replace(password, "***");
        match self {
            AskError::Unreachable(t) => AskError::Unreachable(mask(t)),
            AskError::AuthFailed(t) => AskError::AuthFailed(mask(t)),
            AskError::Protocol(t) => AskError::Protocol(mask(t)),
            other => other,
        }
    }
}

impl std::fmt::Display for AskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AskError::Unreachable(why) => write!(f, "unreachable: {why}"),
            AskError::Timeout => f.write_str("timeout: no answer in time"),
            AskError::AuthFailed(why) => write!(f, "login refused: {why}"),
            AskError::NeedsLogin => f.write_str("the server tells its version only after a login"),
            AskError::Protocol(what) => write!(f, "protocol error: {what}"),
        }
    }
}

impl std::error::Error for AskError {}

/// Speaks `protocol` on an already-connected stream (a TcpStream here, an
/// SSH direct-tcpip channel elsewhere); the caller bounds it with read/write
/// timeouts, this also stops at `deadline` (checked before every read and
/// write). The stream is left for the caller to close; the protocols that
/// have a goodbye (PostgreSQL's Terminate, Redis' and Memcached's QUIT) say it.
pub fn ask<S: Read + Write>(
    protocol: Protocol,
    stream: &mut S,
    login: &Login,
    deadline: Instant,
) -> Result<Answer, AskError> {
    let mut wire = wire::Wire::new(stream, deadline);
    let answer = match protocol {
        Protocol::Postgresql => postgres::ask(&mut wire, login),
        Protocol::Mysql => mysql::ask(&mut wire),
        Protocol::Redis => redis::ask(&mut wire, login),
        Protocol::Memcached => memcached::ask(&mut wire, login),
        Protocol::Amqp => amqp::ask(&mut wire),
        Protocol::Mongodb => mongodb::ask(&mut wire, login),
    };
    answer.map_err(|e| e.masking(login.password))
}

#[cfg(test)]
mod tests {
    use super::{AskError, Secret};

    #[test]
    fn statuses_are_the_contract_words() {
        let all = [
            (AskError::Unreachable(String::new()), "unreachable"),
            (AskError::Timeout, "timeout"),
            (AskError::AuthFailed(String::new()), "auth-failed"),
            (AskError::NeedsLogin, "needs-login"),
            (AskError::Protocol(String::new()), "protocol-error"),
        ];
        for (error, word) in all {
            assert_eq!(error.status(), word);
        }
    }

    #[test]
    fn a_login_never_shows_its_password() {
        let secret = Secret::new("s3cr3t-pw".to_owned());
        let login =
            super::Login { user: Some("app"), password: Some(&secret), ..Default::default() };
        let shown = format!("{login:?}");
        assert!(
            shown.contains("app") && shown.contains("***") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }

    #[test]
    fn an_echoed_password_is_masked() {
        let secret = Secret::new("s3cr3t-pw".to_owned());
        let error = AskError::AuthFailed("bad password s3cr3t-pw for app".to_owned());
        let masked = error.masking(Some(&secret));
        assert_eq!(masked, AskError::AuthFailed("bad password *** for app".to_owned()));
    }
}
