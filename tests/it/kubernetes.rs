//! `k8s:` targets through a STAND-IN kubectl (there is no Kubernetes
//! cluster on these machines; `common::kubectl`): the argv paritty sends
//! checked word for word, kubectl's error texts mapped to their reasons,
//! and the exec forwarded to a real Podman container, so the facts are
//! what that container holds and equal to `podman:` of it.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::kubectl::StandIn;
use crate::common::podman::{Container, exec_clients, images, podman_ok};

fn profile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles/container-probe.toml")
}

/// `paritty snapshot TARGETS --format json ARGS...`: the run, and each
/// collected snapshot by its host name.
fn snapshot(
    standin: &StandIn,
    targets: &[&str],
    args: &[&str],
) -> (Output, BTreeMap<String, Value>) {
    let out = standin
        .paritty()
        .arg("snapshot")
        .args(targets)
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("run paritty");
    let text = String::from_utf8_lossy(&out.stdout);
    let json: Value = if text.trim().is_empty() {
        Value::Array(Vec::new())
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let list = match json {
        Value::Array(list) => list,
        one => vec![one],
    };
    let by_name = list
        .into_iter()
        .map(|s| (s["host"]["name"].as_str().unwrap_or("").to_owned(), s))
        .collect();
    (out, by_name)
}

/// paritty's stderr line about `target` (`paritty: TARGET: REASON: ...`).
fn said(out: &Output, target: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let prefix = format!("paritty: {target}: ");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no line about {target} in:\n{stderr}"))
        .to_owned()
}

fn pod_line(namespace: &str, pod: &str, node: &str, containers: &[(&str, &str)]) -> String {
    let pairs: Vec<String> =
        containers.iter().map(|(c, backing)| format!("{c} {backing}")).collect();
    format!("pod {namespace} {pod} {node} {}", pairs.join(" "))
}

#[test]
fn a_pod_is_collected_through_kubectl_exec() {
    let images = images();
    let web = Container::run(&images.app, "k8sweb", &["/bin/busybox", "sleep", "600"]);
    let standin = StandIn::new(
        Some("lab"),
        &[
            pod_line("shop", "web-0", "node-1", &[("app", &web.name)]),
            "deploy shop web web-0".to_owned(),
        ],
    );
    let profile = profile();
    let targets = ["k8s:shop/web-0", "k8s:lab/shop/deploy/web", "k8s:lab/shop/web-0/app"];
    let (out, snaps) =
        snapshot(&standin, &targets, &["--profile", profile.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(standin.refused(), "");
    // Exactly what paritty sent: a `get` for the place, then the exec.
    let mut argvs = standin.argvs();
    argvs.sort();
    assert_eq!(
        argvs,
        [
            "exec -i --context lab -n shop deploy/web -c app -- /bin/sh -s",
            "exec -i --context lab -n shop web-0 -c app -- /bin/sh -s",
            "exec -i -n shop web-0 -c app -- /bin/sh -s",
            "get --context lab -n shop deployment web -o json",
            "get --context lab -n shop pod web-0 -o json",
            "get -n shop pod web-0 -o json",
        ]
    );
    let image_id = podman_ok(&["container", "inspect", "--format", "{{.Image}}", &web.name]);
    for target in targets {
        let snap = &snaps[target];
        // What `podman exec` shows in the container behind the pod.
        assert_eq!(snap["facts"]["runtime.python3"]["value"], "3.11.2", "{target}");
        assert_eq!(snap["facts"]["tool.mytool"]["value"], "1.4.2", "{target}");
        assert_eq!(snap["facts"]["os.id"]["value"], "paritty", "{target}");
        assert_eq!(snap["facts"]["tool.absent"]["status"], "missing", "{target}");
        assert_eq!(snap["host"]["transport"], "kubernetes", "{target}");
        assert_eq!(snap["host"]["image"], images.app.as_str(), "{target}");
        assert_eq!(snap["host"]["pod"]["namespace"], "shop", "{target}");
        assert_eq!(snap["host"]["pod"]["container"], "app", "{target}");
    }
    let pod = &snaps["k8s:shop/web-0"]["host"];
    assert_eq!(pod["image_id"], format!("sha256:{image_id}"));
    assert_eq!(pod["pod"]["name"], "web-0");
    assert_eq!(pod["pod"]["node"], "node-1");
    assert_eq!(pod["pod"].get("context"), None, "the current context is kubectl's business");
    let deploy = &snaps["k8s:lab/shop/deploy/web"]["host"]["pod"];
    assert_eq!((&deploy["deployment"], &deploy["context"]), (&"web".into(), &"lab".into()));
    assert_eq!(deploy.get("name"), None, "kubectl chose the pod");

    // The heading says where the snapshot was taken.
    let out = standin
        .paritty()
        .args(["snapshot", "k8s:shop/web-0", "--format", "text", "--profile"])
        .arg(&profile)
        .output()
        .expect("run paritty");
    let text = String::from_utf8_lossy(&out.stdout);
    let heading = text.lines().next().unwrap_or("");
    assert!(
        heading.contains(&format!("(container of {}, pod shop/web-0 on node node-1)", images.app)),
        "{heading}"
    );
}

#[test]
fn each_fault_has_its_reason_and_the_others_are_unaffected() {
    let images = images();
    let web = Container::run(&images.app, "k8sok", &["/bin/busybox", "sleep", "600"]);
    let created = Container::created(&images.app, "k8screated");
    let no_shell =
        Container::run(&images.no_shell, "k8snoshell", &["/bin/busybox", "sleep", "600"]);
    let standin = StandIn::new(
        Some("lab"),
        &[
            pod_line("shop", "web-0", "node-1", &[("app", &web.name)]),
            pod_line("shop", "starting-0", "node-1", &[("app", &created.name)]),
            pod_line("shop", "distroless-0", "node-2", &[("app", &no_shell.name)]),
            "forbid viewer shop".to_owned(),
        ],
    );
    let profile = profile();
    let cases = [
        ("k8s:shop/web-0", None),
        ("k8s:nope/shop/web-0/", Some(("no-context", "context \"nope\" does not exist"))),
        (
            "k8s:readonly/shop/web-0/",
            Some(("forbidden", "kubectl auth can-i create pods/exec -n shop")),
        ),
        ("k8s:shop/web-404", Some(("not-found", "kubectl get pods,deployments -n shop"))),
        ("k8s:shop/deploy/gone", Some(("not-found", "deployments.apps \"gone\" not found"))),
        ("k8s:shop/web-0/sidecar", Some(("not-found", "has no container `sidecar` (it has: app)"))),
        ("k8s:shop/starting-0", Some(("stopped", "is not running (ContainerCreating)"))),
        ("k8s:shop/distroless-0", Some(("no-shell", "no /bin/sh"))),
    ];
    let targets: Vec<&str> = cases.iter().map(|(t, _)| *t).collect();
    let (out, snaps) =
        snapshot(&standin, &targets, &["--profile", profile.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(standin.refused(), "");
    assert_eq!(snaps["k8s:shop/web-0"]["facts"]["runtime.python3"]["value"], "3.11.2");
    for (target, fault) in cases.into_iter().skip(1) {
        let (reason, says) = fault.expect("a fault");
        let line = said(&out, target);
        assert!(
            line.starts_with(&format!("{reason}: ")) && line.contains(says),
            "{target}: {line}"
        );
    }
}

#[test]
fn no_kubectl_or_no_current_context_says_so() {
    // KUBECONFIG is kubectl's: without a current context in it, kubectl
    // falls back to localhost:8080, and paritty says what to do.
    let standin = StandIn::new(None, &[]);
    let (out, _) = snapshot(&standin, &["k8s:shop/web-0"], &[]);
    let line = said(&out, "k8s:shop/web-0");
    assert!(
        line.starts_with("no-context: ") && line.contains("kubectl config use-context"),
        "{line}"
    );
    assert_eq!(standin.argvs(), ["get -n shop pod web-0 -o json"]);

    let empty = tempfile::tempdir().expect("temp dir");
    let out = standin
        .paritty()
        .env("PATH", empty.path())
        .args(["snapshot", "k8s:shop/web-0"])
        .output()
        .expect("run paritty");
    let line = said(&out, "k8s:shop/web-0");
    assert!(line.starts_with("engine-unavailable: `kubectl` is not installed"), "{line}");
}

#[test]
fn bad_forms_are_refused_before_anything_runs() {
    let standin = StandIn::new(Some("lab"), &[]);
    for (target, says) in [
        ("k8s:shop", "1 parts"),
        ("k8s:shop/-it", "`-it` is not a pod name"),
        ("k8s:--kubeconfig=x/shop/web/app", "is not a context name"),
    ] {
        let out = standin.paritty().args(["snapshot", target]).output().expect("run paritty");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.contains("the forms are NS/POD"),
            "{target}: {stderr}"
        );
    }
    assert_eq!(standin.argvs(), Vec::<String>::new(), "kubectl was run");
}

/// kubectl's exec never answers (a stalled API server): the host deadline
/// ends it, kubectl's process group killed.
#[test]
fn an_exec_that_hangs_is_killed_at_the_host_deadline() {
    let images = images();
    let web = Container::run(&images.app, "k8shang", &["/bin/busybox", "sleep", "600"]);
    let standin = StandIn::new(
        Some("lab"),
        &[pod_line("shop", "web-0", "node-1", &[("app", &web.name)]), "hang shop web-0".to_owned()],
    );
    let started = Instant::now();
    let (out, snaps) = snapshot(
        &standin,
        &["k8s:shop/web-0"],
        &["--profile", profile().to_str().expect("utf-8"), "--host-timeout", "3"],
    );
    let took = started.elapsed();
    let line = said(&out, "k8s:shop/web-0");
    assert!(line.starts_with("timeout: ") && line.contains("did not start"), "{line}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(snaps.is_empty(), "nothing was collected");
    let hung = std::fs::read_to_string(standin.dir().join("cluster.hung")).expect("it hung");
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", hung.trim())).unwrap_or_default();
    assert_ne!(cmdline, b"sleep\x00600\x00", "the hung kubectl outlived paritty");
}

/// A tool in the container hangs: the probe halts itself by the host's
/// deadline, the tool killed, what was found kept, nothing left running.
#[test]
fn a_tool_that_hangs_in_the_pod_ends_with_the_probe() {
    let images = images();
    let web = Container::run(&images.app, "k8sslow", &["/bin/busybox", "sleep", "600"]);
    let standin =
        StandIn::new(Some("lab"), &[pod_line("shop", "web-0", "node-1", &[("app", &web.name)])]);
    let text = std::fs::read_to_string(profile()).expect("profile");
    let slow = text.replace("[\"mytool\", \"--version\"]", "[\"slowtool\", \"--version\"]");
    let slow_profile = standin.dir().join("slow.toml");
    std::fs::write(&slow_profile, slow).expect("profile");
    let started = Instant::now();
    // The command timeout (10 s) is past the host's deadline (12 s, less
    // the probe's margin of three watchdog ticks and two seconds).
    let (out, snaps) = snapshot(
        &standin,
        &["k8s:shop/web-0"],
        &[
            "--profile",
            slow_profile.to_str().expect("utf-8"),
            "--host-timeout",
            "12",
            "--timeout",
            "10",
        ],
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let snap = &snaps["k8s:shop/web-0"];
    assert_eq!(
        snap["facts"]["os.id"]["value"],
        "paritty",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(snap["facts"]["tool.mytool"]["status"], "timeout");
    assert!(!exec_clients(&web.name), "a podman exec of {} is still running", web.name);
    // Nothing of the probe is left in the container: only PID 1 and the
    // `ps` looking; zombies are dead (this PID 1, a plain `sleep`, reaps
    // none of the orphans it inherits). Polled, bounded: the kernel reaps
    // the killed tools a moment later.
    let started = Instant::now();
    loop {
        let ps = podman_ok(&["exec", &web.name, "ps", "-o", "pid,stat,args"]);
        let left: Vec<&str> = ps
            .lines()
            .skip(1)
            .filter(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.first() != Some(&"1")
                    && !words.get(1).is_some_and(|stat| stat.starts_with('Z'))
                    && !l.contains("ps -o pid,stat,args")
            })
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "left in the container: {left:?}");
    }
}

/// The parity invariant through kubectl: one container as a pod (the
/// stand-in's exec) and as `podman:` gives the same value for every fact
/// of the default profile.
#[test]
fn a_pod_and_its_podman_container_agree() {
    let images = images();
    let web = Container::run(&images.app, "k8sparity", &["/bin/busybox", "sleep", "600"]);
    let standin =
        StandIn::new(Some("lab"), &[pod_line("shop", "web-0", "node-1", &[("app", &web.name)])]);
    let podman = format!("podman:{}", web.name);
    let (out, snaps) = snapshot(&standin, &["k8s:shop/web-0", &podman], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let [pod, container] = [&snaps["k8s:shop/web-0"], &snaps[&podman]]
        .map(|s| s["facts"].as_object().expect("facts").clone());
    assert_eq!(pod.keys().collect::<Vec<_>>(), container.keys().collect::<Vec<_>>());
    let mut ok = 0;
    for (id, fact) in &pod {
        let other = &container[id];
        assert_eq!((&fact["status"], &fact["value"]), (&other["status"], &other["value"]), "{id}");
        ok += usize::from(fact["status"] == "ok");
    }
    assert!(ok >= 10, "only {ok} facts were found in the container");
    assert_eq!(pod["runtime.python3"]["value"], "3.11.2");
}

/// The stand-in is POSIX sh like the probe, so it runs wherever the tests do.
#[test]
fn the_stand_in_passes_shellcheck() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes/kubectl");
    let out = std::process::Command::new("shellcheck")
        .args(["-s", "sh"])
        .arg(&script)
        .output()
        .expect("shellcheck runs (scripts/test-deps.sh installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
