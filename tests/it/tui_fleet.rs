//! The fleet view: each fact's values across many hosts with their counts,
//! outliers marked, Enter listing a value's hosts, columns by group; state
//! transitions without a terminal and screens on TestBackend.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::common::tui::{app, app_of, ch, fleet, key, screen, send};
use crossterm::event::KeyCode;
use paritty::compare::severity::Severity;
use paritty::keymap::Keymap;
use paritty::tui::app::{App, Focus, Line, Screen};

/// 200 hosts, three with an old OpenSSL, two unreachable.
const ODD: [usize; 3] = [6, 77, 150];
const DOWN: [usize; 2] = [12, 199];

fn fleet_app() -> App {
    app_of(fleet(200, &ODD, &DOWN))
}

fn select(app: &mut App, id: &str) {
    let r = app.comparison.rows.iter().position(|r| r.id == id).expect("row");
    app.cursor = app.lines().iter().position(|l| *l == Line::Fact(r)).expect("line");
}

fn names(app: &App, hosts: &[usize]) -> Vec<String> {
    hosts.iter().map(|&h| app.hosts[h].display_name().to_owned()).collect()
}

#[test]
fn more_hosts_than_fit_open_the_fleet_view_and_v_switches_for_good() {
    let mut few = app();
    assert_eq!(few.screen, Screen::Matrix, "four hosts fit as columns");
    let mut app = fleet_app();
    assert_eq!(app.screen, Screen::Fleet);
    send(&mut app, [ch('v')]);
    assert_eq!(app.screen, Screen::Matrix);
    // A resize or a finished host no longer decides for the user.
    send(&mut app, [paritty::tui::update::Msg::Resize(90, 30)]);
    assert_eq!(app.screen, Screen::Matrix);
    send(&mut app, [ch('v')]);
    assert_eq!(app.screen, Screen::Fleet);
    // Few hosts: `v` still opens it.
    send(&mut few, [ch('v')]);
    assert_eq!(few.screen, Screen::Fleet);
}

#[test]
fn a_row_counts_each_value_most_common_first_and_marks_the_outliers() {
    let app = fleet_app();
    let r = app.comparison.rows.iter().position(|r| r.id == "tool.openssl").expect("row");
    let row = &app.fleet.row(r).expect("fleet row").all;
    let counts: Vec<(String, usize, bool)> = row
        .values
        .iter()
        .map(|v| {
            let text = paritty::compare::fleet::value_text(&app.comparison.rows[r], v);
            (text, v.hosts.len(), v.outlier)
        })
        .collect();
    assert_eq!(counts, [("3.0.13".to_owned(), 195, false), ("1.1.1w".to_owned(), 3, true)]);
    assert_eq!(names(&app, &row.values[1].hosts), ["web-7", "web-78", "web-151"]);
    assert!(row.values[0].baseline && !row.values[1].baseline);
    assert_eq!(row.values[1].severity, Severity::Major);
    // Failed hosts are counted apart, never a value.
    assert_eq!(names(&app, &row.unanswered), ["web-13", "web-200"]);
    // A fact every host agrees on has one value and no outlier.
    let arch = app.comparison.rows.iter().position(|r| r.id == "os.id").expect("os.id");
    let arch = &app.fleet.row(arch).expect("arch row").all;
    assert_eq!(arch.values.len(), 1);
    assert_eq!(arch.answered(), 198);
}

#[test]
fn enter_on_a_value_lists_its_hosts_and_esc_goes_back() {
    let mut app = fleet_app();
    select(&mut app, "tool.openssl");
    send(&mut app, [key(KeyCode::Right)]);
    let (chip, hosts) = app.selected_chip().expect("chip");
    assert_eq!(chip.value, Some(1));
    assert_eq!(names(&app, hosts), ["web-7", "web-78", "web-151"]);
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.focus, Focus::Details);
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains("OpenSSL · tool.openssl · 1.1.1w on 3 hosts"), "{shown}");
    assert!(shown.contains(" web-7 ") && shown.contains(" web-151"), "{shown}");
    insta::assert_snapshot!("fleet-hosts", shown);
    // The last chip is the hosts without an answer, with why.
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Right), key(KeyCode::Right)]);
    assert!(!app.quit && app.focus == Focus::Table);
    let (chip, hosts) = app.selected_chip().expect("chip");
    assert_eq!((chip.value, hosts.len()), (None, 2));
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains("web-13 (unreachable)"), "{shown}");
    // Moving to another fact starts at its first value again.
    send(&mut app, [key(KeyCode::Down)]);
    assert_eq!(app.chip, 0);
}

