//! The interactive terminal UI: hosts collected live into side-by-side
//! panes, divergences marked by severity, details, a pair view, export.
//!
//! State (`app`) changes only through `update` (pure); `view` draws it
//! (pure); `session` runs the loop against an injected world; `terminal`
//! and `collector` are the real world.

pub mod app;
pub mod collector;
pub mod dialog;
pub mod export;
pub mod keys;
pub mod session;
pub mod terminal;
pub mod update;
pub mod view;

use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{self, Event as TermEvent};

use crate::collect::history;
use crate::collect::plan::Plan;
use app::{App, Host};
use collector::Collector;
use export::{Export, ExportError};
use update::Msg;

use crate::collect::target::Target;
use crate::model::HostReport;

/// A column to show: a target to collect, or a report already in hand
/// (a shipped example).
pub enum Source {
    Target { target: Target, environment: Option<String> },
    Example(HostReport),
}

/// Opens the TUI on `sources` and returns when the user quits.
pub fn run(sources: Vec<Source>, mut app_settings: Settings, plan: Plan) -> Result<()> {
    let (inbox_tx, inbox) = mpsc::channel();
    let mut hosts = Vec::new();
    let mut targets = Vec::new();
    for source in sources {
        match source {
            Source::Target { target, environment } => {
                let mut host = Host::new(&target.name(), environment);
                host.started_at = Some(std::time::Duration::ZERO);
                host.groups = match &target {
                    Target::Ssh(t) => t.labels.get("groups").cloned(),
                    Target::Container(t) => t.labels.get("groups").cloned(),
                    _ => None,
                };
                hosts.push(host);
                targets.push(Some(target));
            }
            Source::Example(report) => {
                hosts.push(Host::finished(report, true));
                targets.push(None);
            }
        }
    }
    let to_collect: Vec<usize> = (0..targets.len()).filter(|&i| targets[i].is_some()).collect();
    let profile = plan.profile.name.clone();
    let mut app =
        App::new(hosts, std::mem::take(&mut app_settings.policy), &profile, app_settings.keymap);
    app.color = app_settings.color;
    app.set_acceptances(std::mem::take(&mut app_settings.acceptances), app_settings.today.clone());
    app.show_hint = app_settings.show_hint;
    if let Some(problem) = app_settings.declarations.problems.first() {
        let more = app_settings.declarations.problems.len() - 1;
        let more = if more > 0 { format!(" ({more} more)") } else { String::new() };
        app.message = Some(format!("declaration file {problem}{more}"));
    }
    let show = app_settings.show_declared && !app_settings.declarations.items.is_empty();
    if app_settings.show_declared && !show && app.message.is_none() {
        app.message = Some(format!("nothing declared in {}", app_settings.declarations.app_dir));
    }
    app.set_declarations(app_settings.declarations, show);
    if let Some(wanted) = &app_settings.baseline
        && let Some(at) = app.hosts.iter().position(|h| &h.name == wanted)
    {
        app.baseline = at;
        app.baseline_chosen = true;
        app.column = at;
        app.recompare();
    }
    let repository = Repository {
        app_dir: plan.app_dir.clone(),
        timeout: plan.collect.command_timeout,
        inbox: inbox_tx.clone(),
    };
    let mut world =
        RealWorld { collector: Collector::new(plan, targets, inbox_tx.clone()), repository };

    let (mut terminal, guard) = terminal::enter().wrap_err("cannot take over the terminal")?;
    spawn_input(inbox_tx);
    world.collector.collect(&to_collect);
    let result = session::run(&mut terminal, &mut app, &inbox, &mut world);
    let given_back = guard.give_back();
    result.wrap_err("the terminal failed")?;
    given_back.wrap_err("cannot give the terminal back (`reset` repairs it)")
}

