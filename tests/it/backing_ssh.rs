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
use crate::common::sshd::{HostSpec, Lab};

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

#[test]
fn a_host_and_this_machine_compared_type_first_with_no_secret_anywhere() {
    let pg = services::postgres();
    let redis_pw = services::redis_with_password();
    let redis = services::redis();
    let memcached = services::memcached();
    let mariadb = services::mariadb();
    let rabbitmq = services::rabbitmq();

    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    // The app folder on the host, readable by the lab's user (the probe's).
    let app = lab.dir().join("srv-app");
    fs::create_dir_all(&app).unwrap();
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).unwrap();
    let scram = PgUser::SCRAM;
    let dotenv = format!(
        "export DATABASE_URL=\"postgres://{}:{}@{}/postgres\"\n\
         REDIS_URL=redis://:{}@{}/0 # the cache\n\
         AMQP_URL=amqp://guest:guest@{}/\n\
         SESSIONS_URL=redis://{}\n\
         MARIADB_URL=mysql://root:{}@{}/app\n",
        scram.name,
        scram.password,
        at(pg),
        services::REDIS_PASSWORD,
        at(redis_pw),
        at(rabbitmq),
        at(redis),
        PLANTED_HERE,
        at(mariadb),
    );
    fs::write(app.join(".env"), dotenv).unwrap();
    // The environment's own file sits before `.env`.
    fs::write(app.join(".env.prod"), format!("MEMCACHE_SERVERS={}\n", at(memcached))).unwrap();
    for f in [".env", ".env.prod"] {
        fs::set_permissions(app.join(f), fs::Permissions::from_mode(0o644)).unwrap();
    }

    // This machine: SQLite for the database, the open Redis as its cache.
    let here = app_dir(
        "paritty-here",
        &format!("DATABASE_URL=sqlite:///db.sqlite3\nREDIS_URL=redis://u:{PLANTED_HERE}@{}\n", at(redis)),
    );
    let config = here.path().join("paritty.toml");
    fs::write(
        &config,
        format!(
            "[[host]]\nname = \"prod\"\nenvironment = \"prod\"\napp_dir = \"{}\"\n\n\
             [app.services]\nsessions = \"SESSIONS_URL\"\nother_db = [\"MARIADB_URL\"]\n",
            app.display()
        ),
    )
    .unwrap();
    let profile = profile();
    let common: Vec<String> = [
        "--config",
        config.to_str().unwrap(),
        "--ssh-config",
        lab.ssh_config().to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--timeout",
        "10",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let env = [("AMQP_URL", format!("amqp://guest:{PLANTED_ENV}@127.0.0.1:1/"))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = |args: &[&str]| {
        let (command, rest) = args.split_first().unwrap();
        let mut all: Vec<&str> = vec!["--config", &common[1]];
        all.push(command);
        all.extend(common[2..].iter().map(String::as_str));
        all.extend(rest);
        paritty(here.path(), &all, &env)
    };

    // The host's snapshot, unredacted: still no password in it.
    let out = run(&["snapshot", "prod", "--format", "json", "--no-redact"]);
    assert!(out.status.success(), "{}", text(&out));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fact = |id: &str| snap["facts"][id].clone();
    let db = fact("backing.database");
    assert_eq!(db["value"], format!("postgresql {}", postgres_version(pg)), "{db}");
    assert_eq!(db["found_at"], format!("DATABASE_URL in {}/.env:1", app.display()));
    assert!(db["raw"].as_str().unwrap().contains("psql on the host"), "{db}");
    let cache = fact("backing.cache");
    assert_eq!(cache["value"], format!("redis {}", redis_version(redis_pw)), "{cache}");
    let sessions = fact("backing.sessions");
    assert_eq!(sessions["value"], format!("redis {}", redis_version(redis)), "{sessions}");
    assert!(sessions["raw"].as_str().unwrap().contains("direct-tcpip"), "{sessions}");
    let queue = fact("backing.queue");
    assert!(queue["value"].as_str().is_some_and(|v| v.starts_with("rabbitmq ")), "{queue}");
    let other = fact("backing.other_db");
    // The harness's MariaDB turns every TCP client's host away (it greets
    // over its socket only): the server's refusal, through the tunnel.
    assert_eq!(other["status"], "auth-failed", "{other}");
    assert!(other["raw"].as_str().unwrap().contains("is not allowed to connect to this MariaDB server"), "{other}");
    assert!(other["raw"].as_str().unwrap().starts_with(&format!("mysql {}", at(mariadb))), "{other}");
    let mc = fact("backing.documents");
    assert_eq!(mc["status"], "missing");
    let memcache = snap["facts"]
        .as_object()
        .unwrap()
        .values()
        .find(|f| f["found_at"].as_str().is_some_and(|w| w.starts_with("MEMCACHE_SERVERS in ")))
        .cloned();
    // MEMCACHE_SERVERS is a cache variable after REDIS_URL: REDIS_URL wins.
    assert!(memcache.is_none(), "{memcache:?}");
    let json = String::from_utf8_lossy(&out.stdout);
    for secret in [scram.password, services::REDIS_PASSWORD, PLANTED_HERE, PLANTED_ENV] {
        assert!(!json.contains(secret), "{secret} in the snapshot");
    }

    let mut outputs = vec![out];
    // This machine, named by its host name in comparisons.
    let local = run(&["snapshot", "local", "--format", "json", "--no-redact"]);
    assert!(local.status.success(), "{}", text(&local));
    let local_snap: Value = serde_json::from_slice(&local.stdout).unwrap();
    let me = local_snap["host"]["name"].as_str().unwrap().to_owned();
    assert!(local_snap["facts"]["backing.database"]["value"].as_str().unwrap().starts_with("sqlite "));
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
        assert!(
            said.contains(&format!(
                "service: {me} backing.database: different backing service: sqlite here, postgresql on prod"
            )),
            "{said}"
        );
        let summary = said.lines().last().unwrap();
        assert!(summary.starts_with("prod vs 1 host: 1 service"), "{summary}");
        outputs.push(out);
    }
    for format in ["json", "junit", "github"] {
        outputs.push(run(&["check", "local", "prod", "--baseline", "prod", "--format", format]));
    }
    outputs.push(run(&["snapshot", "local", "--format", "md", "--no-redact"]));
    outputs.push(paritty(here.path(), &["--config", &common[1], "probe"], &env));
    let probe = text(outputs.last().unwrap());
    assert!(probe.contains("PGPASSWORD") && probe.contains("REDISCLI_AUTH"), "the probe shows how credentials are used");
    for out in &outputs {
        let said = text(out);
        for secret in [scram.password, services::REDIS_PASSWORD, PLANTED_HERE, PLANTED_ENV] {
            assert!(!said.contains(secret), "{secret} in an output:\n{said}");
        }
    }
    assert!(Path::new(&app).exists());
}
