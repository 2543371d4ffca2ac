//! Two Redis servers: one open, one with a password for its default user and an ACL user.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::net::IpAddr;
use std::process::{Command, Stdio};

use super::{
    Server, Shared, address, as_server_user, free_port, server_dir, shared, start, start_as,
};

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
    start_program(program.to_owned(), &copy_name(), 40, &[])
}

/// `redis_from`, run as the user the tests run as (root in CI), not the servers' user: the
/// sshd lab's user may not read its `/proc/PID/exe` then.
pub fn redis_from_as_tester(program: &Path) -> Result<Server, String> {
    let dir = server_dir(&copy_name());
    let addr = address(40);
    let port = free_port(addr);
    let mut server = Command::new(program);
    server.current_dir(&dir).env("HOME", &dir).stdin(Stdio::null());
    redis_args(&mut server, addr, port, &dir);
    let lifeline = start_as("redis-as-tester", &server, "Ready to accept connections", None)?;
    Ok(Server { addr, port, socket: None, program: program.to_owned(), _lifeline: lifeline })
}

fn copy_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("redis-copy-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn redis_args(server: &mut Command, addr: IpAddr, port: u16, dir: &Path) {
    server
        .args(["--bind", &addr.to_string(), "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""])
        .arg("--dir")
        .arg(dir);
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
    redis_args(&mut server, addr, port, &dir);
    server.args(extra);
    let lifeline = start(name, &server, "Ready to accept connections")?;
    Ok(Server { addr, port, socket: None, program, _lifeline: lifeline })
}
