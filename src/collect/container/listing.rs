//! `--containers`: the running containers of a host, as its engines list
//! them (`docker ps`, `podman ps`: whichever are installed there), read as
//! untrusted text: one `ID<tab>NAMES<tab>.` line each (a line cut short
//! lacks its end mark and is dropped), names checked with the rule typed
//! names follow, at most [`MAX_CONTAINERS`] per host. A container two
//! engines list (podman-docker's `docker` is Podman) is listed once.

use std::time::Instant;

use super::Engine;
use super::engine::Ask;
use crate::collect::target::is_container_name;
use crate::model::{FailReason, Failure};

/// Containers taken from one host; more are left out, and said so.
pub const MAX_CONTAINERS: usize = 256;

/// The engines asked, in this order: Podman's name wins for a container
/// both list.
pub const ENGINES: [Engine; 2] = [Engine::Podman, Engine::Docker];

/// What `ps` prints per container: id, names, an end mark.
const FORMAT: &str = "{{.ID}}\t{{.Names}}\t.";

/// One running container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub engine: Engine,
    pub name: String,
}

/// A host's running containers, and what went wrong on the way that did
/// not stop the listing (an engine that failed while another answered,
/// lines refused, the cap).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub containers: Vec<Listed>,
    pub problems: Vec<String>,
}

/// Lists with each engine of `engines` that is installed (an `Err` with
/// reason `engine-unavailable` from `ask` means it is not); fails only when
/// no engine answered: with `none_installed` when none is there, else with
/// the first engine's failure.
pub fn list(
    engines: &[&dyn Ask],
    deadline: Instant,
    none_installed: impl FnOnce() -> Failure,
) -> Result<Listing, Failure> {
    let mut listing = Listing::default();
    let mut seen_ids: Vec<String> = Vec::new();
    let (mut answered, mut failures) = (false, Vec::new());
    for engine in engines {
        let kind = match engine.name() {
            "docker" => Engine::Docker,
            _ => Engine::Podman,
        };
        let answer = match engine.ask(&["ps", "--format", FORMAT], deadline) {
            Ok(answer) if answer.ok => answer,
            Ok(answer) => {
                let said = super::fault::first_line(&answer.complaint);
                failures.push(super::fault::classify(engine.name(), "", said));
                continue;
            }
            Err(f) if f.reason == FailReason::EngineUnavailable && is_absent(&f) => continue,
            Err(f) => {
                failures.push(f);
                continue;
            }
        };
        answered = true;
        let (rows, refused) = parse(&answer.text);
        if refused > 0 {
            listing.problems.push(format!(
                "{}: {refused} line(s) of `{} ps` were not a container name and were left out",
                engine.name(),
                engine.name()
            ));
        }
        for (id, name) in rows {
            if seen_ids.contains(&id) {
                continue;
            }
            if listing.containers.len() == MAX_CONTAINERS {
                listing.problems.push(format!(
                    "more than {MAX_CONTAINERS} running containers: the first {MAX_CONTAINERS} are collected"
                ));
                return Ok(listing);
            }
            seen_ids.push(id);
            listing.containers.push(Listed { engine: kind, name });
        }
    }
    if !answered {
        return Err(failures.into_iter().next().unwrap_or_else(none_installed));
    }
    listing.problems.extend(failures.iter().map(ToString::to_string));
    Ok(listing)
}

/// Whether a failure says the engine's CLI is not installed (as opposed
/// to installed and not answering).
fn is_absent(f: &Failure) -> bool {
    f.message().contains("is not installed")
}

