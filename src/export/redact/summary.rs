//! What one export (or one snapshot in it) redacted, counted by kind, and
//! the sentence that says so. Secrets are counted by a keyed hash, so a
//! secret seen twice counts once and none is kept.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};

use super::finding::Kind;

#[derive(Debug, Default)]
pub struct Counts {
    /// Names whose values were hidden (variables, file keys, assignments).
    named: BTreeSet<String>,
    url_credentials: BTreeSet<u64>,
    query_values: BTreeSet<u64>,
    /// By issuer.
    tokens: BTreeMap<&'static str, BTreeSet<u64>>,
    private_keys: BTreeSet<u64>,
    pub home_paths: usize,
    pub hosts: usize,
}

impl Counts {
    /// Counts the value of a secret variable, known by its name.
    pub fn variable(&mut self, name: &str) {
        self.named.insert(name.to_owned());
    }

    /// Counts one secret found in text; `keys` makes the hash this
    /// redactor's own (the same for the whole export, unguessable outside).
    pub fn found(&mut self, keys: &RandomState, kind: &Kind, secret: &str) {
        let hash = keys.hash_one(secret);
        match kind {
            Kind::Named(name) => {
                self.named.insert(name.clone());
            }
            Kind::Query => {
                self.query_values.insert(hash);
            }
            Kind::UrlCredentials => {
                self.url_credentials.insert(hash);
            }
            Kind::Token(issuer) => {
                self.tokens.entry(issuer).or_default().insert(hash);
            }
            Kind::PrivateKey => {
                self.private_keys.insert(hash);
            }
        }
    }

    pub fn add(&mut self, other: Counts) {
        self.named.extend(other.named);
        self.url_credentials.extend(other.url_credentials);
        self.query_values.extend(other.query_values);
        for (issuer, tokens) in other.tokens {
            self.tokens.entry(issuer).or_default().extend(tokens);
        }
        self.private_keys.extend(other.private_keys);
        self.home_paths += other.home_paths;
        self.hosts += other.hosts;
    }

    /// Whether anything was redacted at all.
    pub fn any(&self, hosts: bool) -> bool {
        !self.describe_parts(hosts).is_empty()
    }

    /// One sentence saying what was redacted (`hosts`: whether host
    /// pseudonyms were asked for).
    pub fn describe(&self, hosts: bool) -> String {
        let parts = self.describe_parts(hosts);
        if parts.is_empty() {
            return "Redaction was on; nothing needed redacting.".to_owned();
        }
        format!("Redacted: {}.", parts.join("; "))
    }

    fn describe_parts(&self, hosts: bool) -> Vec<String> {
        let mut parts = Vec::new();
        if !self.named.is_empty() {
            parts.push(format!("the values of {}", listed(&self.named)));
        }
        if !self.url_credentials.is_empty() {
            parts.push(counted(self.url_credentials.len(), "credential", "in URLs"));
        }
        if !self.query_values.is_empty() {
            parts.push(counted(self.query_values.len(), "secret", "in URL query strings"));
        }
        let tokens: usize = self.tokens.values().map(BTreeSet::len).sum();
        if tokens > 0 {
            let issuers: Vec<&str> = self.tokens.keys().copied().collect();
            parts.push(format!("{} ({})", counted(tokens, "token", ""), issuers.join(", ")));
        }
        if !self.private_keys.is_empty() {
            parts.push(counted(self.private_keys.len(), "private key", ""));
        }
        if self.home_paths > 0 {
            parts.push("home folders (shown as ~)".to_owned());
        }
        if hosts && self.hosts > 0 {
            parts.push("host names and addresses (replaced by pseudonyms)".to_owned());
        }
        parts
    }
}

/// Names come from what hosts printed too, so the sentence shows a few, each
/// cut short, and says how many more there were.
fn listed(names: &BTreeSet<String>) -> String {
    const SHOWN: usize = 12;
    const LONGEST: usize = 48;
    let mut shown: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|name| match name.char_indices().nth(LONGEST) {
            Some((cut, _)) => format!("{}...", &name[..cut]),
            None => name.clone(),
        })
        .collect();
    if names.len() > SHOWN {
        shown.push(format!("{} more", names.len() - SHOWN));
    }
    shown.join(", ")
}

/// "1 credential in URLs", "2 tokens".
fn counted(n: usize, what: &str, place: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    let place = if place.is_empty() { String::new() } else { format!(" {place}") };
    format!("{n} {what}{s}{place}")
}
