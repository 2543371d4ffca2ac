//! Live progress on a terminal: one line per host, redrawn in place as its
//! worker reports stages. Off when standard error is not a terminal.

use std::io::Write;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::collect::events::{Event, Stage};

/// Shared with prompts, so a question is never drawn over.
pub type TerminalLock = Arc<Mutex<()>>;

/// Draws progress until the sender side hangs up; returns the number of
/// lines it left on screen.
pub fn draw(names: &[String], events: &Receiver<Event>, lock: &TerminalLock) {
    let mut lines: Vec<String> = names.iter().map(|n| format!("{n}: pending")).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut drawn = 0usize;
    while let Ok(event) = events.recv() {
        let (index, text) = match event {
            Event::Stage { index, stage, elapsed } => (index, describe(&stage, elapsed)),
            Event::Finished { .. } => continue,
        };
        let Some(line) = lines.get_mut(index) else { continue };
        *line = format!("{:width$}  {text}", names[index]);
        let _guard = lock.lock();
        let mut err = std::io::stderr().lock();
        if drawn > 0 {
            // Back to the first line we drew, then rewrite them all.
            let _ = write!(err, "\x1b[{drawn}F");
        }
        for line in &lines {
            let _ = writeln!(err, "\x1b[2K{line}");
        }
        let _ = err.flush();
        drawn = lines.len();
    }
}

fn describe(stage: &Stage, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    match stage {
        Stage::Failed(f) => format!("failed after {secs:.1} s: {f}"),
        Stage::Done => format!("done in {secs:.1} s"),
        other => format!("{}… {secs:.1} s", other.label()),
    }
}
