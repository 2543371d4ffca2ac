//! TUI screens drawn on ratatui's TestBackend and compared with committed
//! snapshots (tests/it/snapshots/): what a user sees, character by character.

use std::time::Duration;

use crate::common::tui::{app, ch, draw, fixture, key, screen, send, text};
use crossterm::event::KeyCode;
use paritty::collect::events::{Event, Stage};
use paritty::tui::app::Host;
use paritty::tui::update::{Msg, update};
use ratatui::style::Color;

fn select(app: &mut paritty::tui::app::App, id: &str) {
    let r = app.comparison.rows.iter().position(|r| r.id == id).expect("row");
    app.cursor =
        app.lines().iter().position(|l| *l == paritty::tui::app::Line::Fact(r)).expect("line");
}

#[test]
fn overview_with_a_failed_host_and_details() {
    let mut app = app();
    select(&mut app, "runtime.python3");
    send(&mut app, [ch('l')]);
    insta::assert_snapshot!("overview", screen(&mut app, 110, 34));
}

#[test]
fn hosts_still_collecting_show_their_stage_and_timer() {
    let mut hosts = vec![Host::finished(fixture("debian11-prod.json"), false)];
    hosts.push(Host::new("laptop", None));
    hosts.push(Host::new("staging-1", Some("staging".into())));
    let mut app = paritty::tui::app::App::new(
        hosts,
        paritty::compare::policy::Policy::default(),
        "default",
        paritty::keymap::Keymap::default(),
    );
    let stage = |index, stage| Msg::Collect(Event::Stage { index, stage, elapsed: Duration::ZERO });
    send(&mut app, [stage(1, Stage::Pending), stage(2, Stage::Pending)]);
    update(&mut app, Msg::Tick(Duration::from_millis(2_340)));
    send(&mut app, [stage(1, Stage::Probing), stage(2, Stage::Authenticating)]);
    update(&mut app, Msg::Collect(Event::Facts { index: 1, done: 5, total: 13 }));
    insta::assert_snapshot!("collecting", screen(&mut app, 100, 24));
}

#[test]
fn pair_view_shows_only_divergent_facts_then_all() {
    let mut app = app();
    send(&mut app, [ch('l'), ch('p')]);
    insta::assert_snapshot!("pair", screen(&mut app, 100, 24));
    send(&mut app, [ch('d')]);
    let all = screen(&mut app, 100, 24);
    assert!(all.contains("Architecture") || all.contains("Hostname"), "{all}");
}

#[test]
fn help_and_export_dialogs() {
    let mut app = app();
    send(&mut app, [ch('?')]);
    insta::assert_snapshot!("help", screen(&mut app, 100, 34));
    send(&mut app, [key(KeyCode::Esc), ch('e'), key(KeyCode::Tab)]);
    insta::assert_snapshot!("export", screen(&mut app, 100, 24));
}

/// On 80x24 the help does not fit: it shows a window on itself, says
/// which lines, and the moving keys scroll it to its end, so every line is
/// seen; any other key still closes it.
#[test]
fn the_help_scrolls_on_a_small_terminal_and_nothing_is_cut() {
    let mut app = app();
    send(&mut app, [ch('?')]);
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("lines 1-22 of 29 · k/↑ j/↓ scroll"), "{top}");
    insta::assert_snapshot!("help-80x24", top);
    let mut seen = top.clone();
    send(&mut app, [ch('j')]);
    let one = screen(&mut app, 80, 24);
    assert!(one.contains("lines 2-23 of 29"), "{one}");
    send(&mut app, [key(KeyCode::End), key(KeyCode::Down)]);
    let end = screen(&mut app, 80, 24);
    assert!(end.contains("lines 8-29 of 29"), "{end}");
    seen.push_str(&end);
    for (_, _, what) in paritty::keymap::Action::ALL {
        assert!(seen.contains(what), "{what:?} is never shown:\n{top}\n{end}");
    }
    for words in ["Mouse: wheel scrolls", "█ major", "⇄ service", "⚠ disagree"] {
        assert!(end.contains(words), "{words:?}:\n{end}");
    }
    send(&mut app, [key(KeyCode::Home), ch('x')]);
    assert!(app.modal.is_none(), "another key closes it");
    // Where it fits, no window and no scrolling.
    send(&mut app, [ch('?')]);
    let tall = screen(&mut app, 80, 40);
    assert!(!tall.contains("lines 1-") && tall.contains("⚠ disagree"), "{tall}");
    send(&mut app, [ch('j')]);
    assert!(app.modal.is_none(), "a moving key closes a help that fits");
}

#[test]
fn a_small_terminal_gets_a_message_not_garbage() {
    let mut app = app();
    insta::assert_snapshot!("too-small", screen(&mut app, 50, 10));
}