/// `ps` output into (id, name) rows, and how many lines were refused. A
/// line needs its three fields and its end mark; Docker's `Names` may hold
/// a container's link names after a comma: the first is its own.
pub fn parse(text: &str) -> (Vec<(String, String)>, usize) {
    let (mut rows, mut refused) = (Vec::new(), 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let row = match fields.as_slice() {
            [id, names, "."] => {
                let name = names.split(',').next().unwrap_or("").trim();
                let id = id.trim();
                let id_ok = !id.is_empty()
                    && id.len() <= 128
                    && id.chars().all(|c| c.is_ascii_alphanumeric());
                (id_ok && is_container_name(name)).then(|| (id.to_owned(), name.to_owned()))
            }
            _ => None,
        };
        match row {
            Some(row) => rows.push(row),
            None => refused += 1,
        }
    }
    (rows, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::container::engine::Answer;

    #[test]
    fn lines_are_checked_before_they_become_targets() {
        let text = "3f2a9c\tweb-1\t.\n\n9b1e\tdb,app/db\t.\nabc\t-oops\t.\nabd\tx y\t.\n\
                    zz\tok\n\x1b[2J\tbad\t.\nfff\ttail\t";
        let (rows, refused) = parse(text);
        assert_eq!(
            rows,
            [("3f2a9c".to_owned(), "web-1".to_owned()), ("9b1e".to_owned(), "db".to_owned())]
        );
        assert_eq!(refused, 5);
    }

    /// An engine answering from a script.
    struct Scripted(&'static str, Result<Answer, Failure>);

    impl Ask for Scripted {
        fn name(&self) -> &'static str {
            self.0
        }
        fn ask(&self, args: &[&str], _: Instant) -> Result<Answer, Failure> {
            assert_eq!(args, ["ps", "--format", FORMAT]);
            self.1.clone()
        }
    }

    fn answer(text: &str) -> Answer {
        Answer { ok: true, truncated: false, text: text.to_owned(), complaint: String::new() }
    }

    #[test]
    fn engines_are_merged_and_capped() {
        let none = || Failure::new(FailReason::EngineUnavailable, "none");
        let podman = Scripted("podman", Ok(answer("a1\tweb\t.\nb2\tdb\t.")));
        // podman-docker: the same containers again, and one of Docker's own.
        let docker = Scripted("docker", Ok(answer("a1\tweb\t.\nc3\tcache\t.")));
        let listing = list(&[&podman, &docker], Instant::now(), none).expect("listed");
        let names: Vec<(Engine, &str)> =
            listing.containers.iter().map(|c| (c.engine, c.name.as_str())).collect();
        assert_eq!(
            names,
            [(Engine::Podman, "web"), (Engine::Podman, "db"), (Engine::Docker, "cache")]
        );
        assert!(listing.problems.is_empty());

        let many: Vec<String> = (0..300).map(|i| format!("{i:x}\tc{i}\t.")).collect();
        let listing =
            list(&[&Scripted("podman", Ok(answer(&many.join("\n"))))], Instant::now(), none)
                .expect("listed");
        assert_eq!(listing.containers.len(), MAX_CONTAINERS);
        assert!(listing.problems[0].contains("more than 256"), "{:?}", listing.problems);

        // Not installed anywhere: the caller's failure; installed but
        // failing: the engine's own.
        let absent =
            || Err(Failure::new(FailReason::EngineUnavailable, "`podman` is not installed"));
        let f = list(&[&Scripted("podman", absent())], Instant::now(), none).expect_err("none");
        assert_eq!(f.message(), "none");
        let down = Scripted(
            "docker",
            Ok(Answer {
                ok: false,
                truncated: false,
                text: String::new(),
                complaint: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock"
                    .into(),
            }),
        );
        let f =
            list(&[&Scripted("podman", absent()), &down], Instant::now(), none).expect_err("down");
        assert_eq!(f.reason, FailReason::EngineUnavailable);
        assert!(f.message().contains("docker does not answer"), "{}", f.message());
        // One engine down, the other answering: listed, and said.
        let listing =
            list(&[&Scripted("podman", Ok(answer("a1\tweb\t."))), &down], Instant::now(), none)
                .expect("listed");
        assert_eq!(listing.containers.len(), 1);
        assert!(listing.problems[0].contains("engine-unavailable"), "{:?}", listing.problems);
    }
}
