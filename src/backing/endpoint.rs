//! Where a role's service is: the URL (or server list) read into a type,
//! host, port and database, never its user or password. `has_credentials`
//! says only that the URL carried some.

use std::fmt;
use std::fmt::Write as _;

/// What kind of service a URL names, before the service itself answers
/// (which may say more: `mariadb` for `mysql://`, `valkey` for `redis://`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Postgresql,
    Mysql,
    Sqlite,
    Redis,
    Memcached,
    Rabbitmq,
    Mongodb,
    Elasticsearch,
    Kafka,
    /// The app's own process memory (`locmem://`, `dummy://`): no service.
    Memory,
}

impl Kind {
    /// The type word in a fact's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Postgresql => "postgresql",
            Kind::Mysql => "mysql",
            Kind::Sqlite => "sqlite",
            Kind::Redis => "redis",
            Kind::Memcached => "memcached",
            Kind::Rabbitmq => "rabbitmq",
            Kind::Mongodb => "mongodb",
            Kind::Elasticsearch => "elasticsearch",
            Kind::Kafka => "kafka",
            Kind::Memory => "memory",
        }
    }

    /// The kind of a URL scheme, as the common URL conventions use them
    /// (dj-database-url, django-environ, Rails, redis-py, kombu).
    pub fn from_scheme(scheme: &str) -> Option<Kind> {
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "postgres"
            | "postgresql"
            | "postgis"
            | "pgsql"
            | "postgresql+psycopg"
            | "postgresql+psycopg2"
            | "postgresql+asyncpg" => Kind::Postgresql,
            "mysql" | "mysql2" | "mariadb" | "mysqlgis" | "mysql+pymysql" | "mysql+mysqldb" => {
                Kind::Mysql
            }
            "sqlite" | "sqlite3" | "spatialite" => Kind::Sqlite,
            "redis" | "rediss" | "valkey" | "valkeys" | "redis+socket" | "rediscache" => {
                Kind::Redis
            }
            "memcache" | "memcached" | "pymemcache" | "pylibmccache" => Kind::Memcached,
            "amqp" | "amqps" | "pyamqp" | "librabbitmq" => Kind::Rabbitmq,
            "mongodb" | "mongodb+srv" => Kind::Mongodb,
            "elasticsearch" | "opensearch" | "es" => Kind::Elasticsearch,
            "kafka" => Kind::Kafka,
            "locmem" | "dummy" | "memory" | "locmemcache" | "dummycache" => Kind::Memory,
            _ => return None,
        };
        Some(kind)
    }

    fn default_port(self) -> Option<u16> {
        match self {
            Kind::Postgresql => Some(5432),
            Kind::Mysql => Some(3306),
            Kind::Redis => Some(6379),
            Kind::Memcached => Some(11211),
            Kind::Rabbitmq => Some(5672),
            Kind::Mongodb => Some(27017),
            Kind::Elasticsearch => Some(9200),
            Kind::Kafka => Some(9092),
            Kind::Sqlite | Kind::Memory => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role's service as its URL names it, without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub kind: Kind,
    /// Network services: host and port (`None` for sqlite and memory).
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The database (PostgreSQL, MySQL, MongoDB, Redis's number) or, for
    /// sqlite, the file's path.
    pub database: Option<String>,
    /// The URL carried a user or a password (used only where it was read).
    pub has_credentials: bool,
    /// TLS (`rediss`, `amqps`, `sslmode=require`): asked in clear it
    /// would not answer.
    pub tls: bool,
}

impl Endpoint {
    /// `postgresql 127.0.0.5:5432 database app`: the evidence a fact keeps.
    pub fn describe(&self) -> String {
        let mut s = self.kind.as_str().to_owned();
        if let Some(host) = &self.host {
            let host = if host.contains(':') { format!("[{host}]") } else { host.clone() };
            s.push(' ');
            s.push_str(&host);
            if let Some(port) = self.port {
                let _ = write!(s, ":{port}");
            }
        }
        match (&self.database, self.kind) {
            (Some(path), Kind::Sqlite) => {
                let _ = write!(s, " file {path}");
            }
            (Some(db), _) => {
                let _ = write!(s, " database {db}");
            }
            (None, _) => {}
        }
        if self.tls {
            s.push_str(" tls");
        }
        if self.has_credentials {
            s.push_str(" (with credentials)");
        }
        s
    }
}

/// Why a value names no service paritty can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadUrl(pub String);

impl fmt::Display for BadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a role variable's value. A scheme-less `host:port[,host:port]`
/// list (`MEMCACHE_SERVERS`, `KAFKA_BROKERS`) is read by `list_kind`, its
/// first server standing for the role; an `http(s)://` URL is a search
/// service when `list_kind` says so (`ELASTICSEARCH_URL`). Error messages never quote the
/// value (it may hold a password).
pub fn parse(value: &str, list_kind: Option<Kind>) -> Result<Endpoint, BadUrl> {
    let value = value.trim();
    if value.is_empty() {
        return Err(BadUrl("the variable is empty".into()));
    }
    let Some((scheme, _)) = value.split_once("://").filter(|(s, _)| is_scheme(s)).or_else(|| {
        // `sqlite:relative.db`, `locmem:` and the like.
        value.split_once(':').filter(|(s, _)| Kind::from_scheme(s).is_some())
    }) else {
        return match list_kind {
            Some(kind) => server_list(value, kind),
            None => Err(BadUrl("not a URL (no `scheme://`)".into())),
        };
    };
    // Search services are plain HTTP(S) URLs: the variable says what they are.
    let http = matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https");
    if http && list_kind == Some(Kind::Elasticsearch) {
        let mut e = network(value, Kind::Elasticsearch, scheme)?;
        e.tls = scheme.eq_ignore_ascii_case("https");
        e.database = None;
        return Ok(e);
    }
    let Some(kind) = Kind::from_scheme(scheme) else {
        let shown: String = scheme.chars().take(32).collect();
        return Err(BadUrl(format!("unknown URL scheme `{shown}`")));
    };
    match kind {
        Kind::Memory => Ok(Endpoint {
            kind,
            host: None,
            port: None,
            database: None,
            has_credentials: false,
            tls: false,
        }),
        Kind::Sqlite => sqlite(value, scheme),
        // Memcached lists several servers in one URL (`memcache://a:1,b:2`),
        // which the url crate does not read as one authority.
        Kind::Memcached | Kind::Kafka => {
            let rest = &value[scheme.len()..].trim_start_matches(':').trim_start_matches("//");
            let rest = rest.split(['/', '?', ';']).next().unwrap_or("");
            server_list(rest, kind)
        }
        _ => network(value, kind, scheme),
    }
}

fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn network(value: &str, kind: Kind, scheme: &str) -> Result<Endpoint, BadUrl> {
    // The url crate's own message never includes the input.
    let url = url::Url::parse(value).map_err(|e| BadUrl(format!("not a valid URL: {e}")))?;
    let host =
        url.host_str().filter(|h| !h.is_empty()).map(|h| h.trim_matches(['[', ']']).to_owned());
    let path = url.path().trim_start_matches('/');
    let path = percent_decode(path.split('/').next().unwrap_or(""));
    let query = |key: &str| url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let mut database = (!path.is_empty()).then_some(path);
    if kind == Kind::Redis && database.is_none() {
        database = query("db");
    }
    let tls = matches!(scheme.to_ascii_lowercase().as_str(), "rediss" | "valkeys" | "amqps")
        || query("sslmode")
            .is_some_and(|m| matches!(m.as_str(), "require" | "verify-ca" | "verify-full"))
        || query("ssl").is_some_and(|v| v == "true" || v == "1")
        || query("tls").is_some_and(|v| v == "true" || v == "1");
    // A socket path given as `?host=/run/postgresql` (libpq's form).
    let host = host.or_else(|| query("host"));
    if host.is_none() {
        return Err(BadUrl("the URL names no host".into()));
    }
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    Ok(Endpoint {
        kind,
        host: host.map(|h| clean(&h)),
        port: url.port().or(kind.default_port()),
        database: database.map(|d| clean(&d)),
        has_credentials,
        tls,
    })
}

/// `sqlite:///relative.db` is relative to the app folder (Django, SQLAlchemy
/// and dj-database-url read three slashes so), `sqlite:////abs/x.db` absolute.
fn sqlite(value: &str, scheme: &str) -> Result<Endpoint, BadUrl> {
    let rest = &value[scheme.len() + 1..];
    let path = rest.strip_prefix("//").map_or(rest, |r| r.strip_prefix('/').unwrap_or(r));
    let path = path.split('?').next().unwrap_or("");
    let path = percent_decode(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(Endpoint {
            kind: Kind::Sqlite,
            host: None,
            port: None,
            database: Some(":memory:".into()),
            has_credentials: false,
            tls: false,
        });
    }
    if path.chars().any(char::is_control) {
        return Err(BadUrl("the sqlite path holds a control character".into()));
    }
    Ok(Endpoint {
        kind: Kind::Sqlite,
        host: None,
        port: None,
        database: Some(path),
        has_credentials: false,
        tls: false,
    })
}

fn server_list(value: &str, kind: Kind) -> Result<Endpoint, BadUrl> {
    let first = value.split([',', ';', ' ']).find(|s| !s.is_empty()).unwrap_or("");
    // Credentials in a list entry (`user:pass@host`) are dropped here.
    let (creds, first) = match first.rsplit_once('@') {
        Some((_, host)) => (true, host),
        None => (false, first),
    };
    let (host, port) = match first.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') => {
            (h, Some(p.parse::<u16>().map_err(|_| BadUrl("the port is not a number".into()))?))
        }
        _ => (first, None),
    };
    let host = host.trim_matches(['[', ']']);
    let valid =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_:".contains(c));
    if !valid {
        return Err(BadUrl("not a host:port list".into()));
    }
    Ok(Endpoint {
        kind,
        host: Some(host.to_owned()),
        port: port.or(kind.default_port()),
        database: None,
        has_credentials: creds,
        tls: false,
    })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Names and paths come from outside: one clean line, capped.
fn clean(s: &str) -> String {
    let s = crate::output::sanitize::one_line(s);
    s.chars().take(256).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(value: &str) -> Endpoint {
        parse(value, None).unwrap_or_else(|e| panic!("{value}: {e}"))
    }

    #[test]
    fn schemes_name_their_kind_and_credentials_are_dropped() {
        let e = ep("postgres://app:s3cret@db.internal:6543/shop?sslmode=require");
        assert_eq!(
            e,
            Endpoint {
                kind: Kind::Postgresql,
                host: Some("db.internal".into()),
                port: Some(6543),
                database: Some("shop".into()),
                has_credentials: true,
                tls: true,
            }
        );
        assert!(!e.describe().contains("s3cret") && !e.describe().contains("app:"));
        assert_eq!(ep("mysql2://h/db").kind, Kind::Mysql);
        assert_eq!(ep("mariadb://h/db").port, Some(3306));
        assert_eq!(ep("rediss://:pw@cache:6380/2").database.as_deref(), Some("2"));
        assert!(ep("rediss://:pw@cache:6380/2").tls);
        assert_eq!(ep("valkey://cache").kind, Kind::Redis);
        assert!(!ep("redis://cache").tls);
        assert_eq!(ep("amqp://guest:guest@mq:5672/%2F").kind, Kind::Rabbitmq);
        assert_eq!(ep("mongodb+srv://u:p@cluster.example/db").kind, Kind::Mongodb);
        assert_eq!(ep("locmem://").kind, Kind::Memory);
        assert_eq!(ep("dummy://").kind, Kind::Memory);
        assert_eq!(ep("postgis://[::1]:5433/geo").host.as_deref(), Some("::1"));
    }

    #[test]
    fn sqlite_paths_follow_the_url_conventions() {
        assert_eq!(ep("sqlite:///db.sqlite3").database.as_deref(), Some("db.sqlite3"));
        assert_eq!(ep("sqlite:////var/lib/app.db").database.as_deref(), Some("/var/lib/app.db"));
        assert_eq!(ep("sqlite://").database.as_deref(), Some(":memory:"));
    }

    #[test]
    fn server_lists_stand_for_their_first_server() {
        let e = parse("10.0.0.1:11211,10.0.0.2:11211", Some(Kind::Memcached)).expect("read");
        assert_eq!((e.host.as_deref(), e.port), (Some("10.0.0.1"), Some(11211)));
        let e = ep("memcache://127.0.0.1:11211;127.0.0.2:11211");
        assert_eq!((e.kind, e.port), (Kind::Memcached, Some(11211)));
        let e = parse("broker1:9092,broker2:9092", Some(Kind::Kafka)).expect("read");
        let search = parse("https://elastic:pw@search:9243/", Some(Kind::Elasticsearch));
        assert_eq!(
            search.expect("read").describe(),
            "elasticsearch search:9243 tls (with credentials)"
        );
        assert_eq!(e.describe(), "kafka broker1:9092");
    }

    #[test]
    fn bad_values_say_why_without_quoting_them() {
        let e = parse("postgress://u:hunter2@h/db", None).expect_err("refused");
        assert_eq!(e.0, "unknown URL scheme `postgress`");
        let e = parse("u:hunter2@h", None).expect_err("refused");
        assert!(!e.0.contains("hunter2"), "{e}");
        let e = parse("postgres://u:hunter2@:99999/db", None).expect_err("refused");
        assert!(!e.0.contains("hunter2"), "{e}");
    }
}
