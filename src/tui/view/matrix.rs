//! The matrix: facts down, hosts across, the baseline pinned beside the
//! fact names, each cell marked and coloured by its severity.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::labels;
use super::layout::{self, HEADER_LINES};
use super::style;
use super::text::{one_line, pad};
use crate::collect::events::Stage;
use crate::compare::constraint::Judgement;
use crate::compare::matrix::Cell;
use crate::compare::severity::Severity;
use crate::compare::wording::cell_text;
use crate::model::Transport;
use crate::tui::app::{App, Focus, Host, Line};

pub fn render(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let focused = app.focus == Focus::Table;
    let border = if focused { style::heading(app.color) } else { style::dim(app.color) };
    let hidden = app.hosts.len().saturating_sub(layout::matrix(app, area).columns.len());
    let mut title = format!(" {} facts ", app.comparison.rows.len());
    if hidden > 0 {
        let _ =
            write!(title, "· {hidden} more {} ←/→ ", if hidden == 1 { "host" } else { "hosts" });
    }
    frame.render_widget(Block::new().borders(Borders::ALL).border_style(border).title(title), area);
    let geometry = layout::matrix(app, area);
    let label_width = usize::from(geometry.label_width);

    let mut lines: Vec<TextLine<'_>> = Vec::new();
    for row in 0..HEADER_LINES {
        let mut spans =
            vec![Span::styled(pad(&label_header(app, row), label_width), style::dim(app.color))];
        if let Some((_, width)) = geometry.declared {
            spans.push(declared_header(app, row, usize::from(width)));
        }
        for &(host, _, width) in &geometry.columns {
            spans.push(header_cell(app, host, row, usize::from(width)));
        }
        lines.push(TextLine::from(spans));
    }
    let all = app.lines();
    let categories = app.categories();
    let visible = all.iter().enumerate().skip(app.scroll).take(usize::from(geometry.body.height));
    for (at, line) in visible {
        let selected = at == app.cursor;
        let mut spans = Vec::new();
        match *line {
            Line::Category(c) => {
                let category = &categories[c];
                spans.push(labels::category(app, category, selected, label_width));
                if let Some((_, width)) = geometry.declared {
                    spans.push(Span::raw(" ".repeat(usize::from(width))));
                }
                for &(host, _, width) in &geometry.columns {
                    spans.push(category_cell(app, &category.rows, host, usize::from(width)));
                }
            }
            Line::Fact(r) => spans = fact_row(app, &geometry, r, selected),
        }
        lines.push(TextLine::from(spans));
    }
    if all.is_empty() {
        lines.push(TextLine::from(Span::styled(
            if app.only_diff {
                "  No differences: every host matches the baseline."
            } else {
                "  No facts match."
            },
            style::dim(app.color),
        )));
    }
    let inner = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A host's judgement on a declared fact, when the column is shown and
/// there is a version to judge.
fn verdict(app: &App, fact: &str, host: usize) -> Option<Judgement> {
    let judgement = app.declared()?.fact(fact)?.cells.get(host)?.judgement;
    (judgement != Judgement::NoVersion && app.hosts[host].report.is_some()).then_some(judgement)
}

/// The `declared` column's header: its name, the app folder, and how many
/// violations and disagreements there are.
fn declared_header<'a>(app: &App, row: u16, width: usize) -> Span<'a> {
    let Some(judged) = app.declared() else { return Span::raw(" ".repeat(width)) };
    match row {
        0 => Span::styled(pad(" declared", width), style::heading(app.color)),
        1 => Span::styled(
            pad(&format!(" in {}", one_line(&judged.declarations.app_dir)), width),
            style::dim(app.color),
        ),
        _ => {
            let violations: usize = (0..app.hosts.len()).map(|c| judged.violations(c)).sum();
            let mut text = format!(" {}{violations}", Judgement::Violates.mark());
            let mut style = if violations > 0 {
                style::judgement(Judgement::Violates, app.color)
            } else {
                style::judgement(Judgement::Satisfies, app.color)
            };
            if !judged.disagreements.is_empty() {
                let _ = write!(text, " {}{}", style::DISAGREES, judged.disagreements.len());
                style = style::disagreement(app.color);
            }
            Span::styled(pad(&text, width), style)
        }
    }
}

/// A fact's line: its label, its declarations, each host's cell.
fn fact_row<'a>(app: &App, geometry: &layout::Matrix, r: usize, selected: bool) -> Vec<Span<'a>> {
    let label_width = usize::from(geometry.label_width);
    let mut spans = Vec::new();
    let row = &app.comparison.rows[r];
    spans.push(labels::fact(app, row, selected, label_width));
    if let (Some((_, width)), Some(judged)) = (geometry.declared, app.declared()) {
        let text = format!(" {}", layout::declared_cell(judged, &row.id));
        let style = if text.contains(style::DISAGREES) {
            style::disagreement(app.color)
        } else {
            style::heading(app.color).remove_modifier(Modifier::BOLD)
        };
        spans.push(Span::styled(pad(&text, usize::from(width)), style));
    }
    for &(host, _, width) in &geometry.columns {
        let cell = &row.cells[host];
        let verdict = verdict(app, &row.id, host);
        let width = usize::from(width);
        let value_width = if verdict.is_some() { width.saturating_sub(2) } else { width };
        let accepted = app.accepted.covers(r, host);
        let mut value =
            fact_cell(app, &app.hosts[host], cell, row.informational || accepted, value_width);
        if accepted {
            value = accepted_cell(&value, value_width);
        }
        let mut cell_spans = vec![value];
        if let Some(judgement) = verdict {
            // The mark right after the value, the padding after it.
            let text = cell_spans[0].content.trim_end().to_owned();
            let used = unicode_width::UnicodeWidthStr::width(text.as_str()) + 2;
            cell_spans[0].content = text.into();
            cell_spans.push(Span::styled(
                format!(" {}", judgement.mark()),
                style::judgement(judgement, app.color),
            ));
            cell_spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
        }
        for mut span in cell_spans {
            if selected && host == app.column {
                span = span.patch_style(Style::new().add_modifier(Modifier::REVERSED));
            }
            spans.push(span);
        }
    }
    spans
}

fn label_header(app: &App, row: u16) -> String {
    match row {
        0 => "Fact".into(),
        1 if app.only_diff => "only differences".into(),
        2 if !app.search.query.is_empty() => format!("/{}", app.search.query),
        _ => String::new(),
    }
}

/// One of a host's three header lines: name; environment, container and
/// OS; status.
fn header_cell<'a>(app: &App, index: usize, row: u16, width: usize) -> Span<'a> {
    let host = &app.hosts[index];
    let is_base = index == app.baseline;
    let selected = index == app.column;
    let text = match row {
        0 => {
            let mut name = String::new();
            if is_base {
                name.push_str("★ ");
            }
            name.push_str(host.display_name());
            if host.example && !host.display_name().contains("example") {
                name.push_str(" (example)");
            }
            name
        }
        1 => {
            let column = app.comparison.columns.get(index);
            let os = column.and_then(|c| c.os.clone());
            // A container, pod or argv says so: its OS line is its image's.
            let transport = host
                .report
                .as_ref()
                .and_then(|r| r.snapshot.as_ref())
                .filter(|s| !matches!(s.host.transport, Transport::Local | Transport::Ssh))
                .map(|s| s.host.transport.describe());
            // The time gap: how far its app's revision is from your HEAD.
            let gap = app.time_gap.as_ref().and_then(|g| g.short(index));
            [host.environment.clone(), transport, gap, os]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        }
        _ => host_status(app, index),
    };
    let mut style = match row {
        0 => style::heading(app.color),
        2 => style::stage(&host.stage, app.color),
        _ => style::dim(app.color),
    };
    if selected && row == 0 {
        style = style.add_modifier(Modifier::UNDERLINED);
    }
    Span::styled(pad(&format!(" {text}"), width), style)
}

/// A host's status line: live stage and timer, its failure, or its counts.
pub fn host_status(app: &App, index: usize) -> String {
    let host = &app.hosts[index];
    let elapsed = host.started_at.map(|t| app.now.saturating_sub(t));
    match &host.stage {
        Stage::Failed(failure) => format!("✗ {}", failure.reason.as_str()),
        Stage::Done if index == app.baseline => match host.took {
            Some(took) => format!("✓ baseline {:.1}s", took.as_secs_f64()),
            None => "✓ baseline".into(),
        },
        Stage::Done if baseline_pending(app) => "✓ done, ★ pending".into(),
        Stage::Done => {
            let counts = app.comparison.counts(index);
            if counts.is_empty() {
                "✓ parity".into()
            } else {
                Severity::ALL
                    .iter()
                    .rev()
                    .filter_map(|s| counts.get(s).map(|n| format!("{}{n}", style::mark(*s))))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
        stage => {
            let mut text = format!("{} {}", style::spinner(app.now), stage.label());
            if let Some(elapsed) = elapsed {
                let _ = write!(text, " {}s", elapsed.as_secs());
            }
            if host.facts_total > 0 && *stage == Stage::Probing {
                let _ = write!(text, " {}/{}", host.facts_done, host.facts_total);
            }
            text
        }
    }
}

/// A category heading's cell: how many of its facts diverge, by severity.
fn category_cell<'a>(app: &App, rows: &[usize], host: usize, width: usize) -> Span<'a> {
    if host == app.baseline || app.hosts[host].report.is_none() || baseline_pending(app) {
        return Span::raw(" ".repeat(width));
    }
    let mut counts = std::collections::BTreeMap::new();
    for &r in rows {
        let row = &app.comparison.rows[r];
        let cell = &row.cells[host];
        if !row.informational && !cell.tolerated && cell.severity != Severity::Equal {
            *counts.entry(cell.severity).or_insert(0usize) += 1;
        }
    }
    let worst = counts.keys().next_back().copied().unwrap_or(Severity::Equal);
    let text: Vec<String> =
        counts.iter().rev().map(|(s, n)| format!("{}{n}", style::mark(*s))).collect();
    Span::styled(pad(&format!(" {}", text.join(" ")), width), style::severity(worst, app.color))
}

/// A fact's cell for one host: mark and value, or why there is none.
fn fact_cell<'a>(
    app: &App,
    host: &Host,
    cell: &Cell,
    informational: bool,
    width: usize,
) -> Span<'a> {
    if host.report.is_none() {
        let text = match &host.stage {
            Stage::Failed(failure) => format!("  ({})", failure.reason.as_str()),
            _ => format!("  {}", style::spinner(app.now)),
        };
        return Span::styled(pad(&text, width), style::dim(app.color));
    }
    let report = host.report.as_ref();
    // A host with nothing collected says why in every cell.
    if let Some(failure) = report.filter(|r| r.snapshot.is_none()).and_then(|r| r.failure.as_ref())
    {
        let text = format!(" ? ({})", failure.reason.as_str());
        return Span::styled(pad(&text, width), style::severity(Severity::Unknown, app.color));
    }
    let failed = report.is_some_and(|r| r.failure.is_some());
    let value = one_line(&cell_text(cell, failed));
    // Nothing to judge against until the baseline has answered.
    let shown = cell.severity != Severity::Equal && !informational && !baseline_pending(app);
    let mark = if shown { style::mark(cell.severity) } else { " " };
    let style = if informational || cell.tolerated || host.busy() {
        style::dim(app.color)
    } else if shown {
        style::severity(cell.severity, app.color)
    } else {
        Style::new()
    };
    Span::styled(pad(&format!(" {mark} {value}"), width), style)
}

/// An accepted divergence: its mark replaced by the accepted one, dimmed
/// like what is not counted (the details pane says who accepted it and why).
fn accepted_cell<'a>(span: &Span<'_>, width: usize) -> Span<'a> {
    let value = span.content.get(3..).unwrap_or_default().trim_end();
    Span::styled(pad(&format!(" {} {value}", style::ACCEPTED), width), span.style)
}

/// The baseline has no report yet: other hosts cannot be judged.
fn baseline_pending(app: &App) -> bool {
    app.hosts.get(app.baseline).is_some_and(|h| h.report.is_none())
}
