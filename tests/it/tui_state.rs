//! TUI state transitions without a terminal: keys, mouse, collection
//! events and questions in, state and effects out.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::tui::{app, app_of, ch, fixture, key, send, type_text, unreachable};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use paritty::collect::events::{Event, Stage};
use paritty::compare::constraint::Judgement;
use paritty::compare::severity::Severity;
use paritty::keymap::Keymap;
use paritty::model::FailReason;
use paritty::tui::app::{Focus, Host, Line, Screen};
use paritty::tui::dialog::{ExportFormat, ExportWhat, Modal};
use paritty::tui::update::{Effect, Msg, update};
use paritty::tui::view::layout;

fn row_index(app: &paritty::tui::app::App, id: &str) -> usize {
    app.comparison.rows.iter().position(|r| r.id == id).expect("row")
}

fn line_of(app: &paritty::tui::app::App, id: &str) -> usize {
    let r = row_index(app, id);
    app.lines().iter().position(|l| *l == Line::Fact(r)).expect("line")
}

#[test]
fn the_prod_host_is_the_baseline_until_the_user_picks_another() {
    let mut app = app();
    assert_eq!(app.hosts[app.baseline].name, "prod-web-1");
    let python = row_index(&app, "runtime.python3");
    assert_eq!(app.comparison.rows[python].cells[1].severity, Severity::Minor);
    // Select the laptop (second column) and make it the baseline.
    send(&mut app, [ch('l'), ch('b')]);
    assert_eq!(app.baseline, 1);
    assert_eq!(app.column_order()[0], 1, "the baseline is pinned first");
    let python = row_index(&app, "runtime.python3");
    assert_eq!(app.comparison.rows[python].cells[1].severity, Severity::Equal);
    assert_eq!(app.comparison.rows[python].cells[0].severity, Severity::Minor);
    // A host finishing later does not move a baseline the user chose.
    update(
        &mut app,
        Msg::Collect(Event::Finished { index: 0, report: Box::new(fixture("debian11-prod.json")) }),
    );
    assert_eq!(app.baseline, 1);
}

#[test]
fn only_differences_and_search_filter_the_rows() {
    let mut app = app();
    let all = app.lines().len();
    send(&mut app, [ch('d')]);
    let facts: Vec<usize> = app
        .lines()
        .iter()
        .filter_map(|l| if let Line::Fact(r) = l { Some(*r) } else { None })
        .collect();
    assert!(!facts.is_empty() && app.lines().len() < all);
    for r in &facts {
        assert!(app.diverges(&app.comparison.rows[*r]), "{}", app.comparison.rows[*r].id);
    }
    assert!(!facts.contains(&row_index(&app, "hostname")), "informational rows never count");
    send(&mut app, [ch('d'), ch('/')]);
    assert!(app.search.editing);
    type_text(&mut app, "pyth");
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(!app.search.editing);
    let shown: Vec<&str> = app
        .lines()
        .iter()
        .filter_map(|l| {
            if let Line::Fact(r) = l { Some(app.comparison.rows[*r].id.as_str()) } else { None }
        })
        .collect();
    assert_eq!(shown, ["runtime.python3"]);
    // Esc clears the search, and the rows come back.
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.quit);
    assert_eq!(app.lines().len(), all);
}

#[test]
fn n_and_shift_n_walk_the_divergences_and_wrap() {
    let mut app = app();
    let divergent: Vec<usize> = app
        .lines()
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l, Line::Fact(r) if app.diverges(&app.comparison.rows[*r])))
        .map(|(i, _)| i)
        .collect();
    assert!(divergent.len() >= 3, "{divergent:?}");
    assert_eq!(app.cursor, divergent[0], "the view opens on the first divergence");
    send(&mut app, [ch('n')]);
    assert_eq!(app.cursor, divergent[1]);
    send(&mut app, [ch('N'), ch('N')]);
    assert_eq!(app.cursor, *divergent.last().expect("last"), "wraps backwards");
    send(&mut app, [ch('n')]);
    assert_eq!(app.cursor, divergent[0], "wraps forwards");
}

