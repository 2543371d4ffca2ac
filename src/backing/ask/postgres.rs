//! PostgreSQL: a startup message, the login the server asks for, its `server_version`, Terminate.
//!
//! Protocol 3.0 ("Frontend/Backend Protocol", PostgreSQL's documentation):
//! every server message is a type byte and a length; the version comes as
//! the `server_version` ParameterStatus once the login succeeded.

use std::io::{Read, Write};

use md5::Digest as _;
use zeroize::Zeroizing;

use super::scram::{self, Scram};
use super::wire::{self, Cursor, MAX_MESSAGE, Wire};
use super::{Answer, AskError, Link, Login};

const PROTOCOL_3_0: u32 = 3 << 16;

/// Who logs in when the app's URL names nobody (libpq would use the OS
/// user's name; `postgres` is the one role every cluster starts with).
const DEFAULT_USER: &str = "postgres";

/// The database when the URL names none: the one `initdb` always creates,
/// where libpq would try one named after the user, which often does not exist.
const DEFAULT_DATABASE: &str = "postgres";

/// The longest server message text kept in an error.
const MAX_ERROR_TEXT: usize = 300;

pub(super) fn ask<S: Read + Write>(wire: &mut Wire<S>, login: &Login) -> Result<Answer, AskError> {
    let user = login.user.unwrap_or(DEFAULT_USER);
    wire.send(&startup(user, login.database.unwrap_or(DEFAULT_DATABASE)))?;
    let mut version = None;
    let mut first = true;
    loop {
        let (kind, body) = read_message(wire, first)?;
        first = false;
        match kind {
            b'R' => authenticate(wire, login, user, &body)?,
            b'S' => {
                let mut cursor = Cursor::new(&body);
                if cursor.c_string()? == b"server_version" {
                    version = Some(wire::text(cursor.c_string()?, 200));
                }
            }
            b'Z' => {
                // Terminate: a polite goodbye; the answer is already in hand.
                wire.send(&[b'X', 0, 0, 0, 4]).ok();
                let told = version.ok_or_else(|| {
                    AskError::Protocol("the server did not tell its server_version".to_owned())
                })?;
                let version = super::version::leading(&told, false)?;
                return Ok(Answer { service: "postgresql".to_owned(), version });
            }
            b'E' => return Err(refusal(&body, login)),
            // BackendKeyData, NoticeResponse, NegotiateProtocolVersion: nothing to do.
            b'K' | b'N' | b'v' => {}
            other => {
                return Err(AskError::Protocol(format!(
                    "an unexpected message {}",
                    wire::excerpt(&[other])
                )));
            }
        }
    }
}

/// The StartupMessage: protocol 3.0, the user, the database, and a name
/// that tells the server's admin (`pg_stat_activity`, the log) who asked.
fn startup(user: &str, database: &str) -> Vec<u8> {
    let mut body = PROTOCOL_3_0.to_be_bytes().to_vec();
    for (key, value) in [("user", user), ("database", database), ("application_name", "paritty")] {
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(value.replace('\0', "").as_bytes());
        body.push(0);
    }
    body.push(0);
    framed(None, &body)
}

/// A message with its length in front (and its type byte, but for the startup message).
fn framed(kind: Option<u8>, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len() + 4).unwrap_or(u32::MAX);
    let mut message = Vec::with_capacity(body.len() + 5);
    message.extend(kind);
    message.extend_from_slice(&len.to_be_bytes());
    message.extend_from_slice(body);
    message
}

/// One server message: its type and body. The first one must look like
/// PostgreSQL's answer to a startup message, or this is another protocol.
fn read_message<S: Read + Write>(
    wire: &mut Wire<S>,
    first: bool,
) -> Result<(u8, Vec<u8>), AskError> {
    let [kind, a, b, c, d] = wire.take_array::<5>()?;
    let len = u32::from_be_bytes([a, b, c, d]) as usize;
    let plausible =
        (4..=MAX_MESSAGE).contains(&len) && (!first || matches!(kind, b'R' | b'E' | b'v'));
    if !plausible {
        let mut seen = vec![kind, a, b, c, d];
        seen.extend_from_slice(wire.peek_unread());
        return Err(AskError::Protocol(format!(
            "not a PostgreSQL answer: {}",
            wire::excerpt(&seen)
        )));
    }
    Ok((kind, wire.take(len - 4)?))
}

