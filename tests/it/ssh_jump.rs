//! ProxyJump against real OpenSSH sshd processes: one and two hops, where
//! the facts must come from the inner host, and hops that refuse the login,
//! cannot be reached, never speak, or cannot reach the next host.
//! Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::remote::{fault_line, profile_fixture, read_json};
use crate::common::sshd::{Fault, Host, HostSpec, KeyType, KnownHost, Lab};

/// Bounds every wait on an sshd log line.
const LOG_WAIT: Duration = Duration::from_secs(15);

/// A lab host whose `mytool` says `version` and its own name.
fn host_with_tool(lab: &Lab, name: &str, version: &str) -> Host {
    let body = format!("echo 'mytool {version} ({name})'");
    lab.add_host(&HostSpec { name, tools: &[("mytool", body.as_str())], ..HostSpec::default() })
}

/// A full `Host` block reaching `addr:port` with the lab's key and known_hosts.
fn block(lab: &Lab, alias: &str, addr: IpAddr, port: u16, proxy_jump: Option<&str>) -> String {
    let mut text = format!(
        "Host {alias}\n    HostName {addr}\n    Port {port}\n    User {}\n    IdentityFile {}\n    \
         IdentitiesOnly yes\n    UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n",
        lab.user(),
        lab.identity().display(),
        lab.known_hosts().display(),
    );
    if let Some(hops) = proxy_jump {
        let _ = writeln!(text, "    ProxyJump {hops}");
    }
    text.push('\n');
    text
}

/// An ssh_config that includes the lab's (every lab host by its name) and
/// adds `extra` blocks after it.
fn config_with(lab: &Lab, extra: &str) -> PathBuf {
    let path = lab.dir().join("jump_config");
    let text = format!("Include {}\n\n{extra}", lab.ssh_config().display());
    std::fs::write(&path, text).expect("write jump config");
    path
}

/// `paritty snapshot TARGETS --ssh-config CONFIG --profile P --out OUT ...`,
/// without a terminal, an agent or a paritty config.
fn snapshot(config: &Path, profile: &Path, out: &Path, targets: &[&str], extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("snapshot")
        .args(targets)
        .arg("--ssh-config")
        .arg(config)
        .arg("--profile")
        .arg(profile)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty")
}

/// Whether the host logs the lab key logging in (waiting for its log).
fn accepted(host: &Host, lab: &Lab) -> bool {
    host.wait_for_log(&format!("Accepted publickey for {}", lab.user()), LOG_WAIT)
}

/// The facts are the inner host's: its own tool, found in its own folder.
fn assert_inner_facts(snap: &serde_json::Value, inner: &Host, version: &str) {
    assert_eq!(snap["host"]["name"], inner.name());
    assert_eq!(snap["facts"]["tool.mytool"]["value"], version, "{snap:#}");
    let found = inner.tool_dir().join("mytool").display().to_string();
    assert_eq!(snap["facts"]["tool.mytool"]["found_at"], found.as_str());
    let raw = snap["facts"]["tool.mytool"]["raw"].as_str().expect("raw");
    assert!(raw.contains(&format!("({})", inner.name())), "{raw}");
}

