//! Running vs installed, against a real Redis server: Debian's `redis-server` copied into a
//! folder of the test's own and started from there (`common::services::redis_from`), that
//! folder first on PATH so the installed fact finds the copy; then the file replaced by a
//! script answering another version, as an upgrade does. Collected here (/proc scanned in
//! Rust), over a real sshd (the probe's running section) and by the probe under each local
//! shell (dash, bash, busybox): installed is the new version, running the server's own, the
//! binary flagged replaced, and every output says a restart is pending.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use paritty::collect::local::LocalContext;
use paritty::collect::probed::facts_from_probe;
use paritty::collect::{CollectOptions, collect_local_with};
use paritty::compare::matrix::Comparison;
use paritty::compare::policy::Policy;
use paritty::compare::restart;
use paritty::compare::wording::cell_text;
use paritty::export::diff::{self, DiffFormat};
use paritty::export::document::DiffDoc;
use paritty::export::{SnapshotFormat, render_snapshot};
use paritty::model::snapshot_file::{parse_snapshot, to_json};
use paritty::model::{Fact, HostReport, Process, Snapshot, Status};
use paritty::probe::{frame, script};
use paritty::profile::{Profile, parse_profile};

use crate::common::probe::{run_script, shells};
use crate::common::services::{self, Server};
use crate::common::sshd::{HostSpec, Lab};
use crate::common::tui::{app_of, screen};
use paritty::tui::app::Line;

/// Redis as the default profile defines it, and a server nobody runs.
const PROFILE: &str = r#"
[profile]
name = "running-test"

[[fact]]
id = "service.redis"
label = "Redis server"
category = "Backing services"
compare = "loose"
parser = "redis"
sources = [{ cmd = ["redis-server", "--version"] }]
running = { programs = ["redis-server", "valkey-server"] }

[[fact]]
id = "service.idle"
label = "A server not running"
category = "Backing services"
compare = "loose"
parser = "redis"
sources = [{ cmd = ["paritty-idle-srv", "--version"] }]
running = { programs = ["paritty-idle-srv"] }
"#;

/// The version the replacement answers, in redis-server's words.
const NEW: &str = "99.1.2";

fn profile() -> Profile {
    parse_profile(PROFILE, "running-test", None).expect("the test profile loads")
}

/// A folder the servers' user (the sshd lab's, when the tests run as root) may enter, with a
/// copy of the system's redis-server in it, also as `paritty-idle-srv` (never started).
struct Copy {
    dir: tempfile::TempDir,
    program: PathBuf,
}

fn copy_redis() -> Copy {
    let dir = tempfile::Builder::new().prefix("paritty-running-").tempdir().expect("tempdir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let system = which::which("redis-server")
        .expect("no redis-server installed (bash scripts/test-deps.sh installs it)");
    let program = dir.path().join("redis-server");
    for name in ["redis-server", "paritty-idle-srv"] {
        let to = dir.path().join(name);
        fs::copy(&system, &to).expect("copy redis-server");
        fs::set_permissions(&to, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    Copy { dir, program }
}

impl Copy {
    /// What the copy says its version is (`v=7.0.15` in its `--version`).
    fn version(&self) -> String {
        let out = Command::new(&self.program).arg("--version").output().expect("run redis-server");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let word = text.split_whitespace().find_map(|w| w.strip_prefix("v=")).expect("v= in it");
        word.to_owned()
    }

    /// The upgrade: another file renamed over the program, as a package manager does.
    fn replace(&self) {
        let new = self.dir.path().join("new-redis-server");
        let body = format!(
            "#!/bin/sh\necho 'Redis server v={NEW} sha=00000000:0 malloc=libc bits=64 build=0'\n"
        );
        fs::write(&new, body).expect("write the replacement");
        fs::set_permissions(&new, fs::Permissions::from_mode(0o755)).expect("chmod");
        fs::rename(&new, &self.program).expect("rename over redis-server");
    }

    fn path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.dir.path().display())
    }
}

fn start(copy: &Copy) -> Server {
    services::redis_from(&copy.program).unwrap_or_else(|why| panic!("{why}"))
}

/// The one server of the fact running from the test's folder (other tests run theirs).
fn ours<'f>(fact: &'f Fact, copy: &Copy) -> &'f Process {
    let running = fact.running.as_ref().unwrap_or_else(|| panic!("no running servers: {fact:?}"));
    let dir = copy.dir.path().to_string_lossy();
    let mine: Vec<&Process> = running
        .processes
        .iter()
        .filter(|p| p.exe.as_deref().is_some_and(|e| e.starts_with(&*dir)))
        .collect();
    assert_eq!(mine.len(), 1, "{running:?}");
    mine[0]
}

