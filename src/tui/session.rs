//! One TUI session: the loop that feeds messages to `update`, carries out
//! its effects and draws. The world (terminal, input, collection, disk) is
//! passed in, so whole sessions run in tests on a TestBackend.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::App;
use super::export::{Export, ExportError};
use super::update::{Effect, Msg, update};
use super::view;

/// Redraws while something moves (spinners, timers) at this pace.
const TICK: Duration = Duration::from_millis(100);

/// What the session asks of the world.
pub trait World {
    /// Collect these hosts (again); news comes back through the inbox.
    fn collect(&mut self, hosts: &[usize]);
    /// Write an export's files; what the status line should say.
    fn write(&mut self, export: &Export) -> Result<String, ExportError>;
    /// Put `text` on the terminal's clipboard; what the status line should say.
    fn clipboard(&mut self, text: &str) -> Result<String, std::io::Error>;
    /// Measure `revisions` (by column) against the local repository and
    /// `baseline`'s revision; the answer comes back through the inbox as
    /// `Msg::Measured`.
    fn measure(&mut self, revisions: Vec<Option<String>>, baseline: usize);
}

/// Runs until the user quits or the inbox closes.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    inbox: &Receiver<Msg>,
    world: &mut dyn World,
) -> Result<(), B::Error> {
    let started = Instant::now();
    let area = terminal.size()?;
    update(app, Msg::Resize(area.width, area.height));
    loop {
        terminal.draw(|frame| view::render(frame, app))?;
        let first = match inbox.recv_timeout(TICK) {
            Ok(msg) => Some(msg),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Take everything already waiting before drawing again, so a burst
        // of events costs one frame.
        let waiting =
            first.into_iter().chain(std::iter::from_fn(|| inbox.try_recv().ok()).take(256));
        for msg in waiting {
            #[cfg(debug_assertions)]
            crash_if_asked(&msg);
            for effect in update(app, msg) {
                apply(app, effect, world);
            }
            if app.quit {
                return Ok(());
            }
        }
        update(app, Msg::Tick(started.elapsed()));
        if app.quit {
            return Ok(());
        }
    }
}

fn apply(app: &mut App, effect: Effect, world: &mut dyn World) {
    match effect {
        Effect::Collect(hosts) => world.collect(&hosts),
        Effect::Write(export) => {
            let result = world.write(&export);
            update(app, Msg::Written(result));
        }
        Effect::Clipboard { text, what } => {
            let result = world.clipboard(&text).map(|done| format!("{what}: {done}"));
            update(app, Msg::Copied(result));
        }
        Effect::MeasureRevisions { revisions, baseline } => world.measure(revisions, baseline),
    }
}

/// Fault injection for the end-to-end test that a panic gives the terminal
/// back: debug builds only, and only with `PARITTY_TEST_PANIC` set, F12
/// panics in the middle of a session.
#[cfg(debug_assertions)]
fn crash_if_asked(msg: &Msg) {
    if let Msg::Key(key) = msg
        && key.code == crossterm::event::KeyCode::F(12)
        && std::env::var_os("PARITTY_TEST_PANIC").is_some()
    {
        panic!("PARITTY_TEST_PANIC: panicking on F12 as asked");
    }
}
