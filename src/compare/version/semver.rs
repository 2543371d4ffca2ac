//! Semantic Versioning 2.0.0 precedence (semver.org §11), tolerant of the
//! shapes tools really print.
//!
//! Tolerated beyond the spec, because node, git and friends print them:
//! a leading `v`/`V`; one, two or more than three release numbers (missing
//! ones count as 0, so `1.2` == `1.2.0` and `1.2.3.4` > `1.2.3`); leading
//! zeros in numbers (compared numerically). Still refused: empty or
//! non-numeric release parts, empty identifiers, characters outside
//! `[0-9A-Za-z-]` in pre-release and build identifiers.
//!
//! Build metadata does not take part in the order (§10), but two builds of
//! the same version are still reported as a `Packaging` difference.

use std::cmp::Ordering;

use super::num::{cmp_digits, cmp_release, is_digits, release_level};
use super::{Level, Verdict, fold};

struct Semver<'a> {
    release: Vec<&'a str>,
    pre: Vec<&'a str>,
    build: Option<&'a str>,
}

fn is_identifier(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn parse(s: &str) -> Option<Semver<'_>> {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let (rest, build) = match s.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (s, None),
    };
    // The first hyphen starts the pre-release; later ones belong to it
    // (`1.0.0-x-y-z.--` is valid).
    let (release, pre) = match rest.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (rest, None),
    };
    let release: Vec<&str> = release.split('.').collect();
    if !release.iter().all(|n| is_digits(n)) {
        return None;
    }
    let pre: Vec<&str> = pre.map(|pre| pre.split('.').collect()).unwrap_or_default();
    if !pre.iter().all(|id| is_identifier(id)) {
        return None;
    }
    if build.is_some_and(|build| !build.split('.').all(is_identifier)) {
        return None;
    }
    Some(Semver { release, pre, build })
}

/// §11.4: numeric identifiers compare numerically and sort before
/// alphanumeric ones, which compare in ASCII order.
fn cmp_identifier(a: &str, b: &str) -> Ordering {
    match (is_digits(a), is_digits(b)) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// §11.3: a pre-release sorts before the release itself; §11.4: identifier
/// by identifier, and a longer set wins when all before are equal.
fn cmp_pre(a: &[&str], b: &[&str]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a
            .iter()
            .zip(b)
            .map(|(x, y)| cmp_identifier(x, y))
            .find(|ord| ord.is_ne())
            .unwrap_or_else(|| a.len().cmp(&b.len())),
    }
}

pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    let (a, b) = (parse(a)?, parse(b)?);
    let upstream = cmp_release(&a.release, &b.release).then_with(|| cmp_pre(&a.pre, &b.pre));
    let mut verdict =
        fold(Ordering::Equal, upstream, || release_level(&a.release, &b.release), Ordering::Equal);
    if verdict.level == Level::Equal && a.build != b.build {
        verdict.level = Level::Packaging;
    }
    Some(verdict)
}
