//! Proves the real-sshd harness (tests/it/common/sshd) with the system OpenSSH client.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::common::sshd::{Fault, HostSpec, KeyType, KnownHost, Lab};

/// Bounds every wait in these tests; a broken harness fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(30);

/// `ssh -F <lab config> -o BatchMode=yes`: never prompts, never reads the user's files.
fn ssh(lab: &Lab) -> Command {
    ssh_timeout(lab, 10)
}

/// `ssh()` with another `ConnectTimeout` (ssh keeps the first value given, so it is set here).
fn ssh_timeout(lab: &Lab, seconds: u32) -> Command {
    let mut cmd = Command::new("ssh");
    cmd.arg("-F").arg(lab.ssh_config()).args(["-o", "BatchMode=yes", "-o"]);
    cmd.arg(format!("ConnectTimeout={seconds}"));
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run ssh")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Waits for a child with a deadline: a thread waits, the test waits on a channel.
fn wait_bounded(mut child: Child) -> ExitStatus {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(child.wait()).ok());
    rx.recv_timeout(LIMIT).expect("ssh still running after the deadline").expect("wait for ssh")
}

#[test]
fn each_host_answers_with_its_own_tools() {
    let lab = Lab::new();
    let a = lab.add_host(&HostSpec {
        name: "host-a",
        tools: &[("mytool", "echo 'Python 3.9.2'")],
        ..HostSpec::default()
    });
    let b = lab.add_host(&HostSpec {
        name: "host-b",
        tools: &[("mytool", "echo 'Python 3.12.1'"), ("only-b", "echo b")],
        ..HostSpec::default()
    });
    assert_ne!(a.addr(), b.addr(), "each host has its own address");
    assert!(a.addr().is_loopback() && b.addr().is_loopback());

    let out = run(ssh(&lab).args(["host-a", "mytool"]));
    assert!(out.status.success(), "host-a: {}", stderr(&out));
    assert_eq!(stdout(&out), "Python 3.9.2\n");
    let out = run(ssh(&lab).args(["host-b", "mytool"]));
    assert!(out.status.success(), "host-b: {}", stderr(&out));
    assert_eq!(stdout(&out), "Python 3.12.1\n");

    // The tool comes from the host's own folder, and host-a lacks host-b's extra tool.
    let out = run(ssh(&lab).args(["host-b", "command -v only-b"]));
    assert_eq!(stdout(&out).trim(), b.tool_dir().join("only-b").display().to_string());
    let out = run(ssh(&lab).args(["host-a", "command -v only-b"]));
    assert!(!out.status.success(), "host-a must not find host-b's tool: {}", stdout(&out));

    assert!(a.wait_for_log("Accepted publickey for", LIMIT), "sshd log:\n{}", a.log());
}

