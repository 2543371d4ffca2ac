//! The app's backing services on this machine, through the real binary: the
//! configuration read from the environment and the app folder's `.env`, the
//! services asked (a real SQLite library, closed ports, listeners that never
//! speak), and the credentials kept out of every output.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Variables of the well-known roles: removed from the tests' children so
/// the machine's own environment cannot decide a test.
pub const ROLE_VARS: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "MEMCACHED_URL",
    "MEMCACHE_SERVERS",
    "AMQP_URL",
    "RABBITMQ_URL",
    "CELERY_BROKER_URL",
    "MONGODB_URI",
    "MONGO_URL",
    "ELASTICSEARCH_URL",
    "OPENSEARCH_URL",
    "KAFKA_BROKERS",
];

pub fn profile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles/backing-test.toml")
}

/// `paritty ARGS` in `dir`, its environment the roles' variables removed
/// and `env` added.
pub fn paritty(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paritty"));
    command
        .args(args)
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", dir.join("no-config"))
        .env_remove("RUST_BACKTRACE");
    for var in ROLE_VARS {
        command.env_remove(var);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run paritty")
}

/// This machine's snapshot (JSON) of the app in `dir`.
pub fn snapshot(dir: &Path, env: &[(&str, &str)], timeout: &str) -> Value {
    let profile = profile();
    let out = paritty(
        dir,
        &[
            "snapshot",
            "local",
            "--profile",
            profile.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
            "--timeout",
            timeout,
            "--no-redact",
        ],
        env,
    );
    assert!(out.status.success(), "snapshot failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("snapshot JSON")
}

pub fn app_dir(name: &str, dotenv: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix(name).tempdir().expect("temp dir");
    std::fs::write(dir.path().join(".env"), dotenv).expect("write .env");
    dir
}

fn fact<'v>(snapshot: &'v Value, id: &str) -> &'v Value {
    &snapshot["facts"][id]
}

fn first_word(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("run it");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("a word").to_owned()
}

#[test]
fn sqlite_is_the_library_version_and_the_files_own_format() {
    let dir = app_dir(
        "paritty-sqlite",
        "# the app's database\nDATABASE_URL=sqlite:///db.sqlite3\nCACHE_URL=locmem://\n",
    );
    let made = Command::new("sqlite3")
        .arg(dir.path().join("db.sqlite3"))
        .arg("create table t (x); insert into t values (1);")
        .status()
        .expect("sqlite3 is installed (scripts/test-deps.sh)");
    assert!(made.success());
    let snap = snapshot(dir.path(), &[], "5");
    let library = first_word("sqlite3", &["--version"]);
    let db = fact(&snap, "backing.database");
    assert_eq!(db["status"], "ok", "{db}");
    assert_eq!(db["value"], format!("sqlite {library}"));
    assert_eq!(db["category"], "App backing services");
    assert_eq!(db["compare"], "backing");
    assert_eq!(db["found_at"], "DATABASE_URL in .env:2");
    let raw = db["raw"].as_str().expect("a string");
    assert!(raw.starts_with("sqlite file db.sqlite3"), "{raw}");
    assert!(
        raw.contains(&format!("SQLite format 3, page size 4096, last written by SQLite {library}")),
        "{raw}"
    );
    assert_eq!(fact(&snap, "backing.cache")["value"], "memory");
    let queue = fact(&snap, "backing.queue");
    assert_eq!(queue["status"], "missing");
    assert!(queue["raw"].as_str().expect("a string").contains("AMQP_URL"), "{queue}");
}

#[test]
fn a_folder_without_any_service_has_no_backing_facts() {
    let dir = app_dir("paritty-none", "APP_NAME=shop\n");
    let snap = snapshot(dir.path(), &[], "5");
    let ids: Vec<&String> = snap["facts"].as_object().expect("an object").keys().collect();
    assert!(ids.iter().all(|id| !id.starts_with("backing.")), "{ids:?}");
}

