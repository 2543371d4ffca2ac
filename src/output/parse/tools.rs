//! Parsers for tools whose output trips the generic version: openssl, ssh,
//! docker/podman, gcc/clang, tmux.

use std::sync::LazyLock;

use regex::Regex;

use super::{capture, first_line, regex, version};

static OPENSSL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?m)^\s*(?:OpenSSL|LibreSSL|BoringSSL) (\d+\.\d+(?:\.\d+[a-z]{0,2})?(?:-(?:alpha|beta|pre)\d+|-dev)?)(?:[\s(-]|$)",
    )
});

/// `openssl version`: `OpenSSL 3.0.11 19 Sep 2023 (Library: ...)` ->
/// `3.0.11`, `OpenSSL 1.1.1w  11 Sep 2023` -> `1.1.1w`, `OpenSSL 0.9.8zh`
/// -> `0.9.8zh`, `OpenSSL 1.0.2k-fips` -> `1.0.2k`, macOS's `LibreSSL
/// 3.3.6` -> `3.3.6`. Pre-releases and builds from a development branch
/// keep their tag (`3.2.0-alpha1`, `1.1.1-pre9`, `1.1.1-dev`); LibreSSL's
/// first releases called themselves by two numbers (`LibreSSL 2.0`).
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
        r"(?m)^\s*(?:Docker|podman(?:-remote)?) version (\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)[.\d]*|-dev\b)?)",
    )
});

/// `docker --version` (`Docker version 24.0.7, build afdd53b` -> `24.0.7`;
/// Debian's `20.10.24+dfsg1` -> `20.10.24`) and `podman --version`
/// (`podman version 4.3.1`), also behind podman-docker's notice line.
/// Pre-releases keep their tag (`25.0.0-rc.1`), and so do builds of
/// podman's main branch, whose version is the next release's with `-dev`.
pub fn docker(raw: &str) -> Option<String> {
    capture(&DOCKER, raw)
}

static TMUX: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*tmux (next-)?(\d+\.\d+[a-z]?(?:-rc\d*)?)(?:\s|$)"));

/// `tmux -V`: `tmux 3.3a` -> `3.3a`; a build from tmux's master branch
/// names the release it leads to (`tmux next-3.4`) and becomes `3.4-next`,
/// which orders after 3.3a and before 3.4 (`next` is a pre-release word to
/// the loose comparator), as Go's tip builds become `1.23-devel-...`.
pub fn tmux(raw: &str) -> Option<String> {
    let caps = TMUX.captures(raw)?;
    let version = &caps[2];
    Some(match caps.get(1) {
        Some(_) => format!("{version}-next"),
        None => version.to_owned(),
    })
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
        assert_eq!(docker("podman version 5.7.0-dev").as_deref(), Some("5.7.0-dev"));
        assert_eq!(docker("podman version 5.7.0-devel").as_deref(), Some("5.7.0"));
        assert_eq!(ssh("OpenSSH_for_Windows_8.1p1, LibreSSL 3.0.2").as_deref(), Some("8.1p1"));
        assert_eq!(openssl("OpenSSL 3.2.0-alpha1 28 Jun 2023").as_deref(), Some("3.2.0-alpha1"));
        assert_eq!(openssl("OpenSSL 1.1.1-pre9 (beta) 21 Aug 2018").as_deref(), Some("1.1.1-pre9"));
        assert_eq!(openssl("OpenSSL 0.9.8zh 14 Jan 2016").as_deref(), Some("0.9.8zh"));
        assert_eq!(openssl("OpenSSL 1.0.2-chacha (1.0.2b-dev)").as_deref(), Some("1.0.2"));
        assert_eq!(openssl("LibreSSL 2.0").as_deref(), Some("2.0"));
        assert_eq!(openssl("OpenSSL 3"), None);
    }

    #[test]
    fn tmux_next_leads_to_its_release() {
        assert_eq!(tmux("tmux 3.3a\n").as_deref(), Some("3.3a"));
        assert_eq!(tmux("tmux next-3.4\n").as_deref(), Some("3.4-next"));
        assert_eq!(tmux("tmux 3.4-rc").as_deref(), Some("3.4-rc"));
        assert_eq!(tmux("tmux master"), None);
        assert_eq!(tmux("tmux: command not found"), None);
    }
}
