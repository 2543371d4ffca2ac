//! What each subcommand does, with errors as values and exit codes that mean
//! something: 0 done, 1 divergence found (kept for `check`), 2 error.

mod accept;
mod accepted;
mod app_files;
mod collecting;
mod declared;
mod diff;
mod import;
mod interactive;
mod options;
mod probe;
mod profiles;
mod snapshot;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr};

use crate::cli::{Cli, Command};
use crate::output::sanitize::{one_line, strip_control};

pub const EXIT_OK: u8 = 0;
pub const EXIT_DIVERGENCE: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = crate::config::load(cli.config.as_deref())?;
    match cli.command {
        Some(Command::Snapshot(args)) => snapshot::run(&args, config.as_ref()),
        Some(Command::Diff(args)) => diff::diff(&args, config.as_ref()),
        Some(Command::Check(args)) => diff::check(&args, config.as_ref()),
        Some(Command::Accept(args)) => accept::run(&args, config.as_ref()),
        Some(Command::Profiles) => profiles::run(),
        Some(Command::Probe(args)) => probe::run(&args, config.as_ref()),
        Some(Command::Import(args)) => import::run(&args, config.as_ref()),
        None => interactive::run(&cli.view, config.as_ref()),
    }
}

/// Says `text` on standard error as one line, `paritty: TEXT`, made clean
/// first (`output::sanitize::one_line`). Every line paritty writes there
/// goes through here: the last defence for text from outside (names,
/// servers' messages) on its way to a terminal.
pub fn say(text: impl std::fmt::Display) {
    eprintln!("paritty: {}", one_line(&text.to_string()));
}

/// `say` for a report of several lines (an error with its backtrace):
/// cleaned the same way, line breaks kept.
pub fn say_lines(text: impl std::fmt::Display) {
    eprintln!("paritty: {}", strip_control(&text.to_string()));
}

/// Writes to stdout; a closed pipe (`paritty ... | head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.wrap_err("cannot write to standard output")?),
    }
}

/// `--out -` means standard output, as for most tools.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `text` to an `--out` path (`fsutil::write_out`: atomic for a file,
/// through for a device or FIFO, a symlink followed); says where on stderr.
fn write_out(path: &Path, text: &str) -> Result<(), crate::fsutil::OutError> {
    match crate::fsutil::write_out(path, text.as_bytes())? {
        crate::fsutil::Wrote::File(real) if real != path => {
            say(format_args!("wrote {} ({})", path.display(), real.display()));
        }
        _ => say(format_args!("wrote {}", path.display())),
    }
    Ok(())
}
