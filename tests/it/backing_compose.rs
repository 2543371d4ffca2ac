//! A developer's compose file as the declared dev side of the app's
//! backing services, through the real binary: judged against a real
//! PostgreSQL and a real Memcached the app's `.env` points at, and against
//! a closed port (the laptop's containers not running); passwords planted
//! in the URL and in compose's `environment:` absent from every output.

use std::path::Path;
use std::process::{Command, Output};

use crate::backing::{app_dir, paritty, profile};
use crate::common::services::{self, PgUser};
use crate::common::tui::{app_of, ch, screen, send};
use paritty::tui::app::Line;

/// Planted in compose's `environment:`: read by nothing, shown nowhere.
const COMPOSE_PASSWORD: &str = "compose-Planted-7719";

/// The major version of the real PostgreSQL server (`postgres --version`).
fn postgres_major(program: &Path) -> u64 {
    let out = Command::new(program).arg("--version").output().expect("test set-up");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let version = text.split_whitespace().last().expect("a version");
    version.split('.').next().and_then(|m| m.parse().ok()).expect("a major version")
}

fn compose(db_image: &str) -> String {
    format!(
        "# the developer's services\nservices:\n  db:\n    image: {db_image}\n    environment:\n      \
         POSTGRES_PASSWORD: {COMPOSE_PASSWORD}\n  cache:\n    image: redis:7-alpine\n"
    )
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let profile = profile();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--profile", profile.to_str().expect("a UTF-8 path"), "--timeout", "10"]);
    paritty(dir, &all, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line of a text table that starts with `label` (after its indent).
fn row<'t>(text: &'t str, label: &str) -> &'t str {
    text.lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` line in\n{text}"))
}

#[test]
fn compose_declares_another_major_than_the_real_server_runs() {
    let pg = services::postgres();
    let user = PgUser::SCRAM;
    let major = postgres_major(&pg.program);
    let declared = format!("postgres:{}-alpine", major + 1);
    let dotenv = format!(
        "DATABASE_URL=postgres://{}:{}@{}:{}/postgres\n",
        user.name, user.password, pg.addr, pg.port
    );
    let dir = app_dir("paritty-compose", &dotenv);
    std::fs::write(dir.path().join("compose.yaml"), compose(&declared)).expect("test set-up");

    let out = run(dir.path(), &["diff", "declared", "local"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let database = row(&text, "database service");
    assert!(database.contains(&format!("{declared} (compose.yaml:4)")), "{database}");
    assert!(database.contains(&format!("postgresql {major}.")), "{database}");
    assert!(database.contains("✗ violates compose.yaml:4"), "{database}");
    assert!(text.contains("declared: "), "{text}");
    assert!(row(&text, "declared: ").contains("violates 1"), "{text}");

    // The gate says the same, exit 1.
    let out = run(dir.path(), &["check", "--against", "declared", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = stdout(&out);
    let line = row(&said, "violates: ");
    assert!(line.contains(&format!("backing.database postgresql {major}.")), "{line}");
    assert!(line.ends_with(&format!("(declared {declared} at compose.yaml:4)")), "{line}");

    // Every format, the listing and the snapshot: no password anywhere.
    let mut everything = text;
    for args in [
        &["diff", "declared", "local", "--format", "md"][..],
        &["diff", "declared", "local", "--format", "json"],
        &["diff", "declared", "local", "--format", "html"],
        &["diff", "declared", "local", "--format", "text", "--no-redact"],
        &["check", "--against", "declared", "local", "--no-redact"],
        &["snapshot", "declared", "--format", "json"],
        &["snapshot", "declared", "--format", "text"],
        &["snapshot", "local", "--format", "json", "--no-redact"],
    ] {
        let out = run(dir.path(), args);
        let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(
            said.contains(&declared) || args[0] == "snapshot" && args[1] == "local",
            "{args:?}: {said}"
        );
        everything.push_str(&said);
    }
    for secret in [user.password, COMPOSE_PASSWORD] {
        assert!(!everything.contains(secret), "{secret} in\n{everything}");
    }

    // No tag: the version is chosen where the image is pulled; said so.
    std::fs::write(dir.path().join("compose.yaml"), compose("postgres")).expect("test set-up");
    let out = run(dir.path(), &["diff", "declared", "local"]);
    let text = stdout(&out);
    let database = row(&text, "database service");
    assert!(
        database.contains("? not judged: no tag: `latest`, a version chosen elsewhere"),
        "{database}"
    );
    let out = run(dir.path(), &["check", "--against", "declared", "local"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_laptop_whose_containers_are_not_running_still_shows_the_declared_side() {
    // Nothing listens there: the port was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("test set-up")
        .port();
    let dotenv = format!("DATABASE_URL=postgres://app:not-Shown-5521@127.0.0.1:{port}/app\n");
    let dir = app_dir("paritty-compose-down", &dotenv);
    std::fs::write(dir.path().join("compose.yaml"), compose("postgres:16-alpine"))
        .expect("test set-up");
    let out = run(dir.path(), &["diff", "declared", "local"]);
    let text = stdout(&out);
    let database = row(&text, "database service");
    assert!(database.contains("postgres:16-alpine (compose.yaml:4)"), "{database}");
    assert!(database.contains("(unreachable)"), "{database}");
    assert!(!database.contains('✗'), "nothing to judge is no violation: {database}");
    // The cache the app does not name is still the developer's declared one.
    let cache = row(&text, "cache service");
    assert!(cache.contains("redis:7-alpine (compose.yaml:8)"), "{cache}");
    assert!(cache.contains("(missing)"), "{cache}");
    let out = run(dir.path(), &["check", "--against", "declared", "local"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!format!("{text}{}", stdout(&out)).contains("not-Shown-5521"));
}

#[test]
fn compose_says_redis_where_the_app_talks_to_memcached() {
    let memcached = services::memcached();
    // The app's cache is the compose service `cache`'s name on the laptop's
    // network, but here the URL reaches the real Memcached: the role is the
    // one its URL's host names, through the environment.
    let dotenv = "MEMCACHED_URL=memcache://cache:11211\n";
    let dir = app_dir("paritty-compose-type", dotenv);
    std::fs::write(dir.path().join("compose.yaml"), compose("postgres:16-alpine"))
        .expect("test set-up");
    let out = run(dir.path(), &["snapshot", "declared", "--format", "text"]);
    assert!(
        stdout(&out).contains("backing.cache       redis:7-alpine      compose.yaml:8"),
        "{}",
        stdout(&out)
    );

    // Asked for real: the same role, pointed at the running Memcached.
    let real = format!("MEMCACHED_URL=memcache://{}:{}\n", memcached.addr, memcached.port);
    std::fs::write(dir.path().join(".env"), real).expect("test set-up");
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!(
            "services:\n  cache:\n    image: redis:7-alpine\n    environment:\n      \
             REDIS_PASSWORD: {COMPOSE_PASSWORD}\n"
        ),
    )
    .expect("test set-up");
    let out = run(dir.path(), &["diff", "declared", "local"]);
    let text = stdout(&out);
    let cache = row(&text, "cache service");
    assert!(cache.contains("memcached 1."), "{cache}");
    assert!(
        cache.contains(
            "✗ different backing service: memcached here, redis declared (compose.yaml:3)"
        ),
        "{cache}"
    );
    let out = run(dir.path(), &["diff", "declared", "local", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("diff JSON");
    let rows = json["rows"].as_array().expect("rows");
    let cache = rows.iter().find(|r| r["id"] == "backing.cache").expect("the cache row");
    assert_eq!(cache["cells"][0]["judgement"], "violates", "{cache}");
    assert_eq!(
        cache["cells"][0]["different_service"],
        "different backing service: memcached here, redis declared",
        "{cache}"
    );
    // The view: the declared column, and the words in the details pane.
    let out = run(dir.path(), &["snapshot", "local", "--format", "json", "--no-redact"]);
    let snapshot = paritty::model::snapshot_file::parse_snapshot(&stdout(&out), dir.path())
        .expect("the snapshot loads");
    let report = paritty::model::HostReport {
        target: "laptop".into(),
        snapshot: Some(snapshot),
        failure: None,
    };
    let mut app = app_of(vec![report]);
    app.set_declarations(paritty::declare::read::read_dir(dir.path()), true);
    let r = app.comparison.rows.iter().position(|r| r.id == "backing.cache").expect("the row");
    app.cursor = app.lines().iter().position(|l| *l == Line::Fact(r)).expect("its line");
    send(&mut app, [ch('l')]);
    let shown = screen(&mut app, 160, 40);
    assert!(shown.contains("redis:7-alpine"), "{shown}");
    assert!(shown.contains("different backing service: memcached here, redis declared"), "{shown}");
    assert!(!shown.contains(COMPOSE_PASSWORD), "{shown}");

    let out = run(dir.path(), &["check", "--against", "declared", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        row(&stdout(&out), "violates: ")
            .ends_with(": different backing service: memcached here, redis declared"),
        "{}",
        stdout(&out)
    );
}

/// Sentry's compose file (anchors, merge keys, Memcached and Redis both):
/// which cache is the app's is not guessed but said, and the run goes on;
/// the app's `.env` naming `redis` as its cache's host settles it.
#[test]
fn two_services_that_could_be_the_cache_are_said_until_the_apps_url_names_one() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declared/compose/sentry.yml");
    let dir = app_dir("paritty-compose-sentry", "# nothing yet\n");
    std::fs::copy(&fixture, dir.path().join("docker-compose.yml")).expect("test set-up");
    let out = run(dir.path(), &["snapshot", "declared", "--format", "text"]);
    let (said, err) = (stdout(&out), String::from_utf8_lossy(&out.stderr).into_owned());
    assert_eq!(out.status.code(), Some(0), "a warning fails nothing: {err}");
    assert!(said.contains("backing.database    postgres:14.11"), "{said}");
    assert!(!said.contains("backing.cache"), "{said}");
    assert_eq!(
        err.trim_end(),
        "paritty: declaration file docker-compose.yml:21: services `memcached`, `redis` could each be \
         the app's cache: none declared (the host in the app's URL for it names the one)"
    );

    std::fs::write(dir.path().join(".env"), "REDIS_URL=redis://:pw-Unused-1@redis:6379/0\n")
        .expect("test set-up");
    let out = run(dir.path(), &["snapshot", "declared", "--format", "text"]);
    let said = stdout(&out);
    assert!(
        said.contains("backing.cache       redis:6.2.14-alpine  docker-compose.yml:28"),
        "{said}"
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!said.contains("pw-Unused-1"));
}
