//! A stand-in MongoDB server: MongoDB is not in Debian's archive (its licence, the SSPL, is not
//! free software by Debian's rules), so the tests cannot start a real one. The stand-in speaks
//! the real wire format for the one exchange paritty has, from MongoDB's documentation
//! ("OP_MSG", "BSON spec"): it reads one OP_MSG, checks it is `{buildInfo: 1, $db: "admin"}`,
//! and replies with a document shaped like a real server's `buildInfo` reply (nested arrays
//! included, which a reader must skip) or with the error a server that wants a login gives.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

const OP_MSG: u32 = 2013;

/// What the stand-in answers.
#[derive(Clone, Copy)]
pub enum Reply {
    /// A `buildInfo` reply with this version.
    BuildInfo(&'static str),
    /// `ok: 0`, code 13 (Unauthorized), as a server with authorization on and `buildInfo` restricted.
    Unauthorized,
}

/// A stand-in serving one connection on 127.0.0.1.
pub struct Standin {
    port: u16,
    asked: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Standin {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the request it got was `buildInfo` on `admin` (known once it answered).
    pub fn asked_build_info_on_admin(mut self) -> bool {
        if let Some(thread) = self.thread.take() {
            thread.join().expect("stand-in thread");
        }
        self.asked.load(Ordering::SeqCst)
    }
}

pub fn serve(reply: Reply) -> Standin {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let asked = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&asked);
    let thread = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let Some((request_id, fields)) = read_request(&mut stream) else { return };
        let build_info = fields.first().is_some_and(|(name, _)| name == "buildInfo")
            && fields
                .iter()
                .any(|(name, value)| name == "$db" && value.as_deref() == Some("admin"));
        seen.store(build_info, Ordering::SeqCst);
        stream.write_all(&reply_message(request_id, reply)).ok();
    });
    Standin { port, asked, thread: Some(thread) }
}

/// One OP_MSG: its request id and the top-level fields of its kind-0 section (string values kept).
fn read_request(stream: &mut TcpStream) -> Option<(u32, Fields)> {
    let mut header = [0u8; 16];
    stream.read_exact(&mut header).ok()?;
    let word = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
    let (len, request_id, op) = (word(0) as usize, word(4), word(12));
    if op != OP_MSG || !(21..=1 << 20).contains(&len) {
        return None;
    }
    let mut body = vec![0u8; len - 16];
    stream.read_exact(&mut body).ok()?;
    // Flag bits (4 bytes), then section kind 0 and its document.
    if body.get(4) != Some(&0) {
        return None;
    }
    Some((request_id, fields(body.get(5..)?)?))
}

/// A document's top-level field names, with the values of its strings.
type Fields = Vec<(String, Option<String>)>;

/// The top-level fields of a command document (doubles, int32s and strings, as commands use).
fn fields(doc: &[u8]) -> Option<Fields> {
    let len = u32::from_le_bytes(doc.get(..4)?.try_into().ok()?) as usize;
    let mut at = 4;
    let mut out = Vec::new();
    while at < len.checked_sub(1)? {
        let kind = *doc.get(at)?;
        let name_end = at + 1 + doc.get(at + 1..)?.iter().position(|&b| b == 0)?;
        let name = String::from_utf8_lossy(&doc[at + 1..name_end]).into_owned();
        at = name_end + 1;
        let value = match kind {
            // double, int64
            0x01 | 0x12 => {
                at += 8;
                None
            }
            // int32
            0x10 => {
                at += 4;
                None
            }
            0x02 => {
                let n = u32::from_le_bytes(doc.get(at..at + 4)?.try_into().ok()?) as usize;
                let text = String::from_utf8_lossy(doc.get(at + 4..at + 4 + n - 1)?).into_owned();
                at += 4 + n;
                Some(text)
            }
            _ => return None,
        };
        out.push((name, value));
    }
    Some(out)
}

/// The reply OP_MSG to request `request_id`.
fn reply_message(request_id: u32, reply: Reply) -> Vec<u8> {
    let doc = match reply {
        Reply::BuildInfo(version) => {
            let numbers: Vec<i32> =
                version.split('.').map(|n| n.parse().unwrap_or(0)).chain([0]).collect();
            Doc::new()
                .string("version", version)
                .string("gitVersion", "0000000000000000000000000000000000000000")
                .array("modules", &[])
                .string("allocator", "tcmalloc")
                .array("versionArray", &numbers)
                .int("bits", 64)
                .double("ok", 1.0)
                .end()
        }
        Reply::Unauthorized => Doc::new()
            .double("ok", 0.0)
            .string("errmsg", "command buildInfo requires authentication")
            .int("code", 13)
            .string("codeName", "Unauthorized")
            .end(),
    };
    let len = u32::try_from(16 + 4 + 1 + doc.len()).expect("small");
    let mut message = Vec::new();
    for word in [len, 9, request_id, OP_MSG, 0] {
        message.extend_from_slice(&word.to_le_bytes());
    }
    message.push(0);
    message.extend_from_slice(&doc);
    message
}

/// A BSON document being written.
struct Doc(Vec<u8>);

impl Doc {
    fn new() -> Doc {
        Doc(Vec::new())
    }

    fn field(mut self, kind: u8, name: &str, value: &[u8]) -> Doc {
        self.0.push(kind);
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(0);
        self.0.extend_from_slice(value);
        self
    }

    fn string(self, name: &str, text: &str) -> Doc {
        let mut value = u32::try_from(text.len() + 1).expect("small").to_le_bytes().to_vec();
        value.extend_from_slice(text.as_bytes());
        value.push(0);
        self.field(0x02, name, &value)
    }

    fn double(self, name: &str, n: f64) -> Doc {
        self.field(0x01, name, &n.to_le_bytes())
    }

    fn int(self, name: &str, n: i32) -> Doc {
        self.field(0x10, name, &n.to_le_bytes())
    }

    /// An array: a document whose keys are "0", "1", ...
    fn array(self, name: &str, items: &[i32]) -> Doc {
        let inner =
            items.iter().enumerate().fold(Doc::new(), |doc, (i, n)| doc.int(&i.to_string(), *n));
        self.field(0x04, name, &inner.end())
    }

    fn end(self) -> Vec<u8> {
        let mut doc = u32::try_from(self.0.len() + 5).expect("small").to_le_bytes().to_vec();
        doc.extend_from_slice(&self.0);
        doc.push(0);
        doc
    }
}
