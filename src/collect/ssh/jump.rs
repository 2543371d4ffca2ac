//! ProxyJump: reaching a host through another SSH session. The jump host's
//! direct-tcpip channel is bridged to a local socket pair so the next
//! session can run over it like over TCP (libssh2 needs a file descriptor).

use std::io::{ErrorKind, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;

use rustix::event::{PollFd, PollFlags, poll};
use ssh2::Session;

use super::deadline::{Deadline, Phase};
use crate::model::{FailReason, Failure};

/// A socket whose other end reaches `host:port` from the jump host. The
/// jump session moves into the pump thread and lives as long as the tunnel.
/// Opening the channel ends by `deadline`; the session over the tunnel is
/// bounded by its own timeouts, and when it ends the tunnel ends.
pub fn tunnel(
    jump: Session,
    jump_socket: OwnedFd,
    host: &str,
    port: u16,
    deadline: &Deadline,
) -> Result<UnixStream, Failure> {
    if !deadline.arm(&jump) {
        return Err(deadline.failure(Phase::Tunnel));
    }
    let channel = jump.channel_direct_tcpip(host, port, None).map_err(|e| {
        Failure::new(
            FailReason::Unreachable,
            format!("the jump host cannot reach {host}:{port}: {e}"),
        )
    })?;
    let (ours, theirs) = UnixStream::pair().map_err(|e| {
        Failure::new(FailReason::Unreachable, format!("cannot make a local socket pair: {e}"))
    })?;
    std::thread::Builder::new()
        .name(format!("jump-{host}"))
        .spawn(move || pump(&jump, channel, &jump_socket, theirs))
        .map_err(|e| {
            Failure::new(FailReason::Unreachable, format!("cannot start the tunnel thread: {e}"))
        })?;
    Ok(ours)
}

/// Moves bytes both ways until either side closes. The jump session is
/// non-blocking so one direction never holds its lock while the other waits.
fn pump(jump: &Session, mut channel: ssh2::Channel, jump_socket: &OwnedFd, mut local: UnixStream) {
    jump.set_blocking(false);
    let mut to_channel: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        // Wait for either socket; the timeout only re-checks libssh2's own
        // buffers, which poll cannot see.
        let mut fds = [
            PollFd::new(jump_socket, PollFlags::IN),
            // Local input waits while the channel's window is full;
            // polling it then would only spin.
            PollFd::new(
                &local,
                if to_channel.is_empty() { PollFlags::IN } else { PollFlags::empty() },
            ),
        ];
        let wait = rustix::event::Timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        if poll(&mut fds, Some(&wait)).is_err() {
            return;
        }
        // Channel -> local: drain whatever libssh2 has.
        loop {
            match channel.read(&mut buf) {
                Ok(0) => {
                    if channel.eof() {
                        let _ = local.shutdown(std::net::Shutdown::Write);
                        return;
                    }
                    break;
                }
                Ok(n) => {
                    if local.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => return,
            }
        }
        // Local -> channel.
        if to_channel.is_empty() {
            local.set_nonblocking(true).ok();
            match local.read(&mut buf) {
                // The session over the tunnel is gone (libssh2 never
                // half-closes): end the channel and the jump session now,
                // or a far side that never closes would keep both open.
                Ok(0) => {
                    let _ = channel.send_eof();
                    let _ = channel.close();
                    return;
                }
                Ok(n) => to_channel.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
            local.set_nonblocking(false).ok();
        }
        while !to_channel.is_empty() {
            match channel.write(&to_channel) {
                Ok(n) => {
                    to_channel.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => return,
            }
        }
    }
}
