//! Asking an SSH host's backing services from the host's point of view:
//! each through a `direct-tcpip` channel of the session the probe runs on,
//! so `127.0.0.1` in the host's `.env` is the host's own loopback. Nothing
//! of the app's credentials is sent (they never left the host): this is
//! for the services that tell their version before a login.
//!
//! The asking starts as soon as the probe has sent the app's configuration
//! (its first frame) and goes on while the probe runs: the thread that
//! reads the probe (`exec`) also drives this, and each conversation runs
//! on a thread of its own over a local socket whose channel the same
//! thread moves (`relay`). So six services cost about the slowest, and a
//! service the host's own client asks inside the probe (PostgreSQL) costs
//! no more on top of them. libssh2 opens one channel at a time per session
//! (its open is a state of the session, resumed by the next call whatever
//! that call names), so the opens follow one another, each conversation
//! starting as soon as its channel is open; an open still pending when the
//! time is up leaves the session unable to open another, and the services
//! not yet opened are reported as such.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ssh2::{ErrorCode, Session};

use super::deadline::Deadline;
use super::relay::Relay;
use crate::backing::ask::{Answer, AskError, Link, Login, Protocol, ask};
use crate::backing::endpoint::Endpoint;
use crate::backing::roles::Role;
use crate::collect::backing::remote::{self, Answered, Question};
use crate::collect::backing::{Outcome, from_ask_error};
use crate::model::Status;
use crate::probe::frame::Reader;

/// libssh2's "would block" (`LIBSSH2_ERROR_EAGAIN`).
const EAGAIN: i32 = -37;

/// The app's services of one host, asked once the probe sends the app's
/// configuration: what `exec`'s reading loop drives beside the probe.
pub struct AppAsks<'s> {
    pub session: &'s Session,
    pub deadline: &'s Deadline,
    /// Each service's time, from when the configuration came.
    pub timeout: Duration,
    /// The host's name, for messages.
    pub host: &'s str,
    /// The probe's frame that holds the app's configuration.
    pub config_fact: usize,
    /// The app's roles: only their services are asked.
    pub roles: &'s [Role],
    pub max_bytes: usize,
    /// The asking, once the configuration came.
    pub asks: Option<Asks>,
}

impl AppAsks<'_> {
    /// Starts the asking when the configuration has come, and opens what
    /// opens without waiting; true when anything moved.
    pub fn step(&mut self, frames: &Reader, relay: &mut Relay<'_>) -> bool {
        if self.asks.is_none() {
            let Some(records) = frames.fact(self.config_fact) else { return false };
            let config = remote::read(records, self.max_bytes);
            let questions = remote::questions(&config, self.roles, self.host);
            let until = (Instant::now() + self.timeout).min(self.deadline.instant());
            self.asks = Some(Asks::new(&questions, until));
        }
        self.asks.as_mut().is_some_and(|asks| asks.open(self.session, self.host, relay))
    }

    /// Whether nothing is left to do here: never started (no
    /// configuration yet), or every channel opened or given up and every
    /// conversation ended.
    pub fn finished(&self, relay: &Relay<'_>) -> bool {
        self.asks.as_ref().is_none_or(|asks| asks.to_open.is_empty() && relay.finished())
    }

    /// When the asking must have ended (the deadline when not started).
    pub fn until(&self) -> Instant {
        self.asks.as_ref().map_or(self.deadline.instant(), |asks| asks.until)
    }

    /// The outcomes, once the relay is closed (its sockets gone, every
    /// conversation ends); `None` when the configuration never came.
    pub fn finish(self) -> Option<Answered> {
        self.asks.map(Asks::finish)
    }
}

/// Where a conversation leaves its outcome and the time it took.
type Slot = Arc<Mutex<Option<(Outcome, Duration)>>>;

/// Services being asked: their questions, the channels still to open, the
/// outcomes known here and those the conversations leave.
pub struct Asks {
    questions: Vec<(Protocol, Endpoint)>,
    started: Instant,
    until: Instant,
    /// Outcomes decided here (not asked, never opened).
    outcomes: Vec<Option<Outcome>>,
    /// Each conversation leaves its outcome here before it drops its end
    /// of the socket, so the relay finishing means all are in.
    answered: Vec<Slot>,
    to_open: VecDeque<usize>,
    threads: Vec<JoinHandle<()>>,
}

