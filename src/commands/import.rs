//! `paritty import FILE`: Ansible's JSON output of a run of `paritty
//! probe`'s script (`collect::ansible`) written as snapshots, one per host,
//! redacted as `snapshot` writes them. Hosts Ansible could not reach, or
//! whose task failed, are one line each and fail the run.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr, eyre};

use super::{EXIT_ERROR, EXIT_OK, is_stdout, options, print_stdout, say, write_out};
use crate::cli::ImportArgs;
use crate::collect::ansible::{self, MAX_ANSIBLE_BYTES};
use crate::config::Config;
use crate::model::snapshot_file;

pub fn run(args: &ImportArgs, config: Option<&Config>) -> Result<ExitCode> {
    let plan = options::plan(&args.collect, None, config)?;
    let bytes = read(&args.file)?;
    let reports = ansible::reports(&bytes, &plan.profile, &plan.roles, plan.collect.max_bytes)
        .map_err(|e| eyre!("{}: {e}", args.file.display()))?;
    if reports.is_empty() {
        return Err(eyre!("{}: Ansible's output names no host", args.file.display()));
    }
    let mut failed = 0;
    for report in &reports {
        if let Some(failure) = &report.failure {
            failed += 1;
            say(format_args!("{}: {failure}", report.target));
        }
    }
    let mut redactor = options::redactor(&args.redaction);
    if let Some(redactor) = &mut redactor {
        redactor.announce(reports.iter().map(|r| r.target.as_str()));
    }
    let shown = match &mut redactor {
        Some(redactor) => redactor.reports(&reports),
        None => reports.clone(),
    };
    let snapshots: Vec<_> = shown.into_iter().filter_map(|r| r.snapshot).collect();
    let mut unwritable = 0;
    if let Some(dir) = args.out.as_deref().filter(|p| !is_stdout(p)) {
        std::fs::create_dir_all(dir)
            .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
        let stems =
            crate::fsutil::unique_file_stems(snapshots.iter().map(|s| s.host.name.as_str()));
        for (snapshot, stem) in snapshots.iter().zip(stems) {
            let path = dir.join(format!("{stem}.json"));
            if let Err(e) = write_out(&path, &snapshot_file::to_json(snapshot)) {
                unwritable += 1;
                say(format_args!("error: {e}"));
            }
        }
    } else {
        let mut text = serde_json::to_string_pretty(&snapshots).unwrap_or_default();
        text.push('\n');
        print_stdout(&text)?;
    }
    Ok(ExitCode::from(if failed + unwritable > 0 { EXIT_ERROR } else { EXIT_OK }))
}

/// The file (or standard input for `-`), at most `MAX_ANSIBLE_BYTES`.
fn read(path: &Path) -> Result<Vec<u8>> {
    if is_stdout(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_ANSIBLE_BYTES + 1)
            .read_to_end(&mut bytes)
            .wrap_err("cannot read standard input")?;
        if bytes.len() as u64 > MAX_ANSIBLE_BYTES {
            return Err(eyre!(
                "standard input is larger than the {} limit",
                crate::fsutil::human_bytes(MAX_ANSIBLE_BYTES)
            ));
        }
        return Ok(bytes);
    }
    crate::fsutil::read_bytes(path, MAX_ANSIBLE_BYTES).map_err(|e| eyre!("{e}"))
}
