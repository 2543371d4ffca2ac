//! Running the probe script over one exec channel and reading its framed
//! output, bounded in time and bytes.

use std::io::{Read, Write};
use std::time::Instant;

use ssh2::{ExtendedData, Session};

use crate::probe::frame::{ProbeOutput, Reader};
use crate::probe::script::ProbeScript;

/// What came back from the host.
#[derive(Debug)]
pub struct Transcript {
    pub stdout: Vec<u8>,
    /// The frames read from it as it arrived.
    pub frames: ProbeOutput,
    /// Why reading stopped early, if it did (deadline, connection lost,
    /// too much output); the frames read so far are still used.
    pub cut_off: Option<String>,
}

/// Sends `script` to `/bin/sh -s` on the host and reads until the channel
/// closes, `deadline` passes or `max_total` bytes have arrived.
pub fn run_probe(
    session: &Session,
    probe: &ProbeScript,
    deadline: Instant,
    max_total: usize,
    on_fact: &dyn Fn(usize),
) -> Result<Transcript, String> {
    // The probe ends itself before the host's deadline: nothing of it may
    // outlive the time paritty gives the host.
    let script = probe.for_host(deadline.saturating_duration_since(Instant::now()));
    let mut channel =
        session.channel_session().map_err(|e| format!("cannot open a channel: {e}"))?;
    // The script's own stderr is noise (tools' stderr goes into the frames
    // through files); merging it could split a framed body, so drop it.
    channel
        .handle_extended_data(ExtendedData::Ignore)
        .map_err(|e| format!("cannot set up the channel: {e}"))?;
    // exec goes through the user's login shell; `/bin/sh -s` reads the
    // probe from stdin, so its size is not bounded by ARG_MAX.
    channel.exec("/bin/sh -s").map_err(|e| format!("cannot start /bin/sh: {e}"))?;
    channel
        .write_all(script.as_bytes())
        .and_then(|()| channel.flush())
        .map_err(|e| format!("cannot send the probe: {e}"))?;
    channel.send_eof().map_err(|e| format!("cannot send the probe: {e}"))?;

    let mut stdout = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    // Frames are read as they arrive, so the screen can show a host filling
    // in; the reader counts facts by their frames, never by text a tool
    // could print.
    let mut frames = Reader::new(&probe.boundary);
    let mut facts_done = 0;
    let cut_off = loop {
        if Instant::now() >= deadline {
            break Some("the host's deadline passed".to_owned());
        }
        match channel.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => {
                if stdout.len() + n > max_total {
                    break Some(format!("the host sent more than {max_total} bytes"));
                }
                stdout.extend_from_slice(&buf[..n]);
                frames.feed(&buf[..n]);
                if frames.facts_done() > facts_done {
                    facts_done = frames.facts_done();
                    on_fact(facts_done);
                }
            }
            // Each blocking call is bounded by the session timeout; a quiet
            // host just means another look at the deadline.
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => break Some(format!("connection lost: {e}")),
        }
    };
    if cut_off.is_none() {
        let _ = channel.wait_close();
    }
    Ok(Transcript { stdout, frames: frames.finish(), cut_off })
}