impl Asks {
    fn new(questions: &[Question<'_>], until: Instant) -> Asks {
        let (outcomes, to_open) = sort(questions, until);
        Asks {
            questions: questions.iter().map(|q| (q.protocol, q.endpoint.clone())).collect(),
            started: Instant::now(),
            until,
            outcomes,
            answered: questions.iter().map(|_| Arc::default()).collect(),
            to_open,
            threads: Vec::new(),
        }
    }

    /// Opens what opens without waiting, one at a time, each conversation
    /// started as its channel opens; true when anything moved.
    fn open(&mut self, session: &Session, host_name: &str, relay: &mut Relay<'_>) -> bool {
        let mut moved = false;
        while let Some(&i) = self.to_open.front() {
            let endpoint = &self.questions[i].1;
            let (Some(host), Some(port)) = (endpoint.host.as_deref(), endpoint.port) else {
                self.to_open.pop_front();
                continue;
            };
            let channel = match session.channel_direct_tcpip(host, port, None) {
                Err(e) if e.code() == ErrorCode::Session(EAGAIN) => break,
                Err(e) => {
                    self.outcomes[i] = Some(refused(&e, host_name, host, port, self.until));
                    self.to_open.pop_front();
                    moved = true;
                    continue;
                }
                Ok(channel) => channel,
            };
            self.to_open.pop_front();
            moved = true;
            match relay.add(channel) {
                Ok(stream) => self.converse(i, stream, host_name),
                Err(e) => {
                    let why = format!("not asked: no local socket pair ({e})");
                    self.outcomes[i] = Some(Outcome::failed(Status::Error, why));
                }
            }
        }
        if !self.to_open.is_empty() && Instant::now() >= self.until {
            for i in self.to_open.drain(..) {
                self.outcomes[i] = Some(still_opening(host_name, &self.questions[i].1));
            }
            moved = true;
        }
        moved
    }

    /// Question `i`'s conversation, on a thread of its own over `stream`.
    fn converse(&mut self, i: usize, stream: UnixStream, host_name: &str) {
        let (protocol, endpoint) = &self.questions[i];
        let protocol = *protocol;
        let host = endpoint.host.clone().unwrap_or_default();
        let database = endpoint.database.clone();
        let slot = Arc::clone(&self.answered[i]);
        let (started, until) = (self.started, self.until);
        let how = format!("by paritty through {host_name} (SSH direct-tcpip)");
        let spawned = std::thread::Builder::new().name(format!("tunnel-{i}")).spawn(move || {
            let mut stream = Bounded { stream, until };
            let login = login(&host, database.as_deref());
            let outcome = outcome(ask(protocol, &mut stream, &login, until), how);
            *slot.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((outcome, started.elapsed()));
        });
        match spawned {
            Ok(thread) => self.threads.push(thread),
            Err(e) => {
                let why = format!("not asked: no thread to ask it ({e})");
                self.outcomes[i] = Some(Outcome::failed(Status::Error, why));
            }
        }
    }

    /// Every question's outcome, the conversations joined (a conversation
    /// that panicked leaves its slot empty, said here, instead of ending
    /// the host's worker).
    fn finish(self) -> Answered {
        for thread in self.threads {
            let _ = thread.join();
        }
        let took = self.started.elapsed();
        let asked = self
            .questions
            .into_iter()
            .zip(self.outcomes)
            .zip(self.answered)
            .map(|(((protocol, endpoint), outcome), slot)| {
                let conversed = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                let (outcome, took) = match (outcome, conversed) {
                    (Some(outcome), _) => (outcome, took),
                    (None, Some(asked)) => asked,
                    (None, None) => (
                        Outcome::failed(
                            Status::Error,
                            "the asking thread ended without an outcome",
                        ),
                        took,
                    ),
                };
                (protocol, endpoint, outcome, took)
            })
            .collect();
        Answered { asked }
    }
}

/// The questions' outcomes known before asking (those that cannot be
/// asked), and the indices of the others, in order.
fn sort(questions: &[Question<'_>], until: Instant) -> (Vec<Option<Outcome>>, VecDeque<usize>) {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; questions.len()];
    let mut to_open = VecDeque::new();
    for (i, q) in questions.iter().enumerate() {
        match (q.endpoint.host.as_deref(), q.endpoint.port) {
            (Some(_), Some(_)) if until > Instant::now() => to_open.push_back(i),
            (Some(_), Some(_)) => {
                let why = "not asked: the host's time is up";
                outcomes[i] = Some(Outcome::failed(Status::Timeout, why));
            }
            _ => {
                let why = "not asked: no host and port";
                outcomes[i] = Some(Outcome::failed(Status::NotAsked, why));
            }
        }
    }
    (outcomes, to_open)
}

/// Why the channel to `host:port` did not open.
fn refused(e: &ssh2::Error, host_name: &str, host: &str, port: u16, until: Instant) -> Outcome {
    let said = e.message().to_owned();
    if said.to_ascii_lowercase().contains("prohibited") {
        Outcome::failed(
            Status::NotAsked,
            format!("not asked: {host_name}'s sshd does not allow TCP forwarding ({said})"),
        )
    } else if Instant::now() >= until {
        Outcome::failed(Status::Timeout, format!("{host_name} did not connect to it in time"))
    } else {
        Outcome::failed(
            Status::Unreachable,
            format!("{host_name} could not connect to {host}:{port} ({said})"),
        )
    }
}

/// A service whose channel never opened in time: the one being opened,
/// and those after it, which the session could not open meanwhile.
fn still_opening(host_name: &str, endpoint: &Endpoint) -> Outcome {
    let host = endpoint.host.as_deref().unwrap_or("?");
    let port = endpoint.port.unwrap_or(0);
    Outcome::failed(
        Status::Timeout,
        format!(
            "{host_name} did not connect to {host}:{port} in time (its SSH channels open one at a time)"
        ),
    )
}

/// What the conversation needs besides the stream: no credentials (they
/// stayed on the host), and whether the last hop is private.
fn login<'a>(host: &str, database: Option<&'a str>) -> Login<'a> {
    // The last hop, from the host to the service, is on the host's own
    // loopback or crosses a network.
    let private = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    Login {
        database,
        link: if private { Link::Private } else { Link::Network },
        ..Login::default()
    }
}

fn outcome(answer: Result<Answer, AskError>, how: String) -> Outcome {
    match answer {
        Ok(a) => Outcome::Answered { service: a.service, version: a.version, how },
        Err(e) => from_ask_error(&e),
    }
}

/// A conversation's end of its socket, every read and write ending by `until`.
struct Bounded {
    stream: UnixStream,
    until: Instant,
}

impl Bounded {
    /// The time left, at least a millisecond (a zero timeout means none).
    fn left(&self) -> Duration {
        self.until.saturating_duration_since(Instant::now()).max(Duration::from_millis(1))
    }
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()))?;
        self.stream.read(buf)
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}
