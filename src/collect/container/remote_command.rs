//! The lines an SSH host's login shell runs for a container engine: every
//! word paritty passes is single-quoted (and the words themselves were
//! checked: container names, fixed `--format` templates), the logic is a
//! fixed `/bin/sh -c` script, so nothing from outside is ever read as
//! shell code there.

use super::Engine;
use crate::probe::script::quote;

/// Bytes of the engine's stderr the host passes on during a probe (its
/// complaints are a line or two; a container printing more is cut).
pub const STDERR_CAP: usize = 8 * 1024;

/// `ENGINE args...` on the host; exit status 127 (and nothing printed)
/// when the engine's CLI is not on the PATH of its SSH sessions.
pub fn question(engine: Engine, args: &[&str]) -> String {
    let script = r#"command -v "$0" >/dev/null 2>&1 || exit 127; exec "$0" "$@""#;
    words(&[script, engine.program()], args)
}

/// `ENGINE exec -i CONTAINER /bin/sh -s` on the host, the probe on its
/// stdin. Run under `timeout` where the host has it: TERM after `limit`
/// seconds, KILL one later, to its whole process group, so an exec that
/// hangs leaves no engine client behind once paritty has given up (exit
/// status 124, or 137 when KILL was needed). The engine's stderr goes
/// through `head -c`, so a container cannot make the host send more than
/// [`STDERR_CAP`] bytes of it, and the engine's own exit status is passed
/// back through a pipe of its own (a pipeline's status is its last
/// command's). Exit status 127 and a line saying so: no such engine there
/// (`inspect` found it first, so it went meanwhile).
pub fn probe(engine: Engine, container: &str, limit_secs: u64) -> String {
    let script = concat!(
        r#"t=$0; command -v "$1" >/dev/null 2>&1 || { echo "$1: not found on the host" >&2; exit 127; }; "#,
        r#"command -v timeout >/dev/null 2>&1 && set -- timeout -k 1 "$t" "$@"; "#,
        r#"exec 3>&1; "#,
        r#"r=$( { { "$@" 2>&1 >&3 3>&- 4>&-; echo "$?" >&4; } | head -c CAP >&2; } 4>&1 ); "#,
        r#"exit "${r:-1}""#
    )
    .replace("CAP", &STDERR_CAP.to_string());
    let limit = limit_secs.max(1).to_string();
    words(&[&script, &limit, engine.program()], &["exec", "-i", container, "/bin/sh", "-s"])
}

/// `/bin/sh -c SCRIPT $0 args...`, every word quoted.
fn words(head: &[&str], args: &[&str]) -> String {
    let mut line = String::from("/bin/sh -c");
    for word in head.iter().chain(args) {
        line.push(' ');
        line.push_str(&quote(word));
    }
    line
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    use super::*;

    /// The line as the login shell splits it: run through `sh -c` with a
    /// stand-in engine on PATH that prints its arguments.
    fn run(line: &str, engine_body: Option<&str>, stdin: &str) -> (Option<i32>, String, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(body) = engine_body {
            let path = dir.path().join("podman");
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        // Only what the lines use: no real engine may be found.
        for tool in ["head", "timeout", "cat", "sleep", "yes"] {
            let real = ["/usr/bin", "/bin"]
                .iter()
                .map(|d| std::path::Path::new(d).join(tool))
                .find(|p| p.exists())
                .expect("coreutils");
            std::os::unix::fs::symlink(real, dir.path().join(tool)).expect("link");
        }
        let path = dir.path().display().to_string();
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(line)
            .env("PATH", path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("sh");
        child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
        let out = child.wait_with_output().expect("wait");
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    }

    #[test]
    fn questions_pass_their_words_as_they_are() {
        let line = question(Engine::Podman, &["inspect", "--format", "{{.A}}\t$HOME `x` ;", "web"]);
        let (code, out, _) = run(&line, Some(r#"printf '[%s]' "$@""#), "");
        assert_eq!(code, Some(0));
        assert_eq!(out, "[inspect][--format][{{.A}}\t$HOME `x` ;][web]");
        let (code, out, err) = run(&line, None, "");
        assert_eq!((code, out.as_str(), err.as_str()), (Some(127), "", ""));
    }

    #[test]
    fn the_probe_reaches_the_engine_with_its_status_and_capped_complaints() {
        let line = probe(Engine::Podman, "web", 30);
        // stdin reaches the engine, stdout stays stdout, stderr is kept.
        let body = r#"printf '[%s]' "$@"; cat; echo oops >&2; exit 3"#;
        let (code, out, err) = run(&line, Some(body), "probe text");
        assert_eq!(code, Some(3));
        assert_eq!(out, "[exec][-i][web][/bin/sh][-s]probe text");
        assert_eq!(err, "oops\n");
        // A flood of complaints is cut on the host.
        let (_, _, err) = run(&line, Some("yes complaint >&2"), "");
        assert_eq!(err.len(), STDERR_CAP);
        let (code, _, err) = run(&line, None, "");
        assert_eq!((code, err.as_str()), (Some(127), "podman: not found on the host\n"));
    }

    #[test]
    fn an_engine_that_hangs_is_ended_at_the_limit() {
        let started = std::time::Instant::now();
        let (code, _, _) = run(&probe(Engine::Podman, "web", 1), Some("exec sleep 30"), "");
        assert!(matches!(code, Some(124 | 137)), "{code:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
