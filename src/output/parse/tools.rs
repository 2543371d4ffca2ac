//! Parsers for tools whose output trips the generic version: openssl, ssh,
//! docker/podman, gcc/clang.

use std::sync::LazyLock;

use regex::Regex;

use super::{capture, first_line, regex, version};

static OPENSSL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?m)^\s*(?:OpenSSL|LibreSSL|BoringSSL) (\d+\.\d+\.\d+[a-z]?(?:-(?:alpha|beta)\d+)?)")
});

/// `openssl version`: `OpenSSL 3.0.11 19 Sep 2023 (Library: ...)` ->
/// `3.0.11`, `OpenSSL 1.1.1w  11 Sep 2023` -> `1.1.1w`,
/// `OpenSSL 1.0.2k-fips` -> `1.0.2k`, macOS's `LibreSSL 3.3.6` -> `3.3.6`.
pub fn openssl(raw: &str) -> Option<String> {
    capture(&OPENSSL, raw)
}

static SSH: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\bOpenSSH_(?:for_Windows_)?(\d+\.\d+(?:\.\d+)?(?:p\d+)?)"));

/// `ssh -V` (on stderr): `OpenSSH_9.2p1 Debian-2+deb12u2, OpenSSL 3.0.11 ...`
/// -> `9.2p1`; the distro revision and the TLS library are left out.
pub fn ssh(raw: &str) -> Option<String> {
    capture(&SSH, raw)
}

static DOCKER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?m)^\s*(?:Docker|podman(?:-remote)?) version (\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)[.\d]*)?)",
    )
});

/// `docker --version` (`Docker version 24.0.7, build afdd53b` -> `24.0.7`;
/// Debian's `20.10.24+dfsg1` -> `20.10.24`) and `podman --version`
/// (`podman version 4.3.1`), also behind podman-docker's notice line.
pub fn docker(raw: &str) -> Option<String> {
    capture(&DOCKER, raw)
}

static CLANG: LazyLock<Regex> = LazyLock::new(|| regex(r"\bclang version (\d+\.\d+\.\d+)"));

/// `gcc --version`, `g++ --version`, `cc --version`: the version after the
/// parenthesized package note of the first line (`gcc (Debian 12.2.0-14)
/// 12.2.0`, `gcc (GCC) 13.2.1 20231011 (Red Hat 13.2.1-4)` -> `13.2.1`).
/// On macOS `gcc` is clang: `Apple clang version 15.0.0 (...)` -> `15.0.0`.
pub fn gcc(raw: &str) -> Option<String> {
    if let Some(v) = capture(&CLANG, raw) {
        return Some(v);
    }
    let line = first_line(raw)?;
    version(after_first_paren_group(&line)?)
}

/// The text after the first top-level `( ... )` group, nested groups
/// included (`x (a (b)) 1.2` -> ` 1.2`).
fn after_first_paren_group(line: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in line.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return Some(&line[i + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcc_variants() {
        let cases = [
            ("gcc (Alpine 15.2.0) 15.2.0\nCopyright (C) 2025", Some("15.2.0")),
            ("gcc (x86_64-posix-seh-rev0, Built by MinGW-W64 project) 8.1.0", Some("8.1.0")),
            ("cc (GCC (nested) build) 9.4.0", Some("9.4.0")),
            ("Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu", Some("14.0.6")),
            ("gcc: command not found", None),
            ("gcc (unterminated 1.2.3", None),
        ];
        for (raw, want) in cases {
            assert_eq!(gcc(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn docker_rc_and_windows_ssh() {
        assert_eq!(
            docker("Docker version 25.0.0-rc.1, build 7cd3ad5").as_deref(),
            Some("25.0.0-rc.1")
        );
        assert_eq!(docker("Docker Compose version v2.23.3"), None);
        assert_eq!(ssh("OpenSSH_for_Windows_8.1p1, LibreSSL 3.0.2").as_deref(), Some("8.1p1"));
        assert_eq!(openssl("OpenSSL 3.2.0-alpha1 28 Jun 2023").as_deref(), Some("3.2.0-alpha1"));
    }
}
