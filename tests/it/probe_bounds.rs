//! The probe's bounds on a host, through dash, bash and busybox: a tool
//! that hangs (a child keeping its output open, a daemon holding it) costs
//! its timeout and no more and the facts after it are still collected; the
//! probe ends by its host deadline, also when nobody reads it; and nothing
//! of it stays: no process, no scratch folder, and the folder of a probe
//! killed outright is removed by the next probe.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::time::Duration;

use crate::common::probe::{
    Reaper, Watched, essence, fifo_line, fifo_write, mkfifo, path_with, scratch_folders, shells,
    start_time,
};
use crate::common::{HEADER, command_fact, profile, tool};
use paritty::collect::local::LocalContext;
use paritty::collect::probed::facts_from_probe;
use paritty::collect::{CollectOptions, collect_local_with};
use paritty::model::Status;
use paritty::probe::{frame, script};

/// Far more than a probe of a few facts with a 1 s timeout needs (about
/// 1.5 s), far less than the hung tools' 100 s: room for a loaded machine
/// (10 s was once not enough for a shell to start a tool under a full
/// test run beside other builds).
const BOUND: Duration = Duration::from_secs(30);

fn file_fact(id: &str, path: &Path) -> String {
    format!(
        "[[fact]]\nid = {id:?}\nlabel = \"f\"\ncategory = \"S\"\ncompare = \"text\"\nparser = \"trim\"\n\
         sources = [{{ file = {:?}, key = \"ID\" }}]\n",
        path.display().to_string()
    )
}

#[test]
fn hung_tools_cost_their_timeout_and_the_facts_after_them_are_collected() {
    let bin = tempfile::tempdir().expect("tmp");
    let work = tempfile::tempdir().expect("tmp");
    let daemons = work.path().join("daemons");
    let _reaper = Reaper { file: Some(daemons.clone()), pids: Vec::new() };
    // Issue 16's repro: the tool waits for a child that keeps its output open.
    tool(bin.path(), "kubectl", "echo 'Client Version: v1.30.0'; sleep 100");
    // The tool is gone, its child still holds the output.
    tool(bin.path(), "leaver", "echo 'leaver 2.0.0'; sleep 100 &");
    // A daemon in a session of its own holds the output: not the probe's to
    // kill (local collection leaves it too), only not to wait for. It
    // closes fd 3, which tells the test the probe's processes are gone.
    tool(
        bin.path(),
        "daemon",
        &format!(
            "echo 'daemon 3.0.0'; setsid sh -c 'echo $$ >> \"{}\"; exec sleep 100' 3>&- &",
            daemons.display()
        ),
    );
    for (n, name) in ["one", "two", "three"].into_iter().enumerate() {
        tool(bin.path(), name, &format!("echo '{name} 1.{n}.0'"));
    }
    let release = work.path().join("os-release");
    std::fs::write(&release, "ID=after\n").expect("write");
    let text = format!(
        "{HEADER}{}{}{}{}{}{}{}",
        command_fact("a.kubectl", &["kubectl", "version", "--client"], "version"),
        command_fact("b.one", &["one"], "version"),
        command_fact("c.leaver", &["leaver"], "version"),
        command_fact("d.two", &["two"], "version"),
        command_fact("e.daemon", &["daemon"], "version"),
        command_fact("f.three", &["three"], "version"),
        file_fact("g.file", &release),
    );
    let profile = profile(&text);
    let opts =
        CollectOptions { command_timeout: Duration::from_secs(1), ..CollectOptions::default() };
    let path = path_with(bin.path());
    // What local collection makes of the same tools: every transport agrees.
    let local = collect_local_with(&profile, &opts, &LocalContext::with_path(Some(path.clone())));
    let built = script::build(&profile, opts.script_limits());
    for shell in shells() {
        let runtime = tempfile::tempdir().expect("tmp");
        let mut probe = Watched::start(&shell, &built.text, |c| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        });
        let (out, _took) = probe.output_within(BOUND);
        // kubectl's sleep, the leaver's, every shell of the probe.
        probe.all_gone_within(BOUND);
        let parsed = frame::parse(&out, &built.boundary);
        assert!(parsed.finished, "{shell:?}: the probe ran to its end");
        let facts = facts_from_probe(&profile, &parsed, opts.max_bytes, "cut off");
        for (id, fact) in &facts {
            let here = &local.facts[id];
            assert_eq!(
                essence(fact),
                essence(here),
                "{shell:?} {id}\nprobe: {fact:?}\nlocal: {here:?}"
            );
        }
        for (id, raw) in [
            ("a.kubectl", "Client Version: v1.30.0\n"),
            ("c.leaver", "leaver 2.0.0\n"),
            ("e.daemon", "daemon 3.0.0\n"),
        ] {
            assert_eq!(facts[id].status, Status::Timeout, "{shell:?} {id}");
            assert_eq!(facts[id].raw, raw, "{shell:?} {id}: what it printed before is kept");
        }
        for (id, value) in
            [("b.one", "1.0.0"), ("d.two", "1.1.0"), ("f.three", "1.2.0"), ("g.file", "after")]
        {
            assert_eq!(facts[id].value.as_deref(), Some(value), "{shell:?} {id}");
        }
        assert_eq!(scratch_folders(runtime.path()), Vec::<String>::new(), "{shell:?}");
    }
}

