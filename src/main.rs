//! Entry point: install the error hooks, parse the command line, dispatch.

use std::process::ExitCode;

use paritty::cli::Cli;
use paritty::commands::{self, EXIT_ERROR};

fn main() -> ExitCode {
    // Panics and unexpected errors get color-eyre's report; expected errors
    // are printed below as one line.
    if let Err(e) = color_eyre::install() {
        commands::say(format_args!("warning: cannot install error reporting: {e}"));
    }
    let cli = Cli::parse_checked();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| !v.is_empty() && v != "0") {
                commands::say_lines(format_args!("error: {e:?}"));
            } else {
                commands::say(format_args!("error: {e:#}"));
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}
