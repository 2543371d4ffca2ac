//! Asking running services their type and version (`paritty::backing::ask`), against real
//! servers the harness starts (`common::services`): each answer is checked against what the
//! server's own program (or its package) says its version is; logins that work, logins
//! refused, a login missing, and the network faults. MongoDB cannot be installed from
//! Debian, so it is asked through a stand-in speaking its wire format (`common::mongo_standin`).

#![cfg(target_os = "linux")]

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use paritty::backing::ask::{Answer, AskError, Link, Login, Protocol, ask, ask_tcp};
use paritty::backing::secret::Secret;

use crate::common::mongo_standin::{self, Reply};
use crate::common::services::{self, PgUser, Server};
use crate::common::sshd::Fault;

/// Time given to each question to a running server: far more than any takes.
const PATIENCE: Duration = Duration::from_secs(20);

const ALL: [Protocol; 6] = [
    Protocol::Postgresql,
    Protocol::Mysql,
    Protocol::Redis,
    Protocol::Memcached,
    Protocol::Amqp,
    Protocol::Mongodb,
];

fn deadline() -> Instant {
    Instant::now() + PATIENCE
}

fn ask_server(protocol: Protocol, server: &Server, login: &Login) -> Result<Answer, AskError> {
    ask_tcp(protocol, &server.addr.to_string(), server.port, login, deadline())
}

/// What `program ARGS` prints, stdout and stderr together.
fn says(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("run a server's program");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The word after `marker` in `text` (`Ver 10.11.6-MariaDB` after "Ver").
fn word_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let mut words = text.split_whitespace();
    words.find(|w| *w == marker).unwrap_or_else(|| panic!("no {marker:?} in {text:?}"));
    words.next().unwrap_or_else(|| panic!("nothing after {marker:?} in {text:?}"))
}

fn login_as<'a>(user: &'a str, password: Option<&'a Secret>) -> Login<'a> {
    Login { user: Some(user), password, ..Login::default() }
}

fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

/// An error's every rendering (Debug, Display) holds no trace of `password`.
fn assert_no_password(error: &AskError, password: &str) {
    for shown in [format!("{error:?}"), error.to_string()] {
        assert!(!shown.contains(password), "the password shows in {shown:?}");
    }
}

// ---- PostgreSQL ----

/// `postgres --version`: "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
fn postgres_version(server: &Server) -> String {
    says(&server.program, &["--version"]).split_whitespace().nth(2).expect("a version").to_owned()
}

#[test]
fn postgres_trust_tells_the_servers_version() {
    let server = services::postgres();
    let answer = ask_server(Protocol::Postgresql, server, &login_as(PgUser::TRUST.name, None));
    let expected = Answer { service: "postgresql".into(), version: postgres_version(server) };
    assert_eq!(answer, Ok(expected));
}

#[test]
fn postgres_logs_in_with_scram_md5_and_cleartext_passwords() {
    let server = services::postgres();
    let version = postgres_version(server);
    for user in [PgUser::SCRAM, PgUser::MD5, PgUser::CLEARTEXT] {
        let password = secret(user.password);
        let answer =
            ask_server(Protocol::Postgresql, server, &login_as(user.name, Some(&password)));
        assert_eq!(answer.map(|a| a.version), Ok(version.clone()), "{}", user.name);
    }
}

#[test]
fn postgres_wrong_password_is_refused_without_showing_it() {
    let server = services::postgres();
    for user in [PgUser::SCRAM, PgUser::MD5, PgUser::CLEARTEXT] {
        let wrong = format!("{}-wrong", user.password);
        let password = secret(&wrong);
        let error = ask_server(Protocol::Postgresql, server, &login_as(user.name, Some(&password)))
            .expect_err("a wrong password");
        let expected = format!("password authentication failed for user \"{}\"", user.name);
        assert_eq!(error, AskError::AuthFailed(expected), "{}", user.name);
        assert_eq!(error.status(), "auth-failed");
        assert_no_password(&error, &wrong);
    }
}

#[test]
fn postgres_without_a_login_needs_one() {
    let server = services::postgres();
    // No user: paritty asks as `postgres`, whom pg_hba.conf asks for a SCRAM password.
    assert_eq!(
        ask_server(Protocol::Postgresql, server, &Login::default()),
        Err(AskError::NeedsLogin)
    );
    // A user that needs a password, without one.
    let answer = ask_server(Protocol::Postgresql, server, &login_as(PgUser::MD5.name, None));
    assert_eq!(answer, Err(AskError::NeedsLogin));
}

#[test]
fn postgres_unknown_database_is_a_refused_login() {
    let server = services::postgres();
    let login = Login { database: Some("no_such_db"), ..login_as(PgUser::TRUST.name, None) };
    let answer = ask_server(Protocol::Postgresql, server, &login);
    assert_eq!(answer, Err(AskError::AuthFailed("database \"no_such_db\" does not exist".into())));
}

