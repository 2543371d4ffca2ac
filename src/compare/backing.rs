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
use crate::model::Fact;
use crate::profile::CompareKind;

/// The type of service a backing fact names: its value's first word, else
/// its evidence's (a lowercase word only: anything else is not a type).
pub fn type_of(fact: &Fact) -> Option<&str> {
    match &fact.value {
        Some(value) => first_word(value),
        None => fact.raw.lines().next().and_then(first_word),
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
        [major, rest @ ..] if *major >= 10 => Some((major * 100, rest.first().copied().unwrap_or(0))),
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
    use crate::model::Status;

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
