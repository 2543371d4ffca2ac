//! Containers and images as targets, against a real Podman (Debian's,
//! with runc; see `common::podman`): facts as `podman exec` shows them, the
//! image's throwaway container never left behind (also on SIGTERM), each
//! fault with its reason, and `image:` equal to `podman:` of the same root
//! file system apart from facts about the machine.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use paritty::collect::container::Engine;
use paritty::collect::hosts::collect_targets;
use paritty::collect::plan::{Plan, Prompts};
use paritty::collect::target::Target;
use paritty::model::{FailReason, HostReport, Status, Transport};

use crate::common::podman::{Container, RUN_ARGS, exec_clients, exists, images, podman_ok};

const PROFILE: &str = r#"
[profile]
name = "container-test"

[[fact]]
id = "os.id"
label = "OS id"
category = "System"
compare = "exact"
parser = "trim"
sources = [{ file = "/etc/os-release", key = "ID" }]

[[fact]]
id = "runtime.python3"
label = "Python"
category = "Runtimes"
compare = "pep440"
parser = "python"
sources = [{ cmd = ["python3", "--version"] }]

[[fact]]
id = "tool.mytool"
label = "mytool"
category = "Tools"
compare = "semver"
parser = "version"
sources = [{ cmd = ["mytool", "--version"] }]

[[fact]]
id = "tool.absent"
label = "absent"
category = "Tools"
compare = "semver"
parser = "version"
sources = [{ cmd = ["paritty-absent-tool", "--version"] }]
"#;

/// `os.id` (answered at once), then a tool `TOOL` of the image.
fn profile_then(tool: &str) -> String {
    let os_id = PROFILE.split("[[fact]]\nid = \"runtime.python3\"").next().expect("os.id part");
    format!(
        "{os_id}[[fact]]\nid = \"tool.{tool}\"\nlabel = \"{tool}\"\ncategory = \"Tools\"\n\
         compare = \"loose\"\nparser = \"version\"\nsources = [{{ cmd = [\"{tool}\", \"--version\"] }}]\n"
    )
}

fn plan(profile: &str, host_timeout: Duration) -> Plan {
    let mut plan = Plan::new(Arc::new(crate::common::profile(profile)));
    plan.host_timeout = host_timeout;
    plan.collect.command_timeout = Duration::from_secs(120);
    plan.containers.engine = Some(Engine::Podman);
    plan.containers.run_args = RUN_ARGS.iter().map(|&a| a.to_owned()).collect();
    plan
}

fn collect(args: &[String], plan: &Plan) -> Vec<HostReport> {
    let targets: Vec<Target> = args
        .iter()
        .map(|a| paritty::target::parse(a, None).unwrap_or_else(|e| panic!("{a}: {e}")))
        .collect();
    let (events, _received) = mpsc::channel();
    collect_targets(&targets, plan, Prompts::default(), &events)
}

fn value<'r>(report: &'r HostReport, id: &str) -> Option<&'r str> {
    report.snapshot.as_ref()?.facts.get(id)?.value.as_deref()
}

fn reason(report: &HostReport) -> Option<FailReason> {
    report.failure.as_ref().map(|f| f.reason)
}

fn paritty() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paritty"));
    command.env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config");
    command
}

/// A paritty.toml giving Podman the options these machines need.
fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let words: Vec<String> = RUN_ARGS.iter().map(|a| format!("{a:?}")).collect();
    let path = dir.join("paritty.toml");
    std::fs::write(&path, format!("[settings]\nengine_run_args = [{}]\n{extra}", words.join(", ")))
        .expect("write config");
    path
}

#[test]
fn a_running_container_is_collected_like_a_host() {
    let images = images();
    let web = Container::run(&images.app, "web", &["/bin/busybox", "sleep", "600"]);
    let reports =
        collect(&[format!("podman:{}", web.name)], &plan(PROFILE, Duration::from_secs(60)));
    let report = &reports[0];
    assert_eq!(report.failure, None);
    // What `podman exec` itself shows.
    let said = podman_ok(&["exec", &web.name, "python3", "--version"]);
    assert_eq!(said, "Python 3.11.2");
    assert_eq!(value(report, "runtime.python3"), Some("3.11.2"));
    assert_eq!(value(report, "tool.mytool"), Some("1.4.2"));
    assert_eq!(value(report, "os.id"), Some("paritty"));
    let snapshot = report.snapshot.as_ref().expect("snapshot");
    assert_eq!(snapshot.facts["tool.absent"].status, Status::Missing);
    assert_eq!(snapshot.facts["runtime.python3"].found_at.as_deref(), Some("/usr/bin/python3"));

    // The snapshot says what it is: the image and its id, as Podman has them.
    let id = podman_ok(&["container", "inspect", "--format", "{{.Image}}", &web.name]);
    let Transport::Podman(image) = &snapshot.host.transport else {
        panic!("transport {:?}", snapshot.host.transport)
    };
    assert_eq!(image.reference.as_deref(), Some(images.app.as_str()));
    assert_eq!(image.id.as_deref(), Some(id.as_str()));
    assert_eq!(snapshot.host.address.as_deref(), Some(format!("podman:{}", web.name).as_str()));
    let json = paritty::model::snapshot_file::to_json(snapshot);
    assert!(json.contains("\"transport\": \"podman\""), "{json}");
    assert!(json.contains(&format!("\"image\": \"{}\"", images.app)), "{json}");
    let text = paritty::export::render_snapshot(snapshot, paritty::export::SnapshotFormat::Text);
    let heading = text.lines().next().unwrap_or("");
    assert!(heading.contains(&format!("(container of {})", images.app)), "{heading}");
}