/// What the TUI takes from the config and the environment.
pub struct Settings {
    pub policy: crate::compare::policy::Policy,
    pub keymap: crate::keymap::Keymap,
    pub color: bool,
    pub show_hint: bool,
    /// `--baseline`: a host name as the user typed it.
    pub baseline: Option<String>,
    /// What the app folder declares, read before the view opens.
    pub declarations: crate::declare::Declarations,
    /// Open with the `declared` column (the `declared` target was named).
    pub show_declared: bool,
    /// The accepted drift, and today (`YYYY-MM-DD`) for its expiry.
    pub acceptances: Vec<crate::compare::accepted::Acceptance>,
    pub today: String,
}

/// Terminal input on its own thread, as messages.
fn spawn_input(inbox: Sender<Msg>) {
    let _ = std::thread::Builder::new().name("input".into()).spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(TermEvent::Key(key)) => Msg::Key(key),
                Ok(TermEvent::Mouse(mouse)) => Msg::Mouse(mouse),
                Ok(TermEvent::Resize(width, height)) => Msg::Resize(width, height),
                Ok(_) => continue,
                Err(_) => break,
            };
            if inbox.send(msg).is_err() {
                break;
            }
        }
    });
}

struct RealWorld {
    collector: Collector,
    repository: Repository,
}

/// The developer's repository (the app folder), asked on a thread of its
/// own so git never holds up the screen.
struct Repository {
    app_dir: PathBuf,
    timeout: std::time::Duration,
    inbox: Sender<Msg>,
}

impl session::World for RealWorld {
    fn collect(&mut self, hosts: &[usize]) {
        self.collector.collect(hosts);
    }

    fn write(&mut self, export: &Export) -> Result<String, ExportError> {
        write_export(export)
    }

    fn measure(&mut self, revisions: Vec<Option<String>>, baseline: usize) {
        let (dir, timeout, inbox) = (
            self.repository.app_dir.clone(),
            self.repository.timeout,
            self.repository.inbox.clone(),
        );
        let spawned = std::thread::Builder::new().name("revisions".into()).spawn(move || {
            let path = std::env::var_os("PATH");
            let gap = history::read(&dir, &revisions, baseline, timeout, path.as_deref());
            let _ = inbox.send(Msg::Measured { revisions, baseline, gap });
        });
        // Without a thread there is no time gap to show; nothing else is lost.
        drop(spawned);
    }

    fn clipboard(&mut self, text: &str) -> Result<String, std::io::Error> {
        use std::io::Write as _;
        let sequence = osc52(text);
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(sequence.as_bytes()).and_then(|()| stdout.flush())?;
        Ok(format!(
            "sent {} KiB to the clipboard (OSC 52; the terminal must allow it)",
            text.len().div_ceil(1024)
        ))
    }
}

/// The OSC 52 sequence that asks the terminal to set its clipboard to
/// `text`; terminals and tmux (`set-clipboard on`) pass it on, over SSH too.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Writes every file of an export (atomically, or through to a device or
/// FIFO: `fsutil::write_out`); says where. One file that cannot be written
/// does not stop the others; the error counts what was written.
pub fn write_export(export: &Export) -> Result<String, ExportError> {
    let mut written: Vec<PathBuf> = Vec::new();
    let mut first_error = None;
    for (path, contents) in &export.files {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|error| ExportError::CreateFolder { path: parent.to_owned(), error })?;
        }
        match crate::fsutil::write_out(path, contents.as_bytes()) {
            Ok(_) => written.push(std::path::absolute(path).unwrap_or_else(|_| path.clone())),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    if let Some(error) = first_error {
        return Err(ExportError::Write {
            error,
            written: written.len(),
            total: export.files.len(),
        });
    }
    Ok(match written.as_slice() {
        [one] => format!("wrote {} to {}", export.what, one.display()),
        many => {
            let folder = many[0].parent().map_or_else(String::new, |p| p.display().to_string());
            format!("wrote {} to {folder}", export.what)
        }
    })
}
