//! A PostgreSQL cluster with one role per login method, made by `initdb` and started as `postgres`.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::{
    Server, Shared, address, as_server_user, free_port, newest_versioned, run_setup, server_dir,
    shared, start,
};

/// A role of the test cluster and how `pg_hba.conf` lets it log in from 127.0.0.0/8.
#[derive(Clone, Copy, Debug)]
pub struct PgUser {
    pub name: &'static str,
    pub password: &'static str,
}

impl PgUser {
    /// `trust`: no password asked.
    pub const TRUST: PgUser = PgUser { name: "trusty", password: "" };
    /// `md5`, its password stored as MD5.
    pub const MD5: PgUser = PgUser { name: "md5user", password: "md5-Pass-8271" };
    /// `scram-sha-256`.
    pub const SCRAM: PgUser = PgUser { name: "scramuser", password: "scram-Pass-5530" };
    /// `password`: sent in cleartext.
    pub const CLEARTEXT: PgUser = PgUser { name: "plainuser", password: "plain-Pass-9046" };
}

/// Any other role, `postgres` included, must give a SCRAM password.
const HBA: &str = "\
local all all trust
host all trusty 127.0.0.0/8 trust
host all md5user 127.0.0.0/8 md5
host all scramuser 127.0.0.0/8 scram-sha-256
host all plainuser 127.0.0.0/8 password
host all all 127.0.0.0/8 scram-sha-256
";

/// The shared PostgreSQL server.
pub fn postgres() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, start_postgres)
}

fn start_postgres() -> Result<Server, String> {
    // Debian installs the server's programs in a versioned folder, off PATH.
    let program = newest_versioned(&PathBuf::from("/usr/lib/postgresql"), "bin", "postgres")
        .or_else(|| which::which("postgres").ok())
        .ok_or("no PostgreSQL server installed (bash scripts/test-deps.sh installs it)")?;
    let bin = program.parent().expect("a folder").to_owned();
    let dir = server_dir("postgresql");
    let data = dir.join("data");
    run_setup(
        "initdb",
        as_server_user(bin.join("initdb"), &dir)
            .args([
                "--no-sync",
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "-D",
            ])
            .arg(&data),
    )?;
    fs::write(data.join("pg_hba.conf"), HBA).map_err(|e| format!("write pg_hba.conf: {e}"))?;
    roles(&program, &dir, &data)?;

    let addr = address(21);
    let port = free_port(addr);
    let mut server = as_server_user(&program, &dir);
    server
        .arg("-D")
        .arg(&data)
        .args(["-c", &format!("listen_addresses={addr}"), "-c", &format!("port={port}")])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", dir.display()))
        .args(["-c", "fsync=off", "-c", "shared_buffers=16MB", "-c", "max_connections=20"]);
    let lifeline = start("postgres", &server, "database system is ready to accept connections")?;
    Ok(Server { addr, port, socket: None, program, _lifeline: lifeline })
}

/// Creates the roles in single-user mode (no server running yet, no client needed): each
/// line is one statement. `password_encryption` decides how a password is stored, and the
/// `md5` method only works for a password stored as MD5.
fn roles(program: &PathBuf, dir: &std::path::Path, data: &std::path::Path) -> Result<(), String> {
    let sql = format!(
        "CREATE ROLE {trust} LOGIN;\n\
         SET password_encryption = 'md5';\n\
         CREATE ROLE {md5} LOGIN PASSWORD '{md5_pw}';\n\
         SET password_encryption = 'scram-sha-256';\n\
         CREATE ROLE {scram} LOGIN PASSWORD '{scram_pw}';\n\
         CREATE ROLE {plain} LOGIN PASSWORD '{plain_pw}';\n",
        trust = PgUser::TRUST.name,
        md5 = PgUser::MD5.name,
        md5_pw = PgUser::MD5.password,
        scram = PgUser::SCRAM.name,
        scram_pw = PgUser::SCRAM.password,
        plain = PgUser::CLEARTEXT.name,
        plain_pw = PgUser::CLEARTEXT.password,
    );
    let sql_file = dir.join("roles.sql");
    fs::write(&sql_file, sql).map_err(|e| format!("write roles.sql: {e}"))?;
    let input = fs::File::open(&sql_file).map_err(|e| format!("open roles.sql: {e}"))?;
    let out = run_setup(
        "postgres --single",
        as_server_user(program, dir)
            .args(["--single", "-c", "exit_on_error=true", "-D"])
            .arg(data)
            .arg("postgres")
            .stdin(input),
    )?;
    if out.contains("ERROR") { Err(format!("creating the roles failed:\n{out}")) } else { Ok(()) }
}
