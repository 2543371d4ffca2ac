//! Parsers for language runtimes: java, go, node, python, ruby, perl.

use std::sync::LazyLock;

use regex::Regex;

use super::{bare_version, capture, first_capture, regex};

/// `java -version` (any vendor, JDK 8 to current): the quoted version.
static JAVA_QUOTED: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"(?m)^\s*(?:openjdk|java) version "([^"\s]+)""#));
/// `java --version` (JDK 9+): `openjdk 17.0.15 2025-04-15`.
static JAVA_PLAIN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*(?:openjdk|java) (\d[\w.+-]*)(?:\s|$)"));

/// `java -version` in every vendor's wording (the `OpenJDK` builds, Temurin,
/// Corretto, Zulu, Oracle, Graal), also after `Picked up JAVA_TOOL_OPTIONS` lines:
/// the version string as the JVM quotes it (`1.8.0_392`, `21`, `17.0.9`).
pub fn java(raw: &str) -> Option<String> {
    first_capture(&[&JAVA_QUOTED, &JAVA_PLAIN], raw)
}

static GO_RELEASE: LazyLock<Regex> = LazyLock::new(|| regex(r"\bgo version go(\d\S*)"));
static GO_DEVEL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\bgo version devel (?:go(\d+(?:\.\d+)*)(?:-(\w+))?|\+?(\w+))"));

/// `go version`: `go1.22.1` -> `1.22.1`, `go1.21rc2` -> `1.21rc2`. A tip
/// build (`devel go1.23-0a6f05e2d4 ...`) becomes `1.23-devel-0a6f05e2d4`,
/// which orders before the release it leads to; an old tip build without a
/// version (`devel +b7a8e7a6 ...`) becomes `devel+b7a8e7a6`.
pub fn go(raw: &str) -> Option<String> {
    if let Some(v) = capture(&GO_RELEASE, raw) {
        return Some(v);
    }
    let caps = GO_DEVEL.captures(raw)?;
    match (caps.get(1), caps.get(2), caps.get(3)) {
        (Some(v), Some(rev), _) => Some(format!("{}-devel-{}", v.as_str(), rev.as_str())),
        (Some(v), None, _) => Some(format!("{}-devel", v.as_str())),
        (None, _, Some(rev)) => Some(format!("devel+{}", rev.as_str())),
        _ => None,
    }
}

/// `node --version`: `v20.20.2` -> `20.20.2`, nightlies keep their tag
/// (`v22.0.0-nightly2024010136e8c3a4b1`); warning lines around it are skipped.
pub fn node(raw: &str) -> Option<String> {
    bare_version(raw)
}

static PYTHON: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*Python (\d+\.\d+[0-9A-Za-z.+]*)"));

/// `python --version` (`Python 3.11.7`, `Python 3.13.0rc2`, `Python 2.7.18`
/// on stderr). A pyenv shim for a missing version mentions versions too, but
/// never as `Python X.Y`, so it gives `None`.
pub fn python(raw: &str) -> Option<String> {
    capture(&PYTHON, raw)
}

static RUBY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*ruby (\d+\.\d+\.\d+)((?:preview|rc|dev)\d*)?(?:p\d+)?\b"));

/// `ruby --version`: `ruby 3.1.2p20 (...)` -> `3.1.2` (the patch level is a
/// build number), `ruby 3.4.0preview1` keeps its pre-release tag.
pub fn ruby(raw: &str) -> Option<String> {
    let caps = RUBY.captures(raw)?;
    let tag = caps.get(2).map_or("", |m| m.as_str());
    Some(format!("{}{tag}", &caps[1]))
}

static PERL5: LazyLock<Regex> =
    LazyLock::new(|| regex(r"This is perl (\d+), version (\d+), subversion (\d+)"));
static PERL_OLD: LazyLock<Regex> = LazyLock::new(|| regex(r"This is perl, v(\d+\.\d+\.\d+)"));
static PERL_V: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*v(\d+\.\d+\.\d+)\s*$"));

/// `perl -v`: `This is perl 5, version 36, subversion 0 (v5.36.0)` ->
/// `5.36.0`; also the 5.8-era `This is perl, v5.8.8` and `$^V`'s `v5.36.0`.
pub fn perl(raw: &str) -> Option<String> {
    if let Some(caps) = PERL5.captures(raw) {
        return Some(format!("{}.{}.{}", &caps[1], &caps[2], &caps[3]));
    }
    first_capture(&[&PERL_OLD, &PERL_V], raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_forms() {
        let cases = [
            ("go version go1.22.1 linux/amd64", Some("1.22.1")),
            ("go version go1.21rc2 darwin/arm64", Some("1.21rc2")),
            ("go version go1.20.14 X:boringcrypto linux/amd64", Some("1.20.14")),
            (
                "go version devel go1.25-039b3ebeba Fri Feb 28 2025 linux/amd64",
                Some("1.25-devel-039b3ebeba"),
            ),
            ("go version devel go1.23.0 custom-build linux/amd64", Some("1.23.0-devel")),
            ("go version devel +b7a8e7a6 Thu Nov 19 2020 linux/amd64", Some("devel+b7a8e7a6")),
            ("go: command not found", None),
        ];
        for (raw, want) in cases {
            assert_eq!(go(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn ruby_drops_patch_level_keeps_preview() {
        assert_eq!(
            ruby("ruby 3.4.0preview1 (2024-05-16 master 9d69619623) [x86_64-linux]").as_deref(),
            Some("3.4.0preview1")
        );
        assert_eq!(
            ruby("ruby 2.7.8p225 (2023-03-30 revision 1f4d455848) [x86_64-linux]").as_deref(),
            Some("2.7.8")
        );
        assert_eq!(ruby("jruby 9.4.5.0 (3.1.4) 2023-11-02"), None);
    }

    #[test]
    fn perl_dollar_v_and_java_quoted_only_on_its_own_line() {
        assert_eq!(perl("v5.36.0\n").as_deref(), Some("5.36.0"));
        assert_eq!(java("Picked up _JAVA_OPTIONS: -Dx=\"java version \\\"9\\\"\"\n"), None);
    }
}
