//! An Ansible inventory against real sshd hosts: `paritty snapshot
//! --inventory hosts.ini @web` collects exactly the group's hosts, logging
//! in with the inventory's user, port and key file (which ssh_config does
//! not name), through the jump host its `ansible_ssh_common_args` gives.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::remote::{fault_line, profile_fixture, read_json};
use crate::common::sshd::{Fault, Host, HostSpec, Lab};

fn host_with_tool(lab: &Lab, name: &str, version: &str) -> Host {
    let body = format!("echo 'mytool {version} ({name})'");
    lab.add_host(&HostSpec { name, tools: &[("mytool", body.as_str())], ..HostSpec::default() })
}

fn reach(host: &Host) -> String {
    format!("ansible_host={} ansible_port={}", host.addr(), host.port())
}

#[test]
fn a_group_is_collected_with_the_inventorys_user_port_key_and_jump() {
    let lab = Lab::new();
    let bastion = host_with_tool(&lab, "bastion", "0.1.0");
    let web2 = host_with_tool(&lab, "web-2", "2.0.0");
    let web10 = host_with_tool(&lab, "web-10", "10.0.0");
    let db = host_with_tool(&lab, "db-1", "1.0.0");
    let nokey = host_with_tool(&lab, "nokey", "0.0.0");
    // The key lives where only the inventory says.
    let key = lab.dir().join("inventory_ed25519");
    std::fs::copy(lab.identity(), &key).expect("copy key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    std::fs::copy(lab.identity().with_extension("pub"), key.with_extension("pub")).expect("pub");
    let inventory = lab.dir().join("hosts.ini");
    let text = format!(
        "[web]\nweb-10 {}\nweb-2 {} ansible_ssh_common_args='-o ServerAliveInterval=5 -J bastion'\n\
         [db]\ndb-1 {}\n[control]\nnokey {} ansible_ssh_private_key_file=\n\
         [all:vars]\nansible_user={}\nansible_ssh_private_key_file={}\n",
        reach(&web10),
        reach(&web2),
        reach(&db),
        reach(&nokey),
        lab.user(),
        key.display(),
    );
    std::fs::write(&inventory, text).expect("write inventory");
    // Known hosts and strictness for the addresses; no key for them, and
    // the lab's blocks (by alias) only for the jump host.
    let config = lab.dir().join("inventory_config");
    let text = format!(
        "Include {}\n\nHost 127.*\n    UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n    \
         IdentitiesOnly yes\n",
        lab.ssh_config().display(),
        lab.known_hosts().display()
    );
    std::fs::write(&config, text).expect("write config");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("snaps");
    let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "@web", "@control", "--inventory"])
        .arg(&inventory)
        .arg("--ssh-config")
        .arg(&config)
        .arg("--profile")
        .arg(profile_fixture("tool-test"))
        .arg("--out")
        .arg(&out)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&run.stderr);
    // nokey's empty key variable leaves it to ssh_config, which has none.
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    fault_line(&stderr, "nokey", "auth-failed");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("out folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["web-10.json", "web-2.json"], "{stderr}");
    for (host, version) in [(&web2, "2.0.0"), (&web10, "10.0.0")] {
        let snap = read_json(&out.join(format!("{}.json", host.name())));
        assert_eq!(snap["facts"]["tool.mytool"]["value"], version, "{snap:#}");
        let address = format!("{}@{}:{}", lab.user(), host.addr(), host.port());
        assert_eq!(snap["host"]["address"], address.as_str());
        assert_eq!(snap["host"]["labels"]["groups"], "web");
    }
    // web-2 went through the bastion (nothing else logs into it); db-1 was
    // never asked.
    let wait = Duration::from_secs(15);
    let accepted = format!("Accepted publickey for {}", lab.user());
    assert!(bastion.wait_for_log(&accepted, wait), "bastion log:\n{}", bastion.log());
    assert!(!db.log().contains("Accepted"), "db log:\n{}", db.log());
}

/// Groups overlap: a host in both groups named is collected once (here it
/// is refused at once: nothing listens), the others as usual.
#[test]
fn a_host_in_two_groups_named_is_collected_once() {
    let (shared, other) = (Fault::closed_port(), Fault::closed_port());
    let dir = tempfile::tempdir().expect("tmp");
    let inventory = dir.path().join("hosts.ini");
    let line = |name: &str, at: std::net::SocketAddr| {
        format!("{name} ansible_host={} ansible_port={}\n", at.ip(), at.port())
    };
    let text = format!(
        "[web]\n{}[prod]\n{}{}",
        line("shared", shared),
        line("shared", shared),
        line("other", other)
    );
    std::fs::write(&inventory, text).expect("write inventory");
    // Two groups, and a group beside one of its hosts by name, in either
    // order: each host once.
    for targets in [["@web", "@prod"], ["@prod", "shared"], ["shared", "@prod"]] {
        let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
            .arg("snapshot")
            .args(targets)
            .args(["--ssh-config", "/dev/null", "--inventory"])
            .arg(&inventory)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .output()
            .expect("run paritty");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{targets:?}: {stderr}");
        assert_eq!(stderr.matches("paritty: shared: unreachable").count(), 1, "{stderr}");
        assert_eq!(stderr.matches("paritty: other: unreachable").count(), 1, "{stderr}");
    }
}
