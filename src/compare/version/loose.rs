//! Versions in no particular scheme, as most tools print them: `2.4.57`,
//! `1.1.1w`, `9.2p1`, `17.0.9+9`, `1.8.0_392`, `10.0.19045.3693`,
//! `1.21rc2`, `5.15.0-91-generic`.
//!
//! A value must start with a digit (after an optional `v`). It reads as:
//! - release numbers: the leading numbers separated by `.`, `_` or `-`,
//!   missing ones counting as 0 (`1.0` == `1.0.0`);
//! - a suffix: runs of digits and of letters (case ignored), anything else
//!   separating them. Letters sort after the end of the version
//!   (`1.1.1` < `1.1.1a` < `1.1.1w`, `9.2` < `9.2p1`, OpenSSL and OpenSSH
//!   style), except the pre-release words `dev`, `devel`, `snapshot`,
//!   `nightly`, `ea`, `next` (tmux's `3.4-next`), `alpha`, `beta`, `pre`,
//!   `preview`, `rc`, which sort before it, in that order (`1.21rc2` <
//!   `1.21` < `1.21.1`, `17-ea` < `17`, `3.13.0a6` < `3.13.0`,
//!   `9.0.100-preview.3.24204.13` < `9.0.100-rc.1.24452.12` < `9.0.100`).
//!   `a` and `b` followed by a number are alpha and beta (`3.13.0a6`),
//!   alone they are letters (`1.1.1a`). Numbers beat letters, as in rpm;
//! - a `git describe` tail (`1.6-159-apple-gcff5336-dirty`,
//!   `2.45.0.268.g1234abcd`): split off before the rest is read, so its
//!   count of commits is not taken for a release number; the build sorts
//!   after its tag and before the next release (see `describe.rs`);
//! - a build: everything after the first `+`, compared like a suffix. It
//!   orders builds of one version (`17.0.9+9` < `17.0.9+11`) and only ever
//!   makes a `Packaging` difference.
//!
//! Java's legacy numbering (`1.8.0_392` is Java 8) is recognized by its
//! `1.N.M_U` shape: when either side has it, a leading `1.N` (N up to 8)
//! reads as major N for the level, so `1.7.0_80` vs `1.8.0_392` is `Major`
//! and `1.8.0_392` vs `17.0.9` compares 8 with 17. The order is unaffected
//! (it agrees anyway: 1 < 9 ≤ every later major).

use std::cmp::Ordering;

use super::describe::{self, Describe};
use super::num::{Num, cmp_release, is_digits, leading_numbers, release_level};
use super::{Verdict, fold};

/// Words marking a pre-release, with their rank among pre-releases.
const PRE_WORDS: [(&str, u8); 11] = [
    ("dev", 0),
    ("devel", 0),
    ("snapshot", 0),
    ("nightly", 0),
    ("ea", 0),
    ("next", 0),
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("preview", 3),
    ("rc", 4),
];

/// A run of a suffix or build. Variant order is sort order; the end of a
/// version sits between `Pre` and `Post`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Token<'a> {
    Pre(u8, String),
    Post(String),
    Num(Num<'a>),
}

/// `name 1.2.3` split into the name and the version, when the value starts
/// with a word followed by a space and a digit.
fn named(s: &str) -> Option<(&str, &str)> {
    let (name, rest) = s.trim().split_once(' ')?;
    let rest = rest.trim_start();
    (name.chars().next().is_some_and(char::is_alphabetic)
        && !name.chars().any(|c| c.is_ascii_digit())
        && rest.starts_with(|c: char| c.is_ascii_digit()))
    .then_some((name, rest))
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let run = |pred: fn(&u8) -> bool| bytes[pos..].iter().take_while(|b| pred(b)).count();
        let digits = run(u8::is_ascii_digit);
        let letters = run(u8::is_ascii_alphabetic);
        if digits > 0 {
            out.push(Token::Num(Num::new(&s[pos..pos + digits])));
            pos += digits;
        } else if letters > 0 {
            let word = s[pos..pos + letters].to_ascii_lowercase();
            // Python's and PEP 440's short spellings, `3.13.0a6`, `3.13.0b1`:
            // only with a number, so OpenSSL's `1.1.1a` stays a later release.
            let numbered = bytes.get(pos + letters).is_some_and(u8::is_ascii_digit);
            let short = match word.as_str() {
                "a" if numbered => Some(1),
                "b" if numbered => Some(2),
                _ => None,
            };
            let rank = PRE_WORDS.iter().find(|(pre, _)| *pre == word).map(|&(_, rank)| rank);
            out.push(match rank.or(short) {
                Some(rank) => Token::Pre(rank, word),
                None => Token::Post(word),
            });
            pos += letters;
        } else {
            // A separator, or a byte of a non-ASCII character.
            pos += 1;
        }
    }
    out
}