#[test]
fn enter_folds_a_category_and_opens_a_facts_details() {
    let mut app = app();
    let before = app.lines().len();
    send(&mut app, [ch('g')]);
    assert_eq!(app.selected_line(), Some(Line::Category(0)));
    let first = app.categories()[0].rows.len();
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.lines().len(), before - first);
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.lines().len(), before);
    send(&mut app, [ch('j'), key(KeyCode::Enter)]);
    assert!(app.show_details);
    assert_eq!(app.focus, Focus::Details);
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Focus::Table);
}

#[test]
fn collection_events_move_a_host_through_its_stages() {
    let mut hosts = vec![Host::finished(fixture("debian11-prod.json"), false)];
    hosts.push(Host::new("laptop", None));
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    assert!(app.hosts[1].busy());
    let stage = |stage| Msg::Collect(Event::Stage { index: 1, stage, elapsed: Duration::ZERO });
    update(&mut app, Msg::Tick(Duration::from_secs(1)));
    send(&mut app, [stage(Stage::Pending), stage(Stage::Connecting), stage(Stage::Probing)]);
    assert_eq!(app.hosts[1].stage, Stage::Probing);
    update(&mut app, Msg::Collect(Event::Facts { index: 1, done: 4, total: 13 }));
    assert_eq!((app.hosts[1].facts_done, app.hosts[1].facts_total), (4, 13));
    // Still collecting: not a divergence yet.
    send(&mut app, [ch('d')]);
    assert!(app.lines().is_empty(), "a host still collecting diverges from nothing");
    update(&mut app, Msg::Tick(Duration::from_secs(3)));
    update(
        &mut app,
        Msg::Collect(Event::Finished {
            index: 1,
            report: Box::new(fixture("debian12-laptop.json")),
        }),
    );
    assert_eq!(app.hosts[1].stage, Stage::Done);
    assert_eq!(app.hosts[1].took, Some(Duration::from_secs(2)));
    assert!(!app.lines().is_empty(), "its divergences show up");
}

#[test]
fn a_failed_host_keeps_its_reason_and_its_cells_are_unknown() {
    let app = app();
    let failed = app.hosts.iter().position(|h| h.name == "db-2").expect("db-2");
    match &app.hosts[failed].stage {
        Stage::Failed(f) => assert_eq!(f.reason, FailReason::Unreachable),
        other => panic!("{other:?}"),
    }
    assert!(app.comparison.rows.iter().all(|r| r.cells[failed].severity == Severity::Unknown));
    // Its empty column makes no row divergent: `n` and `d` stay useful.
    let os_id = &app.comparison.rows[row_index(&app, "os.id")];
    assert!(!app.diverges(os_id), "debian everywhere that answered");
}

#[test]
fn refresh_asks_to_collect_idle_hosts_only() {
    let mut app = app();
    send(&mut app, [ch('l')]);
    let selected = app.column;
    assert_eq!(send(&mut app, [ch('r')]), [Effect::Collect(vec![selected])]);
    assert!(app.hosts[selected].busy());
    assert_eq!(send(&mut app, [ch('r')]), [], "already collecting");
    assert!(app.message.is_some());
    let effects = send(&mut app, [ch('R')]);
    let expected: Vec<usize> = (0..app.hosts.len()).filter(|&i| i != selected).collect();
    assert_eq!(effects, [Effect::Collect(expected)]);
    let mut examples = app_of(vec![fixture("debian11-prod.json")]);
    examples.hosts[0].example = true;
    examples.hosts[0].refreshable = false;
    assert_eq!(send(&mut examples, [ch('r')]), []);
    assert!(examples.message.as_deref().is_some_and(|m| m.contains("example")));
}

