//! The TUI's whole state: the hosts and their collection progress, the
//! comparison derived from their reports, and where the user is looking.
//! Changed only by `update`; read by `view`.

use std::collections::BTreeSet;
use std::time::Duration;

use super::dialog::Modal;
use crate::collect::events::Stage;
use crate::compare::accepted::{self, Acceptance, Judged as AcceptedJudged};
use crate::compare::declared::Judged;
use crate::compare::fleet::{Fleet, groups_of_labels};
use crate::compare::matrix::{Comparison, Row, choose_baseline};
use crate::compare::policy::Policy;
use crate::compare::revision::TimeGap;
use crate::compare::severity::Severity;
use crate::declare::Declarations;
use crate::keymap::Keymap;
use crate::model::{HostReport, Status};

/// One column: a target being (or done being) collected.
#[derive(Debug, Clone)]
pub struct Host {
    /// The target as the user named it (inventory name, alias, file).
    pub name: String,
    pub environment: Option<String>,
    pub stage: Stage,
    /// Session time when the current collection started, for the timer.
    pub started_at: Option<Duration>,
    /// How long the last finished collection took.
    pub took: Option<Duration>,
    pub facts_done: usize,
    pub facts_total: usize,
    /// The last finished report; kept while a refresh runs.
    pub report: Option<HostReport>,
    /// A shipped example rather than a real machine.
    pub example: bool,
    /// Whether `r` can collect it again (examples cannot).
    pub refreshable: bool,
    /// The target's groups (its `groups` label), known before it answers.
    pub groups: Option<String>,
}

impl Host {
    pub fn new(name: &str, environment: Option<String>) -> Host {
        Host {
            name: name.to_owned(),
            environment,
            stage: Stage::Pending,
            started_at: None,
            took: None,
            facts_done: 0,
            facts_total: 0,
            report: None,
            example: false,
            refreshable: true,
            groups: None,
        }
    }

    /// A host whose report is already there (an example, a loaded file).
    pub fn finished(report: HostReport, example: bool) -> Host {
        let environment =
            report.snapshot.as_ref().and_then(|s| s.host.labels.get("environment").cloned());
        let mut host = Host::new(&report.target, environment);
        host.stage = match &report.failure {
            Some(failure) => Stage::Failed(failure.clone()),
            None => Stage::Done,
        };
        host.example = example;
        host.refreshable = !example;
        host.report = Some(report);
        host
    }

    pub fn busy(&self) -> bool {
        !matches!(self.stage, Stage::Done | Stage::Failed(_))
    }

    /// The name a host's own snapshot gives, else the target's.
    pub fn display_name(&self) -> &str {
        self.report
            .as_ref()
            .and_then(|r| r.snapshot.as_ref())
            .map_or(self.name.as_str(), |s| s.host.name.as_str())
    }
}

/// What the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Matrix,
    /// Two hosts side by side, diff style.
    Pair {
        left: usize,
        right: usize,
    },
    /// Each fact's values across the hosts with their counts
    /// (`compare::fleet`), for more hosts than fit as columns.
    Fleet,
}

/// Which pane has the keys (Tab switches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Table,
    Details,
}

/// One line of the matrix: a category heading or a fact row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Category(usize),
    Fact(usize),
}

/// One value of a fleet row: in a group's column (`None`: the whole
/// fleet), a value (its index) or the hosts without an answer (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chip {
    pub group: Option<usize>,
    pub value: Option<usize>,
}

/// A category and where its rows are in the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub rows: Vec<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Still typing: keys go to the query.
    pub editing: bool,
}

