//! The app's backing services as facts `backing.<role>`: where the app's
//! configuration says each role's service is, and what that service answers
//! when asked. This machine reads its configuration and asks itself
//! (`local`); an SSH host's configuration is read there by the probe, which
//! keeps the credentials on the host (`remote`). ARCHITECTURE.md, "Backing
//! services: where credentials go", says why.

pub mod local;
pub mod remote;
pub mod settings;
pub mod sqlite;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::backing::endpoint::{Endpoint, Kind};
use crate::backing::roles::Role;
use crate::model::{Fact, Status};
use crate::output::sanitize::one_line;
use crate::profile::CompareKind;

/// The category of `backing.*` facts.
pub const CATEGORY: &str = "App backing services";

/// What asking a role's service came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The service's own answer: its type (`mariadb` for a `mysql://`
    /// URL) and version, and how it was asked.
    Answered {
        service: String,
        version: String,
        how: String,
    },
    /// Not a service: the app's own memory (`locmem://`).
    Memory,
    Failed {
        status: Status,
        why: String,
    },
}

impl Outcome {
    pub fn failed(status: Status, why: impl Into<String>) -> Outcome {
        Outcome::Failed { status, why: why.into() }
    }
}

/// The fact id of a role.
pub fn fact_id(role: &str) -> String {
    format!("backing.{role}")
}

/// A role's fact. Its evidence is the endpoint without credentials (whose
/// first word is the type, which `compare::backing` reads when there is no
/// value), then what the service said or why it said nothing.
pub fn fact(origin: &str, endpoint: &Endpoint, outcome: Outcome, took: Duration) -> Fact {
    let mut raw = endpoint.describe();
    let (status, value) = match outcome {
        Outcome::Answered { service, version, how } => {
            let _ = write!(raw, "\nanswered {how}: {service} {version}");
            (Status::Ok, Some(format!("{service} {version}")))
        }
        Outcome::Memory => {
            raw.push_str("\nthe app's own process memory: no service");
            (Status::Ok, Some("memory".to_owned()))
        }
        Outcome::Failed { status, why } => {
            raw.push('\n');
            raw.push_str(&why);
            (status, None)
        }
    };
    let mut fact = Fact::empty(status);
    fact.value = value.map(|v| one_line(&v));
    fact.raw = crate::output::sanitize::strip_control(&raw);
    fact.found_at = Some(one_line(origin));
    fact.duration_ms = crate::collect::local::millis(took);
    fact
}

/// A role whose variable holds no URL paritty can read.
pub fn bad_url(origin: &str, why: &str) -> Fact {
    let mut fact = Fact::empty(Status::Error);
    fact.raw = one_line(&format!("{origin}: {why}"));
    fact.found_at = Some(one_line(origin));
    fact
}

/// The unreadable configuration lines an unset role's fact says.
const MAX_PROBLEMS: usize = 10;

/// A role none of whose variables is set; `problems` are the lines of the
/// configuration that could not be read (one of them may have been meant).
/// The first `MAX_PROBLEMS` are said: a host's files could hold a thousand
/// such lines, each repeated in every unset role's fact.
pub fn unset(role: &Role, read: &str, problems: &[String]) -> Fact {
    let mut fact = Fact::empty(Status::Missing);
    let mut raw = format!("Not set: {} ({read})", role.vars.join(", "));
    for p in problems.iter().take(MAX_PROBLEMS) {
        raw.push('\n');
        raw.push_str(&one_line(p));
    }
    if let Some(more) = problems.len().checked_sub(MAX_PROBLEMS).filter(|n| *n > 0) {
        let _ = write!(raw, "\n(and {more} more lines paritty could not read)");
    }
    fact.raw = raw;
    fact
}

/// The facts of one target: a fact per role, or none at all when the
/// target's configuration names no backing service (a machine that runs
/// no app has no row of `missing`s).
pub fn finish(mut facts: BTreeMap<String, Fact>, roles: &[Role]) -> BTreeMap<String, Fact> {
    if facts.values().all(|f| f.status == Status::Missing) {
        return BTreeMap::new();
    }
    for role in roles {
        if let Some(fact) = facts.get_mut(&fact_id(&role.name)) {
            fact.label = format!("{} service", role.name);
            CATEGORY.clone_into(&mut fact.category);
            fact.compare = Some(CompareKind::Backing);
        }
    }
    facts.retain(|_, f| !f.category.is_empty());
    std::mem::take(&mut facts)
}

/// The kind a scheme-less server list or an HTTP URL stands for, by its
/// variable's name.
pub fn list_kind(var: &str) -> Option<Kind> {
    if var.contains("MEMCACHE") {
        Some(Kind::Memcached)
    } else if var.contains("KAFKA") {
        Some(Kind::Kafka)
    } else if var.contains("ELASTICSEARCH") || var.contains("OPENSEARCH") {
        Some(Kind::Elasticsearch)
    } else {
        None
    }
}

/// The protocol paritty speaks to a kind of service, if any.
pub fn protocol(kind: Kind) -> Option<crate::backing::ask::Protocol> {
    use crate::backing::ask::Protocol;
    match kind {
        Kind::Postgresql => Some(Protocol::Postgresql),
        Kind::Mysql => Some(Protocol::Mysql),
        Kind::Redis => Some(Protocol::Redis),
        Kind::Memcached => Some(Protocol::Memcached),
        Kind::Rabbitmq => Some(Protocol::Amqp),
        Kind::Mongodb => Some(Protocol::Mongodb),
        Kind::Sqlite | Kind::Memory | Kind::Elasticsearch | Kind::Kafka => None,
    }
}

/// Why a service was not asked although its kind is known: a TLS-only
/// port (paritty does not speak TLS) or a protocol paritty does not speak.
pub fn not_asked(endpoint: &Endpoint) -> Option<String> {
    if endpoint.tls && matches!(endpoint.kind, Kind::Redis | Kind::Rabbitmq) {
        return Some("not asked: a TLS-only URL, and paritty does not speak TLS".to_owned());
    }
    match endpoint.kind {
        Kind::Elasticsearch | Kind::Kafka => {
            Some(format!("not asked: paritty does not speak {}'s protocol yet", endpoint.kind))
        }
        _ => None,
    }
}

/// An `AskError` as a status and its message (already sanitized, never
/// holding a password).
pub fn from_ask_error(e: &crate::backing::ask::AskError) -> Outcome {
    use crate::backing::ask::AskError;
    let status = match e {
        AskError::Unreachable(_) => Status::Unreachable,
        AskError::Timeout => Status::Timeout,
        AskError::AuthFailed(_) => Status::AuthFailed,
        AskError::NeedsLogin => Status::NeedsLogin,
        AskError::Protocol(_) => Status::Error,
    };
    Outcome::failed(status, one_line(&e.to_string()))
}
