//! Proves the pseudo-terminal harness (tests/it/common/pty.rs) with /bin/sh and stty.
#![cfg(target_os = "linux")]

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::pty::{Pty, session};
use rustix::termios::LocalModes;

/// Bounds every wait in these tests; a broken harness fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(10);

/// `/bin/sh -c script` on a 24x80 pty.
fn sh(script: &str) -> Pty {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(script);
    Pty::spawn(cmd, 24, 80)
}

#[test]
fn printed_text_lands_where_the_cursor_put_it() {
    let mut pty = sh(r#"printf "hello\033[2;5Hworld"; read x"#);
    let screen = pty.wait_for("world", LIMIT);
    assert!(screen.starts_with("hello\n"), "{screen:?}");
    pty.with_screen(|s| {
        assert_eq!(s.rows(4, 5).nth(1).as_deref(), Some("world"));
        assert_eq!(s.cell(1, 3).map(vt100::Cell::has_contents), Some(false));
    });
    pty.send(b"\n");
    assert!(pty.wait_exit(LIMIT).success());
}

#[test]
fn child_sees_term_and_window_size() {
    let mut pty = sh(r#"printf '%s %s\n' "$TERM" "$(stty size)""#);
    pty.wait_for("xterm-256color 24 80", LIMIT);
    assert!(pty.wait_exit(LIMIT).success());
}

#[test]
fn raw_mode_left_behind_is_detected() {
    let mut pty =
        sh("printf start; read -r go; stty raw -echo; printf ready; head -c 1 >/dev/null");
    pty.wait_for("start", LIMIT);
    assert!(pty.is_cooked(), "a fresh pty starts cooked: {:?}", pty.local_modes());
    pty.send(b"\n");
    pty.wait_for("ready", LIMIT);
    let modes = pty.local_modes();
    assert!(!modes.intersects(LocalModes::ICANON | LocalModes::ECHO), "{modes:?}");
    pty.send(b"x");
    assert!(pty.wait_exit(LIMIT).success());
    assert!(!pty.is_cooked(), "stty raw was never undone: {:?}", pty.local_modes());
}

#[test]
fn raw_mode_restored_is_detected() {
    let mut pty =
        sh(r#"s=$(stty -g); stty raw -echo; printf ready; head -c 1 >/dev/null; stty "$s""#);
    pty.wait_for("ready", LIMIT);
    assert!(!pty.is_cooked(), "{:?}", pty.local_modes());
    pty.send(b"x");
    assert!(pty.wait_exit(LIMIT).success());
    assert!(pty.is_cooked(), "stty restored the saved modes: {:?}", pty.local_modes());
}

#[test]
fn alternate_screen_switches_are_in_the_raw_output() {
    let mut pty = sh(r"printf 'main\033[?1049hinside\033[?1049lback'");
    pty.wait_for("back", LIMIT);
    assert!(pty.wait_exit(LIMIT).success());
    let raw = pty.raw_output();
    let find = |needle: &[u8]| raw.windows(needle.len()).position(|w| w == needle);
    let enter = find(b"\x1b[?1049h").expect("enter alternate screen");
    let leave = find(b"\x1b[?1049l").expect("leave alternate screen");
    assert!(enter < leave, "{raw:?}");
    // Leaving the alternate screen brought the main one back, without the text drawn inside.
    let screen = pty.screen();
    assert!(screen.contains("mainback") && !screen.contains("inside"), "{screen:?}");
}

#[test]
fn exit_status_is_reported() {
    let mut pty = sh("exit 3");
    assert_eq!(pty.wait_exit(LIMIT).code(), Some(3));
}

#[test]
fn exit_is_seen_while_a_grandchild_holds_the_pty() {
    // The " ." ends the pid: waiting for "bg=" alone could see only its first digits.
    let mut pty = sh("sleep 60 & echo \"bg=$! .\"");
    let screen = pty.wait_for(" .", LIMIT);
    let started = Instant::now();
    assert!(pty.wait_exit_without_eof(LIMIT).success());
    assert!(started.elapsed() < LIMIT / 2, "waited for EOF, not for exit");
    let pid = screen.trim().trim_start_matches("bg=").trim_end_matches(" .");
    let killed = Command::new("kill").arg(pid).status().expect("run kill");
    assert!(killed.success(), "kill {pid}");
}

/// The child's last bytes are still on their way when it exits (queued in the pty, or read
/// but not yet recorded): `wait_exit` returns only once they are all in.
#[test]
fn wait_exit_reads_the_output_to_its_end() {
    let mut pty = sh(r"head -c 300000 /dev/zero | tr '\0' x; printf END");
    assert!(pty.wait_exit(LIMIT).success());
    let raw = pty.raw_output();
    let all = [vec![b'x'; 300_000], b"END".to_vec()].concat();
    assert!(
        raw == all,
        "{} bytes, ending {:?}",
        raw.len(),
        String::from_utf8_lossy(&raw[raw.len().saturating_sub(20)..])
    );
}

/// Kills a background process of the test's child when dropped, even on a panic.
struct KillOnDrop(String);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.0).status();
    }
}

#[test]
#[should_panic(expected = "the terminal was still open after 300ms")]
fn wait_eof_says_a_grandchild_keeps_the_terminal_open() {
    let mut pty = sh("sleep 60 & echo \"bg=$! .\"");
    let screen = pty.wait_for(" .", LIMIT);
    let _grandchild =
        KillOnDrop(screen.trim().trim_start_matches("bg=").trim_end_matches(" .").into());
    assert!(pty.wait_exit_without_eof(LIMIT).success());
    pty.wait_eof(Duration::from_millis(300));
}

#[test]
fn session_gets_sigwinch_and_dev_tty() {
    let mut cmd = session("/bin/sh");
    cmd.arg("-c").arg(
        r#"trap 'echo "size $(stty size)"' WINCH; printf 'via tty\n' >/dev/tty; printf 'ready\n'
           while ! read -r x; do :; done"#,
    );
    let mut pty = Pty::spawn(cmd, 24, 80);
    pty.wait_for("ready", LIMIT);
    assert!(pty.screen().contains("via tty"), "/dev/tty is the pty: {}", pty.screen());
    pty.resize(30, 100);
    pty.wait_for("size 30 100", LIMIT);
    let (rows, cols) = pty.with_screen(vt100::Screen::size);
    assert_eq!((rows.get(), cols.get()), (30, 100));
    pty.send(b"\n");
    assert!(pty.wait_exit(LIMIT).success());
}

#[test]
#[should_panic(expected = "timed out waiting for \"absent\" on screen; screen:\npresent")]
fn wait_for_times_out_with_the_screen() {
    let pty = sh("printf present; read x");
    // Drawn first, so that the short wait below cannot time out on an empty screen.
    pty.wait_for("present", LIMIT);
    pty.wait_for("absent", Duration::from_millis(300));
}

#[test]
#[should_panic(expected = "the child closed the terminal waiting for")]
fn wait_for_fails_fast_at_eof() {
    // With a broken EOF this would time out after LIMIT, with another message.
    let pty = sh("printf present");
    pty.wait_for_fn(|s| s.contents().contains("absent"), LIMIT);
}
