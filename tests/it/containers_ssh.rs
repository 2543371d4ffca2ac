//! Containers on SSH hosts, against real sshd hosts of the lab and a real
//! Podman: the host logs in as the user the tests run as, whose Podman is
//! given a store of the test's own (`common::podman::Store`, through
//! sshd's `SetEnv`), so the container a test starts here is the one the
//! host's `podman` sees, and `--containers` lists that test's containers
//! only. Collected over SSH it equals the same container collected here;
//! each fault has its reason; an exec that hangs ends at the host deadline
//! with nothing of it left running; the view shows the containers
//! `--containers` finds as columns.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use paritty::collect::hosts::collect_targets;
use paritty::collect::plan::{Plan, Prompts};
use paritty::collect::target::Target;
use paritty::model::{FailReason, HostReport, Origin, Snapshot, Status, Transport};

use crate::common::podman::{RUN_ARGS, Store, images, unique};
use crate::common::sshd::{Fault, Host, HostSpec, KnownHost, Lab};

/// A small profile: the OS, a runtime and a tool of the test image.
const PROFILE: &str = r#"
[profile]
name = "remote-container-test"

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
"#;

/// `PROFILE` and a fact from tool `tool` of the image after them.
fn profile_then(tool: &str) -> String {
    format!(
        "{PROFILE}\n[[fact]]\nid = \"tool.{tool}\"\nlabel = \"{tool}\"\ncategory = \"Tools\"\n\
         compare = \"loose\"\nparser = \"version\"\nsources = [{{ cmd = [\"{tool}\", \"--version\"] }}]\n"
    )
}

/// The facts about the machine, which a container shares with its host.
const ABOUT_THE_MACHINE: [&str; 4] = ["hostname", "kernel.", "cpu.", "memory."];

fn paritty() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paritty"));
    command.env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config");
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The lab host whose login user sees `store`; its `docker` is
/// podman-docker's (whatever other `docker` this machine has).
fn engine_host(lab: &Lab, name: &str, store: &Store) -> Host {
    let env = store.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    lab.add_host(&HostSpec {
        name,
        login_as_tester: true,
        env: &env,
        tools: &[("docker", "exec /usr/bin/docker \"$@\"")],
        ..HostSpec::default()
    })
}

/// A PATH folder with every program of this machine but the engines': a
/// host without Podman or Docker.
fn without_engines(dir: &Path) -> PathBuf {
    let bin = dir.join("no-engines");
    std::fs::create_dir_all(&bin).expect("mkdir");
    for from in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
        let Ok(entries) = std::fs::read_dir(from) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let link = bin.join(&name);
            if ["podman", "docker"].contains(&name.to_str().unwrap_or("")) || link.exists() {
                continue;
            }
            let _ = std::os::unix::fs::symlink(entry.path(), link);
        }
    }
    bin
}

/// paritty.toml with the options Podman needs here and `extra`.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let words: Vec<String> = RUN_ARGS.iter().map(|a| format!("{a:?}")).collect();
    let path = dir.join("paritty.toml");
    std::fs::write(&path, format!("[settings]\nengine_run_args = [{}]\n{extra}", words.join(", ")))
        .expect("write config");
    path
}

fn snapshots(out: &Output) -> Vec<Snapshot> {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}\n{}", stderr(out)))
}

