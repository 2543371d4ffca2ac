//! Where everything goes on screen, as pure geometry of the state and the
//! terminal size: drawing and mouse hit-testing use the same answers.
//!
//! ```text
//! paritty · profile default · 4 hosts · baseline prod-web-1        ? help
//! ┌Facts──────────────────┬★ prod-web-1────┬staging-web-1───┬laptop──────┐
//! │                       │prod · Debian 12│staging · Debian│dev · Ubuntu│
//! │                       │✓ done 1.2s     │⠙ probing 3s    │▄2 █1 ∅1    │
//! │▾ System               │                │                │            │
//! │  OS                   │Debian 12       │Debian 12       │█ Ubuntu 24 │
//! │  ...                  │                │                │            │
//! ├Details: python3 ──────┴────────────────┴────────────────┴────────────┤
//! │prod-web-1  ok 3.11.2  /usr/bin/python3  $ python3 --version  12 ms   │
//! └──────────────────────────────────────────────────────────────────────┘
//!  ≈ packaging  ▁ patch  ▄ minor  █ major  ≠ different  ∅ missing  ? unknown
//!  prod-web-1 vs 3 hosts: 2 major, 5 minor · d diff · p pair · e export · q quit
//! ```

use ratatui::layout::Rect;

use crate::tui::app::{App, Screen};

/// The smallest terminal the layout is drawn in; below it, a message.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 14;

/// Lines of a host's header in the matrix: name, environment and OS, status.
pub const HEADER_LINES: u16 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub main: Rect,
    pub details: Option<Rect>,
    pub legend: Rect,
    pub status: Rect,
}

/// The screen's areas, or `None` when the terminal is too small.
pub fn areas(app: &App, full: Rect) -> Option<Areas> {
    if full.width < MIN_WIDTH || full.height < MIN_HEIGHT {
        return None;
    }
    let title = Rect { height: 1, ..full };
    let status = Rect { y: full.bottom() - 1, height: 1, ..full };
    let legend = Rect { y: full.bottom() - 2, height: 1, ..full };
    let body = Rect { y: full.y + 1, height: full.height - 3, ..full };
    let details_wanted = app.show_details && matches!(app.screen, Screen::Matrix | Screen::Fleet);
    if details_wanted && body.height >= 20 {
        let details_height = (body.height * 2 / 5).max(7);
        let main = Rect { height: body.height - details_height, ..body };
        let details = Rect { y: main.bottom(), height: details_height, ..body };
        return Some(Areas { title, main, details: Some(details), legend, status });
    }
    Some(Areas { title, main: body, details: None, legend, status })
}

/// The matrix's columns and rows inside its area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Where fact rows are drawn (below the headers).
    pub body: Rect,
    pub label_width: u16,
    /// `(x, width)` of the `declared` column, pinned before the baseline,
    /// when it is shown.
    pub declared: Option<(u16, u16)>,
    /// `(host index, x, width)` of each host column on screen, baseline first.
    pub columns: Vec<(usize, u16, u16)>,
    /// The first row of the headers.
    pub header_y: u16,
}

/// Inside a block's border.
fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// Room for "  label" and for "▾ Category (12)"; a little more for the
/// app's dependencies' line, which also counts those that differ.
fn label_width(app: &App, inner: Rect) -> u16 {
    let deps = crate::collect::deps::CATEGORY;
    let longest = app
        .comparison
        .rows
        .iter()
        .map(|r| (r.label.chars().count() + 4).max(r.category.chars().count() + 8))
        .max()
        .unwrap_or(12);
    let (longest, most) = if app.comparison.rows.iter().any(|r| r.category == deps) {
        (longest.max(deps.chars().count() + 18), 36)
    } else {
        (longest, 30)
    };
    u16::try_from(longest).unwrap_or(30).clamp(14, most).min(inner.width / 3)
}

/// Lines of the fleet view's header: the column's name, its host count.
pub const FLEET_HEADER_LINES: u16 = 2;

/// The fleet view's columns and rows inside its area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    pub body: Rect,
    pub label_width: u16,
    /// `(group, x, width)` of each column on screen; `None` is the whole fleet.
    pub columns: Vec<(Option<usize>, u16, u16)>,
    pub header_y: u16,
}

