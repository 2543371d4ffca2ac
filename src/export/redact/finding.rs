//! What a finder reports: where a secret is in a text and what kind it is.

use std::ops::Range;

/// What kind of secret a finding is, for the sentence that says what was
/// redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The value of a secret-named assignment (`API_TOKEN=...`,
    /// `"client_secret": "..."`).
    Named(String),
    /// A secret-named parameter of a URL's query (`?token=...`).
    Query,
    /// The userinfo of a URL (`user:password@`).
    UrlCredentials,
    /// A token of a known format; the name of who issues it.
    Token(&'static str),
    /// A PEM private-key block.
    PrivateKey,
}

/// One secret in a text: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub range: Range<usize>,
    pub kind: Kind,
}