/// Answers one Authentication request of the server.
fn authenticate<S: Read + Write>(
    wire: &mut Wire<S>,
    login: &Login,
    user: &str,
    body: &[u8],
) -> Result<(), AskError> {
    let mut cursor = Cursor::new(body);
    match cursor.be_u32()? {
        0 => Ok(()),
        3 => {
            let password = reusable_password(login, "a cleartext password")?;
            // Buffers that held the password are wiped, as the `Secret` itself is.
            let body = Zeroizing::new(c_string(password));
            wire.send(&Zeroizing::new(framed(Some(b'p'), &body)))
        }
        5 => {
            let salt: [u8; 4] = cursor.array()?;
            let password = reusable_password(login, "an MD5 password")?;
            wire.send(&framed(Some(b'p'), &c_string(&md5_answer(password, user, salt))))
        }
        10 => sasl(wire, login, &mut cursor),
        code => Err(AskError::AuthFailed(format!(
            "the server asks for a login paritty does not speak ({})",
            match code {
                2 => "Kerberos V5",
                7 | 8 => "GSSAPI",
                9 => "SSPI",
                _ => "an unknown method",
            }
        ))),
    }
}

/// The password, for a method that sends it readable or replayable: only over a private link.
fn reusable_password<'a>(login: &Login<'a>, what: &str) -> Result<&'a str, AskError> {
    let password = login.password.ok_or(AskError::NeedsLogin)?;
    if login.link != Link::Private {
        return Err(AskError::AuthFailed(format!(
            "the server asks for {what}, which paritty sends only over loopback or an SSH tunnel \
             to the server's own host, not across a network unencrypted (use scram-sha-256)"
        )));
    }
    Ok(password.expose())
}

/// `md5` + hex(md5(hex(md5(password + user)) + salt)): the MD5 method's answer.
fn md5_answer(password: &str, user: &str, salt: [u8; 4]) -> String {
    // md5(password + user) is what the server stores: as good as the password, so wiped.
    let joined = Zeroizing::new([password.as_bytes(), user.as_bytes()].concat());
    let inner = Zeroizing::new(hex(&md5::Md5::digest(joined.as_slice())));
    let outer = hex(&md5::Md5::digest([inner.as_bytes(), &salt].concat()));
    format!("md5{outer}")
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut text, b| {
        write!(text, "{b:02x}").expect("writing to a String");
        text
    })
}

fn c_string(text: &str) -> Vec<u8> {
    let mut bytes = text.replace('\0', "").into_bytes();
    bytes.push(0);
    bytes
}

/// AuthenticationSASL: SCRAM-SHA-256 when offered, through to AuthenticationSASLFinal.
fn sasl<S: Read + Write>(
    wire: &mut Wire<S>,
    login: &Login,
    cursor: &mut Cursor,
) -> Result<(), AskError> {
    let mut offered = false;
    while !cursor.is_empty() {
        match cursor.c_string()? {
            b"" => break,
            name => offered |= name == scram::MECHANISM.as_bytes(),
        }
    }
    if !offered {
        return Err(AskError::AuthFailed(
            "the server offers no SASL mechanism paritty speaks (SCRAM-SHA-256 without channel binding)"
                .to_owned(),
        ));
    }
    let password = login.password.ok_or(AskError::NeedsLogin)?;
    let (scram, first) = Scram::start()?;
    let mut initial = c_string(scram::MECHANISM);
    initial.extend_from_slice(&u32::try_from(first.len()).unwrap_or(u32::MAX).to_be_bytes());
    initial.extend_from_slice(&first);
    wire.send(&framed(Some(b'p'), &initial))?;

    let server_first = sasl_step(wire, login, 11)?;
    let last = scram.answer(&server_first, password.expose())?;
    wire.send(&framed(Some(b'p'), &last.message))?;
    let server_final = sasl_step(wire, login, 12)?;
    last.verify(&server_final)
}

