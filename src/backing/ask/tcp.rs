//! The local case: a TCP connection to the service, then the conversation, all within one deadline.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Instant;

use super::{Answer, AskError, Link, Login, Protocol, ask};
use crate::output::sanitize;

/// Connects over TCP (with a connect timeout from the deadline, every resolved
/// address tried in turn) and asks. A loopback peer makes the link
/// `Link::Private` whatever the caller said. Resolving the name is not bounded
/// by the deadline (the system resolver has its own timeouts); an app's
/// services are mostly IP addresses and names from /etc/hosts.
pub fn ask_tcp(
    protocol: Protocol,
    host: &str,
    port: u16,
    login: &Login,
    deadline: Instant,
) -> Result<Answer, AskError> {
    let shown = sanitize::one_line(host);
    // An IPv6 address as URLs write it, "[::1]".
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let addresses = (host, port).to_socket_addrs().map_err(|e| {
        AskError::Unreachable(format!("{shown}: {}", sanitize::one_line(&e.to_string())))
    })?;
    let mut last = AskError::Unreachable(format!("{shown}: no address"));
    for address in addresses {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(AskError::Timeout);
        }
        match TcpStream::connect_timeout(&address, left) {
            Ok(stream) => {
                // Small messages, each waited for: no Nagle delay on them.
                stream.set_nodelay(true).ok();
                let mut login = *login;
                if address.ip().is_loopback() {
                    login.link = Link::Private;
                }
                let mut timed = Timed { stream, deadline };
                return ask(protocol, &mut timed, &login, deadline);
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => last = AskError::Timeout,
            Err(e) => {
                last = AskError::Unreachable(format!(
                    "{address}: {}",
                    sanitize::one_line(&e.to_string())
                ));
            }
        }
    }
    Err(last)
}

/// A socket whose every read and write waits at most until the deadline.
struct Timed {
    stream: TcpStream,
    deadline: Instant,
}

impl Timed {
    fn left(&self) -> io::Result<std::time::Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() { Err(io::ErrorKind::TimedOut.into()) } else { Ok(left) }
    }
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        self.stream.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}
