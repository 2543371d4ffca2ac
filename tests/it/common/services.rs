//! Real backing services for the tests: throwaway PostgreSQL, MariaDB, Redis, Memcached and
//! RabbitMQ instances from the system's packages, each started once per test run on its own
//! 127.0.0.x address and a free port, with its data in a temporary folder.
//!
//! Each server is started on first use (a `OnceLock` per server) by the test that needs it, so
//! a slow one (RabbitMQ's Erlang boots in seconds) delays only its own tests. Readiness is its
//! log line, waited for as lines arrive, with a deadline. As root (CI), servers run as the
//! sshd lab's unprivileged user: PostgreSQL, MariaDB and Memcached refuse root.
//!
//! Nothing outlives the test process: every server runs under a small `sh` that holds the
//! read end of a pipe whose write end only this process has (the lifeline). When the process
//! ends, however it ends, the pipe closes, `read` returns, and the `sh` kills its whole
//! process group (the server, its children, RabbitMQ's epmd). A janitor the same way removes
//! the data folder; folders of test processes that are gone are also removed at the next start.

mod mariadb;
mod memcached;
mod postgres;
mod rabbitmq;
mod redis;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

pub use mariadb::mariadb;
pub use memcached::memcached;
pub use postgres::{PgUser, postgres};
pub use rabbitmq::rabbitmq;
pub use redis::{
    REDIS_PASSWORD, REDIS_USER, REDIS_USER_PASSWORD, redis, redis_from, redis_from_as_tester,
    redis_with_password,
};

/// How long one server may take to be ready (RabbitMQ takes ~10 s on two busy cores).
const START_DEADLINE: Duration = Duration::from_secs(120);

/// The line the lifeline `sh` writes when its server exits by itself, so a failed start is
/// seen at once instead of at the deadline.
const EXITED: &str = "paritty-harness: server exited";

/// A running server.
pub struct Server {
    pub addr: IpAddr,
    pub port: u16,
    /// Its Unix socket, where it has one.
    pub socket: Option<PathBuf>,
    /// The server's program, to ask it its own version.
    pub program: PathBuf,
    /// Held, never written: the server lives as long as this process holds it.
    _lifeline: ChildStdin,
}

/// A server started once for the whole run, or why it could not be.
type Shared = OnceLock<Result<Server, String>>;

/// The server in `cell`, started by `start` on first use; panics with the reason it could not.
fn shared(cell: &'static Shared, start: fn() -> Result<Server, String>) -> &'static Server {
    match cell.get_or_init(start) {
        Ok(server) => server,
        Err(why) => panic!("{why}"),
    }
}

/// The loopback address of each server: 127.0.0.x, apart from the sshd lab's 127.1+.x.y.
fn address(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// A port nothing listens on at `addr` right now (the kernel's choice).
fn free_port(addr: IpAddr) -> u16 {
    let listener = TcpListener::bind(SocketAddr::new(addr, 0)).expect("bind loopback port 0");
    listener.local_addr().expect("local addr").port()
}

/// The user servers run as: the sshd lab's user when the tests run as root, else the current one.
fn server_user() -> Option<(u32, u32)> {
    static IDS: OnceLock<Option<(u32, u32)>> = OnceLock::new();
    *IDS.get_or_init(|| {
        if !is_root() {
            return None;
        }
        let name = super::sshd::lab_user();
        let id = |flag: &str| {
            let out = Command::new("id").args([flag, &name]).output().expect("run id");
            String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().expect("a numeric id")
        };
        Some((id("-u"), id("-g")))
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A command run as the servers' user, in `dir`, with `dir` as its home.
fn as_server_user(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = server_user() {
        command.uid(uid).gid(gid);
    }
    command.current_dir(dir).env("HOME", dir).stdin(Stdio::null());
    command
}

/// A new empty folder `name` for one server, owned by the servers' user.
fn server_dir(name: &str) -> PathBuf {
    let dir = base_dir().join(name);
    fs::create_dir_all(&dir).expect("create a server folder");
    give(&dir);
    dir
}

/// Makes `path` the servers' user's (when running as root).
fn give(path: &Path) {
    if let Some((uid, gid)) = server_user() {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown to the servers' user");
    }
}

/// This process's folder of server data, `$TMPDIR/paritty-services-PID`; created once,
/// with folders of earlier processes that are gone removed, and a janitor that removes it
/// when this process ends.
fn base_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = std::env::temp_dir();
        for entry in fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name.strip_prefix("paritty-services-").and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                fs::remove_dir_all(entry.path()).ok();
            }
        }
        let dir = tmp.join(format!("paritty-services-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("create the services folder");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        give(&dir);
        janitor(&dir);
        dir
    })
}

/// A process that removes `dir` once this one is gone (its stdin, the lifeline, closes).
/// The servers are being killed at that moment too, and one may still write a file as
/// `rm` walks: it tries again a few times.
fn janitor(dir: &Path) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("read _; for i in 1 2 3 4 5; do rm -rf \"$1\" 2>/dev/null && exit; sleep 1; done")
        .arg("paritty-janitor")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the janitor");
    // Leaked on purpose: the pipe closes only when this process ends.
    std::mem::forget(child.stdin.take());
    // Reaped should it end while this process runs (it does not).
    thread::spawn(move || child.wait());
}

/// Starts `command` under a lifeline (see the module's doc) in a process group of its own,
/// and waits for one of `ready` in its output. Returns the lifeline to hold.
fn start(name: &str, command: &Command, ready: &str) -> Result<ChildStdin, String> {
    start_as(name, command, ready, server_user())
}

/// `start` as the user `ids` says (`None`: this process's).
fn start_as(
    name: &str,
    command: &Command,
    ready: &str,
    ids: Option<(u32, u32)>,
) -> Result<ChildStdin, String> {
    let program = command.get_program().to_owned();
    let mut wrapper = Command::new("sh");
    // fd 3 keeps the lifeline for the watcher; the server gets /dev/null and no fd 3.
    wrapper
        .arg("-c")
        .arg(format!(
            "exec 3<&0; \"$@\" </dev/null 3<&- & server=$!; \
             {{ read _ <&3; kill -KILL 0; }} & \
             wait \"$server\"; echo \"{EXITED} ($?)\" >&2; kill -KILL 0"
        ))
        .arg("paritty-lifeline")
        .arg(&program)
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapper.env(key, value),
            None => wrapper.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapper.current_dir(dir);
    }
    if let Some((uid, gid)) = ids {
        wrapper.uid(uid).gid(gid);
    }
    wrapper.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    let mut child = wrapper
        .spawn()
        .map_err(|e| format!("start {name} ({}): {e}", Path::new(&program).display()))?;
    let log = Log::follow(child.stdout.take(), child.stderr.take());
    let lifeline = child.stdin.take().expect("piped stdin");
    match log.wait_for(ready, Instant::now() + START_DEADLINE) {
        Ok(()) => Ok(lifeline),
        Err(why) => {
            // What it said last may still be on its way through the other pipe.
            log.wait_closed(Instant::now() + Duration::from_secs(5));
            Err(format!("{name} did not start ({why}); its output:\n{}", log.tail()))
        }
    }
}

