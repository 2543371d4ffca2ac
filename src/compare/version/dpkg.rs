//! Debian package versions, compared exactly as dpkg does (Debian Policy
//! 5.6.12, dpkg's `lib/dpkg/version.c`): `[epoch:]upstream[-revision]`.
//!
//! Parsing follows dpkg's `parseversion`; what dpkg only warns about (an
//! upstream version not starting with a digit, characters outside
//! `[0-9A-Za-z.+~:-]`, or outside `[0-9A-Za-z.+~]` in the revision) is
//! taken here as "not a version", so `Different`. The upstream version is
//! what the release level is read from; a revision-only difference
//! (`1.18.0-6ubuntu14` vs `1.18.0-6+deb11u3`) is `Packaging`. Anything in
//! the upstream string counts as upstream, so a native package's binNMU
//! (`1.0+b1`) or a repack (`1.0+dfsg`) is `Patch`, and `1.0` < `1.0.0` (as
//! dpkg orders them) is `Patch` too.

use std::cmp::Ordering;

use super::num::{cmp_digits, is_digits, leading_numbers, release_level};
use super::{Verdict, fold};

struct Dpkg<'a> {
    epoch: &'a str,
    upstream: &'a str,
    revision: &'a str,
}

fn parse(s: &str) -> Option<Dpkg<'_>> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    // The first colon ends the epoch, which must be a number that fits a C
    // int; later colons belong to the upstream version.
    let (epoch, rest) = match s.split_once(':') {
        Some((epoch, rest)) => {
            if !is_digits(epoch) || cmp_digits(epoch, "2147483647").is_gt() {
                return None;
            }
            (epoch, rest)
        }
        None => ("", s),
    };
    // The last hyphen starts the revision, which cannot then be empty
    // (dpkg 1.21: "revision number is empty"; very old dpkg allowed it).
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (rest, ""),
    };
    let upstream_ok = upstream.starts_with(|c: char| c.is_ascii_digit())
        && upstream.bytes().all(|b| b.is_ascii_alphanumeric() || b".+~:-".contains(&b));
    let revision_ok = revision.bytes().all(|b| b.is_ascii_alphanumeric() || b".+~".contains(&b));
    (upstream_ok && revision_ok).then_some(Dpkg { epoch, upstream, revision })
}

/// dpkg's character weight: `~` before the end of the string, the end and
/// digits (which are compared as numbers separately) next, then letters,
/// then everything else.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

fn digit_at(s: &[u8], i: usize) -> Option<u8> {
    s.get(i).copied().filter(u8::is_ascii_digit)
}

/// dpkg's `verrevcmp`: compares an upstream version or a revision by
/// alternating non-digit parts (character by character, `~` first, then
/// the end, then letters, then other characters)
/// and digit parts (as numbers of any length).
///
/// Bytes dpkg never accepts in a version (non-ASCII) weigh as punctuation.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Reaching the end of one string here needs the other to weigh 0 too,
        // which stops the loop, so neither index runs past its end.
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while let (Some(x), Some(y)) = (digit_at(a, i), digit_at(b, j)) {
            if first_diff.is_eq() {
                first_diff = x.cmp(&y);
            }
            i += 1;
            j += 1;
        }
        // The longer number is the larger; same length: the first difference.
        if digit_at(a, i).is_some() {
            return Ordering::Greater;
        }
        if digit_at(b, j).is_some() {
            return Ordering::Less;
        }
        if first_diff.is_ne() {
            return first_diff;
        }
    }
    Ordering::Equal
}

pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(fold(
        cmp_digits(a.epoch, b.epoch),
        verrevcmp(a.upstream, b.upstream),
        || {
            let dot = |c| c == b'.';
            release_level(&leading_numbers(a.upstream, dot).0, &leading_numbers(b.upstream, dot).0)
        },
        verrevcmp(a.revision, b.revision),
    ))
}
