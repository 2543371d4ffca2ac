//! Named parsers: raw output of a version command -> normalized value.
//!
//! Each is a plain function so local and remote collection share them. They
//! take what the probe printed (stdout and stderr merged in order, control
//! sequences already stripped) and return the upstream version string without
//! a leading `v`, or `None` when the output does not contain what they look
//! for; the collector then records the fact as an `error` and keeps the raw
//! output. The awkward formats live in the submodules, grouped by kind.

mod runtimes;
mod services;
mod system;
mod tools;

use std::sync::LazyLock;

use regex::Regex;

pub use runtimes::{go, java, node, perl, python, ruby};
pub use services::{apache, mongodb, mysql, mysql_flavor, nginx, postgres, redis};
pub use system::{libc, memory};
pub use tools::{docker, gcc, openssl, ssh, tmux};

pub type ParserFn = fn(&str) -> Option<String>;

/// Every parser a profile may name; an unknown name is refused with this list.
pub const NAMES: &[&str] = &[
    "first-line",
    "trim",
    "version",
    "bare-version",
    "java",
    "go",
    "node",
    "python",
    "ruby",
    "perl",
    "nginx",
    "apache",
    "mysql",
    "mysql-flavor",
    "postgres",
    "redis",
    "mongodb",
    "openssl",
    "ssh",
    "docker",
    "gcc",
    "tmux",
    "libc",
    "memory",
    "revision",
];

pub fn lookup(name: &str) -> Option<ParserFn> {
    let parser: ParserFn = match name {
        "first-line" => first_line,
        "trim" => trim,
        "version" => version,
        "bare-version" => bare_version,
        "java" => java,
        "go" => go,
        "node" => node,
        "python" => python,
        "ruby" => ruby,
        "perl" => perl,
        "nginx" => nginx,
        "apache" => apache,
        "mysql" => mysql,
        "mysql-flavor" => mysql_flavor,
        "postgres" => postgres,
        "redis" => redis,
        "mongodb" => mongodb,
        "openssl" => openssl,
        "ssh" => ssh,
        "docker" => docker,
        "gcc" => gcc,
        "tmux" => tmux,
        "libc" => libc,
        "memory" => memory,
        "revision" => revision,
        _ => return None,
    };
    Some(parser)
}

/// The first non-blank line, trimmed.
pub fn first_line(raw: &str) -> Option<String> {
    raw.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned)
}

/// A git object name (7 to 64 hex digits, lowercased) alone on the first
/// non-empty line: `git rev-parse HEAD`, a `REVISION` file, `GIT_SHA`.
/// Anything else (a branch name, a tag, text with escapes) is no revision:
/// it is later handed to git, so only what git can only read as a name
/// passes.
pub fn revision(raw: &str) -> Option<String> {
    let line = first_line(raw)?;
    let hex = (7..=64).contains(&line.len()) && line.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| line.to_ascii_lowercase())
}

/// The whole output, trimmed.
pub fn trim(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A dotted version not glued to a word or another number on its left
/// (`jq-1.6`, `OpenSSH_9.2p1` and `Python/3.11` count, `go1.22` and
/// `libssl1.1` do not), with
/// - a suffix glued to it: lowercase letters (`1.1.1w`, `9.2p1`, `3.3a`,
///   `3.13.0rc2`) or an uppercase pre-release word (PHP's `8.3.0RC3`);
/// - a pre-release word after a dash or a dot, in any case, with its
///   numbers (`25.0.0-rc.1`, `1.80.0-nightly`, curl's `8.8.1-DEV`, git's
///   `2.23.0.rc0`, pip's `24.1.dev0`);
/// - a `git describe` tail, kept whole because it is the version of a
///   development build: commits since the tag and the abbreviated commit
///   (`1.6-159-gcff5336`, with a word before the hash as in macOS's
///   `1.6-159-apple-gcff5336-dirty`; git's own `2.45.0.268.g1234abcd`).
///
/// Other dashed tails (`-MariaDB`, `-1ubuntu1`, `-27`, `.windows.1`) are
/// packaging and are left out.
static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?:^|[^A-Za-z0-9.])v?(\d+(?:\.\d+)+",
        r"(?:[a-z]{1,7}\d*|(?:RC|ALPHA|BETA|DEV|PRE)\d*)?",
        r"(?:[.-](?i:alpha|beta|rc|preview|pre|dev|nightly|ea|snapshot)(?:\.?\d+)*\b)?",
        r"(?:-\d+-(?:[A-Za-z]+-)?g[0-9a-f]{4,40}(?:-dirty)?\b|\.g[0-9a-f]{4,40}(?:\.dirty)?\b)?)",
    ))
});

/// The first dotted version number in the output (`git version 2.47.3` ->
/// `2.47.3`, `v20.20.2` -> `20.20.2`, `OpenSSH_9.2p1` -> `9.2p1`).
pub fn version(raw: &str) -> Option<String> {
    capture(&VERSION, raw)
}

/// A line holding nothing but a version, `v` optional, with a dashed tail
/// (`-preview.3.24204.13`, `-nightly2024...`) or a dotted pre-release as
/// RubyGems writes them (`3.6.0.dev`, `4.0.0.beta1`).
static BARE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?m)^\s*v?(\d+(?:\.\d+)+(?:-[0-9A-Za-z.]+|\.[A-Za-z][0-9A-Za-z.]*)?)\s*$")
});

