//! How severities and stages look: a symbol for each (so `NO_COLOR` and
//! 16-colour terminals stay readable) and a colour from the basic 16.

use ratatui::style::{Color, Modifier, Style};

use crate::collect::events::Stage;
use crate::compare::severity::Severity;

/// The mark before a value; equal keeps its column with a space.
pub fn mark(severity: Severity) -> &'static str {
    if severity == Severity::Equal { " " } else { severity.mark() }
}

pub fn severity(severity: Severity, color: bool) -> Style {
    if !color {
        return match severity {
            Severity::Major | Severity::Different | Severity::Missing => {
                Style::new().add_modifier(Modifier::BOLD)
            }
            _ => Style::new(),
        };
    }
    match severity {
        Severity::Equal => Style::new(),
        Severity::Packaging => Style::new().fg(Color::Cyan),
        Severity::Patch => Style::new().fg(Color::Green),
        Severity::Minor => Style::new().fg(Color::Yellow),
        Severity::Major => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Severity::Different => Style::new().fg(Color::Magenta),
        Severity::Missing => Style::new().fg(Color::LightRed),
        Severity::Unknown => Style::new().fg(Color::DarkGray),
        Severity::Service => {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
}

/// Text that matters less (informational rows, tolerated cells, hints).
pub fn dim(color: bool) -> Style {
    if color { Style::new().fg(Color::DarkGray) } else { Style::new().add_modifier(Modifier::DIM) }
}

pub fn selected(color: bool) -> Style {
    if color {
        Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

pub fn heading(color: bool) -> Style {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    if color { bold.fg(Color::Cyan) } else { bold }
}

pub fn stage(stage: &Stage, color: bool) -> Style {
    if !color {
        return Style::new();
    }
    match stage {
        Stage::Done => Style::new().fg(Color::Green),
        Stage::Failed(_) => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        _ => Style::new().fg(Color::Yellow),
    }
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A spinner frame for the session time (10 frames a second).
pub fn spinner(now: std::time::Duration) -> &'static str {
    let frame = (now.as_millis() / 100) % SPINNER.len() as u128;
    SPINNER[usize::try_from(frame).unwrap_or(0)]
}
