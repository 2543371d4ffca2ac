//! Named parsers: raw output of a version command -> normalized value.
//!
//! Each is a plain function so local and remote collection share them. They
//! return `None` when the output does not contain what they look for; the
//! collector then records the fact as an `error` and keeps the raw output.

use std::sync::LazyLock;

use regex::Regex;

pub type ParserFn = fn(&str) -> Option<String>;

/// Every parser a profile may name, in the order `paritty profiles` help shows.
pub const NAMES: &[&str] = &["first-line", "trim", "version"];

pub fn lookup(name: &str) -> Option<ParserFn> {
    let parser: ParserFn = match name {
        "first-line" => first_line,
        "trim" => trim,
        "version" => version,
        _ => return None,
    };
    Some(parser)
}

/// The first non-blank line, trimmed.
pub fn first_line(raw: &str) -> Option<String> {
    raw.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}

/// The whole output, trimmed.
pub fn trim(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w.])v?(\d+(?:\.\d+)+[a-z]?\d*(?:-(?:alpha|beta|rc|pre|dev)[.\d]*)?)")
        .expect("static regex")
});

/// The first dotted version number in the output (`git version 2.47.3` ->
/// `2.47.3`, `v20.20.2` -> `20.20.2`).
pub fn version(raw: &str) -> Option<String> {
    VERSION
        .captures(raw)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_owned())
}
