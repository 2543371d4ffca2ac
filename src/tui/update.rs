//! How the state changes: a pure function of the state and one message (a
//! key, a mouse event, a tick, a collection event). What must touch the
//! world (collect again, write files, quit) comes back as effects.

use std::time::Duration;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{App, Focus, Line, Screen};
use super::dialog::{ExportDialog, Field, Modal};
use super::export::{self, Export, ExportError, Prepared};
use super::view::layout;
use crate::collect::events::{Event, Stage};
use crate::compare::revision::{self, TimeGap};
use crate::keymap::Action;
use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// Everything that can happen to the TUI.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed (session time): spinners and timers move.
    Tick(Duration),
    /// A collection worker's news, by host index.
    Collect(Event),
    AskHostKey {
        host: String,
        key_type: String,
        fingerprint: String,
        reply: Sender<bool>,
    },
    AskPassphrase {
        key: PathBuf,
        reply: Sender<Option<String>>,
    },
    /// The session wrote an export's files (what it says), or could not.
    Written(Result<String, ExportError>),
    /// The session put an export on the clipboard (what it says), or could not.
    Copied(Result<String, std::io::Error>),
    /// A collection could not start (no thread for it).
    CollectionNotStarted(std::io::Error),
    /// The local repository measured these revisions (by column) against
    /// its HEAD and the baseline's revision.
    Measured {
        revisions: Vec<Option<String>>,
        baseline: usize,
        gap: Option<TimeGap>,
    },
}

/// What the session must do for the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Collect these hosts (again).
    Collect(Vec<usize>),
    Write(Export),
    /// Put text on the terminal's clipboard (OSC 52).
    Clipboard {
        text: String,
        what: String,
    },
    /// Measure the hosts' revisions (by column) against the local
    /// repository; the answer comes back as `Msg::Measured`.
    MeasureRevisions {
        revisions: Vec<Option<String>>,
        baseline: usize,
    },
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(mouse) => {
            on_mouse(app, mouse);
            Vec::new()
        }
        Msg::Resize(width, height) => {
            app.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            app.now = now;
            if app.compare_pending
                && now.saturating_sub(app.compared_at) >= coalescing_interval(app.hosts.len())
            {
                app.recompare();
            }
            Vec::new()
        }
        Msg::Collect(event) => {
            on_collect(app, event);
            Vec::new()
        }
        Msg::AskHostKey { host, key_type, fingerprint, reply } => {
            open_question(app, Modal::HostKey { host, key_type, fingerprint, reply });
            Vec::new()
        }
        Msg::AskPassphrase { key, reply } => {
            open_question(app, Modal::Passphrase { key, typed: String::new(), reply });
            Vec::new()
        }
        Msg::Written(result) => {
            app.message = Some(result.unwrap_or_else(|e| e.to_string()));
            Vec::new()
        }
        Msg::Copied(result) => {
            app.message = Some(
                result.unwrap_or_else(|e| format!("clipboard: cannot write to the terminal: {e}")),
            );
            Vec::new()
        }
        Msg::CollectionNotStarted(e) => {
            app.message = Some(format!("cannot start collecting: {e}"));
            Vec::new()
        }
        Msg::Measured { revisions, baseline, gap } => {
            // An answer to an older question is dropped: another is on its way.
            if app.measured.as_ref() == Some(&(revisions, baseline)) {
                app.time_gap = gap;
            }
            Vec::new()
        }
    };
    let mut effects = effects;
    effects.extend(measure_revisions(app));
    keep_in_view(app);
    effects
}

/// Asks for the time gap again when the hosts' revisions or the baseline
/// changed since it was last asked for.
fn measure_revisions(app: &mut App) -> Option<Effect> {
    let revisions = revision::revisions(&app.comparison);
    let wanted = (revisions, app.baseline);
    if app.measured.as_ref() == Some(&wanted) {
        return None;
    }
    app.measured = Some(wanted.clone());
    if wanted.0.iter().all(Option::is_none) {
        app.time_gap = None;
        return None;
    }
    Some(Effect::MeasureRevisions { revisions: wanted.0, baseline: wanted.1 })
}

