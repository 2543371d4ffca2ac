//! A Memcached server.

use std::sync::OnceLock;

use super::{Server, Shared, address, as_server_user, free_port, server_dir, shared, start};

/// The shared Memcached server.
pub fn memcached() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, start_memcached)
}

fn start_memcached() -> Result<Server, String> {
    let program = which::which("memcached")
        .map_err(|_| "no Memcached installed (bash scripts/test-deps.sh installs it)".to_owned())?;
    let dir = server_dir("memcached");
    let addr = address(25);
    let port = free_port(addr);
    let mut server = as_server_user(&program, &dir);
    // -U 0: no UDP; -vv: it says when it listens (and a line per connection after).
    server.args(["-l", &addr.to_string(), "-p", &port.to_string(), "-U", "0", "-m", "8", "-vv"]);
    let lifeline = start("memcached", &server, "server listening")?;
    Ok(Server { addr, port, socket: None, program, _lifeline: lifeline })
}
