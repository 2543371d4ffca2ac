//! Asking an SSH host's backing services from the host's point of view:
//! each through a `direct-tcpip` channel of the session the probe ran on,
//! so `127.0.0.1` in the host's `.env` is the host's own loopback. Nothing
//! of the app's credentials is sent (they never left the host): this is
//! for the services that tell their version before a login.
//!
//! All of a host's services are asked at once: each conversation on a
//! thread of its own over a local socket, the channels moved by this
//! thread (`relay`), so six services cost about the slowest, not the sum.
//! libssh2 opens one channel at a time per session (its open is a state of
//! the session, resumed by the next call whatever that call names), so the
//! opens follow one another, each conversation starting as soon as its
//! channel is open; an open still pending when the time is up leaves the
//! session unable to open another, and the services not yet opened are
//! reported as such.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ssh2::{ErrorCode, Session};

use super::deadline::Deadline;
use super::relay::Relay;
use crate::backing::ask::{Answer, AskError, Link, Login, ask};
use crate::collect::backing::remote::{Question, Reach};
use crate::collect::backing::{Outcome, from_ask_error};
use crate::model::Status;

/// libssh2's "would block" (`LIBSSH2_ERROR_EAGAIN`).
const EAGAIN: i32 = -37;

/// The session's way to the host's services, each within `timeout` and
/// the host's deadline.
pub struct Tunnel<'s> {
    pub session: &'s Session,
    pub deadline: &'s Deadline,
    pub timeout: Duration,
    /// The host's name, for messages.
    pub host: &'s str,
}

impl Reach for Tunnel<'_> {
    fn ask(&mut self, questions: &[Question<'_>]) -> Vec<(Outcome, Duration)> {
        let started = Instant::now();
        let until = (started + self.timeout).min(self.deadline.instant());
        let (mut outcomes, mut to_open) = sort(questions, until);
        // Each conversation leaves its outcome here before it drops its
        // end of the socket, so the relay finishing means all are in.
        let answered: Vec<Mutex<Option<(Outcome, Duration)>>> =
            questions.iter().map(|_| Mutex::new(None)).collect();
        if !to_open.is_empty() {
            std::thread::scope(|scope| {
                let mut relay = Relay::new(self.session);
                let mut threads = Vec::new();
                loop {
                    let mut moved = false;
                    // Open what opens without waiting, one at a time.
                    while let Some(&(i, host, port)) = to_open.front() {
                        let channel = match self.session.channel_direct_tcpip(host, port, None) {
                            Err(e) if e.code() == ErrorCode::Session(EAGAIN) => break,
                            Err(e) => {
                                outcomes[i] = Some(self.refused(&e, host, port, until));
                                to_open.pop_front();
                                continue;
                            }
                            Ok(channel) => channel,
                        };
                        to_open.pop_front();
                        moved = true;
                        let stream = match relay.add(channel) {
                            Ok(s) => s,
                            Err(e) => {
                                let why = format!("not asked: no local socket pair ({e})");
                                outcomes[i] = Some(Outcome::failed(Status::Error, why));
                                continue;
                            }
                        };
                        let login = login(host, questions[i].endpoint.database.as_deref());
                        let protocol = questions[i].protocol;
                        let slot = &answered[i];
                        let how = format!("by paritty through {} (SSH direct-tcpip)", self.host);
                        let spawned = std::thread::Builder::new()
                            .name(format!("tunnel-{host}:{port}"))
                            .spawn_scoped(scope, move || {
                                let mut stream = Bounded { stream, until };
                                let answer = ask(protocol, &mut stream, &login, until);
                                let outcome = outcome(answer, how);
                                *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                                    Some((outcome, started.elapsed()));
                            });
                        match spawned {
                            Ok(thread) => threads.push(thread),
                            Err(e) => {
                                let why = format!("not asked: no thread to ask it ({e})");
                                outcomes[i] = Some(Outcome::failed(Status::Error, why));
                            }
                        }
                    }
                    if !to_open.is_empty() && Instant::now() >= until {
                        for (i, host, port) in to_open.drain(..) {
                            outcomes[i] = Some(self.still_opening(host, port));
                        }
                    }
                    moved |= relay.pass();
                    if to_open.is_empty() && relay.finished() {
                        break;
                    }
                    if !moved {
                        relay.wait(until.saturating_duration_since(Instant::now()));
                    }
                }
                relay.close();
                // Joined here, so a conversation that panicked leaves its
                // slot empty (said below) instead of ending the host's worker.
                for thread in threads {
                    let _ = thread.join();
                }
            });
        }
        self.deadline.arm(self.session);
        let took = started.elapsed();
        outcomes
            .into_iter()
            .zip(answered)
            .map(|(outcome, slot)| {
                let asked = slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
                match (outcome, asked) {
                    (Some(outcome), _) => (outcome, took),
                    (None, Some(asked)) => asked,
                    (None, None) => (
                        Outcome::failed(
                            Status::Error,
                            "the asking thread ended without an outcome",
                        ),
                        took,
                    ),
                }
            })
            .collect()
    }
}

/// A question still to open a channel for: its index, host and port.
type ToOpen<'q> = (usize, &'q str, u16);

/// The questions to ask, in order, and the outcomes
/// of those that cannot be asked.
fn sort<'q>(
    questions: &[Question<'q>],
    until: Instant,
) -> (Vec<Option<Outcome>>, VecDeque<ToOpen<'q>>) {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; questions.len()];
    let mut to_open = VecDeque::new();
    for (i, q) in questions.iter().enumerate() {
        match (q.endpoint.host.as_deref(), q.endpoint.port) {
            (Some(host), Some(port)) if until > Instant::now() => {
                to_open.push_back((i, host, port));
            }
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

impl Tunnel<'_> {
    /// Why the channel to `host:port` did not open.
    fn refused(&self, e: &ssh2::Error, host: &str, port: u16, until: Instant) -> Outcome {
        let said = e.message().to_owned();
        if said.to_ascii_lowercase().contains("prohibited") {
            Outcome::failed(
                Status::NotAsked,
                format!("not asked: {}'s sshd does not allow TCP forwarding ({said})", self.host),
            )
        } else if Instant::now() >= until {
            Outcome::failed(Status::Timeout, format!("{} did not connect to it in time", self.host))
        } else {
            Outcome::failed(
                Status::Unreachable,
                format!("{} could not connect to {host}:{port} ({said})", self.host),
            )
        }
    }

    /// A service whose channel never opened in time: the one being opened,
    /// and those after it, which the session could not open meanwhile.
    fn still_opening(&self, host: &str, port: u16) -> Outcome {
        Outcome::failed(
            Status::Timeout,
            format!(
                "{} did not connect to {host}:{port} in time (its SSH channels open one at a time)",
                self.host
            ),
        )
    }
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
