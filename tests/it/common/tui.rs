//! TUI test helpers: apps built from committed snapshot fixtures, keys as
//! messages, and screens drawn on ratatui's TestBackend as plain text.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use paritty::compare::policy::Policy;
use paritty::keymap::Keymap;
use paritty::model::snapshot_file::read_snapshot;
use paritty::model::{FailReason, Failure, HostReport};
use paritty::tui::app::{App, Host};
use paritty::tui::update::{Effect, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub fn fixture(name: &str) -> HostReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots").join(name);
    let snapshot = read_snapshot(&path).unwrap_or_else(|e| panic!("{e}"));
    HostReport { target: snapshot.host.name.clone(), snapshot: Some(snapshot), failure: None }
}

/// The laptop a release behind on a few tools: a third, different host.
pub fn staging() -> HostReport {
    let mut report = fixture("debian12-laptop.json");
    let snapshot = report.snapshot.as_mut().expect("snapshot");
    snapshot.host.name = "staging-1".into();
    snapshot.host.labels.insert("environment".into(), "staging".into());
    if let Some(git) = snapshot.facts.get_mut("tool.git") {
        git.value = Some("2.39.5".into());
        git.raw = "git version 2.39.5\n".into();
    }
    report.target = "staging-1".into();
    report
}

pub fn unreachable(name: &str) -> HostReport {
    HostReport {
        target: name.into(),
        snapshot: None,
        failure: Some(Failure::new(
            FailReason::Unreachable,
            "connect to 127.0.0.9:22: connection refused",
        )),
    }
}

/// prod (baseline), laptop, staging and an unreachable host, all finished.
pub fn app() -> App {
    let reports = vec![
        fixture("debian11-prod.json"),
        fixture("debian12-laptop.json"),
        staging(),
        unreachable("db-2"),
    ];
    app_of(reports)
}

pub fn app_of(reports: Vec<HostReport>) -> App {
    let hosts = reports.into_iter().map(|r| Host::finished(r, false)).collect();
    let mut app = App::new(hosts, Policy::default(), "default", Keymap::default());
    update(&mut app, Msg::Resize(100, 30));
    app
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// Sends each message; the effects of all of them.
pub fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(app, m)).collect()
}

pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(ch))
}

/// The app drawn at `width`×`height`.
pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    update(app, Msg::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| paritty::tui::view::render(frame, app)).expect("draw");
    terminal.backend().buffer().clone()
}

/// A buffer as lines of text, trailing spaces trimmed.
pub fn text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            // A wide character's second cell is blank in the buffer.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = cell.symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(app: &mut App, width: u16, height: u16) -> String {
    text(&draw(app, width, height))
}

/// A fleet of `n` hosts from the prod fixture: `web-1`.. in groups `prod`
/// (even) and `staging` (odd), OpenSSL 3.0.13 everywhere but on `odd`
/// (1.1.1w), and `unreachable` hosts that could not be collected.
pub fn fleet(n: usize, odd: &[usize], unreachable_hosts: &[usize]) -> Vec<HostReport> {
    let base = fixture("debian11-prod.json");
    (0..n)
        .map(|i| {
            let name = format!("web-{}", i + 1);
            if unreachable_hosts.contains(&i) {
                return unreachable(&name);
            }
            let mut report = base.clone();
            let snapshot = report.snapshot.as_mut().expect("snapshot");
            snapshot.host.name.clone_from(&name);
            snapshot.host.labels.clear();
            let group = if i % 2 == 0 { "prod" } else { "staging" };
            snapshot.host.labels.insert("groups".into(), group.into());
            if i == 0 {
                snapshot.host.labels.insert("environment".into(), "prod".into());
            }
            if let Some(openssl) = snapshot.facts.get_mut("tool.openssl") {
                let value = if odd.contains(&i) { "1.1.1w" } else { "3.0.13" };
                openssl.value = Some(value.into());
                openssl.raw = format!("OpenSSL {value}\n");
            }
            report.target = name;
            report
        })
        .collect()
}

/// A real app folder that declares Python two ways (`.python-version`
/// 3.11, `requires-python >=3.9`) and Node two ways that cannot both hold
/// (`.nvmrc` 20, `engines.node >=18 <19`), read by paritty's reader.
pub fn declarations() -> (tempfile::TempDir, paritty::declare::Declarations) {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect(name);
    write(".python-version", "3.11\n");
    write("pyproject.toml", "[project]\nname = \"app\"\nrequires-python = \">=3.9\"\n");
    write(".nvmrc", "20\n");
    write(
        "package.json",
        "{\n  \"name\": \"app\",\n  \"engines\": { \"node\": \">=18 <19\" }\n}\n",
    );
    let declarations = paritty::declare::read::read_dir(dir.path());
    assert!(declarations.problems.is_empty(), "{:?}", declarations.problems);
    (dir, declarations)
}

/// `report` with an `app.revision` fact: as git in the app folder gives it
/// (`from_git`), else as a REVISION file does.
pub fn with_revision(mut report: HostReport, revision: &str, from_git: bool) -> HostReport {
    use paritty::model::{Fact, Status};
    let mut fact = Fact::empty(Status::Ok);
    fact.value = Some(revision.to_owned());
    fact.raw = format!("{revision}\n");
    fact.label = "App revision".into();
    fact.category = "App".into();
    fact.compare = Some(paritty::profile::CompareKind::Exact);
    fact.informational = true;
    if from_git {
        fact.command = Some(vec!["git".into(), "rev-parse".into(), "HEAD".into()]);
        fact.found_at = Some("/usr/bin/git".into());
        fact.exit_code = Some(0);
    } else {
        fact.found_at = Some("/srv/app/REVISION".into());
    }
    let snapshot = report.snapshot.as_mut().expect("snapshot");
    snapshot.facts.insert("app.revision".into(), fact);
    report
}
