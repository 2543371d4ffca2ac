//! Live progress on a terminal: one line per host, redrawn in place as its
//! worker reports stages and facts. Only used when standard error is a
//! terminal.

use std::io::Write;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::collect::events::{Event, Stage};
use crate::output::sanitize::one_line;

/// Shared with prompts, so a question is never drawn over.
pub type TerminalLock = Arc<Mutex<()>>;

#[derive(Clone)]
struct Line {
    stage: Stage,
    elapsed: Duration,
    facts: Option<(usize, usize)>,
}

/// Draws progress until every sender has hung up. Names and failures are
/// made clean where they come in; cleaned again here, where they meet the
/// terminal between paritty's own cursor movements.
pub fn draw(names: &[String], events: &Receiver<Event>, lock: &TerminalLock) {
    let names: Vec<String> = names.iter().map(|n| one_line(n)).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut lines =
        vec![Line { stage: Stage::Pending, elapsed: Duration::ZERO, facts: None }; names.len()];
    let mut drawn = 0usize;
    while let Ok(event) = events.recv() {
        match event {
            Event::Stage { index, stage, elapsed } => {
                if let Some(line) = lines.get_mut(index) {
                    line.stage = stage;
                    line.elapsed = elapsed;
                }
            }
            Event::Facts { index, done, total } => {
                if let Some(line) = lines.get_mut(index) {
                    line.facts = Some((done, total));
                }
            }
            Event::Finished { .. } => continue,
        }
        let _guard = lock.lock();
        let mut err = std::io::stderr().lock();
        if drawn > 0 {
            // Back to the first line drawn, then rewrite them all.
            let _ = write!(err, "\x1b[{drawn}F");
        }
        for (name, line) in names.iter().zip(&lines) {
            let _ = writeln!(err, "\x1b[2K{name:width$}  {}", one_line(&describe(line)));
        }
        let _ = err.flush();
        drawn = lines.len();
    }
}

fn describe(line: &Line) -> String {
    let secs = line.elapsed.as_secs_f64();
    match (&line.stage, line.facts) {
        (Stage::Failed(f), _) => format!("failed after {secs:.1} s: {f}"),
        (Stage::Done, _) => format!("done in {secs:.1} s"),
        (Stage::Probing, Some((done, total))) => format!("probing… {done}/{total} facts"),
        (other, _) => format!("{}… {secs:.1} s", other.label()),
    }
}
