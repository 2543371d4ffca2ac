//! A pseudo-terminal harness: runs one child on a fresh pty and emulates the screen it draws.
//!
//! A reader thread drains the master side into a byte log and a `vt100` parser, and wakes
//! waiters on a condvar whenever bytes arrive or the slave side closes. On Linux that close
//! shows up as `EIO` from `read(2)` on the master (not as a zero-length read); both count as EOF.
//! EOF comes once every holder of the slave is gone, so a background grandchild delays it.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroU16;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, ioctl_tiocgptpeer, openpt, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};

/// What the reader thread has seen so far.
struct State {
    /// Every byte the child wrote to the terminal, in order.
    raw: Vec<u8>,
    /// The emulated terminal those bytes were fed to.
    parser: vt100::Parser,
    /// The slave side is closed by everyone: no more bytes will come.
    eof: bool,
}

/// The reader thread's state plus the condvar that announces each change to it.
struct Shared {
    /// Guarded reader state.
    state: Mutex<State>,
    /// Notified after each chunk of output and at EOF.
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
                let why = if state.eof { "the child closed the terminal" } else { "timed out" };
                panic!("{why} waiting for {what}; screen:\n{}", screen.contents());
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

    /// Waits up to `timeout` for the child to exit and returns its status; on timeout kills
    /// it and panics with the screen. Polls `try_wait`, woken early by output and EOF.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            let child = self.child.as_mut().expect("wait_exit called twice");
            if let Some(status) = child.try_wait().expect("try_wait on pty child") {
                self.child = None;
                return status;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let _ = child.kill();
                let _ = child.wait();
                self.child = None;
                panic!("child did not exit in {timeout:?}; screen:\n{}", self.screen());
            }
            let state = self.lock();
            // Before EOF, output or EOF ends the wait early; after it nothing will, and exit is
            // imminent. Slices stay short as a grandchild holding the pty can postpone EOF.
            let slice = Duration::from_millis(if state.eof { 5 } else { 100 });
            drop(self.shared.changed.wait_timeout(state, slice.min(left)).expect("pty state lock"));
        }
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
    /// Kills and reaps the child if it is still running; the reader thread then ends at EOF.
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut()
            && matches!(child.try_wait(), Ok(None))
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Copies the master's output into `shared` until EOF, notifying waiters after each read.
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
            _ => state.eof = true,
        }
        shared.changed.notify_all();
        if state.eof {
            return;
        }
    }
}
