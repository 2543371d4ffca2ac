//! The command line: subcommands and their options (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::SnapshotFormat;

/// paritty makes the dev/prod parity gap visible: OS, runtime, tool and
/// backing-service versions, collected and compared.
#[derive(Debug, Parser)]
#[command(name = "paritty", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect this machine's facts and print or save the snapshot.
    Snapshot(SnapshotArgs),
    /// List the profiles paritty can use, with their fact counts.
    Profiles,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub collect: CollectArgs,
    /// Output format [default: text on a terminal, json otherwise or with --out].
    #[arg(long, value_enum)]
    pub format: Option<SnapshotFormat>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// How to collect: which profile and within which bounds.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Profile to collect: a name from `paritty profiles` or a path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "default")]
    pub profile: String,
    /// Seconds one probe command may run before it counts as a timeout.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub timeout: f64,
    /// Probe commands run at once.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub jobs: usize,
    /// Bytes of output kept per fact; the rest is cut.
    #[arg(long, value_name = "BYTES", default_value_t = crate::probe::sanitize::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
}
