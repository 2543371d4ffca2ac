//! Memcached: `version` in the text protocol, answered `VERSION 1.6.21`, then `quit`.

use std::io::{Read, Write};

use super::wire::{self, Wire};
use super::{Answer, AskError, Login};

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>, login: &Login) -> Result<Answer, AskError> {
    wire.send(b"version\r\n")?;
    let line = wire.line(256)?;
    if let Some(told) = line.strip_prefix(b"VERSION ") {
        wire.send(b"quit\r\n").ok();
        let version = super::version::leading(&wire::text(told, 100), false)?;
        return Ok(Answer { service: "memcached".to_owned(), version });
    }
    // A server started with an auth file (`-Y`) answers nothing before its login.
    if line.starts_with(b"CLIENT_ERROR unauthenticated") {
        return Err(if login.password.is_none() {
            AskError::NeedsLogin
        } else {
            AskError::AuthFailed(
                "memcached asks for a login, which paritty does not send".to_owned(),
            )
        });
    }
    Err(AskError::Protocol(format!("not a memcached answer: {}", wire::excerpt(&line))))
}
