//! Issue 14's fleet on real hosts: 64 sshd hosts from the harness, three
//! with an odd OpenSSL. In a pty, the view opens as the fleet view by itself
//! (64 hosts are far more than two screens of columns) and the OpenSSL row
//! shows the common value ×61 and the odd one ×3 marked as an outlier;
//! Enter on the odd value lists exactly those three hosts; quitting gives
//! the terminal back. Then `accept` records the three, `check` passes, and
//! once a fourth host turns odd `check` fails naming only that one.
//! Only 127.0.0.0/8 addresses are used; every wait is on a condition.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output};
use std::thread;
use std::time::Duration;

use crate::common::pty::{Pty, session};
use crate::common::remote::profile_fixture;
use crate::common::sshd::{Host, HostSpec, Lab};
use crate::tui_pty::assert_terminal_given_back;

const HOSTS: usize = 64;
/// The hosts (`web-N`) with an old OpenSSL from the start.
const ODD: [usize; 3] = [7, 30, 52];
/// The host that turns odd after the drift was accepted.
const NEW_ODD: usize = 41;
/// The baseline, a host with the common OpenSSL.
const BASELINE: &str = "web-1";
const COMMON: &str = "OpenSSL 3.0.13 30 Jan 2024";
const OLD: &str = "OpenSSL 1.1.1w  11 Sep 2023";
/// Long enough for 64 hosts on a loaded 2-core machine; waits end as soon
/// as the condition holds.
const WAIT: Duration = Duration::from_secs(240);

fn name(n: usize) -> String {
    format!("web-{n}")
}

/// `openssl` in the host's tool folder, printing `version`. Written aside
/// and renamed over the old one, so no reader sees half a script.
fn set_openssl(host: &Host, version: &str) {
    let temp = host.tool_dir().join(".openssl.new");
    crate::common::tool(&host.tool_dir(), ".openssl.new", &format!("echo '{version}'"));
    std::fs::rename(&temp, host.tool_dir().join("openssl")).expect("replace openssl");
}

/// web-1..web-64, started 8 at a time on each of 8 threads (each start is
/// mostly waiting for ssh-keygen and sshd), in name order.
fn start_fleet(lab: &Lab) -> Vec<Host> {
    let numbers: Vec<usize> = (1..=HOSTS).collect();
    thread::scope(|scope| {
        let starting: Vec<_> = numbers
            .chunks(HOSTS / 8)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&n| {
                            let version = if ODD.contains(&n) { OLD } else { COMMON };
                            let body = format!("echo '{version}'");
                            lab.add_host(&HostSpec {
                                name: &name(n),
                                tools: &[("openssl", body.as_str())],
                                ..HostSpec::default()
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        starting.into_iter().flat_map(|t| t.join().expect("starting hosts")).collect()
    })
}

/// Every host by name, then the options both the view and the commands
/// take: the lab's ssh_config, the one-fact profile, the baseline, and
/// timeouts no loaded machine reaches.
fn arguments(lab: &Lab) -> Vec<String> {
    let mut args: Vec<String> = (1..=HOSTS).map(name).collect();
    for (option, value) in [
        ("--ssh-config", lab.ssh_config().display().to_string()),
        ("--profile", profile_fixture("openssl-test").display().to_string()),
        ("--baseline", BASELINE.to_owned()),
        ("--connect-timeout", "120".to_owned()),
        ("--host-timeout", "240".to_owned()),
    ] {
        args.push(option.to_owned());
        args.push(value);
    }
    args
}

fn paritty(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
    cmd.current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("RUST_BACKTRACE");
    cmd
}

fn run(dir: &Path, command: &str, lab: &Lab, extra: &[&str]) -> Output {
    paritty(dir)
        .arg(command)
        .args(arguments(lab))
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("run paritty {command}: {e}"))
}

fn text(output: &[u8]) -> String {
    String::from_utf8_lossy(output).into_owned()
}

#[track_caller]
fn exits(run: &Output, code: i32) -> String {
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(code), "{stdout}\n{}", text(&run.stderr));
    stdout
}

/// `check`'s lines that fail it: neither accepted, stale nor the summary.
fn failing(stdout: &str) -> Vec<&str> {
    let lines: Vec<&str> = stdout.lines().collect();
    let body = &lines[..lines.len().saturating_sub(1)];
    body.iter()
        .copied()
        .filter(|l| !l.starts_with("accepted: ") && !l.starts_with("stale: "))
        .collect()
}

/// The divergence line of host `n` against the baseline.
fn divergence(n: usize) -> String {
    format!("major: web-{n} tool.openssl ({BASELINE}: 3.0.13, web-{n}: 1.1.1w)")
}

/// The screen row whose text holds `title` (a pane's top border).
fn row_of(screen: &vt100::Screen, title: &str) -> Option<u16> {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get()).position(|r| r.contains(title)).and_then(|r| u16::try_from(r).ok())
}

