//! What each subcommand does, with errors as values and exit codes that mean
//! something: 0 done, 1 divergence found (kept for `check`), 2 error.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, bail};

use crate::cli::{Cli, CollectArgs, Command, SnapshotArgs};
use crate::collect::{CollectOptions, collect_local};
use crate::export::{SnapshotFormat, render_snapshot};
use crate::profile::{Profile, list_profiles, load_profile, user_profile_dir};

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Snapshot(args)) => snapshot(&args),
        Some(Command::Profiles) => profiles(),
        // Until the TUI lands, no subcommand shows this machine as text.
        None => snapshot(&SnapshotArgs {
            collect: CollectArgs {
                profile: "default".into(),
                timeout: 5.0,
                jobs: 32,
                max_bytes: crate::probe::sanitize::DEFAULT_MAX_BYTES,
            },
            format: Some(SnapshotFormat::Text),
            out: None,
        }),
    }
}

fn snapshot(args: &SnapshotArgs) -> Result<ExitCode> {
    let profile = resolve_profile(&args.collect.profile)?;
    let options = collect_options(&args.collect)?;
    let snapshot = collect_local(&profile, &options);
    let format = args.format.unwrap_or_else(|| {
        if args.out.is_none() && std::io::stdout().is_terminal() {
            SnapshotFormat::Text
        } else {
            SnapshotFormat::Json
        }
    });
    let rendered = render_snapshot(&snapshot, format);
    match &args.out {
        Some(path) => {
            crate::fsutil::write_atomic(path, rendered.as_bytes())
                .wrap_err_with(|| format!("cannot write {}", path.display()))?;
            eprintln!("paritty: wrote {}", path.display());
        }
        None => print_stdout(&rendered)?,
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn profiles() -> Result<ExitCode> {
    let user_dir = user_profile_dir();
    let mut out = String::new();
    for listing in list_profiles(user_dir.as_deref()) {
        match listing.facts {
            Ok(n) => {
                let _ = writeln!(
                    out,
                    "{:<16} {:>3} facts  {}  ({})",
                    listing.name, n, listing.description, listing.origin
                );
            }
            Err(why) => {
                let _ = writeln!(out, "{:<16} invalid: {why}", listing.name);
            }
        }
    }
    if let Some(dir) = user_dir {
        let _ = writeln!(out, "\nYour own profiles go in {}", dir.display());
    }
    print_stdout(&out)?;
    Ok(ExitCode::from(EXIT_OK))
}

fn resolve_profile(spec: &str) -> Result<Profile> {
    Ok(load_profile(spec, user_profile_dir().as_deref())?)
}

fn collect_options(args: &CollectArgs) -> Result<CollectOptions> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds, not {}", args.timeout);
    }
    if args.jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    if args.max_bytes == 0 {
        bail!("--max-bytes must be at least 1");
    }
    Ok(CollectOptions {
        command_timeout: Duration::from_secs_f64(args.timeout),
        max_bytes: args.max_bytes,
        max_parallel: args.jobs,
    })
}

/// Writes to stdout; a closed pipe (`paritty ... | head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.wrap_err("cannot write to standard output")?),
    }
}
