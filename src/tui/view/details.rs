//! The evidence behind the selected fact, host by host: value and status,
//! the command that ran, where the tool was found and which copies it
//! shadows, how long it took, and the raw output.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::style;
use super::text::fit;
use crate::compare::accepted::Outcome;
use crate::model::{Fact, Status};
use crate::tui::app::{App, Focus};

/// Raw output lines shown per host before "… N more lines".
const RAW_LINES: usize = 6;

pub fn render(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let focused = app.focus == Focus::Details;
    let border = if focused { style::heading(app.color) } else { style::dim(app.color) };
    let Some(row) = app.selected_row() else {
        let block = Block::new().borders(Borders::ALL).border_style(border).title(" Details ");
        let hint = Paragraph::new(Span::styled(
            " Select a fact to see each host's evidence. Enter on a category folds it.",
            style::dim(app.color),
        ))
        .block(block);
        frame.render_widget(hint, area);
        return;
    };
    let title = format!(" {} · {} · compared as {} ", row.label, row.id, row.compare.as_str());
    let block = Block::new().borders(Borders::ALL).border_style(border).title(title);
    let width = usize::from(area.width.saturating_sub(4));
    let mut lines: Vec<Line<'_>> = Vec::new();
    for host in app.column_order() {
        let h = &app.hosts[host];
        let cell = &row.cells[host];
        let mut name = String::new();
        if host == app.baseline {
            name.push_str("★ ");
        }
        name.push_str(h.display_name());
        let fact =
            h.report.as_ref().and_then(|r| r.snapshot.as_ref()).and_then(|s| s.facts.get(&row.id));
        let mut head = vec![Span::styled(name, style::heading(app.color)), Span::raw("  ")];
        let Some(fact) = fact else {
            let why = match (&h.stage, h.report.as_ref().and_then(|r| r.failure.as_ref())) {
                (_, Some(failure)) => format!("not collected: {failure}"),
                (stage, None) if h.busy() => format!("collecting ({})", stage.label()),
                _ => "this host's snapshot has no such fact".into(),
            };
            head.push(Span::styled(fit(&why, width), style::dim(app.color)));
            lines.push(Line::from(head));
            continue;
        };
        head.extend(summary(app, fact, cell.severity));
        lines.push(Line::from(head));
        if let Some(text) = acceptance(app, row_index(app, &row.id), host) {
            lines.push(Line::from(Span::styled(fit(&text, width), style::dim(app.color))));
        }
        evidence(app, fact, width, &mut lines);
    }
    let paragraph = Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(app.details_scroll).unwrap_or(u16::MAX), 0));
    frame.render_widget(paragraph, area);
}

/// What paritty-accepted.toml says about this cell, in a line.
fn acceptance(app: &App, row: Option<usize>, column: usize) -> Option<String> {
    let verdict = app.accepted.verdict(row?, column)?;
    let entry = app.acceptances.get(verdict.entry)?;
    let what = match verdict.outcome {
        Outcome::Accepted => format!("{} accepted", style::ACCEPTED),
        Outcome::Worse { was, .. } => format!("worse than accepted ({})", was.as_str()),
        Outcome::Expired => "acceptance expired".to_owned(),
    };
    Some(format!("  {what} {}", entry.who_why()))
}

fn row_index(app: &App, id: &str) -> Option<usize> {
    app.comparison.rows.iter().position(|r| r.id == id)
}

fn summary<'a>(
    app: &App,
    fact: &Fact,
    severity: crate::compare::severity::Severity,
) -> Vec<Span<'a>> {
    let mut spans =
        vec![Span::styled(format!("{} ", fact.status.as_str()), status_style(app, fact.status))];
    if let Some(value) = &fact.value {
        spans.push(Span::styled(
            format!("{} {value}", style::mark(severity)),
            style::severity(severity, app.color),
        ));
    }
    if severity != crate::compare::severity::Severity::Equal {
        spans.push(Span::styled(
            format!(" ({})", severity.as_str()),
            style::severity(severity, app.color),
        ));
    }
    spans.push(Span::styled(format!("  {} ms", fact.duration_ms), style::dim(app.color)));
    if fact.truncated {
        spans.push(Span::styled("  output cut at the byte cap", style::dim(app.color)));
    }
    spans
}

fn evidence(app: &App, fact: &Fact, width: usize, lines: &mut Vec<Line<'_>>) {
    let dim = style::dim(app.color);
    if let Some(command) = &fact.command {
        let mut text = format!("  $ {}", command.join(" "));
        if let Some(code) = fact.exit_code {
            let _ = write!(text, "   (exit {code})");
        }
        lines.push(Line::from(Span::raw(fit(&text, width))));
    }
    if let Some(found) = &fact.found_at {
        lines.push(Line::from(Span::styled(fit(&format!("  from {found}"), width), dim)));
    }
    for copy in &fact.shadowed {
        lines.push(Line::from(Span::styled(
            fit(&format!("  ⚠ shadowed copy on PATH, not run: {copy}"), width),
            style::severity(crate::compare::severity::Severity::Minor, app.color),
        )));
    }
    let raw: Vec<&str> = fact.raw.lines().collect();
    for line in raw.iter().take(RAW_LINES) {
        lines.push(Line::from(Span::styled(fit(&format!("  │ {line}"), width), dim)));
    }
    if raw.len() > RAW_LINES {
        lines.push(Line::from(Span::styled(
            format!("  │ … {} more lines", raw.len() - RAW_LINES),
            dim,
        )));
    }
}

fn status_style(app: &App, status: Status) -> Style {
    match status {
        Status::Ok => Style::new(),
        Status::Missing => style::severity(crate::compare::severity::Severity::Missing, app.color),
        _ => style::severity(crate::compare::severity::Severity::Unknown, app.color),
    }
}
