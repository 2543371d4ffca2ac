//! Two Memcached stand-ins that answer only together: each holds its
//! connection until the other one has a connection too. A client that
//! asks them one after the other waits out its timeout on the first; one
//! that asks both at once gets both answers. That shows concurrency
//! without measuring any time.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The two listeners on 127.0.0.1, each answering `version` with its own version.
pub struct Rendezvous {
    ports: [u16; 2],
    threads: Vec<JoinHandle<()>>,
}

impl Rendezvous {
    /// Listeners answering `VERSION {versions[0]}` and `VERSION {versions[1]}`.
    pub fn memcached(versions: [&'static str; 2]) -> Rendezvous {
        let barrier = Arc::new(Barrier::new(2));
        let mut ports = [0; 2];
        let mut threads = Vec::new();
        for (i, version) in versions.into_iter().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a rendezvous listener");
            ports[i] = listener.local_addr().expect("its address").port();
            let barrier = Arc::clone(&barrier);
            let thread = thread::Builder::new()
                .name(format!("rendezvous-{i}"))
                .spawn(move || serve(&listener, &barrier, version))
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
fn serve(listener: &TcpListener, barrier: &Barrier, version: &str) {
    let Ok((stream, _)) = listener.accept() else { return };
    barrier.wait();
    // Bounds the thread if the client is gone or never speaks.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_ok() && line.trim_end() == "version" {
        let _ = (&stream).write_all(format!("VERSION {version}\r\n").as_bytes());
        // Until the client's `quit` and its end.
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {}
    }
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
