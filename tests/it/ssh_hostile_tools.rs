//! Hostile and broken tools on a real OpenSSH host the harness starts: a
//! tool that hangs must cost its timeout and leave nothing on the host, and
//! a tool that knows the probe's boundary cannot forge other facts. Only
//! 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::probe::{
    FORGED_PROFILE, HONEST_TOOLS, Reaper, ended_by, forger, scratch_folders,
};
use crate::common::remote::read_json;
use crate::common::sshd::{HostSpec, Lab};
use crate::common::{HEADER, command_fact};

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
/// `--timeout 2 --host-timeout 10` it costs its 2 s, the facts after it are
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
        // Well past the tool's 2 s and the probe's margin before its host
        // deadline (three ticks and two seconds): with 6 s the probe would
        // halt at its deadline (a host timeout) about when the tool's own
        // timeout ends it.
        "--host-timeout",
        "10",
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

/// Issue 16, weakness 11: a fake `docker` read the boundary from the
/// scratch folder and set `runtime.python3` to 3.12.99 and `tool.git` to
/// 9.9.9. Over SSH (one fact at a time, so the frames before it are in the
/// folder when it looks) every fact keeps its real value.
#[test]
fn a_tool_that_knows_the_boundary_cannot_forge_other_facts_over_ssh() {
    let lab = Lab::new();
    let shared = lab.dir().join("shared");
    let runtime = lab.dir().join("runtime");
    shared_dir(&shared);
    shared_dir(&runtime);
    let found = shared.join("found");
    let docker = forger(&found);
    let mut tools = HONEST_TOOLS.to_vec();
    tools.push(("docker", docker.as_str()));
    let runtime_env = runtime.display().to_string();
    let env = [("XDG_RUNTIME_DIR", runtime_env.as_str())];
    let _host =
        lab.add_host(&HostSpec { name: "forged", tools: &tools, env: &env, ..HostSpec::default() });
    let profile = lab.dir().join("forged.toml");
    std::fs::write(&profile, FORGED_PROFILE).expect("profile");
    let out = lab.dir().join("forged.json");
    let run = paritty(&[
        "snapshot",
        "forged",
        "--ssh-config",
        lab.ssh_config().to_str().expect("utf8"),
        "--profile",
        profile.to_str().expect("utf8"),
        "--jobs",
        "1",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    // The host's runtime folder held this probe's folder only: what the
    // forger found there is the boundary (paritty keeps it to itself).
    let own = std::fs::read_to_string(found.with_extension("own")).expect("the forger ran");
    let seen = std::fs::read_to_string(&found).expect("the forger ran");
    assert_eq!(own.lines().count(), 1, "it found the boundary: {own:?}");
    assert!(seen.contains(own.trim()), "and forged records with it: {seen:?}");
    let snap = read_json(&out);
    assert_eq!(snap["facts"]["runtime.python3"]["value"], "3.11.2");
    assert_eq!(snap["facts"]["tool.git"]["value"], "2.39.2");
    assert_eq!(snap["facts"]["tool.after"]["value"], "1.0.0");
    assert_eq!(snap["facts"]["tool.docker"]["value"], "24.0.7");
    let raw = snap["facts"]["tool.docker"]["raw"].as_str().expect("raw");
    let forged = format!("{} F 0\n", own.trim());
    assert!(raw.contains(&forged), "its output is kept as printed: {raw}");
}