#[test]
fn over_ssh_a_container_gives_what_it_gives_here_and_says_where_it_runs() {
    let images = images();
    let store = Store::new();
    let _web = store.run(&images.app, "web", &["/bin/busybox", "sleep", "600"]);
    let lab = Lab::new();
    let _host = engine_host(&lab, "engines", &store);
    let dir = tempfile::tempdir().expect("temp dir");
    // The inventory form: `ssh` and `container`, through the `docker`
    // command of podman-docker on the host.
    let config = config(
        dir.path(),
        "[[host]]\nname = \"api\"\nssh = \"engines\"\ncontainer = \"web\"\nengine = \"docker\"\n\
         environment = \"prod\"\n",
    );
    let out = paritty()
        .envs(store.env())
        .arg("--config")
        .arg(&config)
        .args(["snapshot", "podman:web", "podman:web@engines", "api", "--format", "json"])
        .arg("--ssh-config")
        .arg(lab.ssh_config())
        .output()
        .expect("run paritty");
    assert!(out.status.success(), "{}", stderr(&out));
    let all = snapshots(&out);
    let [here, there, api] = [&all[0], &all[1], &all[2]];
    let mut compared = 0;
    for (id, fact) in &here.facts {
        if ABOUT_THE_MACHINE.iter().any(|p| id.starts_with(p)) {
            continue;
        }
        for other in [there, api] {
            let theirs = &other.facts[id];
            assert_eq!((fact.status, &fact.value), (theirs.status, &theirs.value), "{id}");
        }
        compared += 1;
    }
    // The default profile, and the image's own tools among them.
    assert!(compared > 20, "only {compared} facts compared");
    assert_eq!(there.facts["runtime.python3"].value.as_deref(), Some("3.11.2"));

    let image_id = store.podman_ok(&["container", "inspect", "--format", "{{.Image}}", "web"]);
    let Transport::Podman(image) = &there.host.transport else { panic!("{:?}", there.host) };
    assert_eq!(image.reference.as_deref(), Some(images.app.as_str()));
    assert_eq!(image.id.as_deref(), Some(image_id.as_str()));
    assert_eq!(image.on_host.as_deref(), Some("engines"));
    let address = there.host.address.as_deref().unwrap_or("");
    assert!(address.starts_with("podman:web@"), "{address}");
    let Transport::Docker(image) = &api.host.transport else { panic!("{:?}", api.host) };
    assert_eq!(image.on_host.as_deref(), Some("engines"));
    assert_eq!(api.host.labels.get("environment").map(String::as_str), Some("prod"));
    let Transport::Podman(image) = &here.host.transport else { panic!("{:?}", here.host) };
    assert_eq!(image.on_host, None);

    // Exports say what it is and where.
    let says = format!("container of {} on engines", images.app);
    for format in [paritty::export::SnapshotFormat::Text, paritty::export::SnapshotFormat::Md] {
        let text = paritty::export::render_snapshot(there, format);
        assert!(text.contains(&says), "{format:?}: {text}");
    }
    let json = paritty::model::snapshot_file::to_json(there);
    assert!(json.contains("\"on_host\": \"engines\""), "{json}");
}