// Independent view toggles, each a plain flag.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
pub struct App {
    pub hosts: Vec<Host>,
    pub baseline: usize,
    /// The user chose the baseline (`b`); it no longer follows the labels.
    pub baseline_chosen: bool,
    pub policy: Policy,
    pub comparison: Comparison,
    /// What the app folder declares, read before the view opened (`None`:
    /// not read, as in tests that build an app without it).
    pub declarations: Option<Declarations>,
    /// The declarations judged against the hosts, rebuilt with the
    /// comparison (when facts arrive), never while drawing.
    pub judged: Option<Judged>,
    /// The `declared` column is shown (the `declared` target, or its key).
    pub show_declared: bool,
    /// How far each host's `app.revision` is from the local HEAD, as the
    /// session last measured it (`Effect::MeasureRevisions`).
    pub time_gap: Option<TimeGap>,
    /// The revisions (by column) and baseline `time_gap` was measured for,
    /// or is being measured for: a change asks again.
    pub measured: Option<(Vec<Option<String>>, usize)>,
    /// The accepted drift (paritty-accepted.toml) and the day it is judged on.
    pub acceptances: Vec<Acceptance>,
    pub today: String,
    /// The acceptances against `comparison`, judged with it.
    pub accepted: AcceptedJudged,
    pub profile: String,
    pub keymap: Keymap,
    pub screen: Screen,
    pub focus: Focus,
    /// Index into `lines()`.
    pub cursor: usize,
    /// The selected host (column).
    pub column: usize,
    /// First matrix line on screen.
    pub scroll: usize,
    /// First non-baseline column on screen.
    pub column_scroll: usize,
    /// First line of the details pane.
    pub details_scroll: usize,
    pub show_details: bool,
    pub collapsed: BTreeSet<String>,
    pub only_diff: bool,
    /// Show facts missing on every host that answered (hidden by default:
    /// Bun, Deno, ... on most machines would fill the first screens).
    pub show_absent: bool,
    /// The user has moved the cursor; until then it follows the first
    /// divergence as hosts answer, so the details pane shows evidence.
    pub cursor_placed: bool,
    /// Pair view: all facts instead of only the divergent ones.
    pub pair_all: bool,
    pub search: Search,
    /// The comparison as value distributions, rebuilt with it.
    pub fleet: Fleet,
    /// The comparison's summary line, made with it (not per frame: it
    /// reads every cell).
    pub summary: String,
    /// Fleet view: a column per group instead of the whole fleet.
    pub fleet_groups: bool,
    /// The selected value of the fleet row (`fleet_chips`).
    pub chip: usize,
    /// First group column on screen in the fleet view.
    pub group_scroll: usize,
    /// The user chose matrix or fleet (`v`); until then the fleet view is
    /// shown when the hosts do not fit as columns.
    pub layout_chosen: bool,
    pub modal: Option<Modal>,
    /// The first line of the help shown, when it does not fit the
    /// terminal (`layout::help_window`).
    pub help_scroll: usize,
    /// One line of feedback (export written, nothing to refresh...).
    pub message: Option<String>,
    /// Terminal size, from the last resize.
    pub size: (u16, u16),
    /// Session time, from the last tick.
    pub now: Duration,
    /// A host answered since the comparison was last built, in a fleet
    /// large enough that it is rebuilt on a tick rather than per answer.
    pub compare_pending: bool,
    /// When the comparison was last built (session time).
    pub compared_at: Duration,
    pub color: bool,
    /// Nothing configured: explain how to add hosts.
    pub show_hint: bool,
    pub quit: bool,
}

