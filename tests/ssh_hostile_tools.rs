//! Hostile and broken tools on a real OpenSSH host the harness starts: a
//! tool that hangs must cost its timeout and leave nothing on the host.
//! Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::probe::{Reaper, ended_by, scratch_folders};
use common::remote::read_json;
use common::sshd::{HostSpec, Lab};
use common::{HEADER, command_fact};

/// A folder every user may write: the host's login user may not be the
/// test's (as root, the lab logs in as `paritty-lab`).
fn shared_dir(path: &Path) {
    std::fs::create_dir_all(path).expect("mkdir");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
}

fn paritty(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty")
}

/// Issue 16: `kubectl` waits for a child that keeps its output open. With
/// `--timeout 2 --host-timeout 6` it costs its 2 s, the facts after it are
/// collected, and once paritty is done nothing of the probe runs on the
/// host (its shells, its watchdog, the tool and its child) and its scratch
/// folder is gone.
#[test]
fn a_hung_tool_costs_its_timeout_and_leaves_nothing_on_the_host() {
    let lab = Lab::new();
    let shared = lab.dir().join("shared");
    let runtime = lab.dir().join("runtime");
    shared_dir(&shared);
    shared_dir(&runtime);
    let record = shared.join("kubectl.pids");
    let owner = shared.join("probe.owner");
    // The tool notes its child, itself and its ancestors up to the probe's
    // shell (pid and command line), and the probe's owner file (its
    // shell's and watchdog's pids), then waits for the child.
    let kubectl = format!(
        "echo 'Client Version: v1.30.0'\nsleep 100 &\n\
         {{ echo \"$! sleep\"; p=$$; for _ in 1 2 3 4; do echo \"$p $(tr '\\0' ' ' < /proc/$p/cmdline)\"; \
         p=$(awk '{{ print $4 }}' /proc/$p/stat); done; }} > '{}'\n\
         cat \"$XDG_RUNTIME_DIR\"/paritty.*/o > '{}'\nwait",
        record.display(),
        owner.display()
    );
    let runtime_env = runtime.display().to_string();
    let tools = [("kubectl", kubectl.as_str()), ("after", "echo 'after 4.5.6'")];
    let env = [("XDG_RUNTIME_DIR", runtime_env.as_str())];
    let _host =
        lab.add_host(&HostSpec { name: "hung", tools: &tools, env: &env, ..HostSpec::default() });
    let profile = lab.dir().join("hung.toml");
    std::fs::write(
        &profile,
        format!(
            "{HEADER}{}{}",
            command_fact("tool.kubectl", &["kubectl", "version", "--client"], "version"),
            command_fact("tool.after", &["after", "--version"], "version")
        ),
    )
    .expect("profile");
    let out = lab.dir().join("hung.json");
    let started = Instant::now();
    let run = paritty(&[
        "snapshot",
        "hung",
        "--ssh-config",
        lab.ssh_config().to_str().expect("utf8"),
        "--profile",
        profile.to_str().expect("utf8"),
        "--timeout",
        "2",
        "--host-timeout",
        "6",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let took = started.elapsed();
    let done = Instant::now();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Processes to check, and to kill should the test fail.
    let text = std::fs::read_to_string(&record).expect("kubectl ran and noted its processes");
    let owner_text = std::fs::read_to_string(&owner).expect("the probe's owner file");
    let mut pids: Vec<String> =
        text.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_owned).collect();
    // The owner file: its pid namespace, then "pid start" of shell and watchdog.
    pids.extend(
        owner_text.lines().skip(1).filter_map(|l| l.split_whitespace().next()).map(str::to_owned),
    );
    let _reaper = Reaper { file: None, pids: pids.clone() };
    assert!(run.status.success(), "{stderr}");
    assert!(took < Duration::from_secs(6), "took {took:?}: {stderr}");
    let snap = read_json(&out);
    assert_eq!(snap["facts"]["tool.kubectl"]["status"], "timeout");
    assert_eq!(snap["facts"]["tool.kubectl"]["raw"], "Client Version: v1.30.0\n");
    assert_eq!(snap["facts"]["tool.after"]["value"], "4.5.6");
    assert!(
        text.lines().any(|l| l.ends_with(" /bin/sh -s ")),
        "the noted ancestors reach the probe's shell:\n{text}"
    );
    assert_eq!(pids.len(), 7, "sleep, tool, 3 shells, shell, watchdog:\n{text}{owner_text}");
    for pid in &pids {
        let pid: u32 = pid.parse().expect("pid");
        assert!(
            ended_by(pid, done + Duration::from_secs(5)),
            "process {pid} of the probe still runs:\n{text}{owner_text}"
        );
    }
    assert_eq!(scratch_folders(&runtime), Vec::<String>::new());
}
