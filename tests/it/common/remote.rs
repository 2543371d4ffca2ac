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
use std::sync::Arc;
use std::time::Duration;

use paritty::collect::CollectOptions;
use paritty::collect::plan::Plan;
use paritty::collect::target::{SshTarget, Target};
use paritty::profile::Profile;

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
        identity_file: None,
        proxy_jump: None,
        app_dir: None,
    })
}

/// A plan for `collect_targets`: `profile` with `ssh_config`, 8 hosts at
/// once, a minute per host.
pub fn plan(
    profile: &Profile,
    ssh_config: PathBuf,
    collect: CollectOptions,
    connect_timeout: Duration,
) -> Plan {
    let mut plan = Plan::new(Arc::new(profile.clone()));
    plan.collect = collect;
    plan.host_timeout = Duration::from_secs(60);
    plan.workers = 8;
    plan.ssh.connect_timeout = connect_timeout;
    plan.ssh.config_file = Some(ssh_config);
    plan
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
