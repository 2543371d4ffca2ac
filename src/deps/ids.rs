//! Fact ids of packages, `deps.<ecosystem>.<name>`: a fact id holds only
//! lowercase letters, digits, `.`, `_` and `-` (profile::load), and npm's
//! and RubyGems' names hold `@`, `/` and capitals, so a name is written
//! reversibly: those characters stay, and `_` starts an escape (`__` an
//! underscore, `_a` `@`, `_s` `/`, `_u` then the letter for a capital,
//! `_x` then two hex digits for any other byte). `@babel/core` is
//! `deps.node._ababel_score`; Python's names, PEP 503 normalized, are
//! their own ids (`deps.python.charset-normalizer`).

use std::fmt::Write as _;

use super::Ecosystem;

/// The fact id of package `name` of `ecosystem`.
pub fn fact_id(ecosystem: Ecosystem, name: &str) -> String {
    format!("deps.{}.{}", ecosystem.as_str(), encode(name))
}

/// The ecosystem and package name a `deps.*` fact id stands for.
pub fn parse_fact_id(id: &str) -> Option<(Ecosystem, String)> {
    let rest = id.strip_prefix("deps.")?;
    let (word, name) = rest.split_once('.')?;
    let ecosystem = Ecosystem::ALL.into_iter().find(|e| e.as_str() == word)?;
    Some((ecosystem, decode(name)?))
}

/// A name as fact-id characters (see the module's comment).
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for b in name.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' => out.push(char::from(b)),
            b'_' => out.push_str("__"),
            b'@' => out.push_str("_a"),
            b'/' => out.push_str("_s"),
            b'A'..=b'Z' => {
                out.push_str("_u");
                out.push(char::from(b.to_ascii_lowercase()));
            }
            _ => {
                let _ = write!(out, "_x{b:02x}");
            }
        }
    }
    out
}

/// The name an encoded id part stands for; `None` for one `encode` never
/// writes.
pub fn decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' => out.push(b),
            b'_' => match bytes.next()? {
                b'_' => out.push(b'_'),
                b'a' => out.push(b'@'),
                b's' => out.push(b'/'),
                b'u' => match bytes.next()? {
                    c @ b'a'..=b'z' => out.push(c.to_ascii_uppercase()),
                    _ => return None,
                },
                b'x' => {
                    let hex = [bytes.next()?, bytes.next()?];
                    let hex = std::str::from_utf8(&hex).ok()?;
                    let byte = u8::from_str_radix(hex, 16).ok()?;
                    // Only what `encode` escapes this way, in its spelling.
                    if byte.is_ascii_lowercase()
                        || byte.is_ascii_uppercase()
                        || byte.is_ascii_digit()
                        || b"._-@/".contains(&byte)
                        || hex.bytes().any(|h| h.is_ascii_uppercase())
                    {
                        return None;
                    }
                    out.push(byte);
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_become_valid_ids_and_back() {
        assert_eq!(fact_id(Ecosystem::Node, "@babel/core"), "deps.node._ababel_score");
        assert_eq!(
            fact_id(Ecosystem::Python, "charset-normalizer"),
            "deps.python.charset-normalizer"
        );
        assert_eq!(fact_id(Ecosystem::Ruby, "RedCloth"), "deps.ruby._ured_ucloth");
        assert_eq!(fact_id(Ecosystem::Ruby, "net_http"), "deps.ruby.net__http");
        assert_eq!(fact_id(Ecosystem::Node, "a~b"), "deps.node.a_x7eb");
        assert_eq!(
            parse_fact_id("deps.node._ababel_score"),
            Some((Ecosystem::Node, "@babel/core".to_owned()))
        );
        assert_eq!(parse_fact_id("deps.go.x"), None);
        assert_eq!(decode("_q"), None);
        assert_eq!(decode("_x41"), None, "a letter is never hex-escaped");
    }

    proptest! {
        #[test]
        fn encoding_is_reversible_and_valid(name in "\\PC{0,40}") {
            let encoded = encode(&name);
            prop_assert!(encoded.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)));
            prop_assert_eq!(decode(&encoded), Some(name));
        }

        #[test]
        fn decoding_garbage_never_panics_and_round_trips(text in "[a-z_x0-9.-]{0,30}") {
            if let Some(name) = decode(&text) {
                prop_assert_eq!(encode(&name), text);
            }
        }
    }
}
