//! `git describe` tails: the version of a development build, so many
//! commits after a tag (`v1.2.3-14-gdeadbee`, git's own dotted
//! `2.45.0.268.g1234abcd`, macOS's jq `1.6-159-apple-gcff5336-dirty`).
//!
//! Such a build comes after its tag and before whatever release follows
//! it, so comparators split the tail off, compare the tags by their own
//! rules, and only then the tails: no tail (the tag itself) first, then by
//! the number of commits, then by the rest (which commit, `-dirty`), an
//! arbitrary but fixed order. Two builds of one tag that differ only in
//! their tails are a `Patch` difference: different code, same release.

use super::num::Num;

/// What `git describe` appended to a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Describe<'a> {
    /// Commits since the tag.
    commits: Num<'a>,
    /// The rest: `g` and the abbreviated commit, a word before it, `-dirty`.
    rest: &'a str,
}

fn is_separator(b: u8) -> bool {
    b == b'-' || b == b'.'
}

/// The length of the run of bytes matching `pred` that ends at `end`.
fn run_before(s: &[u8], end: usize, pred: fn(&u8) -> bool) -> usize {
    s[..end].iter().rev().take_while(|b| pred(b)).count()
}

/// `s` split into the tag and its describe tail, or `s` whole with `None`
/// when it has no such tail: `-N-[word-]g<4 to 40 hex digits>` (or the same
/// with dots), optionally followed by `-dirty` or `.dirty`, at the very
/// end, after a non-empty tag.
pub(super) fn split(s: &str) -> (&str, Option<Describe<'_>>) {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    if let Some(body) = s.strip_suffix("dirty")
        && body.ends_with(['-', '.'])
    {
        end = body.len() - 1;
    }
    let hex = run_before(bytes, end, |b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !(4..=40).contains(&hex) || end < hex + 2 {
        return (s, None);
    }
    let g = end - hex - 1;
    // One separator throughout: `-14-g` or `.268.g`, never `.3-g`.
    let sep = bytes[g - 1];
    if bytes[g] != b'g' || !is_separator(sep) {
        return (s, None);
    }
    // An optional word between the count and the hash (`-apple-`).
    let mut count_end = g - 1;
    let word = run_before(bytes, count_end, u8::is_ascii_alphabetic);
    if word > 0 && count_end > word && bytes[count_end - word - 1] == sep {
        count_end -= word + 1;
    }
    let digits = run_before(bytes, count_end, u8::is_ascii_digit);
    let count_start = count_end - digits;
    if digits == 0 || count_start < 2 || bytes[count_start - 1] != sep {
        return (s, None);
    }
    let tag = &s[..count_start - 1];
    let describe =
        Describe { commits: Num::new(&s[count_start..count_end]), rest: &s[count_end..] };
    (tag, Some(describe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_forms_git_describe_prints() {
        let cases = [
            ("v1.2.3-14-gdeadbee", "v1.2.3", Some(("14", "-gdeadbee"))),
            ("2.45.0.268.g1234abcd", "2.45.0", Some(("268", ".g1234abcd"))),
            ("2.45.0.rc1.12.gabcdef0", "2.45.0.rc1", Some(("12", ".gabcdef0"))),
            ("1.6-159-apple-gcff5336-dirty", "1.6", Some(("159", "-apple-gcff5336-dirty"))),
            ("1.0-0-g0123", "1.0", Some(("0", "-g0123"))),
            ("1.2.3", "1.2.3", None),
            ("5.15.0-91-generic", "5.15.0-91-generic", None),
            ("1.2.3-14-gdee", "1.2.3-14-gdee", None),
            ("1.2.3-gdeadbee", "1.2.3-gdeadbee", None),
            ("1.2.3.14-gdeadbee", "1.2.3.14-gdeadbee", None),
            ("1.2.3-14.gdeadbee", "1.2.3-14.gdeadbee", None),
            ("14-gdeadbee", "14-gdeadbee", None),
            ("-14-gdeadbee", "-14-gdeadbee", None),
            ("gdeadbee", "gdeadbee", None),
            ("-dirty", "-dirty", None),
            ("", "", None),
        ];
        for (s, tag, tail) in cases {
            let (got_tag, got) = split(s);
            assert_eq!(got_tag, tag, "{s}");
            let want = tail.map(|(n, rest)| Describe { commits: Num::new(n), rest });
            assert_eq!(got, want, "{s}");
        }
    }
}
