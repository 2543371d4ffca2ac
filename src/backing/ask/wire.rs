//! One conversation's bytes: sends, and reads that are capped and end at the deadline.

use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::time::Instant;

use super::AskError;
use crate::output::sanitize;

/// The most one message from a server may hold. Every answer asked for is
/// a few KiB at most (Redis' `INFO server` about 2, RabbitMQ's
/// Connection.Start about 1): a length beyond this is garbage or hostile,
/// refused before anything is allocated for it.
pub(super) const MAX_MESSAGE: usize = 64 * 1024;

/// How many bytes of something unexpected an error shows.
const EXCERPT_BYTES: usize = 48;

/// The stream of one conversation, buffered for reading, with its deadline.
pub(super) struct Wire<'s, S> {
    stream: &'s mut S,
    buf: Vec<u8>,
    /// Where the unread bytes of `buf` start.
    pos: usize,
    deadline: Instant,
}

impl<'s, S: Read + Write> Wire<'s, S> {
    pub(super) fn new(stream: &'s mut S, deadline: Instant) -> Self {
        Wire { stream, buf: Vec::new(), pos: 0, deadline }
    }

    /// Writes all of `bytes` and flushes.
    pub(super) fn send(&mut self, bytes: &[u8]) -> Result<(), AskError> {
        self.check_deadline()?;
        self.stream.write_all(bytes).map_err(|e| io_error(&e))?;
        self.stream.flush().map_err(|e| io_error(&e))
    }

    /// Exactly `n` bytes (at most `MAX_MESSAGE`).
    pub(super) fn take(&mut self, n: usize) -> Result<Vec<u8>, AskError> {
        if n > MAX_MESSAGE {
            return Err(AskError::Protocol(format!(
                "a message of {n} bytes, more than the {MAX_MESSAGE} paritty reads"
            )));
        }
        while self.unread() < n {
            self.fill()?;
        }
        let bytes = self.buf[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Ok(bytes)
    }

    /// Exactly `N` bytes, for fixed-size headers.
    pub(super) fn take_array<const N: usize>(&mut self) -> Result<[u8; N], AskError> {
        let bytes = self.take(N)?;
        let mut array = [0; N];
        array.copy_from_slice(&bytes);
        Ok(array)
    }

    /// One line up to `\n` (a `\r` before it dropped), at most `max` bytes:
    /// a longer one is not the line-based protocol expected.
    pub(super) fn line(&mut self, max: usize) -> Result<Vec<u8>, AskError> {
        let mut scanned = 0;
        loop {
            if let Some(at) = self.buf[self.pos + scanned..].iter().position(|&b| b == b'\n') {
                let end = self.pos + scanned + at;
                let mut line = self.buf[self.pos..end].to_vec();
                self.pos = end + 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            scanned = self.unread();
            if scanned > max {
                return Err(AskError::Protocol(format!(
                    "a line longer than {max} bytes: {}",
                    excerpt(&self.buf[self.pos..])
                )));
            }
            self.fill()?;
        }
    }

    /// The bytes already read and not taken (for an error's excerpt).
    pub(super) fn peek_unread(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn unread(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Reads what the stream has into the buffer; an end of stream is an error,
    /// since every caller is waiting for more.
    fn fill(&mut self) -> Result<(), AskError> {
        self.check_deadline()?;
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut chunk = [0u8; 4096];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => self.check_deadline()?,
                Err(e) => return Err(io_error(&e)),
            }
        };
        if n == 0 {
            return Err(closed(&self.buf));
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    fn check_deadline(&self) -> Result<(), AskError> {
        if Instant::now() >= self.deadline { Err(AskError::Timeout) } else { Ok(()) }
    }
}

/// The server ended the conversation before saying what was expected.
fn closed(unread: &[u8]) -> AskError {
    if unread.is_empty() {
        AskError::Protocol("the server closed the connection without an answer".to_owned())
    } else {
        AskError::Protocol(format!("the server closed the connection after {}", excerpt(unread)))
    }
}

/// A read or write that failed: a timeout of the stream's own (its read
/// timeout, the caller's bound) is the deadline's; anything else means the
/// connection is gone.
fn io_error(error: &std::io::Error) -> AskError {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => AskError::Timeout,
        ErrorKind::UnexpectedEof => {
            AskError::Protocol("the server closed the connection without an answer".to_owned())
        }
        _ => AskError::Protocol(format!(
            "the connection failed: {}",
            sanitize::one_line(&error.to_string())
        )),
    }
}

/// The start of unexpected bytes, for a message: printable ASCII as it is,
/// anything else as `\xNN`, so nothing in it acts on a terminal.
pub(super) fn excerpt(bytes: &[u8]) -> String {
    let mut text = String::from("\"");
    for &b in bytes.iter().take(EXCERPT_BYTES) {
        if b.is_ascii_graphic() || b == b' ' {
            text.push(char::from(b));
        } else {
            write!(text, "\\x{b:02x}").expect("writing to a String");
        }
    }
    text.push('"');
    if bytes.len() > EXCERPT_BYTES {
        text.push('…');
    }
    sanitize::one_line(&text)
}

/// Text a server sent (a name, a message), made one clean line of at most `max` bytes.
pub(super) fn text(bytes: &[u8], max: usize) -> String {
    let line = sanitize::one_line(&String::from_utf8_lossy(bytes));
    sanitize::cap(line.trim().to_owned(), max)
}

/// A cursor over one message already read: reads that fail instead of running past its end.
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// A message shorter or otherwise other than its own lengths say.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Malformed(pub(super) &'static str);

impl<'a> Cursor<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    pub(super) fn rest(&self) -> &'a [u8] {
        &self.bytes[self.pos..]
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(super) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or(Malformed("a length runs past the end of the message"))?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    pub(super) fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.bytes(1)?[0])
    }

    pub(super) fn be_u16(&mut self) -> Result<u16, Malformed> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(super) fn be_u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(super) fn le_u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut array = [0; N];
        array.copy_from_slice(self.bytes(N)?);
        Ok(array)
    }