/// Over a link that may cross a network, a cleartext or MD5 password is not sent at all;
/// SCRAM still is.
#[test]
fn postgres_sends_reusable_passwords_only_over_private_links() {
    let server = services::postgres();
    let ask_over_network = |user: PgUser| {
        let password = secret(user.password);
        let login = Login { link: Link::Network, ..login_as(user.name, Some(&password)) };
        let mut stream = TcpStream::connect((server.addr, server.port)).expect("connect");
        ask(Protocol::Postgresql, &mut stream, &login, deadline())
    };
    for (user, method) in
        [(PgUser::CLEARTEXT, "a cleartext password"), (PgUser::MD5, "an MD5 password")]
    {
        match ask_over_network(user) {
            Err(AskError::AuthFailed(why)) => assert!(why.contains(method), "{why}"),
            other => panic!("{}: {other:?}", user.name),
        }
    }
    assert_eq!(ask_over_network(PgUser::SCRAM).map(|a| a.version), Ok(postgres_version(server)));
}

// ---- MySQL / MariaDB ----

#[test]
fn mariadb_greeting_tells_the_servers_version() {
    let server = services::mariadb();
    // "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)"
    let told = says(&server.program, &["--version"]);
    let version = word_after(&told, "Ver").split('-').next().expect("a version").to_owned();
    let socket = server.socket.as_deref().expect("a socket");
    let mut stream = UnixStream::connect(socket).expect("connect to the socket");
    let answer = ask(Protocol::Mysql, &mut stream, &Login::default(), deadline());
    assert_eq!(answer, Ok(Answer { service: "mariadb".into(), version }));
}

