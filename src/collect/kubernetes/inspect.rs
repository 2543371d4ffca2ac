//! What the cluster says about a pod (or a deployment) before the probe
//! runs: whether it exists, whether its container runs, its node and
//! image. One bounded `kubectl get -o json` per target; the JSON is
//! untrusted: fields are read by their known paths only, cleaned, capped.

use serde_json::Value;

use super::names::is_label;
use crate::model::{FailReason, Failure, ImageRef, Pod};
use crate::output::sanitize::one_line;

/// Longest field kept (names, images, ids); the API's own limit for names
/// is 253.
const MAX_FIELD: usize = 512;

/// The annotation kubectl reads for the container to exec into when none
/// is named.
const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

/// `pod` filled from `kubectl get pod NAME -o json` (node, container,
/// image), or why the probe cannot run there.
pub fn pod(json: &str, place: &mut Pod, what: &str) -> Result<(), Failure> {
    let pod: Value = parse(json, what)?;
    let containers = names(&pod["spec"]["containers"]);
    let chosen = choose(place.container.as_deref(), &pod["metadata"], &containers, what)?;
    place.node = field(&pod["spec"]["nodeName"]);
    let spec = find(&pod["spec"]["containers"], &chosen);
    let status = find(&pod["status"]["containerStatuses"], &chosen);
    place.image = ImageRef {
        // The status says what runs (a tag resolved); the spec what was asked.
        reference: status
            .and_then(|s| field(&s["image"]))
            .or_else(|| spec.and_then(|s| field(&s["image"]))),
        id: status.and_then(|s| field(&s["imageID"])),
        on_host: None,
    };
    place.container = Some(chosen.clone());
    let phase = field(&pod["status"]["phase"]).unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        return Err(stopped(what, &format!("has completed (phase {phase})")));
    }
    let state = status.map(|s| &s["state"]);
    match state {
        Some(state) if state["running"].is_object() => Ok(()),
        Some(state) if state["waiting"].is_object() => {
            let why = field(&state["waiting"]["reason"]).unwrap_or_else(|| "waiting".into());
            Err(stopped(what, &format!("container `{chosen}` is not running ({why})")))
        }
        Some(state) if state["terminated"].is_object() => {
            let why = field(&state["terminated"]["reason"]).unwrap_or_else(|| "terminated".into());
            Err(stopped(what, &format!("container `{chosen}` has ended ({why})")))
        }
        _ => Err(stopped(what, &format!("container `{chosen}` has not started (phase {phase})"))),
    }
}

/// `place` filled from `kubectl get deployment NAME -o json` (the image of
/// its pods' container), or why no pod of it can be probed.
pub fn deployment(json: &str, place: &mut Pod, what: &str) -> Result<(), Failure> {
    let deployment: Value = parse(json, what)?;
    let template = &deployment["spec"]["template"];
    let containers = names(&template["spec"]["containers"]);
    let chosen = choose(place.container.as_deref(), &template["metadata"], &containers, what)?;
    place.image = ImageRef {
        reference: find(&template["spec"]["containers"], &chosen).and_then(|c| field(&c["image"])),
        id: None,
        on_host: None,
    };
    place.container = Some(chosen);
    let ready = deployment["status"]["readyReplicas"].as_u64().unwrap_or(0);
    if ready == 0 {
        let wanted = deployment["spec"]["replicas"].as_u64().unwrap_or(0);
        return Err(stopped(what, &format!("has no ready pod (0 of {wanted})")));
    }
    Ok(())
}

fn parse(json: &str, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(json).map_err(|e| {
        Failure::new(
            FailReason::ProbeFailed,
            format!("kubectl get {what} printed no JSON object ({e}): see what `kubectl get -o json` prints"),
        )
    })
}

/// The named container (which must exist), else the one kubectl would
/// take: its default-container annotation, else the first.
fn choose(
    named: Option<&str>,
    metadata: &Value,
    containers: &[String],
    what: &str,
) -> Result<String, Failure> {
    if let Some(named) = named {
        if containers.iter().any(|c| c == named) {
            return Ok(named.to_owned());
        }
        return Err(Failure::new(
            FailReason::NotFound,
            format!("{what} has no container `{named}` (it has: {})", containers.join(", ")),
        ));
    }
    let annotated = field(&metadata["annotations"][DEFAULT_CONTAINER]);
    let chosen = annotated
        .filter(|a| containers.contains(a))
        .or_else(|| containers.first().cloned())
        .ok_or_else(|| {
            Failure::new(FailReason::ProbeFailed, format!("{what} lists no container"))
        })?;
    // It goes to `kubectl exec -c`: from the cluster's JSON, so checked
    // like a name the user typed.
    if !is_label(&chosen) {
        return Err(Failure::new(
            FailReason::ProbeFailed,
            format!(
                "{what}: kubectl reported a container name that is not a Kubernetes name (`{chosen}`)"
            ),
        ));
    }
    Ok(chosen)
}

/// The containers' names, at most 64 of them.
fn names(containers: &Value) -> Vec<String> {
    let list = containers.as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter().take(64).filter_map(|c| field(&c["name"])).collect()
}

