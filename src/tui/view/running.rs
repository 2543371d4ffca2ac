//! Running vs installed in the details pane: beside the installed value,
//! each running server's version, pid and executable, whether its binary
//! was replaced since it started, and the restart it needs.

use std::fmt::Write as _;

use ratatui::text::{Line, Span};

use super::style;
use super::text::fit;
use crate::compare::restart;
use crate::compare::severity::Severity;
use crate::model::Fact;

/// The lines for `fact`'s running servers; none when it has none.
pub fn lines(fact: &Fact, color: bool, width: usize) -> Vec<Line<'static>> {
    let Some(running) = &fact.running else { return Vec::new() };
    let dim = style::dim(color);
    let warn = style::severity(Severity::Minor, color);
    if let Some(why) = &running.unobservable {
        return vec![Line::from(Span::styled(fit(&format!("  running: {why}"), width), dim))];
    }
    let installed = fact.value.as_deref().unwrap_or("(none)");
    let mut out = Vec::new();
    for p in &running.processes {
        let version = p.version.as_deref().unwrap_or("?");
        let exe = p.exe.as_deref().unwrap_or("(executable not readable)");
        let mut text = format!("  installed {installed} │ running {version}  pid {} {exe}", p.pid);
        if p.replaced {
            text.push_str("  (binary replaced since it started)");
        }
        if let Some(note) = &p.note {
            let _ = write!(text, "  ({note})");
        }
        let shown = if p.replaced { warn } else { dim };
        out.push(Line::from(Span::styled(fit(&text, width), shown)));
    }
    if let Some(pending) = restart::pending(fact) {
        let text = format!("  ⟳ {}", pending.sentence());
        out.push(Line::from(Span::styled(fit(&text, width), warn)));
    }
    out
}
