//! Finding secrets in free text by what they are (known token formats,
//! private keys, secret-named assignments and query parameters, URL
//! credentials) and replacing each with `[redacted]`.

use super::finding::{Finding, Kind};
use super::{REDACTED, assign, tokens, url};

/// A text with its secrets replaced, and the secrets that were there.
pub struct Scrubbed {
    pub text: String,
    /// Each secret found, with its kind (kept only to count them and to tell
    /// whether a value derived from the text holds one; never shown).
    pub found: Vec<(Kind, String)>,
}

/// Replacing a secret can join what surrounds it into a new one (a value
/// that ran past a private key, say), so scrubbing repeats until nothing is
/// found; this many passes is far more than any text needs.
const MAX_PASSES: usize = 8;

/// `text` with every secret found replaced by `[redacted]`. Scrubbing the
/// result again finds nothing: a secret already replaced is not found again.
pub fn scrub(text: &str) -> Scrubbed {
    let mut out = text.to_owned();
    let mut found = Vec::new();
    for _ in 0..MAX_PASSES {
        let findings = find(&out);
        if findings.is_empty() {
            break;
        }
        found.extend(findings.iter().map(|f| (f.kind.clone(), out[f.range.clone()].to_owned())));
        out = replace(&out, findings);
    }
    Scrubbed { text: out, found }
}

/// Every secret in `text`, in no particular order, possibly overlapping.
fn find(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    tokens::find(text, &mut found);
    assign::find(text, &mut found);
    url::find(text, &mut found);
    found.retain(|f| !f.range.is_empty() && &text[f.range.clone()] != REDACTED);
    found
}

/// `text` with each finding (overlapping or touching ones joined) replaced.
fn replace(text: &str, mut findings: Vec<Finding>) -> String {
    findings.sort_by_key(|f| (f.range.start, f.range.end));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut spans = findings.into_iter().map(|f| f.range).peekable();
    while let Some(mut span) = spans.next() {
        while let Some(next) = spans.next_if(|next| next.start <= span.end) {
            span.end = span.end.max(next.end);
        }
        out.push_str(&text[copied..span.start]);
        out.push_str(REDACTED);
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}
