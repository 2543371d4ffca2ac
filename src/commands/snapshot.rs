//! `paritty snapshot`: collect this machine, then print or write its snapshot.

use std::io::IsTerminal;
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr, eyre};

use super::{EXIT_OK, options, print_stdout};
use crate::cli::SnapshotArgs;
use crate::collect::collect_local;
use crate::config::Config;
use crate::export::{SnapshotFormat, render_snapshot};

pub fn run(args: &SnapshotArgs, config: Option<&Config>) -> Result<ExitCode> {
    let profile = options::profile(&args.collect, config)?;
    let collect = options::collect(&args.collect, config)?;
    if args.targets.iter().any(|t| t != "local") {
        return Err(eyre!("remote targets are not wired in yet"));
    }
    let snapshot = collect_local(&profile, &collect);
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