#[test]
fn mariadb_refusing_the_clients_host_is_a_refused_login() {
    let server = services::mariadb();
    match ask_server(Protocol::Mysql, server, &Login::default()) {
        Err(AskError::AuthFailed(why)) => {
            assert!(why.contains("is not allowed to connect to this MariaDB server"), "{why}");
            assert!(why.ends_with("(error 1130)"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

// ---- Redis ----

/// `redis-server --version`: "Redis server v=7.0.15 sha=...".
fn redis_version(server: &Server) -> String {
    let told = says(&server.program, &["--version"]);
    let word = told.split_whitespace().find(|w| w.starts_with("v=")).expect("v=");
    word["v=".len()..].to_owned()
}

#[test]
fn redis_tells_the_servers_version() {
    let server = services::redis();
    let expected = Answer { service: "redis".into(), version: redis_version(server) };
    assert_eq!(ask_server(Protocol::Redis, server, &Login::default()), Ok(expected));
}

#[test]
fn redis_logs_in_with_a_password_or_a_user_and_password() {
    let server = services::redis_with_password();
    let version = redis_version(server);
    let password = secret(services::REDIS_PASSWORD);
    let answer = ask_server(
        Protocol::Redis,
        server,
        &Login { password: Some(&password), ..Login::default() },
    );
    assert_eq!(answer.map(|a| a.version), Ok(version.clone()));
    let password = secret(services::REDIS_USER_PASSWORD);
    let answer =
        ask_server(Protocol::Redis, server, &login_as(services::REDIS_USER, Some(&password)));
    assert_eq!(answer.map(|a| a.version), Ok(version));
}

#[test]
fn redis_without_a_password_needs_one() {
    let server = services::redis_with_password();
    assert_eq!(ask_server(Protocol::Redis, server, &Login::default()), Err(AskError::NeedsLogin));
}

#[test]
fn redis_wrong_password_is_refused_without_showing_it() {
    let server = services::redis_with_password();
    let wrong = format!("{}-wrong", services::REDIS_USER_PASSWORD);
    let password = secret(&wrong);
    for login in [
        Login { password: Some(&password), ..Login::default() },
        login_as(services::REDIS_USER, Some(&password)),
    ] {
        let error = ask_server(Protocol::Redis, server, &login).expect_err("a wrong password");
        match &error {
            AskError::AuthFailed(why) => assert!(why.starts_with("WRONGPASS"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_no_password(&error, &wrong);
    }
}

// ---- Memcached ----

#[test]
fn memcached_tells_the_servers_version() {
    let server = services::memcached();
    // `memcached -V`: "memcached 1.6.18".
    let version = word_after(&says(&server.program, &["-V"]), "memcached").to_owned();
    let expected = Answer { service: "memcached".into(), version };
    assert_eq!(ask_server(Protocol::Memcached, server, &Login::default()), Ok(expected));
}

// ---- RabbitMQ ----

#[test]
fn rabbitmq_tells_the_packages_version() {
    let server = services::rabbitmq();
    // The package's version, "3.10.8-1.1+deb12u1": its upstream part.
    let package = says("dpkg-query", &["-W", "-f", "${Version}", "rabbitmq-server"]);
    let upstream = package.rsplit_once(':').map_or(package.as_str(), |(_, v)| v);
    let version = upstream.split('-').next().expect("a version").to_owned();
    let expected = Answer { service: "rabbitmq".into(), version };
    assert_eq!(ask_server(Protocol::Amqp, server, &Login::default()), Ok(expected));
}

// ---- MongoDB (a stand-in) ----

#[test]
fn mongodb_build_info_tells_the_version() {
    let standin = mongo_standin::serve(Reply::BuildInfo("7.0.15"));
    let answer =
        ask_tcp(Protocol::Mongodb, "127.0.0.1", standin.port(), &Login::default(), deadline());
    assert_eq!(answer, Ok(Answer { service: "mongodb".into(), version: "7.0.15".into() }));
    assert!(standin.asked_build_info_on_admin(), "the request was not buildInfo on admin");
}

#[test]
fn mongodb_that_wants_a_login_needs_one() {
    let standin = mongo_standin::serve(Reply::Unauthorized);
    let answer =
        ask_tcp(Protocol::Mongodb, "127.0.0.1", standin.port(), &Login::default(), deadline());
    assert_eq!(answer, Err(AskError::NeedsLogin));
}

// ---- Faults, for every protocol ----

#[test]
fn a_closed_port_is_unreachable() {
    let closed = Fault::closed_port();
    for protocol in ALL {
        let answer = ask_tcp(
            protocol,
            &closed.ip().to_string(),
            closed.port(),
            &Login::default(),
            deadline(),
        );
        match answer {
            Err(AskError::Unreachable(why)) => {
                assert!(why.contains("refused"), "{protocol:?}: {why}");
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
    }
}

/// A listener that accepts and never says a word: each question ends at its deadline, not later.
#[test]
fn a_silent_listener_times_out_at_the_deadline() {
    const BOUND: Duration = Duration::from_millis(400);
    const MARGIN: Duration = Duration::from_secs(2);
    let silent = Fault::silent_listener();
    let askers: Vec<_> = ALL
        .into_iter()
        .map(|protocol| {
            let addr = silent.socket_addr();
            thread::spawn(move || {
                let started = Instant::now();
                let answer = ask_tcp(
                    protocol,
                    &addr.ip().to_string(),
                    addr.port(),
                    &Login::default(),
                    started + BOUND,
                );
                (protocol, answer, started.elapsed())
            })
        })
        .collect();
    for asker in askers {
        let (protocol, answer, took) = asker.join().expect("asker");
        assert_eq!(answer, Err(AskError::Timeout), "{protocol:?}");
        assert!(took >= BOUND && took < BOUND + MARGIN, "{protocol:?} took {took:?}");
    }
}

/// A listener that answers anything with an HTTP error and hangs up: not the protocol.
#[test]
fn garbage_from_a_listener_is_a_protocol_error() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = thread::spawn(move || {
        for _ in ALL {
            let (mut stream, _) = listener.accept().expect("accept");
            stream.write_all(b"HTTP/1.1 400 Bad Request\r\nServer: \x1b[31mevil\r\n\r\n").ok();
        }
    });
    for protocol in ALL {
        match ask_tcp(protocol, "127.0.0.1", addr.port(), &Login::default(), deadline()) {
            Err(AskError::Protocol(what)) => {
                assert!(!what.chars().any(char::is_control), "{protocol:?}: {what:?}");
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
    }
    server.join().expect("server");
}

/// A URL pointing at the wrong service (REDIS_URL at Memcached, ...): each real server's
/// answer to a protocol it does not speak is told apart, not taken for a version.
#[test]
fn another_service_at_the_port_is_a_protocol_error() {
    let cases = [
        (Protocol::Redis, services::memcached()),
        (Protocol::Memcached, services::redis()),
        (Protocol::Amqp, services::postgres()),
    ];
    for (protocol, server) in cases {
        match ask_server(protocol, server, &Login::default()) {
            Err(AskError::Protocol(what)) => {
                assert!(!what.chars().any(char::is_control), "{protocol:?}: {what:?}");
            }
            other => panic!("{protocol:?} at {}:{}: {other:?}", server.addr, server.port),
        }
    }
}

/// The deadline is the caller's: a question given one already past never writes a byte.
#[test]
fn a_deadline_already_past_is_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let SocketAddr::V4(addr) = listener.local_addr().expect("addr") else { panic!("IPv4") };
    let mut stream = TcpStream::connect(addr).expect("connect");
    let answer = ask(Protocol::Redis, &mut stream, &Login::default(), Instant::now());
    assert_eq!(answer, Err(AskError::Timeout));
    let (mut accepted, _) = listener.accept().expect("accept");
    drop(stream);
    let mut received = Vec::new();
    std::io::Read::read_to_end(&mut accepted, &mut received).expect("read");
    assert!(received.is_empty(), "sent {received:?}");
}
