//! The real terminal: raw mode, the alternate screen and mouse capture on
//! the way in, all of it undone on the way out: on quit, on error (the
//! guard's drop) and on panic (the hook, before the report prints).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Real = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard {
    _private: (),
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
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
pub fn restore() {
    if TAKEN.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Restore first, or the report lands on the alternate screen and
        // vanishes with it.
        restore();
        previous(info);
    }));
}
