//! One running sshd: its folder, keys and config, start-up without sleeps, its log, its death.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use super::{HostSpec, KeyType, Lab, can_bind_os_release, free_port, keygen, loopback_addr};
use super::{key_fields, read_public, run};

/// How long sshd may take to say it listens (generous: CI machines can be slow).
const START_DEADLINE: Duration = Duration::from_secs(20);
/// Ports are picked by binding port 0 and letting go, so another process may take one before
/// sshd binds it; sshd then exits with "Address already in use" and we try another port.
const PORT_ATTEMPTS: usize = 5;

/// A real sshd on a loopback address; killed (with its sessions) and reaped on drop.
pub struct Host {
    name: String,
    addr: IpAddr,
    port: u16,
    dir: PathBuf,
    keys: [HostKey; 2],
    os_release_differs: bool,
    log: Log,
    child: Mutex<Option<Child>>,
}

/// One host key pair as clients see it.
struct HostKey {
    public: String,
    fingerprint: String,
}

/// Prepares the host folder and starts its sshd; panics with sshd's log if it cannot.
pub(super) fn start(lab: &Lab, spec: &HostSpec) -> Host {
    let dir = lab.dir().join("hosts").join(spec.name);
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("create host folder");
    for (name, body) in spec.tools {
        super::super::tool(&bin, name, body);
    }
    let keys = [KeyType::Ed25519, KeyType::Ecdsa].map(|kind| {
        let path = dir.join(format!("ssh_host_{}_key", kind.keygen_name()));
        keygen(&path, kind, spec.name);
        let listing = run(Command::new("ssh-keygen").arg("-lf").arg(path.with_extension("pub")));
        // "256 SHA256:... comment (ED25519)": the second field is what ssh prints.
        let fingerprint = listing.split_whitespace().nth(1).expect("fingerprint").to_owned();
        HostKey { public: read_public(&path).trim_end().to_owned(), fingerprint }
    });
    let authorized_keys = if spec.refuse_login {
        let path = dir.join("authorized_keys");
        fs::write(&path, "").expect("write empty authorized_keys");
        path
    } else {
        lab.authorized_keys()
    };
    // Another os-release needs a private mount namespace, which only root can make.
    let os_release =
        spec.os_release.filter(|_| lab.is_root() && can_bind_os_release()).map(|text| {
            let path = dir.join("os-release");
            fs::write(&path, text).expect("write os-release");
            path
        });
    if lab.is_root() {
        // Privileged sshd refuses to start without its privilege-separation chroot folder.
        fs::create_dir_all("/run/sshd").expect("create /run/sshd");
    }
    let addr = loopback_addr();
    let config = dir.join("sshd_config");
    for attempt in 1..=PORT_ATTEMPTS {
        let port = free_port(addr);
        let text = format!(
            "ListenAddress {addr}:{port}\nHostKey {dir}/ssh_host_ed25519_key\n\
             HostKey {dir}/ssh_host_ecdsa_key\nPidFile {dir}/sshd.pid\n\
             AuthorizedKeysFile {auth}\nStrictModes no\nUsePAM no\n\
             PermitRootLogin prohibit-password\nPubkeyAuthentication yes\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPrintMotd no\n\
             SetEnv PATH={path}{extra_env}\nLogLevel VERBOSE\n{extra}",
            extra_env = spec.env.iter().fold(String::new(), |all, (k, v)| all + " " + k + "=" + v),
            extra = spec.sshd_config.iter().fold(String::new(), |all, line| all + line + "\n"),
            dir = dir.display(),
            auth = authorized_keys.display(),
            path = spec.path.map_or_else(
                || format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
                str::to_owned
            ),
        );
        fs::write(&config, text).expect("write sshd_config");
        match launch(&config, os_release.as_deref()) {
            Ok((child, log)) => {
                return Host {
                    name: spec.name.to_owned(),
                    addr,
                    port,
                    dir,
                    keys,
                    os_release_differs: os_release.is_some(),
                    log,
                    child: Mutex::new(Some(child)),
                };
            }
            Err(log) if log.contains("Address already in use") && attempt < PORT_ATTEMPTS => {}
            Err(log) => panic!("sshd for {} did not start:\n{log}", spec.name),
        }
    }
    unreachable!("the last attempt returns or panics")
}

/// Spawns sshd in the foreground logging to stderr, and waits until it listens.
/// On failure returns what sshd logged.
fn launch(config: &Path, os_release: Option<&Path>) -> Result<(Child, Log), String> {
    let mut cmd = match os_release {
        None => {
            let mut cmd = Command::new("/usr/sbin/sshd");
            cmd.args(["-D", "-e", "-f"]).arg(config);
            cmd
        }
        Some(file) => {
            // `unshare` without --fork execs, so the child pid stays sshd's pid.
            let mut cmd = Command::new("unshare");
            cmd.args(["--mount", "--propagation", "private", "sh", "-c"])
                .arg("mount --bind \"$0\" /etc/os-release && exec /usr/sbin/sshd -D -e -f \"$1\"")
                .arg(file)
                .arg(config);
            cmd
        }
    };
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run sshd: {e}"))?;
    let log = Log::follow(child.stderr.take().expect("piped stderr"));
    match log.wait_for(&["Server listening on"], Instant::now() + START_DEADLINE) {
        Seen::Found => Ok((child, log)),
        Seen::TimedOut | Seen::Closed => {
            child.kill().ok();
            child.wait().ok();
            Err(log.text())
        }
    }
}

