//! MySQL and MariaDB: the server's greeting names its version before any login.
//!
//! The server speaks first: one packet (3-byte length, sequence number),
//! either the initial handshake (protocol 10, then the version as a NUL-ended
//! string) or an ERR packet when it turns the client away (its host not
//! allowed, too many connections). paritty then closes without logging in.
//! Where the server keeps a host cache (MySQL, MariaDB; not for loopback
//! clients), each such early close counts towards `max_connect_errors` until
//! the host's next successful login resets it: a collection costs one.

use std::io::{Read, Write};

use super::wire::{self, Cursor, Wire};
use super::{Answer, AskError};

/// The prefix MariaDB puts before its version so that old MySQL clients and
/// replicas take it for MySQL 5.5.5 or later.
const MARIADB_PREFIX: &str = "5.5.5-";

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>) -> Result<Answer, AskError> {
    let header = wire.take_array::<4>()?;
    let len = usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
    // A greeting is about a hundred bytes; the sequence number of the first packet is 0.
    if !(1..=16 * 1024).contains(&len) || header[3] != 0 {
        let mut seen = header.to_vec();
        seen.extend_from_slice(wire.peek_unread());
        return Err(AskError::Protocol(format!("not a MySQL greeting: {}", wire::excerpt(&seen))));
    }
    let payload = wire.take(len)?;
    greeting(&payload)
}

/// The first packet's payload: a handshake, or the server's refusal.
fn greeting(payload: &[u8]) -> Result<Answer, AskError> {
    let mut cursor = Cursor::new(payload);
    match cursor.u8()? {
        10 => {
            let told = wire::text(cursor.c_string()?, 200);
            Ok(answer(&told)?)
        }
        0xff => {
            let code = u16::from_le_bytes(cursor.array()?);
            let mut message = cursor.rest();
            // A SQL state (`#HY000`) comes first only after a protocol-4.1 login; skip it if there.
            if message.first() == Some(&b'#') && message.len() >= 6 {
                message = &message[6..];
            }
            let told = format!("{} (error {code})", wire::text(message, 300));
            Err(match code {
                // Host not allowed, host blocked, access denied.
                1130 | 1129 | 1045 => AskError::AuthFailed(told),
                _ => AskError::Unreachable(told),
            })
        }
        9 => Err(AskError::Protocol("MySQL protocol 9 (a server older than 3.22)".to_owned())),
        _ => Err(AskError::Protocol(format!("not a MySQL greeting: {}", wire::excerpt(payload)))),
    }
}

/// Which of the two servers, and its version without the build after it.
fn answer(told: &str) -> Result<Answer, AskError> {
    if told.to_ascii_lowercase().contains("mariadb") {
        let told = told.strip_prefix(MARIADB_PREFIX).unwrap_or(told);
        let version = super::version::leading(told, true)?;
        Ok(Answer { service: "mariadb".to_owned(), version })
    } else {
        let version = super::version::leading(told, true)?;
        Ok(Answer { service: "mysql".to_owned(), version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_of(told: &str) -> (String, String) {
        let a = answer(told).expect("a version");
        (a.service, a.version)
    }

    #[test]
    fn mariadb_and_mysql_versions() {
        assert_eq!(
            answer_of("5.5.5-10.11.6-MariaDB-0+deb12u1"),
            ("mariadb".into(), "10.11.6".into())
        );
        assert_eq!(answer_of("11.4.2-MariaDB-ubu2404"), ("mariadb".into(), "11.4.2".into()));
        assert_eq!(answer_of("8.0.36"), ("mysql".into(), "8.0.36".into()));
        assert_eq!(answer_of("8.0.36-0ubuntu0.22.04.1"), ("mysql".into(), "8.0.36".into()));
    }

    #[test]
    fn a_host_refused_is_a_refused_login() {
        let mut packet = vec![0xff];
        packet.extend_from_slice(&1130u16.to_le_bytes());
        packet
            .extend_from_slice(b"Host '10.0.0.7' is not allowed to connect to this MariaDB server");
        assert_eq!(
            greeting(&packet),
            Err(AskError::AuthFailed(
                "Host '10.0.0.7' is not allowed to connect to this MariaDB server (error 1130)"
                    .into()
            ))
        );
    }
}
