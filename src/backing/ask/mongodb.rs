//! MongoDB: `buildInfo` on `admin` in one OP_MSG, the reply's `version`.
//!
//! OP_MSG (opCode 2013, MongoDB 3.6 and later): a 16-byte header
//! (length, request id, the id answered, opCode, little-endian), flag
//! bits, then sections; kind 0 is one BSON document, the command or its
//! reply. `buildInfo` needs no login on a default server.

use std::io::{Read, Write};

use super::bson::{self, Value};
use super::wire::{self, Cursor, MAX_MESSAGE, Wire};
use super::{Answer, AskError, Login};

const OP_MSG: u32 = 2013;
const REQUEST_ID: u32 = 1;
/// A checksum ends the message (flag bit 0).
const CHECKSUM_PRESENT: u32 = 1;
/// MongoDB's "Unauthorized".
const UNAUTHORIZED: i64 = 13;

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>, login: &Login) -> Result<Answer, AskError> {
    wire.send(&request())?;
    let header = wire.take_array::<16>()?;
    let mut cursor = Cursor::new(&header);
    let (len, _id, answers, op) =
        (cursor.le_u32()?, cursor.le_u32()?, cursor.le_u32()?, cursor.le_u32()?);
    let len = len as usize;
    if !(21..=MAX_MESSAGE).contains(&len) || op != OP_MSG || answers != REQUEST_ID {
        let mut seen = header.to_vec();
        seen.extend_from_slice(wire.peek_unread());
        return Err(AskError::Protocol(format!("not a MongoDB reply: {}", wire::excerpt(&seen))));
    }
    let body = wire.take(len - 16)?;
    reply(&body, login)
}

/// `{buildInfo: 1, $db: "admin"}` as an OP_MSG.
fn request() -> Vec<u8> {
    let doc = bson::document(&[("buildInfo", Value::Int(1)), ("$db", Value::Text(b"admin"))]);
    let len = u32::try_from(16 + 4 + 1 + doc.len()).unwrap_or(u32::MAX);
    let mut message = Vec::with_capacity(len as usize);
    for word in [len, REQUEST_ID, 0, OP_MSG, 0] {
        message.extend_from_slice(&word.to_le_bytes());
    }
    message.push(0);
    message.extend_from_slice(&doc);
    message
}

/// The reply's body: flag bits, then the section of kind 0 holding the answer.
fn reply(body: &[u8], login: &Login) -> Result<Answer, AskError> {
    let mut cursor = Cursor::new(body);
    let flags = cursor.le_u32()?;
    let mut sections = cursor.rest();
    if flags & CHECKSUM_PRESENT != 0 {
        sections = &sections[..sections.len().saturating_sub(4)];
    }
    let mut cursor = Cursor::new(sections);
    let doc = loop {
        match cursor.u8()? {
            0 => break bson::read(cursor.rest())?.0,
            1 => {
                // A document sequence: its size counts itself.
                let size = cursor.le_u32()? as usize;
                cursor.bytes(size.saturating_sub(4))?;
            }
            _ => return Err(AskError::Protocol("an OP_MSG section of an unknown kind".to_owned())),
        }
    };
    let field = |key: &[u8]| doc.iter().find(|(name, _)| *name == key).map(|(_, value)| value);
    // `ok` is a double (1.0) on real servers; an integer 1 is as good.
    let ok = match field(b"ok") {
        Some(Value::Double(n)) => n.total_cmp(&1.0).is_eq(),
        Some(Value::Int(n)) => *n == 1,
        _ => false,
    };
    if !ok {
        let message = match field(b"errmsg") {
            Some(Value::Text(text)) => wire::text(text, 300),
            _ => "buildInfo failed".to_owned(),
        };
        return Err(match field(b"code") {
            Some(Value::Int(code)) if *code == UNAUTHORIZED && login.user.is_none() => {
                AskError::NeedsLogin
            }
            Some(Value::Int(code)) if *code == UNAUTHORIZED => {
                AskError::AuthFailed(format!("{message} (paritty does not log in to MongoDB)"))
            }
            _ => AskError::Protocol(format!("the server said: {message}")),
        });
    }
    match field(b"version") {
        Some(Value::Text(told)) => {
            let version = super::version::leading(&wire::text(told, 100), false)?;
            Ok(Answer { service: "mongodb".to_owned(), version })
        }
        _ => Err(AskError::Protocol("buildInfo tells no version".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(fields: &[(&str, Value)]) -> Vec<u8> {
        let mut body = vec![0, 0, 0, 0, 0];
        body.extend_from_slice(&bson::document(fields));
        body
    }

    #[test]
    fn the_version_of_a_reply() {
        let reply_body = body(&[
            ("version", Value::Text(b"7.0.15")),
            ("gitVersion", Value::Text(b"abc")),
            ("ok", Value::Double(1.0)),
        ]);
        assert_eq!(
            reply(&reply_body, &Login::default()),
            Ok(Answer { service: "mongodb".into(), version: "7.0.15".into() })
        );
    }

    #[test]
    fn unauthorized_needs_a_login() {
        let reply_body = body(&[
            ("ok", Value::Double(0.0)),
            ("errmsg", Value::Text(b"command buildInfo requires authentication")),
            ("code", Value::Int(13)),
        ]);
        assert_eq!(reply(&reply_body, &Login::default()), Err(AskError::NeedsLogin));
    }

    #[test]
    fn the_request_is_one_op_msg() {
        let message = request();
        assert_eq!(u32::from_le_bytes(message[..4].try_into().expect("4")) as usize, message.len());
        assert_eq!(&message[12..16], &OP_MSG.to_le_bytes());
    }
}
