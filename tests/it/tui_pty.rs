//! The real binary in a pseudo-terminal against real sshd hosts from the
//! harness: it opens, fills its columns live, asks about an unknown host
//! key, navigates, exports a file, quits, and leaves the terminal as it
//! found it. Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::pty::{Pty, session};
use crate::common::remote::profile_fixture;
use crate::common::sshd::{Fault, HostSpec, KnownHost, Lab};

/// Long enough for a loaded CI machine; waits end as soon as the screen shows it.
const WAIT: Duration = Duration::from_secs(60);

fn paritty(dir: &Path) -> Command {
    let mut cmd = session(env!("CARGO_BIN_EXE_paritty"));
    cmd.current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// The lab's ssh_config, except that `alias` asks about unknown keys (as
/// an unset StrictHostKeyChecking does) instead of refusing them.
fn config_asking_for(lab: &Lab, alias: &str, into: &Path) {
    let text = std::fs::read_to_string(lab.ssh_config()).expect("lab config");
    let blocks: Vec<String> = text
        .split("Host ")
        .filter(|b| !b.is_empty())
        .map(|b| {
            let b = format!("Host {b}");
            if b.starts_with(&format!("Host {alias}\n")) {
                b.replace("StrictHostKeyChecking yes", "StrictHostKeyChecking ask")
            } else {
                b
            }
        })
        .collect();
    std::fs::write(into, blocks.concat()).expect("write ssh_config");
}

/// paritty.toml: prod, staging, a host with an unknown key, a dead one and
/// a slow one; timeouts long enough that the slow one outlasts the test.
fn write_inventory(dir: &Path, ssh_config: &Path, dead: SocketAddr, slow: SocketAddr) {
    let inventory = format!(
        "[settings]\nprofile = \"pty-test.toml\"\nssh_config = {:?}\nconnect_timeout = 300\nhost_timeout = 300\n\n\
         [[host]]\nname = \"prod-1\"\nenvironment = \"prod\"\n\n\
         [[host]]\nname = \"staging-1\"\nenvironment = \"staging\"\n\n\
         [[host]]\nname = \"newcomer\"\n\n\
         [[host]]\nname = \"dead\"\nssh = \"{dead}\"\n\n\
         [[host]]\nname = \"slow\"\nssh = \"{slow}\"\n",
        ssh_config.display(),
    );
    std::fs::write(dir.join("paritty.toml"), inventory).expect("inventory");
}

#[test]
fn a_whole_session_against_real_hosts() {
    let lab = Lab::new();
    let prod = lab.add_host(&HostSpec {
        name: "prod-1",
        tools: &[("python3", "echo 'Python 3.11.2'"), ("mytool", "echo 'mytool 1.4.0'")],
        ..HostSpec::default()
    });
    let staging = lab.add_host(&HostSpec {
        name: "staging-1",
        tools: &[("python3", "echo 'Python 3.12.1'"), ("mytool", "echo 'mytool 2.0.0'")],
        ..HostSpec::default()
    });
    let newcomer = lab.add_host(&HostSpec {
        name: "newcomer",
        tools: &[("python3", "echo 'Python 3.11.2'"), ("mytool", "echo 'mytool 1.4.0'")],
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    let dead = Fault::closed_port();
    // Accepts and never speaks: stays "connecting" for the whole session.
    let slow = Fault::silent_listener();

    let dir = tempfile::tempdir().expect("tmp");
    let ssh_config = dir.path().join("ssh_config");
    config_asking_for(&lab, "newcomer", &ssh_config);
    std::fs::copy(profile_fixture("pty-test"), dir.path().join("pty-test.toml")).expect("profile");
    write_inventory(dir.path(), &ssh_config, dead, slow.socket_addr());
    let known_before = std::fs::read_to_string(lab.known_hosts()).expect("known_hosts");

    // Too small at first: a message, not a broken layout.
    let mut pty = Pty::spawn(paritty(dir.path()), 10, 40);
    pty.wait_for("Terminal too small", WAIT);
    pty.resize(32, 150);
    // The unknown host key is asked about with its fingerprint. Waited for
    // down to the question below it: the first line can be on screen alone.
    let asked = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains("can't be established") && text.contains("Trust it and add it")
        },
        WAIT,
    );
    assert!(asked.contains(newcomer.fingerprint(crate::common::sshd::KeyType::Ed25519)), "{asked}");
    pty.send(b"y");
    // Every host but the slow one finishes; the slow one is still at it.
    // Waited for down to staging's last value: a frame arrives in pieces,
    // and its header can be on screen before the rows below it.
    let done = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains("✗ unreachable")
                && text.contains("✓ parity")
                && text.contains("collecting 1")
                && text.contains("3.12.1")
                && text.contains("2.0.0")
        },
        WAIT,
    );
    assert!(done.contains("connecting"), "the slow host shows its stage:\n{done}");
    assert!(done.contains("★ prod-1"), "prod is the baseline:\n{done}");
    assert!(done.contains("✗ unreachable"), "the dead host says why:\n{done}");
    assert!(done.contains("3.12.1") && done.contains("2.0.0"), "staging's values:\n{done}");
    let known_after = std::fs::read_to_string(lab.known_hosts()).expect("known_hosts");
    assert_eq!(known_after.lines().count(), known_before.lines().count() + 1, "one line added");
    assert!(known_after.starts_with(&known_before), "the user's lines are untouched");

    // The view answers while a host is slow.
    pty.send(b"?");
    pty.wait_for("Help: keys", WAIT);
    pty.send(b"?");
    pty.wait_for_fn(|s| !s.contents().contains("Help: keys"), WAIT);
    // Next divergence, details show the evidence of the selected fact.
    pty.send(b"n");
    pty.wait_for("compared as", WAIT);
    // Pair view of the baseline and staging, then back.
    // (Columns: ★ prod-1, this machine, staging-1, ...)
    pty.send(b"ll");
    pty.send(b"p");
    // Waited for down to the row: the title can arrive before the rows.
    let major_row = |l: &str| l.contains("mytool") && l.contains("█ major") && l.contains("2.0.0");
    let pair = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains("Pair: prod-1 ⇄ staging-1") && text.lines().any(major_row)
        },
        WAIT,
    );
    assert!(pair.lines().any(major_row), "{pair}");
    pty.send(b"p");
    pty.wait_for(" facts ", WAIT);
    // staging-1 is upgraded; `r` collects it again and its column follows.
    crate::common::tool(&staging.tool_dir(), "mytool", "echo 'mytool 2.1.0'");
    pty.send(b"r");
    let refreshed = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains("2.1.0") && !text.contains("2.0.0")
        },
        WAIT,
    );
    assert!(!refreshed.contains("2.0.0"), "{refreshed}");
    // Export the comparison as Markdown into the working folder.
    pty.send(b"e");
    pty.wait_for("◂ the whole comparison ▸", WAIT);
    pty.send(b"\r");
    pty.wait_for("wrote the whole comparison (md)", WAIT);
    let exported =
        std::fs::read_to_string(dir.path().join("paritty-comparison.md")).expect("export");
    assert!(exported.starts_with("**prod-1 vs 5 hosts:"), "{exported}");
    assert!(exported.contains("newcomer"), "{exported}");
    assert!(exported.contains("3.12.1") && exported.contains("2.1.0"), "{exported}");

    // Quitting does not wait for the slow host (its timeouts are 300 s).
    let still_slow = pty.screen();
    assert!(still_slow.contains("collecting 1"), "{still_slow}");
    pty.send(b"q");
    assert_terminal_given_back(&mut pty);
    drop((prod, staging, slow));
}

