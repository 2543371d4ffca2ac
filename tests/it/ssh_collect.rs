//! Remote collection against real OpenSSH sshd processes started by the
//! harness: hosts that differ, every fault, and the local/remote invariant.
//! Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::process::{Command, Output};

use crate::common::remote::{fault_line, profile_fixture, read_json};
use crate::common::sshd::{Fault, HostSpec, KeyType, KnownHost, Lab};

fn os_release(id: &str) -> String {
    format!("ID={id}\nVERSION_ID=\"1\"\nNAME=\"{id} linux\"\n")
}

fn paritty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty")
}

#[test]
fn three_hosts_and_every_fault_in_one_run() {
    let lab = Lab::new();
    let specs = [
        ("host-a", "3.9.2", "1.0.0", "debian"),
        ("host-b", "3.11.2", "1.2.0", "ubuntu"),
        ("host-c", "3.12.1", "2.0.0", "alpine"),
    ];
    let mut hosts = Vec::new();
    for (name, python, mytool, os) in specs {
        let python_body = format!("echo 'Python {python}'");
        let mytool_body = format!("echo 'mytool {mytool} ({name})'");
        let release = os_release(os);
        let tools = [("python3", python_body.as_str()), ("mytool", mytool_body.as_str())];
        hosts.push(lab.add_host(&HostSpec {
            name,
            tools: &tools,
            os_release: Some(&release),
            ..HostSpec::default()
        }));
    }
    let changed = lab.add_host(&HostSpec {
        name: "changed-key",
        known_host: KnownHost::Wrong,
        ..HostSpec::default()
    });
    let unknown = lab.add_host(&HostSpec {
        name: "unknown-key",
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    let refused =
        lab.add_host(&HostSpec { name: "refused", refuse_login: true, ..HostSpec::default() });
    let closed = Fault::closed_port();
    let silent = Fault::silent_listener();

    let dir = tempfile::tempdir().expect("tmp");
    let profile = profile_fixture("ssh-test");
    let out = dir.path().join("snapshots");
    let closed_target = format!("{}:{}", closed.ip(), closed.port());
    let silent_target = format!("{}:{}", silent.addr(), silent.port());
    let config = lab.ssh_config();
    let started = std::time::Instant::now();
    let run = paritty(&[
        "snapshot",
        "host-a",
        "host-b",
        "host-c",
        "changed-key",
        "unknown-key",
        "refused",
        &closed_target,
        &silent_target,
        "--ssh-config",
        config.to_str().expect("utf8"),
        "--profile",
        profile.to_str().expect("utf8"),
        "--connect-timeout",
        "2",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "some hosts failed: {stderr}");

    for ((name, python, mytool, os), host) in specs.iter().zip(&hosts) {
        let snap = read_json(&out.join(format!("{name}.json")));
        assert_eq!(snap["host"]["name"], *name);
        assert_eq!(snap["host"]["transport"], "ssh");
        assert_eq!(snap["facts"]["runtime.python3"]["value"], *python, "{name}");
        assert_eq!(snap["facts"]["tool.mytool"]["value"], *mytool, "{name}");
        let found = host.tool_dir().join("mytool").display().to_string();
        assert_eq!(snap["facts"]["tool.mytool"]["found_at"], found.as_str());
        assert_eq!(snap["facts"]["tool.absent"]["status"], "missing");
        if host.os_release_differs() {
            assert_eq!(snap["facts"]["os.id"]["value"], *os, "{name}");
        }
    }
    // Each fault: its own line, its own reason, nothing written.
    fault_line(&stderr, "refused", "auth-failed");
    fault_line(&stderr, &closed_target, "unreachable");
    fault_line(&stderr, &silent_target, "timeout");
    let changed_line = fault_line(&stderr, "changed-key", "host-key-mismatch");
    assert!(changed_line.contains(changed.fingerprint(KeyType::Ed25519)), "{changed_line}");
    assert!(changed_line.contains(&format!("{}:", lab.known_hosts().display())), "{changed_line}");
    let unknown_line = fault_line(&stderr, "unknown-key", "host-key-unknown");
    assert!(unknown_line.contains(unknown.fingerprint(KeyType::Ed25519)), "{unknown_line}");
    drop(refused);
    let written: Vec<_> = std::fs::read_dir(&out).expect("out").collect();
    assert_eq!(written.len(), 3, "only the good hosts were written");
    // The silent listener costs its connect timeout, not more.
    assert!(elapsed.as_secs_f64() < 20.0, "took {elapsed:?}");
}

mod in_process {
    //! The same collector driven as a library, to watch events and check
    //! facts in detail.

    use std::ffi::{OsStr, OsString};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use crate::common::remote::{binary_for, plan, ssh_target as target};
    use crate::common::sshd::{HostSpec, Lab};
    use crate::common::{HEADER, command_fact, profile};
    use paritty::collect::CollectOptions;
    use paritty::collect::events::Event;
    use paritty::collect::hosts::collect_targets;
    use paritty::collect::plan::Prompts;
    use paritty::collect::target::Target;
    use paritty::model::snapshot_file::parse_snapshot;
    use paritty::model::{FailReason, HostReport, Status};
    use paritty::profile::{Profile, load_profile};

    fn run(
        lab: &Lab,
        names: &[&str],
        profile: &Profile,
        collect: CollectOptions,
        events: &mpsc::Sender<Event>,
    ) -> Vec<HostReport> {
        let plan = plan(profile, lab.ssh_config(), collect, Duration::from_secs(5));
        let targets: Vec<Target> = names.iter().map(|n| target(n)).collect();
        collect_targets(&targets, &plan, Prompts::default(), events)
    }

    /// Podman's answer as the SSH test user gets it on a machine with Podman: rootless Podman
    /// resolves its storage under HOME and fails where HOME does not exist.
    const PODMAN: &str = "if [ ! -d \"$HOME\" ]; then
    echo \"cannot resolve $HOME: lstat $HOME: no such file or directory\" >&2; exit 1
fi
echo 'podman version 4.3.1'";

    /// What an SSH session on `alias` starts as: uid, gid, working folder and environment.
    struct Session {
        uid: u32,
        gid: u32,
        dir: PathBuf,
        env: Vec<(OsString, OsString)>,
    }

    /// Asks a session on `alias` who and where it is, through the OpenSSH client.
    fn session_of(lab: &Lab, alias: &str) -> Session {
        let out = Command::new("ssh")
            .arg("-F")
            .arg(lab.ssh_config())
            .args(["-o", "BatchMode=yes", alias, "id -u; id -g; pwd; env -0"])
            .stdin(Stdio::null())
            .output()
            .expect("run ssh");
        assert!(out.status.success(), "ssh {alias}: {}", String::from_utf8_lossy(&out.stderr));
        let mut lines = out.stdout.splitn(4, |&b| b == b'\n');
        let mut line =
            || OsStr::from_bytes(lines.next().expect("a line of the session")).to_owned();
        let number = |text: OsString| text.to_str().and_then(|t| t.parse().ok()).expect("an id");
        let (uid, gid, dir) = (number(line()), number(line()), PathBuf::from(line()));
        let env = line()
            .as_bytes()
            .split(|&b| b == 0)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let at = pair.iter().position(|&b| b == b'=').expect("NAME=value");
                (
                    OsStr::from_bytes(&pair[..at]).to_owned(),
                    OsStr::from_bytes(&pair[at + 1..]).to_owned(),
                )
            })
            .collect();
        Session { uid, gid, dir, env }
    }

    /// ARCHITECTURE.md's invariant (principle 1): this machine over SSH to
    /// localhost gives the same facts as local collection. The local side is
    /// the binary run as the session's user, in its folder, with exactly its
    /// environment (HOME, PATH...): what a tool answers may depend on the
    /// user (Podman without a home fails), which is no difference of
    /// transport.
    #[test]
    fn this_machine_over_ssh_matches_local_collection() {
        let lab = Lab::new();
        let _host = lab.add_host(&HostSpec {
            name: "self",
            tools: &[("podman", PODMAN)],
            ..HostSpec::default()
        });
        let profile = load_profile("default", None).expect("default profile");
        // Generous bounds: a probe timing out on a busy machine on one side
        // only would be a difference of load, not of transport.
        let collect = CollectOptions {
            command_timeout: Duration::from_secs(30),
            ..CollectOptions::default()
        };
        let (tx, _rx) = mpsc::channel();
        let reports = run(&lab, &["self"], &profile, collect.clone(), &tx);
        let remote =
            reports[0].snapshot.as_ref().unwrap_or_else(|| panic!("{:?}", reports[0].failure));
        assert_eq!(reports[0].failure, None);

        let session = session_of(&lab, "self");
        let mut local_run = Command::new(binary_for(session.uid, session.gid, lab.dir()));
        local_run
            .args(["snapshot", "local", "--profile", "default", "--no-redact", "--format", "json"])
            .args(["--timeout", &collect.command_timeout.as_secs().to_string()])
            .env_clear()
            .envs(session.env)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .current_dir(&session.dir)
            .stdin(Stdio::null());
        if lab.is_root() {
            local_run.uid(session.uid).gid(session.gid);
        }
        let out = local_run.output().expect("run paritty as the session's user");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).expect("UTF-8 JSON");
        let local = parse_snapshot(&text, Path::new("local snapshot")).expect("a snapshot");

        let mut compared = 0;
        for def in &profile.facts {
            let (here, there) = (&local.facts[&def.id], &remote.facts[&def.id]);
            assert_eq!(
                (here.status, &here.value, &here.found_at),
                (there.status, &there.value, &there.found_at),
                "{}: local {here:?}\nssh {there:?}",
                def.id
            );
            compared += 1;
        }
        assert!(compared > 70, "compared {compared} facts");
        assert!(remote.facts.values().filter(|f| f.status == Status::Ok).count() > 10);
        // The per-user tool really answered per user (the lab's user has no home as root).
        if lab.is_root() {
            assert_eq!(remote.facts["tool.podman"].status, Status::Error, "{remote:?}");
        }
    }

    /// The shipped RabbitMQ fact over SSH reads the version without
    /// starting anything: `rabbitmqctl` (any way it is found) boots Erlang,
    /// which starts an `epmd -daemon` that outlives the session, as the
    /// login user, on every host. The session's ERL_EPMD_PORT is one of
    /// this test's own, so a port mapper it caused is told from any other
    /// by its environment (and killed, so a failure leaves none).
    #[test]
    fn the_rabbitmq_fact_leaves_no_erlang_port_mapper_behind() {
        let installed = std::fs::read_link("/usr/lib/rabbitmq/bin/rabbitmq-server")
            .expect("RabbitMQ from Debian's package (scripts/test-deps.sh installs it)");
        let version = installed
            .to_string_lossy()
            .split("rabbitmq_server-")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned)
            .expect("a versioned folder");
        let lab = Lab::new();
        let port = crate::common::sshd::free_port([127, 0, 0, 1].into()).to_string();
        let _host = lab.add_host(&HostSpec {
            name: "rabbit",
            env: &[("ERL_EPMD_PORT", &port)],
            ..HostSpec::default()
        });
        let mut profile = load_profile("default", None).expect("default profile");
        profile.facts.retain(|f| f.id == "service.rabbitmq");
        let (tx, _rx) = mpsc::channel();
        let reports = run(&lab, &["rabbit"], &profile, CollectOptions::default(), &tx);
        let marker = format!("ERL_EPMD_PORT={port}");
        let left: Vec<String> = std::fs::read_dir("/proc")
            .expect("/proc")
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                environ.split(|&b| b == 0).any(|v| v == marker.as_bytes()).then(|| {
                    let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                    // This test caused it: ended, so a failure leaves none.
                    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                    String::from_utf8_lossy(&cmdline).replace('\0', " ")
                })
            })
            .collect();
        assert_eq!(left, Vec::<String>::new(), "left running by the probe");
        let snap =
            reports[0].snapshot.as_ref().unwrap_or_else(|| panic!("{:?}", reports[0].failure));
        assert_eq!(snap.facts["service.rabbitmq"].value.as_deref(), Some(version.as_str()));
    }

    #[test]
    fn huge_output_is_capped_and_escape_sequences_are_stripped() {
        let lab = Lab::new();
        let tools = [
            ("chatty", "echo 'chatty 1.2.3'; head -c 10000000 /dev/zero | tr '\\0' x"),
            ("colors", "printf '\\033[31mcolors 4.5.6\\033[0m\\n\\033]0;owned\\007\\033[2J'"),
        ];
        let _host = lab.add_host(&HostSpec { name: "noisy", tools: &tools, ..HostSpec::default() });
        let text = format!(
            "{HEADER}{}{}",
            command_fact("tool.chatty", &["chatty"], "version"),
            command_fact("tool.colors", &["colors"], "version")
        );
        let collect = CollectOptions { max_bytes: 4096, ..CollectOptions::default() };
        let (tx, _rx) = mpsc::channel();
        let reports = run(&lab, &["noisy"], &profile(&text), collect, &tx);
        let snap =
            reports[0].snapshot.as_ref().unwrap_or_else(|| panic!("{:?}", reports[0].failure));
        let chatty = &snap.facts["tool.chatty"];
        assert!(chatty.truncated && chatty.raw.len() == 4096, "{} bytes", chatty.raw.len());
        assert_eq!(chatty.value.as_deref(), Some("1.2.3"));
        let colors = &snap.facts["tool.colors"];
        assert_eq!(colors.raw, "colors 4.5.6\n");
        assert!(!colors.raw.contains('\u{1b}'));
    }

    /// A host killed while probing keeps the facts it delivered, marks the
    /// rest, and fails with its reason. The kill happens only after the
    /// first fact has arrived (seen in the events) and the second is running
    /// (it says so through a FIFO): no sleeps.
    #[test]
    fn a_host_killed_mid_probe_keeps_partial_results() {
        let lab = Lab::new();
        let fifo = lab.dir().join("started.fifo");
        // World-writable: the host's login user may not be the test's.
        let made = Command::new("mkfifo").args(["-m", "0666"]).arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let block = format!("echo started > '{}'; exec sleep 60", fifo.display());
        let tools = [("quick", "echo 'quick 1.0.1'"), ("block", block.as_str())];
        let host = lab.add_host(&HostSpec { name: "dying", tools: &tools, ..HostSpec::default() });
        let text = format!(
            "{HEADER}{}{}",
            command_fact("a.quick", &["quick"], "version"),
            command_fact("b.block", &["block"], "version")
        );
        let profile = profile(&text);
        let collect = CollectOptions {
            max_parallel: 1,
            command_timeout: Duration::from_secs(60),
            ..CollectOptions::default()
        };
        let (tx, rx) = mpsc::channel();
        let reports = std::thread::scope(|scope| {
            let worker = scope.spawn(|| run(&lab, &["dying"], &profile, collect, &tx));
            // First fact delivered...
            loop {
                match rx.recv_timeout(Duration::from_secs(30)).expect("events") {
                    Event::Facts { done, .. } if done >= 1 => break,
                    _ => {}
                }
            }
            // ...and the second one running on the host. Opening a FIFO
            // blocks until its writer comes: done on a thread, so a writer
            // that never comes fails the test instead of hanging it.
            let (said, heard) = mpsc::channel();
            let path = fifo.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let file = std::fs::File::open(&path).expect("fifo");
                let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut line);
                let _ = said.send(line);
            });
            let line = heard.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| {
                let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
                panic!("the blocking tool never started on the host")
            });
            assert_eq!(line.trim(), "started");
            host.kill();
            worker.join().expect("collector thread")
        });
        let report = &reports[0];
        let failure = report.failure.as_ref().expect("the host failed");
        assert_eq!(failure.reason, FailReason::ProbeFailed, "{failure}");
        let snap = report.snapshot.as_ref().expect("partial snapshot kept");
        assert_eq!(snap.facts["a.quick"].value.as_deref(), Some("1.0.1"));
        assert_eq!(snap.facts["b.block"].status, Status::Error);
        assert!(
            snap.facts["b.block"].raw.starts_with("not collected: "),
            "{}",
            snap.facts["b.block"].raw
        );
    }
}