    /// Bytes up to a NUL (the NUL consumed, not returned).
    pub(super) fn c_string(&mut self) -> Result<&'a [u8], Malformed> {
        let rest = self.rest();
        let len = rest.iter().position(|&b| b == 0).ok_or(Malformed("a string without its end"))?;
        let taken = &rest[..len];
        self.pos += len + 1;
        Ok(taken)
    }
}

impl From<Malformed> for AskError {
    fn from(malformed: Malformed) -> Self {
        AskError::Protocol(malformed.0.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_shows_no_control_bytes() {
        let shown = excerpt(b"HTTP/1.1 400\r\n\x1b[31mred");
        assert_eq!(shown, r#""HTTP/1.1 400\x0d\x0a\x1b[31mred""#);
    }

    #[test]
    fn a_cursor_refuses_to_run_past_the_end() {
        let mut cursor = Cursor::new(&[0, 1, 2]);
        assert_eq!(cursor.be_u16(), Ok(1));
        assert!(cursor.be_u16().is_err());
        assert!(cursor.bytes(usize::MAX).is_err());
        assert!(cursor.c_string().is_err());
    }

    #[test]
    fn a_line_longer_than_its_cap_is_refused() {
        let mut stream = std::io::Cursor::new(vec![b'a'; 10_000]);
        let mut rw = ReadOnly(&mut stream);
        let mut wire = Wire::new(&mut rw, Instant::now() + std::time::Duration::from_secs(5));
        assert!(matches!(wire.line(100), Err(AskError::Protocol(_))));
    }

    struct ReadOnly<'a>(&'a mut std::io::Cursor<Vec<u8>>);

    impl Read for ReadOnly<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl Write for ReadOnly<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
