//! A lab of real OpenSSH `sshd` hosts that differ, plus the client files to reach them.
//!
//! Everything listens on 127.0.0.0/8 only. Each host gets its own loopback address, its own
//! port, its own host keys and its own folder of fake tools put first on PATH with `SetEnv`.
//! As root (CI), a host can also see its own `/etc/os-release` through a private mount
//! namespace; as another user sshd runs unprivileged and only that user can log in.

mod fault;
mod host;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub use fault::Fault;
pub use host::Host;

/// What one host is: its `ssh_config` alias, the fake tools on its PATH, and the faults it shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostSpec<'a> {
    /// The `Host` alias written to the lab `ssh_config` (also the host's folder name).
    pub name: &'a str,
    /// `(tool name, /bin/sh script body)` pairs installed first on the host's PATH.
    pub tools: &'a [(&'a str, &'a str)],
    /// Content the host shows as `/etc/os-release` (root only; see `Host::os_release_differs`).
    pub os_release: Option<&'a str>,
    /// What the lab `known_hosts` says about this host.
    pub known_host: KnownHost,
    /// The client key is not authorized on this host: every login is refused.
    pub refuse_login: bool,
    /// Extra environment for sessions (sshd's `SetEnv`; values without spaces).
    pub env: &'a [(&'a str, &'a str)],
    /// Extra `sshd_config` lines (`MaxAuthTries 2`...), after the harness's own.
    pub sshd_config: &'a [&'a str],
    /// Log in as the user the tests run as (root in CI) instead of the lab user: its
    /// container engine is the tests' own, so a container the test starts is on this host.
    pub login_as_tester: bool,
    /// The session's whole PATH instead of the tool folder and the system's folders.
    pub path: Option<&'a str>,
}

/// The lab `known_hosts` entry written for a host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KnownHost {
    /// The host's real ed25519 key.
    #[default]
    Correct,
    /// No entry: the "unknown host key" fault under `StrictHostKeyChecking yes`.
    Absent,
    /// Another ed25519 key under the host's name: the "host key changed" fault.
    Wrong,
}

/// The host key types every host has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Ed25519,
    Ecdsa,
}

impl KeyType {
    /// The `ssh-keygen -t` argument, also used in file names.
    pub fn keygen_name(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::Ecdsa => "ecdsa",
        }
    }
}

/// A temporary folder holding the client side of the tests; hosts are started from it.
pub struct Lab {
    dir: tempfile::TempDir,
    user: String,
    is_root: bool,
}