#[test]
fn the_environment_wins_over_env_and_bad_lines_are_reported_with_their_place() {
    let dir = app_dir(
        "paritty-precedence",
        "DATABASE_URL=sqlite:///from-file.db\nCACHE_URL='never closed\n",
    );
    let snap = snapshot(dir.path(), &[("DATABASE_URL", "sqlite:////tmp/from-env.db")], "5");
    let db = fact(&snap, "backing.database");
    assert_eq!(db["found_at"], "DATABASE_URL in the environment");
    assert!(
        db["raw"].as_str().expect("a string").starts_with("sqlite file /tmp/from-env.db"),
        "{db}"
    );
    let cache = fact(&snap, "backing.cache");
    assert_eq!(cache["status"], "missing");
    assert!(
        cache["raw"]
            .as_str()
            .expect("test set-up")
            .contains(".env:2: a quoted value that does not end on its line"),
        "{cache}"
    );
}

#[test]
fn a_malformed_scheme_is_an_error_that_names_it_and_not_the_password() {
    let dir = app_dir("paritty-scheme", "DATABASE_URL=postgress://app:Planted-Sch3me@db/app\n");
    let snap = snapshot(dir.path(), &[], "5");
    let db = fact(&snap, "backing.database");
    assert_eq!(db["status"], "error");
    assert_eq!(db["raw"], "DATABASE_URL in .env:1: unknown URL scheme `postgress`");
    assert!(!snap.to_string().contains("Planted-Sch3me"));
}