#[test]
fn one_hop_collects_the_inner_host() {
    let lab = Lab::new();
    let bastion = host_with_tool(&lab, "bastion", "1.0.0");
    let inner = host_with_tool(&lab, "inner", "2.0.0");
    let config = config_with(&lab, "Host inner\n    ProxyJump bastion\n");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("inner.json");
    let run = snapshot(&config, &profile_fixture("tool-test"), &out, &["inner"], &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_inner_facts(&read_json(&out), &inner, "2.0.0");
    // The bastion was logged into (nothing else would make paritty do so),
    // and so was the inner host.
    assert!(accepted(&bastion, &lab), "bastion log:\n{}", bastion.log());
    assert!(accepted(&inner, &lab), "inner log:\n{}", inner.log());
    assert!(!bastion.log().contains("(inner)"));
}

#[test]
fn two_hops_collect_the_inner_host() {
    let lab = Lab::new();
    let first = host_with_tool(&lab, "bastion1", "1.0.0");
    let second = host_with_tool(&lab, "bastion2", "1.5.0");
    let inner = host_with_tool(&lab, "inner", "3.1.4");
    // Also a direct host in the same run: the tunnels do not disturb it.
    let direct = host_with_tool(&lab, "direct", "0.9.0");
    let config = config_with(&lab, "Host inner\n    ProxyJump bastion1,bastion2\n");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("snaps");
    let run = snapshot(&config, &profile_fixture("tool-test"), &out, &["inner", "direct"], &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_inner_facts(&read_json(&out.join("inner.json")), &inner, "3.1.4");
    assert_inner_facts(&read_json(&out.join("direct.json")), &direct, "0.9.0");
    for hop in [&first, &second, &inner] {
        assert!(accepted(hop, &lab), "{} log:\n{}", hop.name(), hop.log());
    }
}

/// Every way a hop can fail, one target each, in one run: the message names
/// the jump host, and the reason is the hop's own.
#[test]
fn failing_hops_are_named_with_their_reason() {
    let lab = Lab::new();
    let bastion = host_with_tool(&lab, "bastion", "1.0.0");
    let refusing =
        lab.add_host(&HostSpec { name: "refusing", refuse_login: true, ..HostSpec::default() });
    let unknown = lab.add_host(&HostSpec {
        name: "unknown-key",
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    let changed = lab.add_host(&HostSpec {
        name: "changed-key",
        known_host: KnownHost::Wrong,
        ..HostSpec::default()
    });
    let inner = host_with_tool(&lab, "inner", "2.0.0");
    let closed = Fault::closed_port();
    let silent = Fault::silent_listener();
    let closed_behind = Fault::closed_port();

    let (ia, ip) = (inner.addr(), inner.port());
    let mut extra = String::new();
    // Hops themselves.
    extra += &block(&lab, "closed-hop", closed.ip(), closed.port(), None);
    extra += &block(&lab, "silent-hop", silent.addr(), silent.port(), None);
    // Targets: the inner host through each bad hop.
    extra += &block(&lab, "via-refusing", ia, ip, Some("refusing"));
    extra += &block(&lab, "via-closed", ia, ip, Some("closed-hop"));
    extra += &block(&lab, "via-silent", ia, ip, Some("silent-hop"));
    extra += &block(&lab, "second-refuses", ia, ip, Some("bastion,refusing"));
    extra += &block(&lab, "via-unknown-key", ia, ip, Some("unknown-key"));
    extra += &block(&lab, "via-changed-key", ia, ip, Some("bastion,changed-key"));
    // Targets the (good) bastion cannot reach.
    extra +=
        &block(&lab, "behind-closed", closed_behind.ip(), closed_behind.port(), Some("bastion"));
    let config = config_with(&lab, &extra);

    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("snaps");
    let targets = [
        "via-refusing",
        "via-closed",
        "via-silent",
        "second-refuses",
        "via-unknown-key",
        "via-changed-key",
        "behind-closed",
        "inner",
    ];
    let started = std::time::Instant::now();
    let run = snapshot(
        &config,
        &profile_fixture("tool-test"),
        &out,
        &targets,
        &["--connect-timeout", "2"],
    );
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");

    let line = fault_line(&stderr, "via-refusing", "auth-failed");
    assert!(line.contains("via jump host refusing: login refused"), "{line}");
    let line = fault_line(&stderr, "via-closed", "unreachable");
    assert!(line.contains("via jump host closed-hop"), "{line}");
    assert!(line.contains(&SocketAddr::new(closed.ip(), closed.port()).to_string()), "{line}");
    let line = fault_line(&stderr, "via-silent", "timeout");
    assert!(line.contains("via jump host silent-hop"), "{line}");
    let line = fault_line(&stderr, "second-refuses", "auth-failed");
    assert!(line.contains("via jump host refusing: login refused"), "{line}");
    // A hop's host key is checked like any host's.
    let line = fault_line(&stderr, "via-unknown-key", "host-key-unknown");
    assert!(line.contains("via jump host unknown-key"), "{line}");
    assert!(line.contains(unknown.fingerprint(KeyType::Ed25519)), "{line}");
    let line = fault_line(&stderr, "via-changed-key", "host-key-mismatch");
    assert!(line.contains("via jump host changed-key: HOST KEY CHANGED"), "{line}");
    assert!(line.contains(changed.fingerprint(KeyType::Ed25519)), "{line}");
    assert!(!unknown.log().contains("Accepted publickey"), "{}", unknown.log());
    let line = fault_line(&stderr, "behind-closed", "unreachable");
    assert!(line.contains("via jump host bastion"), "{line}");
    assert!(line.contains(&format!("cannot reach {closed_behind}")), "{line}");
    // The one good target in the run, directly.
    assert_inner_facts(&read_json(&out.join("inner.json")), &inner, "2.0.0");
    let written = std::fs::read_dir(&out).expect("out").count();
    assert_eq!(written, 1, "only the inner host was written");
    // The silent hop costs its connect timeout, not more.
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    // The good bastion was used for the second hop and for behind-closed,
    // and the refusing hop was asked.
    assert!(accepted(&bastion, &lab), "{}", bastion.log());
    assert!(refusing.wait_for_log("Failed publickey", LOG_WAIT), "{}", refusing.log());
}

mod in_process {
    //! The collector as a library: a tunnel must end with the session it
    //! carried, even when the far side never closes.

    use std::sync::mpsc;
    use std::time::Duration;

    use super::{LOG_WAIT, block, config_with, host_with_tool};
    use crate::common::remote::{plan, ssh_target as target};
    use crate::common::sshd::{Fault, Lab};
    use crate::common::{HEADER, command_fact, profile};
    use paritty::collect::CollectOptions;
    use paritty::collect::hosts::collect_targets;
    use paritty::collect::plan::{Plan, Prompts};
    use paritty::model::{FailReason, Status};
    use paritty::profile::{Profile, SourceKind, load_profile};

    fn options(profile: &Profile, config: std::path::PathBuf, collect: CollectOptions) -> Plan {
        plan(profile, config, collect, Duration::from_secs(2))
    }

    /// The whole default profile (a large script up, a lot of output down)
    /// through two tunnels gives the same facts as the same host reached
    /// directly, in the same run.
    #[test]
    fn the_default_profile_through_two_hops_matches_a_direct_run() {
        let lab = Lab::new();
        let _first = host_with_tool(&lab, "bastion1", "1.0.0");
        let _second = host_with_tool(&lab, "bastion2", "1.0.0");
        let inner = host_with_tool(&lab, "inner", "2.0.0");
        let via = block(&lab, "inner-via", inner.addr(), inner.port(), Some("bastion1,bastion2"));
        let config = config_with(&lab, &via);
        let profile: Profile = load_profile("default", None).expect("default profile");
        let collect = CollectOptions {
            command_timeout: Duration::from_secs(30),
            ..CollectOptions::default()
        };
        let (tx, _rx) = mpsc::channel();
        let targets = [target("inner"), target("inner-via")];
        let reports =
            collect_targets(&targets, &options(&profile, config, collect), Prompts::default(), &tx);
        let snaps: Vec<_> = reports
            .iter()
            .map(|r| {
                assert_eq!(r.failure, None, "{}", r.target);
                r.snapshot.as_ref().expect("snapshot")
            })
            .collect();
        let (direct, tunneled) = (snaps[0], snaps[1]);
        let mut compared = 0;
        for def in &profile.facts {
            // The session's environment names the client's address and port.
            if def.sources.iter().any(|s| matches!(s.kind, SourceKind::Env(_))) {
                continue;
            }
            let (a, b) = (&direct.facts[&def.id], &tunneled.facts[&def.id]);
            // A tool that fails may say when and as whom it failed
            // (timestamps, random names): its words are compared only when
            // it answered.
            let raw = |f: &paritty::model::Fact| (f.status == Status::Ok).then(|| f.raw.clone());
            assert_eq!(
                (a.status, &a.value, &a.found_at, raw(a)),
                (b.status, &b.value, &b.found_at, raw(b)),
                "{}",
                def.id
            );
            compared += 1;
        }
        assert!(compared > 70, "compared {compared} facts");
        let ok = tunneled.facts.values().filter(|f| f.status == Status::Ok).count();
        assert!(ok > 10, "{ok} facts ok");
        assert!(tunneled.facts.values().map(|f| f.raw.len()).sum::<usize>() > 1000);
    }

    /// A target behind the bastion that accepts and never speaks: the
    /// collection times out, and the bastion's session is then closed (the
    /// tunnel thread must not outlive the session it carried, holding a
    /// connection to the bastion open for as long as the process lives).
    #[test]
    fn a_tunnel_ends_with_its_session() {
        let lab = Lab::new();
        let bastion = host_with_tool(&lab, "bastion", "1.0.0");
        let silent = Fault::silent_listener();
        let config = config_with(
            &lab,
            &block(&lab, "behind-silent", silent.addr(), silent.port(), Some("bastion")),
        );
        let text = format!("{HEADER}{}", command_fact("tool.x", &["x"], "version"));
        let opts = options(&profile(&text), config, CollectOptions::default());
        let (tx, _rx) = mpsc::channel();
        let reports = collect_targets(&[target("behind-silent")], &opts, Prompts::default(), &tx);
        let failure = reports[0].failure.as_ref().expect("the silent host failed");
        assert_eq!(failure.reason, FailReason::Timeout, "{failure}");
        assert!(failure.message().contains("did not complete the SSH handshake"), "{failure}");
        assert!(bastion.wait_for_log("Accepted publickey", LOG_WAIT), "{}", bastion.log());
        // The silent listener is still up: only paritty can end the tunnel.
        // sshd says the end as a close, or as a reset when paritty's socket
        // closed with the bastion's last packet unread (a busy machine).
        let ended = ["Closing connection to", "Connection reset by peer"];
        assert!(
            bastion.wait_for_any_log(&ended, LOG_WAIT),
            "the bastion session stayed open:\n{}",
            bastion.log()
        );
        drop(silent);
    }
}
