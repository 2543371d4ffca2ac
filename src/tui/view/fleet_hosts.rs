//! The fleet view's lower pane: the hosts holding the selected value (or
//! without an answer, with why), in column order, as many to a line as fit.
//! Only the lines on screen are built: a value may be held by a thousand hosts.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::style;
use super::text::{one_line, pad};
use crate::compare::fleet::value_text;
use crate::tui::app::{App, Focus};

pub fn render(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let focused = app.focus == Focus::Details;
    let border = if focused { style::heading(app.color) } else { style::dim(app.color) };
    let r = match app.selected_line() {
        Some(crate::tui::app::Line::Fact(r)) => Some(r),
        _ => None,
    };
    let row = r.and_then(|r| app.comparison.rows.get(r));
    let (Some(r), Some(row), Some((chip, hosts))) = (r, row, r.and_then(|r| app.chip_at(r))) else {
        let block = Block::new().borders(Borders::ALL).border_style(border).title(" Hosts ");
        let hint = Paragraph::new(Span::styled(
            " Select a fact and one of its values (←/→); Enter lists its hosts here.",
            style::dim(app.color),
        ))
        .block(block);
        frame.render_widget(hint, area);
        return;
    };
    let what = match (chip.value, app.fleet.row(r)) {
        (Some(v), Some(fleet_row)) => {
            let d = chip.group.map_or(&fleet_row.all, |g| &fleet_row.by_group[g]);
            format!("{} on", one_line(&value_text(row, &d.values[v])))
        }
        _ => "no answer from".to_owned(),
    };
    let scope =
        chip.group.map_or_else(String::new, |g| format!(" of {}", one_line(&app.fleet.groups[g])));
    let noun = if hosts.len() == 1 { "host" } else { "hosts" };
    let title = format!(" {} · {} · {what} {} {noun}{scope} ", row.label, row.id, hosts.len());
    let block = Block::new().borders(Borders::ALL).border_style(border).title(title);
    let inner_width = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2));
    let name = |h: usize| -> String {
        let host = &app.hosts[h];
        let mut text = String::new();
        if h == app.baseline {
            text.push('★');
        }
        text.push_str(&one_line(host.display_name()));
        if chip.value.is_none() {
            let why = host
                .report
                .as_ref()
                .and_then(|r| r.failure.as_ref())
                .map(|f| f.reason.as_str().to_owned())
                .or_else(|| host.busy().then(|| "collecting".to_owned()))
                .or_else(|| row.cells[h].status.map(|s| s.as_str().to_owned()))
                .unwrap_or_else(|| "no answer".to_owned());
            let _ = write!(text, " ({why})");
        }
        text
    };
    // Names are laid out in columns as wide as the widest of them (capped).
    let widest = if chip.value.is_some() {
        // Without building every name: the baseline's star is one column more.
        hosts
            .iter()
            .map(|&h| app.hosts[h].display_name().width() + usize::from(h == app.baseline))
            .max()
    } else {
        hosts.iter().take(2_000).map(|&h| name(h).width()).max()
    }
    .unwrap_or(1);
    let column = (widest + 2).clamp(8, inner_width.max(8));
    let per_line = (inner_width / column).max(1);
    let first = app.details_scroll.min(hosts.len().div_ceil(per_line).saturating_sub(1));
    let mut lines = Vec::new();
    for chunk in hosts.chunks(per_line).skip(first).take(height) {
        let text: String = chunk.iter().map(|&h| pad(&format!(" {}", name(h)), column)).collect();
        lines.push(Line::from(text));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
