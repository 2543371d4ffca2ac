//! `paritty profiles`: every profile paritty can find, with its fact count.

use std::fmt::Write as _;
use std::process::ExitCode;

use color_eyre::eyre::Result;

use super::{EXIT_OK, print_stdout};
use crate::profile::{list_profiles, user_profile_dir};

pub fn run() -> Result<ExitCode> {
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
