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
//! Also read, because git and Go print them: a pre-release word after a
//! dot or glued to the last release number (git's `2.45.0.rc1`, `1.23rc1`),
//! which starts the pre-release as if a hyphen stood there, its letters and
//! digits as separate identifiers (`2.45.0.rc10` is `2.45.0-rc.10`); the
//! words are `alpha`, `beta`, `rc`, `pre`, `preview` and `dev`, so
//! `1.2.x` is still refused. And a `git describe` tail
//! (`v1.2.3-14-gdeadbee`, `2.45.0.268.g1234abcd`): not a pre-release but a
//! development build after its tag (see `describe.rs`).
//!
//! Build metadata does not take part in the order (§10), but two builds of
//! the same version are still reported as a `Packaging` difference.

use std::cmp::Ordering;

use super::describe::{self, Describe};
use super::num::{cmp_digits, cmp_release, is_digits, release_level};
use super::{Level, Verdict, fold};

struct Semver<'a> {
    release: Vec<&'a str>,
    pre: Vec<&'a str>,
    describe: Option<Describe<'a>>,
    build: Option<&'a str>,
}

/// Words that start a pre-release after a dot or glued to a number.
const PRE_WORDS: [&str; 6] = ["alpha", "beta", "rc", "pre", "preview", "dev"];

/// `rc1` as the identifiers `rc`, `1`; `None` unless it is one of
/// [`PRE_WORDS`] and an optional number.
fn pre_word(s: &str) -> Option<Vec<&str>> {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (word, number) = s.split_at(letters);
    let known = PRE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word));
    (known && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| [word, number].into_iter().filter(|id| !id.is_empty()).collect())
}

/// Release numbers, then the pre-release identifiers that a word after a
/// dot or glued to the last number starts (`2.45.0.rc1`, `1.23rc1`);
/// `None` when a part is neither a number nor such a word.
fn release_and_pre(release: &str) -> Option<(Vec<&str>, Vec<&str>)> {
    let parts: Vec<&str> = release.split('.').collect();
    let Some(i) = parts.iter().position(|n| !is_digits(n)) else {
        return Some((parts, Vec::new()));
    };
    let digits = parts[i].bytes().take_while(u8::is_ascii_digit).count();
    let (number, word) = parts[i].split_at(digits);
    let mut pre = pre_word(word)?;
    let mut numbers = parts[..i].to_vec();
    if !number.is_empty() {
        numbers.push(number);
    }
    let after = &parts[i + 1..];
    if numbers.is_empty() || !after.iter().all(|n| is_digits(n)) {
        return None;
    }
    pre.extend_from_slice(after);
    Some((numbers, pre))
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
    let (rest, describe) = describe::split(rest);
    // The first hyphen starts the pre-release; later ones belong to it
    // (`1.0.0-x-y-z.--` is valid).
    let (release, pre) = match rest.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (rest, None),
    };
    let (release, mut dotted_pre) = release_and_pre(release)?;
    if let Some(pre) = pre {
        dotted_pre.extend(pre.split('.'));
    }
    let pre = dotted_pre;
    if !pre.iter().all(|id| is_identifier(id)) {
        return None;
    }
    if build.is_some_and(|build| !build.split('.').all(is_identifier)) {
        return None;
    }
    Some(Semver { release, pre, describe, build })
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
    let upstream = cmp_release(&a.release, &b.release)
        .then_with(|| cmp_pre(&a.pre, &b.pre))
        .then_with(|| a.describe.cmp(&b.describe));
    let mut verdict =
        fold(Ordering::Equal, upstream, || release_level(&a.release, &b.release), Ordering::Equal);
    if verdict.level == Level::Equal && a.build != b.build {
        verdict.level = Level::Packaging;
    }
    Some(verdict)
}
