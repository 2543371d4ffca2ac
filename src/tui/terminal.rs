//! The real terminal: raw mode, the alternate screen and mouse capture on
//! the way in, all of it undone on the way out: on quit, on error (the
//! guard's drop) and on panic (the hook, before the report prints).

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Real = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard {
    _private: (),
}

impl Guard {
    /// Restores the terminal now and says whether that worked, for the
    /// caller to report (the drop after it finds nothing left to do).
    pub fn give_back(self) -> io::Result<()> {
        restore()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // On this path (an error, or after `give_back`) there is nobody to
        // tell; restoring is all that can be done.
        let _ = restore();
    }
}

/// Takes over the terminal; the guard gives it back.
pub fn enter() -> io::Result<(Real, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    TAKEN.store(true, Ordering::SeqCst);
    // From here on a failure must still restore what was changed.
    let guard = Guard { _private: () };
    // Cleared with a plain escape: ratatui's `clear` asks the terminal for
    // the cursor position, which some terminals never answer.
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Clear(ClearType::All))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.hide_cursor()?;
    Ok((terminal, guard))
}

/// Whether the terminal is ours right now.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Leaves the terminal as it was found, once: leaving the alternate screen
/// twice would move the cursor back over what was printed in between (the
/// panic report, when the hook restores and then the guard drops).
pub fn restore() -> io::Result<()> {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let written = give_back_screen();
    // Raw mode goes even when the screen could not be given back.
    let cooked = disable_raw_mode();
    written.and(cooked)
}

/// Writes the sequences that end mouse capture, leave the alternate screen
/// and show the cursor, after what is still buffered, all of it or an
/// error. A plain `execute!` gives up at the first `WouldBlock`: stdout is
/// shared with whatever else runs on the terminal, and one of those can set
/// `O_NONBLOCK` on it (Node does), which would leave the user on the
/// alternate screen.
fn give_back_screen() -> io::Result<()> {
    let mut sequence = Vec::new();
    queue!(sequence, DisableMouseCapture, LeaveAlternateScreen, Show)?;
    let mut out = io::stdout().lock();
    let mut rest = sequence.as_slice();
    patiently(|| out.flush(), wait_writable)?;
    while !rest.is_empty() {
        let n = patiently(|| out.write(rest), wait_writable)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        rest = &rest[n..];
    }
    patiently(|| out.flush(), wait_writable)
}

/// Runs `step` again when a signal interrupts it, or after `wait` when the
/// terminal is full (`wait` blocks until it takes bytes again; no timer).
fn patiently<T>(
    mut step: impl FnMut() -> io::Result<T>,
    mut wait: impl FnMut() -> io::Result<()>,
) -> io::Result<T> {
    loop {
        match step() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait()?,
            done => return done,
        }
    }
}

/// Blocks until stdout can take bytes.
#[cfg(unix)]
fn wait_writable() -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, poll};
    let stdout = io::stdout();
    let mut fds = [PollFd::new(&stdout, PollFlags::OUT)];
    match poll(&mut fds, None) {
        Ok(_) | Err(rustix::io::Errno::INTR) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Elsewhere there is nothing to wait on: give up rather than spin.
#[cfg(not(unix))]
fn wait_writable() -> io::Result<()> {
    Err(io::ErrorKind::WouldBlock.into())
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, or the report lands on the alternate screen and
        // vanishes with it. The report follows either way.
        let _ = restore();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_or_interrupted_terminal_is_written_to_again() {
        let mut answers = vec![
            Err(io::ErrorKind::WouldBlock.into()),
            Err(io::ErrorKind::Interrupted.into()),
            Err(io::ErrorKind::WouldBlock.into()),
            Ok(7),
        ]
        .into_iter();
        let mut waits = 0;
        let done = patiently(
            || answers.next().expect("asked again after success"),
            || {
                waits += 1;
                Ok(())
            },
        );
        assert_eq!(done.expect("written"), 7);
        assert_eq!(waits, 2, "one wait per WouldBlock, none for Interrupted");
    }

    #[test]
    fn other_errors_and_failed_waits_end_the_attempt() {
        let broken = patiently(|| Err::<(), _>(io::ErrorKind::BrokenPipe.into()), || Ok(()));
        assert_eq!(
            broken.expect_err("a broken pipe is not retried").kind(),
            io::ErrorKind::BrokenPipe
        );
        let stuck = patiently(
            || Err::<(), _>(io::ErrorKind::WouldBlock.into()),
            || Err(io::ErrorKind::Other.into()),
        );
        assert_eq!(stuck.expect_err("a failed wait ends it").kind(), io::ErrorKind::Other);
    }
}
