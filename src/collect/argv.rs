//! A `[[host]]` with `exec = [...]`: the probe on the stdin of the user's
//! own argv (`vagrant ssh web -- sh -s`, `lxc exec c1 -- sh -s`, ...), read
//! back like a container's. The argv runs as written, without a shell; the
//! snapshot names its program only, never its arguments.

use std::time::Instant;

use super::container::fault::first_line;
use super::container::host::{Job, Progress, probe, read_back};
use super::events::Stage;
use super::target::ExecTarget;
use crate::model::{FailReason, Failure, HostInfo, HostReport, Transport};
use crate::output::sanitize::one_line;

pub fn collect_argv(t: &ExecTarget, job: &Job<'_>, progress: &Progress<'_>) -> HostReport {
    let started = Instant::now();
    let deadline = started + job.host_timeout;
    let failed =
        |f: Failure| HostReport { target: t.name.clone(), snapshot: None, failure: Some(f) };
    (progress.stage)(Stage::Connecting);
    // The config loader refuses an empty argv; a target made otherwise fails here.
    let Some((program, args)) = t.argv.split_first() else {
        return failed(Failure::new(FailReason::ProbeFailed, "`exec` is empty"));
    };
    let shown = one_line(program);
    let Ok(path) = which::which(program) else {
        return failed(Failure::new(
            FailReason::EngineUnavailable,
            format!(
                "`{shown}` (the program of `exec`) is not installed or not on PATH: install it, or fix `exec` in paritty.toml"
            ),
        ));
    };
    (progress.stage)(Stage::Probing);
    let transcript = match probe(&path, args, job, deadline, progress, &|_| {}) {
        Ok(transcript) => transcript,
        Err(f) => return failed(f),
    };
    let host = HostInfo {
        name: t.name.clone(),
        address: None,
        transport: Transport::Exec(shown.clone()),
        labels: t.labels.clone(),
    };
    let (snapshot, failure) = read_back(&transcript, job, host, started, &|| None, &|said| {
        Failure::new(
            FailReason::ProbeFailed,
            format!(
                "`{shown}` ended without running the probe: {}: `exec` must end in a POSIX shell reading its stdin (`sh -s`)",
                first_line(said)
            ),
        )
    });
    HostReport { target: t.name.clone(), snapshot, failure }
}
