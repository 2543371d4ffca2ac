//! The stand-in kubectl of the `k8s:` tests, set up per test: there is no
//! Kubernetes cluster on these machines, so `tests/fixtures/kubernetes/kubectl`
//! (a POSIX sh script) plays kubectl on PATH. It refuses any argv but the
//! ones paritty should send and logs every one, reads the kubeconfig
//! written here (contexts `lab`, user `dev`, and `readonly`, user `viewer`)
//! and a cluster file (pods backed by real Podman containers,
//! deployments, RBAC denials), and forwards `exec -i` to the pod's Podman
//! container.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// One test's stand-in cluster.
pub struct StandIn {
    dir: TempDir,
    cluster: PathBuf,
}

impl StandIn {
    /// A kubeconfig whose current context is `current` (none: unset) and a
    /// cluster of `lines` (see the script's header).
    pub fn new(current: Option<&str>, lines: &[String]) -> StandIn {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("bin");
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes/kubectl");
        std::os::unix::fs::symlink(script, bin.join("kubectl")).expect("kubectl link");
        // kubectl's own layout (`kubectl config view`), which the stand-in reads.
        let current = current.map(|c| format!("current-context: {c}\n")).unwrap_or_default();
        let kubeconfig = format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: lab\n\
             contexts:\n- context:\n    cluster: lab\n    user: dev\n  name: lab\n\
             - context:\n    cluster: lab\n    user: viewer\n  name: readonly\n\
             {current}kind: Config\npreferences: {{}}\nusers:\n- name: dev\n  user:\n    token: dev-token\n\
             - name: viewer\n  user:\n    token: viewer-token\n"
        );
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig).expect("kubeconfig");
        let cluster = dir.path().join("cluster");
        std::fs::write(&cluster, lines.join("\n") + "\n").expect("cluster");
        StandIn { dir, cluster }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The paritty binary with the stand-in first on PATH, this kubeconfig
    /// in KUBECONFIG, no user config, run in the test's folder.
    pub fn paritty(&self) -> Command {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(env!("CARGO_BIN_EXE_paritty"));
        command
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .env("PARITTY_STANDIN_CLUSTER", &self.cluster)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env_remove("RUST_BACKTRACE");
        command
    }

    /// Every argv the stand-in was given, in order (one line each).
    pub fn argvs(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.cluster.with_extension("argv")).unwrap_or_default();
        log.lines().map(str::to_owned).collect()
    }

    /// The argvs it refused (none, or a test fails on them).
    pub fn refused(&self) -> String {
        std::fs::read_to_string(self.cluster.with_extension("errors")).unwrap_or_default()
    }
}