/// A closed port is `unreachable` and a listener that never speaks is a
/// `timeout`, both within the command timeout and asked at once (the whole
/// costs one timeout, not one per service).
#[test]
fn closed_ports_and_silent_listeners_fail_within_the_timeout() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("test set-up");
        l.local_addr().expect("test set-up").port()
    };
    let silent = TcpListener::bind("127.0.0.1:0").expect("test set-up");
    let port = silent.local_addr().expect("test set-up").port();
    let dotenv = format!(
        "DATABASE_URL=mysql://127.0.0.1:{closed}/app\nREDIS_URL=redis://127.0.0.1:{port}\n\
         AMQP_URL=amqp://127.0.0.1:{port}/\nMONGO_URL=mongodb://127.0.0.1:{port}/app\n\
         ELASTICSEARCH_URL=http://127.0.0.1:{port}\n"
    );
    let dir = app_dir("paritty-faults", &dotenv);
    let started = Instant::now();
    let snap = snapshot(dir.path(), &[], "2");
    let took = started.elapsed();
    drop(silent);
    assert_eq!(fact(&snap, "backing.database")["status"], "unreachable", "{snap}");
    for id in ["backing.cache", "backing.queue", "backing.documents"] {
        assert_eq!(fact(&snap, id)["status"], "timeout", "{id}: {}", fact(&snap, id));
    }
    // Search is named but not asked (paritty does not speak its protocol).
    let search = fact(&snap, "backing.search");
    assert_eq!(search["status"], "not-asked", "{search}");
    assert!(search["raw"].as_str().expect("raw").starts_with("elasticsearch 127.0.0.1:"));
    // Three silent services of 2 s each, asked at once: far from their sum.
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// Two services that answer only once both have been connected
/// (`common::rendezvous`): asked one after the other, the first would wait
/// out its timeout; asked at once, both answer, each its own version.
#[test]
fn this_machine_asks_its_services_at_once() {
    let pair = crate::common::rendezvous::Rendezvous::memcached(["1.6.101", "1.6.102"]);
    let [first, second] = pair.ports();
    let dotenv = format!(
        "MEMCACHE_SERVERS=127.0.0.1:{first}\nFRAGMENTS_URL=memcached://127.0.0.1:{second}\n"
    );
    let dir = app_dir("paritty-at-once", &dotenv);
    let config = dir.path().join("paritty.toml");
    std::fs::write(&config, "[app.services]\nfragments = \"FRAGMENTS_URL\"\n")
        .expect("write paritty.toml");
    let profile = profile();
    let out = paritty(
        dir.path(),
        &[
            "--config",
            config.to_str().expect("a UTF-8 path"),
            "snapshot",
            "local",
            "--profile",
            profile.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
            "--timeout",
            "10",
            "--no-redact",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("snapshot JSON");
    assert_eq!(fact(&snap, "backing.cache")["value"], "memcached 1.6.101", "{snap}");
    assert_eq!(fact(&snap, "backing.fragments")["value"], "memcached 1.6.102", "{snap}");
}

/// Real servers asked from here with the URL's credentials: each answers
/// the version its own program reports.
#[test]
fn this_machine_asks_real_servers_with_the_urls_credentials() {
    use crate::common::services::{self, PgUser};
    let pg = services::postgres();
    let redis = services::redis_with_password();
    let memcached = services::memcached();
    let user = PgUser::SCRAM;
    let dotenv = format!(
        "DATABASE_URL=postgres://{}:{}@{}:{}/postgres\nREDIS_URL=redis://:{}@{}:{}/0\n",
        user.name,
        user.password,
        pg.addr,
        pg.port,
        services::REDIS_PASSWORD,
        redis.addr,
        redis.port
    );
    let dir = app_dir("paritty-real", &dotenv);
    let wrong =
        format!("postgres://{}:wrong-Planted-1@{}:{}/postgres", user.name, pg.addr, pg.port);
    // A role's first variable that is set anywhere wins: REDIS_URL (in
    // .env) before MEMCACHE_SERVERS (in the environment).
    let memcache = format!("{}:{}", memcached.addr, memcached.port);
    let snap = snapshot(
        dir.path(),
        &[("AMQP_URL", "amqp://127.0.0.1:1/"), ("MEMCACHE_SERVERS", &memcache)],
        "10",
    );
    let postgres = first_word_after(&pg.program, "(PostgreSQL)");
    assert_eq!(fact(&snap, "backing.database")["value"], format!("postgresql {postgres}"));
    let redis_said = Command::new(&redis.program).arg("--version").output().expect("test set-up");
    let redis_version = String::from_utf8_lossy(&redis_said.stdout)
        .split_whitespace()
        .find_map(|w| w.strip_prefix("v=").map(str::to_owned))
        .expect("test set-up");
    assert_eq!(fact(&snap, "backing.cache")["value"], format!("redis {redis_version}"));
    assert_eq!(fact(&snap, "backing.queue")["status"], "unreachable");
    // The environment's URL wins over .env: its wrong password is refused.
    let refused = snapshot(dir.path(), &[("DATABASE_URL", &wrong)], "10");
    let db = fact(&refused, "backing.database");
    assert_eq!(db["status"], "auth-failed", "{db}");
    assert!(
        db["raw"].as_str().expect("a string").contains("password authentication failed"),
        "{db}"
    );
    let text = format!("{snap}{refused}");
    for secret in [user.password, services::REDIS_PASSWORD, "wrong-Planted-1"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

fn first_word_after(program: &Path, marker: &str) -> String {
    let out = Command::new(program).arg("--version").output().expect("run it");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut words = text.split_whitespace();
    words.find(|w| *w == marker).unwrap_or_else(|| panic!("{marker} in {text}"));
    words.next().expect("a version").to_owned()
}

/// `[app.services]`: a role that cannot be a fact id, or a variable that is
/// not a plain name, is refused with the file and line.
#[test]
fn app_services_refuses_bad_roles_and_variables_with_their_line() {
    let dir = tempfile::tempdir().expect("test set-up");
    let config = dir.path().join("paritty.toml");
    for (text, said) in [
        ("[app.services]\nbilling_db = \"BILLING_URL\"\n\"Bad Role\" = \"X_URL\"\n", ":3:"),
        ("[app.services]\n\nbilling = [\"OK_URL\", \"$(rm -rf)\"]\n", ":3:"),
    ] {
        std::fs::write(&config, text).expect("test set-up");
        let out = paritty(
            dir.path(),
            &["--config", config.to_str().expect("a UTF-8 path"), "profiles"],
            &[],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("paritty.toml{said}")) && err.contains("[app.services]"),
            "{err}"
        );
    }
}
