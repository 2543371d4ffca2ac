//! How severities and stages look: a symbol for each (so `NO_COLOR` and
//! 16-colour terminals stay readable) and a colour from the basic 16.

use ratatui::style::{Color, Modifier, Style};

use crate::collect::events::Stage;
use crate::compare::constraint::Judgement;
use crate::compare::severity::Severity;

/// The mark of a divergence that paritty-accepted.toml accepts.
pub const ACCEPTED: &str = "◇";

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
    }
}

/// The mark of a declared fact whose declarations cannot all hold.
pub const DISAGREES: &str = "⚠";

/// A host's judgement against the declarations: its own colour apart from
/// the severities (a violation is not a divergence from the baseline);
/// without colour a violation is underlined as well as marked.
pub fn judgement(judgement: Judgement, color: bool) -> Style {
    match (judgement, color) {
        (Judgement::Violates, true) => {
            Style::new().fg(Color::LightMagenta).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
        (Judgement::Violates, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        (Judgement::Satisfies, true) => Style::new().fg(Color::LightGreen),
        _ => dim(color),
    }
}

/// Declarations of one fact that disagree with each other.
pub fn disagreement(color: bool) -> Style {
    if color {
        Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
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
