//! A pseudo-terminal harness: runs one child on a fresh pty and emulates the screen it draws.
//!
//! A reader thread drains the master side into a byte log and a `vt100` parser, and a watcher
//! thread waits for the child's exit; both wake waiters on one condvar, so no wait polls.
//! The slave side's close shows up on Linux as `EIO` from `read(2)` on the master (not as a
//! zero-length read); both count as EOF. The kernel hands over every byte still queued before
//! that `EIO`, so EOF means the output is complete. It comes once every holder of the slave is
//! gone: the child's exit alone is not the end of its output (its last bytes may still be
//! queued, or unread by the reader thread), and a background grandchild delays EOF further.
//! Any other read error is not EOF: the output so far is incomplete, and every wait says so
//! instead of judging a truncated log.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroU16;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::process::{Pid, WaitId, WaitIdOptions, waitid};
use rustix::pty::{OpenptFlags, grantpt, ioctl_tiocgptpeer, openpt, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};

/// What the reader and exit-watcher threads have seen so far.
struct State {
    /// Every byte the child wrote to the terminal, in order.
    raw: Vec<u8>,
    /// The emulated terminal those bytes were fed to.
    parser: vt100::Parser,
    /// The slave side is closed by everyone: no more bytes will come.
    eof: bool,
    /// Reading the master failed otherwise: the output stops here, incomplete.
    broken: Option<String>,
    /// The child has exited (it may not be reaped yet; `Pty::child` does that).
    exited: bool,
}

/// The threads' state plus the condvar that announces each change to it.
struct Shared {
    /// Guarded state.
    state: Mutex<State>,
    /// Notified after each chunk of output, at EOF and at the child's exit.
    changed: Condvar,
}

/// One child process running on its own pseudo-terminal, with an emulated screen.
pub struct Pty {
    /// The child; `None` once `wait_exit` has reaped it.
    child: Option<Child>,
    /// The master side, used for keys, window size and termios.
    master: File,
    /// Output log and screen, fed by the reader thread.
    shared: Arc<Shared>,
}

/// `setsid --ctty <program>`: a command whose child leads a new session with the pty as its
/// controlling terminal. Use it for TUIs: only then does `resize` deliver SIGWINCH, and only
/// then is `/dev/tty` this pty (crossterm's `terminal::size()` opens `/dev/tty` first, which
/// without this is the test runner's terminal, if any). Do not set `process_group` on it.
pub fn session(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new("setsid");
    cmd.arg("--ctty").arg(program);
    cmd
}

/// A `Winsize` of `rows` x `cols` cells.
fn winsize(rows: u16, cols: u16) -> Winsize {
    Winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 }
}

/// A screen dimension for `vt100`, which refuses zero.
fn cells(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a pty needs at least one row and one column")
}

