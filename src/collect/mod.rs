//! Collectors: the only code that touches the world. Each turns a profile
//! into a `Snapshot` of one host.

pub mod ansible;
pub mod argv;
pub mod backing;
mod builtin;
pub mod command;
pub mod container;
pub mod deps;
pub mod events;
pub mod evidence;
pub mod history;
pub mod hosts;
pub mod kubernetes;
pub mod local;
pub mod locate;
pub mod plan;
mod pool;
pub mod probed;
pub mod running;
pub mod ssh;
pub mod target;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use crate::model::{Fact, HostInfo, ProfileRef, SCHEMA_VERSION, Snapshot, Status, Transport};
use crate::output::sanitize::DEFAULT_MAX_BYTES;
use crate::probe::script::ScriptLimits;
use crate::profile::{Builtin, Profile};

/// Bounds on one host's collection (ARCHITECTURE.md, "Bounded").
#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub command_timeout: Duration,
    pub max_bytes: usize,
    /// Probe commands in flight at once.
    pub max_parallel: usize,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            command_timeout: Duration::from_secs(5),
            max_bytes: DEFAULT_MAX_BYTES,
            max_parallel: 32,
        }
    }
}

impl CollectOptions {
    /// The same bounds, as the remote probe script enforces them.
    pub fn script_limits(&self) -> ScriptLimits {
        ScriptLimits {
            command_timeout: self.command_timeout,
            max_bytes: self.max_bytes,
            max_parallel: self.max_parallel,
        }
    }
}

/// Collects every fact of `profile` on this machine, commands concurrently,
/// so the whole takes about as long as the slowest probe.
pub fn collect_local(profile: &Profile, opts: &CollectOptions) -> Snapshot {
    collect_local_with(profile, opts, &local::LocalContext::new())
}

/// `collect_local` with the PATH and system facts given by `ctx`.
pub fn collect_local_with(
    profile: &Profile,
    opts: &CollectOptions,
    ctx: &local::LocalContext,
) -> Snapshot {
    let started = Instant::now();
    let collected_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let facts = pool::run(
        "collect",
        &profile.facts,
        opts.max_parallel,
        |_, def| local::collect_fact(def, ctx, opts),
        |_| {
            let mut fact = Fact::empty(Status::Error);
            fact.raw = "not collected: no worker thread could be started".into();
            fact
        },
    );
    let mut facts: BTreeMap<String, Fact> =
        profile.facts.iter().zip(facts).map(|(def, fact)| (def.id.clone(), fact)).collect();
    // After the facts: their own `--version` runs are over, so none is
    // taken for a server.
    running::local::attach(profile, &mut facts, opts);
    let host_name = ctx
        .system
        .answer(Builtin::Hostname)
        .map_or_else(|| "local".to_owned(), |n| crate::output::sanitize::one_line(&n));
    Snapshot {
        schema_version: SCHEMA_VERSION,
        paritty_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: ProfileRef { name: profile.name.clone(), hash: profile.hash.clone() },
        host: HostInfo {
            name: host_name,
            address: None,
            transport: Transport::Local,
            labels: BTreeMap::new(),
        },
        collected_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        facts,
        redacted: None,
    }
}
