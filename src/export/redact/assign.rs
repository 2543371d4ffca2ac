//! Values given to secret-looking names, as tools print them: `NAME=value`
//! (env files, `env`, `set`), `name: value` (YAML, HTTP headers),
//! `"name": "value"` (JSON), and `?name=value` / `&name=value` in URLs.

use std::sync::LazyLock;

use regex::Regex;

use super::names::is_secret_name;
use super::scan::{Finding, Kind};

/// A name, then `=`, or `:` followed by a blank or a quote, then the value:
/// quoted (to its closing quote), or bare (to the next blank or quote; an
/// authorization scheme such as `Bearer` takes the word after it too). A
/// quote left open takes the rest of its word.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    let value = r#"(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|(?:(?i:bearer|basic|token|digest)[ \t]+)?["']?[^\s"'`]+)"#;
    Regex::new(&format!(
        r#"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?(?:[ \t]*=[ \t]*(?P<v1>{value})|[ \t]*:[ \t]*(?P<v2>"(?:[^"\\\n]|\\.)*"|'[^'\n]*')|[ \t]*:[ \t]+(?P<v3>{value}))"#
    ))
    .expect("valid regex")
});

/// A query parameter: its value runs to the next `&`, `#`, blank or quote.
static QUERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[?&](?P<name>[A-Za-z0-9_.\-\[\]%]+)=(?P<value>[^&#\s"'<>`]+)"#)
        .expect("valid regex")
});

/// Adds the values of secret-named assignments and query parameters in
/// `text` to `found`.
pub fn find(text: &str, found: &mut Vec<Finding>) {
    for caps in QUERY.captures_iter(text) {
        if is_secret_name(&caps["name"]) {
            let value = caps.name("value").expect("always there");
            found.push(Finding { range: value.range(), kind: Kind::Query });
        }
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(caps) = ASSIGNMENT.captures_at(text, at) {
        let name = caps.name("name").expect("always there");
        let (value, after_colon) = match (caps.name("v1"), caps.name("v2"), caps.name("v3")) {
            (Some(v), _, _) | (None, Some(v), _) => (v, false),
            (None, None, Some(v)) => (v, true),
            (None, None, None) => unreachable!("the pattern has one value or another"),
        };
        // A name inside a query is the query's (its value ends at `&`); a
        // name that is not secret may still hold one in what follows
        // (`a=API_TOKEN=x`): either way, read on from the end of the name.
        let in_query = name.start() > 0 && matches!(bytes[name.start() - 1], b'?' | b'&');
        if in_query || !is_secret_name(name.as_str()) || !is_scalar(value.as_str(), after_colon) {
            at = name.end();
            continue;
        }
        found.push(Finding {
            range: unquoted(text, value.range()),
            kind: Kind::Named(name.as_str().to_owned()),
        });
        at = value.end();
    }
}

/// Whether a value can be a secret: not a boolean or null (`"private":
/// true`), and after a colon not a JSON or YAML structure opening
/// (`"private": {`, `key: [`): secrets inside one are found by their own
/// names.
fn is_scalar(value: &str, after_colon: bool) -> bool {
    let word = value.trim_end_matches([',', ';', '}', ']']);
    let literal = ["true", "false", "null"].iter().any(|l| word.eq_ignore_ascii_case(l));
    let structure = after_colon && value.starts_with(['[', '{']);
    !literal && !structure
}

/// The part of a value inside its quotes (an open quote dropped too).
fn unquoted(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let value = &text[range.clone()];
    let Some(first @ (b'"' | b'\'')) = value.bytes().next() else {
        return range;
    };
    let closed = value.len() >= 2 && value.as_bytes()[value.len() - 1] == first;
    range.start + 1..if closed { range.end - 1 } else { range.end }
}