/// The entry of `list` named `name`.
fn find<'v>(list: &'v Value, name: &str) -> Option<&'v Value> {
    list.as_array()?.iter().find(|c| c["name"].as_str() == Some(name))
}

/// A string field, one clean line, capped; blank is none.
fn field(value: &Value) -> Option<String> {
    let text = one_line(value.as_str()?);
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(MAX_FIELD).collect())
}

fn stopped(what: &str, why: &str) -> Failure {
    Failure::new(
        FailReason::Stopped,
        format!("{what} {why}: see `kubectl describe` for why, and collect again once it runs"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape `kubectl get pod -o json` prints (trimmed of what is not
    /// read), two containers, the second the annotated default.
    const POD: &str = r#"{
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "web-0", "namespace": "shop",
        "annotations": {"kubectl.kubernetes.io/default-container": "app"}},
      "spec": {"nodeName": "node-3", "containers": [
        {"name": "istio-proxy", "image": "istio/proxyv2:1.20"},
        {"name": "app", "image": "ghcr.io/acme/api:1.42"}]},
      "status": {"phase": "Running", "containerStatuses": [
        {"name": "app", "image": "ghcr.io/acme/api:1.42", "imageID": "ghcr.io/acme/api@sha256:0abc",
         "ready": true, "restartCount": 0, "started": true,
         "state": {"running": {"startedAt": "2026-12-07T09:00:00Z"}}},
        {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.20", "imageID": "sha256:1def",
         "ready": false, "restartCount": 4, "started": false,
         "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}}}]}
    }"#;

    fn place(container: Option<&str>) -> Pod {
        Pod { namespace: "shop".into(), container: container.map(str::to_owned), ..Pod::default() }
    }

    #[test]
    fn a_pod_gives_its_node_container_and_image() {
        let mut p = place(None);
        pod(POD, &mut p, "pod shop/web-0").expect("runs");
        assert_eq!(p.container.as_deref(), Some("app"));
        assert_eq!(p.node.as_deref(), Some("node-3"));
        assert_eq!(p.image.reference.as_deref(), Some("ghcr.io/acme/api:1.42"));
        assert_eq!(p.image.id.as_deref(), Some("ghcr.io/acme/api@sha256:0abc"));

        let mut p = place(Some("istio-proxy"));
        let f = pod(POD, &mut p, "pod shop/web-0").expect_err("waiting");
        assert_eq!(f.reason, FailReason::Stopped);
        assert!(f.message().contains("CrashLoopBackOff"), "{f}");
        assert_eq!(p.image.reference.as_deref(), Some("docker.io/istio/proxyv2:1.20"));

        let f = pod(POD, &mut place(Some("db")), "pod shop/web-0").expect_err("no such");
        assert_eq!(f.reason, FailReason::NotFound);
        assert!(f.message().contains("it has: istio-proxy, app"), "{f}");

        let done = POD.replace("\"Running\"", "\"Succeeded\"");
        let f = pod(&done, &mut place(None), "pod shop/web-0").expect_err("completed");
        assert!(f.message().contains("phase Succeeded"), "{f}");
        let f = pod("<html>", &mut place(None), "pod shop/web-0").expect_err("not json");
        assert_eq!(f.reason, FailReason::ProbeFailed);
        let hostile = POD.replace("\"istio-proxy\"", "\"--kubeconfig=/tmp/x\"");
        let hostile = hostile.replace("\"app\"", "\"--as=admin\"");
        let f = pod(&hostile, &mut place(None), "pod shop/web-0").expect_err("not a name");
        assert!(f.message().contains("not a Kubernetes name"), "{f}");
    }

    #[test]
    fn hostile_fields_are_cleaned_and_capped() {
        let json = POD
            .replace("node-3", "node\\u001b[2J-3")
            .replace("ghcr.io/acme/api@sha256:0abc", &"x".repeat(5000));
        let mut p = place(None);
        pod(&json, &mut p, "pod shop/web-0").expect("runs");
        assert_eq!(p.node.as_deref(), Some("node-3"));
        assert_eq!(p.image.id.map(|id| id.len()), Some(MAX_FIELD));
    }

    #[test]
    fn a_deployment_needs_a_ready_pod() {
        let json = r#"{"kind": "Deployment", "metadata": {"name": "web"},
          "spec": {"replicas": 2, "template": {"metadata": {}, "spec": {"containers": [
            {"name": "app", "image": "ghcr.io/acme/api:1.42"}]}}},
          "status": {"replicas": 2, "readyReplicas": 2}}"#;
        let mut p = place(None);
        deployment(json, &mut p, "deploy shop/web").expect("ready");
        assert_eq!(p.image.reference.as_deref(), Some("ghcr.io/acme/api:1.42"));
        assert_eq!(p.container.as_deref(), Some("app"));
        let none = json.replace("\"readyReplicas\": 2", "\"readyReplicas\": 0");
        let f = deployment(&none, &mut place(None), "deploy shop/web").expect_err("none ready");
        assert_eq!(f.reason, FailReason::Stopped);
        assert!(f.message().contains("no ready pod (0 of 2)"), "{f}");
    }
}
