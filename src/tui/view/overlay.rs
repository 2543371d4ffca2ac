//! Dialogs drawn over the screen: help, export, and a host's questions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::style;
use crate::compare::matrix::Severity;
use crate::tui::app::App;
use crate::tui::dialog::{ExportKind, Modal};
use crate::tui::keys::Action;

pub fn render(frame: &mut Frame<'_>, app: &App, full: Rect) {
    let Some(modal) = &app.modal else { return };
    let (title, lines, width) = match modal {
        Modal::Help => (" Help: keys (configurable in paritty.toml [keys]) ", help(app), 80),
        Modal::Export(dialog) => {
            let mut lines = vec![Line::from("What to export (↑/↓):")];
            for (i, kind) in ExportKind::ALL.iter().enumerate() {
                let chosen = i == dialog.choice;
                let text = format!("{} {}", if chosen { "▸" } else { " " }, kind.label());
                lines.push(Line::from(if chosen {
                    Span::styled(text, style::selected(app.color))
                } else {
                    Span::raw(text)
                }));
            }
            lines.push(Line::from(""));
            if dialog.kind().is_comparison() {
                lines.push(Line::from(format!(
                    "[{}] only divergent facts (Tab)",
                    if dialog.only_diff { "x" } else { " " }
                )));
            }
            lines.push(Line::from(vec![
                Span::raw("Write to: "),
                Span::styled(format!("{}▏", dialog.path), style::heading(app.color)),
            ]));
            lines.push(Line::from(Span::styled(
                "Type a path · Enter write · Esc cancel",
                style::dim(app.color),
            )));
            (" Export ", lines, 64)
        }
        Modal::HostKey { host, key_type, fingerprint, .. } => (
            " Unknown host key ",
            vec![
                Line::from(format!("The authenticity of host {host} can't be established.")),
                Line::from(format!("{key_type} key fingerprint is {fingerprint}.")),
                Line::from(""),
                Line::from("Trust it and add it to known_hosts? (one line appended)"),
                Line::from(Span::styled("y trust · n refuse", style::heading(app.color))),
            ],
            76,
        ),
        Modal::Passphrase { key, typed, .. } => (
            " Passphrase ",
            vec![
                Line::from(format!("Enter passphrase for key {}:", key.display())),
                Line::from(Span::styled(
                    format!("{}▏", "•".repeat(typed.chars().count())),
                    style::heading(app.color),
                )),
                Line::from(Span::styled(
                    "Enter unlock · Esc skip this key (never stored)",
                    style::dim(app.color),
                )),
            ],
            70,
        ),
    };
    let height = u16::try_from(lines.len()).unwrap_or(20) + 2;
    let area = centered(full, width, height);
    frame.render_widget(Clear, area);
    let block =
        Block::new().borders(Borders::ALL).border_style(style::heading(app.color)).title(title);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn help(app: &App) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Action::ALL
        .iter()
        .map(|(action, _, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{:>16}  ", app.keymap.keys_for(*action)),
                    style::heading(app.color),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::from("Mouse: wheel scrolls; click selects; click a category folds it."));
    let marks: Vec<Span<'static>> = Severity::ALL[1..]
        .iter()
        .map(|s| {
            Span::styled(
                format!("{} {}  ", style::mark(*s), s.as_str()),
                style::severity(*s, app.color),
            )
        })
        .collect();
    lines.push(Line::from(marks));
    lines
}

fn centered(full: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(full.width);
    let height = height.min(full.height);
    Rect {
        x: full.x + (full.width - width) / 2,
        y: full.y + (full.height - height) / 2,
        width,
        height,
    }
}
