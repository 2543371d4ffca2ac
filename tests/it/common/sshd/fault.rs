//! Network faults on loopback: a port nobody listens on, a listener that never speaks.

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{free_port, loopback_addr};

/// Constructors of the network faults (the SSH-level faults are `HostSpec` options).
pub struct Fault;

impl Fault {
    /// An address and port with nothing listening: connecting is refused at once.
    pub fn closed_port() -> SocketAddr {
        let addr = loopback_addr();
        SocketAddr::new(addr, free_port(addr))
    }

    /// A listener that accepts connections and never sends a byte (a hung host):
    /// the SSH banner exchange waits until the client's own timeout.
    pub fn silent_listener() -> SilentListener {
        let addr = loopback_addr();
        let listener = TcpListener::bind(SocketAddr::new(addr, 0)).expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            // Connections are kept (never read, written or closed) until the listener drops.
            let mut held = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                held.extend(stream.ok());
            }
        });
        SilentListener { addr: SocketAddr::new(addr, port), stop, thread: Some(thread) }
    }
}

/// A running silent listener; dropping it closes every connection it holds.
pub struct SilentListener {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentListener {
    /// The loopback address it listens on.
    pub fn addr(&self) -> IpAddr {
        self.addr.ip()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Address and port together.
    pub fn socket_addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SilentListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // accept() blocks; one last connection of our own wakes the thread to see `stop`.
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).is_ok();
        if let Some(thread) = self.thread.take().filter(|_| woke) {
            thread.join().ok();
        }
    }
}
