//! The check as JUnit XML, the report format CI systems (GitLab, Jenkins,
//! GitHub test reporters) read: one `<testsuite>` per host, one
//! `<testcase>` per fact, a `<failure>` where the fact diverges past the
//! threshold (message: the divergence with both values); a host that could
//! not be collected is a suite with one `<error>`.

use std::fmt::Write as _;

use super::CheckDoc;

pub fn render(doc: &CheckDoc<'_>) -> String {
    let base = doc.baseline();
    let hosts = doc.hosts();
    let uncollected = doc.uncollected();
    let broken = uncollected.len() + doc.partial().len();
    let tests: usize = hosts.iter().map(|(_, c)| c.len()).sum::<usize>() + broken;
    let failures: usize = hosts.iter().map(|(_, c)| c.iter().filter(|c| c.failing).count()).sum();
    let skipped: usize = hosts.iter().map(|(_, c)| c.iter().filter(|c| c.covered()).count()).sum();
    let stale = doc.stale();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"paritty check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{broken}\" skipped=\"{skipped}\">"
    );
    let partial = doc.partial();
    for (host, cases) in &hosts {
        let failed = cases.iter().filter(|c| c.failing).count();
        let accepted = cases.iter().filter(|c| c.covered()).count();
        let broke = partial.iter().find(|p| p.host == *host);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"{}\" skipped=\"{accepted}\">",
            attr(host),
            cases.len() + usize::from(broke.is_some()),
            usize::from(broke.is_some())
        );
        properties(&mut out, doc);
        for case in cases {
            let open =
                format!("    <testcase name=\"{}\" classname=\"{}\"", attr(case.fact), attr(host));
            if case.failing {
                let message = case.message(base);
                let _ = writeln!(
                    out,
                    "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&message),
                    case.severity.as_str(),
                    text(&format!("{} ({})\n{message}", case.label, case.fact))
                );
            } else if let Some(a) = case.accepted.filter(|_| case.covered()) {
                // Accepted drift is skipped, with who accepted it and why.
                let message = format!("accepted {}: {}", case.severity.as_str(), a.entry.who_why());
                let _ = writeln!(
                    out,
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(&message)
                );
            } else if let Some(s) = stale.iter().find(|s| s.host == *host && s.fact == case.fact) {
                // Passing, with a word that its acceptance can go.
                let file = doc.accepted.as_ref().map_or("", |a| a.file);
                let note = format!(
                    "stale acceptance: {file}:{} is no longer needed ({})",
                    s.entry.line,
                    s.entry.who_why()
                );
                let _ = writeln!(
                    out,
                    "{open}>\n      <system-out>{}</system-out>\n    </testcase>",
                    text(&note)
                );
            } else {
                let _ = writeln!(out, "{open}/>");
            }
        }
        if let Some(p) = broke {
            error_case(&mut out, host, p.failure.reason.as_str(), p.failure.message());
        }
        out.push_str("  </testsuite>\n");
    }
    for host in &uncollected {
        let (reason, message) = host
            .failure
            .map_or(("not-collected", "no snapshot"), |f| (f.reason.as_str(), f.message()));
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">",
            attr(host.host)
        );
        properties(&mut out, doc);
        error_case(&mut out, host.host, reason, message);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The `collected` case of a host that failed: an `<error>`.
fn error_case(out: &mut String, host: &str, reason: &str, message: &str) {
    let _ = writeln!(
        out,
        "    <testcase name=\"collected\" classname=\"{}\">\n      <error message=\"{}\" \
         type=\"{}\"/>\n    </testcase>",
        attr(host),
        attr(&format!("{reason}: {message}")),
        attr(reason)
    );
}

fn properties(out: &mut String, doc: &CheckDoc<'_>) {
    out.push_str("    <properties>\n");
    let mut property = |name: &str, value: &str| {
        let _ = writeln!(out, "      <property name=\"{name}\" value=\"{}\"/>", attr(value));
    };
    property("baseline", doc.baseline());
    property("fail-on", doc.threshold.as_str());
    if let Some(note) = doc.redacted {
        property("redacted", note);
    }
    out.push_str("    </properties>\n");
}

/// Text for an attribute: XML's five escapes, line breaks and tabs as
/// character references (an attribute's own would be normalized away), and
/// what XML 1.0 cannot hold at all dropped.
fn attr(s: &str) -> String {
    escape(s, true)
}

/// Text for element content.
fn text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0's Char production (controls other than tab and line breaks,
/// surrogates and U+FFFE/U+FFFF are not allowed, even escaped).
fn allowed(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