#[test]
fn export_dialog_prepares_complete_files() {
    let mut app = app();
    send(&mut app, [ch('e')]);
    let Some(Modal::Export(dialog)) = &app.modal else { panic!("no export dialog") };
    assert_eq!(dialog.path, "paritty-comparison.md");
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::Write(export)] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(export.files.len(), 1);
    let (path, contents) = &export.files[0];
    assert_eq!(path.to_str(), Some("paritty-comparison.md"));
    assert!(contents.starts_with("**prod-web-1 vs 3 hosts:"), "{contents}");
    assert!(contents.contains("| Python 3 |"), "{contents}");
    assert!(contents.contains("<details>"), "the whole comparison has the inventories");

    // The selected host's snapshot as JSON, to a path typed over the default.
    send(&mut app, [ch('l'), ch('e'), key(KeyCode::Right), key(KeyCode::Right)]);
    let Some(Modal::Export(dialog)) = &app.modal else { panic!("no export dialog") };
    assert_eq!(dialog.what, ExportWhat::HostSnapshot);
    assert_eq!(dialog.path, "laptop.md");
    send(&mut app, [key(KeyCode::Down), key(KeyCode::Right), key(KeyCode::Right)]);
    let Some(Modal::Export(dialog)) = &app.modal else { panic!("no export dialog") };
    assert_eq!(dialog.format, ExportFormat::Json);
    assert_eq!(dialog.path, "laptop.json", "the default follows the format");
    send(&mut app, [Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL))]);
    type_text(&mut app, "out/me.json");
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::Write(export)] = effects.as_slice() else { panic!("{effects:?}") };
    let (path, contents) = &export.files[0];
    assert_eq!(path.to_str(), Some("out/me.json"));
    let back = paritty::model::snapshot_file::parse_snapshot(contents, path).expect("loads back");
    let original = fixture("debian12-laptop.json").snapshot.expect("snapshot");
    assert_eq!(back.facts, original.facts, "nothing here needed redacting");
    assert!(
        back.redacted.as_deref().is_some_and(|r| r.contains("nothing needed")),
        "{:?}",
        back.redacted
    );

    // Only the divergences, to the clipboard.
    send(&mut app, [ch('e'), key(KeyCode::Right)]);
    send(
        &mut app,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Right)],
    );
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::Clipboard { text, what }] = effects.as_slice() else { panic!("{effects:?}") };
    assert!(what.contains("divergences"), "{what}");
    assert!(text.contains("| Python 3 |") && !text.contains("<details>"), "{text}");

    // Esc closes the dialog without writing.
    assert_eq!(send(&mut app, [ch('e'), key(KeyCode::Esc)]), []);
    assert!(app.modal.is_none() && !app.quit);
}

#[test]
fn host_key_and_passphrase_questions_are_answered_in_the_ui() {
    let mut app = app();
    let (reply, answer) = mpsc::channel();
    update(
        &mut app,
        Msg::AskHostKey {
            host: "127.0.0.7".into(),
            key_type: "ssh-ed25519".into(),
            fingerprint: "SHA256:abc".into(),
            reply,
        },
    );
    assert!(matches!(app.modal, Some(Modal::HostKey { .. })));
    send(&mut app, [ch('j')]);
    assert!(answer.try_recv().is_err(), "other keys do not answer");
    send(&mut app, [ch('y')]);
    assert_eq!(answer.try_recv(), Ok(true));
    assert!(app.modal.is_none());

    let (reply, answer) = mpsc::channel();
    update(&mut app, Msg::AskPassphrase { key: "/home/u/.ssh/id_ed25519".into(), reply });
    type_text(&mut app, "s3cret");
    send(&mut app, [key(KeyCode::Backspace), ch('T'), key(KeyCode::Enter)]);
    assert_eq!(answer.try_recv(), Ok(Some("s3creT".to_owned())));

    // A second question while one is open is refused, never lost.
    let (first, _first_answer) = mpsc::channel();
    let (second, second_answer) = mpsc::channel();
    let ask = |reply| Msg::AskHostKey {
        host: "h".into(),
        key_type: "t".into(),
        fingerprint: "f".into(),
        reply,
    };
    send(&mut app, [ask(first), ask(second)]);
    assert_eq!(second_answer.try_recv(), Ok(false));
}

#[test]
fn keys_come_from_the_users_bindings() {
    let overrides = BTreeMap::from([("quit".to_owned(), vec!["x".to_owned()])]);
    let keymap = Keymap::with_overrides(&overrides).expect("valid");
    let mut app = app();
    app.keymap = keymap;
    send(&mut app, [ch('q')]);
    assert!(!app.quit, "q was rebound");
    assert_eq!(send(&mut app, [ch('x')]), []);
    assert!(app.quit, "x quits");
    let mut app = crate::common::tui::app();
    app.keymap = Keymap::with_overrides(&overrides).expect("valid");
    send(&mut app, [Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))]);
    assert!(app.quit, "Ctrl-C always quits");
    let bad = BTreeMap::from([("explode".to_owned(), vec!["x".to_owned()])]);
    let err = Keymap::with_overrides(&bad).expect_err("unknown action").to_string();
    assert!(err.contains("unknown action `explode`"), "{err}");
    let bad = BTreeMap::from([("quit".to_owned(), vec!["ctrl-".to_owned()])]);
    assert!(Keymap::with_overrides(&bad).is_err());
}

