//! A hostile world around the SSH probe loop that asks the app's services
//! while the probe runs: stand-in services on 127.0.0.1 in this process
//! that flood, never answer, close at once, greet by halves or never let
//! their channel open, beside a real sshd host whose probe is slow. Each
//! service gets its status, the probe's facts stay intact, the run ends
//! within its bounds and costs little CPU while it waits.

#![cfg(target_os = "linux")]

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::remote::fault_line;
use crate::common::sshd::{HostSpec, Lab};
use crate::common::{HEADER, command_fact};

/// What a stand-in does with the one connection it accepts.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    /// Sends bytes that are never an answer, as fast as they are taken.
    Flood,
    /// Accepts and never reads or writes.
    Silent,
    /// Closes at once.
    Close,
    /// Sends the first bytes of a MySQL greeting, then nothing.
    HalfGreeting,
}

/// A listener on 127.0.0.1 behaving as told until dropped.
struct StandIn {
    port: u16,
    /// Bytes the flood got out.
    sent: Arc<AtomicU64>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    fn start(behaviour: Behaviour) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a stand-in");
        let port = listener.local_addr().expect("its address").port();
        let sent = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = mpsc::channel();
        let counter = Arc::clone(&sent);
        let thread = thread::Builder::new()
            .name(format!("stand-in-{port}"))
            .spawn(move || serve(&listener, behaviour, &counter, &stopped))
            .expect("start a stand-in");
        StandIn { port, sent, stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        drop(self.stop.take());
        // Gets a listener still waiting past its accept.
        let knock = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        drop(knock);
    }
}

fn serve(listener: &TcpListener, behaviour: Behaviour, sent: &AtomicU64, stop: &Receiver<()>) {
    let Ok((mut stream, _)) = listener.accept() else { return };
    match behaviour {
        Behaviour::Flood => {
            // A write blocked by a full window gives way to the stop.
            let _ = stream.set_write_timeout(Some(Duration::from_millis(50)));
            let junk = [b'x'; 16 * 1024];
            while matches!(stop.try_recv(), Err(mpsc::TryRecvError::Empty)) {
                match stream.write(&junk) {
                    Ok(n) => {
                        sent.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                    Err(_) => return,
                }
            }
        }
        // Until the stand-in is dropped.
        Behaviour::Silent => while stop.recv().is_ok() {},
        Behaviour::Close => {}
        Behaviour::HalfGreeting => {
            // A 74-byte packet announced, protocol 10 and half a version.
            let _ = stream.write_all(&[74, 0, 0, 0, 10, b'8', b'.', b'0']);
            while stop.recv().is_ok() {}
        }
    }
}

/// A listener whose accept queue is full: a connection to it is never
/// established (its SYN is dropped), so an SSH channel to it stays opening.
struct Full {
    listener: TcpListener,
    _queued: Vec<TcpStream>,
}

impl Full {
    fn start() -> Full {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        // `listen` again on a listening socket only sets its backlog.
        let fd = listener.as_raw_fd();
        #[allow(unsafe_code)]
        // SAFETY: `fd` is the listener's open socket for the whole call.
        let set = unsafe { libc::listen(fd, 0) };
        assert_eq!(set, 0, "set the backlog");
        let addr = listener.local_addr().expect("addr");
        // Fill the queue: with a backlog of 0 Linux queues one connection;
        // the next handshakes do not complete.
        let queued = vec![TcpStream::connect(addr).expect("the one queued connection")];
        Full { listener, _queued: queued }
    }

    fn port(&self) -> u16 {
        self.listener.local_addr().expect("addr").port()
    }
}

/// A lab host `name` with a slow tool on its PATH (`tool.slow`, answered
/// after `sleep`), its app folder's `.env` `dotenv`, `[app.services]`
/// `services`; `paritty snapshot` of it with `args` under bash, which
/// reports the CPU time paritty used. The snapshot (when written), all
/// paritty said, the run's wall time and CPU time.
pub(crate) struct Run {
    snap: Option<Value>,
    out: Output,
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
}

fn run_slow_host(name: &str, slow: &str, dotenv: &str, services: &str, args: &[&str]) -> Run {
    let lab = Lab::new();
    let tool = format!("{slow}; echo 'slow 1.0.7'");
    let tools = [("slow", tool.as_str())];
    let _host = lab.add_host(&HostSpec { name, tools: &tools, ..HostSpec::default() });
    let app = lab.dir().join("app");
    fs::create_dir_all(&app).expect("create the app folder");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::write(app.join(".env"), dotenv).expect("write .env");
    fs::set_permissions(app.join(".env"), fs::Permissions::from_mode(0o644)).expect("chmod");
    let here = tempfile::tempdir().expect("temp dir");
    let config = here.path().join("paritty.toml");
    let text = format!(
        "[[host]]\nname = \"{name}\"\napp_dir = \"{}\"\n\n[app.services]\n{services}\n",
        app.display()
    );
    fs::write(&config, text).expect("write paritty.toml");
    let profile = here.path().join("slow.toml");
    fs::write(&profile, format!("{HEADER}{}", command_fact("tool.slow", &["slow"], "version")))
        .expect("write the profile");
    let snap_path = here.path().join("snap.json");
    Run::of(
        under_bash()
            .args(["--config", path(&config), "snapshot", name])
            .args(["--ssh-config", path(&lab.ssh_config()), "--profile", path(&profile)])
            .args(["--format", "json", "--no-redact", "--out", path(&snap_path)])
            .args(args)
            .current_dir(here.path())
            .env("PARITTY_CONFIG_DIR", here.path().join("no-config"))
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null()),
        &snap_path,
    )
}

