//! `--host-timeout` bounds everything one host costs: connecting, the
//! handshake, logging in, the probe, closing, and ProxyJump hops. Each test
//! gives a real sshd (or a silent listener) a fault that would otherwise
//! cost far longer than the host timeout (30 s or more), and asserts the
//! whole run ends within the host timeout plus a margin of 2 s, failing
//! with `timeout` and the phase the deadline hit. Only 127.0.0.0/8 is used.

#![cfg(target_os = "linux")]

use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc::{self, TryRecvError};
use std::time::{Duration, Instant};

use crate::common::remote::{fault_line, read_json};
use crate::common::sshd::{Fault, HostSpec, Lab};
use crate::common::{HEADER, command_fact};

/// What a host may cost beyond its host timeout: closing, process start
/// and exit, a loaded machine. Far below what each fault would cost
/// without the bound.
const MARGIN: Duration = Duration::from_secs(2);

/// `paritty snapshot TARGET --ssh-config C --profile P --out O ARGS...`
/// without a terminal, an agent or a paritty config; with its duration.
fn snapshot(
    config: &Path,
    profile: &Path,
    out: &Path,
    target: &str,
    args: &[&str],
) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("snapshot")
        .arg(target)
        .arg("--ssh-config")
        .arg(config)
        .arg("--profile")
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty");
    (output, started.elapsed())
}

/// A profile with a quick tool and one that prints a version and hangs.
fn write_profile(dir: &Path) -> PathBuf {
    let path = dir.join("deadline.toml");
    let text = format!(
        "{HEADER}{}{}",
        command_fact("a.quick", &["quick"], "version"),
        command_fact("b.hang", &["hang"], "version")
    );
    std::fs::write(&path, text).expect("write profile");
    path
}

/// The run failed for `target` with `timeout`, naming `phase`, within
/// `host_timeout` + MARGIN.
fn assert_bounded(run: &Output, took: Duration, target: &str, host_timeout: u64, phase: &str) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "the host failed: {stderr}");
    let bound = Duration::from_secs(host_timeout) + MARGIN;
    assert!(took < bound, "took {took:?}, more than {bound:?}: {stderr}");
    let line = fault_line(&stderr, target, "timeout");
    assert!(line.contains(phase), "the phase is named ({phase}): {line}");
}

#[test]
fn a_session_that_never_ends_costs_the_host_timeout() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new();
    let dir = tempfile::tempdir().expect("tmp");
    // The session notes its pid where the login user can write, so the test
    // can end it: sshd leaves a command without a terminal running when the
    // client goes (it is the host's, not paritty's, to end).
    let pids = dir.path().join("pids");
    std::fs::create_dir(&pids).expect("mkdir");
    std::fs::set_permissions(&pids, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let pid_file = pids.join("session");
    // Whatever is asked, the host runs this (and sshd keeps the channel
    // open while it runs, even after the client closes it).
    let force = format!("ForceCommand echo $$ > {}; exec sleep 300", pid_file.display());
    let _host = lab.add_host(&HostSpec {
        name: "stuck",
        sshd_config: &[force.as_str()],
        ..HostSpec::default()
    });
    let profile = write_profile(dir.path());
    let out = dir.path().join("stuck.json");
    let (run, took) =
        snapshot(&lab.ssh_config(), &profile, &out, "stuck", &["--host-timeout", "3"]);
    if let Ok(pid) = std::fs::read_to_string(&pid_file) {
        let _ = std::process::Command::new("kill").args(["-9", pid.trim()]).status();
    }
    assert_bounded(&run, took, "stuck", 3, "while running the probe");
}

#[test]
fn a_silent_listener_costs_the_host_timeout_when_it_is_shorter() {
    let lab = Lab::new();
    let silent = Fault::silent_listener();
    let target = format!("{}:{}", silent.addr(), silent.port());
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("silent.json");
    let args = ["--connect-timeout", "8", "--host-timeout", "2"];
    let (run, took) = snapshot(&lab.ssh_config(), &profile, &out, &target, &args);
    assert_bounded(&run, took, &target, 2, "during the SSH handshake");
}

