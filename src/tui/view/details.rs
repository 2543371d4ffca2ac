//! The evidence behind the selected fact, host by host: value and status,
//! a server's running versions (`running`), the command that ran, where the tool was found and which copies it
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
use crate::compare::{revision, shim};
use crate::export::diff::judgement_note;
use crate::model::{Fact, Status, Transport};
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
    declarations(app, &row.id, width, &mut lines);
    time_gap(app, &row.id, width, &mut lines);
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
        if let Some(note) = judgement_note(app.declared(), &row.id, host) {
            let judgement = app.declared().and_then(|j| j.fact(&row.id)).map(|f| f.cells[host]);
            let style = judgement.map_or_else(
                || style::dim(app.color),
                |v| style::judgement(v.judgement, app.color),
            );
            head.push(Span::styled(format!("  {note}"), style));
        }
        lines.push(Line::from(head));
        lines.extend(super::running::lines(fact, app.color, width));
        if let Some(text) = acceptance(app, row_index(app, &row.id), host) {
            lines.push(Line::from(Span::styled(fit(&text, width), style::dim(app.color))));
        }
        evidence(app, fact, width, &mut lines);
        chosen_by(app, host, &row.id, fact, width, &mut lines);
    }
    let paragraph = Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(app.details_scroll).unwrap_or(u16::MAX), 0));
    frame.render_widget(paragraph, area);
}

/// The selected fact's declarations, one line each (constraint, file:line,
/// whose rules read it), and the pairs of them that disagree.
fn declarations(app: &App, fact: &str, width: usize, lines: &mut Vec<Line<'_>>) {
    let Some(judged) = app.declared() else { return };
    let Some(declared) = judged.fact(fact) else { return };
    for &i in &declared.declared {
        let d = judged.declaration(i);
        let rules = serde_json::to_value(d.rules).ok();
        let rules = rules.as_ref().and_then(|r| r.as_str()).unwrap_or("");
        let text = format!("declared  {}  in {}  ({rules} rules)", d.constraint, d.source());
        lines.push(Line::from(Span::styled(fit(&text, width), style::heading(app.color))));
    }
    for disagreement in judged.disagreements.iter().filter(|d| d.fact == fact) {
        let (a, b) =
            (judged.declaration(disagreement.first), judged.declaration(disagreement.second));
        let text = format!(
            "{} the project disagrees with itself: {} says {}, {} says {}",
            style::DISAGREES,
            a.source(),
            a.constraint,
            b.source(),
            b.constraint
        );
        lines.push(Line::from(Span::styled(fit(&text, width), style::disagreement(app.color))));
    }
}

/// On the `app.revision` row: each host's distance from the local HEAD,
/// in words, and which of the fact's sources gave the revision.
fn time_gap(app: &App, fact: &str, width: usize, lines: &mut Vec<Line<'_>>) {
    if fact != revision::FACT {
        return;
    }
    let Some(gap) = &app.time_gap else {
        let text = if app.measured.as_ref().is_some_and(|(r, _)| r.iter().any(Option::is_some)) {
            "time gap: the app folder is not a git repository here (or still measuring)"
        } else {
            "time gap: no host has a revision"
        };
        lines.push(Line::from(Span::styled(fit(text, width), style::dim(app.color))));
        return;
    };
    for host in app.column_order() {
        let Some(line) = gap.line(&app.comparison, host) else { continue };
        let source = app.hosts[host]
            .report
            .as_ref()
            .and_then(|r| r.snapshot.as_ref())
            .and_then(|s| s.facts.get(fact))
            .map(revision_source)
            .unwrap_or_default();
        let text = format!("time gap  {line}{source}");
        lines.push(Line::from(Span::styled(fit(&text, width), style::heading(app.color))));
    }
}

/// Which source gave a revision: git in the app folder, its `REVISION`
/// file, or a variable.
fn revision_source(fact: &Fact) -> String {
    match (&fact.command, &fact.found_at) {
        (Some(_), _) => " (from git in the app folder)".to_owned(),
        (None, Some(at)) if at.ends_with("REVISION") => " (from the REVISION file)".to_owned(),
        (None, Some(at)) => format!(" (from {at})"),
        (None, None) => String::new(),
    }
}

/// A tool answered through a version manager's shim: which manager, and
/// on this machine which file of the app folder it read (the folder the
/// commands ran in; another host's folder is not read here).
fn chosen_by(
    app: &App,
    host: usize,
    id: &str,
    fact: &Fact,
    width: usize,
    lines: &mut Vec<Line<'_>>,
) {
    let Some(manager) = fact.found_at.as_deref().and_then(shim::manager) else { return };
    let local = app.hosts[host]
        .report
        .as_ref()
        .and_then(|r| r.snapshot.as_ref())
        .is_some_and(|s| s.host.transport == Transport::Local);
    let file = app.declarations.as_ref().filter(|_| local).and_then(|d| {
        manager
            .files
            .iter()
            .find_map(|name| d.items.iter().find(|i| i.fact == id && i.file == *name))
    });
    let text = match file {
        Some(d) => format!(
            "  {}'s shim chose it: {} in the app folder says {}",
            manager.name,
            d.source(),
            d.constraint
        ),
        None => format!(
            "  {}'s shim chose it (by the files of the folder it ran in: {})",
            manager.name,
            manager.files.join(", ")
        ),
    };
    lines.push(Line::from(Span::styled(fit(&text, width), style::heading(app.color))));
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
    // Not observed: said before the evidence, never only in it.
    if let Some(origin) = fact.origin {
        lines.push(Line::from(Span::styled(
            fit(&format!("  ⓘ {}", origin.explain()), width),
            style::severity(crate::compare::severity::Severity::Minor, app.color),
        )));
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
