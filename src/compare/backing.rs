//! Backing services, type first: a different type of service for a role
//! (sqlite here, postgresql there) is its own finding, above any version
//! difference; the same type is judged by that service's version rule.
//!
//! A `backing.*` fact's value is `TYPE VERSION` (`postgresql 16.4`,
//! `memory`); a fact without a value (the service did not answer) still
//! names its type as the first word of its evidence, which
//! `collect::backing` writes so, and the type alone is compared then.

use std::cmp::Ordering;

use super::version::{self, Level, Verdict};
use crate::model::{Fact, Status};
use crate::profile::CompareKind;

/// The type of service a backing fact names: its value's first word, else
/// its evidence's (a lowercase word only: anything else is not a type).
pub fn type_of(fact: &Fact) -> Option<&str> {
    match (&fact.value, fact.status) {
        (Some(value), _) => first_word(value),
        // A role not set, or redacted, names no type.
        (None, Status::Missing | Status::Redacted) => None,
        (None, _) => fact.raw.lines().next().and_then(first_word),
    }
}

fn first_word(s: &str) -> Option<&str> {
    s.split_whitespace()
        .next()
        .filter(|w| w.len() <= 32 && w.chars().all(|c| c.is_ascii_lowercase()))
}

/// The two types when they differ: a finding whatever the facts' statuses.
pub fn different_types<'f>(base: &'f Fact, other: &'f Fact) -> Option<(&'f str, &'f str)> {
    let (a, b) = (type_of(base)?, type_of(other)?);
    (a != b).then_some((a, b))
}

/// One value against another of the same type, by the service's rule:
/// PostgreSQL's major version is its first number since 10 (`16.4`) and
/// its first two before (`9.6.24`), the next number a minor release;
/// the others read as dotted versions (`loose`: Redis, MySQL, MariaDB's
/// `10.11.6-MariaDB-1`, Memcached, RabbitMQ, MongoDB, SQLite).
pub fn versions(a: &str, b: &str) -> Option<Verdict> {
    let (ta, va) = a.split_once(' ').unwrap_or((a, ""));
    let (tb, vb) = b.split_once(' ').unwrap_or((b, ""));
    if ta != tb {
        return Some(Verdict::DIFFERENT);
    }
    if va == vb {
        return Some(Verdict::EQUAL);
    }
    if ta == "postgresql"
        && let (Some(x), Some(y)) = (postgresql(va), postgresql(vb))
    {
        let level = if x.0 != y.0 {
            Level::Major
        } else if x.1 != y.1 {
            Level::Minor
        } else {
            Level::Patch
        };
        return Some(Verdict { level, order: Some(x.cmp(&y)) });
    }
    Some(version::compare(CompareKind::Loose, va, vb))
}

/// A PostgreSQL version as (major, minor release): `16.4` is (16, 4),
/// `9.6.24` is (906, 24).
fn postgresql(v: &str) -> Option<(u64, u64)> {
    let numbers: Vec<u64> = v
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    match numbers.as_slice() {
        [major, rest @ ..] if *major >= 10 => {
            Some((major * 100, rest.first().copied().unwrap_or(0)))
        }
        [major, minor, rest @ ..] => {
            Some((major * 100 + minor, rest.first().copied().unwrap_or(0)))
        }
        _ => None,
    }
}

