//! One short command over an exec channel of a logged-in session (a
//! container engine's `inspect` or `ps` on an SSH host): its output and
//! complaints apart, each capped, its exit status, every blocking call
//! within the host deadline.

use std::io::Read;

use ssh2::{Channel, Session};

use super::deadline::{Deadline, Phase};
use crate::model::{FailReason, Failure};

/// What the command printed (raw bytes, capped) and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `None` when the host did not say (the channel closed without a status).
    pub exit_code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Bytes read and dropped past a stream's cap before giving up on it: a
/// short question's answer is far smaller, so more is a host misbehaving.
const DRAIN: usize = 1 << 20;

/// Runs `command` (a line for the user's login shell, quoted by the caller)
/// with stdin closed; stdout then stderr read to their end, `cap` bytes of
/// each kept. Fails with `timeout` (naming `phase`) when the deadline
/// passes, else `probe-failed` with libssh2's reason.
pub fn run(
    session: &Session,
    command: &str,
    cap: usize,
    deadline: &Deadline,
    phase: Phase,
) -> Result<Reply, Failure> {
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        deadline.explain(Failure::new(FailReason::ProbeFailed, format!("{what}: {e}")), phase)
    };
    deadline.arm(session);
    let mut channel = session.channel_session().map_err(|e| failed("cannot open a channel", &e))?;
    deadline.arm(session);
    channel.exec(command).map_err(|e| failed("cannot run a command", &e))?;
    deadline.arm(session);
    channel.send_eof().map_err(|e| failed("cannot close its input", &e))?;
    let stdout = read_capped(session, &mut channel, 0, cap, deadline, phase)?;
    let stderr = read_capped(session, &mut channel, 1, cap, deadline, phase)?;
    if !deadline.arm(session) {
        return Err(deadline.failure(phase));
    }
    // Both streams ended: the status follows the close at once.
    channel.wait_close().map_err(|e| failed("cannot close the channel", &e))?;
    let exit_code = channel.exit_status().ok();
    Ok(Reply { exit_code, stdout, stderr })
}

/// Stream `id` (0 stdout, 1 stderr) to its end, `cap` bytes kept.
fn read_capped(
    session: &Session,
    channel: &mut Channel,
    id: i32,
    cap: usize,
    deadline: &Deadline,
    phase: Phase,
) -> Result<Vec<u8>, Failure> {
    let mut stream = channel.stream(id);
    let (mut kept, mut seen) = (Vec::new(), 0usize);
    let mut buf = [0u8; 8192];
    loop {
        if !deadline.arm(session) {
            return Err(deadline.failure(phase));
        }
        match stream.read(&mut buf) {
            Ok(0) => return Ok(kept),
            Ok(n) => {
                let room = cap.saturating_sub(kept.len()).min(n);
                kept.extend_from_slice(&buf[..room]);
                seen += n;
                if seen > cap + DRAIN {
                    return Err(Failure::new(
                        FailReason::ProbeFailed,
                        format!(
                            "the host sent more than {} bytes for a short question",
                            cap + DRAIN
                        ),
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => {
                return Err(deadline.explain(
                    Failure::new(FailReason::ProbeFailed, format!("connection lost: {e}")),
                    phase,
                ));
            }
        }
    }
}
