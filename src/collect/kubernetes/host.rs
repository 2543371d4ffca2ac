//! One pod, start to finish: kubectl on PATH, `kubectl get` of the pod
//! (or deployment) for its place and state, the probe on the stdin of
//! `kubectl exec -i ... -- /bin/sh -s`, its frames into a snapshot.
//! Failures come back as data with their reason; facts framed before a
//! failure are kept.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{fault, inspect};
use crate::collect::container::engine;
use crate::collect::container::host::{Job, Progress, probe, read_back};
use crate::collect::events::Stage;
use crate::collect::target::{PodTarget, Workload};
use crate::model::{FailReason, Failure, HostInfo, HostReport, Pod, Transport};

/// Bytes kept of `kubectl get -o json`: a pod's JSON with its managed
/// fields runs to tens of KiB; far more is not a pod.
const JSON_CAP: usize = 4 << 20;

/// `kubectl exec -i [--context CTX] -n NS POD|deploy/NAME [-c C] -- /bin/sh -s`.
pub fn collect_pod(t: &PodTarget, job: &Job<'_>, progress: &Progress<'_>) -> HostReport {
    let started = Instant::now();
    let deadline = started + job.host_timeout;
    let failed =
        |f: Failure| HostReport { target: t.name.clone(), snapshot: None, failure: Some(f) };
    (progress.stage)(Stage::Connecting);
    let Ok(kubectl) = which::which("kubectl") else { return failed(fault::not_installed()) };
    let mut place = Pod {
        context: t.context.clone(),
        namespace: t.namespace.clone(),
        container: t.container.clone(),
        ..Pod::default()
    };
    let (kind, resource, name) = match &t.workload {
        Workload::Pod(pod) => {
            place.pod = Some(pod.clone());
            ("pod", "pod", pod)
        }
        Workload::Deployment(deploy) => {
            place.deployment = Some(deploy.clone());
            ("deploy", "deployment", deploy)
        }
    };
    let what = format!("{kind} {}/{name}", t.namespace);
    if let Err(f) = look(&kubectl, t, resource, name, &what, &mut place, deadline) {
        return failed(f);
    }
    (progress.stage)(Stage::Probing);
    let mut args = vec!["exec".to_owned(), "-i".to_owned()];
    args.extend(scope(t));
    args.push(match &t.workload {
        Workload::Pod(pod) => pod.clone(),
        Workload::Deployment(deploy) => format!("deploy/{deploy}"),
    });
    // The container kubectl would take anyway is named, so the one whose
    // image the snapshot states is the one probed.
    if let Some(container) = &place.container {
        args.extend(["-c".to_owned(), container.clone()]);
    }
    args.extend(["--", "/bin/sh", "-s"].map(str::to_owned));
    let transcript = match probe(&kubectl, &args, job, deadline, progress, &|_| {}) {
        Ok(transcript) => transcript,
        Err(f) => return failed(f),
    };
    let host = HostInfo {
        name: t.name.clone(),
        address: Some(address(t)),
        transport: Transport::Kubernetes(Box::new(place.clone())),
        labels: t.labels.clone(),
    };
    let (snapshot, failure) = read_back(
        &transcript,
        job,
        host,
        started,
        &|| {
            // Did the container end under the probe? Then say so.
            let mut again = place.clone();
            let soon = Instant::now() + Duration::from_secs(5);
            match look(&kubectl, t, resource, name, &what, &mut again, soon) {
                Err(f) if matches!(f.reason, FailReason::Stopped | FailReason::NotFound) => {
                    Some(FailReason::Stopped)
                }
                _ => None,
            }
        },
        &|said| fault::classify(&what, &t.namespace, said),
    );
    HostReport { target: t.name.clone(), snapshot, failure }
}

/// `kubectl get [--context CTX] -n NS RESOURCE NAME -o json` into `place`.
fn look(
    kubectl: &Path,
    t: &PodTarget,
    resource: &str,
    name: &str,
    what: &str,
    place: &mut Pod,
    deadline: Instant,
) -> Result<(), Failure> {
    let mut args = vec!["get".to_owned()];
    args.extend(scope(t));
    args.extend([resource, name, "-o", "json"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let answer = engine::ask(kubectl, "kubectl", &args, deadline, JSON_CAP)?;
    if !answer.ok {
        return Err(fault::classify(what, &t.namespace, &answer.complaint));
    }
    if answer.truncated {
        return Err(Failure::new(
            FailReason::ProbeFailed,
            format!("kubectl get {what} printed more than {JSON_CAP} bytes: not a pod's JSON"),
        ));
    }
    match resource {
        "pod" => inspect::pod(&answer.text, place, what),
        _ => inspect::deployment(&answer.text, place, what),
    }
}

/// `[--context CTX] -n NS`: every part was checked by Kubernetes' name
/// rules (`crate::target`), so none can be read as an option.
fn scope(t: &PodTarget) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(context) = &t.context {
        args.extend(["--context".to_owned(), context.clone()]);
    }
    args.extend(["-n".to_owned(), t.namespace.clone()]);
    args
}

/// The target in its `k8s:` form, whatever name it has in reports.
fn address(t: &PodTarget) -> String {
    let mut parts: Vec<&str> = t.context.iter().map(String::as_str).collect();
    parts.push(&t.namespace);
    match &t.workload {
        Workload::Pod(pod) => parts.push(pod),
        Workload::Deployment(deploy) => parts.extend(["deploy", deploy.as_str()]),
    }
    if let Some(container) = &t.container {
        parts.push(container);
    } else if t.context.is_some() && matches!(t.workload, Workload::Pod(_)) {
        parts.push("");
    }
    format!("k8s:{}", parts.join("/"))
}