#[test]
fn the_whole_fleet_screen_shows_counts_and_outliers() {
    let mut app = fleet_app();
    select(&mut app, "tool.openssl");
    let shown = screen(&mut app, 120, 40);
    let line = shown.lines().find(|l| l.contains("OpenSSL")).expect("openssl row");
    assert!(line.contains("3.0.13 ×195 ★ · █ 1.1.1w ×3 ▸ · ? ×2 no answer"), "{line}");
    insta::assert_snapshot!("fleet-all", shown);
}

#[test]
fn columns_can_be_groups_each_with_its_own_distribution() {
    let mut app = fleet_app();
    select(&mut app, "tool.openssl");
    send(&mut app, [ch('c')]);
    assert!(app.fleet_groups);
    // The unreachable hosts' snapshots would have said their groups.
    assert_eq!(app.fleet.groups, ["prod", "staging", "(no group)"]);
    let r = app.comparison.rows.iter().position(|r| r.id == "tool.openssl").expect("row");
    let by_group = &app.fleet.row(r).expect("row").by_group;
    // web-7 and web-151 are prod (even index), web-78 staging.
    let odd: Vec<Vec<String>> = by_group
        .iter()
        .map(|d| {
            d.values.iter().filter(|v| v.outlier).flat_map(|v| names(&app, &v.hosts)).collect()
        })
        .collect();
    assert_eq!(odd, [vec!["web-7", "web-151"], vec!["web-78"], vec![]]);
    // Chips run across the groups: prod's values, then staging's.
    let chips = app.fleet_chips();
    assert_eq!(chips.iter().filter(|c| c.group == Some(0)).count(), 2);
    assert_eq!(chips.len(), 5, "{chips:?}");
    send(&mut app, std::iter::repeat_with(|| key(KeyCode::Right)).take(3));
    let (chip, hosts) = app.selected_chip().expect("chip");
    assert_eq!((chip.group, chip.value), (Some(1), Some(1)));
    assert_eq!(names(&app, hosts), ["web-78"]);
    let shown = screen(&mut app, 140, 40);
    assert!(shown.contains(" prod ") && shown.contains(" staging "), "{shown}");
    insta::assert_snapshot!("fleet-groups", shown);
    send(&mut app, [ch('c')]);
    assert!(!app.fleet_groups);
}

#[test]
fn the_fleet_keys_are_configurable_and_c_outside_it_says_where_it_works() {
    let mut app = app();
    send(&mut app, [ch('c')]);
    assert!(!app.fleet_groups);
    assert!(app.message.as_deref().is_some_and(|m| m.contains("v opens it")), "{:?}", app.message);
    let overrides = BTreeMap::from([
        ("fleet".to_owned(), vec!["F".to_owned()]),
        ("fleet-groups".to_owned(), vec!["ctrl-g".to_owned()]),
    ]);
    app.keymap = Keymap::with_overrides(&overrides).expect("keymap");
    send(&mut app, [ch('v')]);
    assert_eq!(app.screen, Screen::Matrix);
    send(&mut app, [ch('F')]);
    assert_eq!(app.screen, Screen::Fleet);
    send(
        &mut app,
        [paritty::tui::update::Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('g'),
            crossterm::event::KeyModifiers::CONTROL,
        ))],
    );
    assert!(app.fleet_groups);
}

#[test]
fn outliers_are_rare_values_of_compared_facts_only() {
    use paritty::compare::fleet::Fleet;
    use paritty::compare::matrix::Comparison;
    use paritty::compare::policy::Policy;
    let build = |reports: &[paritty::model::HostReport]| {
        let comparison = Comparison::build(reports, 0, &Policy::default());
        let fleet = Fleet::build(&comparison, &[]);
        (comparison, fleet)
    };
    // Every hostname differs: informational, so nothing is odd there.
    let mut reports = fleet(12, &[3], &[]);
    for (i, report) in reports.iter_mut().enumerate() {
        let snapshot = report.snapshot.as_mut().expect("snapshot");
        snapshot.facts.get_mut("hostname").expect("hostname").value = Some(format!("h{i}"));
    }
    let (comparison, fleet) = build(&reports);
    let of = |id: &str| {
        let r = comparison.rows.iter().position(|r| r.id == id).expect("row");
        fleet.row(r).expect("fleet row").all.clone()
    };
    let hostname = of("hostname");
    assert_eq!(hostname.values.len(), 12);
    assert!(hostname.values.iter().all(|v| !v.outlier));
    assert!(of("tool.openssl").values[1].outlier, "1 of 12 is odd");
    // 1 of 4 is not: too many to be an outlier.
    let (comparison, fleet) = build(&crate::common::tui::fleet(4, &[3], &[]));
    let r = comparison.rows.iter().position(|r| r.id == "tool.openssl").expect("row");
    let d = &fleet.row(r).expect("row").all;
    assert_eq!(d.values.iter().map(|v| v.hosts.len()).collect::<Vec<_>>(), [3, 1]);
    assert!(!d.values[1].outlier);
    // No groups given: every host in `(no group)`.
    assert_eq!(fleet.groups, [paritty::compare::fleet::NO_GROUP]);
}