#[test]
fn pair_view_opens_on_baseline_and_selection_and_steps_hosts() {
    let mut app = app();
    send(&mut app, [ch('l'), ch('l'), ch('p')]);
    let right = app.column;
    assert_eq!(app.screen, Screen::Pair { left: app.baseline, right });
    send(&mut app, [ch('h')]);
    let Screen::Pair { right: moved, .. } = app.screen else { panic!() };
    assert_ne!(moved, right);
    assert_ne!(moved, app.baseline, "never the same host on both sides");
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Matrix);
    assert!(!app.quit, "Esc backs out of the pair view first");
}

#[test]
fn mouse_clicks_select_cells_and_the_wheel_scrolls() {
    let mut app = app();
    let areas = layout::areas(&app, layout::screen(&app)).expect("fits");
    let geometry = layout::matrix(&app, areas.main);
    let (host, x, _) = geometry.columns[2];
    let git = line_of(&app, "tool.git");
    let y = geometry.body.y + u16::try_from(git - app.scroll).expect("on screen");
    update(&mut app, Msg::Mouse(mouse(MouseEventKind::Down(MouseButton::Left), x + 1, y)));
    assert_eq!((app.cursor, app.column), (git, host));
    update(&mut app, Msg::Mouse(mouse(MouseEventKind::ScrollUp, x, y)));
    assert_eq!(app.cursor, git - 3);
    // A click on a category heading folds it.
    let before = app.lines().len();
    let category =
        app.lines().iter().position(|l| matches!(l, Line::Category(_))).expect("category");
    send(&mut app, [key(KeyCode::Home)]);
    let y = geometry.body.y + u16::try_from(category - app.scroll).expect("on screen");
    update(
        &mut app,
        Msg::Mouse(mouse(MouseEventKind::Down(MouseButton::Left), geometry.body.x + 2, y)),
    );
    assert!(app.lines().len() < before);
}

#[test]
fn the_cursor_stays_on_screen() {
    let mut app = app();
    update(&mut app, Msg::Resize(80, 16));
    send(&mut app, [key(KeyCode::End)]);
    let rows = {
        let areas = layout::areas(&app, layout::screen(&app)).expect("fits");
        usize::from(layout::matrix(&app, areas.main).body.height)
    };
    assert_eq!(app.cursor, app.lines().len() - 1);
    assert!(app.scroll <= app.cursor && app.cursor < app.scroll + rows);
    send(&mut app, [key(KeyCode::Home)]);
    assert_eq!((app.cursor, app.scroll), (0, 0));
    // Many hosts: the selected one scrolls into view, the baseline stays.
    let mut many = vec![fixture("debian11-prod.json")];
    many.extend((0..20).map(|i| unreachable(&format!("host-{i:02}"))));
    let mut wide = app_of(many);
    // More hosts than fit open the fleet view; `v` asks for the matrix.
    assert_eq!(wide.screen, Screen::Fleet);
    send(&mut wide, [ch('v')]);
    send(&mut wide, std::iter::repeat_with(|| ch('l')).take(20));
    let areas = layout::areas(&wide, layout::screen(&wide)).expect("fits");
    let shown: Vec<usize> = layout::matrix(&wide, areas.main).columns.iter().map(|c| c.0).collect();
    assert_eq!(shown[0], wide.baseline);
    assert!(shown.contains(&wide.column), "{shown:?} lacks {}", wide.column);
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
}

