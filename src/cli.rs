//! The command line: subcommands and their options (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::SnapshotFormat;
use crate::export::check::CheckFormat;
use crate::export::diff::DiffFormat;

/// paritty makes the dev/prod parity gap visible: OS, runtime, tool and
/// backing-service versions, collected and compared.
#[derive(Debug, Parser)]
#[command(name = "paritty", version, propagate_version = true, about, long_about = None)]
pub struct Cli {
    /// Settings and host inventory [default: ./paritty.toml, else ~/.config/paritty/paritty.toml].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: open the interactive view on these targets
    /// [default: this machine and the inventory's hosts, else examples].
    #[command(flatten)]
    pub view: ViewArgs,
}

impl Cli {
    /// The command line, parsed; exits with a usage error (2) when an
    /// option of the interactive view's is given before a subcommand,
    /// where it would be read as the view's and quietly do nothing
    /// (`paritty --host-timeout 5 snapshot HOST`).
    pub fn parse_checked() -> Cli {
        use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
        let mut command = Cli::command();
        let matches = command.get_matches_mut();
        if let Some((name, _)) = matches.subcommand() {
            let misplaced = command.get_arguments().find(|arg| {
                !arg.is_global_set()
                    && matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(arg) = misplaced {
                let spelled = arg.get_long().map_or_else(
                    || format!("<{}>", arg.get_id().as_str().to_ascii_uppercase()),
                    |long| format!("--{long}"),
                );
                command
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!(
                            "{spelled} before `{name}` is the interactive view's; put it after the subcommand: paritty {name} {spelled} ..."
                        ),
                    )
                    .exit();
            }
        }
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// The interactive view's own options.
#[derive(Debug, Args, Default)]
pub struct ViewArgs {
    /// Hosts or snapshot files/folders to show side by side (see `snapshot`).
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    /// The host the others are compared with [default: the one labelled prod, then staging, else the first].
    #[arg(long, value_name = "TARGET")]
    pub baseline: Option<String>,
    /// Accepted divergences are marked ◇ (read when it exists).
    #[command(flatten)]
    pub file: AcceptedArgs,
    #[command(flatten)]
    pub collect: CollectArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect machines' facts and print or save their snapshots.
    Snapshot(Box<SnapshotArgs>),
    /// Compare targets side by side: every fact, its value on each host, and
    /// how far it is from the baseline's.
    Diff(Box<DiffArgs>),
    /// The CI parity gate: exit 1 when a divergence reaches --fail-on
    /// (and is not accepted in paritty-accepted.toml).
    Check(Box<CheckArgs>),
    /// Accept today's divergences: record them in paritty-accepted.toml, so
    /// `check` fails only on what is new, worse or expired.
    Accept(Box<AcceptArgs>),
    /// List the profiles paritty can use, with their fact counts.
    Profiles,
    /// Print the `sh` script sent to remote hosts, to review what paritty
    /// runs there (read-only commands; the boundary differs per run), or
    /// to run it through Ansible (`-m script`, `-m raw`).
    Probe(ProbeArgs),
    /// Turn Ansible's JSON output of a run of `paritty probe`'s script
    /// (ANSIBLE_STDOUT_CALLBACK=json) into snapshots, one per host.
    Import(Box<ImportArgs>),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Ansible's output: the `json` callback's document (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write one NAME.json per host into this folder (names from Ansible's
    /// inventory names) instead of printing a JSON array.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub redaction: RedactArgs,
    /// The --profile (and --max-bytes) `paritty probe` was printed with.
    #[command(flatten)]
    pub collect: CollectArgs,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Print one command line instead, for `ansible -m raw -a "$(...)"`:
    /// the script base64-encoded, decoded and run by `sh` on the host.
    #[arg(long)]
    pub raw: bool,
    /// The app's folder on the hosts that will run the probe (absolute):
    /// its `.env` files, dependency files and app sources are read there,
    /// and its commands run there, as for a `[[host]]`'s `app_dir`.
    #[arg(long, value_name = "DIR")]
    pub host_app_dir: Option<String>,
    #[command(flatten)]
    pub collect: CollectArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Hosts or snapshot files/folders to compare (see `snapshot`), and
    /// `declared`: what the app folder's files declare, as a column.
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,
    /// The target others are compared with [default: the one labelled prod, then staging, else the first].
    #[arg(long, value_name = "TARGET")]
    pub baseline: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// table: a column per host; fleet: each fact's values with how many
    /// hosts hold each and which (for many hosts).
    #[arg(long, value_enum, default_value = "table")]
    pub layout: DiffLayout,
    /// Only the facts where some host diverges.
    #[arg(long)]
    pub only_diff: bool,
    /// Write to this file (atomically; a symlink is followed, a device or
    /// FIFO written through, `-` is standard output) instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub redaction: RedactArgs,
    #[command(flatten)]
    pub collect: CollectArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Hosts or snapshot files/folders to check against the baseline.
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,
    /// The target others must match [default: the one labelled prod, then staging, else the first].
    #[arg(long, value_name = "TARGET")]
    pub baseline: Option<String>,
    /// The lowest divergence that fails the check.
    #[arg(long, value_enum, default_value = "any")]
    pub fail_on: FailOn,
    /// Gate on what the app declares instead of a baseline host: exit 1
    /// when a host violates a declaration.
    #[arg(long, value_enum, value_name = "WHAT", conflicts_with_all = ["baseline", "fail_on"])]
    pub against: Option<Against>,
    /// text (a line per divergence), json, junit (XML: a suite per host, a
    /// case per fact) or github (workflow commands: annotations).
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// What is printed is redacted as exports are: it ends up in CI logs.
    #[command(flatten)]
    pub redaction: RedactArgs,
    /// Divergences accepted there do not fail the check (read when it exists).
    #[command(flatten)]
    pub file: AcceptedArgs,
    #[command(flatten)]
    pub collect: CollectArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// Hosts or snapshot files/folders whose divergences from the baseline are accepted.
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,
    /// The target others are compared with [default: the one labelled prod, then staging, else the first].
    #[arg(long, value_name = "TARGET")]
    pub baseline: Option<String>,
    /// Why (replaces the reason of divergences already accepted; they keep theirs without it).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The last day the acceptances hold, YYYY-MM-DD (UTC); check fails on them after it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<String>,
    /// Who accepts [default: git config user.name, else $USER].
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    #[command(flatten)]
    pub file: AcceptedArgs,
    #[command(flatten)]
    pub collect: CollectArgs,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// How `diff` lays a comparison out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffLayout {
    /// A column per host, the baseline first.
    Table,
    /// Each fact's distinct values with their host counts, most common
    /// first, outliers marked, the hosts of each value listed.
    Fleet,
}

/// Where the accepted drift is kept.
#[derive(Debug, Args, Default, Clone)]
pub struct AcceptedArgs {
    /// The accepted-drift file [default: ./paritty-accepted.toml].
    #[arg(long, value_name = "PATH")]
    pub accepted: Option<PathBuf>,
}

/// What `check --against` gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Against {
    /// The versions the app folder's files declare (`.nvmrc`, `engines`,
    /// `.python-version`, Dockerfile `FROM`, ...).
    Declared,
}

/// Thresholds for `check --fail-on`, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any counted divergence, a distro revision included.
    Any,
    Packaging,
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// What to collect: `local`, an inventory host, `@GROUP` of an Ansible
    /// inventory, an ssh_config alias, user@host[:port], podman:NAME,
    /// docker:NAME or image:REF. Several are collected at once [default: local].
    /// `declared` alone lists what the app folder's files declare.
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
    /// per target (several targets, or an existing folder). Atomic; a
    /// symlink is followed, a device or FIFO written through, `-` is
    /// standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub redaction: RedactArgs,
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
    /// The app's folder on this machine: what it declares (the `declared`
    /// target), its configuration and revision [default: the current folder].
    #[arg(long, value_name = "DIR")]
    pub app_dir: Option<PathBuf>,
    /// Judge by what HOST's app folder declares (its `app_dir` in
    /// paritty.toml), read there, instead of this machine's app folder.
    #[arg(long, value_name = "HOST")]
    pub declared_from: Option<String>,
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
    /// An Ansible inventory (INI, YAML, or `ansible-inventory --list` JSON);
    /// repeatable. `@GROUP` then names a group's hosts, and its host names
    /// are targets.
    #[arg(long, value_name = "FILE")]
    pub inventory: Vec<PathBuf>,
    /// The container engine for image: targets [default: docker if installed, else podman].
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub engine: Option<EngineArg>,
    /// Also every running container of the hosts named (`local` and SSH
    /// hosts; `docker ps`/`podman ps` there), each as `NAME@HOST`.
    #[arg(long)]
    pub containers: bool,
}

/// A container engine on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    Docker,
    Podman,
}

/// How exports are redacted (on by default: see README, "Redaction").
#[derive(Debug, Args, Default, Clone)]
pub struct RedactArgs {
    /// Also replace host names and IP addresses with stable pseudonyms.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub redact: Vec<RedactMore>,
    /// Write values as collected: secrets, URL credentials and home folders included.
    #[arg(long, conflicts_with = "redact")]
    pub no_redact: bool,
}

/// What `--redact` can add to the default redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RedactMore {
    Hosts,
}