fn collect_here(copy: &Copy) -> Snapshot {
    let ctx = LocalContext::with_path(Some(copy.path().into()));
    collect_local_with(&profile(), &CollectOptions::default(), &ctx)
}

/// `snapshot` with only the test's own server on its facts: other tests run servers of the
/// same program at the same time, and may have replaced theirs.
fn mine_only(mut snapshot: Snapshot, copy: &Copy) -> Snapshot {
    let dir = copy.dir.path().to_string_lossy().into_owned();
    for fact in snapshot.facts.values_mut() {
        if let Some(running) = &mut fact.running {
            running.processes.retain(|p| p.exe.as_deref().is_some_and(|e| e.starts_with(&dir)));
        }
    }
    snapshot
}

/// What is the same whatever collected it: installed, and our server's version and flag.
fn check(
    facts: &BTreeMap<String, Fact>,
    copy: &Copy,
    installed: &str,
    running: &str,
    replaced: bool,
) {
    let fact = &facts["service.redis"];
    assert_eq!((fact.status, fact.value.as_deref()), (Status::Ok, Some(installed)), "{fact:?}");
    let process = ours(fact, copy);
    assert_eq!(process.version.as_deref(), Some(running), "{process:?}");
    assert_eq!(process.replaced, replaced, "{process:?}");
    assert_eq!(process.exe.as_deref(), Some(&*copy.program.to_string_lossy()));
    assert_eq!(process.note, None);
    // Nobody runs the other program: nothing is said of it.
    let idle = &facts["service.idle"];
    assert_eq!((idle.status, &idle.running), (Status::Ok, &None), "{idle:?}");
}