impl Host {
    /// The `ssh_config` alias (`Host` block name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The loopback address sshd listens on (127.X.Y.Z, never 127.0.x.x).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The port sshd listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Address and port together, for `TcpStream::connect` and the like.
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.addr, self.port)
    }

    /// The host's folder (keys, `sshd_config`, bin/, os-release).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder of fake tools first on the host's PATH; tools can be added while it runs.
    pub fn tool_dir(&self) -> PathBuf {
        self.dir.join("bin")
    }

    /// The host's public key line (`ssh-ed25519 AAAA... name`), as in the `.pub` file.
    pub fn public_key(&self, kind: KeyType) -> &str {
        &self.key(kind).public
    }

    /// The key's fingerprint as `ssh-keygen -lf` and `ssh -v` print it (`SHA256:...`).
    pub fn fingerprint(&self, kind: KeyType) -> &str {
        &self.key(kind).fingerprint
    }

    /// `[127.x.y.z]:port ssh-ed25519 AAAA...` plus a newline, ready to append to a `known_hosts`.
    pub fn known_hosts_line(&self, kind: KeyType) -> String {
        format!("[{}]:{} {}\n", self.addr, self.port, key_fields(self.public_key(kind)))
    }

    /// True when sessions see the spec's os-release instead of this machine's (root only).
    pub fn os_release_differs(&self) -> bool {
        self.os_release_differs
    }

    /// sshd's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(Child::id)
    }

    /// Everything sshd logged so far (`LogLevel` VERBOSE), for assertions and failure messages.
    pub fn log(&self) -> String {
        self.log.text()
    }

    /// Waits until the log contains `needle`: sshd logs asynchronously to the client's view.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        self.wait_for_any_log(&[needle], timeout)
    }

    /// Like `wait_for_log`, for any of `needles` (a thing sshd says in one
    /// of several ways).
    pub fn wait_for_any_log(&self, needles: &[&str], timeout: Duration) -> bool {
        self.log.wait_for(needles, Instant::now() + timeout) == Seen::Found
    }

    /// SIGKILLs sshd and every process under it (connection handlers, sessions), so an
    /// in-flight session dies as if the machine vanished; then reaps sshd. Idempotent.
    pub fn kill(&self) {
        let taken = self.child.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(mut child) = taken {
            kill_tree(child.id());
            child.wait().ok();
        }
    }

    fn key(&self, kind: KeyType) -> &HostKey {
        match kind {
            KeyType::Ed25519 => &self.keys[0],
            KeyType::Ecdsa => &self.keys[1],
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.kill();
    }
}

/// sshd's stderr, drained by a thread into a buffer so the pipe never fills.
struct Log {
    text: Arc<Mutex<String>>,
    /// One message per line appended; disconnected when sshd and all its children are gone.
    lines: Mutex<Receiver<()>>,
}

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Found,
    TimedOut,
    Closed,
}

impl Log {
    fn follow(stderr: ChildStderr) -> Log {
        let text = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&text);
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = Vec::new();
            // Bytes, not `lines()`: sshd may log client-supplied text that is not UTF-8.
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&String::from_utf8_lossy(&line));
                line.clear();
                // Nobody may be waiting any more; the buffer is what matters.
                tx.send(()).ok();
            }
        });
        Log { text, lines: Mutex::new(rx) }
    }

    fn text(&self) -> String {
        self.text.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits for any of `needles` in the log, waking on each new line (no
    /// polling, no sleep).
    fn wait_for(&self, needles: &[&str], deadline: Instant) -> Seen {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = || {
            let text = self.text();
            needles.iter().any(|n| text.contains(n))
        };
        loop {
            // The line is in the buffer before its message is sent, so checking here is exact.
            if seen() {
                return Seen::Found;
            }
            match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(()) => {}
                Err(RecvTimeoutError::Timeout) => return Seen::TimedOut,
                Err(RecvTimeoutError::Disconnected) if seen() => {
                    return Seen::Found;
                }
                Err(RecvTimeoutError::Disconnected) => return Seen::Closed,
            }
        }
    }
}

/// Kills a process tree. sshd's connection handlers call `setsid()`, so neither a process group
/// nor `pkill -P` (direct children only) reaches the sessions: walk /proc instead. Stopping
/// first freezes the tree (a stopped process cannot fork or exit and orphan its children),
/// repeating until no new descendant shows up; then everything gets SIGKILL.
fn kill_tree(root: u32) {
    let mut stopped = BTreeSet::new();
    loop {
        let fresh: Vec<u32> =
            descendants(root).into_iter().filter(|p| !stopped.contains(p)).collect();
        if fresh.is_empty() {
            break;
        }
        signal("STOP", &fresh);
        stopped.extend(fresh);
    }
    signal("KILL", &stopped.into_iter().collect::<Vec<_>>());
}

/// `root` and all processes below it, from the parent pids in /proc/*/stat.
fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        // Processes come and go while we read: a vanished one is simply skipped.
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses: cut at the last ")".
        let parent = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if let Some(parent) = parent.and_then(|p| p.parse::<u32>().ok()) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut tree = vec![root];
    let mut next = 0;
    while let Some(&pid) = tree.get(next) {
        tree.extend(children.get(&pid).into_iter().flatten());
        next += 1;
    }
    tree
}

/// Sends a signal with the shell's builtin kill (procps' kill is not on minimal Debian, and
/// the crate denies the unsafe code `libc::kill` needs). Pids already gone are ignored.
fn signal(name: &str, pids: &[u32]) {
    Command::new("sh")
        .arg("-c")
        .arg(format!("kill -s {name} \"$@\" 2>/dev/null"))
        .arg("sh")
        .args(pids.iter().map(u32::to_string))
        .status()
        .ok();
}
