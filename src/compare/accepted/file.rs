//! `paritty-accepted.toml` as text: read (untrusted: typed with unknown
//! keys refused, every problem with its line, sizes capped, text cleaned)
//! and written (stable order, one `[[accepted]]` per divergence, so the
//! file diffs cleanly in review). Pure: the command does the I/O.

use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Acceptance;
use crate::compare::severity::Severity;
use crate::output::sanitize::one_line;

/// The largest file read (about 20,000 entries).
pub const MAX_ACCEPTED_BYTES: u64 = 8 << 20;
/// The most entries a file may hold.
pub const MAX_ENTRIES: usize = 50_000;
/// The longest text one field may hold.
const MAX_FIELD_BYTES: usize = 4096;
/// The format's version; a newer one is refused, not misread.
const VERSION: u32 = 1;

/// A file that cannot be used, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for AcceptedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "accepted {}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "accepted {}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for AcceptedError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: u32,
    #[serde(default)]
    accepted: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    host: String,
    fact: String,
    baseline: String,
    severity: String,
    baseline_value: Option<String>,
    value: Option<String>,
    #[serde(default)]
    reason: String,
    by: String,
    at: String,
    expires: Option<String>,
}

/// The acceptances in `text`, read from `path` (for messages).
pub fn parse(text: &str, path: &Path) -> Result<Vec<Acceptance>, AcceptedError> {
    let fail = |line: Option<usize>, message: String| AcceptedError {
        path: path.to_owned(),
        line,
        message: one_line(&message),
    };
    let line_of = |offset: usize| crate::profile::position_of(text, offset).0;
    let raw: Raw = toml::from_str(text)
        .map_err(|e| fail(e.span().map(|s| line_of(s.start)), e.message().trim().to_owned()))?;
    if raw.version != VERSION {
        return Err(fail(
            Some(1),
            format!("version {} is not one this paritty reads ({VERSION})", raw.version),
        ));
    }
    if raw.accepted.len() > MAX_ENTRIES {
        return Err(fail(None, format!("more than {MAX_ENTRIES} entries")));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(raw.accepted.len());
    for spanned in raw.accepted {
        let line = line_of(spanned.span().start);
        let entry = check(spanned.into_inner(), line).map_err(|m| fail(Some(line), m))?;
        if !seen.insert((entry.baseline.clone(), entry.host.clone(), entry.fact.clone())) {
            return Err(fail(
                Some(line),
                format!(
                    "{} {} against {} is accepted twice",
                    entry.host, entry.fact, entry.baseline
                ),
            ));
        }
        out.push(entry);
    }
    Ok(out)
}

fn check(raw: RawEntry, line: usize) -> Result<Acceptance, String> {
    let text = |name: &str, value: String| -> Result<String, String> {
        if value.len() > MAX_FIELD_BYTES {
            return Err(format!("`{name}` is longer than {MAX_FIELD_BYTES} bytes"));
        }
        Ok(one_line(&value))
    };
    let name = |field: &str, value: String| -> Result<String, String> {
        let value = text(field, value)?;
        if value.trim().is_empty() { Err(format!("`{field}` is empty")) } else { Ok(value) }
    };
    let severity = Severity::from_word(&raw.severity)
        .filter(|s| !matches!(s, Severity::Equal | Severity::Unknown))
        .ok_or_else(|| {
            format!(
                "`severity` is `{}`: one of packaging, patch, minor, major, different, missing",
                one_line(&raw.severity)
            )
        })?;
    let at = date("at", raw.at)?;
    let expires = raw.expires.map(|d| date("expires", d)).transpose()?;
    Ok(Acceptance {
        host: name("host", raw.host)?,
        fact: name("fact", raw.fact)?,
        baseline: name("baseline", raw.baseline)?,
        severity,
        baseline_value: raw.baseline_value.map(|v| text("baseline_value", v)).transpose()?,
        value: raw.value.map(|v| text("value", v)).transpose()?,
        reason: text("reason", raw.reason)?,
        by: name("by", raw.by)?,
        at,
        expires,
        line,
    })
}

/// A day as `YYYY-MM-DD` (a real one: `2027-02-30` is refused).
pub fn date(field: &str, value: String) -> Result<String, String> {
    let shaped = value.len() == 10
        && value
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if shaped && humantime::parse_rfc3339(&format!("{value}T00:00:00Z")).is_ok() {
        Ok(value)
    } else {
        Err(format!("`{field}` is `{}`: a day as YYYY-MM-DD", one_line(&value)))
    }
}

/// The file for `entries`, sorted by baseline, host and fact.
pub fn render(entries: &[Acceptance]) -> String {
    let mut sorted: Vec<&Acceptance> = entries.iter().collect();
    sorted.sort_by(|a, b| (&a.baseline, &a.host, &a.fact).cmp(&(&b.baseline, &b.host, &b.fact)));
    let mut out = String::from(
        "# Divergences accepted for `paritty check` (written by `paritty accept`).\n\
         # check fails only on what is new, worse than accepted, or expired.\n",
    );
    let _ = writeln!(out, "version = {VERSION}");
    for e in sorted {
        out.push_str("\n[[accepted]]\n");
        let _ = writeln!(out, "host = {}", quoted(&e.host));
        let _ = writeln!(out, "fact = {}", quoted(&e.fact));
        let _ = writeln!(out, "baseline = {}", quoted(&e.baseline));
        let _ = writeln!(out, "severity = {}", quoted(e.severity.as_str()));
        if let Some(v) = &e.baseline_value {
            let _ = writeln!(out, "baseline_value = {}", quoted(v));
        }
        if let Some(v) = &e.value {
            let _ = writeln!(out, "value = {}", quoted(v));
        }
        let _ = writeln!(out, "reason = {}", quoted(&e.reason));
        let _ = writeln!(out, "by = {}", quoted(&e.by));
        let _ = writeln!(out, "at = {}", quoted(&e.at));
        if let Some(d) = &e.expires {
            let _ = writeln!(out, "expires = {}", quoted(d));
        }
    }
    out
}

/// A TOML basic string on one line: `"` and `\\` escaped, control
/// characters as `\\uXXXX` (so each field stays on its line).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(host: &str) -> Acceptance {
        Acceptance {
            host: host.into(),
            fact: "tool.openssl".into(),
            baseline: "prod".into(),
            severity: Severity::Patch,
            baseline_value: Some("3.0.11".into()),
            value: Some("3.0.13 \"quoted\"\\".into()),
            reason: "legacy\nclient".into(),
            by: "alice".into(),
            at: "2026-12-07".into(),
            expires: Some("2027-01-31".into()),
            line: 0,
        }
    }

    #[test]
    fn written_then_read_back_is_the_same() {
        let entries = vec![entry("web-2"), entry("laptop")];
        let text = render(&entries);
        let back = parse(&text, Path::new("a.toml")).expect("reads back");
        assert_eq!(back.len(), 2);
        // Sorted by host; text made one line when read.
        assert_eq!(back[0].host, "laptop");
        assert_eq!(back[0].value, entries[0].value);
        assert_eq!(back[0].reason, "legacy client");
        assert_eq!(
            back[1].line,
            text.lines().position(|l| l == "host = \"web-2\"").expect("web-2")
        );
    }

    #[test]
    fn problems_are_refused_with_their_line() {
        let good = render(&[entry("a")]);
        let cases = [
            (good.replace("severity = \"patch\"", "severity = \"equal\""), 5, "severity"),
            (good.replace("2027-01-31", "2027-02-30"), 5, "expires"),
            (good.replace("by = \"alice\"", "by = \"\""), 5, "`by` is empty"),
            (good.replace("reason =", "reasons ="), 12, "unknown field"),
            (
                format!(
                    "{good}{}",
                    good.split_once("\n[[")
                        .expect("an entry")
                        .1
                        .replace("accepted]]", "\n[[accepted]]")
                ),
                17,
                "twice",
            ),
            (good.replace("version = 1", "version = 2"), 1, "version 2"),
        ];
        for (text, line, words) in cases {
            let e = parse(&text, Path::new("acc.toml")).expect_err(&text);
            assert_eq!(e.line, Some(line), "{e} in\n{text}");
            assert!(e.to_string().starts_with(&format!("accepted acc.toml:{line}: ")), "{e}");
            assert!(e.message.contains(words), "{e}");
        }
    }

    #[test]
    fn a_field_past_its_cap_is_refused() {
        let mut long = entry("a");
        long.reason = "x".repeat(MAX_FIELD_BYTES + 1);
        let e = parse(&render(&[long]), Path::new("a")).expect_err("too long");
        assert!(e.message.contains("longer than 4096"), "{e}");
    }
}