pub fn fleet(app: &App, area: Rect) -> Fleet {
    let inner = inner(area);
    let label_width = label_width(app, inner);
    let x0 = inner.x + label_width;
    let room = inner.right().saturating_sub(x0);
    let mut columns = Vec::new();
    let groups = app.fleet.groups.len();
    if app.fleet_groups && groups > 0 {
        let fair = room / u16::try_from(groups).unwrap_or(u16::MAX).max(1);
        let width = fair.clamp(24, 60).min(room.max(1));
        let mut x = x0;
        for g in app.group_scroll.min(groups - 1)..groups {
            if x + width > inner.right() {
                break;
            }
            columns.push((Some(g), x, width));
            x += width;
        }
    } else {
        columns.push((None, x0, room));
    }
    let body = Rect {
        x: inner.x,
        y: inner.y + FLEET_HEADER_LINES,
        width: inner.width,
        height: inner.height.saturating_sub(FLEET_HEADER_LINES),
    };
    Fleet { body, label_width, columns, header_y: inner.y }
}

/// The height of the table's body on the current screen.
pub fn body_height(app: &App, main: Rect) -> u16 {
    match app.screen {
        Screen::Fleet => fleet(app, main).body.height,
        _ => matrix(app, main).body.height,
    }
}

pub fn matrix(app: &App, area: Rect) -> Matrix {
    let inner = inner(area);
    let label_width = label_width(app, inner);
    let declared_width = app.declared().map(|judged| {
        let widest = judged
            .facts
            .iter()
            .map(|f| declared_cell(judged, &f.fact).chars().count() + 2)
            .max()
            .unwrap_or(0);
        u16::try_from(widest).unwrap_or(u16::MAX).clamp(10, 24)
    });
    let hosts = app.hosts.len().max(1);
    let room = inner.width.saturating_sub(label_width + declared_width.unwrap_or(0));
    // Wide enough for "1.18.0-6+deb11u3"; wider when few hosts share the room.
    let fair = room / u16::try_from(hosts).unwrap_or(u16::MAX).max(1);
    let column_width = fair.clamp(18, 34).min(room.max(1));
    let order = app.column_order();
    let mut columns = Vec::new();
    let mut x = inner.x + label_width;
    let declared = declared_width.map(|width| {
        let at = (x, width);
        x += width;
        at
    });
    let visible_others = order.iter().skip(1).skip(app.column_scroll);
    for &host in std::iter::once(&order[0]).chain(visible_others) {
        if x + column_width > inner.right() {
            break;
        }
        columns.push((host, x, column_width));
        x += column_width;
    }
    let body = Rect {
        x: inner.x,
        y: inner.y + HEADER_LINES,
        width: inner.width,
        height: inner.height.saturating_sub(HEADER_LINES),
    };
    Matrix { body, label_width, declared, columns, header_y: inner.y }
}

/// What the `declared` column shows for `fact`: its constraints as
/// written, `⚠` first when they disagree (sources are in the details).
pub fn declared_cell(judged: &crate::compare::declared::Judged, fact: &str) -> String {
    let Some(declared) = judged.fact(fact) else { return String::new() };
    let mut text = String::new();
    if judged.disagreements.iter().any(|d| d.fact == fact) {
        text.push_str(super::style::DISAGREES);
        text.push(' ');
    }
    let constraints: Vec<&str> =
        declared.declared.iter().map(|&i| judged.declaration(i).constraint.as_str()).collect();
    text.push_str(&constraints.join(" · "));
    text
}

/// How many non-baseline columns fit beside the baseline.
pub fn visible_other_columns(app: &App, area: Rect) -> usize {
    let geometry = matrix(app, area);
    geometry.columns.len().saturating_sub(1)
}

/// The help's lines: one per action, the mouse's, two of marks
/// (`overlay::help`).
pub const HELP_LINES: usize = crate::keymap::Action::ALL.len() + 3;

/// The help on a terminal of `size`: how many of its lines show at once
/// (within its borders) and the furthest it scrolls (0: it all fits).
pub fn help_window(size: (u16, u16)) -> (usize, usize) {
    let visible = usize::from(size.1).saturating_sub(2).clamp(1, HELP_LINES);
    (visible, HELP_LINES - visible)
}

/// The full-size rectangle of the terminal.
pub fn screen(app: &App) -> Rect {
    Rect { x: 0, y: 0, width: app.size.0, height: app.size.1 }
}
