//! Whole TUI sessions on a TestBackend: the real loop, with the world
//! (input, collection, disk) injected, as bandwhich tests its UI.

use std::sync::mpsc;

use crate::common::tui::{app, ch, key, text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use paritty::tui::export::{Export, ExportError};
use paritty::tui::session::{self, World};
use paritty::tui::update::Msg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Writes exports for real; remembers what it was asked to collect.
#[derive(Default)]
struct Recorder {
    collected: Vec<Vec<usize>>,
    clipboard: Vec<String>,
    measured: Vec<Vec<Option<String>>>,
}

impl World for Recorder {
    fn collect(&mut self, hosts: &[usize]) {
        self.collected.push(hosts.to_vec());
    }

    fn write(&mut self, export: &Export) -> Result<String, ExportError> {
        paritty::tui::write_export(export)
    }

    fn clipboard(&mut self, text: &str) -> Result<String, std::io::Error> {
        self.clipboard.push(text.to_owned());
        Ok("copied".into())
    }

    fn measure(&mut self, revisions: Vec<Option<String>>, _baseline: usize) {
        self.measured.push(revisions);
    }
}

#[test]
fn a_session_navigates_exports_and_refreshes() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("reports/ticket-123.md");
    let (inbox, messages) = mpsc::channel();
    // Export only the divergences (→ on the first field), to a typed path.
    let mut script = vec![
        ch('n'),
        ch('e'),
        key(KeyCode::Right),
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    ];
    script.extend(target.to_str().expect("utf8").chars().map(ch));
    script.extend([key(KeyCode::Enter), ch('l'), ch('r')]);
    for msg in script {
        inbox.send(msg).expect("queued");
    }
    // The inbox closing ends the session after a last frame.
    drop(inbox);
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(110, 34)).expect("terminal");
    let mut world = Recorder::default();
    session::run(&mut terminal, &mut app, &messages, &mut world).expect("session");

    let written = std::fs::read_to_string(&target).expect("the export was written");
    assert!(written.starts_with("**prod-web-1 vs 3 hosts:"), "{written}");
    assert!(!written.contains("| Architecture |"), "only the divergent facts:\n{written}");
    assert!(
        !dir.path()
            .join("reports")
            .read_dir()
            .expect("dir")
            .any(|e| { e.expect("entry").file_name().to_string_lossy().starts_with(".paritty-") }),
        "no temporary file left behind"
    );
    assert_eq!(world.collected, [vec![app.column]], "r collects the selected host");
    let screen = text(terminal.backend().buffer());
    let header =
        screen.lines().find(|l| l.contains("pending")).unwrap_or_else(|| panic!("{screen}"));
    assert!(screen.lines().next().is_some_and(|t| t.contains("collecting 1")), "{screen}");
    assert!(header.contains("pending"), "{header}");
}

#[test]
fn an_export_that_cannot_be_written_says_why_and_the_session_goes_on() {
    let dir = tempfile::tempdir().expect("tmp");
    // A file where the export wants a folder.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "not a folder").expect("write");
    let (inbox, messages) = mpsc::channel();
    let mut script =
        vec![ch('e'), Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL))];
    script.extend(format!("{}/out.md", blocker.display()).chars().map(ch));
    script.push(key(KeyCode::Enter));
    for msg in script {
        inbox.send(msg).expect("queued");
    }
    drop(inbox);
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(110, 34)).expect("terminal");
    session::run(&mut terminal, &mut app, &messages, &mut Recorder::default()).expect("session");
    let screen = text(terminal.backend().buffer());
    let status = screen.lines().rev().find(|l| !l.trim().is_empty()).expect("status line");
    assert!(status.contains("export: cannot"), "{status}");
    assert!(status.contains("blocker"), "{status}");
    assert!(!app.quit);
    assert_eq!(std::fs::read_to_string(&blocker).expect("intact"), "not a folder");
}

/// Host names that are the same once made file names (`laptop` twice, `a b`
/// and `a_b`) still give one file each, and the status line counts the files
/// that are really there.
#[test]
fn every_host_snapshot_gets_its_own_file_even_when_names_collide() {
    use crate::common::tui::{app_of, fixture};
    use paritty::tui::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat, Redaction};
    use paritty::tui::export::{Prepared, prepare};

    let named = |name: &str| {
        let mut report = fixture("debian12-laptop.json");
        report.snapshot.as_mut().expect("snapshot").host.name = name.into();
        report.target = name.into();
        report
    };
    let app = app_of(vec![named("laptop"), named("laptop"), named("a b"), named("a_b")]);
    let dir = tempfile::tempdir().expect("tmp");
    let mut dialog = ExportDialog::new("laptop", false);
    dialog.what = ExportWhat::AllSnapshots;
    dialog.format = ExportFormat::Json;
    dialog.redaction = Redaction::Off;
    dialog.destination = Destination::File;
    dialog.path = dir.path().join("team").to_str().expect("utf8").to_owned();
    let Prepared::Files(export) = prepare(&app, &dialog).expect("prepared") else {
        panic!("files expected")
    };
    let said = paritty::tui::write_export(&export).expect("written");
    assert!(said.starts_with("wrote 4 snapshots"), "{said}");
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("team"))
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["a_b-2.json", "a_b.json", "laptop-2.json", "laptop.json"]);
    let mut hosts: Vec<String> = files
        .iter()
        .map(|f| {
            let path = dir.path().join("team").join(f);
            paritty::model::snapshot_file::read_snapshot(&path).expect("complete").host.name
        })
        .collect();
    hosts.sort();
    assert_eq!(hosts, ["a b", "a_b", "laptop", "laptop"]);
}

/// One file of an export that cannot be written (a folder in its place)
/// does not stop the others, and the status line says how many were.
#[test]
fn an_export_of_every_snapshot_writes_what_it_can_and_counts_it() {
    use crate::common::tui::{app_of, fixture};
    use paritty::tui::dialog::{Destination, ExportDialog, ExportFormat, ExportWhat, Redaction};
    use paritty::tui::export::{Prepared, prepare};

    let named = |name: &str| {
        let mut report = fixture("debian12-laptop.json");
        report.snapshot.as_mut().expect("snapshot").host.name = name.into();
        report.target = name.into();
        report
    };
    let app = app_of(vec![named("web-1"), named("web-2"), named("web-3")]);
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("web-1.json")).expect("a folder in the first file's place");
    let mut dialog = ExportDialog::new("web-1", false);
    dialog.what = ExportWhat::AllSnapshots;
    dialog.format = ExportFormat::Json;
    dialog.redaction = Redaction::Off;
    dialog.destination = Destination::File;
    dialog.path = dir.path().to_str().expect("utf8").to_owned();
    let Prepared::Files(export) = prepare(&app, &dialog).expect("prepared") else {
        panic!("files expected")
    };
    let said = paritty::tui::write_export(&export).expect_err("one file cannot be written");
    let said = said.to_string();
    assert!(said.contains("web-1.json: it is a folder"), "{said}");
    assert!(said.ends_with("(wrote 2 of 3 files)"), "{said}");
    for name in ["web-2.json", "web-3.json"] {
        paritty::model::snapshot_file::read_snapshot(&dir.path().join(name)).expect("written");
    }
}
