//! The app's backing services on an SSH host and here, against real servers
//! (`common::services`) and a real sshd (`common::sshd`): the host's `.env`
//! read there by the probe, PostgreSQL and a password-protected Redis asked
//! by the host's own clients with the password in their environment, the
//! others through the session's `direct-tcpip` channels; then compared with
//! this machine's SQLite, and every output searched for the passwords.

#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use std::process::{Command, Output};

use serde_json::Value;

use crate::backing::{app_dir, paritty, profile};
use crate::common::services::{self, PgUser, Server};
use crate::common::sshd::{Host, HostSpec, Lab};

fn says(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("run a server's program");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn word_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let mut words = text.split_whitespace();
    words.find(|w| *w == marker).unwrap_or_else(|| panic!("no {marker:?} in {text:?}"));
    words.next().unwrap_or_else(|| panic!("nothing after {marker:?} in {text:?}"))
}

/// `postgres --version`: "postgres (PostgreSQL) 15.10 (Debian ...)".
fn postgres_version(server: &Server) -> String {
    word_after(&says(&server.program, &["--version"]), "(PostgreSQL)").to_owned()
}

/// `redis-server --version`: "Redis server v=7.0.15 sha=...".
fn redis_version(server: &Server) -> String {
    let told = says(&server.program, &["--version"]);
    told.split_whitespace().find_map(|w| w.strip_prefix("v=")).expect("v=").to_owned()
}