/// A question from a worker waits its turn behind an open dialog; the
/// worker is blocked on it, so it is never dropped unanswered.
fn open_question(app: &mut App, modal: Modal) {
    match app.modal.take() {
        None | Some(Modal::Help | Modal::Export(_)) => app.modal = Some(modal),
        Some(open) => {
            // Two questions at once: refuse the newer one, say so.
            app.modal = Some(open);
            refuse(modal);
            app.message = Some(
                "a second host asked a question at once: refused it; press r on it to ask again"
                    .into(),
            );
        }
    }
}

fn refuse(modal: Modal) {
    match modal {
        Modal::HostKey { reply, .. } => {
            let _ = reply.send(false);
        }
        Modal::Passphrase { reply, .. } => {
            let _ = reply.send(None);
        }
        Modal::Help | Modal::Export(_) => {}
    }
}

fn on_collect(app: &mut App, event: Event) {
    match event {
        Event::Stage { index, stage, .. } => {
            if let Some(host) = app.hosts.get_mut(index) {
                if stage == Stage::Pending && host.started_at.is_none() {
                    host.started_at = Some(app.now);
                }
                host.stage = stage;
            }
        }
        Event::Facts { index, done, total } => {
            if let Some(host) = app.hosts.get_mut(index) {
                host.facts_done = done;
                host.facts_total = total;
            }
        }
        Event::Finished { index, report } => {
            if let Some(host) = app.hosts.get_mut(index) {
                host.stage = match &report.failure {
                    Some(failure) => Stage::Failed(failure.clone()),
                    None => Stage::Done,
                };
                host.took = host.started_at.map(|t| app.now.saturating_sub(t));
                host.report = Some(*report);
                // Judging every host again costs more the more hosts there
                // are (a quarter second at 1,000): a large fleet's answers
                // are taken in on ticks, the last one at once.
                let collecting = app.hosts.iter().any(super::app::Host::busy);
                if app.hosts.len() < COALESCE_FROM || !collecting {
                    app.recompare();
                } else {
                    app.compare_pending = true;
                }
            }
        }
    }
}

/// Fleets from this many hosts take answers in on ticks.
const COALESCE_FROM: usize = 100;

/// How long answers wait to be judged together: a millisecond per host
/// (a second at 1,000), so judging stays a fraction of the time.
fn coalescing_interval(hosts: usize) -> Duration {
    Duration::from_millis(u64::try_from(hosts).unwrap_or(u64::MAX))
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    app.message = None;
    if let Some(modal) = app.modal.take() {
        return on_modal_key(app, modal, key);
    }
    if app.search.editing {
        on_search_key(app, key);
        return Vec::new();
    }
    let Some(action) = super::keys::action(&app.keymap, &key) else { return Vec::new() };
    // The user takes over the cursor from the first key that names an action.
    app.cursor_placed = true;
    // Esc backs out of what is open before it quits.
    if action == Action::Quit && key.code == KeyCode::Esc {
        if app.screen == Screen::Fleet && app.focus == Focus::Details {
            app.focus = Focus::Table;
            return Vec::new();
        }
        if let Screen::Pair { .. } = app.screen {
            app.screen = Screen::Matrix;
            return Vec::new();
        }
        if !app.search.query.is_empty() {
            app.search.query.clear();
            app.recompare();
            return Vec::new();
        }
    }
    on_action(app, action)
}

fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let page = page_height(app);
    match action {
        Action::Up => move_vertically(app, -1),
        Action::Down => move_vertically(app, 1),
        Action::PageUp => move_vertically(app, -page.cast_signed()),
        Action::PageDown => move_vertically(app, page.cast_signed()),
        Action::Top => move_vertically(app, isize::MIN / 2),
        Action::Bottom => move_vertically(app, isize::MAX / 2),
        Action::Left if app.screen == Screen::Fleet => move_chip(app, -1),
        Action::Right if app.screen == Screen::Fleet => move_chip(app, 1),
        Action::Left => move_horizontally(app, -1),
        Action::Right => move_horizontally(app, 1),
        Action::Toggle => toggle(app),
        Action::NextPane => {
            app.focus = match app.focus {
                Focus::Table if app.show_details => Focus::Details,
                _ => Focus::Table,
            };
        }
        Action::OnlyDiff => match app.screen {
            Screen::Pair { .. } => app.pair_all = !app.pair_all,
            Screen::Matrix | Screen::Fleet => {
                app.only_diff = !app.only_diff;
                app.recompare();
            }
        },
        Action::Absent => {
            app.show_absent = !app.show_absent;
            app.recompare();
        }
        Action::Search => {
            app.search.editing = true;
            app.search.query.clear();
            app.recompare();
        }
        Action::NextDivergence => jump_to_divergence(app, true),
        Action::PreviousDivergence => jump_to_divergence(app, false),
        Action::Baseline => {
            app.baseline = app.column;
            app.baseline_chosen = true;
            app.column_scroll = 0;
            app.recompare();
            app.message = Some(format!("baseline: {}", app.hosts[app.column].display_name()));
        }
        Action::Refresh => return refresh(app, vec![app.column]),
        Action::RefreshAll => return refresh(app, (0..app.hosts.len()).collect()),
        Action::Export => {
            let host = app.hosts.get(app.column).map_or("host", |h| h.display_name());
            app.modal = Some(Modal::Export(ExportDialog::new(host, app.only_diff)));
        }
        Action::Pair => toggle_pair(app),
        Action::Fleet => {
            app.layout_chosen = true;
            app.screen = if app.screen == Screen::Fleet { Screen::Matrix } else { Screen::Fleet };
            app.focus = Focus::Table;
            app.chip = 0;
        }
        Action::FleetGroups if app.screen == Screen::Fleet => {
            app.fleet_groups = !app.fleet_groups;
            app.chip = 0;
            app.group_scroll = 0;
            app.details_scroll = 0;
        }
        Action::FleetGroups => {
            let key = app.keymap.keys_for(Action::Fleet);
            app.message = Some(format!("columns by group are the fleet view's: {key} opens it"));
        }
        Action::Declared => toggle_declared(app),
        Action::Details => {
            app.show_details = !app.show_details;
            if !app.show_details {
                app.focus = Focus::Table;
            }
        }
        Action::Help => {
            app.help_scroll = 0;
            app.modal = Some(Modal::Help);
        }
        Action::Quit => {
            app.quit = true;
            return Vec::new();
        }
    }
    Vec::new()
}

/// Shows or hides the `declared` column; says why when there is nothing
/// to show.
fn toggle_declared(app: &mut App) {
    if app.show_declared {
        app.show_declared = false;
        app.message = None;
    } else {
        match &app.declarations {
            None => app.message = Some("the app's declarations were not read".into()),
            Some(d) if d.items.is_empty() => {
                app.message = Some(format!("nothing declared in {}", d.app_dir));
            }
            Some(_) => app.show_declared = true,
        }
    }
    app.recompare();
}

fn page_height(app: &App) -> usize {
    layout::areas(app, layout::screen(app))
        .map_or(10, |a| usize::from(layout::body_height(app, a.main)))
        .max(1)
}

/// The fleet view's next or previous value of the selected fact.
fn move_chip(app: &mut App, by: isize) {
    if app.focus == Focus::Details {
        return;
    }
    let chips = app.fleet_chips().len();
    app.chip = app.chip.saturating_add_signed(by).min(chips.saturating_sub(1));
    app.details_scroll = 0;
}

