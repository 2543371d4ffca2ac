//! RPM package versions: `[epoch:]version[-release]`, each part compared
//! with rpm's `rpmvercmp` (rpm's `rpmio/rpmvercmp.c`, tested against
//! `tests/rpmvercmp.at`).
//!
//! Decisions:
//! - a missing epoch is 0, as in rpm;
//! - a missing release sorts before any release (`1.0` < `1.0-1`), a
//!   `Packaging` difference. rpm itself lets a missing release match any
//!   release (that is for dependency ranges, and it makes the order
//!   non-transitive);
//! - a version must contain a digit to count as one (`unknown` is
//!   `Different`), though `rpmvercmp` orders any string;
//! - `1.0` < `1.0.0` as rpm orders them, a `Patch` difference;
//! - release levels are read from the numbers the version starts with, any
//!   punctuation but `~` and `^` separating them, as rpmvercmp does.

use std::cmp::Ordering;

use super::num::{cmp_digits, leading_numbers, release_level};
use super::{Verdict, fold};

struct Evr<'a> {
    epoch: &'a str,
    version: &'a str,
    release: &'a str,
}

fn parse(s: &str) -> Option<Evr<'_>> {
    let s = s.trim();
    if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return None;
    }
    // As rpm's parseEVR: leading digits then `:` make the epoch.
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match s.as_bytes().get(digits) {
        Some(b':') => (&s[..digits], &s[digits + 1..]),
        _ => ("", s),
    };
    let (version, release) = rest.rsplit_once('-').unwrap_or((rest, ""));
    let has_release = rest.len() != version.len();
    if !version.bytes().any(|b| b.is_ascii_digit()) || (has_release && release.is_empty()) {
        return None;
    }
    Some(Evr { epoch, version, release })
}

/// Separators are skipped; `~` and `^` are not separators but markers.
fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// Digit runs as numbers of any length: leading zeros dropped, then the
/// longer is the larger.
fn cmp_numeric(a: &[u8], b: &[u8]) -> Ordering {
    fn strip(s: &[u8]) -> &[u8] {
        &s[s.iter().take_while(|&&c| c == b'0').count()..]
    }
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// rpm's `rpmvercmp`: the strings are cut into runs of digits and runs of
/// letters, everything else separating them. Runs compare pairwise: numbers
/// numerically, letters in ASCII order, a number beats letters. `~` sorts
/// before anything, even the end (`1.0~rc1` < `1.0`); `^` sorts after the
/// end but before anything else (`1.0` < `1.0^git1` < `1.0.1`).
///
/// Non-ASCII bytes are separators, as in rpm.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|&c| is_separator(c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|&c| is_separator(c)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else { break };
        // `first` is alphanumeric here: separators, `~` and `^` are handled.
        let numeric = first.is_ascii_digit();
        let same_class =
            |c: &&u8| if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() };
        let end_a = i + a[i..].iter().take_while(same_class).count();
        let end_b = j + b[j..].iter().take_while(same_class).count();
        if end_b == j {
            // Runs of different kinds: the number is newer.
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        let ord = if numeric {
            cmp_numeric(&a[i..end_a], &b[j..end_b])
        } else {
            a[i..end_a].cmp(&b[j..end_b])
        };
        if ord.is_ne() {
            return ord;
        }
        i = end_a;
        j = end_b;
    }
    // All runs equal: whichever still has characters left wins.
    match (i < a.len(), j < b.len()) {
        (true, _) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => Ordering::Equal,
    }
}

pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(fold(
        cmp_digits(a.epoch, b.epoch),
        rpmvercmp(a.version, b.version),
        || {
            let sep = |c: u8| c.is_ascii_punctuation() && c != b'~' && c != b'^';
            release_level(&leading_numbers(a.version, sep).0, &leading_numbers(b.version, sep).0)
        },
        rpmvercmp(a.release, b.release),
    ))
}
