//! The command line: subcommands and their options (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::SnapshotFormat;

/// paritty makes the dev/prod parity gap visible: OS, runtime, tool and
/// backing-service versions, collected and compared.
#[derive(Debug, Parser)]
#[command(name = "paritty", version, about, long_about = None)]
pub struct Cli {
    /// Settings and host inventory [default: ./paritty.toml, else ~/.config/paritty/paritty.toml].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect machines' facts and print or save their snapshots.
    Snapshot(Box<SnapshotArgs>),
    /// List the profiles paritty can use, with their fact counts.
    Profiles,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// What to collect: `local`, an inventory host, an ssh_config alias or
    /// user@host[:port]. Several are collected at once [default: local].
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub collect: CollectArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Output format [default: text on a terminal, json otherwise or with --out].
    #[arg(long, value_enum)]
    pub format: Option<SnapshotFormat>,
    /// Write to this file (one target) or into this folder, one NAME.json
    /// per target (several targets, or an existing folder). Atomic.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// How to collect: which profile and within which bounds. Unset options
/// come from the config's [settings], then the defaults.
#[derive(Debug, Args, Default)]
pub struct CollectArgs {
    /// Profile to collect: a name from `paritty profiles` or a path to a .toml file [default: default].
    #[arg(long, value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Seconds one probe command may run before it counts as a timeout [default: 5].
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Probe commands run at once on each host [default: 32].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Bytes of output kept per fact; the rest is cut [default: 65536].
    #[arg(long, value_name = "BYTES")]
    pub max_bytes: Option<usize>,
}

/// How to reach remote hosts.
#[derive(Debug, Args, Default)]
pub struct RemoteArgs {
    /// Hosts collected at once [default: 32].
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Seconds to connect when ssh_config sets no ConnectTimeout [default: 5].
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,
    /// Seconds for everything on one host [default: 30].
    #[arg(long, value_name = "SECS")]
    pub host_timeout: Option<f64>,
    /// Trust and remember host keys never seen before (a changed key is always refused).
    #[arg(long)]
    pub accept_new: bool,
    /// An ssh_config file instead of ~/.ssh/config (like `ssh -F`).
    #[arg(long, value_name = "FILE")]
    pub ssh_config: Option<PathBuf>,
}
