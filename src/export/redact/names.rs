//! Whether a name (a variable, a file key, a JSON key, a query parameter)
//! says its value is a secret.

/// Parts of names that mark a secret anywhere in the name, matched
/// case-insensitively: GITHUB_TOKEN, DB_PASSWORD, AWS_SECRET_ACCESS_KEY,
/// clientSecret.
const SECRET_PARTS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PWD_",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN",
    "SALT",
];

/// Short words that mark a secret only as a whole word of the name (GH_PAT,
/// NPM_PASS, DB_PW), since inside other words they mean nothing (PATH,
/// COMPASS).
const SECRET_WORDS: &[&str] = &["PAT", "PASS", "PW", "PWD", "CREDS", "JWT", "BEARER"];

/// Names that end like a secret but are not one.
const NOT_SECRET: &[&str] = &["PWD", "OLDPWD"];

/// Words that hold a secret part by chance (a package's `author`, a
/// keyboard), taken out of a name before its parts are looked at.
const BENIGN: &[&str] = &[
    "AUTHOR",
    "KEYWORD",
    "KEYBOARD",
    "KEYMAP",
    "KEYCODE",
    "KEYBIND",
    "KEYSTROKE",
    "HOTKEY",
    "MONKEY",
    "DONKEY",
    "TURKEY",
    "HOCKEY",
    "WHISKEY",
];

/// Pieces of which a secret name holds at least one (case-insensitively):
/// each of `SECRET_PARTS` and `SECRET_WORDS` holds one, and rewriting the
/// name below (`AUTHZ`, `_` for a benign word) makes none anew. Most names
/// hold none, and are told apart without building a string.
const NEEDED: &[&[u8]] = &[
    b"TOKEN",
    b"SECRET",
    b"PASS",
    b"PW",
    b"KEY",
    b"CRED",
    b"AUTH",
    b"PRIVATE",
    b"SESSION",
    b"COOKIE",
    b"SIGNATURE",
    b"DSN",
    b"SALT",
    b"PAT",
    b"JWT",
    b"BEARER",
];

/// Whether `haystack` holds `needle` (upper case ASCII), ignoring ASCII case.
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len()
        && haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether a variable's (or key's) name says its value is a secret.
pub fn is_secret_name(name: &str) -> bool {
    if !NEEDED.iter().any(|piece| holds(name.as_bytes(), piece)) {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    if NOT_SECRET.contains(&upper.as_str()) {
        return false;
    }
    // Authorization is no author.
    let upper = upper.replace("AUTHORIZ", "AUTHZ").replace("AUTHORIS", "AUTHZ");
    let parts = BENIGN.iter().fold(upper.clone(), |name, word| name.replace(word, "_"));
    SECRET_PARTS.iter().any(|part| parts.contains(part))
        || upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| SECRET_WORDS.contains(&word))
        || upper.ends_with("PWD")
}
