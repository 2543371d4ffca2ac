//! A MariaDB server that greets over its Unix socket and turns TCP clients' host away.
//!
//! `mariadb-install-db` creates accounts for `localhost` only, and MariaDB lets
//! 127.0.0.1 in as `localhost`; the init file drops every account that is not
//! reached through the socket, so a TCP client's host matches none and is refused
//! before any greeting (ERR 1130, "Host ... is not allowed to connect"), while the
//! socket, which has no host check, still gets the greeting with the version.

use std::fs;
use std::sync::OnceLock;

use super::{
    Server, Shared, address, as_server_user, free_port, run_setup, server_dir, shared, start,
};

/// Small InnoDB files: the defaults (a 96 MiB redo log) are for production.
const SMALL: [&str; 2] = ["--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M"];

/// The shared MariaDB server.
pub fn mariadb() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, start_mariadb)
}

fn start_mariadb() -> Result<Server, String> {
    let program =
        which::which("mariadbd").or_else(|_| which::which("/usr/sbin/mariadbd")).map_err(|_| {
            "no MariaDB server installed (bash scripts/test-deps.sh installs it)".to_owned()
        })?;
    let dir = server_dir("mariadb");
    let data = dir.join("data");
    run_setup(
        "mariadb-install-db",
        as_server_user("mariadb-install-db", &dir)
            .args(["--no-defaults", "--skip-test-db", "--auth-root-authentication-method=normal"])
            .arg(format!("--datadir={}", data.display()))
            .args(SMALL),
    )?;
    let init = dir.join("init.sql");
    // mysql.global_priv holds the accounts (mysql.user is a view of it since 10.4).
    fs::write(&init, "DELETE FROM mysql.global_priv;\nFLUSH PRIVILEGES;\n")
        .map_err(|e| format!("write init.sql: {e}"))?;

    let addr = address(22);
    let port = free_port(addr);
    let socket = dir.join("mysqld.sock");
    let mut server = as_server_user(&program, &dir);
    server
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", socket.display()))
        .arg(format!("--pid-file={}", dir.join("mariadbd.pid").display()))
        .arg(format!("--port={port}"))
        .arg(format!("--bind-address={addr}"))
        .arg(format!("--init-file={}", init.display()))
        .args(["--skip-log-bin", "--performance-schema=OFF"])
        .args(SMALL);
    let lifeline = start("mariadbd", &server, "ready for connections")?;
    Ok(Server { addr, port, socket: Some(socket), program, _lifeline: lifeline })
}
