//! `paritty snapshot [TARGET...]`: collect, then print or write one snapshot
//! per target. Failed hosts are reported one line each; the others are
//! still written, and the exit code says something failed.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr, eyre};

use super::{EXIT_ERROR, EXIT_OK, collecting, options, print_stdout};
use crate::cli::SnapshotArgs;
use crate::collect::target::Target;
use crate::config::Config;
use crate::export::{SnapshotFormat, render_snapshot};
use crate::model::snapshot_file;

/// Where the snapshots go.
enum Destination {
    Stdout,
    File(PathBuf),
    Folder(PathBuf),
}

pub fn run(args: &SnapshotArgs, config: Option<&Config>) -> Result<ExitCode> {
    let targets = collecting::targets(&args.targets, config)?;
    // Checked before collecting, so a bad option or --out costs nothing.
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let destination = destination(args.out.as_deref(), targets.len())?;
    let format = args.format.unwrap_or_else(|| match destination {
        Destination::Stdout if std::io::stdout().is_terminal() => SnapshotFormat::Text,
        _ => SnapshotFormat::Json,
    });
    if format == SnapshotFormat::Html && targets.len() > 1 && args.out.is_none() {
        return Err(eyre!("several HTML pages cannot share standard output; use --out DIR"));
    }
    let names: Vec<String> = targets.iter().map(Target::name).collect();
    let collected = collecting::collect(&targets, &plan);
    // One redactor for the whole output: the same host, the same pseudonym.
    let reports = match options::redactor(&args.redaction) {
        Some(mut redactor) => redactor.reports(&collected),
        None => collected.clone(),
    };

    let mut failed = 0;
    let mut written = Vec::new();
    let mut rendered = Vec::new();
    for ((report, name), raw) in reports.iter().zip(folder_names(&names)).zip(&collected) {
        // The terminal is the user's own: failures are said as they are.
        if let Some(failure) = &raw.failure {
            failed += 1;
            super::say(format_args!("{}: {failure}", raw.target));
        }
        let Some(snapshot) = &report.snapshot else { continue };
        match &destination {
            Destination::Stdout => rendered.push(snapshot),
            Destination::File(path) => {
                write(path, &render_snapshot(snapshot, format))?;
                written.push(path.clone());
            }
            Destination::Folder(dir) => {
                let path = dir.join(format!("{name}.{}", extension(format)));
                write(&path, &render_snapshot(snapshot, format))?;
                written.push(path);
            }
        }
    }
    if !rendered.is_empty() {
        let text = match (format, rendered.as_slice()) {
            (SnapshotFormat::Json, [one]) => snapshot_file::to_json(one),
            (SnapshotFormat::Json, many) => {
                let owned: Vec<_> = many.iter().map(|s| (*s).clone()).collect();
                let mut text = serde_json::to_string_pretty(&owned).unwrap_or_default();
                text.push('\n');
                text
            }
            (_, many) => {
                many.iter().map(|s| render_snapshot(s, format)).collect::<Vec<_>>().join("\n")
            }
        };
        print_stdout(&text)?;
    }
    for path in &written {
        super::say(format_args!("wrote {}", path.display()));
    }
    Ok(ExitCode::from(if failed > 0 { EXIT_ERROR } else { EXIT_OK }))
}

fn destination(out: Option<&Path>, targets: usize) -> Result<Destination> {
    let Some(path) = out else { return Ok(Destination::Stdout) };
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

/// File names from target names: safe characters only, and distinct.
fn folder_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let base: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
            .collect();
        let base = base.trim_start_matches('.').to_owned();
        let mut candidate = if base.is_empty() { "host".to_owned() } else { base.clone() };
        let mut n = 2;
        while out.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

fn extension(format: SnapshotFormat) -> &'static str {
    match format {
        SnapshotFormat::Json => "json",
        SnapshotFormat::Md => "md",
        SnapshotFormat::Html => "html",
        SnapshotFormat::Text => "txt",
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    crate::fsutil::write_atomic(path, text.as_bytes())
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}
