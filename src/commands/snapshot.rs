//! `paritty snapshot [TARGET...]`: collect, then print or write one snapshot
//! per target. Failed hosts are reported one line each; the others are
//! still written, and the exit code says something failed.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr, eyre};

use super::collecting::{Collected, Interrupt};
use super::{EXIT_ERROR, EXIT_OK, collecting, is_stdout, options, print_stdout, write_out};
use crate::cli::SnapshotArgs;
use crate::collect::target::Target;
use crate::config::Config;
use crate::export::{SnapshotFormat, render_snapshot};
use crate::model::{HostReport, Snapshot, snapshot_file};

/// Where the snapshots go.
enum Destination {
    Stdout,
    File(PathBuf),
    Folder(PathBuf),
}

pub fn run(args: &SnapshotArgs, config: Option<&Config>) -> Result<ExitCode> {
    if args.targets.iter().any(|t| t == super::declared::DECLARED) {
        return super::declared::snapshot(args, config);
    }
    let targets = collecting::targets(&args.targets, config, &args.remote)?;
    // Checked before collecting, so a bad option or --out costs nothing.
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let targets = collecting::with_containers(targets, &plan, &args.remote);
    let destination = destination(args.out.as_deref(), targets.len())?;
    let format = args.format.unwrap_or_else(|| match destination {
        Destination::Stdout if std::io::stdout().is_terminal() => SnapshotFormat::Text,
        _ => SnapshotFormat::Json,
    });
    if format == SnapshotFormat::Html
        && targets.len() > 1
        && matches!(destination, Destination::Stdout)
    {
        return Err(eyre!("several HTML pages cannot share standard output; use --out DIR"));
    }
    let names: Vec<String> = targets.iter().map(Target::name).collect();
    // A snapshot file's own name without its `.json`, so that `--out DIR`
    // writes `DIR/ana.json` for `team/ana.json`, not `DIR/team_ana.json.json`.
    let file_names: Vec<String> = targets
        .iter()
        .map(|t| match t {
            Target::Snapshot(path) => {
                path.file_stem().map_or_else(|| t.name(), |s| s.to_string_lossy().into_owned())
            }
            _ => t.name(),
        })
        .collect();
    let stems = crate::fsutil::unique_file_stems(file_names.iter().map(String::as_str));
    // One redactor for the whole output: the same host, the same pseudonym,
    // numbered in the order the targets were given.
    let mut redactor = options::redactor(&args.redaction);
    if let Some(redactor) = &mut redactor {
        redactor.announce(names.iter().map(String::as_str));
    }
    let mut run = Run { failed: 0, unwritable: 0, written: Vec::new(), kept: Vec::new() };
    // Each host is dealt with as it finishes: in a folder its file is written
    // at once, so what finished is kept if the run is cut short.
    let outcome = collecting::collect_each(
        &targets,
        &plan,
        |index, raw| {
            // The terminal is the user's own: failures are said as they are.
            if let Some(failure) = &raw.failure {
                run.failed += 1;
                super::say(format_args!("{}: {failure}", raw.target));
            }
            // `reports` learns this host's names (hostname, address) first,
            // so each of them is replaced too.
            let report = match &mut redactor {
                Some(redactor) => redactor.reports(std::slice::from_ref(raw)).pop(),
                None => Some(raw.clone()),
            };
            let Some(snapshot) = report.and_then(|r| r.snapshot) else { return };
            let path = match &destination {
                Destination::Stdout => {
                    run.kept.push((index, snapshot));
                    return;
                }
                Destination::File(path) => path.clone(),
                Destination::Folder(dir) => {
                    dir.join(format!("{}.{}", stems[index], extension(format)))
                }
            };
            // One file that cannot be written does not stop the others.
            match write_out(&path, &render_snapshot(&snapshot, format)) {
                Ok(()) => run.written.push(path),
                Err(e) => {
                    run.unwritable += 1;
                    super::say(format_args!("error: {e}"));
                }
            }
        },
        true,
    );
    if let Collected::Interrupted { signal, reports } = outcome {
        let to_stdout = matches!(destination, Destination::Stdout);
        say_interrupted(signal, &names, &reports, &run, to_stdout);
        return Ok(ExitCode::from(signal.exit_code()));
    }
    run.kept.sort_by_key(|(index, _)| *index);
    print_kept(&run.kept, format)?;
    if run.unwritable > 0 && run.unwritable + run.written.len() > 1 {
        let written = run.written.len();
        super::say(format_args!(
            "{} of {} files could not be written ({written} written)",
            run.unwritable,
            run.unwritable + written
        ));
    }
    let ok = run.failed == 0 && run.unwritable == 0;
    Ok(ExitCode::from(if ok { EXIT_OK } else { EXIT_ERROR }))
}

