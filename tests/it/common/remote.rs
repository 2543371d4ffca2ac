//! Helpers the remote-collection tests share: the profiles they collect,
//! reading a written snapshot, the stderr line about one target, the
//! collector's options for driving it in-process, and the binary for
//! another user.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use paritty::collect::CollectOptions;
use paritty::collect::hosts::RunOptions;
use paritty::collect::ssh::connect::ConnectOptions;
use paritty::collect::ssh::host::HostOptions;
use paritty::target::{SshTarget, Target};

/// `tests/fixtures/profiles/NAME.toml`: a small profile several tests collect (`tool-test`,
/// `ssh-test`, `pty-test`; each file says what it holds).
pub fn profile_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/profiles")
        .join(format!("{name}.toml"))
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("snapshot JSON")
}

/// The one stderr line about `target`, which must name `reason`.
pub fn fault_line<'a>(stderr: &'a str, target: &str, reason: &str) -> &'a str {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("paritty: {target}: ")))
        .unwrap_or_else(|| panic!("no line for {target} in:\n{stderr}"));
    assert!(line.contains(&format!(": {reason}: ")), "{target}: {line}");
    line
}

/// An ssh_config alias as a target.
pub fn ssh_target(name: &str) -> Target {
    Target::Ssh(SshTarget {
        name: name.into(),
        host: name.into(),
        user: None,
        port: None,
        labels: BTreeMap::new(),
    })
}

/// Options for `collect_targets` with `ssh_config`, no prompts.
pub fn run_options(
    ssh_config: PathBuf,
    collect: CollectOptions,
    connect_timeout: Duration,
) -> RunOptions<'static> {
    RunOptions {
        host: HostOptions { collect, host_timeout: Duration::from_secs(60) },
        workers: 8,
        connect: ConnectOptions {
            connect_timeout,
            accept_new: false,
            host_key_prompt: None,
            passphrase_prompt: None,
        },
        ssh_config: Some(ssh_config),
    }
}

/// The built binary as user `uid` (group `gid`) can run it: in place when they can, else a
/// copy in `dir` (a checkout under /root is not theirs to enter).
pub fn binary_for(uid: u32, gid: u32, dir: &Path) -> PathBuf {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_paritty"));
    let can =
        Command::new("test").arg("-x").arg(&built).uid(uid).gid(gid).stdin(Stdio::null()).status();
    if can.is_ok_and(|s| s.success()) {
        return built;
    }
    let copy = dir.join("paritty");
    fs::copy(&built, &copy).expect("copy paritty");
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).expect("chmod paritty");
    copy
}
