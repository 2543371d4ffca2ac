//! Ansible's JSON output (the `json` stdout callback) of a run of
//! paritty's probe through Ansible (`ansible HOSTS -m script -a
//! probe.sh`, or `-m raw`) read back into host reports, one per host, by
//! the same frame reader and evidence as a probe paritty ran itself.
//! Untrusted: typed loosely (only what is used is read), sizes capped,
//! names cleaned; hosts Ansible could not reach or whose task failed
//! become failures with Ansible's message.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::Value;

use super::backing::remote;
use super::probed::facts_from_probe;
use crate::backing::roles::Role;
use crate::model::{
    FailReason, Failure, HostInfo, HostReport, ProfileRef, SCHEMA_VERSION, Snapshot, Transport,
};
use crate::output::sanitize::{cap, one_line};
use crate::probe::frame;
use crate::profile::Profile;

/// The largest output file read.
pub const MAX_ANSIBLE_BYTES: u64 = 256 << 20;
/// The most hosts one file may hold.
pub const MAX_HOSTS: usize = 100_000;
/// The longest host name kept.
const MAX_NAME_BYTES: usize = 255;
/// The label every imported snapshot carries.
pub const VIA_LABEL: (&str, &str) = ("via", "ansible");

#[derive(Deserialize)]
struct Output {
    plays: Vec<Play>,
}

#[derive(Deserialize)]
struct Play {
    #[serde(default)]
    tasks: Vec<Task>,
}

#[derive(Deserialize)]
struct Task {
    #[serde(default)]
    hosts: serde_json::Map<String, Value>,
    #[serde(default)]
    task: TaskInfo,
}

#[derive(Deserialize, Default)]
struct TaskInfo {
    #[serde(default)]
    duration: Times,
}

#[derive(Deserialize, Default)]
struct Times {
    start: Option<String>,
    end: Option<String>,
}

/// What a host's result says, as far as it is used.
#[derive(Deserialize, Default)]
struct HostResult {
    stdout: Option<String>,
    #[serde(default)]
    unreachable: bool,
    #[serde(default)]
    failed: bool,
    #[serde(default)]
    skipped: bool,
    msg: Option<Value>,
    rc: Option<i64>,
    stderr: Option<String>,
}

/// A file that is not Ansible's JSON output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

/// One report per host of `json` (Ansible's output), in the order Ansible
/// gave them, as `profile` (the one `paritty probe` was printed with)
/// reads the probe's frames, each output capped at `max_bytes`.
pub fn reports(
    json: &[u8],
    profile: &Profile,
    roles: &[Role],
    max_bytes: usize,
) -> Result<Vec<HostReport>, ImportError> {
    let output: Output = serde_json::from_slice(json).map_err(|e| {
        ImportError(format!(
            "not the JSON of Ansible's `json` callback (line {}, column {}): {}",
            e.line(),
            e.column(),
            one_line(&e.to_string())
        ))
    })?;
    // Each host's last result that carries the probe, else its last result.
    let mut hosts: BTreeMap<String, (usize, Found)> = BTreeMap::new();
    for play in output.plays {
        for task in play.tasks {
            let times = task.task.duration;
            for (name, result) in task.hosts {
                let result: HostResult = serde_json::from_value(result).unwrap_or_default();
                let order = hosts.len();
                if hosts.len() >= MAX_HOSTS && !hosts.contains_key(&name) {
                    return Err(ImportError(format!("more than {MAX_HOSTS} hosts")));
                }
                let found = Found::of(result, &times);
                let slot = hosts.entry(name).or_insert((order, Found::Nothing));
                if found.probed() || !slot.1.probed() {
                    slot.1 = found;
                }
            }
        }
    }
    let mut hosts: Vec<(String, (usize, Found))> = hosts.into_iter().collect();
    hosts.sort_by_key(|(_, (order, _))| *order);
    Ok(hosts
        .into_iter()
        .map(|(name, (_, found))| report(&name, found, profile, roles, max_bytes))
        .collect())
}

/// A host's result, as far as importing goes.
enum Found {
    Nothing,
    /// The probe's transcript, and when the task ran.
    Probed {
        stdout: String,
        started: Option<String>,
        ended: Option<String>,
        rc: Option<i64>,
    },
    Failed(FailReason, String),
}