/// The last line of an interrupted run: which files it wrote, which
/// targets it did not collect.
fn say_interrupted(
    signal: Interrupt,
    names: &[String],
    reports: &[Option<HostReport>],
    run: &Run,
    to_stdout: bool,
) {
    let missing: Vec<&str> =
        names.iter().zip(reports).filter(|(_, r)| r.is_none()).map(|(n, _)| n.as_str()).collect();
    let written = run.written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
    let written = if written.is_empty() { "nothing".to_owned() } else { written.join(", ") };
    let unprinted = if to_stdout && !run.kept.is_empty() {
        " (standard output gets a whole result or none; --out DIR keeps each host)"
    } else {
        ""
    };
    super::say(format_args!(
        "interrupted by {}: wrote {written}{unprinted}; not collected: {}",
        signal.name(),
        missing.join(", ")
    ));
}

/// The snapshots meant for standard output, in the targets' order: one JSON
/// object, a JSON array for several, or the texts one after another.
fn print_kept(kept: &[(usize, Snapshot)], format: SnapshotFormat) -> Result<()> {
    let rendered: Vec<&Snapshot> = kept.iter().map(|(_, s)| s).collect();
    if rendered.is_empty() {
        return Ok(());
    }
    let text = match (format, rendered.as_slice()) {
        (SnapshotFormat::Json, [one]) => snapshot_file::to_json(one),
        (SnapshotFormat::Json, many) => {
            let owned: Vec<_> = many.iter().map(|s| (*s).clone()).collect();
            let mut text = serde_json::to_string_pretty(&owned).unwrap_or_default();
            text.push('\n');
            text
        }
        (_, many) => many.iter().map(|s| render_snapshot(s, format)).collect::<Vec<_>>().join("\n"),
    };
    print_stdout(&text)
}

/// What a run has done so far, host by host.
struct Run {
    /// Targets that failed (or partly failed).
    failed: usize,
    /// Files that could not be written.
    unwritable: usize,
    written: Vec<PathBuf>,
    /// Snapshots for standard output, by target index, printed together.
    kept: Vec<(usize, Snapshot)>,
}

fn destination(out: Option<&Path>, targets: usize) -> Result<Destination> {
    let Some(path) = out.filter(|p| !is_stdout(p)) else { return Ok(Destination::Stdout) };
    let folder = targets > 1 || path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/');
    if !folder {
        return Ok(Destination::File(path.to_owned()));
    }
    if path.exists() && !path.is_dir() {
        return Err(eyre!("--out {} is a file; several targets need a folder", path.display()));
    }
    std::fs::create_dir_all(path).wrap_err_with(|| format!("cannot create {}", path.display()))?;
    Ok(Destination::Folder(path.to_owned()))
}

fn extension(format: SnapshotFormat) -> &'static str {
    match format {
        SnapshotFormat::Json => "json",
        SnapshotFormat::Md => "md",
        SnapshotFormat::Html => "html",
        SnapshotFormat::Text => "txt",
    }
}