fn move_vertically(app: &mut App, by: isize) {
    if app.focus == Focus::Details && matches!(app.screen, Screen::Matrix | Screen::Fleet) {
        app.details_scroll = app.details_scroll.saturating_add_signed(by);
        return;
    }
    if let Screen::Pair { .. } = app.screen {
        app.details_scroll = app.details_scroll.saturating_add_signed(by);
        return;
    }
    let last = app.lines().len().saturating_sub(1);
    let before = app.cursor;
    app.cursor = app.cursor.saturating_add_signed(by).min(last);
    app.details_scroll = 0;
    if app.cursor != before {
        app.chip = 0;
    }
}

fn move_horizontally(app: &mut App, by: isize) {
    let order = app.column_order();
    if let Screen::Pair { left, right } = app.screen {
        // The right pane steps through the hosts, never onto the left one.
        let others: Vec<usize> = order.into_iter().filter(|&h| h != left).collect();
        if let Some(at) = others.iter().position(|&h| h == right) {
            let next = at.saturating_add_signed(by).min(others.len() - 1);
            app.screen = Screen::Pair { left, right: others[next] };
            app.column = others[next];
        }
        return;
    }
    let at = order.iter().position(|&h| h == app.column).unwrap_or(0);
    let next = at.saturating_add_signed(by).min(order.len().saturating_sub(1));
    app.column = order[next];
}

fn toggle(app: &mut App) {
    match app.selected_line() {
        Some(Line::Category(c)) => {
            if let Some(category) = app.categories().get(c) {
                let name = category.name.clone();
                if !app.collapsed.remove(&name) {
                    app.collapsed.insert(name);
                }
            }
        }
        Some(Line::Fact(_)) => {
            app.show_details = true;
            app.focus = if app.focus == Focus::Details { Focus::Table } else { Focus::Details };
        }
        None => {}
    }
}

fn toggle_pair(app: &mut App) {
    if let Screen::Pair { .. } = app.screen {
        app.screen = Screen::Matrix;
        return;
    }
    if app.hosts.len() < 2 {
        app.message = Some("pair view needs two hosts".into());
        return;
    }
    let left = app.baseline;
    let right = if app.column == left { app.column_order()[1] } else { app.column };
    app.screen = Screen::Pair { left, right };
    app.column = right;
    app.details_scroll = 0;
}

fn jump_to_divergence(app: &mut App, forward: bool) {
    let lines = app.lines();
    let divergent: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Line::Fact(r) if app.diverges(&app.comparison.rows[*r]) => Some(i),
            _ => None,
        })
        .collect();
    let next = if forward {
        divergent.iter().find(|&&i| i > app.cursor).or(divergent.first())
    } else {
        divergent.iter().rev().find(|&&i| i < app.cursor).or(divergent.last())
    };
    match next {
        Some(&i) => {
            app.cursor = i;
            app.details_scroll = 0;
        }
        None => app.message = Some("no divergences".into()),
    }
}

fn refresh(app: &mut App, wanted: Vec<usize>) -> Vec<Effect> {
    let now = app.now;
    let chosen: Vec<usize> =
        wanted.into_iter().filter(|&i| app.hosts[i].refreshable && !app.hosts[i].busy()).collect();
    if chosen.is_empty() {
        let host = &app.hosts[app.column];
        app.message = Some(if host.example {
            "examples are files shipped with paritty: nothing to collect".into()
        } else {
            "nothing to refresh: still collecting".into()
        });
        return Vec::new();
    }
    for &i in &chosen {
        let host = &mut app.hosts[i];
        host.stage = Stage::Pending;
        host.started_at = Some(now);
        host.facts_done = 0;
    }
    vec![Effect::Collect(chosen)]
}