/// The next SASL message of the server (`code` 11: continue, 12: final), or its refusal.
fn sasl_step<S: Read + Write>(
    wire: &mut Wire<S>,
    login: &Login,
    code: u32,
) -> Result<Vec<u8>, AskError> {
    let (kind, body) = read_message(wire, false)?;
    match kind {
        b'R' => {
            let mut cursor = Cursor::new(&body);
            if cursor.be_u32()? == code {
                Ok(cursor.rest().to_vec())
            } else {
                Err(AskError::Protocol("SCRAM: the server's messages came out of order".to_owned()))
            }
        }
        b'E' => Err(refusal(&body, login)),
        _ => Err(AskError::Protocol(format!(
            "SCRAM: an unexpected message {}",
            wire::excerpt(&[kind])
        ))),
    }
}

/// An ErrorResponse, by its SQLSTATE: a refused login, a server that is not
/// taking connections, or something else.
fn refusal(body: &[u8], login: &Login) -> AskError {
    let (mut code, mut message) = (String::new(), String::new());
    let mut cursor = Cursor::new(body);
    while let Ok(field) = cursor.u8() {
        let Ok(value) = cursor.c_string() else { break };
        match field {
            0 => break,
            b'C' => code = wire::text(value, 5),
            b'M' => message = wire::text(value, MAX_ERROR_TEXT),
            _ => {}
        }
    }
    let told = if message.is_empty() { format!("error {code}") } else { message };
    let guessed_user = login.user.is_none() && login.password.is_none();
    match code.as_str() {
        // invalid_password: asked for one and none was given.
        "28P01" if login.password.is_none() => AskError::NeedsLogin,
        // invalid_authorization_specification (no such role, no pg_hba.conf
        // line for it), when paritty guessed the role itself.
        "28000" if guessed_user => AskError::NeedsLogin,
        // The login, the role or the database named is refused.
        "28P01" | "28000" | "3D000" | "42501" => AskError::AuthFailed(told),
        // Starting up, shutting down, too many connections: not answering now.
        "57P03" | "57P01" | "53300" | "53400" => AskError::Unreachable(told),
        _ => AskError::Protocol(format!("the server said: {told}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_answer_is_postgresqls_formula() {
        // Python's hashlib: "md5" + md5(md5("secretapp").hexdigest() + b"\x01\x02\x03\x04").hexdigest()
        assert_eq!(
            md5_answer("secret", "app", [1, 2, 3, 4]),
            "md5911f527656472583a006e7727877b33e"
        );
    }

    #[test]
    fn startup_names_protocol_user_and_database() {
        let message = startup("app", "shop");
        assert_eq!(&message[4..8], &PROTOCOL_3_0.to_be_bytes());
        assert_eq!(
            u32::from_be_bytes([message[0], message[1], message[2], message[3]]) as usize,
            message.len()
        );
        let text = String::from_utf8_lossy(&message[8..]);
        assert!(
            text.starts_with("user\0app\0database\0shop\0application_name\0paritty\0\0"),
            "{text:?}"
        );
    }

    #[test]
    fn refusals_by_sqlstate() {
        let body = b"SFATAL\0C28P01\0Mpassword authentication failed for user \"app\"\0\0";
        let secret = crate::backing::secret::Secret::new("pw".to_owned());
        let with_password =
            Login { user: Some("app"), password: Some(&secret), ..Login::default() };
        assert_eq!(
            refusal(body, &with_password),
            AskError::AuthFailed("password authentication failed for user \"app\"".to_owned())
        );
        assert_eq!(refusal(body, &Login::default()), AskError::NeedsLogin);
        let starting = b"SFATAL\0C57P03\0Mthe database system is starting up\0\0";
        assert!(matches!(refusal(starting, &with_password), AskError::Unreachable(_)));
    }
}
