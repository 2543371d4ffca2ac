//! Two Redis servers: one open, one with a password for its default user and an ACL user.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Server, Shared, address, as_server_user, free_port, server_dir, shared, start};

/// The password of the second server's default user.
pub const REDIS_PASSWORD: &str = "redis-Pass-3317";
/// An ACL user of the second server, logged in with `AUTH user password`.
pub const REDIS_USER: &str = "app";
pub const REDIS_USER_PASSWORD: &str = "redis-App-7702";

/// The Redis server anyone may ask.
pub fn redis() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, || start_redis("redis", 23, &[]))
}

/// The Redis server that wants a password.
pub fn redis_with_password() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, || {
        // An ACL rule's words are arguments of their own: Redis joins them into one config line.
        let password = format!(">{REDIS_USER_PASSWORD}");
        let acl = ["--user", REDIS_USER, "on", &password, "~*", "&*", "+@all"];
        start_redis("redis-auth", 24, &[&["--requirepass", REDIS_PASSWORD][..], &acl].concat())
    })
}

/// A Redis server of the test's own, run from `program` (a copy the test may replace while it
/// runs) on 127.0.0.40 and a free port; it ends when the `Server` is dropped.
pub fn redis_from(program: &Path) -> Result<Server, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("redis-copy-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    start_program(program.to_owned(), &name, 40, &[])
}

fn start_redis(name: &str, last: u8, extra: &[&str]) -> Result<Server, String> {
    let program = which::which("redis-server").map_err(|_| {
        "no Redis server installed (bash scripts/test-deps.sh installs it)".to_owned()
    })?;
    start_program(program, name, last, extra)
}

fn start_program(program: PathBuf, name: &str, last: u8, extra: &[&str]) -> Result<Server, String> {
    let dir = server_dir(name);
    let addr = address(last);
    let port = free_port(addr);
    let mut server = as_server_user(&program, &dir);
    server
        .args(["--bind", &addr.to_string(), "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""])
        .arg("--dir")
        .arg(&dir)
        .args(extra);
    let lifeline = start(name, &server, "Ready to accept connections")?;
    Ok(Server { addr, port, socket: None, program, _lifeline: lifeline })
}
