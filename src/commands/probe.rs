//! `paritty probe`: the script remote hosts are sent, printed for review.

use std::process::ExitCode;

use color_eyre::eyre::Result;

use super::{EXIT_OK, options, print_stdout};
use crate::cli::ProbeArgs;
use crate::config::Config;
use crate::probe::script;

pub fn run(args: &ProbeArgs, config: Option<&Config>) -> Result<ExitCode> {
    let plan = options::plan(&args.collect, None, config)?;
    let probe = script::build_with_roles(&plan.profile, plan.collect.script_limits(), &plan.roles);
    print_stdout(&probe.text)?;
    Ok(ExitCode::from(EXIT_OK))
}
