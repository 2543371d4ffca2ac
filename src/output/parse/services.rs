//! Parsers for backing services, servers and their clients: nginx, Apache,
//! `MySQL`/`MariaDB`, `PostgreSQL`, Redis, `MongoDB`.

use std::sync::LazyLock;

use regex::Regex;

use super::{bare_version, capture, first_capture, regex};

static NGINX: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*(?:nginx|Tengine|Angie) version: [\w.-]+/(\d+(?:\.\d+)+)"));

/// `nginx -v` (on stderr): `nginx version: nginx/1.22.1` -> `1.22.1`, also
/// with a distro suffix (`(Ubuntu)`) and for `OpenResty`
/// (`nginx version: openresty/1.21.4.1` -> `1.21.4.1`).
pub fn nginx(raw: &str) -> Option<String> {
    capture(&NGINX, raw)
}

static APACHE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*Server version: Apache/(\d+(?:\.\d+)+)"));

/// `apache2ctl -v`, `apachectl -v`, `httpd -v`:
/// `Server version: Apache/2.4.57 (Debian)` -> `2.4.57`.
pub fn apache(raw: &str) -> Option<String> {
    capture(&APACHE, raw)
}

/// Old `MySQL` and `MariaDB` 10 clients: `Ver 14.14 Distrib 5.7.44,`.
static MYSQL_DISTRIB: LazyLock<Regex> = LazyLock::new(|| regex(r"\bDistrib (\d+\.\d+\.\d+)"));
/// `MariaDB` 11 clients: `mariadb from 11.4.2-MariaDB, client 15.2`.
static MARIADB_FROM: LazyLock<Regex> = LazyLock::new(|| regex(r"\bfrom (\d+\.\d+\.\d+)-MariaDB\b"));
/// `MySQL` 8 clients and every server: `Ver 8.0.35 for`, `Ver 10.11.6-MariaDB-0+deb12u1 for`.
static MYSQL_VER: LazyLock<Regex> = LazyLock::new(|| regex(r"\bVer (\d+\.\d+\.\d+)"));

/// `mysql --version`, `mariadb --version`, `mysqld --version`,
/// `mariadbd --version` in `MySQL` 5.7/8, Percona and `MariaDB` 10/11 wording:
/// the server release the binary belongs to (`8.0.35`, `5.7.44`, `10.11.6`),
/// never the client protocol number (`Ver 15.1`) nor the `-MariaDB` tail.
pub fn mysql(raw: &str) -> Option<String> {
    first_capture(&[&MYSQL_DISTRIB, &MARIADB_FROM, &MYSQL_VER], raw)
}

/// Which `MySQL` the same output comes from: `MariaDB`, `Percona Server` or
/// `MySQL`; `None` when [`mysql`] finds no version in it.
pub fn mysql_flavor(raw: &str) -> Option<String> {
    mysql(raw)?;
    let flavor = if raw.contains("MariaDB") {
        "MariaDB"
    } else if raw.contains("Percona") {
        "Percona Server"
    } else {
        "MySQL"
    };
    Some(flavor.to_owned())
}

const PG_VERSION: &str = r"(\d+(?:\.\d+){0,2}(?:(?:alpha|beta|rc|devel)\d*)?)";
static PG_TOOL: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"\(PostgreSQL\) {PG_VERSION}")));
static PG_CONFIG: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?m)^\s*PostgreSQL {PG_VERSION}(?:\s|$)")));

/// `psql --version`, `postgres --version` (`psql (PostgreSQL) 15.4 (Debian
/// 15.4-1.pgdg120+1)` -> `15.4`) and `pg_config --version`
/// (`PostgreSQL 15.5`); pre-releases keep their tag (`16beta1`).
pub fn postgres(raw: &str) -> Option<String> {
    first_capture(&[&PG_TOOL, &PG_CONFIG], raw)
}

static REDIS_SERVER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:Redis|Valkey|KeyDB) server v=(\d+\.\d+\.\d+)"));
static REDIS_CLI: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*(?:redis|valkey|keydb)-cli (\d+\.\d+\.\d+)"));

/// `redis-server --version` (`Redis server v=7.0.15 sha=... malloc=jemalloc-5.3.0`
/// -> `7.0.15`, not the allocator's version) and `redis-cli --version`
/// (`redis-cli 7.2.4`); Valkey and `KeyDB` word theirs the same way.
pub fn redis(raw: &str) -> Option<String> {
    first_capture(&[&REDIS_SERVER, &REDIS_CLI], raw)
}

static MONGO: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?m)^\s*(?:db|mongos|MongoDB shell) version:? v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)")
});

/// `mongod --version` (`db version v7.0.4` then a JSON build-info block),
/// `mongos --version`, the legacy shell's `MongoDB shell version v4.4.25`,
/// and `mongosh --version`, which prints the bare version.
pub fn mongodb(raw: &str) -> Option<String> {
    capture(&MONGO, raw).or_else(|| bare_version(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_flavor_follows_the_version() {
        assert_eq!(
            mysql_flavor("mysql  Ver 14.14 Distrib 5.7.44, for Linux (x86_64)").as_deref(),
            Some("MySQL")
        );
        assert_eq!(
            mysql_flavor(
                "mysqld  Ver 8.0.15-6 for Linux on x86_64 (Percona Server (GPL), Release 6)"
            )
            .as_deref(),
            Some("Percona Server")
        );
        assert_eq!(
            mysql_flavor("mariadb from 11.4.2-MariaDB, client 15.2 for Linux").as_deref(),
            Some("MariaDB")
        );
        assert_eq!(mysql_flavor("ERROR 2002 (HY000): Can't connect to local MySQL server"), None);
    }

    #[test]
    fn postgres_major_only_and_devel() {
        assert_eq!(postgres("psql (PostgreSQL) 17devel").as_deref(), Some("17devel"));
        assert_eq!(postgres("postgres (PostgreSQL) 9.6.24").as_deref(), Some("9.6.24"));
        assert_eq!(
            postgres("PostgreSQL 16.2 on x86_64-pc-linux-gnu, compiled by gcc").as_deref(),
            Some("16.2")
        );
        assert_eq!(postgres("psql: error: connection to server failed"), None);
    }

    #[test]
    fn redis_and_mongodb_ignore_other_numbers() {
        assert_eq!(
            redis("Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0").as_deref(),
            Some("8.0.1")
        );
        assert_eq!(redis("malloc=jemalloc-5.3.0"), None);
        assert_eq!(mongodb("MongoDB shell version: 2.6.10").as_deref(), Some("2.6.10"));
        assert_eq!(mongodb("    \"openSSLVersion\": \"OpenSSL 3.0.2 15 Mar 2022\","), None);
    }
}
