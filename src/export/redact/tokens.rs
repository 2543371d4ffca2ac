//! Secrets recognised by their format alone, wherever they appear: the
//! token formats issuers publish so that secret scanners (gitleaks, GitHub's
//! secret scanning) can find them, JWTs, and PEM private-key blocks.
//!
//! No pattern asks for a word boundary before the token: a token glued to
//! other text (`url=ghp_...`, `xAKIA...`) is still a token, and every prefix
//! here is distinctive enough not to turn up inside ordinary words.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::finding::{Finding, Kind};

/// Who issues a token, and its format.
const FORMATS: &[(&str, &str)] = &[
    // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server,
    // ghr_ refresh; github_pat_ fine-grained.
    ("GitHub", r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}"),
    ("GitHub", r"github_pat_[A-Za-z0-9_]{22,255}"),
    // Routable ones end in `.`, a length and a CRC.
    ("GitLab", r"glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{9})?"),
    ("Slack", r"xox[abprs]-[A-Za-z0-9\-]{10,}"),
    // Access key ids (long-lived AKIA, temporary ASIA): 20 characters.
    ("AWS", r"(?:AKIA|ASIA)[A-Z0-9]{16}"),
    ("Stripe", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"),
    ("Google", r"AIza[A-Za-z0-9_\-]{35}"),
    ("npm", r"npm_[A-Za-z0-9]{36}"),
    // PyPI API tokens are macaroons: base64 that always starts "AgE".
    ("PyPI", r"pypi-AgE[A-Za-z0-9_\-]{50,}"),
    // Header and payload are base64url JSON objects, so both start "eyJ".
    ("JWT", r"eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*"),
];

/// Each format alone, since tokens glued together overlap (`xoxb-...ghp_...`:
/// Slack's pattern takes the `ghp` GitHub's starts with), and all at once,
/// so a text without tokens (nearly all) is read once.
static TOKENS: LazyLock<(RegexSet, Vec<Regex>)> = LazyLock::new(|| {
    let patterns = FORMATS.iter().map(|(_, re)| *re);
    let one = patterns.clone().map(|re| Regex::new(re).expect("valid regex")).collect();
    (RegexSet::new(patterns).expect("valid regexes"), one)
});

/// A private key to its END line, or to the end of the text when output was
/// cut before it (RSA, EC, OPENSSH, ENCRYPTED, PGP ... PRIVATE KEY [BLOCK]).
static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\z)",
    )
    .expect("valid regex")
});

/// Adds the tokens and private keys in `text` to `found`.
pub fn find(text: &str, found: &mut Vec<Finding>) {
    for m in PRIVATE_KEY.find_iter(text) {
        found.push(Finding { range: m.range(), kind: Kind::PrivateKey });
    }
    let (any, each) = &*TOKENS;
    for i in &any.matches(text) {
        let mut at = 0;
        while let Some(m) = each[i].find_at(text, at) {
            found.push(Finding { range: m.range(), kind: Kind::Token(FORMATS[i].0) });
            at = resume(m.as_str(), m.start());
        }
    }
}

/// The longest fixed prefix of a format (`github_pat_`).
const LONGEST_PREFIX: usize = 11;

/// Where to look for the next token of the same format after `token` (found
/// at `start`). A token glued to the next (`ghp_...ghp_...`) ends inside
/// that one's prefix, or, for a JWT, takes the next one's header into its
/// signature: looking again from there finds the next whole, while reading
/// each character at most twice.
fn resume(token: &str, start: usize) -> usize {
    let back = match token.match_indices('.').nth(1) {
        Some((signature, _)) if token.starts_with("eyJ") => signature + 1,
        _ => token.len().saturating_sub(LONGEST_PREFIX),
    };
    start + back.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut found = Vec::new();
        find(text, &mut found);
        found.into_iter().map(|f| (f.kind, &text[f.range])).collect()
    }

    #[test]
    fn tokens_glued_together_are_each_found_whole() {
        let github = format!("ghp_{}", "Q1w2E3r4T5".repeat(4));
        let text = format!("xoxb-1234567890{github}");
        let found = found(&text);
        assert!(
            found.iter().any(|(kind, token)| *kind == Kind::Token("GitHub") && *token == github),
            "{found:?}"
        );
    }

    #[test]
    fn a_routable_gitlab_token_is_found_with_its_checksum() {
        let token = format!("glpat-{}.01{}", "Ab9_-".repeat(6), "z9y8x7w");
        assert_eq!(found(&format!("t {token} ")), [(Kind::Token("GitLab"), token.as_str())]);
    }

    #[test]
    fn a_private_key_cut_short_is_hidden_to_the_end() {
        let text = "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\nAwEHoUQDQgAE";
        assert_eq!(found(text), [(Kind::PrivateKey, &text[5..])]);
    }

    #[test]
    fn look_alikes_are_no_tokens() {
        for text in [
            "npm_config_cache=/x",
            "ghp_short",
            "AKIAlower0000000000",
            "eyJhbGciOi.notjwt",
            "sk_live_",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }
}
