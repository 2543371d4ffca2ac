//! Property-based tests of `backing::ask`'s decoders: whatever a server sends (random bytes,
//! a real answer with bytes changed, cut short, or arriving a byte at a time), asking ends
//! without panicking, and what it returns is clean: a service name and version of plain
//! characters, or an error of one line without control characters and without the password.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use proptest::prelude::*;

use paritty::backing::ask::{Answer, AskError, Link, Login, Protocol, ask};
use paritty::backing::secret::Secret;

const PASSWORD: &str = "pr0p-Secret-pw";

const ALL: [Protocol; 6] = [
    Protocol::Postgresql,
    Protocol::Mysql,
    Protocol::Redis,
    Protocol::Memcached,
    Protocol::Amqp,
    Protocol::Mongodb,
];

/// A server's side of a conversation played from bytes: handed out `chunk` bytes at a
/// time, then the end of the stream; what the client sends is kept.
struct Scripted {
    input: Vec<u8>,
    at: usize,
    chunk: usize,
    sent: Vec<u8>,
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.input.len() - self.at);
        buf[..n].copy_from_slice(&self.input[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Write for Scripted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sent.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Asks `protocol` with a user and password over a private link, the server's side being `input`.
fn ask_scripted(
    protocol: Protocol,
    input: Vec<u8>,
    chunk: usize,
) -> (Result<Answer, AskError>, Vec<u8>) {
    let password = Secret::new(PASSWORD.to_owned());
    let login = Login {
        user: Some("app"),
        password: Some(&password),
        database: Some("shop"),
        link: Link::Private,
    };
    let mut stream = Scripted { input, at: 0, chunk: chunk.max(1), sent: Vec::new() };
    let answer = ask(protocol, &mut stream, &login, Instant::now() + Duration::from_secs(30));
    (answer, stream.sent)
}

fn sized_be(bytes: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(bytes.len()).expect("small").to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

fn pg_message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&u32::try_from(body.len() + 4).expect("small").to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// The answer each server gives when all goes well (as the real ones do: captured, or built
/// from the protocol's documentation).
fn valid(protocol: Protocol) -> Vec<u8> {
    match protocol {
        Protocol::Postgresql => [
            pg_message(b'R', &[0, 0, 0, 0]),
            pg_message(b'S', b"server_version\x0015.4 (Debian 15.4-1)\x00"),
            pg_message(b'K', &[0, 0, 0, 7, 1, 2, 3, 4]),
            pg_message(b'Z', b"I"),
        ]
        .concat(),
        // MariaDB 10.11's greeting, as it arrived from the test server.
        Protocol::Mysql => b"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x03\x00\x00\x00VC*Jt-~T\x00\xfe\xf7\
            \x08\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00k=.n_q<sQ{9H\x00mysql_native_password\x00"
            .to_vec(),
        Protocol::Redis => {
            let info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
            format!("+OK\r\n${}\r\n{info}\r\n", info.len()).into_bytes()
        }
        Protocol::Memcached => b"VERSION 1.6.18\r\n".to_vec(),
        Protocol::Amqp => {
            let entry = |name: &str, kind: u8, value: &[u8]| {
                [&[u8::try_from(name.len()).expect("short")][..], name.as_bytes(), &[kind], value].concat()
            };
            let capabilities = sized_be(&entry("publisher_confirms", b't', &[1]));
            let properties = [
                entry("capabilities", b'F', &capabilities),
                entry("product", b'S', &sized_be(b"RabbitMQ")),
                entry("version", b'S', &sized_be(b"3.10.8")),
            ]
            .concat();
            let payload =
                [&[0, 10, 0, 10, 0, 9][..], &sized_be(&properties), &sized_be(b"PLAIN AMQPLAIN"), &sized_be(b"en_US")]
                    .concat();
            [&[1, 0, 0][..], &u32::try_from(payload.len()).expect("small").to_be_bytes(), &payload, &[0xce]].concat()
        }
        Protocol::Mongodb => {
            let field = |kind: u8, name: &str, value: &[u8]| [&[kind][..], name.as_bytes(), &[0], value].concat();
            let body = [
                field(0x02, "version", &[&7u32.to_le_bytes()[..], b"7.0.15\0"].concat()),
                field(0x01, "ok", &1.0f64.to_le_bytes()),
            ]
            .concat();
            let doc = [&u32::try_from(body.len() + 5).expect("small").to_le_bytes()[..], &body, &[0]].concat();
            let len = u32::try_from(16 + 4 + 1 + doc.len()).expect("small");
            // Request id 1 is the one paritty's single request carries.
            let header: Vec<u8> = [len, 7, 1, 2013, 0].iter().flat_map(|w| w.to_le_bytes()).collect();
            [header, vec![0], doc].concat()
        }
    }
}

/// What a returned answer or error may hold: no control characters, no password, bounded.
fn check_clean(protocol: Protocol, answer: &Result<Answer, AskError>) -> Result<(), TestCaseError> {
    match answer {
        Ok(Answer { service, version }) => {
            prop_assert!(
                !service.is_empty()
                    && service.len() <= 32
                    && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{protocol:?}: service {service:?}"
            );
            prop_assert!(
                !version.is_empty()
                    && version.len() <= 64
                    && version.chars().all(|c| c.is_ascii_graphic()),
                "{protocol:?}: version {version:?}"
            );
        }
        Err(error) => {
            let shown = error.to_string();
            prop_assert!(!shown.chars().any(char::is_control), "{protocol:?}: {shown:?}");
            prop_assert!(shown.len() <= 4200, "{protocol:?}: {} bytes", shown.len());
            prop_assert!(!shown.contains(PASSWORD), "{protocol:?}: {shown:?}");
        }
    }
    Ok(())
}

#[test]
fn valid_answers_are_understood() {
    let expected = [
        ("postgresql", "15.4"),
        ("mariadb", "10.11.19"),
        ("redis", "7.0.15"),
        ("memcached", "1.6.18"),
        ("rabbitmq", "3.10.8"),
        ("mongodb", "7.0.15"),
    ];
    for (protocol, (service, version)) in ALL.into_iter().zip(expected) {
        for chunk in [1, 7, 4096] {
            let (answer, _) = ask_scripted(protocol, valid(protocol), chunk);
            let expected = Answer { service: service.to_owned(), version: version.to_owned() };
            assert_eq!(answer, Ok(expected), "{protocol:?} in pieces of {chunk}");
        }
    }
}

/// A server that echoes the password in its refusal: the error shows `***` instead.
#[test]
fn an_echoed_password_never_reaches_the_error() {
    let refusals = [
        (Protocol::Redis, format!("-WRONGPASS no user with password {PASSWORD}\r\n").into_bytes()),
        (
            Protocol::Postgresql,
            pg_message(b'E', format!("SFATAL\0C28P01\0Mwrong password {PASSWORD}\0\0").as_bytes()),
        ),
        (Protocol::Mysql, {
            let body =
                [&[0xff, 0x6a, 0x04][..], format!("Host {PASSWORD} is not allowed").as_bytes()]
                    .concat();
            [&[u8::try_from(body.len()).expect("short"), 0, 0, 0][..], &body].concat()
        }),
    ];
    for (protocol, input) in refusals {
        let (answer, _) = ask_scripted(protocol, input, 4096);
        match answer {
            Err(AskError::AuthFailed(why)) => {
                assert!(why.contains("***") && !why.contains(PASSWORD), "{protocol:?}: {why}");
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
    }
}

fn protocol() -> impl Strategy<Value = Protocol> {
    (0..ALL.len()).prop_map(|i| ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(protocol in protocol(), input in proptest::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        let (answer, _) = ask_scripted(protocol, input, chunk);
        check_clean(protocol, &answer)?;
    }

    #[test]
    fn damaged_answers_never_panic(
        protocol in protocol(),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
        chunk in 1usize..64,
    ) {
        let mut input = valid(protocol);
        for (at, byte) in changes {
            let at = at.index(input.len());
            input[at] = byte;
        }
        if let Some(cut) = cut {
            input.truncate(cut.index(input.len()));
        }
        let (answer, _) = ask_scripted(protocol, input, chunk);
        check_clean(protocol, &answer)?;
    }
}