#[test]
fn a_replaced_binary_is_seen_running_its_old_version_here() {
    let copy = copy_redis();
    let old = copy.version();
    let _server = start(&copy);

    let before = mine_only(collect_here(&copy), &copy);
    check(&before.facts, &copy, &old, &old, false);
    assert_eq!(restart::pending(&before.facts["service.redis"]), None);

    copy.replace();
    let after = mine_only(collect_here(&copy), &copy);
    check(&after.facts, &copy, NEW, &old, true);
    let fact = &after.facts["service.redis"];
    let pending = restart::pending(fact).expect("a restart is pending");
    assert_eq!(
        pending.sentence(),
        format!("running {old} from a replaced binary, installed {NEW}: restart pending")
    );

    // The snapshot file carries it, and reads back the same.
    let json = to_json(&after);
    assert!(json.contains("\"running\""), "{json}");
    let back = parse_snapshot(&json, Path::new("after.json")).expect("reads back");
    assert_eq!(back.facts["service.redis"].running, fact.running);

    // A comparison's cell says it beside the value, in the TUI and every diff export.
    let reports: Vec<HostReport> = [before, after]
        .into_iter()
        .enumerate()
        .map(|(i, s)| HostReport { target: format!("h{i}"), snapshot: Some(s), failure: None })
        .collect();
    let comparison = Comparison::build(&reports, 0, &Policy::default());
    let row = comparison.rows.iter().find(|r| r.id == "service.redis").expect("the row");
    assert_eq!(cell_text(&row.cells[0], false), old);
    assert_eq!(cell_text(&row.cells[1], false), format!("{NEW} (⟳ running {old})"));
    let sentence = pending.sentence();
    let doc = DiffDoc {
        comparison: &comparison,
        reports: &reports,
        only_diff: false,
        redacted: None,
        declared: None,
        time_gap: None,
    };
    for format in [DiffFormat::Text, DiffFormat::Md, DiffFormat::Html] {
        let out = diff::render(&doc, format, false);
        assert!(out.contains(&format!("⟳ running {old}")), "{format:?}:\n{out}");
    }
    // Under the table, the whole sentence.
    for format in [DiffFormat::Text, DiffFormat::Md] {
        let out = diff::render(&doc, format, false);
        assert!(out.contains(&pending.sentence()), "{format:?}:\n{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&diff::render(&doc, DiffFormat::Json, false)).expect("diff JSON");
    let cells = json["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == "service.redis"))
        .map(|r| r["cells"].clone())
        .expect("the row in JSON");
    assert_eq!(cells[0].get("restart"), None);
    assert_eq!(cells[1]["restart"], sentence.as_str());
    // The details pane shows installed and running side by side, and the restart.
    let mut app = app_of(reports.clone());
    let index = comparison.rows.iter().position(|r| r.id == "service.redis").expect("row");
    app.cursor = app.lines().iter().position(|l| *l == Line::Fact(index)).expect("line");
    let shown = screen(&mut app, 200, 40);
    let pid =
        ours(&reports[1].snapshot.as_ref().expect("snapshot").facts["service.redis"], &copy).pid;
    assert!(shown.contains(&format!("installed {NEW} │ running {old}  pid {pid}")), "{shown}");
    assert!(shown.contains("(binary replaced since it started)"), "{shown}");
    assert!(shown.contains(&format!("⟳ {}", pending.sentence())), "{shown}");
    assert!(shown.contains(&format!("installed {old} │ running {old}")), "{shown}");
    // A snapshot's own reports say the whole sentence.
    for format in [SnapshotFormat::Text, SnapshotFormat::Md, SnapshotFormat::Html] {
        let after = render_snapshot(reports[1].snapshot.as_ref().expect("snapshot"), format);
        assert!(after.contains(&sentence), "{format:?}:\n{after}");
        let before = render_snapshot(reports[0].snapshot.as_ref().expect("snapshot"), format);
        assert!(!before.contains("restart pending"), "{format:?}:\n{before}");
    }
}

/// The snapshot of the lab's host `srv`, collected over SSH.
fn collect_over_ssh(lab: &Lab) -> Snapshot {
    let plan = crate::common::remote::plan(
        &profile(),
        lab.ssh_config(),
        CollectOptions::default(),
        Duration::from_secs(10),
    );
    let targets = [crate::common::remote::ssh_target("srv")];
    let (events, _rx) = std::sync::mpsc::channel();
    let mut reports = paritty::collect::hosts::collect_targets(
        &targets,
        &plan,
        paritty::collect::plan::Prompts::default(),
        &events,
    );
    let report = reports.pop().expect("one report");
    assert_eq!(report.failure, None);
    report.snapshot.expect("a snapshot")
}

#[test]
fn over_ssh_the_probe_sees_the_same() {
    let copy = copy_redis();
    let old = copy.version();
    let _server = start(&copy);
    let lab = Lab::new();
    let path = copy.path();
    let _host = lab.add_host(&HostSpec { name: "srv", path: Some(&path), ..HostSpec::default() });
    check(&mine_only(collect_over_ssh(&lab), &copy).facts, &copy, &old, &old, false);
    copy.replace();
    check(&mine_only(collect_over_ssh(&lab), &copy).facts, &copy, NEW, &old, true);
}

#[test]
fn another_users_server_is_listed_with_a_note_not_an_error() {
    let lab = Lab::new();
    if !lab.is_root() {
        eprintln!("skipped: a server of another user than the lab's needs root (CI runs as root)");
        return;
    }
    let copy = copy_redis();
    let _server =
        services::redis_from_as_tester(&copy.program).unwrap_or_else(|why| panic!("{why}"));
    // Root here sees its pid and executable.
    let pid = ours(&collect_here(&copy).facts["service.redis"], &copy).pid;
    let path = copy.path();
    let _host = lab.add_host(&HostSpec { name: "srv", path: Some(&path), ..HostSpec::default() });
    let snapshot = collect_over_ssh(&lab);
    let fact = &snapshot.facts["service.redis"];
    assert_eq!((fact.status, fact.value.as_deref()), (Status::Ok, Some(&*copy.version())));
    let running = fact.running.as_ref().expect("running servers");
    let theirs = running.processes.iter().find(|p| p.pid == pid).expect("root's server listed");
    assert_eq!((&theirs.exe, &theirs.version, theirs.replaced), (&None, &None, false));
    let note = theirs.note.as_deref().unwrap_or_default();
    assert!(note.starts_with(&format!("not permitted to read /proc/{pid}/exe")), "{note}");
    assert_eq!(restart::pending(&mine_pid(fact, pid)), None);
}

/// `fact` with only process `pid` on it.
fn mine_pid(fact: &Fact, pid: u32) -> Fact {
    let mut fact = fact.clone();
    if let Some(running) = &mut fact.running {
        running.processes.retain(|p| p.pid == pid);
    }
    fact
}

#[test]
fn without_proc_an_installed_server_is_not_observable() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: hiding /proc needs root (CI runs as root)");
        return;
    }
    let copy = copy_redis();
    let profile = profile();
    let built = script::build(&profile, CollectOptions::default().script_limits());
    // A private mount namespace with an empty /proc, as on a host without one.
    let hide = "mount -t tmpfs none /proc && exec \"$@\"";
    let shell: Vec<String> =
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", hide, "sh", "/bin/sh"]
            .map(str::to_owned)
            .to_vec();
    let out = run_script(&shell, &built.text, |c| {
        c.env("PATH", copy.path());
    });
    let parsed = frame::parse(&out.stdout, &built.boundary);
    assert!(parsed.finished, "{}", String::from_utf8_lossy(&out.stderr));
    let facts = facts_from_probe(&profile, &parsed, 65536, "cut off");
    let said = |id: &str| facts[id].running.as_ref().and_then(|r| r.unobservable.clone());
    assert_eq!(
        said("service.redis").as_deref(),
        Some(paritty::collect::running::local::NOT_OBSERVABLE)
    );
    assert_eq!(facts["service.redis"].running.as_ref().map(|r| r.processes.len()), Some(0));
    assert_eq!(
        said("service.idle").as_deref(),
        Some(paritty::collect::running::local::NOT_OBSERVABLE)
    );
}

#[test]
fn every_shell_runs_the_probes_running_section() {
    let copy = copy_redis();
    let old = copy.version();
    let _server = start(&copy);
    copy.replace();
    let profile = profile();
    let built = script::build(&profile, CollectOptions::default().script_limits());
    for shell in shells() {
        let out = run_script(&shell, &built.text, |c| {
            c.env("PATH", copy.path());
        });
        let parsed = frame::parse(&out.stdout, &built.boundary);
        assert!(parsed.finished, "{shell:?}: {}", String::from_utf8_lossy(&out.stderr));
        let facts = facts_from_probe(&profile, &parsed, 65536, "cut off");
        check(&facts, &copy, NEW, &old, true);
    }
}

/// PostgreSQL as the default profile defines it, the server at `program`.
fn postgres_profile(program: &Path) -> Profile {
    let text = format!(
        "[profile]\nname = \"pg\"\n[[fact]]\nid = \"service.postgresql\"\nlabel = \"PostgreSQL\"\n\
         category = \"Backing services\"\ncompare = \"loose\"\nparser = \"postgres\"\n\
         sources = [{{ cmd = [\"{}\", \"--version\"] }}]\nrunning = {{ programs = [\"postgres\"] }}\n",
        program.display()
    );
    parse_profile(&text, "pg", None).expect("the profile loads")
}

#[test]
fn a_postgresql_server_and_its_children_count_once() {
    let server = services::postgres();
    let profile = postgres_profile(&server.program);
    // Other test runs may have theirs: this run's runs from this process's services folder
    // (its data folder is on its command line), and must be one process, not its dozen.
    let marker = format!("paritty-services-{}/", std::process::id());
    let ours = |p: &&Process| {
        fs::read(format!("/proc/{}/cmdline", p.pid))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&marker))
    };
    let servers_of = |facts: &BTreeMap<String, Fact>| -> Vec<Process> {
        let fact = &facts["service.postgresql"];
        let running = fact.running.as_ref().unwrap_or_else(|| panic!("{fact:?}"));
        running.processes.iter().filter(ours).cloned().collect()
    };
    let here = collect_local_with(&profile, &CollectOptions::default(), &LocalContext::new());
    let mine = servers_of(&here.facts);
    assert_eq!(mine.len(), 1, "{mine:?}");
    let installed = here.facts["service.postgresql"].value.clone().expect("installed");
    assert_eq!(mine[0].version.as_ref(), Some(&installed));
    assert!(!mine[0].replaced);
    // Its children run the same executable, with the postmaster as their parent.
    let children = fs::read_to_string(format!("/proc/{0}/task/{0}/children", mine[0].pid))
        .expect("the postmaster's children");
    assert!(children.split_whitespace().count() >= 2, "{children}");
    let listed = &here.facts["service.postgresql"].running.as_ref().expect("running").processes;
    for child in children.split_whitespace() {
        assert!(!listed.iter().any(|p| p.pid.to_string() == child), "child {child} listed");
    }

    // The probe, under each shell, agrees.
    let built = script::build(&profile, CollectOptions::default().script_limits());
    for shell in shells() {
        let out = run_script(&shell, &built.text, |_| {});
        let parsed = frame::parse(&out.stdout, &built.boundary);
        let facts = facts_from_probe(&profile, &parsed, 65536, "cut off");
        let probed = servers_of(&facts);
        assert_eq!(probed.len(), 1, "{shell:?}: {probed:?}");
        assert_eq!((probed[0].pid, &probed[0].version), (mine[0].pid, &mine[0].version));
    }
}

