//! Two service stand-ins that answer only together: each holds its
//! connection until the other one has a connection too. A client that
//! asks them one after the other waits out its timeout on the first; one
//! that asks both at once gets both answers. That shows concurrency
//! without measuring any time.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// What a stand-in answers once both have their connection.
#[derive(Debug, Clone, Copy)]
pub enum Speaker {
    /// Memcached's `version`: `VERSION {0}`.
    Memcached(&'static str),
    /// A Redis whose `AUTH` takes only `password`, and whose `INFO server`
    /// then says `redis_version:{version}` (what `redis-cli` sends with
    /// `REDISCLI_AUTH` set).
    Redis { version: &'static str, password: &'static str },
}

/// The two listeners on 127.0.0.1.
pub struct Rendezvous {
    ports: [u16; 2],
    threads: Vec<JoinHandle<()>>,
}

impl Rendezvous {
    /// Listeners answering `VERSION {versions[0]}` and `VERSION {versions[1]}`.
    pub fn memcached(versions: [&'static str; 2]) -> Rendezvous {
        Rendezvous::pair(versions.map(Speaker::Memcached))
    }

    /// Listeners speaking as `speakers` say.
    pub fn pair(speakers: [Speaker; 2]) -> Rendezvous {
        let barrier = Arc::new(Barrier::new(2));
        let mut ports = [0; 2];
        let mut threads = Vec::new();
        for (i, speaker) in speakers.into_iter().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a rendezvous listener");
            ports[i] = listener.local_addr().expect("its address").port();
            let barrier = Arc::clone(&barrier);
            let thread = thread::Builder::new()
                .name(format!("rendezvous-{i}"))
                .spawn(move || serve(&listener, &barrier, speaker))
                .expect("start a rendezvous thread");
            threads.push(thread);
        }
        Rendezvous { ports, threads }
    }

    pub fn ports(&self) -> [u16; 2] {
        self.ports
    }
}

/// One connection: accepted, held until the other listener has one, then
/// answered.
fn serve(listener: &TcpListener, barrier: &Barrier, speaker: Speaker) {
    let Ok((stream, _)) = listener.accept() else { return };
    barrier.wait();
    // Bounds the thread if the client is gone or never speaks.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(&stream);
    match speaker {
        Speaker::Memcached(version) => {
            let mut line = String::new();
            if reader.read_line(&mut line).is_ok() && line.trim_end() == "version" {
                let _ = (&stream).write_all(format!("VERSION {version}\r\n").as_bytes());
                // Until the client's `quit` and its end.
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {}
            }
        }
        Speaker::Redis { version, password } => {
            let mut authenticated = false;
            while let Some(command) = read_command(&mut reader) {
                let name = command.first().map(|w| w.to_ascii_uppercase());
                let reply = match name.as_deref() {
                    Some("AUTH") if command.last().map(String::as_str) == Some(password) => {
                        authenticated = true;
                        "+OK\r\n".to_owned()
                    }
                    Some("AUTH") => "-WRONGPASS invalid username-password pair\r\n".to_owned(),
                    _ if !authenticated => "-NOAUTH Authentication required.\r\n".to_owned(),
                    Some("INFO") => {
                        let body = format!("# Server\r\nredis_version:{version}\r\n");
                        format!("${}\r\n{body}\r\n", body.len())
                    }
                    _ => "+OK\r\n".to_owned(),
                };
                if (&stream).write_all(reply.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}

/// One RESP command (an array of bulk strings), `None` at the end or on
/// anything else.
fn read_command(reader: &mut impl BufRead) -> Option<Vec<String>> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let count: usize = line.trim_end().strip_prefix('*')?.parse().ok()?;
    let mut words = Vec::new();
    for _ in 0..count.min(64) {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let len: usize = line.trim_end().strip_prefix('$')?.parse().ok()?;
        let mut word = vec![0u8; len.min(1 << 20) + 2];
        reader.read_exact(&mut word).ok()?;
        word.truncate(word.len() - 2);
        words.push(String::from_utf8_lossy(&word).into_owned());
    }
    Some(words)
}

impl Drop for Rendezvous {
    fn drop(&mut self) {
        // A listener still waiting for a connection gets one, so every
        // thread gets past its accept and its barrier and ends.
        let knocks: Vec<_> =
            self.ports.iter().filter_map(|p| TcpStream::connect(("127.0.0.1", *p)).ok()).collect();
        drop(knocks);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