#[test]
fn severities_are_coloured_and_marked_and_no_color_keeps_the_marks() {
    let mut app = app();
    select(&mut app, "tool.openssl");
    let buffer = draw(&mut app, 110, 34);
    let shown = text(&buffer);
    // openssl 1.1.1w vs 3.0.x is major: its mark and red.
    let (y, line) = shown
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("OpenSSL") && l.contains('█'))
        .unwrap_or_else(|| panic!("no major OpenSSL row:\n{shown}"));
    let x = line.chars().position(|c| c == '█').expect("mark");
    let cell = &buffer[(u16::try_from(x).expect("x"), u16::try_from(y).expect("y"))];
    assert_eq!(cell.fg, Color::Red);

    app.color = false;
    let plain = draw(&mut app, 110, 34);
    assert_eq!(text(&plain), shown, "the same text without colour");
    assert!(
        plain.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "NO_COLOR: no colours at all"
    );
}

#[test]
fn many_hosts_keep_the_facts_and_baseline_pinned() {
    let mut reports = vec![fixture("debian11-prod.json")];
    for i in 0..63 {
        let mut report = crate::common::tui::staging();
        let snapshot = report.snapshot.as_mut().expect("snapshot");
        snapshot.host.name = format!("node-{i:02}");
        report.target = snapshot.host.name.clone();
        reports.push(report);
    }
    let mut app = crate::common::tui::app_of(reports);
    // The matrix, asked for: 64 hosts open the fleet view.
    send(&mut app, [ch('v')]);
    send(&mut app, std::iter::repeat_with(|| ch('l')).take(40));
    let shown = screen(&mut app, 120, 30);
    let header = shown.lines().nth(2).expect("header");
    assert!(header.contains("★ prod-web-1"), "{header}");
    assert!(header.contains("node-39"), "{header}");
    assert!(!header.contains("node-00"), "{header}");
    assert!(shown.contains("Python 3"), "{shown}");
}

#[test]
fn a_container_column_says_what_it_runs() {
    let mut web = fixture("debian12-laptop.json");
    let snapshot = web.snapshot.as_mut().expect("snapshot");
    snapshot.host.transport =
        paritty::model::Transport::Podman(Box::new(paritty::model::ImageRef {
            reference: Some("app:1".into()),
            id: Some("0123abcd".into()),
            on_host: None,
        }));
    snapshot.host.labels.insert("environment".into(), "web".into());
    // The same on an SSH host says which.
    let mut api = web.clone();
    let snapshot = api.snapshot.as_mut().expect("snapshot");
    snapshot.host.name = "api".into();
    if let Some(image) = snapshot.host.transport.image_mut() {
        image.on_host = Some("h1".into());
    }
    api.target = "api".into();
    let mut app = crate::common::tui::app_of(vec![fixture("debian11-prod.json"), web, api]);
    let shown = screen(&mut app, 160, 24);
    // Columns are narrow: a short reference is shown whole.
    assert!(shown.contains("web · container of app:1 "), "{shown}");
    assert!(shown.contains("web · container of app:1 on h1"), "{shown}");
}

#[test]
fn pod_and_argv_columns_say_where_they_are() {
    let mut pod = fixture("debian12-laptop.json");
    let snapshot = pod.snapshot.as_mut().expect("snapshot");
    snapshot.host.transport =
        paritty::model::Transport::Kubernetes(Box::new(paritty::model::Pod {
            image: paritty::model::ImageRef {
                reference: Some("app:1".into()),
                ..paritty::model::ImageRef::default()
            },
            namespace: "shop".into(),
            pod: Some("web-0".into()),
            node: Some("n3".into()),
            ..paritty::model::Pod::default()
        }));
    let mut vm = fixture("debian12-laptop.json");
    let snapshot = vm.snapshot.as_mut().expect("snapshot");
    snapshot.host.name = "vm".into();
    snapshot.host.transport = paritty::model::Transport::Exec("vagrant".into());
    let mut app = crate::common::tui::app_of(vec![fixture("debian11-prod.json"), pod, vm]);
    let shown = screen(&mut app, 240, 24);
    let header = shown.lines().nth(3).expect("header's second line");
    // Columns are narrow: the start of it, as for a container.
    assert!(header.contains("container of app:1, pod shop/web"), "{shown}");
    assert!(header.contains("exec vagrant"), "{shown}");
}

