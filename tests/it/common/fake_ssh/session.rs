//! The fake server past the login: any key is let in, an exec channel's
//! command is run by a local `/bin/sh -c` with its stdin (so paritty's
//! probe really runs, its frames come back), after a line of extended data
//! of type 2, which no real sshd sends; and every `direct-tcpip` channel is
//! confirmed, then sent a line of extended data as stderr and as type 2
//! (no real sshd sends either on a tunnel), and nothing else.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};

use super::{Link, Reader, put_string};

/// The window and largest packet offered on every channel: more than any
/// test sends, so no window adjust is ever needed.
const WINDOW: u32 = 1 << 30;
const MAX_PACKET: u32 = 32 * 1024;

/// The extended data sent.
const EXTENDED: &[u8] = b"extended data\n";

/// Serves the connection after "ssh-userauth" was accepted, to its end.
pub(super) fn serve(link: &mut Link, path: &str) -> Result<(), String> {
    log_in(link)?;
    // The client's id of each channel, by ours (the index).
    let mut channels: Vec<u32> = Vec::new();
    // Channels this server closed already (the probe's, once answered).
    let mut closed: Vec<usize> = Vec::new();
    let mut shell: Option<(usize, Child)> = None;
    loop {
        let Ok(packet) = link.recv() else { return Ok(()) };
        let mut r = Reader(&packet[1..]);
        match packet[0] {
            // CHANNEL_OPEN: "session" or "direct-tcpip".
            90 => {
                let kind = r.string().to_vec();
                let theirs = r.u32();
                let ours = u32::try_from(channels.len()).expect("few channels");
                channels.push(theirs);
                let mut confirm = vec![91];
                for word in [theirs, ours, WINDOW, MAX_PACKET] {
                    confirm.extend_from_slice(&word.to_be_bytes());
                }
                link.send(&confirm)?;
                if kind == b"direct-tcpip" {
                    // Stderr (1), and a type no reader of stderr reads.
                    send_extended(link, theirs, 1)?;
                    send_extended(link, theirs, 2)?;
                }
            }
            // CHANNEL_REQUEST: "exec" starts the shell; every request succeeds.
            98 => {
                let ours = r.u32() as usize;
                let kind = r.string().to_vec();
                let want_reply = r.0.first() == Some(&1);
                r.0 = &r.0[1..];
                if kind == b"exec" {
                    let command = String::from_utf8_lossy(r.string()).into_owned();
                    let child = Command::new("/bin/sh")
                        .args(["-c", &command])
                        .env("PATH", path)
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .map_err(|e| format!("start /bin/sh: {e}"))?;
                    shell = Some((ours, child));
                }
                if want_reply {
                    let mut success = vec![99];
                    success.extend_from_slice(&channels[ours].to_be_bytes());
                    link.send(&success)?;
                }
                if kind == b"exec" {
                    send_extended(link, channels[ours], 2)?;
                }
            }
            // CHANNEL_DATA: the probe, for the shell.
            94 => {
                let ours = r.u32() as usize;
                let data = r.string();
                if let Some((_, child)) = shell.as_mut().filter(|(id, _)| *id == ours) {
                    let stdin = child.stdin.as_mut().ok_or("the shell's stdin is closed")?;
                    stdin.write_all(data).map_err(|e| format!("write to the shell: {e}"))?;
                }
            }
            // CHANNEL_EOF: the probe is all sent; the shell's output goes back.
            96 => {
                let ours = r.u32() as usize;
                if shell.as_ref().is_some_and(|(id, _)| *id == ours) {
                    let (_, child) = shell.take().expect("the shell");
                    answer(link, channels[ours], child)?;
                    closed.push(ours);
                }
            }
            // CHANNEL_CLOSE: closed back.
            97 => {
                let ours = r.u32() as usize;
                if !closed.contains(&ours) {
                    closed.push(ours);
                    let mut close = vec![97];
                    close.extend_from_slice(&channels[ours].to_be_bytes());
                    link.send(&close)?;
                }
            }
            // GLOBAL_REQUEST: refused when a reply is wanted.
            80 => {
                let _name = r.string();
                if r.0.first() == Some(&1) {
                    link.send(&[82])?;
                }
            }
            // DISCONNECT.
            1 => return Ok(()),
            // Window adjusts and anything else: nothing to do.
            _ => {}
        }
    }
}

/// A line of extended data of type `code` on the client's channel `theirs`.
fn send_extended(link: &mut Link, theirs: u32, code: u32) -> Result<(), String> {
    let mut extended = vec![95];
    extended.extend_from_slice(&theirs.to_be_bytes());
    extended.extend_from_slice(&code.to_be_bytes());
    put_string(&mut extended, EXTENDED);
    link.send(&extended)
}

/// Answers "none" with "publickey", then lets in whatever key comes.
fn log_in(link: &mut Link) -> Result<(), String> {
    loop {
        let request = link.expect(50)?;
        let mut r = Reader(&request[1..]);
        let (_user, _service, method) = (r.string(), r.string(), r.string());
        if method != b"publickey" {
            let mut failure = vec![51];
            put_string(&mut failure, b"publickey");
            failure.push(0);
            link.send(&failure)?;
            continue;
        }
        let signed = r.0.first() == Some(&1);
        r.0 = &r.0[1..];
        if signed {
            return link.send(&[52]);
        }
        // A query: the key is acceptable (PK_OK, its algorithm and blob).
        let (algorithm, blob) = (r.string(), r.string());
        let mut ok = vec![60];
        put_string(&mut ok, algorithm);
        put_string(&mut ok, blob);
        link.send(&ok)?;
    }
}

/// The shell's whole output as the channel's data, then its end.
fn answer(link: &mut Link, theirs: u32, mut child: Child) -> Result<(), String> {
    drop(child.stdin.take());
    let mut output = Vec::new();
    let stdout = child.stdout.as_mut().ok_or("no stdout")?;
    stdout.read_to_end(&mut output).map_err(|e| format!("read the shell: {e}"))?;
    let status = child.wait().map_err(|e| format!("wait for the shell: {e}"))?;
    for chunk in output.chunks(16 * 1024) {
        let mut data = vec![94];
        data.extend_from_slice(&theirs.to_be_bytes());
        put_string(&mut data, chunk);
        link.send(&data)?;
    }
    let mut eof = vec![96];
    eof.extend_from_slice(&theirs.to_be_bytes());
    link.send(&eof)?;
    let mut exit = vec![98];
    exit.extend_from_slice(&theirs.to_be_bytes());
    put_string(&mut exit, b"exit-status");
    exit.push(0);
    let code = u32::try_from(status.code().unwrap_or(1)).unwrap_or(1);
    exit.extend_from_slice(&code.to_be_bytes());
    link.send(&exit)?;
    let mut close = vec![97];
    close.extend_from_slice(&theirs.to_be_bytes());
    link.send(&close)
}
