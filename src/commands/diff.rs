//! `paritty diff` and `paritty check`: collect (or load) the targets, judge
//! them against a baseline, then show the table or gate on it.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::declared::{DECLARED, declarations, judge, report_problems};
use super::{
    EXIT_DIVERGENCE, EXIT_ERROR, EXIT_OK, collecting, is_stdout, options, print_stdout, write_out,
};
use crate::cli::{Against, CheckArgs, DiffArgs, DiffLayout, FailOn};
use crate::collect::history;
use crate::collect::plan::Plan;
use crate::collect::target::Target;
use crate::compare::accepted::{self, Acceptance};
use crate::compare::constraint::Judgement;
use crate::compare::fleet::{Fleet, groups_of_labels};
use crate::compare::matrix::{Comparison, choose_baseline};
use crate::compare::revision::{self, TimeGap};
use crate::compare::severity::Severity;
use crate::config::Config;
use crate::export;
use crate::export::check::{self, AcceptedDoc, CheckDoc, CheckFormat};
use crate::export::diff;
use crate::export::document::DiffDoc;
use crate::export::fleet::FleetDoc;
use crate::export::redact::Redactor;
use crate::model::HostReport;

pub fn diff(args: &DiffArgs, config: Option<&Config>) -> Result<ExitCode> {
    let hosts: Vec<String> = args.targets.iter().filter(|t| *t != DECLARED).cloned().collect();
    let with_declared = hosts.len() < args.targets.len();
    if with_declared && hosts.is_empty() {
        return Err(eyre!(
            "`declared` is judged against hosts: name one too (`paritty diff declared local`)"
        ));
    }
    if with_declared && args.layout == DiffLayout::Fleet {
        return Err(eyre!("the fleet layout does not show `declared` yet: use --layout table"));
    }
    let targets = collecting::targets(&hosts, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let targets = collecting::with_containers(targets, &plan, &args.remote);
    let reports = collecting::collect(&targets, &plan);
    let comparison = compare(&reports, args.baseline.as_deref(), config, None)?;
    let mut judged = if with_declared {
        let declared = declarations(&args.collect, &args.remote, config, &plan)?;
        Some(judge(declared, &comparison))
    } else {
        None
    };
    let mut time_gap = time_gap(&comparison, &plan);
    let to_terminal = args.out.as_deref().is_none_or(is_stdout) && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Judged on what was collected; redacted only in what is written.
    let (shown_reports, shown, redacted) = match options::redactor(&args.redaction) {
        Some(mut redactor) => {
            let shown_reports = redactor.reports(&reports);
            let shown = redactor.comparison(&comparison);
            // Judged as written; what teammates wrote is redacted like values.
            for item in judged.iter_mut().flat_map(|j| &mut j.declarations.items) {
                item.constraint = redactor.text(&item.constraint);
            }
            // A branch name is the developer's text too.
            if let Some(branch) = time_gap.as_mut().and_then(|g| g.head.branch.as_mut()) {
                *branch = redactor.text(branch);
            }
            (shown_reports, shown, Some(redactor.summary()))
        }
        None => (reports.clone(), comparison.clone(), None),
    };
    let doc = DiffDoc {
        comparison: &shown,
        reports: &shown_reports,
        only_diff: args.only_diff,
        redacted: redacted.as_deref(),
        declared: judged.as_ref(),
        time_gap: time_gap.as_ref(),
    };
    let text = match args.layout {
        DiffLayout::Table => diff::render(&doc, args.format, color),
        DiffLayout::Fleet => {
            // Counted on what was collected; named from what is shown.
            let fleet = Fleet::build(&comparison, &fleet_groups(&shown_reports, &targets));
            export::fleet::render(&FleetDoc { doc, fleet: &fleet }, args.format, color)
        }
    };
    match &args.out {
        Some(path) if !is_stdout(path) => write_out(path, &text)?,
        _ => print_stdout(&text)?,
    }
    // The hosts that worked are shown; one that failed still fails the run,
    // and so does a declaration file that could not be used. The terminal
    // is the user's own (as for snapshot): failures as they are.
    let failed =
        report_failures(&reports, None) + judged.as_ref().map_or(0, |j| report_problems(j, None));
    Ok(ExitCode::from(if failed > 0 { EXIT_ERROR } else { EXIT_OK }))
}

/// How far each host's `app.revision` is from HEAD of the repository in
/// the app folder (`--app-dir`, default here), when there is one.
pub fn time_gap(comparison: &Comparison, plan: &Plan) -> Option<TimeGap> {
    let revisions = revision::revisions(comparison);
    if revisions.iter().all(Option::is_none) {
        return None;
    }
    let path = std::env::var_os("PATH");
    history::read(
        &plan.app_dir,
        &revisions,
        comparison.baseline,
        plan.collect.command_timeout,
        path.as_deref(),
    )
}

pub fn check(args: &CheckArgs, config: Option<&Config>) -> Result<ExitCode> {
    if args.against == Some(Against::Declared) {
        return check_declared(args, config);
    }
    if args.targets.iter().any(|t| t == DECLARED) {
        return Err(eyre!(
            "to gate on what the app declares, use `check --against declared HOST...`"
        ));
    }
    // The accepted drift, read first: a file that cannot be used is an
    // error before anything is collected (its message redacted: it may
    // quote the file).
    let accepted = super::accepted::load(&args.file).map_err(|e| {
        let text = format!("{e:#}");
        eyre!(options::redactor(&args.redaction).map_or(text.clone(), |mut r| r.text(&text)))
    })?;
    let targets = collecting::targets(&args.targets, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let targets = collecting::with_containers(targets, &plan, &args.remote);
    let reports = collecting::collect(&targets, &plan);
    // Judged on what was collected; printed redacted, since CI keeps logs.
    // The redactor learns the hosts' names first, so even a failed
    // baseline's message is said with their pseudonyms.
    let mut redactor = options::redactor(&args.redaction);
    if let Some(redactor) = &mut redactor {
        redactor.reports(&reports);
    }
    let comparison = compare(&reports, args.baseline.as_deref(), config, redactor.as_mut())?;
    let threshold = match args.fail_on {
        FailOn::Any | FailOn::Packaging => Severity::Packaging,
        FailOn::Patch => Severity::Patch,
        FailOn::Minor => Severity::Minor,
        FailOn::Major => Severity::Major,
    };
    let shown = match &mut redactor {
        Some(redactor) => redactor.comparison(&comparison),
        None => comparison.clone(),
    };
    let failed = report_failures(&reports, redactor.as_mut());
    // Acceptances judged on the values collected, shown redacted.
    let judged_accepted = accepted
        .as_ref()
        .map(|(_, entries)| accepted::judge(&comparison, entries, &super::accepted::today()));
    let shown_entries: Vec<Acceptance> = accepted.as_ref().map_or_else(Vec::new, |(_, entries)| {
        entries.iter().map(|e| redact_acceptance(e, redactor.as_mut())).collect()
    });
    let file = accepted.as_ref().map(|(path, _)| path.display().to_string()).unwrap_or_default();
    let note = redactor.as_ref().filter(|r| r.redacted_any()).map(Redactor::summary);
    let doc = CheckDoc {
        judged: &comparison,
        shown: &shown,
        threshold,
        redacted: note.as_deref(),
        accepted: judged_accepted.as_ref().map(|judged| AcceptedDoc {
            judged,
            entries: &shown_entries,
            file: &file,
        }),
    };
    print_stdout(&check::render(&doc, args.format))?;
    Ok(ExitCode::from(if failed > 0 {
        EXIT_ERROR
    } else if doc.diverged() {
        EXIT_DIVERGENCE
    } else {
        EXIT_OK
    }))
}

/// `check --against declared`: every host judged against the app's
/// declarations; exit 1 on a violation, 2 when a host or a declaration
/// file could not be used. Printed redacted, as `check` is (CI keeps logs).
fn check_declared(args: &CheckArgs, config: Option<&Config>) -> Result<ExitCode> {
    if args.format != CheckFormat::Text {
        return Err(eyre!(
            "check --against declared prints text only; --format is for the check against a baseline"
        ));
    }
    // `declared` named as a target too means the same thing.
    let hosts: Vec<String> = args.targets.iter().filter(|t| *t != DECLARED).cloned().collect();
    if hosts.is_empty() {
        return Err(eyre!("--against declared needs a host to judge (`local`, a snapshot, ...)"));
    }
    let targets = collecting::targets(&hosts, config, &args.remote)?;
    let plan = options::plan(&args.collect, Some(&args.remote), config)?;
    let targets = collecting::with_containers(targets, &plan, &args.remote);
    let reports = collecting::collect(&targets, &plan);
    // No host is the reference here; the first that answered heads the table.
    let first = reports.iter().position(|r| r.snapshot.is_some()).unwrap_or(0);
    let policy = config.map(|c| c.compare.clone()).unwrap_or_default();
    let comparison = Comparison::build(&reports, first, &policy);
    let judged = judge(declarations(&args.collect, &args.remote, config, &plan)?, &comparison);
    let mut redactor = options::redactor(&args.redaction);
    let shown = match &mut redactor {
        Some(redactor) => {
            redactor.reports(&reports);
            redactor.comparison(&comparison)
        }
        None => comparison.clone(),
    };
    let mut text = |t: &str| redactor.as_mut().map_or_else(|| t.to_owned(), |r| r.text(t));
    let mut out = String::new();
    for fact in &judged.facts {
        for (c, verdict) in fact.cells.iter().enumerate() {
            let (Judgement::Violates, Some(against)) = (verdict.judgement, verdict.against) else {
                continue;
            };
            let d = judged.declaration(against);
            let value = shown
                .rows
                .iter()
                .find(|r| r.id == fact.fact)
                .and_then(|r| r.cells.get(c))
                .map(|cell| crate::compare::wording::cell_text(cell, false))
                .unwrap_or_default();
            let _ = write!(
                out,
                "violates: {} {} {value} (declared {} at {})",
                shown.columns[c].name,
                fact.fact,
                text(&d.constraint),
                d.source()
            );
            match judged.service_difference(&fact.fact, c) {
                Some(words) => {
                    let _ = writeln!(out, ": {words}");
                }
                None => out.push('\n'),
            }
        }
    }
    let violated = !out.is_empty();
    for line in judged.disagreement_lines() {
        let _ = writeln!(out, "{}", text(&line));
    }
    let summary = text(&judged.summary(&shown));
    let failed =
        report_failures(&reports, redactor.as_mut()) + report_problems(&judged, redactor.as_mut());
    // The summary stays the last line, as in `check` (scripts read it).
    if let Some(redactor) = redactor.as_ref().filter(|r| r.redacted_any()) {
        out.push_str(&redactor.summary());
        out.push('\n');
    }
    let _ = writeln!(out, "{summary}");
    print_stdout(&out)?;
    Ok(ExitCode::from(if failed > 0 {
        EXIT_ERROR
    } else if violated {
        EXIT_DIVERGENCE
    } else {
        EXIT_OK
    }))
}

/// Each host's groups for the fleet layout: its snapshot's `groups`
/// label, else its target's (a host that failed still has its inventory
/// groups), else its environment.
fn fleet_groups(reports: &[HostReport], targets: &[Target]) -> Vec<Vec<String>> {
    let labels = reports.iter().zip(targets).map(|(report, target)| {
        let of_target = match target {
            Target::Ssh(t) => Some(&t.labels),
            Target::Container(t) => Some(&t.labels),
            Target::Pod(t) => Some(&t.labels),
            Target::Exec(t) => Some(&t.labels),
            _ => None,
        };
        let of_snapshot = report.snapshot.as_ref().map(|s| &s.host.labels);
        of_snapshot
            .and_then(|l| l.get("groups"))
            .or_else(|| of_target.and_then(|l| l.get("groups")))
            .or_else(|| of_snapshot.and_then(|l| l.get("environment")))
            .or_else(|| of_target.and_then(|l| l.get("environment")))
            .map(String::as_str)
    });
    groups_of_labels(labels)
}

pub(super) fn compare(
    reports: &[HostReport],
    requested: Option<&str>,
    config: Option<&Config>,
    redactor: Option<&mut Redactor>,
) -> Result<Comparison> {
    let mut baseline = choose_baseline(reports, requested)?;
    // A baseline chosen by default that could not be collected gives way
    // to the first target that was: the others are still compared, and the
    // failure is reported with them. A baseline asked for stays an error.
    if requested.is_none()
        && reports[baseline].snapshot.is_none()
        && let Some(first) = reports.iter().position(|r| r.snapshot.is_some())
    {
        baseline = first;
    }
    if reports[baseline].snapshot.is_none() {
        let why = reports[baseline].failure.as_ref().map_or_else(String::new, ToString::to_string);
        let text =
            format!("the baseline {} could not be collected: {why}", reports[baseline].target);
        return Err(eyre!(redactor.map_or(text.clone(), |r| r.text(&text))));
    }
    let policy = config.map(|c| c.compare.clone()).unwrap_or_default();
    Ok(Comparison::build(reports, baseline, &policy))
}

/// An acceptance as a check shows it: its text from the file redacted
/// like the rest of the output.
fn redact_acceptance(e: &Acceptance, redactor: Option<&mut Redactor>) -> Acceptance {
    let Some(r) = redactor else { return e.clone() };
    Acceptance {
        baseline_value: e.baseline_value.as_deref().map(|v| r.text(v)),
        value: e.value.as_deref().map(|v| r.text(v)),
        reason: r.text(&e.reason),
        by: r.text(&e.by),
        ..e.clone()
    }
}

/// One line per failed target on stderr, redacted by `redactor` if given;
/// how many there were.
pub(super) fn report_failures(
    reports: &[HostReport],
    mut redactor: Option<&mut Redactor>,
) -> usize {
    let mut failed = 0;
    for report in reports {
        if let Some(failure) = &report.failure {
            failed += 1;
            let line = format!("{}: {failure}", report.target);
            let line = match redactor.as_deref_mut() {
                Some(redactor) => redactor.text(&line),
                None => line,
            };
            super::say(line);
        }
    }
    failed
}
