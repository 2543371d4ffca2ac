//! Two hosts side by side, diff style: the left host's value, the severity
//! between them, the right host's value; only divergent facts unless the
//! user asks for all.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::style;
use super::text::{one_line, pad};
use crate::compare::matrix::{Row, judge};
use crate::compare::severity::Severity;
use crate::model::Fact;
use crate::tui::app::App;

/// A pair row: the fact and how far the right host is from the left.
pub struct PairRow<'a> {
    pub row: &'a Row,
    pub severity: Severity,
}

/// The rows the pair view lists for `left` and `right`.
pub fn rows<'a>(app: &'a App, left: usize, right: usize) -> Vec<PairRow<'a>> {
    let fact = |host: usize, id: &str| -> Option<&'a Fact> {
        app.hosts[host].report.as_ref()?.snapshot.as_ref()?.facts.get(id)
    };
    let query = app.search.query.to_lowercase();
    app.comparison
        .rows
        .iter()
        .filter(|row| {
            query.is_empty()
                || row.label.to_lowercase().contains(&query)
                || row.id.to_lowercase().contains(&query)
        })
        .map(|row| PairRow {
            row,
            severity: judge(row.compare, fact(left, &row.id), fact(right, &row.id)),
        })
        .filter(|p| app.pair_all || (p.severity != Severity::Equal && !p.row.informational))
        .collect()
}

pub fn render(frame: &mut Frame<'_>, app: &App, area: Rect, left: usize, right: usize) {
    let (l, r) = (&app.hosts[left], &app.hosts[right]);
    let shown = rows(app, left, right);
    let scope = if app.pair_all { "all facts" } else { "divergent facts" };
    let title = format!(
        " Pair: {} ⇄ {} · {} {scope} · d toggles · ←/→ other host · p back ",
        l.display_name(),
        r.display_name(),
        shown.len()
    );
    let block =
        Block::new().borders(Borders::ALL).border_style(style::heading(app.color)).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let label = (width / 4).clamp(12, 28);
    let middle = 13;
    let side = (width.saturating_sub(label + middle)) / 2;
    let mut lines = vec![Line::from(vec![
        Span::styled(pad("Fact", label), style::dim(app.color)),
        Span::styled(pad(&side_name(app, left), side), style::heading(app.color)),
        Span::styled(pad("", middle), Style::new()),
        Span::styled(pad(&side_name(app, right), side), style::heading(app.color)),
    ])];
    if shown.is_empty() {
        lines.push(Line::from(Span::styled(
            "  These two hosts agree on every fact shown (d shows all facts).",
            style::dim(app.color),
        )));
    }
    let mut category = "";
    let mut body: Vec<Line<'_>> = Vec::new();
    for pair in &shown {
        if pair.row.category != category {
            category = &pair.row.category;
            body.push(Line::from(Span::styled(category.to_owned(), style::heading(app.color))));
        }
        let value = |host: usize| {
            let failed = app.hosts[host].report.as_ref().is_none_or(|r| r.failure.is_some());
            one_line(&crate::compare::wording::cell_text(&pair.row.cells[host], failed))
        };
        let severity_style = if pair.row.informational {
            style::dim(app.color)
        } else {
            style::severity(pair.severity, app.color)
        };
        let verdict = if pair.severity == Severity::Equal {
            "=".to_owned()
        } else {
            format!("{} {}", style::mark(pair.severity), pair.severity.as_str())
        };
        body.push(Line::from(vec![
            Span::raw(pad(&format!("  {}", pair.row.label), label)),
            Span::raw(pad(&value(left), side)),
            Span::styled(pad(&format!(" {verdict}"), middle), severity_style),
            Span::styled(pad(&value(right), side), severity_style),
        ]));
    }
    let room = usize::from(inner.height).saturating_sub(1);
    let start = app.details_scroll.min(body.len().saturating_sub(room));
    lines.extend(body.into_iter().skip(start).take(room));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn side_name(app: &App, host: usize) -> String {
    let h = &app.hosts[host];
    let mut name = String::new();
    if host == app.baseline {
        name.push_str("★ ");
    }
    name.push_str(h.display_name());
    if let Some(env) = &h.environment {
        let _ = write!(name, " ({env})");
    }
    name
}