/// An inventory in paritty.toml names hosts its own way, with an
/// environment label, and its settings apply without flags.
#[test]
fn inventory_hosts_carry_their_names_and_environments() {
    let lab = Lab::new();
    let tools = [("mytool", "echo 'mytool 3.1.4'")];
    let _host = lab.add_host(&HostSpec { name: "host-a", tools: &tools, ..HostSpec::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let profile = profile_fixture("ssh-test");
    let config = dir.path().join("paritty.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nprofile = {:?}\nssh_config = {:?}\nhost_timeout = 60\n\n\
             [[host]]\nname = \"prod-web-1\"\nssh = \"host-a\"\nenvironment = \"prod\"\n\
             labels = {{ team = \"web\" }}\n",
            profile.display().to_string(),
            lab.ssh_config().display().to_string()
        ),
    )
    .expect("config");
    let out = dir.path().join("prod.json");
    let run = paritty(&[
        "--config",
        config.to_str().expect("utf8"),
        "snapshot",
        "prod-web-1",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let snap = read_json(&out);
    assert_eq!(snap["host"]["name"], "prod-web-1");
    assert_eq!(snap["host"]["labels"]["environment"], "prod");
    assert_eq!(snap["host"]["labels"]["team"], "web");
    assert_eq!(snap["profile"]["name"], "ssh-test");
    assert_eq!(snap["facts"]["tool.mytool"]["value"], "3.1.4");
}