/// What the fleet view shows is what its export writes: the fleet layout
/// (`diff --layout fleet`), host names redacted as the dialog says; the
/// matrix exports the table.
#[test]
fn the_fleet_view_exports_the_fleet_layout() {
    use paritty::tui::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat, Redaction};
    use paritty::tui::export::{Prepared, prepare};
    let mut app = fleet_app();
    let export = |app: &App, redaction| {
        let mut dialog = ExportDialog::new("web-1", false);
        dialog.what = ExportWhat::Comparison;
        dialog.format = ExportFormat::Markdown;
        dialog.redaction = redaction;
        dialog.destination = Destination::Clipboard;
        match prepare(app, &dialog).expect("prepared") {
            Prepared::Clipboard { text, .. } => text,
            Prepared::Files(_) => panic!("clipboard expected"),
        }
    };
    let text = export(&app, Redaction::Off);
    assert!(text.contains("×195"), "the majority's count: {text}");
    assert!(text.contains("<details>") && text.contains("web-78"), "an odd host listed: {text}");
    let redacted = export(&app, Redaction::Hosts);
    assert!(redacted.contains("×195") && !redacted.contains("web-78"), "{redacted}");
    send(&mut app, [ch('v')]);
    let table = export(&app, Redaction::Off);
    assert!(!table.contains("×195"), "the matrix exports the table: {table}");
}

/// paritty-accepted.toml's `[[accepted]]` entries for `tool.openssl` on
/// `hosts` (1.1.1w against the baseline's 3.0.13).
fn accept_openssl(app: &mut App, hosts: &[usize]) {
    let baseline = app.comparison.columns[app.comparison.baseline].name.clone();
    let mut file = "version = 1\n".to_owned();
    for &h in hosts {
        let _ = write!(
            file,
            "[[accepted]]\nhost = \"{}\"\nfact = \"tool.openssl\"\nbaseline = \"{baseline}\"\n\
             severity = \"major\"\nbaseline_value = \"3.0.13\"\nvalue = \"1.1.1w\"\n\
             reason = \"legacy build\"\nby = \"ann\"\nat = \"2026-12-01\"\n",
            app.comparison.columns[h].name
        );
    }
    let entries =
        paritty::compare::accepted::parse(&file, std::path::Path::new("paritty-accepted.toml"))
            .expect("parses");
    app.set_acceptances(entries, "2026-12-07".into());
}

/// Accepted drift is marked in the fleet view as in the matrix: a value
/// every host of which is accepted shows ◇ in place of its severity mark,
/// uncoloured; one only some of whose hosts are says how many.
#[test]
fn accepted_drift_is_marked_in_the_fleet_view() {
    let mut app = fleet_app();
    select(&mut app, "tool.openssl");
    accept_openssl(&mut app, &ODD[..2]);
    let shown = screen(&mut app, 120, 40);
    let line = shown.lines().find(|l| l.contains("OpenSSL")).expect("openssl row");
    assert!(line.contains("3.0.13 ×195 ★ · █ 1.1.1w ×3 ◇2 ▸ · ? ×2 no answer"), "{line}");
    accept_openssl(&mut app, &ODD);
    let shown = screen(&mut app, 120, 40);
    let line = shown.lines().find(|l| l.contains("OpenSSL")).expect("openssl row");
    assert!(line.contains("3.0.13 ×195 ★ · ◇ 1.1.1w ×3 ▸ · ? ×2 no answer"), "{line}");
    assert!(!line.contains('█'), "{line}");
    assert!(shown.contains("◇ accepted"), "the legend says what ◇ is:\n{shown}");
    insta::assert_snapshot!("fleet-accepted", shown);
    // By group: prod holds two of the three (both accepted), staging one.
    send(&mut app, [ch('c')]);
    let shown = screen(&mut app, 140, 40);
    let line = shown.lines().find(|l| l.contains("OpenSSL")).expect("openssl row");
    assert!(line.contains("◇ 1.1.1w ×2") && line.contains("◇ 1.1.1w ×1"), "{line}");
}
