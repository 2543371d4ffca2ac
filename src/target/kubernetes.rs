//! The `k8s:` target form: `[CONTEXT/]NAMESPACE/POD[/CONTAINER]` and
//! `[CONTEXT/]NAMESPACE/deploy/NAME`, read by the number of its parts, each
//! part checked by Kubernetes' own name rules so none can reach kubectl as
//! an option.

use std::collections::BTreeMap;

use super::TargetError;
use crate::collect::kubernetes::names::{is_context, is_label, is_subdomain};
use crate::collect::target::{PodTarget, Workload};

/// What starts the form on the command line.
pub const PREFIX: &str = "k8s:";

/// The rule, as every error about the form states it.
pub const FORMS: &str = "NS/POD, NS/POD/CONTAINER, NS/deploy/NAME, CONTEXT/NS/POD/CONTAINER \
     (CONTEXT/NS/POD/ for the pod's default container), CONTEXT/NS/deploy/NAME";

/// The words that make the part after them a deployment, as kubectl
/// spells the resource.
const DEPLOYMENT: [&str; 2] = ["deploy", "deployment"];

/// Reads `spec` (what follows `k8s:`, or an inventory host's `k8s`).
/// Three parts are never read as CONTEXT/NS/POD: a context always comes
/// with four (the container may be left empty), so `a/b/c` means one thing.
pub fn parse(
    spec: &str,
    name: &str,
    labels: BTreeMap<String, String>,
) -> Result<PodTarget, TargetError> {
    let bad = |problem: String| TargetError::Kubernetes { spec: spec.to_owned(), problem };
    let parts: Vec<&str> = spec.split('/').collect();
    let is_deployment = |word: &str| DEPLOYMENT.contains(&word);
    let (context, namespace, workload, container) = match parts.as_slice() {
        [ns, pod] => (None, *ns, Workload::Pod((*pod).to_owned()), None),
        [ns, kind, deploy] if is_deployment(kind) => {
            (None, *ns, Workload::Deployment((*deploy).to_owned()), None)
        }
        [ns, pod, container] => (None, *ns, Workload::Pod((*pod).to_owned()), Some(*container)),
        [context, ns, kind, deploy] if is_deployment(kind) => {
            (Some(*context), *ns, Workload::Deployment((*deploy).to_owned()), None)
        }
        [context, ns, pod, ""] => (Some(*context), *ns, Workload::Pod((*pod).to_owned()), None),
        [context, ns, pod, container] => {
            (Some(*context), *ns, Workload::Pod((*pod).to_owned()), Some(*container))
        }
        _ => return Err(bad(format!("{} parts, not one of the forms", parts.len()))),
    };
    if let Some(context) = context {
        check(context, "context", is_context).map_err(bad)?;
    }
    check(namespace, "namespace", is_label).map_err(bad)?;
    match &workload {
        Workload::Pod(pod) => check(pod, "pod", is_subdomain),
        Workload::Deployment(deploy) => check(deploy, "deployment", is_subdomain),
    }
    .map_err(bad)?;
    if let Some(container) = container {
        check(container, "container", is_label).map_err(bad)?;
    }
    Ok(PodTarget {
        name: name.to_owned(),
        context: context.map(str::to_owned),
        namespace: namespace.to_owned(),
        workload,
        container: container.map(str::to_owned),
        labels,
        app_dir: None,
    })
}

fn check(part: &str, what: &str, rule: fn(&str) -> bool) -> Result<(), String> {
    if rule(part) {
        return Ok(());
    }
    let shown = part.escape_debug();
    Err(match what {
        "context" => format!(
            "`{shown}` is not a context name (letters, digits, `._@:-`, starting with a letter or digit)"
        ),
        "namespace" | "container" => format!(
            "`{shown}` is not a {what} name (a DNS label: lowercase letters, digits and `-`, at most 63)"
        ),
        _ => format!(
            "`{shown}` is not a {what} name (a DNS subdomain: lowercase letters, digits, `-` and `.`)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(spec: &str) -> (Option<String>, String, Workload, Option<String>) {
        let t = parse(spec, spec, BTreeMap::new()).unwrap_or_else(|e| panic!("{spec}: {e}"));
        (t.context, t.namespace, t.workload, t.container)
    }

    #[test]
    fn parts_are_read_by_their_count() {
        let pod = |p: &str| Workload::Pod(p.to_owned());
        let s = |p: &str| p.to_owned();
        assert_eq!(read("shop/web-0"), (None, s("shop"), pod("web-0"), None));
        assert_eq!(read("shop/web-0/app"), (None, s("shop"), pod("web-0"), Some(s("app"))));
        assert_eq!(
            read("shop/deploy/web"),
            (None, s("shop"), Workload::Deployment(s("web")), None)
        );
        assert_eq!(
            read("shop/deployment/web"),
            (None, s("shop"), Workload::Deployment(s("web")), None)
        );
        assert_eq!(
            read("kind-prod/shop/web-0/app"),
            (Some(s("kind-prod")), s("shop"), pod("web-0"), Some(s("app")))
        );
        assert_eq!(read("prod/shop/web-0/"), (Some(s("prod")), s("shop"), pod("web-0"), None));
        assert_eq!(
            read("admin@prod/shop/deploy/web"),
            (Some(s("admin@prod")), s("shop"), Workload::Deployment(s("web")), None)
        );
    }

    #[test]
    fn bad_parts_say_which_and_the_forms() {
        for (spec, says) in [
            ("web-0", "1 parts"),
            ("a/b/c/d/e", "5 parts"),
            ("-n/web", "`-n` is not a namespace"),
            ("shop/--privileged", "`--privileged` is not a pod"),
            ("shop/Web", "`Web` is not a pod"),
            ("shop/web-0/-c", "`-c` is not a container"),
            ("--context=x/shop/web/app", "is not a context"),
            ("shop/web\u{1b}[2J", "is not a pod"),
            ("shop/deploy/", "`` is not a deployment"),
            ("/web", "`` is not a namespace"),
        ] {
            let e = parse(spec, spec, BTreeMap::new()).expect_err(spec).to_string();
            assert!(e.contains(says), "{spec}: {e}");
            assert!(e.contains(FORMS), "{spec}: {e}");
            assert!(!e.contains('\u{1b}'), "{spec}: {e}");
        }
    }
}