#[test]
fn nothing_diverges_until_the_baseline_has_answered() {
    let mut prod = Host::new("prod-web-1", Some("prod".into()));
    prod.started_at = Some(Duration::ZERO);
    let hosts = vec![prod, Host::finished(fixture("debian12-laptop.json"), false)];
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    assert_eq!(app.baseline, 0, "the prod-labelled host, though still collecting");
    assert!(app.comparison.rows.iter().all(|r| !app.diverges(r)));
    let kernel =
        |screen: &str| screen.lines().find(|l| l.contains("Kernel")).unwrap_or_default().to_owned();
    let screen = crate::common::tui::screen(&mut app, 100, 24);
    assert!(screen.contains("★ pending"), "{screen}");
    assert!(
        !kernel(&screen).contains('?') && !kernel(&screen).contains('█'),
        "no verdicts yet:\n{screen}"
    );
    update(
        &mut app,
        Msg::Collect(Event::Finished { index: 0, report: Box::new(fixture("debian11-prod.json")) }),
    );
    assert!(app.comparison.rows.iter().any(|r| app.diverges(r)));
    let screen = crate::common::tui::screen(&mut app, 100, 24);
    assert!(kernel(&screen).contains("█ 6.1.0-13-amd64"), "5.10 to 6.1 is major:\n{screen}");
}

#[test]
fn facts_no_host_has_are_hidden_until_asked_for() {
    // No host has git (the unreachable one says nothing either way).
    let mut reports =
        vec![fixture("debian11-prod.json"), fixture("debian12-laptop.json"), unreachable("db-2")];
    for report in &mut reports {
        if let Some(git) = report.snapshot.as_mut().and_then(|s| s.facts.get_mut("tool.git")) {
            git.status = paritty::model::Status::Missing;
            git.value = None;
        }
    }
    let mut app = app_of(reports);
    let absent: Vec<String> = app
        .comparison
        .rows
        .iter()
        .filter(|row| app.absent_everywhere(row))
        .map(|row| row.id.clone())
        .collect();
    assert_eq!(absent, ["tool.git"]);
    let shown = |app: &paritty::tui::app::App| -> Vec<String> {
        app.lines()
            .iter()
            .filter_map(|l| match l {
                Line::Fact(r) => Some(app.comparison.rows[*r].id.clone()),
                Line::Category(_) => None,
            })
            .collect()
    };
    assert!(absent.iter().all(|id| !shown(&app).contains(id)), "hidden by default");
    assert_eq!(app.absent_hidden(), absent.len());
    send(&mut app, [ch('a')]);
    assert!(absent.iter().all(|id| shown(&app).contains(id)), "`a` shows them");
    assert_eq!(app.absent_hidden(), 0);
    send(&mut app, [ch('a')]);
    assert!(absent.iter().all(|id| !shown(&app).contains(id)), "`a` hides them again");
}

#[test]
fn the_cursor_follows_the_first_divergence_until_the_user_moves_it() {
    // The baseline answers after the view opened: the cursor then goes to
    // the first divergence; once the user moved, it stays where they put it.
    let mut hosts = vec![Host::new("prod", Some("prod".into()))];
    hosts.push(Host::finished(fixture("debian12-laptop.json"), false));
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    send(&mut app, [Msg::Resize(100, 30)]);
    assert!(matches!(app.selected_line(), Some(Line::Fact(_))), "on a fact, not a heading");
    let report = Box::new(fixture("debian11-prod.json"));
    send(&mut app, [Msg::Collect(Event::Finished { index: 0, report })]);
    let first = app
        .lines()
        .iter()
        .position(|l| matches!(l, Line::Fact(r) if app.diverges(&app.comparison.rows[*r])))
        .expect("a divergence");
    assert_eq!(app.cursor, first);
    send(&mut app, [ch('j'), ch('j')]);
    let moved = app.cursor;
    let report = Box::new(fixture("debian11-prod.json"));
    send(&mut app, [Msg::Collect(Event::Finished { index: 0, report })]);
    assert_eq!(app.cursor, moved, "the user's place is kept");
}