impl Lab {
    /// Creates the folder, the client key pair, an empty `ssh_config` and `known_hosts`.
    ///
    /// Layout: `home/.ssh/{id_ed25519,id_ed25519.pub,config,known_hosts}` as OpenSSH expects
    /// them in a home folder, so the same files serve `ssh -F` and a test that sets HOME.
    pub fn new() -> Lab {
        let dir = tempfile::Builder::new().prefix("paritty-sshd-").tempdir().expect("temp dir");
        // The folder was just created by us, so its owner is the uid the tests run as.
        let is_root = fs::metadata(dir.path()).expect("stat temp dir").uid() == 0;
        // As root, hosts are logged into as a dedicated user with /bin/sh and
        // no home: root's own ~/.bashrc (which Debian's bash reads over ssh)
        // would put its PATH before each host's tool folder. That user reads
        // the lab's files, so the lab is world-readable (keys stay 0600).
        let user = if is_root { lab_user() } else { current_user() };
        if is_root {
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod lab");
        }
        let lab = Lab { dir, user, is_root };
        let ssh = lab.home().join(".ssh");
        fs::create_dir_all(&ssh).expect("create home/.ssh");
        fs::set_permissions(&ssh, fs::Permissions::from_mode(0o700)).expect("chmod home/.ssh");
        keygen(&lab.identity(), KeyType::Ed25519, "paritty-test-client");
        fs::write(lab.authorized_keys(), lab.public_key()).expect("write authorized_keys");
        for file in [lab.ssh_config(), lab.known_hosts()] {
            fs::write(&file, "").expect("create client file");
            // ssh refuses a config writable by others; 0600 is what users have.
            fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        lab
    }

    /// Starts one sshd for `spec`, and records it in the lab `ssh_config` and `known_hosts`.
    pub fn add_host(&self, spec: &HostSpec) -> Host {
        let host = host::start(self, spec);
        let tester = current_user();
        let user = if spec.login_as_tester { &tester } else { &self.user };
        let block = format!(
            "Host {}\n    HostName {}\n    Port {}\n    User {}\n    IdentityFile {}\n    \
             IdentitiesOnly yes\n    UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n\n",
            spec.name,
            host.addr(),
            host.port(),
            user,
            self.identity().display(),
            self.known_hosts().display(),
        );
        append(&self.ssh_config(), &block);
        match spec.known_host {
            KnownHost::Correct => {
                append(&self.known_hosts(), &host.known_hosts_line(KeyType::Ed25519));
            }
            KnownHost::Absent => {}
            KnownHost::Wrong => {
                // A key nobody serves, filed under this host's name and port.
                let impostor = host.dir().join("impostor_ed25519");
                keygen(&impostor, KeyType::Ed25519, "impostor");
                let public = read_public(&impostor);
                let line = format!("[{}]:{} {}\n", host.addr(), host.port(), key_fields(&public));
                append(&self.known_hosts(), &line);
            }
        }
        host
    }

    /// The lab's root folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A clean home folder (`home/.ssh/...`) for tests that run the client with HOME set.
    pub fn home(&self) -> PathBuf {
        self.dir().join("home")
    }

    /// The `ssh_config` with one `Host` block per host (`home/.ssh/config`).
    pub fn ssh_config(&self) -> PathBuf {
        self.home().join(".ssh/config")
    }

    /// The `known_hosts` the `ssh_config` points at (`home/.ssh/known_hosts`).
    pub fn known_hosts(&self) -> PathBuf {
        self.home().join(".ssh/known_hosts")
    }

    /// The client's private key (`home/.ssh/id_ed25519`, no passphrase).
    pub fn identity(&self) -> PathBuf {
        self.home().join(".ssh/id_ed25519")
    }

    /// The client's public key line (`ssh-ed25519 AAAA... comment`).
    pub fn public_key(&self) -> String {
        read_public(&self.identity())
    }

    /// The user every host lets in: the user the tests run as, or
    /// `paritty-lab` when that is root.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Whether the tests run as root (sshd then runs privileged, as in CI).
    pub fn is_root(&self) -> bool {
        self.is_root
    }

    /// The `authorized_keys` file shared by the hosts that accept the client.
    fn authorized_keys(&self) -> PathBuf {
        self.dir().join("authorized_keys")
    }
}

impl Default for Lab {
    fn default() -> Self {
        Lab::new()
    }
}

/// A loopback address no other host of this process has, and (very likely) none of another
/// test process: 127.X.Y.Z with X.Y from the process id and Z from a counter; every 254
/// addresses the process moves on to the next X.Y (all the tests run in one process, and
/// may start more hosts than that). 127.0.x.x is left alone, it is where real local services usually live.
pub fn loopback_addr() -> IpAddr {
    const SLOTS: u32 = 254 * 256;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let slot = (std::process::id() % SLOTS + n / 254) % SLOTS;
    let byte = |v: u32| u8::try_from(v).expect("fits in a byte");
    IpAddr::V4(Ipv4Addr::new(127, byte(1 + slot / 256), byte(slot % 256), byte(1 + n % 254)))
}

/// A port nothing listens on at `addr` right now (the kernel's choice for port 0).
pub fn free_port(addr: IpAddr) -> u16 {
    let listener = TcpListener::bind(SocketAddr::new(addr, 0)).expect("bind loopback port 0");
    listener.local_addr().expect("local addr").port()
}

/// Whether this process may give sshd its own /etc/os-release (root with mount namespaces;
/// a container without `CAP_SYS_ADMIN` is root but cannot). Checked once by trying it.
fn can_bind_os_release() -> bool {
    static CAN: OnceLock<bool> = OnceLock::new();
    *CAN.get_or_init(|| {
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg("mount --bind /etc/os-release /etc/os-release")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs a helper program to completion, panicking with its stderr if it fails.
fn run(cmd: &mut Command) -> String {
    let out = cmd.stdin(Stdio::null()).output().expect("run helper program");
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("helper output is UTF-8")
}

/// The name of the user the tests run as (sshd's `User` and the `ssh_config` `User`).
/// The login user of the lab's hosts when the tests run as root, created
/// once (`useradd` is idempotent enough: "already exists" is fine).
pub fn lab_user() -> String {
    const NAME: &str = "paritty-lab";
    static CREATED: std::sync::Once = std::sync::Once::new();
    CREATED.call_once(|| {
        let exists = Command::new("id").arg(NAME).output().is_ok_and(|o| o.status.success());
        if !exists {
            let status = Command::new("useradd")
                .args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
                .args(["--shell", "/bin/sh", NAME])
                .status()
                .expect("run useradd");
            // 9: created meanwhile by another test process.
            assert!(status.success() || status.code() == Some(9), "useradd {NAME}: {status}");
        }
        // Without PAM, sshd refuses a locked account (password `!`); `*`
        // only means "no password", and keys still work.
        let unlocked = Command::new("usermod").args(["-p", "*", NAME]).status().expect("usermod");
        assert!(unlocked.success(), "usermod {NAME}: {unlocked}");
    });
    NAME.to_owned()
}

fn current_user() -> String {
    run(Command::new("id").arg("-un")).trim().to_owned()
}

/// Generates a key pair without passphrase at `path` and `path.pub`.
fn keygen(path: &Path, kind: KeyType, comment: &str) {
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", kind.keygen_name(), "-N", "", "-C", comment, "-f"])
        .arg(path));
}

/// The `.pub` line next to private key `path`, newline included.
fn read_public(path: &Path) -> String {
    fs::read_to_string(path.with_extension("pub")).expect("read public key")
}

/// `type base64` of a public key line, without its comment (the `known_hosts` form).
fn key_fields(public: &str) -> String {
    public.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// Appends text to a file (the lab files grow one host at a time).
fn append(path: &Path, text: &str) {
    let mut file = OpenOptions::new().append(true).open(path).expect("open for append");
    file.write_all(text.as_bytes()).expect("append");
}