/// The session ended well and left the terminal as it found it: cooked
/// mode, the main screen, the cursor shown, mouse capture off.
pub(crate) fn assert_terminal_given_back(pty: &mut Pty) {
    let status = pty.wait_exit(WAIT);
    assert!(status.success(), "{status:?}");
    assert!(pty.is_cooked(), "raw mode was left on");
    let raw = pty.raw_output();
    let text = String::from_utf8_lossy(&raw);
    let entered = text.find("\x1b[?1049h").expect("alternate screen entered");
    let left = text.rfind("\x1b[?1049l").expect("alternate screen left");
    assert!(entered < left);
    assert!(
        text[left..].contains("\x1b[?25h") || text.rfind("\x1b[?25h") > Some(entered),
        "cursor shown"
    );
    assert!(text.rfind("\x1b[?1000l") > Some(entered), "mouse capture turned off");
}

#[test]
fn without_a_terminal_it_says_what_to_use_instead() {
    let out = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("needs a terminal") && stderr.contains("paritty diff"), "{stderr}");
}

#[test]
fn a_panic_gives_the_terminal_back_before_its_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cmd = paritty(dir.path());
    cmd.env("PARITTY_TEST_PANIC", "1");
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_for("paritty · profile", WAIT);
    // F12: the debug build's injected fault.
    pty.send(b"\x1b[24~");
    let status = pty.wait_exit(WAIT);
    assert_eq!(status.code(), Some(101), "a panic exits 101");
    assert!(pty.is_cooked(), "raw mode was left on");
    let text = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    let left = text.rfind("\x1b[?1049l").expect("alternate screen left");
    let report = text.find("panicked").expect("the report is printed");
    assert!(left < report, "restored before the report, so the report stays on screen");
    assert_eq!(
        text.matches("\x1b[?1049l").count(),
        1,
        "left once: a second leave would move the cursor over the report"
    );
    let screen = pty.screen();
    assert!(
        screen.contains("PARITTY_TEST_PANIC"),
        "the report is readable on the main screen:\n{screen}"
    );
}

#[test]
fn paritty_declared_opens_with_the_declared_column_and_d_hides_it() {
    let dir = tempfile::tempdir().expect("tmp");
    // No Python is a 1.0: this machine's (tests need python3) violates it.
    std::fs::write(dir.path().join(".python-version"), "1.0\n").expect("write");
    let mut cmd = paritty(dir.path());
    // Python's own time under load is not what is tested: a tool killed at
    // the default timeout would leave the row without its mark.
    cmd.args(["--timeout", "60", "declared", "local"]);
    let mut pty = Pty::spawn(cmd, 40, 120);
    // A frame arrives in pieces: wait for the status line too.
    pty.wait_for_fn(
        |s| {
            let text = s.contents();
            text.contains(" declared ")
                && text.lines().any(|l| l.contains("Python 3") && l.contains('✗'))
                && text.contains("✗ 1 violation")
        },
        WAIT,
    );
    pty.send(b"D");
    pty.wait_for_fn(|s| !s.contents().contains(" declared "), WAIT);
    pty.send(b"q");
    assert_eq!(pty.wait_exit(WAIT).code(), Some(0));
    assert!(pty.is_cooked(), "raw mode was left on");
}