/// Whether the pane titled `title` is on screen with the focused border
/// (bold; the unfocused one is dim).
fn focused(screen: &vt100::Screen, title: &str) -> Option<bool> {
    let row = row_of(screen, title)?;
    let corner = screen.cell(row, 0)?;
    (corner.contents() == "┌").then(|| corner.bold())
}

/// The words inside the pane whose top border holds `title`, down to its
/// bottom border: the host names it lists.
fn pane_words(screen: &str, title: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains(title)).expect("the pane");
    lines[top + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .flat_map(|l| l.split(|c: char| c == '│' || c.is_whitespace()))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn sixty_four_hosts_three_odd_at_a_glance_and_only_new_drift_fails() {
    let lab = Lab::new();
    let hosts = start_fleet(&lab);
    assert_eq!(hosts.len(), HOSTS);
    let dir = tempfile::tempdir().expect("temp dir");

    // (1) The view, on a terminal where a handful of hosts fit as columns.
    let mut cmd = session(env!("CARGO_BIN_EXE_paritty"));
    cmd.args(arguments(&lab))
        .current_dir(dir.path())
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE");
    let mut pty = Pty::spawn(cmd, 40, 120);
    let counts = "3.0.13 ×61 ★ · █ 1.1.1w ×3 ▸";
    // Every host answered: the row holds 64 answers and nothing without one.
    let row = |text: &str| {
        text.lines().find(|l| l.contains("OpenSSL") && l.contains(" ×")).map(str::to_owned)
    };
    let shown = pty.wait_for_fn(
        |s| {
            let text = s.contents();
            // The status line is drawn after the row: wait for it too.
            row(&text).is_some_and(|l| l.contains(counts) && !l.contains("no answer"))
                && !text.contains("collecting")
        },
        WAIT,
    );
    let line = row(&shown).expect("the OpenSSL row");
    assert!(line.trim_end_matches([' ', '│']).ends_with(counts), "only two values:\n{shown}");
    assert!(
        shown.contains(" 1 facts · 64 hosts · v matrix "),
        "opened as the fleet view:\n{shown}"
    );

    // The cursor starts on the divergence, at its most common value; →
    // selects the odd one, whose hosts the lower pane lists.
    let common = "OpenSSL · tool.openssl · 3.0.13 on 61 hosts";
    pty.wait_for(common, WAIT);
    pty.send(b"\x1b[C");
    let odd = "OpenSSL · tool.openssl · 1.1.1w on 3 hosts";
    pty.wait_for(odd, WAIT);
    assert_eq!(pty.with_screen(|s| focused(s, odd)), Some(false), "{}", pty.screen());
    // Enter focuses the list: exactly the three odd hosts, in name order.
    pty.send(b"\r");
    let listed = pty.wait_for_fn(|s| focused(s, odd) == Some(true), WAIT);
    let expected: Vec<String> = ODD.iter().map(|&n| name(n)).collect();
    assert_eq!(pane_words(&listed, odd), expected, "{listed}");
    // Esc goes back to the table (and does not quit); then q quits.
    pty.send(b"\x1b");
    pty.wait_for_fn(|s| focused(s, odd) == Some(false), WAIT);
    pty.send(b"q");
    assert_terminal_given_back(&mut pty);

    // (2) The gate: the three odd hosts fail it until accepted.
    let before = exits(&run(dir.path(), "check", &lab, &[]), 1);
    let expected: Vec<String> = ODD.iter().map(|&n| divergence(n)).collect();
    assert_eq!(failing(&before), expected, "{before}");
    let accept = run(dir.path(), "accept", &lab, &["--reason", "old images", "--by", "ops"]);
    exits(&accept, 0);
    assert!(text(&accept.stderr).contains(": 3 new, 0 updated"), "{}", text(&accept.stderr));
    let passed = exits(&run(dir.path(), "check", &lab, &[]), 0);
    assert!(failing(&passed).is_empty(), "{passed}");
    let summary = passed.lines().last().expect("a summary");
    assert!(summary.ends_with(" · 3 accepted"), "{passed}");

    // A fourth host's OpenSSL is downgraded: it alone fails the gate.
    set_openssl(&hosts[NEW_ODD - 1], OLD);
    let failed = exits(&run(dir.path(), "check", &lab, &[]), 1);
    assert_eq!(failing(&failed), [divergence(NEW_ODD)], "{failed}");
    let accepted: Vec<&str> = failed.lines().filter(|l| l.starts_with("accepted: ")).collect();
    assert_eq!(accepted.len(), 3, "the three accepted still are:\n{failed}");
    drop(hosts);
}
