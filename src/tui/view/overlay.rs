//! Dialogs drawn over the screen: help, export, and a host's questions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{layout, style};
use crate::compare::severity::Severity;
use crate::keymap::Action;
use crate::output::sanitize::one_line;
use crate::tui::app::App;
use crate::tui::dialog::{Destination, ExportDialog, Field, Modal, Redaction};

pub fn render(frame: &mut Frame<'_>, app: &App, full: Rect) {
    let Some(modal) = &app.modal else { return };
    let (title, lines, width) = match modal {
        Modal::Help => (" Help: keys (configurable in paritty.toml [keys]) ", help(app), 80),
        Modal::Export(dialog) => (" Export ", export(app, dialog), 72),
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
                // An IdentityFile from ssh_config: text from outside.
                Line::from(format!(
                    "Enter passphrase for key {}:",
                    one_line(&key.to_string_lossy())
                )),
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
    let mut block =
        Block::new().borders(Borders::ALL).border_style(style::heading(app.color)).title(title);
    if matches!(modal, Modal::Help) {
        // Taller than the terminal: a window on it, which the moving keys
        // scroll, saying where it is.
        let (visible, max) = layout::help_window((full.width, full.height));
        let first = app.help_scroll.min(max);
        if max > 0 {
            let keys = &app.keymap;
            block = block.title_bottom(format!(
                " lines {}-{} of {} · {} {} scroll · other keys close ",
                first + 1,
                first + visible,
                lines.len(),
                keys.keys_for(Action::Up),
                keys.keys_for(Action::Down),
            ));
        }
        let height = u16::try_from(visible).unwrap_or(u16::MAX).saturating_add(2);
        let area = centered(full, width, height);
        frame.render_widget(Clear, area);
        let shown: Vec<Line<'static>> = lines.into_iter().skip(first).take(visible).collect();
        frame.render_widget(Paragraph::new(shown).block(block), area);
        return;
    }
    let height = u16::try_from(lines.len()).unwrap_or(20) + 2;
    let area = centered(full, width, height);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn export(app: &App, dialog: &ExportDialog) -> Vec<Line<'static>> {
    let field = |f: Field, name: &str, value: String, app: &App| {
        let focused = dialog.field == f;
        let value_style =
            if focused { style::selected(app.color) } else { style::heading(app.color) };
        Line::from(vec![
            Span::raw(format!("{} {name:<11}", if focused { "▸" } else { " " })),
            Span::styled(
                if f == Field::Path { value } else { format!("◂ {value} ▸") },
                value_style,
            ),
        ])
    };
    let mut lines = vec![
        field(Field::What, "Export", dialog.what.label().to_owned(), app),
        field(Field::Format, "as", dialog.format.label().to_owned(), app),
        field(Field::Redaction, "Redaction", dialog.redaction.label().to_owned(), app),
        field(Field::Destination, "to", dialog.destination.label().to_owned(), app),
    ];
    if dialog.destination == Destination::File {
        lines.push(field(Field::Path, "Path", format!("{}▏", dialog.path), app));
    }
    if dialog.redaction == Redaction::Off {
        lines.push(Line::from(Span::styled(
            "  Redaction is off: secrets and home folders are written as collected.",
            style::severity(crate::compare::severity::Severity::Major, app.color),
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "↑/↓ field · ←/→ change · type a path · Enter export · Esc cancel",
        style::dim(app.color),
    )));
    lines
}

/// The help's lines, [`layout::HELP_LINES`] of them.
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
    // The version levels on one line, the others (missing, unknown,
    // another type of service) on the next: one line no longer fits.
    let marks = |severities: &[Severity]| -> Line<'static> {
        Line::from(
            severities
                .iter()
                .map(|s| {
                    Span::styled(
                        format!("{} {}  ", style::mark(*s), s.as_str()),
                        style::severity(*s, app.color),
                    )
                })
                .collect::<Vec<_>>(),
        )
    };
    lines.push(marks(&Severity::ALL[1..6]));
    // The declarations' marks after the others: a line more would not fit
    // a 36-row terminal.
    let mut last = marks(&Severity::ALL[6..]);
    last.spans.extend(declared_legend(app));
    lines.push(last);
    lines
}

/// The marks of the `declared` column and its judgements.
pub fn declared_legend(app: &App) -> Vec<Span<'static>> {
    use crate::compare::constraint::Judgement;
    let mut spans: Vec<Span<'static>> = [Judgement::Satisfies, Judgement::Violates]
        .into_iter()
        .map(|j| {
            Span::styled(format!("{} {}  ", j.mark(), j.as_str()), style::judgement(j, app.color))
        })
        .collect();
    spans.push(Span::styled(
        format!("{} disagree", style::DISAGREES),
        style::disagreement(app.color),
    ));
    spans
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