#[test]
fn the_declared_key_shows_the_column_judged_on_what_arrived() {
    let (_dir, declarations) = crate::common::tui::declarations();
    let mut hosts = vec![Host::finished(fixture("debian11-prod.json"), false)];
    hosts.push(Host::new("laptop", None));
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    app.set_declarations(declarations, false);
    assert!(app.declared().is_none(), "hidden until asked for");
    send(&mut app, [ch('D')]);
    let judged = app.declared().expect("shown after D");
    let python = judged.fact("runtime.python3").expect("python declared");
    // prod's 3.9.2 is not a 3.11; the laptop has not answered yet.
    assert_eq!(python.cells[0].judgement, Judgement::Violates);
    assert_eq!(python.cells[1].judgement, Judgement::NoVersion);
    assert_eq!(judged.disagreements.len(), 1, "the .nvmrc and engines.node");

    // Its facts arrive: judged then, and kept in the state.
    let report = Box::new(fixture("debian12-laptop.json"));
    send(&mut app, [Msg::Collect(Event::Finished { index: 1, report })]);
    let judged = app.judged.as_ref().expect("judged");
    let python = judged.fact("runtime.python3").expect("python declared");
    assert_eq!(python.cells[1].judgement, Judgement::Satisfies);
    assert_eq!(judged.violations(0), 1);
    assert_eq!(judged.violations(1), 0);

    send(&mut app, [ch('D')]);
    assert!(app.declared().is_none(), "D hides it again");
    assert!(app.judged.is_some(), "still judged, for when it is shown again");
}

#[test]
fn only_differences_keeps_a_row_a_host_violates() {
    let (_dir, declarations) = crate::common::tui::declarations();
    // Two copies of prod: no divergence between them, but both violate.
    let mut twin = fixture("debian11-prod.json");
    twin.target = "prod-2".into();
    let mut app = app_of(vec![fixture("debian11-prod.json"), twin]);
    app.set_declarations(declarations, true);
    send(&mut app, [ch('d')]);
    let r = row_index(&app, "runtime.python3");
    assert!(app.lines().contains(&Line::Fact(r)), "the violated row stays");
    send(&mut app, [ch('D')]);
    assert!(!app.lines().contains(&Line::Fact(r)), "without the column it is not a difference");
}

#[test]
fn the_declared_key_says_when_nothing_is_declared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app();
    send(&mut app, [ch('D')]);
    assert_eq!(app.message.as_deref(), Some("the app's declarations were not read"));
    app.set_declarations(paritty::declare::read::read_dir(dir.path()), false);
    send(&mut app, [ch('D')]);
    assert!(!app.show_declared);
    let message = app.message.clone().expect("message");
    assert!(message.starts_with("nothing declared in "), "{message}");
}

#[test]
fn revisions_arriving_ask_for_the_time_gap_once_and_a_stale_answer_is_dropped() {
    use crate::common::git::repository;
    use crate::common::tui::with_revision;
    let tmp = tempfile::tempdir().expect("tmp");
    let commits = repository(&tmp.path().join("app"), "main", &crate::common::git::DATES);
    let prod = with_revision(fixture("debian11-prod.json"), &commits[2], true);
    let mut hosts = vec![Host::finished(prod, false)];
    hosts.push(Host::new("laptop", None));
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    // The first message after a revision appears asks for a measurement.
    let effects = update(&mut app, Msg::Tick(Duration::from_millis(100)));
    let first = vec![Some(commits[2].clone()), None];
    assert_eq!(effects, [Effect::MeasureRevisions { revisions: first.clone(), baseline: 0 }]);
    assert!(update(&mut app, Msg::Tick(Duration::from_millis(200))).is_empty(), "asked once");

    // The laptop's revision arrives: asked again, for both.
    let laptop = with_revision(fixture("debian12-laptop.json"), &commits[5], false);
    let effects =
        update(&mut app, Msg::Collect(Event::Finished { index: 1, report: Box::new(laptop) }));
    let both = vec![Some(commits[2].clone()), Some(commits[5].clone())];
    assert_eq!(effects, [Effect::MeasureRevisions { revisions: both.clone(), baseline: 0 }]);

    // The answer to the first question is stale: dropped.
    let path = std::env::var_os("PATH");
    let measure = |revisions: &[Option<String>]| {
        paritty::collect::history::read(
            &tmp.path().join("app"),
            revisions,
            0,
            Duration::from_secs(30),
            path.as_deref(),
        )
    };
    update(&mut app, Msg::Measured { revisions: first.clone(), baseline: 0, gap: measure(&first) });
    assert_eq!(app.time_gap, None);
    update(&mut app, Msg::Measured { revisions: both.clone(), baseline: 0, gap: measure(&both) });
    let gap = app.time_gap.clone().expect("measured");
    assert_eq!(gap.short(0).as_deref(), Some("3 behind · 9d"));
    assert_eq!(gap.short(1).as_deref(), Some("at main"));
    // Another baseline: the distances from it change, so asked again.
    send(&mut app, [key(KeyCode::Right), ch('b')]);
    assert_eq!(app.baseline, 1);
    let effects = update(&mut app, Msg::Tick(Duration::from_millis(300)));
    assert!(effects.is_empty(), "asked already, with the key: {effects:?}");
    assert_eq!(app.measured, Some((both, 1)));
}