/// Through the `docker` command of podman-docker, as an inventory host and
/// on the command line, in the real binary.
#[test]
fn the_docker_cli_and_the_inventory_reach_containers() {
    let images = images();
    let web = Container::run(&images.app, "dockerweb", &["/bin/busybox", "sleep", "600"]);
    let dir = tempfile::tempdir().expect("temp dir");
    // podman-docker's `docker`, first on PATH whatever else is installed.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::os::unix::fs::symlink("/usr/bin/docker", bin.join("docker")).expect("docker link");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let inventory = format!(
        "[[host]]\nname = \"web\"\ncontainer = \"{}\"\nengine = \"docker\"\nenvironment = \"dev\"\n",
        web.name
    );
    let config = config(dir.path(), &inventory);
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, PROFILE).expect("profile");
    let out_dir = dir.path().join("out");
    let out = paritty()
        .env("PATH", &path)
        .arg("--config")
        .arg(&config)
        .args(["snapshot", "web", &format!("podman:{}", web.name), "--profile"])
        .arg(&profile)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("run paritty");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |name: &str| {
        let text = std::fs::read_to_string(out_dir.join(format!("{name}.json"))).expect(name);
        serde_json::from_str::<serde_json::Value>(&text).expect("json")
    };
    let web_json = read("web");
    assert_eq!(web_json["host"]["transport"], "docker");
    assert_eq!(web_json["host"]["labels"]["environment"], "dev");
    assert_eq!(web_json["host"]["image"], images.app.as_str());
    assert_eq!(web_json["facts"]["runtime.python3"]["value"], "3.11.2");
    let podman_json = read(&format!("podman_{}", web.name));
    assert_eq!(podman_json["host"]["transport"], "podman");
    for id in ["os.id", "runtime.python3", "tool.mytool", "tool.absent"] {
        assert_eq!(podman_json["facts"][id]["value"], web_json["facts"][id]["value"], "{id}");
    }
}

#[test]
fn an_image_runs_in_a_throwaway_container_that_is_removed() {
    let images = images();
    let reports =
        collect(&[format!("image:{}", images.app)], &plan(PROFILE, Duration::from_secs(60)));
    let report = &reports[0];
    assert_eq!(report.failure, None);
    assert_eq!(value(report, "runtime.python3"), Some("3.11.2"));
    let snapshot = report.snapshot.as_ref().expect("snapshot");
    let Transport::Image(image) = &snapshot.host.transport else { panic!("{:?}", snapshot.host) };
    assert_eq!(image.reference.as_deref(), Some(images.app.as_str()));
    let id = podman_ok(&["image", "inspect", "--format", "{{.Id}}", &images.app]);
    assert_eq!(image.id.as_deref(), Some(id.as_str()));
    let address = snapshot.host.address.as_deref().unwrap_or("");
    let name = address.strip_prefix("podman:").expect("podman:NAME");
    assert!(name.starts_with(&format!("paritty-{}-", std::process::id())), "{name}");
    assert!(!exists(name), "{name} is still there");
}

/// `snapshot` catches SIGTERM to say what it had (exit 143): the
/// throwaway container is removed before it ends.
#[test]
fn sigterm_mid_snapshot_removes_the_throwaway_container() {
    let status = interrupted_mid_probe(&["snapshot"], "-TERM");
    assert_eq!(status.code(), Some(143), "{status:?}");
}

/// `diff` leaves SIGINT its default action (the process ends by it): the
/// throwaway container is removed first.
#[test]
fn sigint_mid_diff_removes_the_throwaway_container() {
    let status = interrupted_mid_probe(&["diff"], "-INT");
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(2), "{status:?}");
}

