//! `paritty probe`: the script remote hosts are sent, printed for review,
//! for Ansible's `script` module (a file of it runs as a program), or as
//! one command line for its `raw` module.

use std::process::ExitCode;

use base64::Engine as _;
use color_eyre::eyre::{Result, eyre};

use super::{EXIT_OK, options, print_stdout};
use crate::cli::ProbeArgs;
use crate::config::Config;
use crate::probe::script;

/// The longest `--raw` line: one argument to the host's `sh -c`, which
/// Linux caps at 128 KiB (MAX_ARG_STRLEN).
const MAX_RAW_LINE: usize = 120 * 1024;

pub fn run(args: &ProbeArgs, config: Option<&Config>) -> Result<ExitCode> {
    let plan = options::plan(&args.collect, None, config)?;
    let mut probe =
        script::build_with_roles(&plan.profile, plan.collect.script_limits(), &plan.roles);
    if let Some(dir) = &args.host_app_dir {
        if let Some(problem) = crate::config::app_dir_problem(dir, "--host-app-dir") {
            return Err(eyre!("{problem}"));
        }
        probe = probe.in_app(Some(dir));
    }
    if !args.raw {
        print_stdout(&probe.text)?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    // Base64 holds no quote, space, `=` before its end or `{`: nothing
    // Ansible's argument splitting or templating reads into.
    let encoded = base64::engine::general_purpose::STANDARD.encode(probe.text.as_bytes());
    let line = format!("printf '%s' {encoded} | base64 -d | /bin/sh -s\n");
    if line.len() > MAX_RAW_LINE {
        return Err(eyre!(
            "the probe of profile {} is {} bytes as one command line, more than a host's shell takes \
             ({MAX_RAW_LINE}); use Ansible's script module with `paritty probe > probe.sh`",
            plan.profile.name,
            line.len()
        ));
    }
    print_stdout(&line)?;
    Ok(ExitCode::from(EXIT_OK))
}
