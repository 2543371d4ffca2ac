//! `paritty diff` and `paritty check`: collect (or load) the targets, judge
//! them against a baseline, then show the table or gate on it.

use std::io::IsTerminal;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::{
    EXIT_DIVERGENCE, EXIT_ERROR, EXIT_OK, collecting, is_stdout, options, print_stdout, write_out,
};
use crate::cli::{CheckArgs, DiffArgs, FailOn};
use crate::compare::matrix::{Comparison, choose_baseline};
use crate::compare::severity::Severity;
use crate::config::Config;
use crate::export::check::{self, CheckDoc};
use crate::export::diff;
use crate::export::document::DiffDoc;
use crate::export::redact::Redactor;
use crate::model::HostReport;

pub fn diff(args: &DiffArgs, config: Option<&Config>) -> Result<ExitCode> {
    let targets = collecting::targets(&args.targets, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let reports = collecting::collect(&targets, &plan);
    let comparison = compare(&reports, args.baseline.as_deref(), config)?;
    let to_terminal = args.out.as_deref().is_none_or(is_stdout) && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Judged on what was collected; redacted only in what is written.
    let (shown_reports, shown, redacted) = match options::redactor(&args.redaction) {
        Some(mut redactor) => {
            let shown_reports = redactor.reports(&reports);
            let shown = redactor.comparison(&comparison);
            (shown_reports, shown, Some(redactor.summary()))
        }
        None => (reports.clone(), comparison.clone(), None),
    };
    let doc = DiffDoc {
        comparison: &shown,
        reports: &shown_reports,
        only_diff: args.only_diff,
        redacted: redacted.as_deref(),
    };
    let text = diff::render(&doc, args.format, color);
    match &args.out {
        Some(path) if !is_stdout(path) => write_out(path, &text)?,
        _ => print_stdout(&text)?,
    }
    // The hosts that worked are shown; one that failed still fails the run.
    let failed = report_failures(&reports);
    Ok(ExitCode::from(if failed > 0 { EXIT_ERROR } else { EXIT_OK }))
}

pub fn check(args: &CheckArgs, config: Option<&Config>) -> Result<ExitCode> {
    let targets = collecting::targets(&args.targets, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let reports = collecting::collect(&targets, &plan);
    let comparison = compare(&reports, args.baseline.as_deref(), config)?;
    let threshold = match args.fail_on {
        FailOn::Any | FailOn::Packaging => Severity::Packaging,
        FailOn::Patch => Severity::Patch,
        FailOn::Minor => Severity::Minor,
        FailOn::Major => Severity::Major,
    };
    // Judged on what was collected; printed redacted, since CI keeps logs.
    let mut redactor = options::redactor(&args.redaction);
    let shown = match &mut redactor {
        Some(redactor) => {
            redactor.reports(&reports);
            redactor.comparison(&comparison)
        }
        None => comparison.clone(),
    };
    let failed = report_failures_redacted(&reports, redactor.as_mut());
    let note = redactor.as_ref().filter(|r| r.redacted_any()).map(Redactor::summary);
    let doc = CheckDoc { judged: &comparison, shown: &shown, threshold, redacted: note.as_deref() };
    print_stdout(&check::render(&doc, args.format))?;
    Ok(ExitCode::from(if failed > 0 {
        EXIT_ERROR
    } else if doc.diverged() {
        EXIT_DIVERGENCE
    } else {
        EXIT_OK
    }))
}

fn compare(
    reports: &[HostReport],
    baseline: Option<&str>,
    config: Option<&Config>,
) -> Result<Comparison> {
    let baseline = choose_baseline(reports, baseline)?;
    if reports[baseline].snapshot.is_none() {
        let why = reports[baseline].failure.as_ref().map_or_else(String::new, ToString::to_string);
        return Err(eyre!(
            "the baseline {} could not be collected: {why}",
            reports[baseline].target
        ));
    }
    let policy = config.map(|c| c.compare.clone()).unwrap_or_default();
    Ok(Comparison::build(reports, baseline, &policy))
}

/// One line per failed target on stderr; how many there were.
fn report_failures(reports: &[HostReport]) -> usize {
    let mut failed = 0;
    for report in reports {
        if let Some(failure) = &report.failure {
            failed += 1;
            super::say(format_args!("{}: {failure}", report.target));
        }
    }
    failed
}

/// `report_failures` for `check`, whose output goes to CI logs: each line
/// redacted as the rest of its output.
fn report_failures_redacted(reports: &[HostReport], redactor: Option<&mut Redactor>) -> usize {
    let Some(redactor) = redactor else { return report_failures(reports) };
    let mut failed = 0;
    for report in reports {
        if let Some(failure) = &report.failure {
            failed += 1;
            super::say(redactor.text(&format!("{}: {failure}", report.target)));
        }
    }
    failed
}