#[test]
fn the_exported_comparison_carries_the_declared_column_and_the_time_gap_shown() {
    use crate::common::git::{DATES, repository};
    use crate::common::tui::with_revision;
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("repo");
    let commits = repository(&repo, "main", &DATES);
    let (_dir, declarations) = crate::common::tui::declarations();
    let mut app = app_of(vec![
        with_revision(fixture("debian11-prod.json"), &commits[2], true),
        with_revision(fixture("debian12-laptop.json"), &commits[5], false),
    ]);
    app.set_declarations(declarations, true);
    send(&mut app, [Msg::Tick(Duration::from_millis(100))]);
    let (revisions, baseline) = app.measured.clone().expect("asked to measure");
    let path = std::env::var_os("PATH");
    let gap = paritty::collect::history::read(
        &repo,
        &revisions,
        baseline,
        Duration::from_secs(30),
        path.as_deref(),
    );
    update(&mut app, Msg::Measured { revisions, baseline, gap });
    send(&mut app, [ch('e')]);
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::Write(export)] = effects.as_slice() else { panic!("{effects:?}") };
    let (_, contents) = &export.files[0];
    assert!(contents.contains("| Fact | declared |"), "{contents}");
    assert!(contents.contains("✗ violates .python-version:1"), "{contents}");
    assert!(contents.contains("- prod-web-1: 3 commits, 9 days behind main\n"), "{contents}");
    // Hidden on screen, left out of the file.
    send(&mut app, [ch('D'), ch('e')]);
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::Write(export)] = effects.as_slice() else { panic!("{effects:?}") };
    assert!(!export.files[0].1.contains("| declared |"), "{}", export.files[0].1);
}

/// A large fleet's answers are judged on ticks (a millisecond per host
/// apart), not one full comparison per answer; the last answer at once.
#[test]
fn a_large_fleet_is_judged_on_ticks_and_its_last_answer_at_once() {
    let mut reports = crate::common::tui::fleet(150, &[], &[]);
    let last = reports.pop().expect("150th");
    let second = reports.pop().expect("149th");
    let first = reports.pop().expect("148th");
    let mut hosts: Vec<Host> = reports.into_iter().map(|r| Host::finished(r, false)).collect();
    for name in ["web-148", "web-149", "web-150"] {
        hosts.push(Host::new(name, None));
    }
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        Keymap::default(),
    );
    let os = row_index(&app, "os.id");
    let answered = |app: &paritty::tui::app::App, host: usize| {
        app.comparison.rows[os].cells[host].value.is_some()
    };
    let at = |ms: u64| Msg::Tick(Duration::from_secs(10) + Duration::from_millis(ms));
    update(&mut app, at(0));
    update(&mut app, Msg::Collect(Event::Finished { index: 147, report: Box::new(first) }));
    assert!(app.compare_pending && !answered(&app, 147), "judged on a tick, not per answer");
    // Nothing judged for a while: the next tick does it.
    update(&mut app, at(50));
    assert!(answered(&app, 147) && !app.compare_pending);
    update(&mut app, Msg::Collect(Event::Finished { index: 148, report: Box::new(second) }));
    update(&mut app, at(100));
    assert!(!answered(&app, 148), "150 hosts: judged 150 ms apart");
    update(&mut app, at(200));
    assert!(answered(&app, 148) && !app.compare_pending);
    update(&mut app, Msg::Collect(Event::Finished { index: 149, report: Box::new(last) }));
    assert!(answered(&app, 149), "the last answer is judged at once");
}