/// Runs paritty `command` on the app image with a fact that hangs, sends
/// `signal` once its container runs the probe, and checks that no
/// container of that paritty is left.
fn interrupted_mid_probe(command: &[&str], signal: &str) -> std::process::ExitStatus {
    let images = images();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), "");
    let profile = dir.path().join("slow.toml");
    std::fs::write(&profile, profile_then("slowtool")).expect("profile");
    let image = format!("image:{}", images.app);
    let mut child = paritty()
        .arg("--config")
        .arg(&config)
        .args(command)
        .args([&image, "--engine", "podman", "--timeout", "300", "--host-timeout", "300"])
        .arg("--profile")
        .arg(&profile)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run paritty");
    let prefix = format!("paritty-{}-", child.id());
    // Bounded poll on the condition itself: the container exists.
    let started = Instant::now();
    let name = loop {
        let names = podman_ok(&["ps", "-a", "--format", "{{.Names}}"]);
        if let Some(name) = names.lines().find(|n| n.starts_with(&prefix)) {
            break name.to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no container {prefix}* appeared");
        assert!(
            child.try_wait().expect("child").is_none(),
            "paritty ended before its container ran"
        );
    };
    // Removed by this guard if the test fails (checked before it drops).
    let _leftover = Container { name: name.clone() };
    // Running: the probe is in it, waiting for slowtool.
    podman_ok(&["wait", "--condition=running", &name]);
    let sent = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill");
    assert!(sent.success());
    let status = wait_bounded(&mut child, Duration::from_secs(60));
    assert!(!exists(&name), "{name} outlived paritty ({status:?})");
    let names = podman_ok(&["ps", "-a", "--format", "{{.Names}}"]);
    assert!(!names.lines().any(|n| n.starts_with(&prefix)), "{names}");
    status
}

fn wait_bounded(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("child") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("paritty did not end within {limit:?}");
        }
        // Not synchronization: the condition (the child ended) is what
        // is waited for; this only spaces the checks.
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn each_fault_has_its_reason_and_the_others_are_unaffected() {
    let images = images();
    let healthy = Container::run(&images.app, "healthy", &["/bin/busybox", "sleep", "600"]);
    let created = Container::created(&images.app, "created");
    let no_shell = Container::run(&images.no_shell, "noshell", &["/bin/busybox", "sleep", "600"]);
    let missing = crate::common::podman::unique("missing");
    let targets = [
        format!("podman:{}", healthy.name),
        format!("podman:{missing}"),
        format!("podman:{}", created.name),
        format!("podman:{}", no_shell.name),
        format!("image:{}", images.no_shell),
        "image:localhost/paritty-absent-image:0".to_owned(),
    ];
    let reports = collect(&targets, &plan(PROFILE, Duration::from_secs(60)));
    let got: Vec<Option<FailReason>> = reports.iter().map(reason).collect();
    assert_eq!(
        got,
        [
            None,
            Some(FailReason::NotFound),
            Some(FailReason::Stopped),
            Some(FailReason::NoShell),
            Some(FailReason::NoShell),
            Some(FailReason::NotFound),
        ],
        "{reports:#?}"
    );
    assert_eq!(value(&reports[0], "runtime.python3"), Some("3.11.2"));
    let message =
        |i: usize| reports[i].failure.as_ref().map(|f| f.message().to_owned()).unwrap_or_default();
    assert!(message(1).contains("podman ps -a"), "{}", message(1));
    assert!(
        message(2).contains("is created") && message(2).contains("podman start"),
        "{}",
        message(2)
    );
    assert!(message(3).contains("no /bin/sh"), "{}", message(3));
    assert!(message(5).contains("never pulls"), "{}", message(5));
}

#[test]
fn no_engine_installed_or_answering_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = paritty()
        .env("PATH", dir.path())
        .args(["snapshot", "podman:web", "docker:web", "image:localhost/app:1"])
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for (target, says) in [
        ("podman:web", "`podman` is not installed"),
        ("docker:web", "`docker` is not installed"),
        ("image:localhost/app:1", "neither docker nor podman is installed"),
    ] {
        let line =
            stderr.lines().find(|l| l.starts_with(&format!("paritty: {target}: "))).unwrap_or("");
        assert!(line.contains("engine-unavailable") && line.contains(says), "{target}: {stderr}");
    }

    // A stand-in `docker` saying what Docker's CLI says without its daemon
    // (no Docker daemon runs on these machines).
    crate::common::tool(
        dir.path(),
        "docker",
        "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1",
    );
    let out = paritty()
        .env("PATH", dir.path())
        .args(["snapshot", "docker:web"])
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("paritty: docker:web: engine-unavailable: docker does not answer")
            && stderr.contains("start the engine"),
        "{stderr}"
    );
}

