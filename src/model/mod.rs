//! The collected world: snapshots of hosts and the facts in them.
//!
//! These types are what every other part exchanges: collectors produce them,
//! comparison and rendering read them, and `snapshot_file` gives them their
//! stable, versioned JSON form.

mod running;
pub mod snapshot_file;
mod wire;

pub use running::{Process, Running};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Version of the snapshot JSON layout. Bump it when a reader of the old
/// layout would misread a new file; adding an optional field does not.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything collected from one host at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    pub paritty_version: String,
    pub profile: ProfileRef,
    pub host: HostInfo,
    /// RFC 3339, UTC.
    pub collected_at: String,
    pub duration_ms: u64,
    /// Keyed by fact id; a `BTreeMap` so the JSON key order is stable and two
    /// snapshots diff cleanly.
    pub facts: BTreeMap<String, Fact>,
    /// What an export redacted from this snapshot (see README, "Redaction").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<String>,
}

/// Which profile a snapshot was collected with. The hash tells whether two
/// snapshots asked the same questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    pub name: String,
    pub hash: String,
}

/// Who the snapshot is of and how it was reached. In JSON a container's
/// image sits beside `transport` (`image`, `image_id`), optional, so
/// snapshots written before containers existed still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "wire::HostWire", from = "wire::HostWire")]
pub struct HostInfo {
    pub name: String,
    pub address: Option<String>,
    pub transport: Transport,
    /// Free-form labels such as `environment = "prod"`.
    pub labels: BTreeMap<String, String>,
}

/// How a host was reached. A container's transport carries the image it
/// runs, so an image can only be stated where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Local,
    Ssh,
    /// A running container, `docker exec`.
    Docker(Box<ImageRef>),
    /// A running container, `podman exec`.
    Podman(Box<ImageRef>),
    /// A throwaway container of an image (`docker|podman run --rm`).
    Image(Box<ImageRef>),
    /// A container of a Kubernetes pod, `kubectl exec`.
    Kubernetes(Box<Pod>),
    /// A user's own argv (`exec = [...]` in paritty.toml); only its
    /// program is kept: its arguments may carry secrets (tokens, hosts,
    /// passwords on a command line) and are the user's config anyway.
    Exec(String),
}

/// Where in a Kubernetes cluster a snapshot was taken, as named and as
/// `kubectl get` reported it (sanitized, capped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pod {
    /// The image of the container probed (reference and id).
    pub image: ImageRef,
    /// The kubeconfig context named in the target; `None`: kubectl's
    /// current one.
    pub context: Option<String>,
    pub namespace: String,
    /// The pod; `None` for a deployment, whose pod kubectl chose.
    pub pod: Option<String>,
    pub deployment: Option<String>,
    /// The container probed, when known (named, or the pod's default).
    pub container: Option<String>,
    /// The node the pod runs on.
    pub node: Option<String>,
}

/// The image a container runs, as its engine reported it (sanitized), and
/// the SSH host whose engine runs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference it was started from (`localhost/app:1`).
    pub reference: Option<String>,
    /// The engine's image id (`sha256:...` or bare hex).
    pub id: Option<String>,
    /// The SSH host (as the user named it) whose engine runs the
    /// container; `None` for this machine's.
    pub on_host: Option<String>,
}