#[test]
fn the_declared_column_is_pinned_before_the_baseline_and_judges_each_host() {
    let (_dir, mut declarations) = crate::common::tui::declarations();
    // The temporary folder's name changes every run.
    declarations.app_dir = "app".into();
    let mut app = app();
    app.set_declarations(declarations, false);
    send(&mut app, [ch('D')]);
    select(&mut app, "runtime.python3");
    let buffer = draw(&mut app, 120, 36);
    let shown = text(&buffer);
    insta::assert_snapshot!("declared_column", shown);

    // prod's violation: its own mark and colour, apart from severities.
    let (y, line) = shown
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("│  Python 3") && l.contains('✗'))
        .unwrap_or_else(|| panic!("no judged Python row:\n{shown}"));
    let x = line.chars().position(|c| c == '✗').expect("mark");
    let at = (u16::try_from(x).expect("x"), u16::try_from(y).expect("y"));
    assert_eq!(buffer[at].fg, Color::LightMagenta);
    let x = line.chars().position(|c| c == '✓').expect("a host satisfies it");
    let ok = (u16::try_from(x).expect("x"), at.1);
    assert_eq!(buffer[ok].fg, Color::LightGreen);

    app.color = false;
    let plain = draw(&mut app, 120, 36);
    assert_eq!(text(&plain), shown, "the same marks without colour");
    assert!(plain.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(
        plain[at].modifier.contains(ratatui::style::Modifier::UNDERLINED),
        "NO_COLOR: a violation is underlined"
    );
    assert!(!plain[ok].modifier.contains(ratatui::style::Modifier::UNDERLINED));
}

#[test]
fn the_time_gap_is_in_the_column_headers_and_the_revision_details() {
    use crate::common::git::{DATES, repository};
    use crate::common::tui::{app_of, with_revision};
    let tmp = tempfile::tempdir().expect("tmp");
    let repo = tmp.path().join("app");
    // Fixed dates, names and contents: the same object names every run.
    let commits = repository(&repo, "main", &DATES);
    let mut app = app_of(vec![
        with_revision(fixture("debian11-prod.json"), &commits[2], true),
        with_revision(fixture("debian12-laptop.json"), &commits[5], false),
        with_revision(
            crate::common::tui::staging(),
            "0123456789abcdef0123456789abcdef01234567",
            false,
        ),
    ]);
    send(&mut app, [ch('a')]);
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
    select(&mut app, "app.revision");
    let shown = screen(&mut app, 120, 36);
    insta::assert_snapshot!("time_gap", shown);
    assert!(shown.contains("prod · 3 behind · 9d"), "{shown}");
}

/// prod and the laptop with the same app's dependencies, as the readers
/// make them from real files' text: the laptop runs another urllib3 than
/// prod and than its own lock file.
fn with_dependencies(
    mut report: paritty::model::HostReport,
    urllib3: &str,
) -> paritty::model::HostReport {
    use paritty::collect::deps::{Found, facts};
    let mut found = Found::default();
    for (name, version) in [("requests", "2.31.0"), ("urllib3", urllib3), ("idna", "3.6")] {
        let path =
            format!(".venv/lib/python3.11/site-packages/{name}-{version}.dist-info/METADATA");
        found
            .add_file(&path, &format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"));
    }
    found.add_file("requirements.txt", "requests==2.31.0\nurllib3==2.1.0\nidna==3.6\n");
    found.add_file(
        "node_modules/.package-lock.json",
        r#"{"packages": {"node_modules/@babel/code-frame": {"version": "7.23.5"}}}"#,
    );
    let snapshot = report.snapshot.as_mut().expect("snapshot");
    snapshot.facts.extend(facts(&found));
    report
}

#[test]
fn app_dependencies_are_folded_with_their_counts_until_unfolded() {
    use crate::common::tui::app_of;
    let mut app = app_of(vec![
        with_dependencies(fixture("debian11-prod.json"), "2.1.0"),
        with_dependencies(fixture("debian12-laptop.json"), "2.0.7"),
    ]);
    let category =
        app.categories().iter().position(|c| c.name == "App dependencies").expect("the category");
    let line = paritty::tui::app::Line::Category(category);
    app.cursor = app.lines().iter().position(|l| *l == line).expect("its line");
    let folded = screen(&mut app, 120, 24);
    assert!(folded.contains("▸ App dependencies (4, 1 differs)"), "{folded}");
    assert!(!folded.contains("urllib3"), "folded: {folded}");
    insta::assert_snapshot!("dependencies_folded", folded);
    send(&mut app, [key(KeyCode::Enter)]);
    let open = screen(&mut app, 120, 30);
    assert!(open.contains("▾ App dependencies"), "{open}");
    assert!(open.contains("2.0.7 (lock pins 2.1.0)"), "{open}");
    assert!(open.contains("@babel/code-frame"), "{open}");
    insta::assert_snapshot!("dependencies_unfolded", open);
}