/// A server whose file others may write (as a user's own build would be, or another user's
/// file) is listed, never run to ask its version, here and by the probe in every shell:
/// paritty often runs as root, and running it would run whoever wrote it as root.
#[test]
fn a_server_whose_file_others_may_write_is_never_run() {
    let copy = copy_redis();
    fs::set_permissions(&copy.program, fs::Permissions::from_mode(0o757)).expect("chmod");
    let _server = start(&copy);
    let check = |facts: &BTreeMap<String, Fact>, by: &str| {
        let process = ours(&facts["service.redis"], &copy);
        assert_eq!(process.version, None, "{by}: {process:?}");
        assert_eq!(process.note.as_deref(), Some(paritty::collect::running::NOT_RUN), "{by}");
    };
    check(&collect_here(&copy).facts, "here");
    let profile = profile();
    let built = script::build(&profile, CollectOptions::default().script_limits());
    for shell in shells() {
        let out = run_script(&shell, &built.text, |c| {
            c.env("PATH", copy.path());
        });
        let parsed = frame::parse(&out.stdout, &built.boundary);
        assert!(parsed.finished, "{shell:?}: {}", String::from_utf8_lossy(&out.stderr));
        check(&facts_from_probe(&profile, &parsed, 65536, "cut off"), &format!("{shell:?}"));
    }
}
