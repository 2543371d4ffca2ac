//! Numbers as digit strings of any length, and the release numbers that
//! decide whether a difference is major, minor or patch.

use std::cmp::Ordering;

use super::Level;

/// A run of ASCII digits with its leading zeros dropped (`007` is `7`, `0`
/// is empty), ordered as a number. Never parsed into an integer, so
/// `99999999999999999999999` cannot overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Num<'a>(&'a str);

impl<'a> Num<'a> {
    pub(super) fn new(digits: &'a str) -> Num<'a> {
        Num(digits.trim_start_matches('0'))
    }
}

impl Ord for Num<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Without leading zeros, the longer number is the larger one.
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.cmp(other.0))
    }
}

impl PartialOrd for Num<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two digit runs as numbers.
pub(super) fn cmp_digits(a: &str, b: &str) -> Ordering {
    Num::new(a).cmp(&Num::new(b))
}

pub(super) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Index and direction of the first differing release number, a missing
/// number counting as 0 (so `1.2` and `1.2.0` do not differ).
fn first_difference(a: &[&str], b: &[&str]) -> Option<(usize, Ordering)> {
    (0..a.len().max(b.len())).find_map(|i| {
        let ord = cmp_digits(a.get(i).copied().unwrap_or(""), b.get(i).copied().unwrap_or(""));
        ord.is_ne().then_some((i, ord))
    })
}

/// Release numbers compared one by one, missing ones as 0.
pub(super) fn cmp_release(a: &[&str], b: &[&str]) -> Ordering {
    first_difference(a, b).map_or(Ordering::Equal, |(_, ord)| ord)
}

/// The level of the first differing release number: the 1st is major, the
/// 2nd minor, any later one patch. `None` when they are all the same.
pub(super) fn release_level(a: &[&str], b: &[&str]) -> Option<Level> {
    first_difference(a, b).map(|(i, _)| match i {
        0 => Level::Major,
        1 => Level::Minor,
        _ => Level::Patch,
    })
}

/// The numbers a version starts with (`1.18.0-6ubuntu14` with `.` as
/// separator: `1`, `18`, `0`) and what follows them (`-6ubuntu14`). A
/// separator only continues the run when a digit follows it.
/// `is_sep` is only ever asked about ASCII bytes.
pub(super) fn leading_numbers(s: &str, is_sep: impl Fn(u8) -> bool) -> (Vec<&str>, &str) {
    let bytes = s.as_bytes();
    let mut numbers = Vec::new();
    let mut pos = 0;
    loop {
        let end = pos + bytes[pos..].iter().take_while(|b| b.is_ascii_digit()).count();
        if end == pos {
            break;
        }
        numbers.push(&s[pos..end]);
        pos = end;
        match (bytes.get(pos), bytes.get(pos + 1)) {
            (Some(&sep), Some(next)) if sep.is_ascii() && is_sep(sep) && next.is_ascii_digit() => {
                pos += 1;
            }
            _ => break,
        }
    }
    (numbers, &s[pos..])
}