impl Pty {
    /// Runs `cmd` with stdin, stdout and stderr on a new `rows` x `cols` pty. The child gets
    /// `TERM=xterm-256color` unless `cmd` sets or removes `TERM`. It gets no controlling
    /// terminal (it keeps the test runner's, if any); see [`session`] for that.
    pub fn spawn(mut cmd: Command, rows: u16, cols: u16) -> Pty {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                raw: Vec::new(),
                parser: vt100::Parser::new(cells(rows), cells(cols), 0),
                eof: false,
                broken: None,
                exited: false,
            }),
            changed: Condvar::new(),
        });
        let flags = OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC;
        let master = openpt(flags).expect("open pty master");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        tcsetwinsize(&master, winsize(rows, cols)).expect("set pty window size");
        let reader = File::from(master.try_clone().expect("dup pty master"));
        let slave: OwnedFd = ioctl_tiocgptpeer(&master, flags).expect("open pty slave");
        if !cmd.get_envs().any(|(key, _)| key == "TERM") {
            cmd.env("TERM", "xterm-256color");
        }
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup pty slave")))
            .stdout(Stdio::from(slave.try_clone().expect("dup pty slave")))
            .stderr(Stdio::from(slave));
        let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?} on a pty: {e}"));
        // `cmd` holds our copies of the slave; EOF needs them closed.
        drop(cmd);
        let feed = Arc::clone(&shared);
        thread::Builder::new()
            .name("pty-reader".to_owned())
            .spawn(move || read_loop(reader, &feed))
            .expect("start pty reader thread");
        let pid = Pid::from_child(&child);
        let watch = Arc::clone(&shared);
        thread::Builder::new()
            .name("pty-exit-watch".to_owned())
            .spawn(move || watch_exit(pid, &watch))
            .expect("start pty exit watcher thread");
        Pty { child: Some(child), master: File::from(master), shared }
    }

    /// Writes `bytes` to the terminal as typed keys (`b"\r"`, `b"\x1b[B"` for Down...).
    pub fn send(&self, bytes: &[u8]) {
        (&self.master).write_all(bytes).expect("write keys to pty master");
    }

    /// Blocks until the screen text contains `what` and returns the screen text; panics with
    /// the screen after `timeout` or once the child closed the terminal without drawing it.
    pub fn wait_for(&self, what: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{what:?} on screen"), |s| s.contents().contains(what), timeout)
    }

    /// Blocks until `pred` holds for the screen and returns the screen text; panics like
    /// [`Pty::wait_for`].
    pub fn wait_for_fn(&self, pred: impl Fn(&vt100::Screen) -> bool, timeout: Duration) -> String {
        self.wait_until("the screen condition", pred, timeout)
    }

    /// The body of the `wait_for*` methods; `what` names the condition in the panic message.
    fn wait_until(
        &self,
        what: &str,
        pred: impl Fn(&vt100::Screen) -> bool,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            let screen = state.parser.screen();
            if pred(screen) {
                return screen.contents();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if state.eof || left.is_zero() {
                let why = match &state.broken {
                    Some(e) => format!("reading the terminal failed ({e})"),
                    None if state.eof => "the child closed the terminal".to_owned(),
                    None => "timed out".to_owned(),
                };
                let screen = screen.contents();
                // Unlocked first: a panic holding the lock would poison it for the threads.
                drop(state);
                panic!("{why} waiting for {what}; screen:\n{screen}");
            }
            state = self.shared.changed.wait_timeout(state, left).expect("pty state lock").0;
        }
    }

    /// The current screen text, rows joined by newlines, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        self.lock().parser.screen().contents()
    }

    /// Runs `f` on the emulated screen, for cells, colours and cursor checks.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.lock().parser.screen())
    }

    /// Every byte the child has written to the terminal so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// Waits up to `timeout` for the child to exit and for its output to end (EOF), then returns
    /// its exit status: afterwards [`Pty::raw_output`] and [`Pty::screen`] hold everything it
    /// wrote. Panics with the screen on timeout, as [`Pty::wait_exit_without_eof`] and
    /// [`Pty::wait_eof`] do.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = self.wait_exit_without_eof(timeout);
        self.wait_eof(deadline.saturating_duration_since(Instant::now()));
        status
    }

    /// Waits up to `timeout` for the child to exit, reaps it and returns its status, without
    /// waiting for the end of its output: for a child that leaves a background process holding
    /// the terminal. What it wrote last may not be in [`Pty::raw_output`] yet. On timeout kills
    /// the child and panics with the screen.
    pub fn wait_exit_without_eof(&mut self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("wait_exit called twice");
        if !self.wait_state(timeout, |state| state.exited) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child did not exit in {timeout:?}; screen:\n{}", self.screen());
        }
        // It has exited, so this returns at once.
        child.wait().expect("wait for pty child")
    }

    /// Waits up to `timeout` for the end of the output: every holder of the terminal is gone
    /// and every byte they wrote is read. Panics with the screen on timeout, and when reading
    /// failed before the end (the output would be incomplete).
    pub fn wait_eof(&self, timeout: Duration) {
        assert!(
            self.wait_state(timeout, |state| state.eof),
            "the terminal was still open after {timeout:?} (a background process holds it?); \
             screen:\n{}",
            self.screen()
        );
        let broken = self.lock().broken.clone();
        if let Some(e) = broken {
            panic!("reading the terminal failed before its end ({e}); screen:\n{}", self.screen());
        }
    }

    /// Waits up to `timeout` for `done` to hold for the reader and exit watcher's state, woken
    /// by each change; false on timeout.
    fn wait_state(&self, timeout: Duration, done: impl Fn(&State) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while !done(&state) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.shared.changed.wait_timeout(state, left).expect("pty state lock").0;
        }
        true
    }

    /// The terminal's local modes now (`ICANON`, `ECHO`, `ISIG`...), also after the child
    /// exited: a program that enabled raw mode and did not restore it leaves them cleared.
    pub fn local_modes(&self) -> LocalModes {
        tcgetattr(&self.master).expect("tcgetattr on pty master").local_modes
    }

    /// Whether the terminal is in canonical mode with echo, as a shell leaves it.
    pub fn is_cooked(&self) -> bool {
        self.local_modes().contains(LocalModes::ICANON | LocalModes::ECHO)
    }

    /// Sets the pty window size and resizes the emulated screen. The kernel sends SIGWINCH
    /// only to the foreground process group of a controlling terminal: see [`session`].
    pub fn resize(&self, rows: u16, cols: u16) {
        let mut state = self.lock();
        tcsetwinsize(&self.master, winsize(rows, cols)).expect("set pty window size");
        state.parser.set_size(cells(rows), cells(cols));
    }

    /// Locks the reader state.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().expect("pty state lock")
    }
}

impl Drop for Pty {
    /// Kills the child if it is still running and reaps it (the exit watcher then ends); the
    /// reader thread ends at EOF.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Killing a child that has exited but is not reaped yet is harmless.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits for the child `pid` to exit without reaping it (`WNOWAIT`: `Pty::child` stays the one
/// to reap it, so its pid cannot be reused while `Pty` may still signal it), then records the
/// exit and notifies waiters. An error means the child is already reaped: gone as well.
fn watch_exit(pid: Pid, shared: &Shared) {
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOWAIT;
    while let Err(Errno::INTR) = waitid(WaitId::Pid(pid), options) {}
    shared.state.lock().expect("pty state lock").exited = true;
    shared.changed.notify_all();
}

/// Copies the master's output into `shared` until EOF or a read error, notifying waiters after
/// each read.
fn read_loop(mut master: File, shared: &Shared) {
    let mut buf = [0u8; 4096];
    loop {
        let read = master.read(&mut buf);
        let mut state = shared.state.lock().expect("pty state lock");
        match read {
            Ok(n) if n > 0 => {
                state.raw.extend_from_slice(&buf[..n]);
                state.parser.process(&buf[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // Ok(0), or EIO: Linux's answer once the last slave descriptor is closed.
            Ok(_) => state.eof = true,
            Err(e) if e.raw_os_error() == Some(Errno::IO.raw_os_error()) => state.eof = true,
            Err(e) => {
                state.broken = Some(e.to_string());
                state.eof = true;
            }
        }
        shared.changed.notify_all();
        if state.eof {
            return;
        }
    }
}