#[test]
fn an_exec_that_hangs_is_killed_at_the_host_deadline() {
    let images = images();
    let web = Container::run(&images.app, "hang", &["/bin/busybox", "sleep", "600"]);
    let started = Instant::now();
    let reports = collect(
        &[format!("podman:{}", web.name)],
        &plan(&profile_then("slowtool"), Duration::from_secs(3)),
    );
    let took = started.elapsed();
    let report = &reports[0];
    assert_eq!(reason(report), Some(FailReason::Timeout), "{report:#?}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // What was framed before the deadline is kept.
    assert_eq!(value(report, "os.id"), Some("paritty"));
    // The probe halted at its deadline: the hung tool killed, a timeout.
    let slow = &report.snapshot.as_ref().expect("partial snapshot").facts["tool.slowtool"];
    assert_eq!((slow.status, slow.value.as_deref()), (Status::Timeout, None));
    // No `podman exec` of it is left.
    assert!(!exec_clients(&web.name), "a podman exec of {} is still running", web.name);
}

/// `--timeout 120 --host-timeout 2`: a fifth of the command timeout would
/// let the probe's watchdog sleep 24 s between looks at the deadline, so
/// the hung tool would run on in the container long after paritty gave
/// up. The probe halts itself in time: by the moment paritty returns
/// (a host timeout, the facts before it kept) nothing of it runs in the
/// container and no `podman exec` is left here.
#[test]
fn a_long_command_timeout_does_not_carry_the_probe_past_the_host_timeout() {
    let images = images();
    let web = Container::run(&images.app, "deadline", &["/bin/busybox", "sleep", "600"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, profile_then("slowtool")).expect("profile");
    let out = dir.path().join("web.json");
    let started = Instant::now();
    let run = paritty()
        .args(["snapshot", &format!("podman:{}", web.name), "--timeout", "120"])
        .args(["--host-timeout", "2", "--format", "json", "--profile"])
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run paritty");
    let took = started.elapsed();
    // What runs in the container now, by command line (a zombie has none).
    let left =
        podman_ok(&["exec", &web.name, "/bin/sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(": timeout:") && stderr.contains("deadline"), "{stderr}");
    assert!(!left.contains("slowtool"), "the probe's tool still runs in the container: {left}");
    assert!(!exec_clients(&web.name), "a podman exec of {} is still running", web.name);
    // Generous: the point is the probe, not the clock.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("partial snapshot"))
            .expect("json");
    assert_eq!(snap["facts"]["os.id"]["value"], "paritty", "{snap}");
    assert_eq!(snap["facts"]["tool.slowtool"]["value"], serde_json::Value::Null, "{snap}");
}

#[test]
fn a_container_that_stops_mid_probe_keeps_what_was_framed() {
    let images = images();
    // PID 1 ends once `stopper` (the second fact) has run.
    let web = Container::run(
        &images.app,
        "stops",
        &["/bin/sh", "-c", "until [ -e /tmp/stop ]; do sleep 0.05; done"],
    );
    let mut plan = plan(&profile_then("stopper"), Duration::from_secs(60));
    // One fact at a time: os.id is framed before stopper starts.
    plan.collect.max_parallel = 1;
    let reports = collect(&[format!("podman:{}", web.name)], &plan);
    let report = &reports[0];
    assert_eq!(reason(report), Some(FailReason::Stopped), "{report:#?}");
    assert!(report.failure.as_ref().is_some_and(|f| f.message().contains("partial results")));
    assert_eq!(value(report, "os.id"), Some("paritty"));
}

/// The parity invariant, extended: one root file system as `image:` and as
/// `podman:` of a running container gives the same facts, apart from
/// those about the machine.
#[test]
fn an_image_and_its_running_container_agree() {
    let images = images();
    let web = Container::run(&images.app, "parity", &["/bin/busybox", "sleep", "600"]);
    let mut plan = Plan::new(Arc::new(
        paritty::profile::load_profile("default", None).expect("default profile"),
    ));
    plan.containers.engine = Some(Engine::Podman);
    plan.containers.run_args = RUN_ARGS.iter().map(|&a| a.to_owned()).collect();
    let reports =
        collect(&[format!("image:{}", images.app), format!("podman:{}", web.name)], &plan);
    let [image, running] = [&reports[0], &reports[1]].map(|r| {
        assert_eq!(r.failure, None, "{}", r.target);
        r.snapshot.as_ref().expect("snapshot")
    });
    let about_the_machine = ["hostname", "kernel.", "cpu.", "memory."];
    let mut compared = 0;
    for (id, fact) in &image.facts {
        if about_the_machine.iter().any(|p| id.starts_with(p)) {
            continue;
        }
        let other = &running.facts[id];
        assert_eq!((fact.status, &fact.value), (other.status, &other.value), "{id}");
        compared += 1;
    }
    assert!(compared > 20, "only {compared} facts compared");
    assert_eq!(image.facts["runtime.python3"].value.as_deref(), Some("3.11.2"));
}
