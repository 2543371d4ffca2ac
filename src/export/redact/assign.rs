//! Values given to secret-looking names, as tools print them: `NAME=value`
//! (env files, `env`, `set`), `name: value` (YAML, HTTP headers),
//! `"name": "value"` (JSON), and `?name=value` / `&name=value` in URLs.

use std::sync::LazyLock;

use regex::Regex;

use super::finding::{Finding, Kind};
use super::names::is_secret_name;

/// A name and what follows it up to its value: `=`, or `:` (which must be
/// followed by a blank or a quote, or `https://` would be an assignment).
/// Found apart from the value so that names that are not secret cost only
/// their own length: a value can be long, and text can hold many names.
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*(?P<op>[=:])[ \t]*"#)
        .expect("valid regex")
});

/// A value, at the start of the text after its name: quoted (to its closing
/// quote), or bare (to the next blank or quote; an authorization scheme such
/// as `Bearer` takes the word after it too). A quote left open takes the
/// rest of its word.
static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|(?:(?i:bearer|basic|token|digest)[ \t]+)?["']?[^\s"'`]+)"#,
    )
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
    let mut at = 0;
    while let Some(caps) = QUERY.captures_at(text, at) {
        let (name, value) =
            (caps.name("name").expect("always"), caps.name("value").expect("always"));
        // A parameter that is not secret may hold one in what follows
        // (`?next=/a?token=x`): read on from the end of its name.
        at = name.end();
        if is_secret_name(name.as_str()) {
            found.push(Finding { range: value.range(), kind: Kind::Query });
            at = value.end();
        }
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(caps) = NAME.captures_at(text, at) {
        let (name, op) = (caps.name("name").expect("always"), caps.name("op").expect("always"));
        at = name.end();
        // A name inside a query is the query's (its value ends at `&`).
        let in_query = name.start() > 0 && matches!(bytes[name.start() - 1], b'?' | b'&');
        if in_query || !is_secret_name(name.as_str()) {
            continue;
        }
        let start = caps.get(0).expect("always").end();
        let after_colon = op.as_str() == ":";
        let quoted = text[start..].starts_with(['"', '\'']);
        // `name:value` with neither blank nor quote is a URL or a time.
        if after_colon && start == op.end() && !quoted {
            continue;
        }
        let Some(value) = VALUE.find(&text[start..]) else {
            continue;
        };
        let value = start + value.start()..start + value.end();
        if !is_scalar(&text[value.clone()], after_colon && !quoted) {
            continue;
        }
        // Read on inside the value: a bare one can end where another
        // assignment begins (`pw: API_TOKEN="..."` gives `API_TOKEN=`).
        at = value.start;
        found.push(Finding {
            range: unquoted(text, value),
            kind: Kind::Named(name.as_str().to_owned()),
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The (kind, value) pairs `find` reports in `text`.
    fn values(text: &str) -> Vec<(Kind, &str)> {
        let mut found = Vec::new();
        find(text, &mut found);
        found.into_iter().map(|f| (f.kind, &text[f.range])).collect()
    }

    fn named<'a>(name: &str, value: &'a str) -> (Kind, &'a str) {
        (Kind::Named(name.to_owned()), value)
    }

    #[test]
    fn assignments_in_their_usual_shapes() {
        assert_eq!(values("API_TOKEN=abc def"), [named("API_TOKEN", "abc")]);
        assert_eq!(values("export DB_PASSWORD='a b'"), [named("DB_PASSWORD", "a b")]);
        assert_eq!(
            values(r#"{"client_secret": "x\"y", "v": 1}"#),
            [named("client_secret", r#"x\"y"#)]
        );
        assert_eq!(values("password: hunter2\n"), [named("password", "hunter2")]);
        assert_eq!(
            values("Authorization: Bearer abc.def"),
            [named("Authorization", "Bearer abc.def")]
        );
        assert_eq!(values("a=API_TOKEN=x"), [named("API_TOKEN", "x")]);
        assert_eq!(values("SECRET=\"unclosed"), [named("SECRET", "unclosed")]);
    }

    #[test]
    fn what_is_no_secret_assignment() {
        for text in [
            "token:abc",
            "https://token:abc@host",
            "\"private\": true,",
            "\"keywords\": [\"a\"]",
            "author: Jane",
            "PASSWORD=\nnext line",
            "version = 1.2.3",
        ] {
            assert_eq!(values(text), [], "{text}");
        }
    }

    #[test]
    fn query_parameters_end_at_the_next_one() {
        assert_eq!(values("/cb?token=abc&v=2#top"), [(Kind::Query, "abc")]);
        assert_eq!(values("?v=2&password=p%40ss"), [(Kind::Query, "p%40ss")]);
        assert_eq!(values("?next=/cb?token=abc"), [(Kind::Query, "abc")]);
    }
}