/// Four tools that hang, one at a time: their timeouts (2 s each) would
/// outlast the 7 s the host is given. The probe halts at its deadline
/// (running commands killed, no more started), emits what it has and ends
/// in time, with the facts that need no command still read.
#[test]
fn the_probe_halts_at_its_host_deadline() {
    let bin = tempfile::tempdir().expect("tmp");
    let work = tempfile::tempdir().expect("tmp");
    let mut text = HEADER.to_owned();
    for n in 0..4 {
        let name = format!("hang{n}");
        tool(bin.path(), &name, &format!("echo '{name} 1.0.0'; exec sleep 100"));
        text.push_str(&command_fact(&format!("a.{name}"), &[&name], "version"));
    }
    let release = work.path().join("os-release");
    std::fs::write(&release, "ID=read\n").expect("write");
    text.push_str(&file_fact("b.file", &release));
    let profile = profile(&text);
    let opts = CollectOptions {
        command_timeout: Duration::from_secs(2),
        max_parallel: 1,
        ..CollectOptions::default()
    };
    let built = script::build(&profile, opts.script_limits());
    let given = Duration::from_secs(7);
    let probe_text = built.for_host(given);
    // 7 s, less three ticks of 0.4 s and two seconds for the host's clock.
    assert!(probe_text.contains("\nT=3\n"), "the deadline line");
    let path = path_with(bin.path());
    for shell in shells() {
        let runtime = tempfile::tempdir().expect("tmp");
        let mut probe = Watched::start(&shell, &probe_text, |c| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        });
        let (out, _took) = probe.output_within(given);
        probe.all_gone_within(given);
        let parsed = frame::parse(&out, &built.boundary);
        assert!(parsed.finished, "{shell:?}: the probe emitted everything and ended");
        let facts = facts_from_probe(&profile, &parsed, opts.max_bytes, "cut off");
        assert_eq!(facts["a.hang0"].raw, "hang0 1.0.0\n", "{shell:?}");
        for n in 0..4 {
            assert_eq!(facts[&format!("a.hang{n}")].status, Status::Timeout, "{shell:?} {n}");
        }
        assert_eq!(facts["b.file"].value.as_deref(), Some("read"), "{shell:?}");
        assert_eq!(scratch_folders(runtime.path()), Vec::<String>::new(), "{shell:?}");
    }
}

/// A connection that stalls: nobody reads the probe's output, so its shell
/// blocks writing it. By the host's deadline the watchdog has killed the
/// probe (its whole process group, which the shell leads as under sshd)
/// and removed its scratch folder.
#[test]
fn a_probe_nobody_reads_is_gone_by_its_host_deadline() {
    let bin = tempfile::tempdir().expect("tmp");
    let mut text = HEADER.to_owned();
    // More than a pipe holds (64 KiB on Linux), under the byte cap each.
    for n in 0..3 {
        let name = format!("chatty{n}");
        tool(bin.path(), &name, "echo 'chatty 1.0.0'; head -c 60000 /dev/zero | tr '\\0' x");
        text.push_str(&command_fact(&format!("a.{name}"), &[&name], "version"));
    }
    let profile = profile(&text);
    let opts =
        CollectOptions { command_timeout: Duration::from_secs(2), ..CollectOptions::default() };
    let built = script::build(&profile, opts.script_limits());
    let given = Duration::from_secs(6);
    let probe_text = built.for_host(given);
    let path = path_with(bin.path());
    for shell in shells() {
        let runtime = tempfile::tempdir().expect("tmp");
        let mut probe = Watched::start(&shell, &probe_text, |c| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        });
        probe.all_gone_within(given);
        assert_eq!(scratch_folders(runtime.path()), Vec::<String>::new(), "{shell:?}");
        // What was written before is there, and it is not a finished probe.
        let (out, _) = probe.output_within(given);
        let parsed = frame::parse(&out, &built.boundary);
        assert!(parsed.started && !parsed.finished, "{shell:?}");
    }
}

