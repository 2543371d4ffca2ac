//! Many channels of one SSH session at once: each channel bridged to a
//! local socket pair whose other end a conversation thread reads and
//! writes, all channels moved by the one thread that owns the session.
//!
//! Why one pumping thread rather than each conversation calling libssh2:
//! ssh2's channel calls hold the session's lock for the whole call, and in
//! non-blocking mode any call may read the packets meant for another
//! channel, which would then wait on a socket that stays quiet. Here only
//! one thread touches libssh2, and after every pass that moved bytes it
//! passes again before it sleeps, so what one channel's read queued for
//! another is delivered without waiting for the socket.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, poll};
use ssh2::{BlockDirections, Channel, ExtendedData, Session};

/// How long the pump sleeps when nothing moved and no socket woke it: a
/// bound on any wake-up this loop cannot see (`queued` sees the bytes
/// libssh2 took off the socket for another channel). A hundred wake-ups a
/// second of a few syscalls each cost no CPU to speak of.
const TICK: Duration = Duration::from_millis(10);

/// The same bound while no channel is bridged (only the probe's channel
/// is read, whose every wake-up the socket or libssh2's queue shows): a
/// host whose probe waits on a slow tool costs no wake-ups to speak of.
const IDLE: Duration = Duration::from_secs(1);

/// The most bytes moved at once in either direction of one channel; a
/// direction with bytes in hand reads no more until they are passed on.
const CHUNK: usize = 16 * 1024;

/// One channel and the local end that stands for it.
struct Link {
    channel: Channel,
    local: UnixStream,
    to_channel: Vec<u8>,
    to_local: Vec<u8>,
    /// The far side ended (or the channel failed): the local end was shut
    /// for writing so the conversation reads the end.
    far_done: bool,
    /// The conversation dropped its end: this link is finished.
    done: bool,
}

/// The channels of one session, pumped by the caller's thread. The
/// session is non-blocking while the relay lives.
pub struct Relay<'s> {
    session: &'s Session,
    links: Vec<Link>,
}

