//! Running vs installed, judged: a server whose running version is not the
//! installed one, or whose binary was replaced since it started, needs a
//! restart ("upgraded but not restarted").
//!
//! A finding about one host alone, so it is no severity: the scale ranks
//! a host's values against the baseline's, and `check` keeps gating on
//! that. It is shown beside the value in every view and export instead
//! (ARCHITECTURE.md, "Running vs installed").

use super::version::{self, Level};
use crate::model::{Fact, Process, Status};
use crate::profile::CompareKind;

/// Why a server needs a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// The version the server runs, when it told.
    pub running: Option<String>,
    /// The installed version; `None`: not installed any more.
    pub installed: Option<String>,
    /// Its binary was replaced or removed since it started.
    pub replaced: bool,
    /// Servers of the fact that need one (most hosts run one).
    pub servers: usize,
}

/// The restart `fact`'s running servers need, if any: the first server
/// running another version than the installed one, else the first running
/// a replaced binary.
pub fn pending(fact: &Fact) -> Option<Restart> {
    let running = fact.running.as_ref()?;
    let installed = (fact.status == Status::Ok).then_some(fact.value.as_deref()).flatten();
    let kind = fact.compare.unwrap_or(CompareKind::Loose);
    let other_version = |p: &Process| match (&p.version, installed) {
        (Some(r), Some(i)) => version::compare(kind, i, r).level > Level::Packaging,
        // Running while its program is no longer installed.
        (Some(_), None) => fact.status == Status::Missing,
        (None, _) => false,
    };
    let needs = |p: &&Process| other_version(p) || p.replaced;
    let servers = running.processes.iter().filter(needs).count();
    let first = running
        .processes
        .iter()
        .find(|p| other_version(p))
        .or_else(|| running.processes.iter().find(|p| p.replaced))?;
    Some(Restart {
        running: first.version.clone(),
        installed: installed.map(str::to_owned),
        replaced: first.replaced,
        servers,
    })
}

impl Restart {
    /// The sentence for reports and the details pane: `running 7.0.15,
    /// installed 7.2.4: restart pending`.
    pub fn sentence(&self) -> String {
        let running = match (&self.running, self.replaced) {
            (Some(v), false) => format!("running {v}"),
            (Some(v), true) => format!("running {v} from a replaced binary"),
            (None, _) => "running a replaced binary".to_owned(),
        };
        let installed = match &self.installed {
            Some(v) if self.running.as_ref() != Some(v) => format!(", installed {v}"),
            Some(_) => String::new(),
            None => ", no longer installed".to_owned(),
        };
        let more =
            if self.servers > 1 { format!(" ({} servers)", self.servers) } else { String::new() };
        format!("{running}{installed}: restart pending{more}")
    }

    /// The short words beside a value in a cell, which has room for little
    /// (`⟳ running 7.0.15`); the sentence goes under tables and in details.
    pub fn tag(&self) -> String {
        match &self.running {
            Some(v) if self.installed.as_ref() != Some(v) => format!("⟳ running {v}"),
            _ => "⟳ replaced binary".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Running;

    fn fact(installed: Option<&str>, processes: Vec<Process>) -> Fact {
        let mut fact = Fact::empty(if installed.is_some() { Status::Ok } else { Status::Missing });
        fact.value = installed.map(str::to_owned);
        fact.running = Some(Running { unobservable: None, processes });
        fact
    }

    fn process(pid: u32, version: Option<&str>, replaced: bool) -> Process {
        Process {
            pid,
            program: "redis-server".into(),
            exe: Some("/usr/bin/redis-server".into()),
            version: version.map(str::to_owned),
            replaced,
            raw: String::new(),
            note: None,
        }
    }

    #[test]
    fn an_older_running_server_needs_a_restart() {
        let restart =
            pending(&fact(Some("7.2.4"), vec![process(1, Some("7.0.15"), true)])).expect("pending");
        assert_eq!(
            restart.sentence(),
            "running 7.0.15 from a replaced binary, installed 7.2.4: restart pending"
        );
        assert_eq!(restart.tag(), "⟳ running 7.0.15");
        let restart = pending(&fact(Some("7.2.4"), vec![process(1, Some("7.0.15"), false)]))
            .expect("pending");
        assert_eq!(restart.sentence(), "running 7.0.15, installed 7.2.4: restart pending");
    }

    #[test]
    fn a_replaced_binary_of_the_same_version_needs_one_too() {
        let restart = pending(&fact(
            Some("7.0.15"),
            vec![process(1, Some("7.0.15"), false), process(2, Some("7.0.15"), true)],
        ))
        .expect("pending");
        assert_eq!(restart.sentence(), "running 7.0.15 from a replaced binary: restart pending");
        assert_eq!(restart.tag(), "⟳ replaced binary");
        let unknown =
            pending(&fact(Some("7.0.15"), vec![process(1, None, true)])).expect("pending");
        assert_eq!(
            unknown.sentence(),
            "running a replaced binary, installed 7.0.15: restart pending"
        );
    }

    #[test]
    fn the_same_version_from_the_same_file_needs_none() {
        assert_eq!(pending(&fact(Some("7.0.15"), vec![process(1, Some("7.0.15"), false)])), None);
        // Not asked (another user's process): nothing is claimed.
        assert_eq!(pending(&fact(Some("7.0.15"), vec![process(1, None, false)])), None);
        assert_eq!(pending(&Fact::empty(Status::Ok)), None);
    }

    #[test]
    fn a_server_whose_program_is_gone_says_so() {
        let restart = pending(&fact(
            None,
            vec![process(1, Some("7.0.15"), true), process(2, Some("7.0.15"), true)],
        ))
        .expect("pending");
        assert_eq!(
            restart.sentence(),
            "running 7.0.15 from a replaced binary, no longer installed: restart pending (2 servers)"
        );
    }
}
