//! Credentials in URLs, alone or inside longer text: the userinfo of
//! `scheme://user:password@host`, even when the password holds `/`, `@` or
//! `:` (which a URL should percent-encode, and often does not).
//!
//! The URL parser (the `url` crate) decides what plain text cannot: whether
//! `name:123/...@...` is a host with a port or a user with a password, and
//! whether what follows an `@` is a host. The userinfo then runs to the last
//! `@` that a host follows, so a password is never cut short.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::finding::{Finding, Kind};

static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[a-z][a-z0-9+.\-]*://").expect("valid regex"));

/// How many `@` are tried, from the last, for the one a host follows; past
/// that the last one is taken (hiding more, never less), so a text full of
/// `@` costs no more than a few parses.
const MAX_TRIES: usize = 32;

/// Adds the userinfo of every URL in `text` to `found`.
pub fn find(text: &str, found: &mut Vec<Finding>) {
    // URLs can nest (`?next=https://...`): the run they share and its `@`s
    // are found once.
    let mut run_end = 0;
    let mut ats: Vec<usize> = Vec::new();
    // A URL inside credentials already found goes with them.
    let mut hidden_to = 0;
    for m in SCHEME.find_iter(text) {
        let start = m.end();
        if m.start() < hidden_to {
            continue;
        }
        if start > run_end {
            // A URL in running text ends at a blank, a quote or an angle bracket.
            run_end = text[start..].find(ends_url).map_or(text.len(), |i| start + i);
            ats = text[start..run_end].match_indices('@').map(|(i, _)| start + i).collect();
        }
        let scheme = &text[m.start()..start - 3];
        let ats = &ats[ats.partition_point(|&at| at < start)..];
        if let Some(end) = userinfo_end(text, scheme, start..run_end, ats) {
            found.push(Finding { range: start..end, kind: Kind::UrlCredentials });
            hidden_to = end;
        }
    }
}

fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>')
}

/// Where the userinfo of the URL after `scheme://` (at `run.start`, to
/// `run.end`) ends, at one of its `ats`, if it has one.
fn userinfo_end(text: &str, scheme: &str, run: Range<usize>, ats: &[usize]) -> Option<usize> {
    let (&first_at, &last_at) = (ats.first()?, ats.last()?);
    let authority = &text[run.start..authority_end(text, run.start, run.end)];
    let has_userinfo = first_at < run.start + authority.len()
        // `a:b` before the first `/`: a host and its port (the parser takes
        // it), or a user and a password with a `/` in it (a port it refuses).
        || authority.contains(':') && Url::parse(&format!("{scheme}://{authority}")).is_err();
    if !has_userinfo {
        return None;
    }
    let host_follows = |&at: &usize| {
        let host = &text[at + 1..authority_end(text, at + 1, run.end)];
        is_host(scheme, host)
    };
    Some(ats.iter().rev().take(MAX_TRIES).copied().find(host_follows).unwrap_or(last_at))
}

/// Where the authority starting at `start` ends: at the first `/`, `?` or
/// `#`, or at `end`.
fn authority_end(text: &str, start: usize, end: usize) -> usize {
    text[start..end].find(['/', '?', '#']).map_or(end, |i| start + i)
}

/// Whether `authority` is a host (and port) alone, as the URL parser reads
/// `scheme://authority`.
fn is_host(scheme: &str, authority: &str) -> bool {
    if !authority.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '[') {
        return false;
    }
    Url::parse(&format!("{scheme}://{authority}")).is_ok_and(|url| {
        url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The userinfo `find` reports in `text`, as text.
    fn userinfo(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        find(text, &mut found);
        found.iter().map(|f| &text[f.range.clone()]).collect()
    }

    #[test]
    fn a_port_and_a_path_are_no_credentials() {
        for text in [
            "https://example.com/a@b",
            "https://host:8080/a@b",
            "http://[::1]:80/x@y",
            "see https://host/path?email=a@b.org",
            "postgres://db.internal:5432/app",
        ] {
            assert_eq!(userinfo(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn userinfo_runs_to_the_last_at_a_host_follows() {
        for (text, expected) in [
            ("postgres://app:pw@db:5432/app", "app:pw"),
            ("https://token@github.com/x.git", "token"),
            ("redis://:secret@cache", ":secret"),
            ("mysql://root:p@ss@w0rd@db", "root:p@ss@w0rd"),
            ("https://user:pa/ss@host/x", "user:pa/ss"),
            ("s3://KEY:se/cr/et@bucket/path/file", "KEY:se/cr/et"),
            ("https://u:p@a/b@host/x", "u:p@a/b"),
            ("(https://u:p@host)", "u:p"),
        ] {
            assert_eq!(userinfo(text), [expected], "{text}");
        }
    }

    #[test]
    fn nested_urls_are_found_once() {
        assert_eq!(userinfo("https://a/?next=https://u:p@h/"), ["u:p"]);
        assert_eq!(userinfo("https://u:p@a/?next=https://x:y@h/").len(), 1);
    }
}