/// The scratch folder of a probe killed outright (shell and watchdog
/// SIGKILLed, as by the OOM killer or a `kill -9` of the session) is
/// removed by the next probe there; a live probe's folder, a folder without
/// an owner file and one from another pid namespace are not.
#[test]
fn the_next_probe_removes_the_scratch_folders_of_dead_probes_only() {
    let bin = tempfile::tempdir().expect("tmp");
    let fifos = tempfile::tempdir().expect("tmp");
    let started = fifos.path().join("started");
    let go = fifos.path().join("go");
    mkfifo(&started);
    mkfifo(&go);
    // Says it runs (its pid), then waits for the test's word.
    tool(
        bin.path(),
        "blocks",
        &format!(
            "echo $$ > '{}'; read -r word < '{}'; echo \"blocks 1.0.0 $word\"",
            started.display(),
            go.display()
        ),
    );
    tool(bin.path(), "quick", "echo 'quick 1.0.0'");
    let blocking =
        profile(&format!("{HEADER}{}", command_fact("a.blocks", &["blocks"], "version")));
    let quick = profile(&format!("{HEADER}{}", command_fact("a.quick", &["quick"], "version")));
    let opts =
        CollectOptions { command_timeout: Duration::from_secs(60), ..CollectOptions::default() };
    let blocking = (script::build(&blocking, opts.script_limits()), blocking);
    let quick_probe = script::build(&quick, opts.script_limits());
    let path = path_with(bin.path());
    let ns = start_time(1);
    let me = std::process::id();
    let mut reaper = Reaper { file: None, pids: Vec::new() };
    for shell in shells() {
        let runtime = tempfile::tempdir().expect("tmp");
        let env = |c: &mut std::process::Command| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        };
        // A probe killed outright while its tool runs: its process group
        // (shell, watchdog, fact) at once, then the tool.
        let killed = Watched::start(&shell, &blocking.0.text, env);
        let tool_pid = fifo_line(&started, BOUND);
        reaper.pids.push(tool_pid.clone());
        let dead = scratch_folders(runtime.path());
        assert_eq!(dead.len(), 1, "{shell:?}: {dead:?}");
        drop(killed);
        // It has a session of its own: killed by its pid, before the live
        // probe's tool waits on the same FIFO.
        let _ = std::process::Command::new("kill").args(["-9", &tool_pid]).status();
        assert!(runtime.path().join(&dead[0]).is_dir(), "{shell:?}: left behind");
        // A live probe, waiting for its tool.
        let mut live = Watched::start(&shell, &blocking.0.text, env);
        reaper.pids.push(fifo_line(&started, BOUND));
        let live_folder: Vec<String> =
            scratch_folders(runtime.path()).into_iter().filter(|f| *f != dead[0]).collect();
        assert_eq!(live_folder.len(), 1, "{shell:?}: {live_folder:?}");
        // Owner files: pid namespace (its pid 1's start), then "pid start".
        let fake = |name: &str, owner: Option<String>| {
            let dir = runtime.path().join(name);
            std::fs::create_dir(&dir).expect("mkdir");
            if let Some(owner) = owner {
                std::fs::write(dir.join("o"), owner).expect("write owner");
            }
        };
        fake("paritty.noowner", None);
        // This test's pid, but another start time: the pid was given again.
        fake("paritty.reused", Some(format!("{ns}\n{me} 1\n")));
        fake("paritty.running", Some(format!("{ns}\n{me} {}\n", start_time(me))));
        fake("paritty.otherns", Some(format!("{ns}1\n{me} 1\n")));

        let mut next = Watched::start(&shell, &quick_probe.text, env);
        let (out, _) = next.output_within(BOUND);
        assert!(frame::parse(&out, &quick_probe.boundary).finished, "{shell:?}");
        next.all_gone_within(BOUND);
        let mut kept = vec![
            "paritty.noowner".to_owned(),
            "paritty.otherns".to_owned(),
            "paritty.running".to_owned(),
            live_folder[0].clone(),
        ];
        kept.sort();
        assert_eq!(scratch_folders(runtime.path()), kept, "{shell:?}");

        // The live probe was not disturbed: it ends as usual.
        fifo_write(&go, "go\n", BOUND);
        let (out, _) = live.output_within(BOUND);
        let parsed = frame::parse(&out, &blocking.0.boundary);
        assert!(parsed.finished, "{shell:?}");
        let facts = facts_from_probe(&blocking.1, &parsed, opts.max_bytes, "cut off");
        assert_eq!(facts["a.blocks"].raw, "blocks 1.0.0 go\n", "{shell:?}");
        live.all_gone_within(BOUND);
        assert!(!runtime.path().join(&live_folder[0]).exists(), "{shell:?}");
    }
}
