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
    /// Busybox but no /bin/sh (distroless-like).
    pub no_shell: String,
}

pub fn images() -> &'static Images {
    static IMAGES: OnceLock<Images> = OnceLock::new();
    IMAGES.get_or_init(|| Images {
        app: image("paritty-test-app", true),
        no_shell: image("paritty-test-noshell", false),
    })
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

const OS_RELEASE: &str =
    "ID=paritty\nNAME=\"Paritty Test\"\nVERSION_ID=\"1.0\"\nPRETTY_NAME=\"Paritty Test 1.0\"\n";

/// Builds the root file system, imports it under `name:HASH` unless an
/// image of that tag exists already, and returns the tag.
fn image(name: &str, with_shell: bool) -> String {
    let busybox = Path::new("/bin/busybox");
    assert!(
        Path::new("/usr/share/doc/busybox-static").exists(),
        "the test images need busybox-static (a static /bin/busybox; scripts/test-deps.sh)"
    );
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    for sub in ["bin", "etc", "usr/bin", "tmp", "root", "dev", "proc", "sys"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    std::fs::copy(busybox, dir.join("bin/busybox")).expect("copy busybox");
    std::fs::write(dir.join("etc/os-release"), OS_RELEASE).expect("os-release");
    let mut manifest =
        format!("{OS_RELEASE}{}", std::fs::metadata(busybox).expect("busybox").len());
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
    podman_ok(&["import", "--quiet", tar.to_str().expect("utf-8 path"), &tag]);
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
