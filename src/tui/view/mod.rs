//! Drawing: pure functions from the state to a frame; no I/O, no changes.
//! Geometry lives in `layout` so mouse clicks hit what was drawn.

pub mod details;
pub mod fleet;
pub mod fleet_hosts;
mod labels;
pub mod layout;
pub mod matrix;
pub mod overlay;
pub mod pair;
mod running;
pub mod style;
pub mod text;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Screen};
use crate::compare::severity::Severity;
use crate::keymap::Action;

pub fn render(frame: &mut Frame<'_>, app: &App) {
    let full = frame.area();
    let Some(areas) = layout::areas(app, full) else {
        too_small(frame, full);
        return;
    };
    title(frame, app, areas.title);
    match app.screen {
        Screen::Matrix => {
            matrix::render(frame, app, areas.main);
            if let Some(area) = areas.details {
                details::render(frame, app, area);
            }
        }
        Screen::Fleet => {
            fleet::render(frame, app, areas.main);
            if let Some(area) = areas.details {
                fleet_hosts::render(frame, app, area);
            }
        }
        Screen::Pair { left, right } => pair::render(frame, app, areas.main, left, right),
    }
    legend(frame, app, areas.legend);
    status(frame, app, areas.status);
    overlay::render(frame, app, full);
}

fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = format!(
        "Terminal too small: {}×{}; paritty needs {}×{}. Enlarge it, or press q to quit.",
        area.width,
        area.height,
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn title(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let heading = style::heading(app.color);
    let base = app.hosts.get(app.baseline).map_or("-", |h| h.display_name());
    let mut spans = vec![
        Span::styled("paritty", heading),
        Span::raw(format!(" · profile {} · {} hosts · baseline ", app.profile, app.hosts.len())),
        Span::styled(format!("★ {base}"), heading),
    ];
    let busy = app.busy_count();
    if busy > 0 {
        spans.push(Span::styled(
            format!(" · {} collecting {busy}", style::spinner(app.now)),
            style::stage(&crate::collect::events::Stage::Probing, app.color),
        ));
    }
    if app.only_diff {
        spans.push(Span::raw(" · only differences"));
    }
    let hidden = app.absent_hidden();
    if hidden > 0 {
        let key = first_key(&app.keymap.keys_for(Action::Absent)).to_owned();
        let facts = if hidden == 1 { "fact" } else { "facts" };
        spans.push(Span::raw(format!(" · {hidden} absent {facts} hidden ({key})")));
    }
    if !app.search.query.is_empty() {
        spans.push(Span::raw(format!(" · search \"{}\"", app.search.query)));
    }
    let help = format!("{} help ", app.keymap.keys_for(Action::Help));
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(area.width).saturating_sub(used + help.chars().count());
    spans.push(Span::raw(" ".repeat(room)));
    spans.push(Span::styled(help, style::dim(app.color)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn legend(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    for severity in &Severity::ALL[1..] {
        spans.push(Span::styled(
            format!("{} {}", style::mark(*severity), severity.as_str()),
            style::severity(*severity, app.color),
        ));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled("★ baseline", style::heading(app.color)));
    if app.screen == Screen::Fleet {
        spans.push(Span::raw(format!("  {} outlier", crate::compare::fleet::OUTLIER_MARK)));
    }
    if app.declared().is_some() {
        spans.push(Span::raw("  "));
        spans.extend(overlay::declared_legend(app));
    }
    if !app.acceptances.is_empty() {
        spans.push(Span::styled(format!("  {} accepted", style::ACCEPTED), style::dim(app.color)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let keys = &app.keymap;
    let line = if app.search.editing {
        Line::from(vec![
            Span::styled(" / ", style::heading(app.color)),
            Span::raw(format!("{}▏", app.search.query)),
            Span::styled("  Enter keep · Esc clear", style::dim(app.color)),
        ])
    } else if let Some(message) = &app.message {
        Line::from(Span::styled(format!(" {message}"), style::heading(app.color)))
    } else {
        let summary = if app.busy_count() > 0 {
            format!("collecting {} of {} hosts", app.busy_count(), app.hosts.len())
        } else {
            app.summary.clone()
        };
        let summary = match app.declared() {
            // First: the status line is cut at the terminal's width.
            Some(judged) => format!("{} · {summary}", declared_summary(app, judged)),
            None => summary,
        };
        // With only examples to show, how to add real hosts matters more
        // than the key hints.
        let after = if app.show_hint {
            " · examples shown: compare real hosts with `paritty user@host …` or [[host]] in paritty.toml"
                .to_owned()
        } else {
            format!(
                " · {} diff · {} pair · {} export · {} quit",
                keys.keys_for(Action::OnlyDiff),
                keys.keys_for(Action::Pair),
                keys.keys_for(Action::Export),
                first_key(&keys.keys_for(Action::Quit)),
            )
        };
        Line::from(vec![
            Span::styled(format!(" {summary}"), Style::new()),
            Span::styled(after, style::dim(app.color)),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// `✗ 3 violations · ⚠ 1 disagreement`: the declared column's counts.
fn declared_summary(app: &App, judged: &crate::compare::declared::Judged) -> String {
    let violations: usize = (0..app.hosts.len()).map(|c| judged.violations(c)).sum();
    let disagreements = judged.disagreements.len();
    let plural =
        |n: usize, one: &str, many: &str| if n == 1 { one.to_owned() } else { many.to_owned() };
    format!(
        "{} {violations} {} · {} {disagreements} {}",
        crate::compare::constraint::Judgement::Violates.mark(),
        plural(violations, "violation", "violations"),
        style::DISAGREES,
        plural(disagreements, "disagreement", "disagreements"),
    )
}

fn first_key(keys: &str) -> &str {
    keys.split('/').next().unwrap_or(keys)
}
