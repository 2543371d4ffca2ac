//! Helpers the remote-collection tests share: a small profile, reading a
//! written snapshot, the stderr line about one target, and the collector's
//! options for driving it in-process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use paritty::collect::CollectOptions;
use paritty::collect::plan::Plan;
use paritty::collect::target::{SshTarget, Target};
use paritty::profile::Profile;

/// A builtin fact every host has, and a tool each host has its own copy of.
pub const TOOL_PROFILE: &str = r#"
[profile]
name = "tool-test"

[[fact]]
id = "kernel.release"
label = "Kernel"
category = "System"
compare = "loose"
parser = "trim"
sources = [{ builtin = "kernel.release" }]

[[fact]]
id = "tool.mytool"
label = "mytool"
category = "Tools"
compare = "semver"
parser = "version"
sources = [{ cmd = ["mytool", "--version"] }]
"#;

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