impl Transport {
    /// The word in snapshots and exports: `local`, `ssh`, `docker`,
    /// `podman`, `image`, `kubernetes`, `exec`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Transport::Local => "local",
            Transport::Ssh => "ssh",
            Transport::Docker(_) => "docker",
            Transport::Podman(_) => "podman",
            Transport::Image(_) => "image",
            Transport::Kubernetes(_) => "kubernetes",
            Transport::Exec(_) => "exec",
        }
    }

    pub fn image(&self) -> Option<&ImageRef> {
        match self {
            Transport::Docker(image) | Transport::Podman(image) | Transport::Image(image) => {
                Some(image)
            }
            Transport::Kubernetes(pod) => Some(&pod.image),
            Transport::Local | Transport::Ssh | Transport::Exec(_) => None,
        }
    }

    pub fn image_mut(&mut self) -> Option<&mut ImageRef> {
        match self {
            Transport::Docker(image) | Transport::Podman(image) | Transport::Image(image) => {
                Some(image)
            }
            Transport::Kubernetes(pod) => Some(&mut pod.image),
            Transport::Local | Transport::Ssh | Transport::Exec(_) => None,
        }
    }

    /// Every text the transport carries (image, pod, node, program...),
    /// for the places that clean or redact what came from outside.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let image = match self {
            Transport::Local | Transport::Ssh => return Vec::new(),
            Transport::Exec(program) => return vec![program],
            Transport::Docker(image) | Transport::Podman(image) | Transport::Image(image) => {
                &mut **image
            }
            Transport::Kubernetes(pod) => {
                let Pod { image, context, namespace, pod, deployment, container, node } =
                    &mut **pod;
                let mut texts = vec![namespace];
                texts.extend([context, pod, deployment, container, node].into_iter().flatten());
                texts.extend(image.reference.iter_mut().chain(image.id.iter_mut()));
                return texts;
            }
        };
        image
            .reference
            .iter_mut()
            .chain(image.id.iter_mut())
            .chain(image.on_host.iter_mut())
            .collect()
    }

    /// What a heading says: `ssh`, `container of localhost/app:1`,
    /// `container of localhost/app:1 on prod-web-1`, `image localhost/app:1`,
    /// `container of app:1, pod shop/web-0 on
    /// node n1`, `exec vagrant`.
    pub fn describe(&self) -> String {
        let of = |image: &ImageRef| {
            image.reference.clone().or_else(|| image.id.clone()).unwrap_or_else(|| "?".into())
        };
        match self {
            Transport::Docker(image) | Transport::Podman(image) => match &image.on_host {
                Some(host) => format!("container of {} on {host}", of(image)),
                None => format!("container of {}", of(image)),
            },
            Transport::Image(image) => format!("image {}", of(image)),
            Transport::Kubernetes(pod) => {
                let ns = &pod.namespace;
                let place = match (&pod.pod, &pod.deployment) {
                    (Some(name), _) => format!("pod {ns}/{name}"),
                    (None, Some(deployment)) => format!("a pod of deploy {ns}/{deployment}"),
                    (None, None) => format!("a pod in {ns}"),
                };
                let node = pod.node.as_ref().map(|n| format!(" on node {n}")).unwrap_or_default();
                let context =
                    pod.context.as_ref().map(|c| format!(" (context {c})")).unwrap_or_default();
                format!("container of {}, {place}{node}{context}", of(&pod.image))
            }
            Transport::Exec(program) => format!("exec {program}"),
            Transport::Local | Transport::Ssh => self.as_str().to_owned(),
        }
    }
}

/// One answer from one host, with the evidence it was derived from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// The normalized value; `None` unless `status` is `ok`.
    pub value: Option<String>,
    pub status: Status,
    /// What the probe printed (stdout and stderr merged, control sequences
    /// stripped, capped), or the file line / variable it came from.
    pub raw: String,
    /// Where the tool or file was found; for a tool, the copy that ran.
    pub found_at: Option<String>,
    pub duration_ms: u64,
    /// Human label and category, copied from the profile so a snapshot file
    /// explains itself even where its profile is unknown.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub category: String,
    /// How values of this fact compare (`semver`, `dpkg`, ...), copied from
    /// the profile so snapshots from other profiles compare right too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<crate::profile::CompareKind>,
    /// Expected to differ between hosts; never counted as divergence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub informational: bool,
    /// The command line that produced `raw`, when it came from a command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Other copies of the same tool later on PATH: shadowed, never run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shadowed: Vec<String>,
    /// True when the output was longer than the byte cap and was cut.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Where a fact that no probe observed came from (a container without
    /// a shell: its image's config, its files read by the engine); `None`
    /// for a fact the probe or local collection observed. Optional in
    /// JSON, so older snapshots load and older readers skip it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// For a `service.*` fact, its server processes running now (the
    /// version each answers, whether its binary was replaced since it
    /// started). Optional in JSON, as `origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<Running>,
    /// For an app dependency (`deps.*`), the version the target's own lock
    /// file pins, kept beside the installed version (`value`) so a host
    /// that runs something else than its lock says so. Optional in JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
}

/// How a fact that was not observed was known (ARCHITECTURE.md, "Snapshot
/// format"): compared like any other value, always shown with its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// What the image's config states: a version variable in its `Env`, an
    /// OCI label, its `os` and `architecture`. Declared by whoever built
    /// the image, not observed.
    ImageConfig,
    /// A file of the container read by the engine (`cp`), without a shell:
    /// the file itself, but not what a probe would have run.
    ImageFiles,
    /// The image's `org.opencontainers.image.revision` label, for the
    /// app's revision when its folder said none (no git, no `REVISION`
    /// file, no variable): what the image's builder stated, not what the
    /// container's files hold.
    ImageLabel,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::ImageConfig => "image-config",
            Origin::ImageFiles => "image-files",
            Origin::ImageLabel => "image-label",
        }
    }

    /// The short words beside a value, the same in the TUI and every
    /// export.
    pub fn tag(self) -> &'static str {
        match self {
            Origin::ImageConfig => "from image config",
            Origin::ImageFiles => "from image files",
            Origin::ImageLabel => "from the image label",
        }
    }

    /// One sentence for the details pane and reports.
    pub fn explain(self) -> &'static str {
        match self {
            Origin::ImageConfig => {
                "from the image config (declared by the image, not observed: no shell to probe with)"
            }
            Origin::ImageFiles => {
                "read from the container's files by the engine (`cp`, no shell): not probed"
            }
            Origin::ImageLabel => {
                "from the image label org.opencontainers.image.revision (stated by whoever built the image: the app folder gave no revision)"
            }
        }
    }
}