#[test]
fn containers_lists_each_hosts_running_containers_and_says_which_could_not() {
    let images = images();
    let store = Store::new();
    let sleep = ["/bin/busybox", "sleep", "600"];
    // Started in this order; listed in natural order.
    let _ten = store.run(&images.app, "web-10", &sleep);
    let _two = store.run(&images.app, "web-2", &sleep);
    let _stopped = store.created(&images.app, "stopped");
    let lab = Lab::new();
    let _engines = engine_host(&lab, "engines", &store);
    let path = without_engines(lab.dir());
    let path = path.to_str().expect("utf-8");
    let _bare = lab.add_host(&HostSpec {
        name: "bare",
        login_as_tester: true,
        path: Some(path),
        ..HostSpec::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, PROFILE).expect("profile");
    // Here too, the same store; and podman-docker's `docker` first on
    // PATH, which lists Podman's containers again (listed once).
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::os::unix::fs::symlink("/usr/bin/docker", bin.join("docker")).expect("docker link");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = paritty()
        .envs(store.env())
        .env("PATH", path)
        .args(["snapshot", "local", "engines", "bare", "--containers", "--format", "json"])
        .arg("--profile")
        .arg(&profile)
        .arg("--ssh-config")
        .arg(lab.ssh_config())
        .output()
        .expect("run paritty");
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    let all = snapshots(&out);
    // This machine's snapshot carries its host name.
    assert_eq!(all[0].host.transport, Transport::Local);
    let names: Vec<&str> = all.iter().skip(1).map(|s| s.host.name.as_str()).collect();
    assert_eq!(
        names,
        ["web-2@local", "web-10@local", "engines", "web-2@engines", "web-10@engines", "bare"],
        "{said}"
    );
    for (container, on) in [(1, None), (2, None), (4, Some("engines")), (5, Some("engines"))] {
        let container = &all[container];
        assert_eq!(container.facts["runtime.python3"].value.as_deref(), Some("3.11.2"));
        assert_eq!(container.facts["os.id"].value.as_deref(), Some("paritty"));
        let Transport::Podman(image) = &container.host.transport else { panic!() };
        assert_eq!(image.on_host.as_deref(), on);
    }
    // The host without engines: one line saying so; the host itself is
    // still collected.
    let line = said
        .lines()
        .find(|l| l.starts_with("paritty: --containers: bare: "))
        .unwrap_or_else(|| panic!("no line for bare: {said}"));
    assert!(
        line.contains("engine-unavailable") && line.contains("neither docker nor podman"),
        "{line}"
    );
    assert_eq!(said.matches("--containers").count(), 1, "{said}");
}

fn plan(profile: &str, lab: &Lab, host_timeout: Duration, command_timeout: Duration) -> Plan {
    let mut plan = Plan::new(Arc::new(crate::common::profile(profile)));
    plan.host_timeout = host_timeout;
    plan.collect.command_timeout = command_timeout;
    plan.ssh.config_file = Some(lab.ssh_config());
    plan.ssh.connect_timeout = Duration::from_secs(5);
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

fn message(report: &HostReport) -> String {
    report.failure.as_ref().map(|f| f.message().to_owned()).unwrap_or_default()
}

/// A container of an SSH host whose app folder gives no revision: its
/// image's label does, asked over the same session, and says so.
#[test]
fn over_ssh_a_containers_revision_falls_back_to_its_image_label() {
    let revision = "89abcdef0123456789abcdef0123456789abcdef";
    let image = crate::common::podman::app_with(&[&format!(
        "LABEL=org.opencontainers.image.revision={revision}"
    )]);
    let store = Store::new();
    let _web = store.run(&image, "labelled", &["/bin/busybox", "sleep", "600"]);
    let lab = Lab::new();
    let _engines = engine_host(&lab, "engines", &store);
    let profile = "[profile]\nname = \"revision\"\n\n[[fact]]\nid = \"app.revision\"\n\
        label = \"App revision\"\ncategory = \"App\"\ncompare = \"exact\"\n\
        informational = true\nparser = \"revision\"\nsources = [\
        { cmd = [\"git\", \"rev-parse\", \"HEAD\"], app = true, absent_if = \"fatal: \" },\
        { file = \"REVISION\", app = true }, { env = \"GIT_SHA\" }]\n";
    let plan = plan(profile, &lab, Duration::from_secs(60), Duration::from_secs(20));
    let reports = collect(&["podman:labelled@engines".to_owned()], &plan);
    let report = &reports[0];
    assert_eq!(report.failure, None, "{report:#?}");
    let fact = &report.snapshot.as_ref().expect("snapshot").facts["app.revision"];
    assert_eq!((fact.value.as_deref(), fact.origin), (Some(revision), Some(Origin::ImageLabel)));
}

#[test]
fn each_fault_has_its_reason_and_the_others_are_unaffected() {
    let images = images();
    let store = Store::new();
    let sleep = ["/bin/busybox", "sleep", "600"];
    let _web = store.run(&images.app, "web", &sleep);
    let _created = store.created(&images.app, "created");
    let _no_shell = store.run(&images.no_shell, "noshell", &sleep);
    let lab = Lab::new();
    let _engines = engine_host(&lab, "engines", &store);
    // No engine on the PATH of its sessions.
    let empty = lab.dir().join("empty-bin");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let empty_path = empty.to_str().expect("utf-8");
    let _bare =
        lab.add_host(&HostSpec { name: "bare", path: Some(empty_path), ..HostSpec::default() });
    // Podman told to use a socket its user may not open (the lab user:
    // not root, so the mode is obeyed).
    let socket = lab.dir().join("podman.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind socket");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let container_host = format!("unix://{}", socket.display());
    let _denied = lab.add_host(&HostSpec {
        name: "denied",
        env: &[("CONTAINER_HOST", &container_host)],
        ..HostSpec::default()
    });
    let _refused = lab.add_host(&HostSpec {
        name: "refused",
        login_as_tester: true,
        refuse_login: true,
        ..HostSpec::default()
    });
    let _unknown = lab.add_host(&HostSpec {
        name: "unknown-key",
        login_as_tester: true,
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    let closed = Fault::closed_port();
    let targets = [
        "podman:web@engines".to_owned(),
        "podman:missing@engines".to_owned(),
        "podman:created@engines".to_owned(),
        "podman:noshell@engines".to_owned(),
        "podman:web@bare".to_owned(),
        "docker:web@denied".to_owned(),
        "podman:web@refused".to_owned(),
        "podman:web@unknown-key".to_owned(),
        format!("podman:web@{}:{}", closed.ip(), closed.port()),
    ];
    let reports =
        collect(&targets, &plan(PROFILE, &lab, Duration::from_secs(60), Duration::from_secs(20)));
    let got: Vec<Option<FailReason>> =
        reports.iter().map(|r| r.failure.as_ref().map(|f| f.reason)).collect();
    assert_eq!(
        got,
        [
            None,
            Some(FailReason::NotFound),
            Some(FailReason::Stopped),
            Some(FailReason::NoShell),
            Some(FailReason::EngineUnavailable),
            Some(FailReason::EngineUnavailable),
            Some(FailReason::AuthFailed),
            Some(FailReason::HostKeyUnknown),
            Some(FailReason::Unreachable),
        ],
        "{reports:#?}"
    );
    let value = |r: &HostReport, id: &str| {
        r.snapshot.as_ref().and_then(|s| s.facts.get(id)).and_then(|f| f.value.clone())
    };
    assert_eq!(value(&reports[0], "runtime.python3").as_deref(), Some("3.11.2"));
    // Each says where, and what to do.
    let says = |i: usize, words: &[&str]| {
        let m = message(&reports[i]);
        assert!(words.iter().all(|w| m.contains(w)), "{}: {m}", targets[i]);
    };
    says(1, &["on engines:", "no container `missing`", "podman ps -a"]);
    says(2, &["on engines:", "is created", "podman start created"]);
    says(3, &["on engines:", "no /bin/sh"]);
    says(4, &["on bare:", "`podman` is not installed", "install it on the host"]);
    says(5, &["on denied:", "does not answer", "check access to its socket"]);
}

/// Whether a process of this machine has `exec` and `name` among its
/// arguments (an engine client left running).
fn engine_clients(name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.filter_map(Result::ok).any(|e| {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let words: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        words.contains(&b"exec".as_slice()) && words.contains(&name.as_bytes())
    })
}

#[test]
fn an_exec_that_hangs_ends_at_the_host_deadline_and_leaves_nothing_running() {
    let images = images();
    let store = Store::new();
    let name = unique("hang");
    let _hang = store.run(&images.app, &name, &["/bin/busybox", "sleep", "600"]);
    let lab = Lab::new();
    let _engines = engine_host(&lab, "engines", &store);
    // `slowtool` sleeps far past the host deadline and its command
    // timeout (120 s) too: the probe's watchdog, ticking at an eighth of
    // the time it is given (not a fifth of the command timeout, 24 s),
    // halts the probe before the host's `timeout` would end the engine's
    // client, two seconds before paritty would stop waiting.
    let host_timeout = Duration::from_secs(20);
    let plan = plan(&profile_then("slowtool"), &lab, host_timeout, Duration::from_secs(120));
    let started = Instant::now();
    let reports = collect(&[format!("podman:{name}@engines")], &plan);
    let took = started.elapsed();
    let report = &reports[0];
    assert_eq!(report.failure.as_ref().map(|f| f.reason), Some(FailReason::Timeout), "{report:#?}");
    assert!(took < host_timeout + Duration::from_secs(2), "took {took:?}");
    // What was framed before is kept.
    let snapshot = report.snapshot.as_ref().expect("partial snapshot");
    assert_eq!(snapshot.facts["os.id"].value.as_deref(), Some("paritty"));
    assert_ne!(snapshot.facts["tool.slowtool"].status, Status::Ok);
    // Ended on the host, not by paritty giving up: the message says the
    // deadline passed and what ran was killed.
    let message = message(report);
    assert!(message.contains("killed"), "{message}");
    // The engine's client ended before paritty returned.
    let returned = Instant::now();
    while engine_clients(&name) {
        assert!(
            returned.elapsed() < Duration::from_secs(2),
            "the engine's client outlived the host deadline"
        );
        // Not synchronization: the condition is what is waited for.
        std::thread::sleep(Duration::from_millis(50));
    }
    // Nothing of it stays: the probe's commands in the container were
    // killed when it halted.
    let gone = Instant::now();
    loop {
        let top = store.podman_ok(&["top", &name, "args"]);
        let client = engine_clients(&name);
        if !client && !top.contains("slowtool") {
            break;
        }
        assert!(
            gone.elapsed() < Duration::from_secs(45),
            "still running after the deadline: client {client}, in the container:\n{top}"
        );
        // Not synchronization: the condition is what is waited for; this
        // only spaces the checks.
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The view with `--containers`: the host's containers become columns,
/// their header saying what they run and where.
#[test]
fn the_view_shows_a_hosts_containers_as_columns() {
    use crate::common::pty::{Pty, session};
    let images = images();
    let store = Store::new();
    let _web = store.run(&images.app, "web", &["/bin/busybox", "sleep", "600"]);
    let lab = Lab::new();
    let _engines = engine_host(&lab, "engines", &store);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, PROFILE).expect("profile");
    let mut command = session(env!("CARGO_BIN_EXE_paritty"));
    command
        .current_dir(dir.path())
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .args(["engines", "--containers", "--profile"])
        .arg(&profile)
        .arg("--ssh-config")
        .arg(lab.ssh_config());
    let mut pty = Pty::spawn(command, 30, 160);
    let wait = Duration::from_secs(60);
    // The container's own OS id (the image's os-release) on the OS id row.
    let container_row = |l: &str| l.contains("OS id") && l.contains("paritty");
    let shown = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains("web@engines")
                && text.contains("container of")
                && text.lines().any(container_row)
        },
        wait,
    );
    assert!(shown.contains("web@engines") && shown.contains("container of"), "{shown}");
    pty.send(b"q");
    let status = pty.wait_exit(wait);
    assert!(status.success(), "{status:?}");
}