fn cmp_tokens(a: &[Token<'_>], b: &[Token<'_>]) -> Ordering {
    // How a token compares with the end of the other version.
    let against_end = |t: &Token<'_>| match t {
        Token::Pre(..) => Ordering::Less,
        Token::Post(_) | Token::Num(_) => Ordering::Greater,
    };
    (0..a.len().max(b.len()))
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(x), None) => against_end(x),
            (None, Some(y)) => against_end(y).reverse(),
            (None, None) => Ordering::Equal,
        })
        .find(|ord| ord.is_ne())
        .unwrap_or(Ordering::Equal)
}

struct Loose<'a> {
    release: Vec<&'a str>,
    suffix: Vec<Token<'a>>,
    describe: Option<Describe<'a>>,
    build: Vec<Token<'a>>,
    java_legacy: bool,
}

fn parse(s: &str) -> Option<Loose<'_>> {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (main, build) = s.split_once('+').unwrap_or((s, ""));
    let (main, describe) = describe::split(main);
    let (release, suffix) = leading_numbers(main, |c| matches!(c, b'.' | b'_' | b'-'));
    Some(Loose {
        java_legacy: is_java_legacy(main),
        release,
        suffix: tokens(suffix),
        describe,
        build: tokens(build),
    })
}

/// `1.N.M_U` with N up to 8: how Java numbered itself before Java 9.
fn is_java_legacy(main: &str) -> bool {
    let Some((version, update)) = main.split_once('_') else { return false };
    let parts: Vec<&str> = version.split('.').collect();
    matches!(parts.as_slice(), ["1", minor, patch] if is_legacy_major(minor) && is_digits(patch))
        && update.starts_with(|c: char| c.is_ascii_digit())
}

fn is_legacy_major(n: &str) -> bool {
    matches!(n.as_bytes(), [b'1'..=b'8'])
}

/// The release numbers the level is read from: `1.8.0_392` as `8.0.392`
/// when Java's legacy numbering is in play.
fn level_release<'v>(v: &'v Loose<'_>, java: bool) -> &'v [&'v str] {
    match v.release.as_slice() {
        ["1", minor, ..] if java && is_legacy_major(minor) => &v.release[1..],
        release => release,
    }
}

pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    // Values that name their product first (`glibc 2.36`, `musl 1.2.4`)
    // compare as versions when the names agree; other names are different
    // products, not older or newer ones.
    let (a, b) = match (named(a), named(b)) {
        (Some((name_a, ver_a)), Some((name_b, ver_b))) if name_a.eq_ignore_ascii_case(name_b) => {
            (ver_a, ver_b)
        }
        (Some(_), _) | (_, Some(_)) => return None,
        (None, None) => (a, b),
    };
    let (a, b) = (parse(a)?, parse(b)?);
    let upstream = cmp_release(&a.release, &b.release)
        .then_with(|| cmp_tokens(&a.suffix, &b.suffix))
        .then_with(|| a.describe.cmp(&b.describe));
    let java = a.java_legacy || b.java_legacy;
    Some(fold(
        Ordering::Equal,
        upstream,
        || release_level(level_release(&a, java), level_release(&b, java)),
        cmp_tokens(&a.build, &b.build),
    ))
}