fn on_search_key(app: &mut App, key: KeyEvent) {
    match key.code {
        KeyCode::Enter => app.search.editing = false,
        KeyCode::Esc => {
            app.search.editing = false;
            app.search.query.clear();
        }
        KeyCode::Backspace => {
            app.search.query.pop();
        }
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            app.search.editing = false;
            app.search.query.clear();
        }
        KeyCode::Char(c) => app.search.query.push(c),
        _ => {}
    }
    app.cursor = app.lines().iter().position(|l| matches!(l, Line::Fact(_))).unwrap_or(0);
    app.scroll = 0;
}

/// On a terminal too short for the help, the moving keys scroll it; any
/// other key closes it, as when it fits.
fn scroll_help(app: &mut App, key: &KeyEvent) {
    let (visible, max) = layout::help_window(app.size);
    let at = app.help_scroll;
    let to = match super::keys::action(&app.keymap, key) {
        _ if max == 0 => return,
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::Down) => at + 1,
        Some(Action::PageUp) => at.saturating_sub(visible),
        Some(Action::PageDown) => at + visible,
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => return,
    };
    app.help_scroll = to.min(max);
    app.modal = Some(Modal::Help);
}

fn on_modal_key(app: &mut App, modal: Modal, key: KeyEvent) -> Vec<Effect> {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match modal {
        Modal::Help => scroll_help(app, &key),
        Modal::HostKey { host, key_type, fingerprint, reply } => match key.code {
            KeyCode::Char('y' | 'Y') => {
                let _ = reply.send(true);
                app.message = Some(format!("trusted {host}'s {key_type} key"));
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                let _ = reply.send(false);
            }
            _ if ctrl_c => {
                let _ = reply.send(false);
            }
            _ => app.modal = Some(Modal::HostKey { host, key_type, fingerprint, reply }),
        },
        Modal::Passphrase { key: path, mut typed, reply } => match key.code {
            KeyCode::Enter => {
                let _ = reply.send(Some(typed));
            }
            KeyCode::Esc => {
                let _ = reply.send(None);
            }
            _ if ctrl_c => {
                let _ = reply.send(None);
            }
            KeyCode::Backspace => {
                typed.pop();
                app.modal = Some(Modal::Passphrase { key: path, typed, reply });
            }
            KeyCode::Char(c) => {
                typed.push(c);
                app.modal = Some(Modal::Passphrase { key: path, typed, reply });
            }
            _ => app.modal = Some(Modal::Passphrase { key: path, typed, reply }),
        },
        Modal::Export(dialog) => return on_export_key(app, dialog, key, ctrl_c),
    }
    Vec::new()
}

fn on_export_key(
    app: &mut App,
    mut dialog: ExportDialog,
    key: KeyEvent,
    ctrl_c: bool,
) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => return Vec::new(),
        _ if ctrl_c => return Vec::new(),
        KeyCode::Enter => match export::prepare(app, &dialog) {
            Ok(Prepared::Files(export)) => return vec![Effect::Write(export)],
            Ok(Prepared::Clipboard { text, what }) => {
                return vec![Effect::Clipboard { text, what }];
            }
            Err(e) => app.message = Some(e.to_string()),
        },
        KeyCode::Up | KeyCode::BackTab => dialog.move_field(false),
        KeyCode::Down | KeyCode::Tab => dialog.move_field(true),
        KeyCode::Left => dialog.cycle(false),
        KeyCode::Right => dialog.cycle(true),
        KeyCode::Char(' ') if dialog.field != Field::Path => dialog.cycle(true),
        KeyCode::Backspace => {
            dialog.path.pop();
            dialog.path_edited = true;
            dialog.field = Field::Path;
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            dialog.path.clear();
            dialog.path_edited = true;
            dialog.field = Field::Path;
        }
        KeyCode::Char(c) => {
            // Typing always goes to the path: no letter is a shortcut here.
            dialog.path.push(c);
            dialog.path_edited = true;
            dialog.field = Field::Path;
        }
        _ => {}
    }
    app.modal = Some(Modal::Export(dialog));
    Vec::new()
}

fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.modal.is_some() {
        return;
    }
    app.cursor_placed = true;
    match mouse.kind {
        MouseEventKind::ScrollDown => move_vertically(app, 3),
        MouseEventKind::ScrollUp => move_vertically(app, -3),
        MouseEventKind::Down(MouseButton::Left) if app.screen == Screen::Matrix => {
            click(app, mouse.column, mouse.row);
        }
        _ => {}
    }
}

fn click(app: &mut App, x: u16, y: u16) {
    let Some(areas) = layout::areas(app, layout::screen(app)) else { return };
    if let Some(details) = areas.details
        && details.contains((x, y).into())
    {
        app.focus = Focus::Details;
        return;
    }
    let geometry = layout::matrix(app, areas.main);
    if let Some(&(host, ..)) = geometry.columns.iter().find(|(_, cx, w)| x >= *cx && x < cx + w) {
        app.column = host;
    }
    app.focus = Focus::Table;
    if y >= geometry.body.y && y < geometry.body.bottom() {
        let line = app.scroll + usize::from(y - geometry.body.y);
        if line < app.lines().len() {
            let again = line == app.cursor;
            app.cursor = line;
            app.details_scroll = 0;
            // A click on a category heading folds it, like Enter.
            if matches!(app.selected_line(), Some(Line::Category(_)))
                && (again || x < geometry.body.x + geometry.label_width)
            {
                toggle(app);
            }
        }
    }
}

/// Until the user picks one (`v`), the fleet view when the hosts need more
/// than two screens of columns, the matrix otherwise (a few hosts more than
/// fit are better scrolled than summed up).
fn choose_layout(app: &mut App) {
    if app.layout_chosen || !matches!(app.screen, Screen::Matrix | Screen::Fleet) {
        return;
    }
    let Some(areas) = layout::areas(app, layout::screen(app)) else { return };
    let shown = layout::matrix(app, areas.main).columns.len();
    app.screen = if app.hosts.len() > 2 * shown { Screen::Fleet } else { Screen::Matrix };
}

/// Scrolls so the cursor's line and the selected host are on screen.
fn keep_in_view(app: &mut App) {
    app.clamp_cursor();
    choose_layout(app);
    let Some(areas) = layout::areas(app, layout::screen(app)) else { return };
    if app.screen == Screen::Fleet {
        keep_group_in_view(app, areas.main);
    }
    let rows = usize::from(layout::body_height(app, areas.main)).max(1);
    if app.cursor < app.scroll {
        app.scroll = app.cursor;
    } else if app.cursor >= app.scroll + rows {
        app.scroll = app.cursor + 1 - rows;
    }
    let lines = app.lines().len();
    app.scroll = app.scroll.min(lines.saturating_sub(rows));
    // Horizontal: the baseline is pinned; the others scroll.
    let order = app.column_order();
    if let Some(at) = order.iter().skip(1).position(|&h| h == app.column) {
        let fits = layout::visible_other_columns(app, areas.main).max(1);
        if at < app.column_scroll {
            app.column_scroll = at;
        } else if at >= app.column_scroll + fits {
            app.column_scroll = at + 1 - fits;
        }
    }
}

/// The fleet view's selected value stays valid, and its group on screen.
fn keep_group_in_view(app: &mut App, main: ratatui::layout::Rect) {
    let chips = app.fleet_chips();
    app.chip = app.chip.min(chips.len().saturating_sub(1));
    let groups = app.fleet.groups.len();
    app.group_scroll = app.group_scroll.min(groups.saturating_sub(1));
    let Some(group) = chips.get(app.chip).and_then(|c| c.group) else { return };
    let fits = layout::fleet(app, main).columns.len().max(1);
    if group < app.group_scroll {
        app.group_scroll = group;
    } else if group >= app.group_scroll + fits {
        app.group_scroll = group + 1 - fits;
    }
}
