//! Reading versions as constraints and hosts write them: `v20`, `3.11.*`,
//! `1.2.x`, `3.13.0rc1`, `21.0.2+13`; and finding the version in a
//! collected value.

use super::range::{Ident, Ver};

/// A version as a constraint writes it: the numbers given (`3.11` gives
/// two), whether a wildcard ended them (`3.11.*`, `1.x`), a pre-release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub nums: Vec<u64>,
    pub wild: bool,
    pub pre: Option<Vec<Ident>>,
}

impl Partial {
    pub fn ver(&self) -> Ver {
        Ver { release: self.nums.clone(), pre: self.pre.clone() }
    }
}

/// Words that start a pre-release, with PEP 440's spellings made one.
fn pre_word(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "a" | "alpha" => "alpha",
        "b" | "beta" => "beta",
        "c" | "rc" | "pre" | "preview" => "rc",
        "dev" => "dev",
        _ => return None,
    })
}

/// `rc.1`, `beta2`, `preview1` as identifiers; `None` for anything else.
fn pre_release(text: &str, any_word: bool) -> Option<Vec<Ident>> {
    let mut out = Vec::new();
    for part in text.split(['.', '-']) {
        let mut rest = part;
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push(Ident::Num(rest[..digits].parse().ok()?));
                rest = &rest[digits..];
                continue;
            }
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if letters == 0 {
                return None;
            }
            let word = &rest[..letters];
            let word = match pre_word(word) {
                Some(w) => w.to_owned(),
                None if any_word => word.to_ascii_lowercase(),
                None => return None,
            };
            out.push(Ident::Word(word));
            rest = &rest[letters..];
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A whole version of a constraint: `v1.2.3-beta.1`, `3.11.*`, `1.x`,
/// `3.13.0rc1`, `*` (no numbers, wild). Build metadata (`+13`) is ignored.
/// `None` when anything is left over.
pub fn partial(text: &str) -> Option<Partial> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = text.split('+').next().unwrap_or("");
    let mut nums = Vec::new();
    let mut wild = false;
    let mut rest = text;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            if wild {
                // `1.x.3`: numbers after a wildcard mean nothing (npm).
            } else {
                nums.push(rest[..digits].parse().ok()?);
            }
            rest = &rest[digits..];
        } else if let Some(after) = rest.strip_prefix(['x', 'X', '*']) {
            wild = true;
            rest = after;
        } else {
            return None;
        }
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit() || "xX*".contains(c)) => {
                rest = after;
            }
            _ => break,
        }
    }
    let pre = if rest.is_empty() {
        None
    } else {
        if wild {
            return None;
        }
        let tail = rest.strip_prefix(['-', '.', '_']).unwrap_or(rest);
        // After a hyphen any word is a pre-release (semver); glued or after
        // a dot only the known words are (`3.13.0rc1`, not `3.12-slim`).
        Some(pre_release(tail, rest.starts_with('-'))?)
    };
    Some(Partial { nums, wild, pre })
}

/// The version in a collected value (`20.11.1`, `3.13.0rc1`, `v1.22.1`,
/// `21.0.3+9`): the first run of numbers, and a pre-release glued to it.
pub fn find(value: &str) -> Option<Ver> {
    let start = value.find(|c: char| c.is_ascii_digit())?;
    let s = &value[start..];
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let numbers = s[..end].trim_end_matches('.');
    let release: Vec<u64> = numbers.split('.').map(str::parse).collect::<Result<_, _>>().ok()?;
    let after = &s[numbers.len()..];
    let word_end = after
        .char_indices()
        .skip(1)
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.'))
        .map_or(after.len(), |(i, _)| i);
    let tail = after[..word_end].trim_end_matches('.');
    let tail = tail.strip_prefix(['-', '.']).unwrap_or(tail);
    let pre = if tail.starts_with(|c: char| c.is_ascii_alphabetic()) {
        pre_release(tail, false)
    } else {
        None
    };
    Some(Ver { release, pre })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_versions_read_as_written() {
        let p = partial("v3.11.*").expect("reads");
        assert_eq!((p.nums, p.wild, p.pre), (vec![3, 11], true, None));
        let p = partial("1.2.3-beta.1").expect("reads");
        assert_eq!(p.pre, Some(vec![Ident::Word("beta".into()), Ident::Num(1)]));
        assert_eq!(partial("3.13.0rc1").and_then(|p| p.pre).map(|p| p.len()), Some(2));
        assert_eq!(partial("*").map(|p| (p.nums.len(), p.wild)), Some((0, true)));
        assert_eq!(partial("21.0.2+13").map(|p| p.nums), Some(vec![21, 0, 2]));
        for bad in ["", "abc", "3.12-", "3.12_slim", "1.2.3 4", "99999999999999999999999"] {
            assert_eq!(partial(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_values_give_their_version() {
        assert_eq!(find("20.11.1").map(|v| v.release), Some(vec![20, 11, 1]));
        assert_eq!(find("go1.22.1 linux/amd64").map(|v| v.release), Some(vec![1, 22, 1]));
        let v = find("3.13.0rc1").expect("reads");
        assert_eq!(v.pre, Some(vec![Ident::Word("rc".into()), Ident::Num(1)]));
        assert_eq!(find("16.2 (Debian 16.2-1)").map(|v| v.pre), Some(None));
        assert_eq!(find("none"), None);
    }
}
