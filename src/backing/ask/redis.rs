//! Redis and Valkey: `AUTH` when the app has a password, `INFO server`, `QUIT`, in RESP2.

use std::io::{Read, Write};

use zeroize::Zeroizing;

use super::wire::{self, MAX_MESSAGE, Wire};
use super::{Answer, AskError, Login};

/// The longest status or error line read.
const MAX_LINE: usize = 1024;

/// One reply, as far as these commands have them.
enum Reply {
    Status(Vec<u8>),
    Error(String),
    Bulk(Vec<u8>),
}

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>, login: &Login) -> Result<Answer, AskError> {
    if let Some(password) = login.password {
        let mut auth = vec!["AUTH"];
        auth.extend(login.user);
        auth.push(password.expose());
        // The command's bytes hold the password: wiped after, as the `Secret` is.
        wire.send(&Zeroizing::new(command(&auth)))?;
        if let Reply::Error(error) = reply(wire)? {
            // AUTH given to a server without a password still leaves it answering.
            let harmless = error.contains("without any password configured")
                || error.contains("no password is set");
            if !harmless {
                return Err(AskError::AuthFailed(error));
            }
        }
    }
    wire.send(&command(&["INFO", "server"]))?;
    let info = match reply(wire)? {
        Reply::Bulk(info) => info,
        Reply::Error(error) if error.starts_with("NOAUTH") && login.password.is_none() => {
            return Err(AskError::NeedsLogin);
        }
        // NOAUTH despite AUTH, NOPERM (an ACL user without INFO), DENIED (protected mode).
        Reply::Error(error)
            if ["NOAUTH", "NOPERM", "DENIED", "WRONGPASS"].iter().any(|p| error.starts_with(p)) =>
        {
            return Err(AskError::AuthFailed(error));
        }
        Reply::Error(error) => return Err(AskError::Protocol(format!("the server said: {error}"))),
        Reply::Status(status) => {
            return Err(AskError::Protocol(format!("INFO answered {}", wire::excerpt(&status))));
        }
    };
    wire.send(&command(&["QUIT"])).ok();
    from_info(&info)
}

/// A command as a RESP array of bulk strings.
fn command(words: &[&str]) -> Vec<u8> {
    let mut bytes = format!("*{}\r\n", words.len()).into_bytes();
    for word in words {
        bytes.extend_from_slice(format!("${}\r\n", word.len()).as_bytes());
        bytes.extend_from_slice(word.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

fn reply<S: Read + Write>(wire: &mut Wire<S>) -> Result<Reply, AskError> {
    let line = wire.line(MAX_LINE)?;
    match line.split_first() {
        Some((b'+', status)) => Ok(Reply::Status(status.to_vec())),
        Some((b'-', error)) => Ok(Reply::Error(wire::text(error, 300))),
        Some((b'$', len)) => {
            let len = std::str::from_utf8(len).ok().and_then(|l| l.parse::<usize>().ok());
            let len = len.filter(|&l| l <= MAX_MESSAGE).ok_or_else(|| {
                AskError::Protocol(format!(
                    "a bulk reply of no acceptable length: {}",
                    wire::excerpt(&line)
                ))
            })?;
            let mut bulk = wire.take(len + 2)?;
            if !bulk.ends_with(b"\r\n") {
                return Err(AskError::Protocol("a bulk reply longer than it said".to_owned()));
            }
            bulk.truncate(len);
            Ok(Reply::Bulk(bulk))
        }
        _ => Err(AskError::Protocol(format!("not a Redis answer: {}", wire::excerpt(&line)))),
    }
}

/// The name and version in `INFO server`: Valkey says `server_name:valkey`
/// and `valkey_version` (and `redis_version` for the Redis it is compatible
/// with); Redis says `redis_version` only.
fn from_info(info: &[u8]) -> Result<Answer, AskError> {
    let info = String::from_utf8_lossy(info);
    let field = |key: &str| {
        info.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
    };
    let service = field("server_name")
        .and_then(super::version::service_name)
        .unwrap_or_else(|| "redis".to_owned());
    let told = field(&format!("{service}_version"))
        .or_else(|| field("redis_version"))
        .ok_or_else(|| AskError::Protocol("INFO server tells no redis_version".to_owned()))?;
    let version = super::version::leading(told, false)?;
    Ok(Answer { service, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_7_info() {
        let info = b"# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n";
        assert_eq!(
            from_info(info),
            Ok(Answer { service: "redis".into(), version: "7.0.15".into() })
        );
    }

    /// Valkey's `INFO server` (valkey-io/valkey#232): `redis_version` stays
    /// 7.2.4 for clients' sake, `server_name` and `valkey_version` tell the truth.
    #[test]
    fn valkey_8_info() {
        let info =
            b"# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n\
            server_mode:standalone\r\n";
        assert_eq!(
            from_info(info),
            Ok(Answer { service: "valkey".into(), version: "8.0.1".into() })
        );
    }

    #[test]
    fn commands_are_resp_arrays() {
        assert_eq!(command(&["INFO", "server"]), b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n");
    }
}
