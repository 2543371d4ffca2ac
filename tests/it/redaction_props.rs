//! Properties of the redactor: on any text it never panics and its output
//! stays bounded; redacting twice changes nothing more than once; and a
//! generated secret (token, URL password, secret assignment, private key)
//! put in random surrounding text never survives.

use paritty::export::redact::{Options, REDACTED, Redactor};
use proptest::prelude::*;

fn redact(text: &str) -> String {
    Redactor::new(Options::default()).text(text)
}

fn config() -> ProptestConfig {
    // PROPTEST_CASES asks for a longer hunt; 300 keeps the suite quick.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300);
    // No regression files: a failure prints its minimal input instead.
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text made of the pieces secrets are made of, so the redactor's edges
/// (overlaps, quotes, `@` and `/` in URLs, half-finished blocks) get hit.
fn secretish_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9]{1,8}",
        "[ \t\n\"'=:@/?&#.,;-]",
        Just("API_TOKEN=".to_owned()),
        Just("password: ".to_owned()),
        Just("\"secret\": \"".to_owned()),
        Just("https://".to_owned()),
        Just("s3://u:".to_owned()),
        Just("?token=".to_owned()),
        Just("ghp_".to_owned()),
        Just("AKIA".to_owned()),
        Just("eyJ".to_owned()),
        Just("-----BEGIN RSA PRIVATE KEY-----".to_owned()),
        Just("-----END RSA PRIVATE KEY-----".to_owned()),
        Just(REDACTED.to_owned()),
        Just("/home/alice".to_owned()),
        Just("Bearer ".to_owned()),
        "[A-Za-z0-9]{36}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Random printable text around a secret, split from it by a blank (as a
/// URL or an assignment in running text is).
fn around(secret: String) -> impl Strategy<Value = (String, String)> {
    ("[ -~]{0,30}", "[ -~]{0,30}", "[ \n\t]", "[ \n\t]").prop_map(move |(before, after, a, b)| {
        (format!("{before}{a}{secret}{b}{after}"), secret.clone())
    })
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}",
        "github_pat_[A-Za-z0-9_]{82}",
        "glpat-[A-Za-z0-9_-]{20}",
        "xox[abpr]-[0-9]{10,13}-[A-Za-z0-9-]{10,30}",
        "(AKIA|ASIA)[A-Z0-9]{16}",
        "sk_live_[A-Za-z0-9]{24,99}",
        "AIza[A-Za-z0-9_-]{35}",
        "npm_[A-Za-z0-9]{36}",
        "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,100}",
        "eyJ[A-Za-z0-9_-]{10,40}\\.eyJ[A-Za-z0-9_-]{10,60}\\.[A-Za-z0-9_-]{0,43}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_is_redacted_without_panic_and_within_bounds(text in any::<String>()) {
        let out = redact(&text);
        prop_assert!(out.len() <= 10 * text.len(), "{} bytes from {}", out.len(), text.len());
    }

    #[test]
    fn secretish_text_stays_bounded(text in secretish_text()) {
        let out = redact(&text);
        prop_assert!(out.len() <= 10 * text.len(), "{} bytes from {}", out.len(), text.len());
    }

    #[test]
    fn redacting_twice_is_redacting_once(text in secretish_text()) {
        let once = redact(&text);
        prop_assert_eq!(redact(&once), once);
    }

    #[test]
    fn redacting_arbitrary_text_twice_is_redacting_once(text in any::<String>()) {
        let once = redact(&text);
        prop_assert_eq!(redact(&once), once);
    }

    #[test]
    fn tokens_never_survive(
        // Another token glued before it too: patterns overlap.
        (before, after) in (prop_oneof!["[ -~\n]{0,30}", token()], "[ -~\n]{0,30}"),
        token in token(),
    ) {
        let out = redact(&format!("{before}{token}{after}"));
        // Not even its end: a token cut in two leaks the rest.
        let end = &token[token.len() - 12..];
        prop_assert!(!out.contains(end), "{token} survived as {end} in {out}");
    }

    #[test]
    fn url_passwords_never_survive(
        (text, url, password, kept) in (
            "(https|postgres|mysql|s3|redis)",
            "[a-z][a-z0-9._-]{0,8}",
            "[A-Za-z][A-Za-z0-9/@:!$%*+.~_-]{3,24}",
            "[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,5})?(:[1-9][0-9]{1,3})?",
            "(/[A-Za-z0-9._-]{0,10}){0,3}",
        ).prop_flat_map(|(scheme, user, password, host, path)| {
            let url = format!("{scheme}://{user}:{password}@{host}{path}");
            let kept = format!("{scheme}://{REDACTED}@{host}{path}");
            around(url.clone())
                .prop_map(move |(text, _)| (text, url.clone(), password.clone(), kept.clone()))
        })
    ) {
        let out = redact(&text);
        prop_assert!(!out.contains(&password), "{password} survived in {out}");
        // Alone, it is cut at the right `@`: host and path are kept. (In
        // random text it may be hidden whole: `pw: https://...` is a
        // secret assignment.)
        prop_assert_eq!(redact(&url), kept);
    }

    #[test]
    fn secret_assignments_never_survive(
        (text, value) in (
            "(API_TOKEN|DB_PASSWORD|GH_PAT|aws_secret_access_key|clientSecret|X_AUTH)",
            "(=|: |[ \t]{1,2}=[ \t]{0,2}|\": \"|='|=\")",
            "[A-Za-z0-9!$%*+./:@^_~&#-]{4,24}",
        ).prop_flat_map(|(name, op, value)| {
            let close = match op.as_str() { "\": \"" | "=\"" => "\"", "='" => "'", _ => "" };
            let quote = if op.starts_with('"') { "\"" } else { "" };
            around(format!("{quote}{name}{op}{value}{close}"))
                .prop_map(move |(text, _)| (text, value.clone()))
        })
    ) {
        let out = redact(&text);
        prop_assert!(!out.contains(&value), "{value} survived in {out}");
    }

    #[test]
    fn private_keys_never_survive(
        (before, after) in ("[ -~\n]{0,30}", "[ -~\n]{0,30}"),
        kind in "(RSA |EC |OPENSSH |ENCRYPTED |)",
        lines in prop::collection::vec("[A-Za-z0-9+/]{16,64}", 1..5),
        ended in any::<bool>(),
    ) {
        let body = lines.join("\n");
        let end = if ended { format!("\n-----END {kind}PRIVATE KEY-----") } else { String::new() };
        let text = format!("{before}-----BEGIN {kind}PRIVATE KEY-----\n{body}{end}{after}");
        let out = redact(&text);
        for line in &lines {
            prop_assert!(!out.contains(line.as_str()), "{line} survived in {out}");
        }
    }
}

/// Found by `secret_assignments_never_survive`: a name before the secret
/// one, with its own colon, must not hide the secret's value.
#[test]
fn an_assignment_after_another_name_is_still_redacted() {
    let text = "pW: API_TOKEN=\"P&%.5%**~*&.!f~H!Yi+\"\t";
    let out = redact(text);
    assert!(!out.contains("P&%.5%**~*&.!f~H!Yi+"), "{out}");
}
