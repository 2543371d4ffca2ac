//! The host deadline: one instant by which everything for one host ends
//! (connecting, handshake, login, probe, closing, jump hops). libssh2's
//! `set_timeout` bounds each blocking call by a fixed span, not by an
//! instant, so the span is set to the time left before every call; a span
//! set once would let each call wait it in full again.

use std::cell::Cell;
use std::time::{Duration, Instant};

use ssh2::Session;

use crate::model::{FailReason, Failure};

/// Where one host's time went when its deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Settings,
    Connecting,
    Handshake,
    Login,
    Agent,
    Tunnel,
    StartingProbe,
    Probe,
    /// Asking a container engine on the host (`inspect`, `ps`).
    Engine,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Settings => "while resolving its ssh_config (ssh -G)",
            Phase::Connecting => "while connecting",
            Phase::Handshake => "during the SSH handshake",
            Phase::Login => "while logging in",
            Phase::Agent => "while waiting for ssh-agent",
            Phase::Tunnel => "while opening the jump tunnel",
            Phase::StartingProbe => "while starting the probe",
            Phase::Probe => "while running the probe",
            Phase::Engine => "while asking the container engine",
        })
    }
}

/// How early a libssh2 call cut by the deadline may end: its poll is given
/// whole milliseconds, truncated, and a poll that times out ends the call.
const SLACK: Duration = Duration::from_millis(5);

/// The instant one host's collection must end by.
#[derive(Debug)]
pub struct Deadline {
    at: Cell<Instant>,
    total: Duration,
}

impl Deadline {
    /// `total` from now.
    pub fn after(total: Duration) -> Deadline {
        Deadline { at: Cell::new(Instant::now() + total), total }
    }

    /// The instant itself, for a thread that must end by it.
    pub fn instant(&self) -> Instant {
        self.at.get()
    }

    pub fn left(&self) -> Duration {
        self.at.get().saturating_duration_since(Instant::now())
    }

    /// Whether the deadline has passed, or is nearer than `SLACK`: a call
    /// cut by it may end that much before it.
    pub fn passed(&self) -> bool {
        self.left() <= SLACK
    }

    /// Bounds the session's next blocking calls by the time left; false
    /// when the deadline has passed.
    pub fn arm(&self, session: &Session) -> bool {
        session.set_timeout(millis(self.left()));
        !self.passed()
    }

    /// Like `arm`, and the span is at most `cap` (a connect timeout).
    pub fn arm_within(&self, session: &Session, cap: Duration) -> bool {
        session.set_timeout(millis(self.left().min(cap)));
        !self.passed()
    }

    /// Why the host failed: its deadline passed during `phase`.
    pub fn failure(&self, phase: Phase) -> Failure {
        Failure::new(FailReason::Timeout, self.reason(phase))
    }

    /// "the host timeout of 3.0 s passed while ..."
    pub fn reason(&self, phase: Phase) -> String {
        format!("the host timeout of {:.1} s passed {phase}", self.total.as_secs_f64())
    }

    /// `f`'s failure, or the deadline's when it has passed: a blocking call
    /// cut by the time left fails with whatever libssh2 makes of it.
    pub fn explain(&self, f: Failure, phase: Phase) -> Failure {
        if self.passed() { self.failure(phase) } else { f }
    }

    /// Runs `f` (a question to the person at the terminal) and moves the
    /// deadline by the time it took: a person thinking is not the host
    /// being slow.
    pub fn excluding<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let answer = f();
        self.at.set(self.at.get() + started.elapsed());
        answer
    }
}

/// A span as libssh2 takes it: milliseconds, at least 1 (0 means forever),
/// rounded up so that a call cut by the time left ends at or after the
/// deadline, never a fraction before it (which would read as another cause).
pub fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_round_up_to_whole_milliseconds() {
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_micros(1_999_400)), 2000);
        assert_eq!(millis(Duration::from_millis(1500)), 1500);
        assert_eq!(millis(Duration::from_secs(u64::MAX)), u32::MAX);
    }

    #[test]
    fn a_passed_deadline_names_its_phase() {
        let deadline = Deadline::after(Duration::ZERO);
        assert!(deadline.passed());
        let f = deadline.explain(Failure::new(FailReason::AuthFailed, "refused"), Phase::Login);
        assert_eq!(f.reason, FailReason::Timeout);
        assert_eq!(f.message(), "the host timeout of 0.0 s passed while logging in");
    }
}