/// Runs a setup program (initdb, mariadb-install-db) to its end.
fn run_setup(name: &str, command: &mut Command) -> Result<String, String> {
    let out = command.output().map_err(|e| format!("{name}: {e}"))?;
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("{name} failed ({}):\n{text}", out.status))
    }
}

/// The newest of the folders matching `/usr/lib/postgresql/*/bin` and the like: the
/// versioned folder Debian installs a server's programs into.
fn newest_versioned(parent: &Path, sub: &str, program: &str) -> Option<PathBuf> {
    let mut found: Vec<(Vec<u32>, PathBuf)> = fs::read_dir(parent)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let version = entry
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
                .ok()?;
            let path = entry.path().join(sub).join(program);
            path.exists().then_some((version, path))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, path)| path)
}

/// A server's stdout and stderr, gathered as they come.
struct Log {
    state: Arc<(Mutex<LogState>, Condvar)>,
}

#[derive(Default)]
struct LogState {
    text: String,
    /// Readers still running (0: the server and everything holding its output are gone).
    open: usize,
}

impl Log {
    fn follow(
        stdout: Option<impl Read + Send + 'static>,
        stderr: Option<impl Read + Send + 'static>,
    ) -> Log {
        fn reader(
            pipe: Option<impl Read + Send + 'static>,
            state: Arc<(Mutex<LogState>, Condvar)>,
        ) {
            thread::spawn(move || {
                let mut line = Vec::new();
                if let Some(pipe) = pipe {
                    let mut pipe = BufReader::new(pipe);
                    while pipe.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                        let (lock, changed) = &*state;
                        let mut log = lock.lock().unwrap_or_else(PoisonError::into_inner);
                        log.text.push_str(&String::from_utf8_lossy(&line));
                        // Only the start matters; later chatter (one line per connection) is dropped.
                        if log.text.len() > 1 << 20 {
                            let cut = log.text.len() - (1 << 19);
                            let cut = (cut..log.text.len())
                                .find(|&i| log.text.is_char_boundary(i))
                                .unwrap_or(0);
                            log.text.drain(..cut);
                        }
                        changed.notify_all();
                        line.clear();
                    }
                }
                let (lock, changed) = &*state;
                lock.lock().unwrap_or_else(PoisonError::into_inner).open -= 1;
                changed.notify_all();
            });
        }
        let state =
            Arc::new((Mutex::new(LogState { open: 2, ..LogState::default() }), Condvar::new()));
        reader(stdout, Arc::clone(&state));
        reader(stderr, Arc::clone(&state));
        Log { state }
    }

    /// Waits, waking on each line, until `needle` is in the output, the server exits, or the deadline.
    fn wait_for(&self, needle: &str, deadline: Instant) -> Result<(), String> {
        let (lock, changed) = &*self.state;
        let mut log = lock.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if log.text.contains(needle) {
                return Ok(());
            }
            if log.text.contains(EXITED) || log.open == 0 {
                return Err("it exited".to_owned());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("no {needle:?} within {START_DEADLINE:?}"));
            }
            log = changed.wait_timeout(log, left).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    /// Waits until both pipes are closed (everything holding them is gone), or the deadline.
    fn wait_closed(&self, deadline: Instant) {
        let (lock, changed) = &*self.state;
        let mut log = lock.lock().unwrap_or_else(PoisonError::into_inner);
        while log.open > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            log = changed.wait_timeout(log, left).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    fn tail(&self) -> String {
        let log = self.state.0.lock().unwrap_or_else(PoisonError::into_inner);
        let start = log.text.len().saturating_sub(4000);
        let start = (start..log.text.len()).find(|&i| log.text.is_char_boundary(i)).unwrap_or(0);
        log.text[start..].to_owned()
    }
}
