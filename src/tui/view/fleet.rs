//! The fleet view: facts down, and across either the whole fleet or a
//! column per group, each cell the fact's values with their host counts,
//! most common first, outliers marked (`compare::fleet` computed them; this
//! only draws the rows on screen).

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::labels;
use super::layout::{self, FLEET_HEADER_LINES};
use super::style;
use super::text::{one_line, pad};
use crate::compare::fleet::{Distribution, OUTLIER_MARK, value_label, value_text};
use crate::compare::severity::Severity;
use crate::keymap::Action;
use crate::tui::app::{App, Chip, Focus, Line};
use unicode_width::UnicodeWidthStr;

const SEPARATOR: &str = " · ";

pub fn render(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let focused = app.focus == Focus::Table;
    let border = if focused { style::heading(app.color) } else { style::dim(app.color) };
    let geometry = layout::fleet(app, area);
    let mut title = format!(
        " {} facts · {} hosts · {} matrix · {} ",
        app.comparison.rows.len(),
        app.hosts.len(),
        app.keymap.keys_for(Action::Fleet),
        app.keymap.keys_for(Action::FleetGroups),
    );
    title.push_str(if app.fleet_groups { "whole fleet " } else { "by group " });
    let hidden = app.fleet.groups.len().saturating_sub(geometry.columns.len());
    if app.fleet_groups && hidden > 0 {
        let _ = write!(title, "· {hidden} more groups ←/→ ");
    }
    frame.render_widget(Block::new().borders(Borders::ALL).border_style(border).title(title), area);
    let label_width = usize::from(geometry.label_width);
    let mut lines: Vec<TextLine<'_>> = Vec::new();
    for header in 0..FLEET_HEADER_LINES {
        let label = if header == 0 { "Fact" } else { "" };
        let mut spans = vec![Span::styled(pad(label, label_width), style::dim(app.color))];
        for &(group, _, width) in &geometry.columns {
            spans.push(header_cell(app, group, header, usize::from(width)));
        }
        lines.push(TextLine::from(spans));
    }
    let all = app.lines();
    let categories = app.categories();
    // The selected value, found once (finding the selected line reads every row).
    let chosen_chip = match all.get(app.cursor) {
        Some(Line::Fact(r)) => app.chips_of(*r).get(app.chip).copied(),
        _ => None,
    };
    let visible = all.iter().enumerate().skip(app.scroll).take(usize::from(geometry.body.height));
    for (at, line) in visible {
        let selected = at == app.cursor;
        let mut spans = Vec::new();
        match *line {
            Line::Category(c) => {
                spans.push(labels::category(app, &categories[c], selected, label_width));
            }
            Line::Fact(r) => {
                let row = &app.comparison.rows[r];
                spans.push(labels::fact(app, row, selected, label_width));
                let Some(fleet_row) = app.fleet.row(r) else { continue };
                for &(group, _, width) in &geometry.columns {
                    let d = match group {
                        Some(g) => &fleet_row.by_group[g],
                        None => &fleet_row.all,
                    };
                    let chosen = chosen_chip.filter(|c| selected && c.group == group);
                    let at = Place { r, group, chosen };
                    spans.extend(cell(app, &at, d, usize::from(width)));
                }
            }
        }
        lines.push(TextLine::from(spans));
    }
    if all.is_empty() {
        lines.push(TextLine::from(Span::styled(
            if app.only_diff { "  No differences across the fleet." } else { "  No facts match." },
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

/// A column's header: its name, then how many hosts it has and how many
/// did not answer.
fn header_cell<'a>(app: &App, group: Option<usize>, line: u16, width: usize) -> Span<'a> {
    let members = group.map_or(app.hosts.len(), |g| app.fleet.members[g].len());
    let text = match (line, group) {
        (0, None) => "Values across the fleet, most common first".to_owned(),
        (0, Some(g)) => one_line(&app.fleet.groups[g]),
        _ => {
            let hosts = group.map_or_else(
                || (0..app.hosts.len()).collect::<Vec<_>>(),
                |g| app.fleet.members[g].clone(),
            );
            let failed = hosts.iter().filter(|&&h| !app.comparison.columns[h].collected).count();
            let mut text = format!("{members} hosts");
            if failed > 0 {
                let _ = write!(text, ", {failed} not collected");
            }
            text
        }
    };
    let style = if line == 0 { style::heading(app.color) } else { style::dim(app.color) };
    Span::styled(pad(&format!(" {text}"), width), style)
}

/// Where a cell is: its fact's row, its column (a group, or the whole
/// fleet) and the selected chip when it is in this cell.
struct Place {
    r: usize,
    group: Option<usize>,
    chosen: Option<Chip>,
}

/// One chip as drawn: its text, the severity it is coloured by (`Equal`:
/// not coloured, as for accepted drift) and whether it is an outlier.
type ChipText = (String, Severity, bool);

/// One chip's text: "█ 1.1.1w ×3 ▸", "3.0.13 ×212 ★", "? ×2 no answer".
/// Accepted drift (paritty-accepted.toml) is marked as in the matrix: a
/// value every host of which is accepted shows ◇ in place of its severity
/// mark and is not coloured ("◇ 1.1.1w ×3"); one some of whose hosts are
/// says how many after its count ("█ 1.1.1w ×3 ◇2").
fn chip_text(app: &App, r: usize, d: &Distribution, chip: Chip) -> ChipText {
    let row = &app.comparison.rows[r];
    match chip.value {
        Some(v) => {
            let value = &d.values[v];
            let accepted = value.hosts.iter().filter(|&&h| app.accepted.covers(r, h)).count();
            let all = accepted > 0 && accepted == value.hosts.len();
            let mut text = if all {
                format!("{} {} ×{}", style::ACCEPTED, value_text(row, value), value.hosts.len())
            } else {
                value_label(row, value)
            };
            text = one_line(&text);
            if accepted > 0 && !all {
                let _ = write!(text, " {}{accepted}", style::ACCEPTED);
            }
            if value.baseline {
                text.push_str(" ★");
            }
            if value.outlier {
                text.push(' ');
                text.push_str(OUTLIER_MARK);
            }
            let severity = if all { Severity::Equal } else { value.severity };
            (text, severity, value.outlier)
        }
        None => (format!("? ×{} no answer", d.unanswered.len()), Severity::Unknown, false),
    }
}

/// A fleet cell: as many chips as fit, the selected one kept in sight,
/// "+N" for the rest.
fn cell<'a>(app: &App, at: &Place, d: &Distribution, width: usize) -> Vec<Span<'a>> {
    let (row, group, chosen) = (&app.comparison.rows[at.r], at.group, at.chosen);
    let mut chips: Vec<Chip> =
        (0..d.values.len()).map(|v| Chip { group, value: Some(v) }).collect();
    if !d.unanswered.is_empty() {
        chips.push(Chip { group, value: None });
    }
    let texts: Vec<ChipText> = chips.iter().map(|&c| chip_text(app, at.r, d, c)).collect();
    let selected = chosen.and_then(|c| chips.iter().position(|x| *x == c));
    // Start late enough that the selected chip fits.
    let mut start = 0;
    if let Some(sel) = selected {
        while start < sel && widths(&texts[start..=sel]) + 4 > width {
            start += 1;
        }
    }
    let mut spans = vec![Span::raw(if start > 0 { " ‹ " } else { " " })];
    let mut used = if start > 0 { 3 } else { 1 };
    for (i, (text, severity, outlier)) in texts.iter().enumerate().skip(start) {
        let sep = if i > start { SEPARATOR.width() } else { 0 };
        let rest = texts.len() - i;
        let more = if rest > 1 { format!(" +{}", rest - 1).width() } else { 0 };
        if used + sep + text.width() + more > width && i > start {
            let tail = format!(" +{rest}");
            spans.push(Span::styled(tail.clone(), style::dim(app.color)));
            used += tail.width();
            break;
        }
        if sep > 0 {
            spans.push(Span::styled(SEPARATOR, style::dim(app.color)));
        }
        let mut style = if row.informational || *severity == Severity::Equal {
            Style::new()
        } else {
            style::severity(*severity, app.color)
        };
        if *outlier {
            style = style.add_modifier(Modifier::BOLD);
        }
        if selected == Some(i) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let shown = super::text::fit(text, width.saturating_sub(used + sep + more));
        used += sep + shown.width();
        spans.push(Span::styled(shown, style));
    }
    spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    spans
}

fn widths(texts: &[ChipText]) -> usize {
    texts.iter().map(|(t, ..)| t.width()).sum::<usize>() + SEPARATOR.width() * texts.len()
}