#[test]
fn client_sees_the_advertised_keys_and_fingerprints() {
    let lab = Lab::new();
    let host = lab.add_host(&HostSpec { name: "keys", ..HostSpec::default() });
    let out = run(ssh(&lab).args(["-v", "keys", "true"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = format!("Server host key: ssh-ed25519 {}", host.fingerprint(KeyType::Ed25519));
    assert!(stderr(&out).contains(&expected), "want {expected:?} in:\n{}", stderr(&out));

    // The ECDSA key and its known_hosts line work on their own.
    let ecdsa_known = lab.dir().join("ecdsa_known_hosts");
    std::fs::write(&ecdsa_known, host.known_hosts_line(KeyType::Ecdsa)).expect("write");
    let out = run(ssh(&lab)
        .args(["-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256", "-o"])
        .arg(format!("UserKnownHostsFile={}", ecdsa_known.display()))
        .args(["-v", "keys", "true"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(host.public_key(KeyType::Ecdsa).starts_with("ecdsa-sha2-nistp256 "));
    assert!(stderr(&out).contains(host.fingerprint(KeyType::Ecdsa)), "{}", stderr(&out));
}

#[test]
fn os_release_differs_only_where_asked() {
    let lab = Lab::new();
    let fake = "ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n";
    let odd =
        lab.add_host(&HostSpec { name: "odd", os_release: Some(fake), ..HostSpec::default() });
    let plain = lab.add_host(&HostSpec { name: "plain", ..HostSpec::default() });
    let local = std::fs::read_to_string("/etc/os-release").expect("read local os-release");

    let out = run(ssh(&lab).args(["odd", "cat /etc/os-release"]));
    assert!(out.status.success(), "{}", stderr(&out));
    if odd.os_release_differs() {
        assert!(lab.is_root(), "only root can give a host its own os-release");
        assert_eq!(stdout(&out), fake);
    } else {
        assert_eq!(stdout(&out), local, "without root the machine's own file shows");
    }
    // The bind mount stays inside that sshd's namespace: the rest of the machine is untouched.
    let out = run(ssh(&lab).args(["plain", "cat /etc/os-release"]));
    assert_eq!(stdout(&out), local, "{}", plain.log());
    assert_eq!(std::fs::read_to_string("/etc/os-release").expect("read again"), local);
}

#[test]
fn unknown_host_key_is_refused_under_strict_checking() {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec {
        name: "stranger",
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    let out = run(ssh(&lab).args(["stranger", "true"]));
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr(&out).contains("Host key verification failed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("No ED25519 host key is known"), "{}", stderr(&out));
}

#[test]
fn wrong_host_key_is_refused() {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec {
        name: "changed",
        known_host: KnownHost::Wrong,
        ..HostSpec::default()
    });
    let out = run(ssh(&lab).args(["changed", "true"]));
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr(&out).contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), "{}", stderr(&out));
}

#[test]
fn refused_login_is_refused() {
    let lab = Lab::new();
    let host =
        lab.add_host(&HostSpec { name: "locked", refuse_login: true, ..HostSpec::default() });
    let out = run(ssh(&lab).args(["locked", "true"]));
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr(&out).contains("Permission denied (publickey)"), "{}", stderr(&out));
    let closed = format!("Connection closed by authenticating user {}", lab.user());
    assert!(host.wait_for_log(&closed, LIMIT), "sshd log:\n{}", host.log());
}

#[test]
fn killed_host_drops_its_session_and_stops_answering() {
    let lab = Lab::new();
    let host = lab.add_host(&HostSpec { name: "doomed", ..HostSpec::default() });
    // A session that lives until its stdin closes; we keep stdin open, so only the kill ends it.
    let mut session = ssh(&lab)
        .args(["doomed", "echo started; cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ssh");
    let _stdin = session.stdin.take().expect("stdin");
    let mut line = String::new();
    let mut out = BufReader::new(session.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("read session output");
    assert_eq!(line, "started\n", "sshd log:\n{}", host.log());

    host.kill();
    assert_eq!(host.pid(), None);
    // 255 is ssh's own failure; a session that ended normally would give cat's 0.
    assert_eq!(wait_bounded(session).code(), Some(255));
    let again = run(ssh(&lab).args(["doomed", "true"]));
    assert_eq!(again.status.code(), Some(255));
    assert!(stderr(&again).contains("Connection refused"), "{}", stderr(&again));
}

#[test]
fn silent_listener_times_out_the_banner_exchange() {
    let lab = Lab::new();
    let silent = Fault::silent_listener();
    let out = run(ssh_timeout(&lab, 1)
        .args(["-p", &silent.port().to_string()])
        .arg(format!("{}@{}", lab.user(), silent.addr()))
        .arg("true"));
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr(&out).contains("timed out during banner exchange"), "{}", stderr(&out));
}

#[test]
fn closed_port_is_refused() {
    let lab = Lab::new();
    let closed = Fault::closed_port();
    assert!(closed.ip().is_loopback());
    let out = run(ssh(&lab)
        .args(["-p", &closed.port().to_string()])
        .arg(format!("{}@{}", lab.user(), closed.ip()))
        .arg("true"));
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr(&out).contains("Connection refused"), "{}", stderr(&out));
}

#[test]
fn lab_lays_out_a_home_like_openssh_expects() {
    let lab = Lab::new();
    let ssh_dir = lab.home().join(".ssh");
    for file in ["config", "known_hosts", "id_ed25519", "id_ed25519.pub"] {
        assert!(ssh_dir.join(file).is_file(), "missing ~/.ssh/{file}");
    }
    assert_eq!(lab.ssh_config(), ssh_dir.join("config"));
    assert!(lab.public_key().starts_with("ssh-ed25519 "));
    let host = lab.add_host(&HostSpec { name: "home", ..HostSpec::default() });
    let config = std::fs::read_to_string(lab.ssh_config()).expect("read config");
    assert!(config.contains(&format!("Host home\n    HostName {}\n", host.addr())), "{config}");
    let known = std::fs::read_to_string(lab.known_hosts()).expect("read known_hosts");
    assert_eq!(known, host.known_hosts_line(KeyType::Ed25519));
}
