//! A real Podman for the container tests: test images imported from root
//! file systems built here (nothing can be pulled), once per test run and
//! cached under a tag carrying their content hash, and containers that are
//! removed when their guard drops.
//!
//! On these machines Podman needs runc (crun refuses the hybrid cgroup
//! layout) and explicit ulimits within the hard limits (the runtimes cannot
//! raise RLIMIT_NOFILE past it): `RUN_ARGS`, given to every `run` here and
//! to paritty through `engine_run_args`, as README's "Containers" says.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const RUN_ARGS: [&str; 6] =
    ["--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

/// `podman ARGS...`, its output.
pub fn podman(args: &[&str]) -> Output {
    Command::new("podman")
        .args(args)
        .output()
        .expect("podman runs (scripts/test-deps.sh installs it)")
}

/// `podman ARGS...` that must succeed; its stdout, trimmed.
pub fn podman_ok(args: &[&str]) -> String {
    let out = podman(args);
    assert!(
        out.status.success(),
        "podman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Whether a container of that name exists, in any state.
pub fn exists(name: &str) -> bool {
    podman(&["container", "exists", name]).status.success()
}

/// The test images, built once per run.
pub struct Images {
    /// Busybox as /bin/sh, fake tools, an os-release.
    pub app: String,
    /// Busybox but no /bin/sh (distroless-like), its config stating
    /// versions and OCI labels ([`NO_SHELL_CONFIG`]), its os-release at
    /// /usr/lib with /etc/os-release a link to it, as on Debian.
    pub no_shell: String,
}

pub fn images() -> &'static Images {
    static IMAGES: OnceLock<Images> = OnceLock::new();
    IMAGES.get_or_init(|| Images {
        app: image("paritty-test-app", true, &[]),
        no_shell: image("paritty-test-noshell", false, &NO_SHELL_CONFIG),
    })
}

/// The app image with `changes` to its config (`LABEL=...`), built once
/// per distinct config and cached like the others.
pub fn app_with(changes: &[&str]) -> String {
    image("paritty-test-app", true, changes)
}

/// The fake tools of the app image: name, body.
const TOOLS: [(&str, &str); 4] = [
    ("python3", "echo 'Python 3.11.2'"),
    ("mytool", "echo 'mytool 1.4.2'"),
    // Hangs well past any host deadline a test sets.
    ("slowtool", "sleep 600; echo 'slowtool 1.0'"),
    // Ends the container (its PID 1 waits for this file), then waits to be
    // killed with it.
    ("stopper", "touch /tmp/stop; sleep 600"),
];

/// What the no-shell image's config states (`podman import --change`).
pub const NO_SHELL_CONFIG: [&str; 5] = [
    "ENV=PYTHON_VERSION=3.12.4",
    "ENV=NODE_VERSION=20.11.1",
    "LABEL=org.opencontainers.image.version=1.42.0",
    "LABEL=org.opencontainers.image.revision=0123abcd",
    "LABEL=org.opencontainers.image.source=https://example.invalid/acme/api",
];

const OS_RELEASE: &str =
    "ID=paritty\nNAME=\"Paritty Test\"\nVERSION_ID=\"1.0\"\nPRETTY_NAME=\"Paritty Test 1.0\"\n";

/// Builds the root file system, imports it with `changes` to its config
/// under `name:HASH` unless an image of that tag exists already, and
/// returns the tag.
fn image(name: &str, with_shell: bool, changes: &[&str]) -> String {
    let busybox = Path::new("/bin/busybox");
    assert!(
        Path::new("/usr/share/doc/busybox-static").exists(),
        "the test images need busybox-static (a static /bin/busybox; scripts/test-deps.sh)"
    );
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    for sub in ["bin", "etc", "usr/bin", "usr/lib", "tmp", "root", "dev", "proc", "sys"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    std::fs::copy(busybox, dir.join("bin/busybox")).expect("copy busybox");
    if with_shell {
        std::fs::write(dir.join("etc/os-release"), OS_RELEASE).expect("os-release");
    } else {
        std::fs::write(dir.join("usr/lib/os-release"), OS_RELEASE).expect("os-release");
        std::os::unix::fs::symlink("../usr/lib/os-release", dir.join("etc/os-release"))
            .expect("os-release link");
    }
    let mut manifest =
        format!("{OS_RELEASE}{}", std::fs::metadata(busybox).expect("busybox").len());
    manifest.push_str(if with_shell { "etc/os-release" } else { "usr/lib/os-release <- etc" });
    manifest.push_str(&changes.join("\n"));
    if with_shell {
        let list = Command::new(busybox).arg("--list").output().expect("busybox --list");
        for applet in String::from_utf8_lossy(&list.stdout).lines() {
            let link = dir.join("bin").join(applet);
            if !link.exists() {
                std::os::unix::fs::symlink("busybox", &link).expect("applet link");
            }
        }
        for (tool, body) in TOOLS {
            crate::common::tool(&dir.join("usr/bin"), tool, body);
            manifest.push_str(tool);
            manifest.push_str(body);
        }
    }
    let tag = format!("localhost/{name}:{:016x}", fnv1a(manifest.as_bytes()));
    if podman(&["image", "exists", &tag]).status.success() {
        return tag;
    }
    let tar = root.path().with_extension("tar");
    let status =
        Command::new("tar").arg("-C").arg(dir).arg("-cf").arg(&tar).arg(".").status().expect("tar");
    assert!(status.success(), "tar of the root file system");
    let mut args = vec!["import", "--quiet"];
    for change in changes {
        args.extend(["--change", change]);
    }
    args.extend([tar.to_str().expect("utf-8 path"), &tag]);
    podman_ok(&args);
    let _ = std::fs::remove_file(&tar);
    tag
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

/// A test container, force-removed when dropped.
pub struct Container {
    pub name: String,
}

/// `paritty-it-PID-N-LABEL`: unique across the tests' threads and runs.
pub fn unique(label: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("paritty-it-{}-{}-{label}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

impl Container {
    /// A running container of `image` running `command` (its PID 1),
    /// returned once Podman says it is running.
    pub fn run(image: &str, label: &str, command: &[&str]) -> Container {
        let container = Container { name: unique(label) };
        let mut args = vec!["run", "-d", "--name", &container.name];
        args.extend(RUN_ARGS);
        args.push(image);
        args.extend(command);
        podman_ok(&args);
        podman_ok(&["wait", "--condition=running", &container.name]);
        container
    }

    /// A container that exists but was never started.
    pub fn created(image: &str, label: &str) -> Container {
        let container = Container { name: unique(label) };
        let mut args = vec!["create", "--name", &container.name];
        args.extend(RUN_ARGS);
        args.extend([image, "/bin/busybox", "sleep", "600"]);
        podman_ok(&args);
        container
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        // `-t 0`: PID 1 here ignores SIGTERM; no ten-second grace.
        let _ = podman(&["rm", "-f", "-t", "0", &self.name]);
    }
}

/// Whether a process of this machine mentions `name` in its command line
/// next to `exec` (an engine client left running).
pub fn exec_clients(name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.filter_map(Result::ok).any(|e| {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let words: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        words.contains(&b"exec".as_slice()) && words.contains(&name.as_bytes())
    })
}

/// A Podman store of a test's own: its storage, run folder, lock files and
/// per-boot folder under a temporary folder (`CONTAINERS_STORAGE_CONF`,
/// `CONTAINERS_CONF`), the test images read from this machine's store. So
/// `podman ps` there lists the test's containers only, whatever else runs
/// on the machine, and nothing done there touches other Podman users: the
/// default `tmp_dir` and shared-memory locks are process-wide state of
/// every store (a second store using them confuses the first one's).
pub struct Store {
    dir: tempfile::TempDir,
}

impl Store {
    pub fn new() -> Store {
        let images_from = default_graph_root();
        let dir = tempfile::Builder::new().prefix("paritty-it-store-").tempdir().expect("temp dir");
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("storage.conf"),
            format!(
                "[storage]\ndriver = \"overlay\"\ngraphroot = \"{d}/root\"\nrunroot = \"{d}/run\"\n\
                 [storage.options]\nadditionalimagestores = [\"{images_from}\"]\n"
            ),
        )
        .expect("storage.conf");
        std::fs::write(
            dir.path().join("containers.conf"),
            format!(
                "[engine]\ntmp_dir = \"{d}/tmp\"\nlock_type = \"file\"\nevents_logger = \"file\"\n\
                 [network]\nnetwork_config_dir = \"{d}/networks\"\n"
            ),
        )
        .expect("containers.conf");
        Store { dir }
    }

    /// The environment that makes `podman` (and podman-docker's `docker`)
    /// use this store; no spaces, so sshd's `SetEnv` can carry it.
    pub fn env(&self) -> [(&'static str, String); 2] {
        let file = |name: &str| self.dir.path().join(name).display().to_string();
        [
            ("CONTAINERS_STORAGE_CONF", file("storage.conf")),
            ("CONTAINERS_CONF", file("containers.conf")),
        ]
    }

    pub fn podman(&self, args: &[&str]) -> Output {
        Command::new("podman")
            .args(args)
            .envs(self.env())
            .output()
            .expect("podman runs (scripts/test-deps.sh installs it)")
    }

    pub fn podman_ok(&self, args: &[&str]) -> String {
        let out = self.podman(args);
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A running container named `name` exactly (no network: nothing in
    /// the tests needs one), once Podman says it runs.
    pub fn run(&self, image: &str, name: &str, command: &[&str]) -> StoreContainer<'_> {
        let container = StoreContainer { store: self, name: name.to_owned() };
        let mut args = vec!["run", "-d", "--network", "none", "--name", name];
        args.extend(RUN_ARGS);
        args.push(image);
        args.extend(command);
        self.podman_ok(&args);
        self.podman_ok(&["wait", "--condition=running", name]);
        container
    }

    /// A container that exists but was never started.
    pub fn created(&self, image: &str, name: &str) -> StoreContainer<'_> {
        let container = StoreContainer { store: self, name: name.to_owned() };
        let mut args = vec!["create", "--network", "none", "--name", name];
        args.extend(RUN_ARGS);
        args.extend([image, "/bin/busybox", "sleep", "600"]);
        self.podman_ok(&args);
        container
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Whatever a failed test left, before the folder goes.
        let _ = self.podman(&["rm", "-a", "-f", "-t", "0"]);
        // conmon starts `podman container cleanup` for a container or exec
        // session that ended, which may still be writing into the store:
        // the folder goes once no process names it (bounded).
        // Removed here, again while something still wrote into it.
        let path = self.dir.path();
        let dir = path.as_os_str().as_encoded_bytes().to_vec();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(30) {
            if !names_in_cmdline(&dir) {
                // The overlay driver bind-mounts its folder onto itself
                // (rootful Podman: in this machine's mount table).
                unmount_under(path);
                if std::fs::remove_dir_all(path).is_ok() && !path.exists() {
                    return;
                }
            }
            // Not synchronization: the condition is what is waited for.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// Unmounts whatever is mounted at or under `dir` in this mount table,
/// deepest first.
fn unmount_under(dir: &Path) {
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let prefix = dir.display().to_string();
    // The mount point is the fifth field (spaces in it are escaped).
    let mut points: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .filter(|p| p.starts_with(&prefix))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for point in points {
        let _ = Command::new("umount").arg(point).output();
    }
}

/// Whether a process of this machine has `needle` in its command line.
fn names_in_cmdline(needle: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.filter_map(Result::ok).any(|e| {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        cmdline.windows(needle.len()).any(|w| w == needle)
    })
}

/// Where this machine's Podman keeps its images (root's or the user's).
fn default_graph_root() -> String {
    static ROOT: OnceLock<String> = OnceLock::new();
    ROOT.get_or_init(|| podman_ok(&["info", "--format", "{{.Store.GraphRoot}}"])).clone()
}

/// A container of a [`Store`], force-removed when dropped.
pub struct StoreContainer<'s> {
    store: &'s Store,
    pub name: String,
}

impl Drop for StoreContainer<'_> {
    fn drop(&mut self) {
        let _ = self.store.podman(&["rm", "-f", "-t", "0", &self.name]);
    }
}