/// `paritty` under bash, whose `times` tells the CPU its waited-for
/// children used; its output goes to stderr, and stdout says `exit N`
/// then the times.
pub(crate) fn under_bash() -> Command {
    let mut command = Command::new("bash");
    command
        .args(["-c", "\"$@\" >&2; echo \"exit $?\"; times", "bash"])
        .arg(env!("CARGO_BIN_EXE_paritty"));
    command
}

pub(crate) fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// The children's user + system time from bash's `times` (its last line:
/// `0m1.234s 0m0.056s`).
fn children_cpu(said: &str) -> Duration {
    let line = said.lines().last().unwrap_or_else(|| panic!("no times in {said:?}"));
    line.split_whitespace()
        .map(|t| {
            let (m, s) = t.trim_end_matches('s').split_once('m').expect("NmS.SSSs");
            let m: f64 = m.parse().expect("minutes");
            let s: f64 = s.parse().expect("seconds");
            Duration::from_secs_f64(m * 60.0 + s)
        })
        .sum()
}

impl Run {
    /// Runs `command` (paritty under bash, `times` last), its snapshot at `snap_path`.
    pub(crate) fn of(command: &mut Command, snap_path: &Path) -> Run {
        let started = Instant::now();
        let out = command.output().expect("run paritty under bash");
        let wall = started.elapsed();
        let cpu = children_cpu(&String::from_utf8_lossy(&out.stdout));
        let snap = fs::read(snap_path).ok().map(|b| serde_json::from_slice(&b).expect("JSON"));
        Run { snap, out, wall, cpu }
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub(crate) fn exit(&self) -> String {
        let said = String::from_utf8_lossy(&self.out.stdout);
        said.lines().find_map(|l| l.strip_prefix("exit ")).expect("an exit line").to_owned()
    }

    pub(crate) fn fact(&self, id: &str) -> Value {
        self.snap.as_ref().unwrap_or_else(|| panic!("no snapshot: {}", self.stderr()))["facts"][id]
            .clone()
    }

    /// Waiting is cheap: a loop that spun would burn its wall time (one
    /// that did used 92 % of it; a waiting one uses 2 to 3 %; a quarter
    /// leaves room for either under load).
    pub(crate) fn assert_idle_cheap(&self) {
        assert!(
            self.cpu < self.wall / 4,
            "paritty used {:?} of CPU in {:?}: {}",
            self.cpu,
            self.wall,
            self.stderr()
        );
    }
}

/// Four hostile services beside a probe that takes 1 s: a flood, a
/// listener that never answers, one that closes at once, half a greeting.
/// Each has its status within the command timeout, the probe's fact is
/// intact, the flood is held back by the channel's window (not drained
/// into memory), and the waiting costs little CPU.
#[test]
fn hostile_services_beside_a_slow_probe_have_their_statuses_in_bounds() {
    let flood = StandIn::start(Behaviour::Flood);
    let silent = StandIn::start(Behaviour::Silent);
    let close = StandIn::start(Behaviour::Close);
    let half = StandIn::start(Behaviour::HalfGreeting);
    let dotenv = format!(
        "FLOOD_URL=memcached://127.0.0.1:{}\nREDIS_URL=redis://127.0.0.1:{}\n\
         AMQP_URL=amqp://127.0.0.1:{}/\nDATABASE_URL=mysql://127.0.0.1:{}/app\n",
        flood.port, silent.port, close.port, half.port
    );
    let services = "flood = \"FLOOD_URL\"";
    let run = run_slow_host("hostile", "sleep 1", &dotenv, services, &["--timeout", "4"]);
    assert_eq!(run.exit(), "0", "{}", run.stderr());
    assert_eq!(run.fact("tool.slow")["value"], "1.0.7", "{}", run.fact("tool.slow"));
    let flooded = run.fact("backing.flood");
    assert_eq!(flooded["status"], "error", "{flooded}");
    assert!(flooded["raw"].as_str().expect("raw").contains("a line longer than"), "{flooded}");
    let queue = run.fact("backing.queue");
    assert_eq!(queue["status"], "error", "{queue}");
    assert!(queue["raw"].as_str().expect("raw").contains("closed the connection"), "{queue}");
    for id in ["backing.cache", "backing.database"] {
        let fact = run.fact(id);
        assert_eq!(fact["status"], "timeout", "{fact}");
    }
    // The flood is stopped by SSH's flow control once its conversation
    // gave up: a few MB in flight, not the gigabytes of a drained channel.
    let flooded = flood.sent.load(Ordering::Relaxed);
    assert!(flooded < 64 << 20, "the flood got {flooded} bytes out");
    assert!(run.wall < Duration::from_secs(15), "took {:?}", run.wall);
    run.assert_idle_cheap();
}

/// `run_slow_host` whose `.env` names a Redis whose channel never opens
/// (its listener's queue is full) and a silent RabbitMQ after it.
fn behind_a_channel_that_never_opens(name: &str, slow: &str, args: &[&str]) -> Run {
    let full = Full::start();
    let after = StandIn::start(Behaviour::Silent);
    let dotenv = format!(
        "REDIS_URL=redis://127.0.0.1:{}\nAMQP_URL=amqp://127.0.0.1:{}/\n",
        full.port(),
        after.port
    );
    run_slow_host(name, slow, &dotenv, "", args)
}

/// A service whose SSH channel never opens (the host's connection to it
/// is never established), a service after it, and a probe that hangs: the
/// host's deadline ends it all, the host fails with `timeout` within its
/// host timeout, and both services say why they were not asked.
#[test]
fn a_deadline_that_passes_while_a_channel_opens_ends_the_host_in_time() {
    let args = ["--timeout", "60", "--host-timeout", "2"];
    let run = behind_a_channel_that_never_opens("opening", "sleep 100", &args);
    assert_eq!(run.exit(), "2", "{}", run.stderr());
    fault_line(&run.stderr(), "opening", "timeout");
    assert!(run.wall < Duration::from_secs(2 + 2), "took {:?}: {}", run.wall, run.stderr());
    for id in ["backing.cache", "backing.queue"] {
        let fact = run.fact(id);
        assert_eq!(fact["status"], "timeout", "{fact}");
        assert!(fact["raw"].as_str().expect("raw").contains("one at a time"), "{fact}");
    }
    run.assert_idle_cheap();
}

/// The same channel that never opens, with a probe that ends at once: the
/// services wait no more than the command timeout, and the host is done.
#[test]
fn a_channel_that_never_opens_costs_the_command_timeout() {
    let args = ["--timeout", "1", "--host-timeout", "60"];
    let run = behind_a_channel_that_never_opens("opening2", "true", &args);
    assert_eq!(run.exit(), "0", "{}", run.stderr());
    assert_eq!(run.fact("tool.slow")["value"], "1.0.7", "{}", run.fact("tool.slow"));
    assert!(run.wall < Duration::from_secs(1 + 4), "took {:?}: {}", run.wall, run.stderr());
    for id in ["backing.cache", "backing.queue"] {
        let fact = run.fact(id);
        assert_eq!(fact["status"], "timeout", "{fact}");
    }
    run.assert_idle_cheap();
}

/// A host whose `.env` names its services oddly: IPv6 loopback, port 0, no
/// host, a port past 65535, a host name of control characters and an
/// option-like one, and a thousand lines for one role. No panic; each role
/// its clear status; the probe's fact intact.
#[test]
fn odd_service_addresses_from_the_host_get_clear_statuses() {
    let mut dotenv = String::from(
        "REDIS_URL=redis://[::1]:1\nAMQP_URL=amqp://127.0.0.1:0/\n\
         MONGODB_URI=mongodb://:27017/app\nDATABASE_URL=mysql://127.0.0.1:99999/app\n\
         ODD_URL=memcached://-oProxyCommand=x:11211\nBELL_URL=memcached://a%07%1b[2Jb:11211\n",
    );
    for port in 20000..21000 {
        writeln!(dotenv, "MANY_URL=memcached://127.0.0.1:{port}").expect("a String");
    }
    let services = "odd = \"ODD_URL\"\nbell = \"BELL_URL\"\nmany = \"MANY_URL\"";
    let run = run_slow_host("odd", "true", &dotenv, services, &["--timeout", "3"]);
    assert_eq!(run.exit(), "0", "{}", run.stderr());
    assert_eq!(run.fact("tool.slow")["value"], "1.0.7", "{}", run.fact("tool.slow"));
    let said = |id: &str, status: &str, words: &str| {
        let fact = run.fact(&format!("backing.{id}"));
        assert_eq!(fact["status"], status, "{fact}");
        assert!(fact["raw"].as_str().expect("raw").contains(words), "{fact}");
    };
    said("cache", "unreachable", "could not connect to ::1:1");
    said("queue", "unreachable", "could not connect to 127.0.0.1:0");
    said("documents", "error", "MONGODB_URI in ");
    said("database", "error", "invalid port number");
    said("odd", "error", "not a host:port list");
    said("bell", "error", "not a host:port list");
    // The last of a variable's lines, as `.env` readers take it: one asked.
    said("many", "unreachable", "127.0.0.1:20999");
    let bell = run.fact("backing.bell").to_string();
    assert!(!bell.contains('\u{1b}') && !bell.contains("\\u001b"), "{bell}");
}