impl App {
    pub fn new(hosts: Vec<Host>, policy: Policy, profile: &str, keymap: Keymap) -> App {
        let mut app = App {
            hosts,
            baseline: 0,
            baseline_chosen: false,
            policy,
            comparison: Comparison { baseline: 0, columns: Vec::new(), rows: Vec::new() },
            declarations: None,
            judged: None,
            show_declared: false,
            time_gap: None,
            measured: None,
            acceptances: Vec::new(),
            today: String::new(),
            accepted: AcceptedJudged::default(),
            profile: profile.to_owned(),
            keymap,
            screen: Screen::Matrix,
            focus: Focus::Table,
            cursor: 0,
            column: 0,
            scroll: 0,
            column_scroll: 0,
            details_scroll: 0,
            show_details: true,
            // Hundreds of packages would bury the rest: folded, its line
            // counts them and the ones that differ.
            collapsed: BTreeSet::from([crate::collect::deps::CATEGORY.to_owned()]),
            only_diff: false,
            show_absent: false,
            cursor_placed: false,
            pair_all: false,
            search: Search::default(),
            fleet: Fleet::default(),
            summary: String::new(),
            fleet_groups: false,
            chip: 0,
            group_scroll: 0,
            layout_chosen: false,
            modal: None,
            help_scroll: 0,
            message: None,
            size: (80, 24),
            now: Duration::ZERO,
            compare_pending: false,
            compared_at: Duration::ZERO,
            color: true,
            show_hint: false,
            quit: false,
        };
        app.recompare();
        // Start on the first column shown: the baseline.
        app.column = app.baseline;
        app
    }

    /// Gives the view the app folder's declarations; `show` opens with
    /// the `declared` column.
    pub fn set_declarations(&mut self, declarations: Declarations, show: bool) {
        self.declarations = Some(declarations);
        self.show_declared = show;
        self.recompare();
    }

    /// The judged declarations while their column is shown.
    pub fn declared(&self) -> Option<&Judged> {
        self.judged.as_ref().filter(|_| self.show_declared)
    }

    /// Judges cells against these acceptances from now on (`today` is
    /// `YYYY-MM-DD`, for their expiry).
    pub fn set_acceptances(&mut self, acceptances: Vec<Acceptance>, today: String) {
        self.acceptances = acceptances;
        self.today = today;
        self.recompare();
    }