impl<'s> Relay<'s> {
    pub fn new(session: &'s Session) -> Relay<'s> {
        session.set_blocking(false);
        Relay { session, links: Vec::new() }
    }

    /// Bridges `channel`; the returned socket is the conversation's end.
    pub fn add(&mut self, mut channel: Channel) -> std::io::Result<UnixStream> {
        // A tunnel has no stderr, but a server may send extended data
        // anyway: dropped as it arrives, else it stays in libssh2's queue
        // (only its own stream's reads take it), where `queued` sees it, so
        // the loop never sleeps again, and where it hides the channel's
        // end. The mode holds even when flushing what came before would
        // block.
        let _ = channel.handle_extended_data(ExtendedData::Ignore);
        let (local, theirs) = UnixStream::pair()?;
        local.set_nonblocking(true)?;
        self.links.push(Link {
            channel,
            local,
            to_channel: Vec::new(),
            to_local: Vec::new(),
            far_done: false,
            done: false,
        });
        Ok(theirs)
    }

    /// Whether every conversation has ended (dropped its end).
    pub fn finished(&self) -> bool {
        self.links.iter().all(|l| l.done)
    }

    /// Moves what can be moved without waiting; true when anything moved.
    pub fn pass(&mut self) -> bool {
        let mut moved = false;
        let mut buf = vec![0u8; CHUNK];
        for link in self.links.iter_mut().filter(|l| !l.done) {
            moved |= link.move_down(&mut buf);
            moved |= link.move_up(&mut buf);
        }
        moved
    }

    /// Whether a channel that may read has bytes waiting in libssh2's
    /// queue (taken off the socket while another channel was read), which
    /// polling the socket cannot see.
    pub fn queued(&self) -> bool {
        self.links.iter().any(|l| {
            !l.done
                && !l.far_done
                && l.to_local.is_empty()
                && (l.channel.read_window().available > 0 || l.channel.eof())
        })
    }

    /// Sleeps until the session's socket or a local end can move bytes,
    /// at most `TICK` and at most `limit` (but a millisecond at least).
    pub fn wait(&self, limit: Duration) {
        let socket = socket(self.session);
        let mut session_flags = PollFlags::IN;
        if matches!(
            self.session.block_directions(),
            BlockDirections::Outbound | BlockDirections::Both
        ) {
            session_flags |= PollFlags::OUT;
        }
        let mut fds = vec![PollFd::new(&socket, session_flags)];
        for link in self.links.iter().filter(|l| !l.done) {
            let mut flags = PollFlags::empty();
            if link.to_channel.is_empty() {
                flags |= PollFlags::IN;
            }
            if !link.to_local.is_empty() {
                flags |= PollFlags::OUT;
            }
            fds.push(PollFd::new(&link.local, flags));
        }
        // At least a millisecond: past the time limit the conversations end
        // by their own timeouts, which this loop must not spin waiting for.
        let cap = if fds.len() > 1 { TICK } else { IDLE };
        let wait = limit.clamp(Duration::from_millis(1), cap);
        let wait = rustix::event::Timespec {
            tv_sec: i64::try_from(wait.as_secs()).unwrap_or(1),
            tv_nsec: i64::from(wait.subsec_nanos()),
        };
        // An error (EINTR) only ends this wait early.
        let _ = poll(&mut fds, Some(&wait));
    }

    /// Closes every channel, waiting for the host's reply at most libssh2's
    /// least, and makes the session blocking again.
    pub fn close(self) {
        self.session.set_blocking(true);
        self.session.set_timeout(1);
        for mut link in self.links {
            let _ = link.channel.close();
        }
    }
}

impl Link {
    /// Channel to local (down to the conversation): what libssh2 has, then
    /// the bytes in hand.
    fn move_down(&mut self, buf: &mut [u8]) -> bool {
        let mut moved = false;
        if self.to_local.is_empty() && !self.far_done {
            match self.channel.read(buf) {
                Ok(0) => {
                    if self.channel.eof() {
                        self.end_far();
                        moved = true;
                    }
                }
                Ok(n) => {
                    self.to_local.extend_from_slice(&buf[..n]);
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.end_far();
                    moved = true;
                }
            }
        }
        if !self.to_local.is_empty() {
            match self.local.write(&self.to_local) {
                Ok(n) => {
                    self.to_local.drain(..n);
                    moved |= n > 0;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.done = true;
                    moved = true;
                }
            }
            if self.far_done && self.to_local.is_empty() {
                let _ = self.local.shutdown(std::net::Shutdown::Write);
            }
        }
        moved
    }

    /// Local to channel (up from the conversation): its bytes, and its end.
    fn move_up(&mut self, buf: &mut [u8]) -> bool {
        let mut moved = false;
        if self.to_channel.is_empty() && !self.done {
            match self.local.read(buf) {
                Ok(0) => {
                    self.done = true;
                    return true;
                }
                Ok(n) => {
                    // Nobody is left to read them once the far side ended.
                    if !self.far_done {
                        self.to_channel.extend_from_slice(&buf[..n]);
                    }
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.done = true;
                    return true;
                }
            }
        }
        // Written again with the same bytes after WouldBlock, as libssh2
        // wants a packet it began to send finished before any other.
        if !self.to_channel.is_empty() && !self.far_done {
            match self.channel.write(&self.to_channel) {
                Ok(n) => {
                    self.to_channel.drain(..n);
                    moved |= n > 0;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.end_far();
                    moved = true;
                }
            }
        }
        moved
    }

    /// The far side is gone: the conversation reads the end of its stream.
    fn end_far(&mut self) {
        self.far_done = true;
        self.to_channel.clear();
        if self.to_local.is_empty() {
            let _ = self.local.shutdown(std::net::Shutdown::Write);
        }
    }
}

/// The session's socket, for polling.
#[allow(unsafe_code)]
fn socket(session: &Session) -> BorrowedFd<'_> {
    // SAFETY: the session owns its socket (`set_tcp_stream`) and closes it
    // only when dropped or given another, which needs `&mut Session`; the
    // borrow returned lives no longer than the shared borrow of `session`.
    unsafe { BorrowedFd::borrow_raw(session.as_raw_fd()) }
}
