//! ssh-agent within the host deadline. libssh2 talks to the agent over a
//! blocking socket with no timeout, so an agent that never answers (hung,
//! or waiting for a confirmation nobody gives) would hold the host forever.
//! libssh2 is pointed at a socket of ours instead; a thread relays each
//! byte to the real agent and back, and at the deadline closes libssh2's
//! side, whose call then fails at once.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Instant;

use rustix::event::{PollFd, PollFlags, Timespec, poll};

/// A running relay; `finish` ends it (after libssh2 let go of the agent).
pub struct Relay {
    _dir: tempfile::TempDir,
    path: PathBuf,
    /// Dropping our end wakes the relay thread when libssh2 never came.
    stop: Option<UnixStream>,
    thread: Option<JoinHandle<()>>,
    cut: Arc<AtomicBool>,
}

impl Relay {
    /// A relay to the agent at `agent` until `deadline`; `None` when no
    /// socket of ours can be made (the caller then uses the agent itself).
    pub fn start(agent: PathBuf, deadline: Instant) -> Option<Relay> {
        // A private folder (0700): only this user may reach the agent.
        // Socket paths are short (108 bytes), so a long TMPDIR is not used.
        let base = std::env::temp_dir();
        let base = if base.as_os_str().len() > 64 { PathBuf::from("/tmp") } else { base };
        let dir = tempfile::Builder::new()
            .prefix("paritty-agent-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(base)
            .ok()?;
        let path = dir.path().join("agent");
        let listener = UnixListener::bind(&path).ok()?;
        let (stop, stopped) = UnixStream::pair().ok()?;
        let cut = Arc::new(AtomicBool::new(false));
        let cutting = Arc::clone(&cut);
        let thread = std::thread::Builder::new()
            .name("agent-relay".into())
            .spawn(move || {
                if relay(&listener, &stopped, &agent, deadline) == Ended::AgentLate {
                    cutting.store(true, Ordering::SeqCst);
                }
            })
            .ok()?;
        Some(Relay { _dir: dir, path, stop: Some(stop), thread: Some(thread), cut })
    }

    /// The socket to give libssh2 as the agent's.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Ends the relay (libssh2 must have closed its agent connection, or
    /// the relay lasts until the deadline); true when the deadline cut the
    /// agent off while it owed an answer.
    pub fn finish(mut self) -> bool {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.cut.load(Ordering::SeqCst)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// Either side closed, told to stop, or the deadline passed while the
    /// agent owed nothing (libssh2 was busy with the server).
    Closed,
    /// The deadline passed while the agent owed an answer.
    AgentLate,
}

/// Waits for libssh2's one connection, then moves bytes both ways until a
/// side closes or the deadline passes.
fn relay(listener: &UnixListener, stop: &UnixStream, agent: &Path, deadline: Instant) -> Ended {
    let client = loop {
        let mut fds = [PollFd::new(listener, PollFlags::IN), PollFd::new(stop, PollFlags::IN)];
        match wait(&mut fds, deadline) {
            Woke::Deadline | Woke::Failed => return Ended::Closed,
            Woke::Ready if !fds[1].revents().is_empty() => return Ended::Closed,
            Woke::Ready => match listener.accept() {
                Ok((client, _)) => break client,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Ended::Closed,
            },
        }
    };
    // Connecting blocks too once an agent that stopped accepting has a full
    // queue: it runs on a helper thread, waited for until the deadline (and
    // left to end by itself after). An agent that cannot be reached:
    // libssh2 sees its side close.
    let (tx, rx) = mpsc::channel();
    let path = agent.to_owned();
    let connecting = std::thread::Builder::new()
        .name("agent-connect".into())
        .spawn(move || drop(tx.send(UnixStream::connect(path))));
    if connecting.is_err() {
        return Ended::Closed;
    }
    let upstream = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(upstream)) => upstream,
        Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Ended::Closed,
        Err(RecvTimeoutError::Timeout) => return Ended::AgentLate,
    };
    let mut buf = [0u8; 16 * 1024];
    // A request went to the agent and its answer has not come back.
    let mut owed = false;
    loop {
        let mut fds = [PollFd::new(&client, PollFlags::IN), PollFd::new(&upstream, PollFlags::IN)];
        match wait(&mut fds, deadline) {
            Woke::Ready => {}
            // Both sockets close as they drop: libssh2's read fails now.
            Woke::Deadline if owed => return Ended::AgentLate,
            Woke::Deadline | Woke::Failed => return Ended::Closed,
        }
        let ready = [!fds[0].revents().is_empty(), !fds[1].revents().is_empty()];
        for (to_agent, from, to) in [(true, &client, &upstream), (false, &upstream, &client)]
            .into_iter()
            .zip(ready)
            .filter_map(|(sides, ready)| ready.then_some(sides))
        {
            match (&*from).read(&mut buf) {
                Ok(0) | Err(_) => return Ended::Closed,
                Ok(n) => {
                    if (&*to).write_all(&buf[..n]).is_err() {
                        return Ended::Closed;
                    }
                    owed = to_agent;
                }
            }
        }
    }
}

enum Woke {
    Ready,
    Deadline,
    Failed,
}

/// Polls `fds` until one is ready or `deadline` passes.
fn wait(fds: &mut [PollFd<'_>], deadline: Instant) -> Woke {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Woke::Deadline;
        }
        let timeout = Timespec {
            tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(left.subsec_nanos()),
        };
        match poll(fds, Some(&timeout)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => {}
            Ok(_) => return Woke::Ready,
            Err(_) => return Woke::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_this_user_can_reach_the_relay() {
        let relay =
            Relay::start(PathBuf::from("/nonexistent/agent"), Instant::now()).expect("a relay");
        let folder = relay.path().parent().expect("folder");
        let mode = std::fs::metadata(folder).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{}", folder.display());
        assert!(!relay.finish(), "no agent was asked");
    }

    #[test]
    fn an_agent_that_never_answers_is_cut_off_at_the_deadline() {
        let dir = tempfile::tempdir().expect("tmp");
        let agent = dir.path().join("agent");
        // Accepts (the kernel queues the connection) and never answers.
        let _silent = UnixListener::bind(&agent).expect("bind");
        let deadline = Instant::now() + Duration::from_millis(300);
        let relay = Relay::start(agent, deadline).expect("a relay");
        let mut client = UnixStream::connect(relay.path()).expect("connect");
        client.write_all(&[0, 0, 0, 1, 11]).expect("request identities");
        let mut answer = Vec::new();
        // Ends (with nothing) when the relay closes at the deadline.
        client.read_to_end(&mut answer).expect("read");
        assert!(answer.is_empty());
        assert!(Instant::now() >= deadline);
        drop(client);
        assert!(relay.finish(), "the agent owed an answer");
    }
}