impl Found {
    fn of(result: HostResult, times: &Times) -> Found {
        let msg = result.msg.as_ref().map(|m| match m {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if result.unreachable {
            return Found::Failed(
                FailReason::Unreachable,
                format!("Ansible could not reach it: {}", msg.unwrap_or_default()),
            );
        }
        if let Some(stdout) = result.stdout.filter(|s| probe_line(s).is_some()) {
            return Found::Probed {
                stdout,
                started: times.start.clone(),
                ended: times.end.clone(),
                rc: result.rc,
            };
        }
        let said = [msg, result.stderr]
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_owned())
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let why = if result.skipped {
            "Ansible skipped it".to_owned()
        } else if result.failed {
            format!(
                "its task failed (rc {}): {said}",
                result.rc.map_or("?".into(), |r| r.to_string())
            )
        } else {
            format!(
                "its output holds no probe (was the task `paritty probe`'s script?){}",
                if said.is_empty() { String::new() } else { format!(": {said}") }
            )
        };
        Found::Failed(FailReason::ProbeFailed, why)
    }

    fn probed(&self) -> bool {
        matches!(self, Found::Probed { .. })
    }
}

/// The probe's first record in `stdout`: its boundary, the profile hash
/// it names (older probes name none), and whether a terminal turned its
/// line ends into CR LF.
fn probe_line(stdout: &str) -> Option<(&str, Option<&str>, bool)> {
    stdout.split('\n').find_map(|line| {
        let crlf = line.ends_with('\r');
        let mut words = line.trim_end_matches('\r').split(' ');
        let boundary = words.next()?;
        let hex = boundary.strip_prefix("PARITTY-")?;
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || words.next()? != "H" {
            return None;
        }
        let _version = words.next();
        Some((boundary, words.next(), crlf))
    })
}

fn report(
    name: &str,
    found: Found,
    profile: &Profile,
    roles: &[Role],
    max_bytes: usize,
) -> HostReport {
    let name = cap(one_line(name), MAX_NAME_BYTES);
    let failed = |reason, why: String| HostReport {
        target: name.clone(),
        snapshot: None,
        failure: Some(Failure::new(reason, format!("{name}: {why}"))),
    };
    let (stdout, started, ended, rc) = match found {
        Found::Probed { stdout, started, ended, rc } => (stdout, started, ended, rc),
        Found::Failed(reason, why) => return failed(reason, why),
        Found::Nothing => return failed(FailReason::ProbeFailed, "no result from Ansible".into()),
    };
    let Some((boundary, hash, crlf)) = probe_line(&stdout) else {
        return failed(FailReason::ProbeFailed, "no probe in its output".into());
    };
    if let Some(hash) = hash.filter(|h| *h != profile.hash) {
        return failed(
            FailReason::ProbeFailed,
            format!(
                "its probe asked the questions of another profile ({}; this is {} {}): \
                 import with the --profile `paritty probe` was printed with",
                one_line(hash),
                profile.name,
                profile.hash
            ),
        );
    }
    // Over a terminal (`ssh -tt`, Ansible's default for these modules)
    // each LF arrived as CR LF; undone exactly, so lengths hold again.
    let bytes = if crlf { stdout.replace("\r\n", "\n") } else { stdout.clone() };
    let frames = frame::parse(bytes.as_bytes(), boundary);
    let cut_off = (!frames.finished).then(|| {
        format!(
            "the probe stopped before its end{}",
            rc.filter(|rc| *rc != 0).map_or(String::new(), |rc| format!(" (rc {rc})"))
        )
    });
    let mut facts = facts_from_probe(
        profile,
        &frames,
        max_bytes,
        cut_off.as_deref().unwrap_or("the probe did not report it"),
    );
    // The app's services as the host's configuration names them: its own
    // clients' answers kept; paritty had no session to ask the rest through.
    if let Some(config) = remote::from_frames(&frames.facts, profile, max_bytes) {
        facts.extend(remote::facts(&config, roles, &name, &mut remote::NotReached::imported()));
    }
    if let Some(records) = frames.facts.get(&crate::probe::script::deps_fact(profile)) {
        facts.extend(super::deps::from_probe(records));
    }
    let parse_time = |t: &Option<String>| {
        t.as_deref().and_then(|t| humantime::parse_rfc3339_weak(t.trim_end_matches('Z')).ok())
    };
    let (start, end) = (parse_time(&started), parse_time(&ended));
    let duration_ms = match (start, end) {
        (Some(s), Some(e)) => {
            e.duration_since(s).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        }
        _ => 0,
    };
    let collected_at =
        humantime::format_rfc3339_seconds(start.unwrap_or_else(SystemTime::now)).to_string();
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        paritty_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: ProfileRef { name: profile.name.clone(), hash: profile.hash.clone() },
        host: HostInfo {
            name: name.clone(),
            address: None,
            transport: Transport::Ssh,
            labels: BTreeMap::from([(VIA_LABEL.0.to_owned(), VIA_LABEL.1.to_owned())]),
        },
        collected_at,
        duration_ms,
        facts,
        redacted: None,
    };
    let failure = cut_off.map(|why| {
        Failure::new(FailReason::ProbeFailed, format!("{name}: partial results, {why}"))
    });
    HostReport { target: name, snapshot: Some(snapshot), failure }
}

#[cfg(test)]
mod tests;
