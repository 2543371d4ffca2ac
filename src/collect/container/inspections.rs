//! The local containers of one run, inspected together: one `container
//! inspect` of up to [`BATCH`] of them per engine process instead of one
//! process per container. Each engine CLI process costs tens of
//! milliseconds of CPU before it does anything (BENCHMARKS.md,
//! "containers"), so with many containers on few cores this is time the
//! probes get back. A container the batch did not answer for, or answered
//! for too long ago, is asked alone, as before, which also says why.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Engine;
use super::engine::EngineCli;
use super::inspect::{self, ContainerState};

/// Containers asked about in one engine process at most.
pub const BATCH: usize = 64;

/// How long a batch's answer is trusted: the state is checked before the
/// probe as it was when each container was asked alone; a container
/// collected later than this (many containers, few workers) is asked again.
pub const FRESH: Duration = Duration::from_secs(5);

/// The run's local containers, by engine, and what batches answered.
#[derive(Debug, Default)]
pub struct Inspections {
    podman: Mutex<Batches>,
    docker: Mutex<Batches>,
}

#[derive(Debug, Default)]
struct Batches {
    /// Names in the run's order, not yet in any batch.
    pending: Vec<String>,
    /// What batches said, by name, and when they were asked.
    answered: BTreeMap<String, (Instant, ContainerState)>,
}

impl Inspections {
    /// The containers a run collects on this machine, by engine and name
    /// (or id), in its order; each name once.
    pub fn new<'a>(containers: impl IntoIterator<Item = (Engine, &'a str)>) -> Inspections {
        let inspections = Inspections::default();
        for (engine, name) in containers {
            let mut batches = inspections.of(engine);
            if !batches.pending.iter().any(|n| n == name) {
                batches.pending.push(name.to_owned());
            }
        }
        inspections
    }

    fn of(&self, engine: Engine) -> std::sync::MutexGuard<'_, Batches> {
        let cell = match engine {
            Engine::Podman => &self.podman,
            Engine::Docker => &self.docker,
        };
        cell.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `name`'s state from a batch: the one already asked if it is fresh,
    /// else one asked now for `name` and the next pending containers
    /// (others collected meanwhile wait for it, as they are in it). `None`:
    /// ask it alone (the only container of its engine left, not one of the
    /// run's, or the batch did not answer for it).
    pub fn state(&self, cli: &EngineCli, name: &str, deadline: Instant) -> Option<ContainerState> {
        let mut batches = self.of(cli.engine);
        if let Some((asked, state)) = batches.answered.get(name)
            && asked.elapsed() <= FRESH
        {
            return Some(state.clone());
        }
        let at = batches.pending.iter().position(|n| n == name)?;
        if batches.pending.len() < 2 {
            // A batch of one is the same process as asking alone, which
            // also tells a fault's reason at once.
            return None;
        }
        let mut batch = vec![batches.pending.remove(at)];
        let more = batches.pending.len().min(BATCH - 1);
        batch.extend(batches.pending.drain(..more));
        let names: Vec<&str> = batch.iter().map(String::as_str).collect();
        let asked = Instant::now();
        // Failed as a whole (the engine hangs, cannot start): each
        // container asks alone and gets its own reason and deadline.
        let states = inspect::containers(cli, &names, deadline).unwrap_or_default();
        for (name, state) in states {
            batches.answered.insert(name, (asked, state));
        }
        batches.answered.get(name).map(|(_, state)| state.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_container_is_pending_once_under_its_engine() {
        let inspections = Inspections::new([
            (Engine::Podman, "a"),
            (Engine::Docker, "a"),
            (Engine::Podman, "b"),
            (Engine::Podman, "a"),
        ]);
        assert_eq!(inspections.of(Engine::Podman).pending, ["a", "b"]);
        assert_eq!(inspections.of(Engine::Docker).pending, ["a"]);
    }

    #[test]
    fn a_lone_container_or_a_stranger_is_asked_alone_without_a_process() {
        // The CLI does not exist: any process started would fail the test
        // by answering nothing, but none is started at all.
        let cli = EngineCli { engine: Engine::Docker, program: "/nonexistent/docker".into() };
        let inspections = Inspections::new([(Engine::Docker, "a"), (Engine::Podman, "b")]);
        let deadline = Instant::now() + Duration::from_secs(5);
        assert_eq!(inspections.state(&cli, "a", deadline), None);
        assert_eq!(inspections.state(&cli, "stranger", deadline), None);
        assert_eq!(inspections.of(Engine::Docker).pending, ["a"]);
    }

    /// A stand-in CLI: it logs each run and answers for `a` and `b`.
    #[cfg(unix)]
    fn stand_in(dir: &std::path::Path) -> EngineCli {
        use std::os::unix::fs::PermissionsExt;
        let program = dir.join("podman");
        let log = dir.join("log");
        let script = format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nprintf 'a\\t1\\trunning\\tsha256:i\\tapp:1\\t.\\nb\\t2\\texited\\t\\t\\t.\\n'\n",
            log.display()
        );
        std::fs::write(&program, script).expect("stand-in");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        EngineCli { engine: Engine::Podman, program }
    }

    #[cfg(unix)]
    #[test]
    fn one_process_answers_for_the_batch_while_it_is_fresh() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cli = stand_in(dir.path());
        let inspections =
            Inspections::new([(Engine::Podman, "a"), (Engine::Podman, "b"), (Engine::Podman, "c")]);
        let deadline = Instant::now() + Duration::from_secs(30);
        let a = inspections.state(&cli, "a", deadline).expect("a");
        assert_eq!((a.status.as_str(), a.image.id.as_deref()), ("running", Some("sha256:i")));
        assert_eq!(inspections.state(&cli, "b", deadline).map(|s| s.status), Some("exited".into()));
        // Not answered for: asked alone by the caller.
        assert_eq!(inspections.state(&cli, "c", deadline), None);
        let log = std::fs::read_to_string(dir.path().join("log")).expect("log");
        let runs: Vec<&str> = log.lines().collect();
        assert_eq!(runs.len(), 1, "{log}");
        assert!(runs[0].starts_with("container inspect --format "), "{log}");
        assert!(runs[0].ends_with(" a b c"), "{log}");

        // Too old an answer is asked again, no longer in a batch.
        inspections.of(Engine::Podman).answered.values_mut().for_each(|(asked, _)| {
            *asked = Instant::now().checked_sub(FRESH * 2).expect("an earlier instant");
        });
        assert_eq!(inspections.state(&cli, "a", deadline), None);
    }

    #[test]
    fn a_batch_that_fails_leaves_each_container_to_ask_alone() {
        let cli = EngineCli { engine: Engine::Podman, program: "/nonexistent/podman".into() };
        let inspections = Inspections::new([(Engine::Podman, "a"), (Engine::Podman, "b")]);
        let deadline = Instant::now() + Duration::from_secs(5);
        assert_eq!(inspections.state(&cli, "a", deadline), None);
        assert_eq!(inspections.state(&cli, "b", deadline), None);
        assert!(inspections.of(Engine::Podman).pending.is_empty());
    }
}
