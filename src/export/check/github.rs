//! The check as GitHub Actions workflow commands: each failing divergence an
//! `::error` annotation, each host not collected one too; accepted
//! divergences, stale acceptances, the redaction note and the summary as
//! `::notice`. Every line is a command of ours with its
//! text escaped as the runner unescapes it (`%`, CR and LF in the message;
//! also `:` and `,` in properties), so no name or value from outside can
//! end a command early or start one of its own.

use std::fmt::Write as _;

use super::CheckDoc;

pub fn render(doc: &CheckDoc<'_>) -> String {
    let base = doc.baseline();
    let mut out = String::new();
    for (host, cases) in doc.hosts() {
        for case in cases.iter().filter(|c| c.failing) {
            let title = format!("paritty: {host} {} ({})", case.fact, case.severity.as_str());
            command(&mut out, "error", &title, &case.message(base));
        }
        for case in cases.iter().filter(|c| c.covered()) {
            let title = format!("paritty: {host} {} accepted", case.fact);
            let who = case.accepted.map(|a| a.entry.who_why()).unwrap_or_default();
            command(&mut out, "notice", &title, &format!("{}; accepted {who}", case.message(base)));
        }
    }
    let file = doc.accepted.as_ref().map_or("", |a| a.file);
    for stale in doc.stale() {
        let title = format!("paritty: stale acceptance of {} {}", stale.host, stale.fact);
        let message = format!(
            "{file}:{} is no longer needed: {} matches the baseline ({})",
            stale.entry.line,
            stale.host,
            stale.entry.who_why()
        );
        command(&mut out, "notice", &title, &message);
    }
    for host in doc.uncollected() {
        let title = format!("paritty: {} not collected", host.host);
        let message = host.failure.map_or_else(
            || "no snapshot".to_owned(),
            |f| format!("{}: {}", f.reason.as_str(), f.message()),
        );
        command(&mut out, "error", &title, &message);
    }
    for host in doc.partial() {
        let title = format!("paritty: {} partly collected", host.host);
        let message = format!("{}: {}", host.failure.reason.as_str(), host.failure.message());
        command(&mut out, "error", &title, &message);
    }
    if let Some(note) = doc.redacted {
        command(&mut out, "notice", "paritty check", note);
    }
    command(&mut out, "notice", "paritty check", &doc.summary());
    out
}

fn command(out: &mut String, name: &str, title: &str, message: &str) {
    let _ = writeln!(out, "::{name} title={}::{}", property(title), data(message));
}

/// A command's message, escaped as the runner's `escapeData`.
pub fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value, escaped as the runner's `escapeProperty`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