#[test]
fn a_hung_tool_costs_the_host_timeout_and_the_facts_before_it_are_kept() {
    let lab = Lab::new();
    let tools = [("quick", "echo 'quick 1.0.1'"), ("hang", "echo v1; sleep 100")];
    let _host = lab.add_host(&HostSpec { name: "hung", tools: &tools, ..HostSpec::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("hung.json");
    // The command timeout is far above the host timeout: only the host
    // deadline can end this probe.
    let args = ["--host-timeout", "3", "--timeout", "60"];
    let (run, took) = snapshot(&lab.ssh_config(), &profile, &out, "hung", &args);
    assert_bounded(&run, took, "hung", 3, "while running the probe");
    let snap = read_json(&out);
    assert_eq!(snap["facts"]["a.quick"]["value"], "1.0.1", "{snap}");
    // The probe halted at its deadline: the hung tool killed, what it
    // printed kept, no value.
    assert_eq!(snap["facts"]["b.hang"]["status"], "timeout", "{snap}");
    assert_eq!(snap["facts"]["b.hang"]["value"], serde_json::Value::Null, "{snap}");
    assert_eq!(snap["facts"]["b.hang"]["raw"], "v1\n", "{snap}");
}

#[test]
fn a_silent_host_behind_a_jump_host_costs_the_host_timeout() {
    let lab = Lab::new();
    let _jump = lab.add_host(&HostSpec { name: "jump", ..HostSpec::default() });
    let silent = Fault::silent_listener();
    let config = lab.dir().join("jump_config");
    let text = format!(
        "Include {}\n\nHost behind\n    HostName {}\n    Port {}\n    ProxyJump jump\n",
        lab.ssh_config().display(),
        silent.addr(),
        silent.port()
    );
    std::fs::write(&config, text).expect("write config");
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("behind.json");
    let args = ["--connect-timeout", "8", "--host-timeout", "2"];
    let (run, took) = snapshot(&config, &profile, &out, "behind", &args);
    assert_bounded(&run, took, "behind", 2, "during the SSH handshake");
}

/// An ssh-agent that takes connections and never answers: libssh2 would
/// wait for it forever (its agent calls have no timeout).
#[test]
fn a_hung_agent_costs_the_host_timeout() {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "agented", ..HostSpec::default() });
    let socket = lab.dir().join("hung-agent.sock");
    let listener = UnixListener::bind(&socket).expect("bind agent socket");
    let (done, stop) = mpsc::channel::<()>();
    let agent = std::thread::spawn(move || {
        // Connections are held, never read or answered, until the test ends.
        let mut held = Vec::new();
        for stream in listener.incoming() {
            if stop.try_recv() != Err(TryRecvError::Empty) {
                break;
            }
            held.extend(stream.ok());
        }
    });
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("agented.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
    cmd.arg("snapshot")
        .arg("agented")
        .arg("--ssh-config")
        .arg(lab.ssh_config())
        .arg("--profile")
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .args(["--host-timeout", "3"])
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env("SSH_AUTH_SOCK", &socket);
    let (run, took) = bounded(cmd, Duration::from_secs(30));
    drop(done);
    // accept() blocks: one connection of our own lets the thread see `done`.
    drop(UnixStream::connect(&socket));
    agent.join().expect("agent thread");
    assert_bounded(&run, took, "agented", 3, "while waiting for ssh-agent");
}

/// Runs `cmd` to its end, or kills it after `limit` (a run that would
/// never end fails the test instead of hanging it).
fn bounded(mut cmd: Command, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run paritty");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx.recv_timeout(limit).unwrap_or_else(|_| {
        // The shell's kill: procps' is not on minimal systems.
        let kill = format!("kill -s KILL {pid}");
        let _ = Command::new("sh").args(["-c", &kill]).status();
        panic!("paritty still ran after {limit:?} (killed)")
    });
    (output.expect("wait for paritty"), started.elapsed())
}

/// A `Match exec` command that hangs: `ssh -G` answers for such configs,
/// and it waits for the command (paritty kills it after 15 s otherwise).
#[test]
fn a_hanging_match_exec_costs_the_host_timeout() {
    let lab = Lab::new();
    let config = lab.dir().join("match_config");
    let text = "Match exec \"sleep 100\"\n    User nobody\n\nHost slow-match\n    \
                HostName 127.0.0.1\n    Port 9\n";
    std::fs::write(&config, text).expect("write config");
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("slow-match.json");
    let (run, took) = snapshot(&config, &profile, &out, "slow-match", &["--host-timeout", "2"]);
    assert_bounded(&run, took, "slow-match", 2, "while resolving its ssh_config");
}

/// A host whose key check hangs (sshd waits for an AuthorizedKeysCommand
/// that never ends): the login would wait the whole connect timeout.
#[test]
fn a_login_that_hangs_costs_the_host_timeout() {
    let lab = Lab::new();
    let user = format!("AuthorizedKeysCommandUser {}", lab.user());
    let extra = ["AuthorizedKeysCommand /bin/sleep 100", user.as_str()];
    let _host = lab.add_host(&HostSpec {
        name: "slow-login",
        refuse_login: true,
        sshd_config: &extra,
        ..HostSpec::default()
    });
    let dir = tempfile::tempdir().expect("tmp");
    let profile = write_profile(dir.path());
    let out = dir.path().join("slow-login.json");
    let args = ["--connect-timeout", "8", "--host-timeout", "2"];
    let (run, took) = snapshot(&lab.ssh_config(), &profile, &out, "slow-login", &args);
    assert_bounded(&run, took, "slow-login", 2, "while logging in");
}