fn at(server: &Server) -> String {
    format!("{}:{}", server.addr, server.port)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The passwords planted in the host's `.env`, this machine's `.env` and
/// this machine's environment.
const PLANTED_HERE: &str = "Here-Planted-4471";
const PLANTED_ENV: &str = "Env-Planted-9310";

/// A lab host whose app folder's `.env` (and `.env.prod`) point at the real
/// servers, its paritty.toml in `here`; returns the lab
/// and host (which must live) and the app folder.
fn host_app(here: &Path) -> (Lab, Host, std::path::PathBuf) {
    let lab = Lab::new();
    let host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    // The app folder on the host, readable by the lab's user (the probe's).
    let app = lab.dir().join("srv-app");
    fs::create_dir_all(&app).expect("create the app folder");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    let scram = PgUser::SCRAM;
    let dotenv = format!(
        "export DATABASE_URL=\"postgres://{}:{}@{}/postgres\"\n\
         REDIS_URL=redis://:{}@{}/0 # the cache\n\
         AMQP_URL=amqp://guest:guest@{}/\n\
         SESSIONS_URL=redis://{}\n\
         MARIADB_URL=mysql://root:{}@{}/app\n",
        scram.name,
        scram.password,
        at(services::postgres()),
        services::REDIS_PASSWORD,
        at(services::redis_with_password()),
        at(services::rabbitmq()),
        at(services::redis()),
        PLANTED_HERE,
        at(services::mariadb()),
    );
    fs::write(app.join(".env"), dotenv).expect("write .env");
    // The environment's own file is read before `.env`.
    let memcached = format!("MEMCACHE_SERVERS={}\n", at(services::memcached()));
    fs::write(app.join(".env.prod"), memcached).expect("write .env.prod");
    for f in [".env", ".env.prod"] {
        fs::set_permissions(app.join(f), fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let config = format!(
        "[[host]]\nname = \"prod\"\nenvironment = \"prod\"\napp_dir = \"{}\"\n\n\
         [app.services]\nsessions = \"SESSIONS_URL\"\nother_db = [\"MARIADB_URL\"]\n\
         fragments = \"MEMCACHE_SERVERS\"\n",
        app.display()
    );
    fs::write(here.join("paritty.toml"), config).expect("write paritty.toml");
    (lab, host, app)
}

/// What the host's snapshot must say of each role.
fn check_host_snapshot(snap: &Value, app: &Path) {
    let fact = |id: &str| snap["facts"][id].clone();
    let db = fact("backing.database");
    assert_eq!(
        db["value"],
        format!("postgresql {}", postgres_version(services::postgres())),
        "{db}"
    );
    assert_eq!(db["found_at"], format!("DATABASE_URL in {}/.env:1", app.display()));
    assert!(db["raw"].as_str().expect("raw").contains("psql on the host"), "{db}");
    let cache = fact("backing.cache");
    let version = redis_version(services::redis_with_password());
    assert_eq!(cache["value"], format!("redis {version}"), "{cache}");
    let sessions = fact("backing.sessions");
    assert_eq!(sessions["value"], format!("redis {}", redis_version(services::redis())));
    assert!(sessions["raw"].as_str().expect("raw").contains("direct-tcpip"), "{sessions}");
    let queue = fact("backing.queue");
    assert!(queue["value"].as_str().is_some_and(|v| v.starts_with("rabbitmq ")), "{queue}");
    let memcached = fact("backing.fragments");
    let told = says(&services::memcached().program, &["-V"]);
    assert_eq!(memcached["value"], format!("memcached {}", word_after(&told, "memcached")));
    assert_eq!(memcached["found_at"], format!("MEMCACHE_SERVERS in {}/.env.prod:1", app.display()));
    // The harness's MariaDB turns every TCP client's host away (it greets
    // over its socket only): the server's refusal, through the tunnel.
    let other = fact("backing.other_db");
    let raw = other["raw"].as_str().expect("raw");
    assert_eq!(other["status"], "auth-failed", "{other}");
    assert!(raw.contains("is not allowed to connect to this MariaDB server"), "{other}");
    assert!(raw.starts_with(&format!("mysql {}", at(services::mariadb()))), "{other}");
    assert_eq!(fact("backing.documents")["status"], "missing");
}

/// The passwords planted: the host's `.env`, this machine's `.env` and
/// environment.
fn secrets() -> [&'static str; 4] {
    [PgUser::SCRAM.password, services::REDIS_PASSWORD, PLANTED_HERE, PLANTED_ENV]
}

#[test]
fn a_host_and_this_machine_compared_type_first_with_no_secret_anywhere() {
    // This machine: SQLite for the database, the open Redis as its cache.
    let here = app_dir(
        "paritty-here",
        &format!(
            "DATABASE_URL=sqlite:///db.sqlite3\nREDIS_URL=redis://u:{PLANTED_HERE}@{}\n",
            at(services::redis())
        ),
    );
    let (lab, _host, app) = host_app(here.path());
    let config = here.path().join("paritty.toml");
    let config = config.to_str().expect("a UTF-8 path");
    let ssh_config = lab.ssh_config();
    let profile = profile();
    let amqp = format!("amqp://guest:{PLANTED_ENV}@127.0.0.1:1/");
    let env = [("AMQP_URL", amqp.as_str())];
    let run = |args: &[&str]| {
        let (command, rest) = args.split_first().expect("a command");
        let mut all = vec!["--config", config, command];
        all.extend(["--ssh-config", ssh_config.to_str().expect("a UTF-8 path")]);
        all.extend(["--profile", profile.to_str().expect("a UTF-8 path"), "--timeout", "10"]);
        all.extend(rest);
        paritty(here.path(), &all, &env)
    };

    // The host's snapshot, unredacted: still no password in it.
    let out = run(&["snapshot", "prod", "--format", "json", "--no-redact"]);
    assert!(out.status.success(), "{}", text(&out));
    check_host_snapshot(&serde_json::from_slice(&out.stdout).expect("JSON"), &app);
    let host_json = out.stdout.clone();
    let mut outputs = vec![out];

    // This machine, named by its host name in comparisons.
    let local = run(&["snapshot", "local", "--format", "json", "--no-redact"]);
    assert!(local.status.success(), "{}", text(&local));
    let local_snap: Value = serde_json::from_slice(&local.stdout).expect("JSON");
    let me = local_snap["host"]["name"].as_str().expect("a name").to_owned();
    let db = &local_snap["facts"]["backing.database"]["value"];
    assert!(db.as_str().is_some_and(|v| v.starts_with("sqlite ")), "{db}");
    screens_hold_no_secret(&[&host_json, &local.stdout]);
    outputs.push(local);

    // This machine against the host: the database's type differs, and
    // that is the finding, above everything; check fails on it at every level.
    for format in ["text", "md", "json", "html"] {
        let out = run(&["diff", "local", "prod", "--format", format, "--no-redact"]);
        assert!(out.status.success() || out.status.code() == Some(1), "{}", text(&out));
        outputs.push(out);
    }
    let diff = text(&outputs[2]);
    assert!(diff.contains("different backing service"), "{diff}");
    for level in ["any", "major"] {
        let out = run(&["check", "local", "prod", "--baseline", "prod", "--fail-on", level]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let said = text(&out);
        let line = format!(
            "service: {me} backing.database: different backing service: sqlite here, postgresql on prod"
        );
        assert!(said.contains(&line), "{said}");
        let summary = said.lines().last().expect("a summary");
        assert!(summary.starts_with("prod vs 1 host: 1 service"), "{summary}");
        outputs.push(out);
    }
    for format in ["json", "junit", "github"] {
        outputs.push(run(&["check", "local", "prod", "--baseline", "prod", "--format", format]));
    }
    outputs.push(run(&["snapshot", "local", "--format", "md", "--no-redact"]));
    // The probe shows how credentials are used, and holds none.
    let probe = paritty(here.path(), &["--config", config, "probe"], &env);
    let script = text(&probe);
    assert!(script.contains("PGPASSWORD") && script.contains("REDISCLI_AUTH"), "{script}");
    outputs.push(probe);
    for out in &outputs {
        let said = text(out);
        for secret in secrets() {
            assert!(!said.contains(secret), "{secret} in an output:\n{said}");
        }
    }
}

/// Through the tunnel: a closed port is `unreachable`, a listener that
/// never speaks a `timeout` at the command timeout, and the host's `psql`
/// refused by the closed port says so (its password stayed on the host).
#[test]
fn tunnel_faults_have_their_statuses_within_the_timeout() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "bare", ..HostSpec::default() });
    let app = lab.dir().join("app");
    fs::create_dir_all(&app).expect("create the app folder");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    let dotenv = format!(
        "DATABASE_URL=postgres://app:{PLANTED_HERE}@127.0.0.1:{closed}/app\n\
         REDIS_URL=redis://127.0.0.1:{port}\nAMQP_URL=amqp://127.0.0.1:{closed}/\n"
    );
    fs::write(app.join(".env"), dotenv).expect("write .env");
    fs::set_permissions(app.join(".env"), fs::Permissions::from_mode(0o644)).expect("chmod");
    let here = app_dir("paritty-faults-here", "");
    let config = here.path().join("paritty.toml");
    let text_config = format!("[[host]]\nname = \"bare\"\napp_dir = \"{}\"\n", app.display());
    fs::write(&config, text_config).expect("write paritty.toml");
    let profile = profile();
    let started = std::time::Instant::now();
    let out = paritty(
        here.path(),
        &[
            "--config",
            config.to_str().expect("a UTF-8 path"),
            "snapshot",
            "bare",
            "--ssh-config",
            lab.ssh_config().to_str().expect("a UTF-8 path"),
            "--profile",
            profile.to_str().expect("a UTF-8 path"),
            "--timeout",
            "2",
            "--format",
            "json",
            "--no-redact",
        ],
        &[],
    );
    let took = started.elapsed();
    drop(silent);
    assert!(out.status.success(), "{}", text(&out));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let fact = |id: &str| snap["facts"][id].clone();
    let db = fact("backing.database");
    assert_eq!(db["status"], "unreachable", "{db}");
    assert!(db["raw"].as_str().expect("raw").contains("psql said:"), "{db}");
    assert_eq!(fact("backing.queue")["status"], "unreachable", "{}", fact("backing.queue"));
    assert_eq!(fact("backing.cache")["status"], "timeout", "{}", fact("backing.cache"));
    // One silent service of 2 s, the session and the probe: well under 10 s.
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    assert!(!text(&out).contains(PLANTED_HERE));
}

/// Two services that answer only once both have been connected
/// (`common::rendezvous`), asked through the host's session: one after
/// the other, the first would wait out its timeout; at once (a channel
/// each, moved together), both answer, each its own version.
#[test]
fn a_hosts_services_are_asked_at_once_through_its_session() {
    let pair = crate::common::rendezvous::Rendezvous::memcached(["1.6.201", "1.6.202"]);
    let [first, second] = pair.ports();
    let dotenv = format!(
        "MEMCACHE_SERVERS=127.0.0.1:{first}\nFRAGMENTS_URL=memcached://127.0.0.1:{second}\n"
    );
    let (snap, _) = snapshot_with_dotenv("pair", &dotenv, "fragments = \"FRAGMENTS_URL\"");
    for (id, version) in [("backing.cache", "1.6.201"), ("backing.fragments", "1.6.202")] {
        let fact = &snap["facts"][id];
        assert_eq!(fact["value"], format!("memcached {version}"), "{fact}");
        assert!(fact["raw"].as_str().expect("raw").contains("direct-tcpip"), "{fact}");
    }
}

/// A Redis with a password, asked by the host's own redis-cli inside the
/// probe, and a Memcached asked through the session, that answer only
/// together (`common::rendezvous`): the session's asking starts when the
/// probe sends the app's configuration, not after the probe, so neither
/// waits for the other's end. Asked after the probe, redis-cli would hold
/// the probe until its timeout and get no answer.
#[test]
fn a_hosts_services_are_asked_while_its_probe_runs() {
    use crate::common::rendezvous::{Rendezvous, Speaker};
    const PASSWORD: &str = "Rendezvous-Planted-5150";
    let pair = Rendezvous::pair([
        Speaker::Redis { version: "7.2.301", password: PASSWORD },
        Speaker::Memcached("1.6.203"),
    ]);
    let [redis, memcached] = pair.ports();
    let dotenv = format!(
        "SESSIONS_URL=redis://:{PASSWORD}@127.0.0.1:{redis}/0\nMEMCACHE_SERVERS=127.0.0.1:{memcached}\n"
    );
    let (snap, said) = snapshot_with_dotenv("meet", &dotenv, "sessions = \"SESSIONS_URL\"");
    let sessions = &snap["facts"]["backing.sessions"];
    assert_eq!(sessions["value"], "redis 7.2.301", "{sessions}");
    assert!(sessions["raw"].as_str().expect("raw").contains("redis-cli"), "{sessions}");
    let cache = &snap["facts"]["backing.cache"];
    assert_eq!(cache["value"], "memcached 1.6.203", "{cache}");
    assert!(cache["raw"].as_str().expect("raw").contains("direct-tcpip"), "{cache}");
    assert!(!said.contains(PASSWORD), "the password left the host");
}

/// A snapshot (JSON, unredacted) of a lab host `name` whose app folder's
/// `.env` is `dotenv`, with `services` as paritty.toml's `[app.services]`;
/// and everything paritty printed.
fn snapshot_with_dotenv(name: &str, dotenv: &str, services: &str) -> (Value, String) {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name, ..HostSpec::default() });
    let app = lab.dir().join("app");
    fs::create_dir_all(&app).expect("create the app folder");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::write(app.join(".env"), dotenv).expect("write .env");
    fs::set_permissions(app.join(".env"), fs::Permissions::from_mode(0o644)).expect("chmod");
    let here = app_dir(&format!("paritty-{name}-here"), "");
    let config = here.path().join("paritty.toml");
    let text_config = format!(
        "[[host]]\nname = \"{name}\"\napp_dir = \"{}\"\n\n[app.services]\n{services}\n",
        app.display()
    );
    fs::write(&config, text_config).expect("write paritty.toml");
    let profile = profile();
    let out = paritty(
        here.path(),
        &[
            "--config",
            config.to_str().expect("a UTF-8 path"),
            "snapshot",
            name,
            "--ssh-config",
            lab.ssh_config().to_str().expect("a UTF-8 path"),
            "--profile",
            profile.to_str().expect("a UTF-8 path"),
            "--timeout",
            "10",
            "--format",
            "json",
            "--no-redact",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    (serde_json::from_slice(&out.stdout).expect("JSON"), text(&out))
}

/// The interactive view of both snapshots, every row's details drawn: the
/// difference is on screen, no password is.
fn screens_hold_no_secret(snapshots: &[&[u8]]) {
    use crate::common::tui::{app_of, draw, key, send, text};
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = snapshots
        .iter()
        .enumerate()
        .map(|(i, json)| {
            let path = dir.path().join(format!("{i}.json"));
            fs::write(&path, json).expect("write a snapshot");
            let snapshot = paritty::model::snapshot_file::read_snapshot(&path).expect("a snapshot");
            paritty::model::HostReport {
                target: snapshot.host.name.clone(),
                snapshot: Some(snapshot),
                failure: None,
            }
        })
        .collect();
    let mut app = app_of(reports);
    let mut seen = text(&draw(&mut app, 160, 40));
    assert!(seen.contains("different backing service") || seen.contains("⇄"), "{seen}");
    send(&mut app, [key(KeyCode::Char('i'))]);
    for _ in 0..12 {
        seen.push_str(&text(&draw(&mut app, 160, 40)));
        send(&mut app, [key(KeyCode::Down)]);
    }
    assert!(seen.contains("postgresql"), "{seen}");
    for secret in secrets() {
        assert!(!seen.contains(secret), "{secret} on screen");
    }
}
