//! kubectl's complaints read into a failure with its reason and what to do
//! (ARCHITECTURE.md, "Host status"). kubectl's own wording (client-side
//! errors) and the API server's (`Error from server (Reason): ...`) are
//! matched, lowercase; the runtime's words behind an exec (no shell) are
//! the container transport's.

use crate::collect::container;
use crate::model::{FailReason, Failure};

/// `kubectl` is not on PATH.
pub fn not_installed() -> Failure {
    Failure::new(
        FailReason::EngineUnavailable,
        "`kubectl` is not installed (not on PATH): install it, or put it on PATH",
    )
}

/// A failed `kubectl get` or `exec` of `what` (`pod shop/web-0`) in
/// namespace `namespace`.
pub fn classify(what: &str, namespace: &str, said: &str) -> Failure {
    let lower = said.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let line = container::fault::first_line(said);
    let fail = |reason, message: String| Failure::new(reason, message);
    if has(&["error: context \""]) && has(&["does not exist"]) {
        return fail(
            FailReason::NoContext,
            format!(
                "{line}: kubectl has no such context in its kubeconfig (KUBECONFIG, else ~/.kube/config): `kubectl config get-contexts` lists them"
            ),
        );
    }
    // Without a current context kubectl falls back to localhost:8080.
    if has(&["current-context is not set", "server localhost:8080 was refused"]) {
        return fail(
            FailReason::NoContext,
            "kubectl has no current context (it tried localhost:8080): name one in the target (`k8s:CONTEXT/NS/POD/`) or run `kubectl config use-context`".to_owned(),
        );
    }
    if has(&["(forbidden)", " is forbidden:"]) {
        return fail(
            FailReason::Forbidden,
            format!(
                "the cluster forbids it ({line}): ask for the right to get pods and create pods/exec in namespace {namespace} (`kubectl auth can-i create pods/exec -n {namespace}`)"
            ),
        );
    }
    if has(&["(unauthorized)", "must be logged in"]) {
        return fail(
            FailReason::AuthFailed,
            format!(
                "the cluster did not accept the login ({line}): log in again (refresh the credentials of the context)"
            ),
        );
    }
    if has(&["(notfound)", "pod does not exist"]) {
        return fail(
            FailReason::NotFound,
            format!(
                "no {what} ({line}): check the name (`kubectl get pods,deployments -n {namespace}` lists them)"
            ),
        );
    }
    if has(&[
        "container not found",
        "cannot exec into a container in a completed pod",
        "container is not running",
        "container_exited",
    ]) {
        return fail(
            FailReason::Stopped,
            format!(
                "{what}: the container does not run ({line}): see `kubectl describe` for why, and collect again once it runs"
            ),
        );
    }
    if has(&[
        "unable to connect to the server",
        "connection refused",
        "i/o timeout",
        "no such host",
    ]) {
        return fail(
            FailReason::Unreachable,
            format!(
                "kubectl cannot reach the cluster ({line}): check the context's server and the network"
            ),
        );
    }
    container::fault::classify("kubectl", what, said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectls_phrasings_map_to_reasons() {
        let cases = [
            ("error: context \"stage\" does not exist", FailReason::NoContext),
            (
                "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
                FailReason::NoContext,
            ),
            (
                "Error from server (Forbidden): pods \"web-0\" is forbidden: User \"dev\" cannot get resource \"pods\" in API group \"\" in the namespace \"shop\"",
                FailReason::Forbidden,
            ),
            ("error: You must be logged in to the server (Unauthorized)", FailReason::AuthFailed),
            ("Error from server (NotFound): pods \"web-9\" not found", FailReason::NotFound),
            (
                "Error from server (NotFound): deployments.apps \"web\" not found",
                FailReason::NotFound,
            ),
            (
                "error: unable to upgrade connection: container not found (\"app\")",
                FailReason::Stopped,
            ),
            (
                "error: cannot exec into a container in a completed pod; current phase is Succeeded",
                FailReason::Stopped,
            ),
            (
                "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout",
                FailReason::Unreachable,
            ),
            (
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown\ncommand terminated with exit code 126",
                FailReason::NoShell,
            ),
            ("error: something else", FailReason::ProbeFailed),
        ];
        for (said, reason) in cases {
            let f = classify("pod shop/web-0", "shop", said);
            assert_eq!(f.reason, reason, "{said}: {f}");
        }
        let f =
            classify("pod shop/web-0", "shop", "Error from server (Forbidden): pods is forbidden");
        assert!(f.message().contains("kubectl auth can-i create pods/exec -n shop"), "{f}");
    }
}