/// The first line that holds nothing but a version (`npm --version`'s
/// `10.2.4`, `v8.56.0`), so a version quoted inside an error message (a
/// `global.json` asking for an SDK that is not there) is not taken for the
/// installed one.
pub fn bare_version(raw: &str) -> Option<String> {
    capture(&BARE_VERSION, raw)
}

/// Compiles one of the parsers' own patterns; they are fixed and tested.
/// ASCII classes where the pattern allows (versions are ASCII): Unicode's
/// `\w`/`\d`/`\s` made compiling the default profile's patterns a tenth
/// of paritty's own CPU for one host. A pattern that could then match
/// half a character (`.`, `[^x]`) keeps Unicode.
fn regex(pattern: &str) -> Regex {
    regex::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| Regex::new(pattern))
        .expect("static parser regex compiles")
}

/// Capture group 1 of the first match.
fn capture(re: &Regex, raw: &str) -> Option<String> {
    re.captures(raw).and_then(|c| c.get(1)).map(|m| m.as_str().to_owned())
}

/// Capture group 1 of the first of `patterns` that matches.
fn first_capture(patterns: &[&Regex], raw: &str) -> Option<String> {
    patterns.iter().find_map(|re| capture(re, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_and_every_parser_is_named() {
        for name in NAMES {
            assert!(lookup(name).is_some(), "{name} is listed but not resolved");
        }
        assert!(lookup("nope").is_none());
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NAMES.len(), "duplicate parser name");
    }

    #[test]
    fn generic_version_keeps_glued_letters_and_drops_packaging() {
        let cases = [
            ("git version 2.47.3", Some("2.47.3")),
            ("v20.20.2", Some("20.20.2")),
            ("OpenSSL 1.1.1w  11 Sep 2023", Some("1.1.1w")),
            ("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19", Some("9.2p1")),
            ("mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian", Some("15.1")),
            ("Distrib 10.11.6-MariaDB,", Some("10.11.6")),
            ("Python 3.13.0rc2", Some("3.13.0rc2")),
            ("tmux 3.3a", Some("3.3a")),
            ("jq-1.6", Some("1.6")),
            ("Docker version 25.0.0-rc.1, build 1", Some("25.0.0-rc.1")),
            ("PHP 8.1.2-1ubuntu2.14 (cli)", Some("8.1.2")),
            ("rustc 1.80.0-nightly (1ba35e9bb 2024-05-25)", Some("1.80.0-nightly")),
            ("PHP 8.4.0RC1 (cli) (built: Sep 27 2024 04:53:00) (NTS)", Some("8.4.0RC1")),
            ("curl 8.8.0-DEV (x86_64-pc-linux-gnu) libcurl/8.8.0-DEV", Some("8.8.0-DEV")),
            ("git version 2.45.0.rc1", Some("2.45.0.rc1")),
            ("git version 2.45.0.rc1.12.gabcdef0", Some("2.45.0.rc1.12.gabcdef0")),
            ("git version 2.44.0.769.g3c40516874-goog", Some("2.44.0.769.g3c40516874")),
            ("git version 2.45.2.windows.1", Some("2.45.2")),
            ("pip 24.1.dev0 from /usr/lib/python3/dist-packages/pip", Some("24.1.dev0")),
            ("v1.2.3-14-gdeadbee", Some("1.2.3-14-gdeadbee")),
            ("jq-1.6-159-apple-gcff5336-dirty", Some("1.6-159-apple-gcff5336-dirty")),
            ("PowerShell 7.5.0-preview.3", Some("7.5.0-preview.3")),
            ("x 1.2.3-preliminary", Some("1.2.3")),
            ("Linux 5.15.0-91-generic", Some("5.15.0")),
            ("v3.13.2+g2a2fb3b", Some("3.13.2")),
            ("GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)", Some("5.2.15")),
            ("go version go1.22.1 linux/amd64", None),
            ("libssl1.1 x86_64", None),
            ("no digits here", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(version(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn bare_version_wants_a_line_of_its_own() {
        assert_eq!(bare_version("10.2.4\n").as_deref(), Some("10.2.4"));
        assert_eq!(bare_version("npm WARN config x\nv8.56.0\n").as_deref(), Some("8.56.0"));
        assert_eq!(bare_version("26").as_deref(), None);
        assert_eq!(
            bare_version("9.0.100-preview.3.24204.13\n").as_deref(),
            Some("9.0.100-preview.3.24204.13")
        );
        assert_eq!(bare_version("3.6.0.dev\n").as_deref(), Some("3.6.0.dev"));
        assert_eq!(bare_version("4.0.0.beta1").as_deref(), Some("4.0.0.beta1"));
        assert_eq!(bare_version("Requested SDK version: 8.0.100\n"), None);
    }

    #[test]
    fn first_line_and_trim_skip_blank_lines() {
        assert_eq!(first_line("\n  \n  Etc/UTC  \nx").as_deref(), Some("Etc/UTC"));
        assert_eq!(first_line(" \n\t\n"), None);
        assert_eq!(trim("  a\nb \n").as_deref(), Some("a\nb"));
        assert_eq!(trim(" \n"), None);
    }
}