/// Outcome of collecting one fact (ARCHITECTURE.md, "Statuses of a fact").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Missing,
    Timeout,
    Error,
    Redacted,
    /// A backing service that refused or never took the connection.
    Unreachable,
    /// A backing service that refused the URL's credentials.
    AuthFailed,
    /// A backing service that tells its version only after a login that
    /// paritty could not make there (no credentials, no client).
    NeedsLogin,
    /// A backing service named but not asked (no way to reach it from
    /// where its URL was read, or no speaker for its protocol yet).
    NotAsked,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Ok,
        Status::Missing,
        Status::Timeout,
        Status::Error,
        Status::Redacted,
        Status::Unreachable,
        Status::AuthFailed,
        Status::NeedsLogin,
        Status::NotAsked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::Timeout => "timeout",
            Status::Error => "error",
            Status::Redacted => "redacted",
            Status::Unreachable => "unreachable",
            Status::AuthFailed => "auth-failed",
            Status::NeedsLogin => "needs-login",
            Status::NotAsked => "not-asked",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Fact {
    /// A fact with no evidence yet, in the given status.
    pub fn empty(status: Status) -> Self {
        Fact {
            value: None,
            status,
            raw: String::new(),
            found_at: None,
            duration_ms: 0,
            label: String::new(),
            category: String::new(),
            compare: None,
            informational: false,
            command: None,
            exit_code: None,
            shadowed: Vec::new(),
            truncated: false,
            origin: None,
            running: None,
            pinned: None,
        }
    }
}

/// Why a host could not be (fully) collected (ARCHITECTURE.md, "Host status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailReason {
    Unreachable,
    Timeout,
    HostKeyMismatch,
    HostKeyUnknown,
    AuthFailed,
    ProbeFailed,
    /// A snapshot file that cannot be read (corrupt, truncated, too new).
    BadSnapshot,
    /// The container engine's CLI is not installed or does not answer.
    EngineUnavailable,
    /// No such container or image.
    NotFound,
    /// The container exists but is not running (or stopped mid-probe).
    Stopped,
    /// The container has no `/bin/sh` to run the probe.
    NoShell,
    /// kubectl has no such context, or no current one to fall back on.
    NoContext,
    /// The cluster refused the user (RBAC: not allowed to get the pod or
    /// to exec into it).
    Forbidden,
}

impl FailReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FailReason::Unreachable => "unreachable",
            FailReason::Timeout => "timeout",
            FailReason::HostKeyMismatch => "host-key-mismatch",
            FailReason::HostKeyUnknown => "host-key-unknown",
            FailReason::AuthFailed => "auth-failed",
            FailReason::ProbeFailed => "probe-failed",
            FailReason::BadSnapshot => "bad-snapshot",
            FailReason::EngineUnavailable => "engine-unavailable",
            FailReason::NotFound => "not-found",
            FailReason::Stopped => "stopped",
            FailReason::NoShell => "no-shell",
            FailReason::NoContext => "no-context",
            FailReason::Forbidden => "forbidden",
        }
    }
}

/// A failure with its reason and one line saying what happened. Messages
/// carry text from outside (what an SSH server said, file names, ssh_config
/// values), so the only way to make one, `Failure::new`, sanitizes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub reason: FailReason,
    message: String,
}

impl Failure {
    /// A failure whose message is `message` made one clean line
    /// (`output::sanitize::one_line`): no escape sequence, control or
    /// invisible character, no line break, capped.
    pub fn new(reason: FailReason, message: impl AsRef<str>) -> Failure {
        Failure { reason, message: crate::output::sanitize::one_line(message.as_ref()) }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason.as_str(), self.message)
    }
}

/// The outcome for one target: its snapshot (possibly partial, its missing
/// facts marked) and, if something went wrong, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostReport {
    /// The target as the user named it.
    pub target: String,
    pub snapshot: Option<Snapshot>,
    pub failure: Option<Failure>,
}