/// `Ordering` of two backing values of the same type, when they read as
/// versions (for "newer/older" notes).
pub fn order(a: &str, b: &str) -> Option<Ordering> {
    versions(a, b).and_then(|v| v.order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(a: &str, b: &str) -> Level {
        versions(a, b).map_or(Level::Different, |v| v.level)
    }

    #[test]
    fn postgresql_majors_are_the_first_number_since_10() {
        assert_eq!(level("postgresql 16.4", "postgresql 15.8"), Level::Major);
        assert_eq!(level("postgresql 16.4", "postgresql 16.2"), Level::Minor);
        assert_eq!(level("postgresql 9.6.24", "postgresql 9.5.25"), Level::Major);
        assert_eq!(level("postgresql 9.6.24", "postgresql 9.6.3"), Level::Minor);
        assert_eq!(level("postgresql 16.4", "postgresql 16.4"), Level::Equal);
        assert_eq!(order("postgresql 9.6.24", "postgresql 10.1"), Some(Ordering::Less));
    }

    #[test]
    fn other_services_read_as_dotted_versions() {
        assert_eq!(level("redis 7.0.15", "redis 6.2.14"), Level::Major);
        assert_eq!(level("redis 7.0.15", "redis 7.2.4"), Level::Minor);
        assert_eq!(level("mariadb 10.11.6", "mariadb 10.11.4"), Level::Patch);
        assert_eq!(level("memory", "memory"), Level::Equal);
    }

    fn report(
        name: &str,
        facts: &[(&str, Status, Option<&str>, &str)],
    ) -> crate::model::HostReport {
        use crate::model::{HostInfo, ProfileRef, Snapshot, Transport};
        let facts = facts
            .iter()
            .map(|(id, status, value, raw)| {
                let mut fact = Fact::empty(*status);
                fact.value = value.map(str::to_owned);
                fact.raw = (*raw).to_owned();
                fact.category = "App backing services".into();
                fact.compare = Some(CompareKind::Backing);
                ((*id).to_owned(), fact)
            })
            .collect();
        crate::model::HostReport {
            target: name.into(),
            snapshot: Some(Snapshot {
                schema_version: 1,
                paritty_version: "0".into(),
                profile: ProfileRef { name: "p".into(), hash: "h".into() },
                host: HostInfo {
                    name: name.into(),
                    address: None,
                    transport: Transport::Local,
                    labels: std::collections::BTreeMap::default(),
                },
                collected_at: String::new(),
                duration_ms: 0,
                facts,
                redacted: None,
            }),
            failure: None,
        }
    }

    /// sqlite here and postgresql on prod is the top finding, counted at
    /// every threshold and said first; a version gap ranks under it.
    #[test]
    fn a_different_type_ranks_above_any_version_difference() {
        use crate::compare::matrix::Comparison;
        use crate::compare::severity::Severity;
        let prod = report(
            "prod",
            &[
                ("backing.database", Status::Ok, Some("postgresql 16.4"), "postgresql db:5432"),
                ("backing.cache", Status::Ok, Some("redis 7.2.4"), "redis cache:6379"),
                ("backing.queue", Status::Unreachable, None, "rabbitmq mq:5672\nrefused"),
            ],
        );
        let laptop = report(
            "laptop",
            &[
                ("backing.database", Status::Ok, Some("sqlite 3.40.1"), "sqlite file db.sqlite3"),
                ("backing.cache", Status::Ok, Some("redis 6.2.14"), "redis 127.0.0.1:6379"),
                ("backing.queue", Status::Ok, Some("memory"), "memory"),
            ],
        );
        let comparison =
            Comparison::build(&[prod, laptop], 0, &crate::compare::policy::Policy::default());
        let severity =
            |id: &str| comparison.rows.iter().find(|r| r.id == id).map(|r| r.cells[1].severity);
        assert_eq!(severity("backing.database"), Some(Severity::Service));
        assert_eq!(severity("backing.cache"), Some(Severity::Major));
        // An unreachable rabbitmq there, process memory here: still another type.
        assert_eq!(severity("backing.queue"), Some(Severity::Service));
        assert!(Severity::ALL.iter().all(|s| *s <= Severity::Service));
        assert_eq!(comparison.summary(), "prod vs 1 host: 2 service, 1 major");
        let row = comparison.rows.iter().find(|r| r.id == "backing.database").expect("a row");
        assert_eq!(
            crate::compare::wording::service_difference(&row.cells[0], &row.cells[1], "prod")
                .as_deref(),
            Some("different backing service: sqlite here, postgresql on prod")
        );
        assert_eq!(crate::compare::wording::note(&row.cells[1]), "different backing service");
    }

    #[test]
    fn the_type_comes_from_the_value_else_the_evidence() {
        let mut ok = Fact::empty(Status::Ok);
        ok.value = Some("sqlite 3.40.1".into());
        let mut down = Fact::empty(Status::Unreachable);
        down.raw = "postgresql 10.0.0.5:5432 database app\nconnection refused".into();
        assert_eq!(type_of(&ok), Some("sqlite"));
        assert_eq!(type_of(&down), Some("postgresql"));
        assert_eq!(different_types(&down, &ok), Some(("postgresql", "sqlite")));
        let mut bad = Fact::empty(Status::Error);
        bad.raw = "DATABASE_URL: unknown URL scheme `x`".into();
        assert_eq!(type_of(&bad), None);
        assert_eq!(different_types(&bad, &ok), None);
    }
}