    /// The reports as the comparison sees them: a host still pending is an
    /// empty report under its name.
    pub fn reports(&self) -> Vec<HostReport> {
        self.hosts
            .iter()
            .map(|h| {
                h.report.clone().unwrap_or_else(|| HostReport {
                    target: h.name.clone(),
                    snapshot: None,
                    failure: match &h.stage {
                        Stage::Failed(f) => Some(f.clone()),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Every host's report taken out (`recompare` puts them back), a
    /// pending host's as an empty report under its name, as `reports` has.
    fn reports_taken(&mut self) -> Vec<HostReport> {
        self.hosts
            .iter_mut()
            .map(|h| {
                h.report.take().unwrap_or_else(|| HostReport {
                    target: h.name.clone(),
                    snapshot: None,
                    failure: match &h.stage {
                        Stage::Failed(f) => Some(f.clone()),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Rebuilds the comparison after reports or the baseline changed; the
    /// cursor stays on the same fact where it can.
    pub fn recompare(&mut self) {
        self.compare_pending = false;
        self.compared_at = self.now;
        let selected = self.selected_row().map(|r| r.id.clone());
        // The reports are lent to the comparison, not copied: with a
        // thousand hosts a copy per answering host cost more than judging.
        let had: Vec<bool> = self.hosts.iter().map(|h| h.report.is_some()).collect();
        let lent: Vec<HostReport> = self.reports_taken();
        let reports = &lent;
        if !self.baseline_chosen {
            self.baseline = self
                .hosts
                .iter()
                .position(|h| matches!(h.environment.as_deref(), Some("prod" | "production")))
                .or_else(|| {
                    self.hosts.iter().position(|h| h.environment.as_deref() == Some("staging"))
                })
                .unwrap_or_else(|| choose_baseline(reports, None).unwrap_or(0));
        }
        self.baseline = self.baseline.min(self.hosts.len().saturating_sub(1));
        self.comparison = Comparison::build(reports, self.baseline, &self.policy);
        for ((host, report), had) in self.hosts.iter_mut().zip(lent).zip(had) {
            if had {
                host.report = Some(report);
            }
        }
        self.judged = self.declarations.clone().map(|d| Judged::build(d, &self.comparison));
        self.accepted = accepted::judge(&self.comparison, &self.acceptances, &self.today);
        self.fleet = Fleet::build(&self.comparison, &self.host_groups());
        self.summary = self.comparison.summary();
        if let Some(id) = selected
            && let Some(at) = self
                .lines()
                .iter()
                .position(|l| matches!(l, Line::Fact(r) if self.comparison.rows[*r].id == id))
        {
            self.cursor = at;
        }
        if !self.cursor_placed {
            self.place_cursor();
        }
        self.clamp_cursor();
    }

    /// The cursor on the first divergence, else on the first fact (not a
    /// category heading), so the details pane has something to show.
    fn place_cursor(&mut self) {
        let lines = self.lines();
        let first_divergence = lines
            .iter()
            .position(|l| matches!(l, Line::Fact(r) if self.diverges(&self.comparison.rows[*r])));
        let first_fact = lines.iter().position(|l| matches!(l, Line::Fact(_)));
        if let Some(at) = first_divergence.or(first_fact) {
            self.cursor = at;
        }
    }

    /// A row no host has: every host that answered says `missing`, once
    /// collecting is over (a host still collecting may yet have it).
    pub fn absent_everywhere(&self, row: &Row) -> bool {
        self.absent_once_done(row, self.busy_count() > 0)
    }

    /// `absent_everywhere` with whether some host is busy counted once by
    /// the caller, not once per row.
    fn absent_once_done(&self, row: &Row, busy: bool) -> bool {
        if busy {
            return false;
        }
        let mut answered = row
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| self.answered(*i))
            .map(|(_, cell)| cell.status)
            .peekable();
        answered.peek().is_some() && answered.all(|status| status == Some(Status::Missing))
    }

    /// How many rows are hidden for being absent everywhere.
    pub fn absent_hidden(&self) -> usize {
        if self.show_absent {
            return 0;
        }
        let busy = self.busy_count() > 0;
        self.comparison.rows.iter().filter(|row| self.absent_once_done(row, busy)).count()
    }

    /// Categories in the comparison's order, with their rows after the
    /// only-differences and search filters.
    pub fn categories(&self) -> Vec<Category> {
        let query = self.search.query.to_lowercase();
        let busy = self.busy_count() > 0;
        let mut out: Vec<Category> = Vec::new();
        for (i, row) in self.comparison.rows.iter().enumerate() {
            if self.only_diff && !self.diverges(row) {
                continue;
            }
            if !self.show_absent && self.absent_once_done(row, busy) {
                continue;
            }
            if !query.is_empty()
                && !row.label.to_lowercase().contains(&query)
                && !row.id.to_lowercase().contains(&query)
            {
                continue;
            }
            match out.last_mut() {
                Some(c) if c.name == row.category => c.rows.push(i),
                _ => out.push(Category { name: row.category.clone(), rows: vec![i] }),
            }
        }
        out
    }

    /// What the matrix lists, top to bottom.
    pub fn lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        for (c, category) in self.categories().iter().enumerate() {
            lines.push(Line::Category(c));
            if !self.collapsed.contains(&category.name) {
                lines.extend(category.rows.iter().map(|&r| Line::Fact(r)));
            }
        }
        lines
    }

    /// A row counts as divergent when a host that answered differs from a
    /// baseline that answered (hosts still collecting, or that could not be
    /// collected, make no row divergent).
    pub fn diverges(&self, row: &Row) -> bool {
        // Nothing to judge against until the baseline has answered.
        let baseline_answered = self.hosts.get(self.baseline).is_some_and(|h| h.report.is_some());
        let violated = self.declared().and_then(|j| j.fact(&row.id)).is_some_and(|f| {
            f.cells.iter().enumerate().any(|(i, v)| {
                v.judgement == crate::compare::constraint::Judgement::Violates && self.answered(i)
            })
        });
        violated
            || baseline_answered
                && !row.informational
                && row
                    .cells
                    .iter()
                    .enumerate()
                    .any(|(i, c)| c.severity != Severity::Equal && !c.tolerated && self.answered(i))
    }

    /// Host `i` has a snapshot to judge (a dead host's empty column would
    /// make every row "unknown"; it says why in its header instead).
    fn answered(&self, i: usize) -> bool {
        let host = &self.hosts[i];
        !host.busy() && host.report.as_ref().is_some_and(|r| r.snapshot.is_some())
    }

    pub fn selected_line(&self) -> Option<Line> {
        self.lines().get(self.cursor).copied()
    }

    pub fn selected_row(&self) -> Option<&Row> {
        match self.selected_line()? {
            Line::Fact(r) => self.comparison.rows.get(r),
            Line::Category(_) => None,
        }
    }

    pub fn clamp_cursor(&mut self) {
        let len = self.lines().len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.column = self.column.min(self.hosts.len().saturating_sub(1));
    }

    /// Columns left to right: the baseline pinned first, then the others.
    pub fn column_order(&self) -> Vec<usize> {
        std::iter::once(self.baseline)
            .chain((0..self.hosts.len()).filter(|&i| i != self.baseline))
            .collect()
    }

    /// Each host's groups: its snapshot's `groups` label, else its
    /// target's, else its environment (so `prod` and `staging` hosts of a
    /// plain `[[host]]` list still make two groups).
    pub fn host_groups(&self) -> Vec<Vec<String>> {
        groups_of_labels(self.hosts.iter().map(|h| {
            let labels =
                h.report.as_ref().and_then(|r| r.snapshot.as_ref()).map(|s| &s.host.labels);
            labels
                .and_then(|l| l.get("groups"))
                .or(h.groups.as_ref())
                .or(h.environment.as_ref())
                .map(String::as_str)
        }))
    }

    /// The values of the selected fact the fleet view lets the user pick,
    /// left to right: per group when columns are groups.
    pub fn fleet_chips(&self) -> Vec<Chip> {
        let Some(Line::Fact(r)) = self.selected_line() else { return Vec::new() };
        self.chips_of(r)
    }

    /// The chips of comparison row `r` (`fleet_chips` without finding the
    /// selected line again: drawing knows it).
    pub fn chips_of(&self, r: usize) -> Vec<Chip> {
        let Some(row) = self.fleet.row(r) else { return Vec::new() };
        let mut chips = Vec::new();
        let mut add = |group: Option<usize>, d: &crate::compare::fleet::Distribution| {
            chips.extend((0..d.values.len()).map(|v| Chip { group, value: Some(v) }));
            if !d.unanswered.is_empty() {
                chips.push(Chip { group, value: None });
            }
        };
        if self.fleet_groups {
            for (g, d) in row.by_group.iter().enumerate() {
                add(Some(g), d);
            }
        } else {
            add(None, &row.all);
        }
        chips
    }

    /// The selected chip and its hosts, if the cursor is on a fact.
    pub fn selected_chip(&self) -> Option<(Chip, &[usize])> {
        let Some(Line::Fact(r)) = self.selected_line() else { return None };
        self.chip_at(r)
    }

    /// The selected chip of comparison row `r` and its hosts.
    pub fn chip_at(&self, r: usize) -> Option<(Chip, &[usize])> {
        let chip = *self.chips_of(r).get(self.chip)?;
        let row = self.fleet.row(r)?;
        let d = match chip.group {
            Some(g) => row.by_group.get(g)?,
            None => &row.all,
        };
        let hosts = match chip.value {
            Some(v) => d.values.get(v)?.hosts.as_slice(),
            None => d.unanswered.as_slice(),
        };
        Some((chip, hosts))
    }

    /// Hosts still collecting.
    pub fn busy_count(&self) -> usize {
        self.hosts.iter().filter(|h| h.busy()).count()
    }
}
