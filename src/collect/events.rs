//! Progress of each host's collection, sent from its worker as it happens so
//! a terminal (progress lines, the TUI) can show it live.

use std::time::Duration;

use crate::model::{Failure, HostReport};

/// Where one host's collection stands (ARCHITECTURE.md, "Host status").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Pending,
    Connecting,
    Authenticating,
    Probing,
    Done,
    Failed(Failure),
}

impl Stage {
    pub fn label(&self) -> &'static str {
        match self {
            Stage::Pending => "pending",
            Stage::Connecting => "connecting",
            Stage::Authenticating => "authenticating",
            Stage::Probing => "probing",
            Stage::Done => "done",
            Stage::Failed(_) => "failed",
        }
    }
}

/// One message from a host worker.
#[derive(Debug, Clone)]
pub enum Event {
    /// The host at `index` (in the order targets were given) moved on.
    Stage { index: usize, stage: Stage, elapsed: Duration },
    /// The host at `index` has delivered `done` of its `total` facts.
    Facts { index: usize, done: usize, total: usize },
    /// The host at `index` is finished; its report.
    Finished { index: usize, report: Box<HostReport> },
}
