//! Asking an SSH host's backing services from the host's point of view:
//! each through a `direct-tcpip` channel of the session the probe ran on,
//! so `127.0.0.1` in the host's `.env` is the host's own loopback. Nothing
//! of the app's credentials is sent (they never left the host): this is
//! for the services that tell their version before a login.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use ssh2::Session;

use super::deadline::{Deadline, millis};
use crate::backing::ask::{Link, Login, Protocol, ask};
use crate::backing::endpoint::Endpoint;
use crate::collect::backing::remote::Reach;
use crate::collect::backing::{Outcome, from_ask_error};
use crate::model::Status;

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
    fn ask(&mut self, protocol: Protocol, endpoint: &Endpoint) -> Outcome {
        let (Some(host), Some(port)) = (endpoint.host.as_deref(), endpoint.port) else {
            return Outcome::failed(Status::NotAsked, "not asked: no host and port");
        };
        let until = (Instant::now() + self.timeout).min(self.deadline.instant());
        if until <= Instant::now() {
            return Outcome::failed(Status::Timeout, "not asked: the host's time is up");
        }
        // Every blocking call of the conversation ends by `until`.
        self.session.set_timeout(millis(until.saturating_duration_since(Instant::now())));
        let channel = self.session.channel_direct_tcpip(host, port, None);
        let outcome = match channel {
            Err(e) => {
                let said = e.message().to_owned();
                if said.to_ascii_lowercase().contains("prohibited") {
                    Outcome::failed(
                        Status::NotAsked,
                        format!(
                            "not asked: {}'s sshd does not allow TCP forwarding ({said})",
                            self.host
                        ),
                    )
                } else if Instant::now() >= until {
                    Outcome::failed(
                        Status::Timeout,
                        format!("{} did not connect to it in time", self.host),
                    )
                } else {
                    Outcome::failed(
                        Status::Unreachable,
                        format!("{} could not connect to {host}:{port} ({said})", self.host),
                    )
                }
            }
            Ok(mut channel) => {
                // The last hop, from the host to the service, is on the
                // host's own loopback or crosses a network.
                let private =
                    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                let login = Login {
                    database: endpoint.database.as_deref(),
                    link: if private { Link::Private } else { Link::Network },
                    ..Login::default()
                };
                let answer = ask(protocol, &mut channel, &login, until);
                // Closing waits for the host's reply at most libssh2's least.
                self.session.set_timeout(1);
                let _ = channel.close();
                drop(channel);
                match answer {
                    Ok(a) => Outcome::Answered {
                        service: a.service,
                        version: a.version,
                        how: format!("by paritty through {} (SSH direct-tcpip)", self.host),
                    },
                    Err(e) => from_ask_error(&e),
                }
            }
        };
        self.deadline.arm(self.session);
        outcome
    }
}
