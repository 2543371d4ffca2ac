//! Reading an engine's complaint into a failure with its reason and what to
//! do about it (ARCHITECTURE.md, "Host status"). Engines say the same
//! things in different words: Docker and Podman's phrasings are matched
//! here, lowercase, and anything else is `probe-failed` with the engine's
//! own first line.

use crate::model::{FailReason, Failure};

fn fail(reason: FailReason, message: String) -> Failure {
    Failure::new(reason, message)
}

/// No CLI of any of `engines` (their program names) on PATH.
pub fn not_installed(engines: &[&str]) -> Failure {
    let message = match engines {
        [one] => {
            format!("`{one}` is not installed (not on PATH): install it, or name the other engine")
        }
        _ => format!(
            "neither {} is installed (not on PATH): install one, or choose it with --engine",
            engines.join(" nor ")
        ),
    };
    fail(FailReason::EngineUnavailable, message)
}

/// No CLI of `engine` on the PATH an SSH host gives its sessions (said
/// with [`on_host`]).
pub fn not_installed_remotely(engine: &str) -> Failure {
    fail(
        FailReason::EngineUnavailable,
        format!(
            "`{engine}` is not installed (not on the PATH of SSH sessions): install it on the host, or name the other engine"
        ),
    )
}

/// `f`, said to have happened on SSH host `host`.
pub fn on_host(f: &Failure, host: &str) -> Failure {
    fail(f.reason, format!("on {host}: {}", f.message()))
}

/// The host deadline passed while the engine was asked `what`.
pub fn deadline(engine: &str, what: &str) -> Failure {
    fail(
        FailReason::Timeout,
        format!(
            "{engine} {what} did not answer before the host deadline: see whether the engine hangs, or raise --host-timeout"
        ),
    )
}

/// The engine's first meaningful line, for messages: not podman-docker's
/// notice, nor what sshd says to a user without a home folder.
pub fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| {
            !l.is_empty()
                && !l.starts_with("Emulate Docker CLI")
                && !l.starts_with("Could not chdir to home directory")
        })
        .unwrap_or("")
}

/// A failed `inspect`, `exec` or `run` of container `name`.
pub fn classify(engine: &str, name: &str, said: &str) -> Failure {
    let lower = said.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let line = first_line(said);
    if has(&["no such container", "no container with name or id"]) {
        return fail(
            FailReason::NotFound,
            format!(
                "no container `{name}` in {engine}: check the name (`{engine} ps -a` lists them)"
            ),
        );
    }
    if has(&["container state improper", "is not running", "is paused"]) {
        return stopped(engine, name, "not running");
    }
    if no_shell(&lower) {
        return fail(
            FailReason::NoShell,
            format!(
                "`{name}` has no /bin/sh (a distroless or scratch image?): the probe needs a POSIX shell in the container"
            ),
        );
    }
    if has(&["setrlimit", "cgroups in hybrid mode", "oci permission denied"]) {
        return fail(
            FailReason::ProbeFailed,
            format!(
                "the container runtime refused to start it ({line}): see README, \"Containers\", for `engine_run_args`"
            ),
        );
    }
    let socket = has(&["permission denied"]) && has(&["sock"]);
    if socket
        || has(&[
            "cannot connect to the docker daemon",
            "connection refused",
            "is the docker daemon running",
        ])
    {
        return fail(
            FailReason::EngineUnavailable,
            format!(
                "{engine} does not answer ({line}): start the engine, or check access to its socket"
            ),
        );
    }
    fail(FailReason::ProbeFailed, format!("{engine} failed: {line}"))
}

/// A failed `image inspect` or `run` of image `reference`.
pub fn classify_image(engine: &str, reference: &str, said: &str) -> Failure {
    let lower = said.to_lowercase();
    if ["image not known", "no such image", "unable to find image", "manifest unknown"]
        .iter()
        .any(|n| lower.contains(n))
    {
        return fail(
            FailReason::NotFound,
            format!(
                "image `{reference}` is not in {engine}'s local store: pull or build it first (paritty never pulls)"
            ),
        );
    }
    classify(engine, reference, said)
}

/// Container `name` exists but does not run (`status` as the engine says).
pub fn stopped(engine: &str, name: &str, status: &str) -> Failure {
    let verb = if status == "paused" { "unpause" } else { "start" };
    fail(
        FailReason::Stopped,
        format!(
            "container `{name}` is {status}: {verb} it (`{engine} {verb} {name}`) and collect again"
        ),
    )
}

/// The runtimes' ways of saying the entry program (our /bin/sh) is not
/// there: runc/crun through Podman, and Docker's OCI error.
fn no_shell(lower: &str) -> bool {
    lower.contains("attempted to invoke a command that was not found")
        || (lower.contains("/bin/sh")
            && ["no such file or directory", "executable file not found", "not found in $path"]
                .iter()
                .any(|n| lower.contains(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_phrasings_map_to_reasons() {
        let cases = [
            (
                "Error: no container with name or id \"web\" found: no such container",
                FailReason::NotFound,
            ),
            ("Error: No such container: web", FailReason::NotFound),
            (
                "Error: can only create exec sessions on running containers: container state improper",
                FailReason::Stopped,
            ),
            ("Error response from daemon: Container 3f2a is not running", FailReason::Stopped),
            (
                "Error: runc: exec failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: OCI runtime attempted to invoke a command that was not found",
                FailReason::NoShell,
            ),
            (
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown",
                FailReason::NoShell,
            ),
            (
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
                FailReason::EngineUnavailable,
            ),
            ("Error: something else entirely", FailReason::ProbeFailed),
            (
                "Error: crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI permission denied",
                FailReason::ProbeFailed,
            ),
            (
                "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
                FailReason::EngineUnavailable,
            ),
        ];
        for (said, reason) in cases {
            assert_eq!(classify("podman", "web", said).reason, reason, "{said}");
        }
        let f = classify_image(
            "podman",
            "localhost/nope:1",
            "Error: localhost/nope:1: image not known",
        );
        assert_eq!(f.reason, FailReason::NotFound);
        assert!(f.message().contains("paritty never pulls"), "{}", f.message());
        let f = classify("docker", "web", "Emulate Docker CLI using podman.\nError: boom");
        assert_eq!(f.message(), "docker failed: Error: boom");
        assert!(stopped("podman", "web", "paused").message().contains("`podman unpause web`"));
        assert!(stopped("podman", "web", "exited").message().contains("`podman start web`"));
    }
}
