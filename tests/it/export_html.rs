//! The HTML export end to end: real fixture snapshots, a failed host and a
//! host whose facts carry hostile text, rendered to one page. The page is
//! checked as a string (escaping, no scripts, no requests) and then really
//! rendered by Debian's headless Chromium: a screenshot, the DOM it built,
//! and its log (no CSP violations, nothing failed to load).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use paritty::compare::matrix::Comparison;
use paritty::compare::policy::Policy;
use paritty::compare::severity::Severity;
use paritty::export::document::{DiffDoc, PARITTY_VERSION};
use paritty::export::html;
use paritty::model::snapshot_file::read_snapshot;
use paritty::model::{Fact, FailReason, Failure, HostReport, Snapshot, Status};

const SCRIPT: &str = "<script>alert(1)</script>";
const LONG_LEN: usize = 5000;

fn fixture(name: &str) -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots").join(name);
    read_snapshot(&path).expect("fixture loads")
}

fn report(snapshot: Snapshot) -> HostReport {
    HostReport { target: snapshot.host.name.clone(), snapshot: Some(snapshot), failure: None }
}

/// The laptop snapshot as a hostile host: markup, Markdown and table
/// syntax, an entity, terminal escapes, bidi overrides and a 5,000
/// character line in values, raw output, paths and labels.
fn hostile() -> Snapshot {
    let mut snap = fixture("debian12-laptop.json");
    snap.host.name = "evil-box".into();
    snap.host.address = Some("root@evil\"box'<i>:22".into());
    snap.host.labels.insert("environment".into(), "qa <b>bold</b> & co".into());
    let mut set = |id: &str, value: &str, raw: &str| {
        let fact = snap.facts.get_mut(id).expect("fixture fact");
        fact.value = Some(value.into());
        fact.raw = raw.into();
    };
    set("runtime.python3", &format!("3.12.1{SCRIPT}"), &format!("Python 3.12.1\n{SCRIPT}\n"));
    set("tool.git", "a|b `tick` <b>bold</b> &amp;", "git version a|b\r\n`tick`");
    set("tool.openssl", "\u{1b}[31mred\u{7}\u{9b}1m", "OpenSSL \u{1b}[31mred\u{1b}[0m \u{202e}rtl");
    set("kernel.release", &"x".repeat(LONG_LEN), &"y".repeat(LONG_LEN));
    let git = snap.facts.get_mut("tool.git").expect("git");
    git.found_at = Some("/opt/<img src=x onerror=alert(1)>/git".into());
    git.shadowed = vec!["/usr/bin/git\"><script>alert(2)</script>".into()];
    let mut custom = Fact::empty(Status::Ok);
    custom.value = Some("line one\nline two".into());
    custom.raw = "custom says:\nline one\nline two\n".into();
    custom.label = "Custom <u>label</u> \u{1b}]0;title\u{7}".into();
    custom.category = "Odd 'category' \"quoted\"".into();
    snap.facts.insert("custom.evil".into(), custom);
    let nginx = snap.facts.get_mut("service.nginx").expect("nginx");
    (nginx.status, nginx.value, nginx.raw) = (Status::Missing, None, "nginx: not found".into());
    snap
}

fn reports() -> Vec<HostReport> {
    let failed = HostReport {
        target: "db-2".into(),
        snapshot: None,
        failure: Some(Failure::new(
            FailReason::Unreachable,
            "connect to 10.0.0.7:22: connection refused",
        )),
    };
    vec![
        report(fixture("debian11-prod.json")),
        report(fixture("debian12-laptop.json")),
        failed,
        report(hostile()),
    ]
}

// As `Redactor::summary` says it: the sentence names itself.
const REDACTED: &str = "Redacted: host names, addresses and user names replaced <by> placeholders";

fn page(reports: &[HostReport], only_diff: bool) -> (Comparison, String) {
    let comparison = Comparison::build(reports, 0, &Policy::default());
    let doc = DiffDoc {
        comparison: &comparison,
        reports,
        only_diff,
        redacted: Some(REDACTED),
        declared: None,
        time_gap: None,
    };
    let html = html::comparison(&doc);
    (comparison, html)
}

/// Every tag of the page: each literal `<` opens one, since text is escaped.
fn tags(html: &str) -> Vec<&str> {
    html.split('<').skip(1).map(|t| t.split_once('>').map_or(t, |(tag, _)| tag)).collect()
}

const ALLOWED_TAGS: &[&str] = &[
    "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "span", "b",
    "div", "table", "caption", "thead", "tbody", "tr", "th", "td", "ul", "li", "details",
    "summary", "dl", "dt", "dd", "code", "footer",
];

/// Structural checks every HTML page of paritty must pass.
fn assert_safe(html: &str) {
    assert!(html.starts_with("<!doctype html>\n"), "{}", &html[..80]);
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    for tag in tags(html) {
        let name = tag.trim_start_matches('/').split([' ', '\n']).next().unwrap_or_default();
        assert!(ALLOWED_TAGS.contains(&name.to_ascii_lowercase().as_str()), "tag <{tag}>");
        for attr in ["src=", "href=", "action=", "srcset=", "style=", "on"] {
            let attrs = tag.split_once(' ').map_or("", |(_, a)| a);
            let hit = attrs.split(' ').any(|a| a.starts_with(attr));
            assert!(!hit, "attribute {attr} in <{tag}>");
        }
    }
    let css = html.split_once("<style>").and_then(|(_, s)| s.split_once("</style>"));
    let css = css.expect("inline style").0;
    for forbidden in ["url(", "@import", "@font-face", "expression("] {
        assert!(!css.contains(forbidden), "CSS loads something: {forbidden}");
    }
    assert!(css.contains("@media print"));
    assert!(!html.contains('\u{1b}') && !html.contains('\u{9b}') && !html.contains('\u{7}'));
    assert!(!html.contains('\u{202e}') && !html.contains('\r'));
}

#[test]
fn comparison_page_is_self_contained_and_escapes_every_snapshot_text() {
    let reports = reports();
    let (comparison, html) = page(&reports, false);
    assert_safe(&html);
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("3.12.1&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a|b `tick` &lt;b&gt;bold&lt;/b&gt; &amp;amp;"));
    assert!(html.contains("/opt/&lt;img src=x onerror=alert(1)&gt;/git"));
    assert!(html.contains("&quot;&gt;&lt;script&gt;alert(2)"));
    assert!(html.contains("Odd &#39;category&#39; &quot;quoted&quot;"));
    assert!(html.contains("root@evil&quot;box&#39;&lt;i&gt;:22"));
    assert!(!html.contains("<b>bold</b>") && !html.contains("<u>"));
    assert!(html.contains(&"x".repeat(LONG_LEN)), "the host's details show the long value whole");
    let cut = format!("{}… ({LONG_LEN} characters, whole under Hosts)", "x".repeat(300));
    assert!(html.contains(&cut), "the comparison cell cuts it");
    let summary = comparison.summary();
    assert!(html.contains(&format!("<title>paritty: {summary}</title>")), "{summary}");
    assert!(html.contains(&format!("<p class=\"summary\">{summary}</p>")));
    assert!(html.contains("<h1>paritty: dev/prod parity report</h1>"));
    for name in ["prod-web-1", "laptop", "db-2", "evil-box"] {
        assert!(html.contains(name), "{name}");
    }
    assert!(html.contains("★</span> prod-web-1 (baseline)"));
    assert_eq!(html.matches("<details>").count(), reports.len(), "a <details> per host");
    assert!(html.contains("<b>db-2</b>: unreachable: connect to 10.0.0.7:22: connection refused"));
    assert!(html.contains("collected 2026-11-20T09:30:00Z"));
    assert!(html.contains(&format!("Generated by paritty {PARITTY_VERSION}")));
    assert!(html.contains("Redacted: host names, addresses and user names replaced &lt;by&gt;"));
    // Divergences come first, then every fact; severities as classes + marks.
    let (divergences, all) = html.split_once("<h2>All facts</h2>").expect("all facts");
    assert!(divergences.contains("<h2>Divergences</h2>"));
    assert!(all.contains("Memory"), "informational rows are in the full table");
    assert!(divergences.contains(
        "<td class=\"sev-minor\"><div class=\"c\"><span class=\"mark\">▄</span> \
         <span class=\"v\">3.11.2</span><span class=\"note\">minor</span>"
    ));
    assert!(all.contains("<tr class=\"info\">"), "hostname differs, dimmed");
    assert!(html.contains("<tr class=\"cat\"><th colspan=\"5\""), "category rows span 4 hosts");
    // The legend uses the TUI's marks for the same severities.
    for severity in &Severity::ALL[1..] {
        let (mark, name) = (severity.mark(), severity.as_str());
        let entry = format!("<span class=\"sev-{name}\"><span class=\"mark\">{mark}</span> {name}");
        assert!(html.contains(&entry), "{entry}");
    }
    // Only divergences: no full table, the same hosts.
    let (_, only) = page(&reports, true);
    assert_safe(&only);
    assert!(!only.contains("All facts") && only.contains("Divergences"));
}

#[test]
fn tolerated_cells_are_marked_and_dimmed() {
    let reports = [report(fixture("debian11-prod.json")), report(fixture("debian12-laptop.json"))];
    let policy = Policy {
        ignore: vec![],
        tolerate: [("runtime.python3".to_owned(), Severity::Minor)].into_iter().collect(),
    };
    let comparison = Comparison::build(&reports, 0, &policy);
    let doc = DiffDoc {
        comparison: &comparison,
        reports: &reports,
        only_diff: false,
        redacted: None,
        declared: None,
        time_gap: None,
    };
    let html = html::comparison(&doc);
    assert_safe(&html);
    assert!(html.contains(
        "<td class=\"sev-minor tolerated\"><div class=\"c\"><span class=\"mark\">▄</span> \
         <span class=\"v\">3.11.2</span><span class=\"note\">tolerated</span>"
    ));
    assert!(!html.contains("Redacted:"));
}

#[test]
fn snapshot_page_lists_every_fact_with_its_evidence() {
    let snap = hostile();
    let html = html::snapshot(&snap, Some(REDACTED));
    assert_safe(&html);
    assert!(html.contains("<h1>paritty: snapshot of evil-box</h1>"));
    for text in ["root@evil&quot;box&#39;&lt;i&gt;:22", "qa &lt;b&gt;bold&lt;/b&gt; &amp; co"] {
        assert!(html.contains(text), "{text}");
    }
    assert!(html.contains("<dd>local</dd>") && html.contains("<dd>default (fnv1a64:"));
    assert!(html.contains("2026-11-20T09:30:00Z"));
    for fact in snap.facts.values().filter(|f| !f.label.is_empty() && !f.label.contains('<')) {
        assert!(html.contains(&format!("{}<span class=\"id\">", fact.label)), "{}", fact.label);
    }
    assert!(html.contains("<caption>Runtimes</caption>"));
    assert!(html.contains("⚠ shadows /usr/bin/git&quot;&gt;&lt;script&gt;"));
    assert!(html.contains("<span class=\"status st-missing\">missing</span>"));
    let raw = "<span class=\"raw\">custom says:\nline one\nline two</span>";
    assert!(html.contains(raw), "raw output keeps its lines");
    assert!(html.contains("Redacted: ") && html.contains(PARITTY_VERSION));
    assert!(!html.to_ascii_lowercase().contains("<script"));
}

// ---- Headless Chromium ----------------------------------------------------

fn chromium() -> PathBuf {
    which::which("chromium").unwrap_or_else(|_| {
        panic!(
            "`chromium` is not on PATH: the HTML export is checked by rendering it in \
             headless Chromium. Install Debian's package as .ci/run does: \
             apt-get install chromium"
        )
    })
}

/// Runs headless Chromium on `page` with `args`, in a private profile and
/// its own process group, which is killed after 60 s.
fn run_chromium(page: &Path, profile: &Path, args: &[&str]) -> Output {
    let child = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        .args(["--no-first-run", "--no-default-browser-check", "--disable-extensions"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(output) = rx.recv_timeout(Duration::from_secs(60)) else {
        // Chromium and its helpers: the process group it leads.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
        panic!("chromium took more than 60 s on {}", page.display());
    };
    output.expect("wait for chromium")
}

fn screenshot(dir: &Path, name: &str, html: &str) -> (Vec<u8>, String) {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).expect("write page");
    let png = dir.join(format!("{name}.png"));
    let profile = dir.join(format!("{name}-profile"));
    let shot = format!("--screenshot={}", png.display());
    let output =
        run_chromium(&page, &profile, &["--hide-scrollbars", "--window-size=1280,2000", &shot]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "chromium failed: {}\n{stderr}", output.status);
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot: {e}\n{stderr}"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    (bytes, stderr)
}

/// Log lines about the page itself: console messages (a page without
/// scripts has none but CSP violations), script errors, failed loads. The
/// container's dbus/GPU noise is not about the page.
fn page_problems(log: &str, page: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            l.contains("Uncaught")
                || l.contains(":CONSOLE")
                || l.contains("Content Security Policy")
                || l.contains("Failed to load")
                || (l.contains("ERROR:") && l.contains(page))
        })
        .map(str::to_owned)
        .collect()
}

/// The text of a DOM dump: tags dropped, the few entities Chromium writes
/// decoded.
fn dom_text(dom: &str) -> String {
    let mut text = String::new();
    for (i, part) in dom.split('<').enumerate() {
        let rest = if i == 0 { part } else { part.split_once('>').map_or("", |(_, r)| r) };
        text.push_str(rest);
        text.push(' ');
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

#[test]
fn chromium_renders_the_page_without_errors_or_requests() {
    let started = Instant::now();
    let reports = reports();
    let (comparison, html) = page(&reports, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = "<!doctype html><html><head><meta charset=\"utf-8\"><title>empty</title></head>\
                 <body></body></html>";
    let (blank, _) = screenshot(dir.path(), "empty", empty);
    let (shot, log) = screenshot(dir.path(), "report", &html);
    if let Some(keep) = std::env::var_os("PARITTY_KEEP_SCREENSHOT") {
        std::fs::write(keep, &shot).expect("keep screenshot");
    }
    assert!(shot.len() > 20_000, "screenshot too small to show a report: {} bytes", shot.len());
    assert!(shot.len() > 4 * blank.len(), "report {} vs blank {} bytes", shot.len(), blank.len());
    let problems = page_problems(&log, "report.html");
    assert!(problems.is_empty(), "chromium reported: {problems:#?}");

    let page = dir.path().join("report.html");
    let output = run_chromium(&page, &dir.path().join("dom-profile"), &["--dump-dom"]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium --dump-dom failed: {log}");
    let dom = String::from_utf8(output.stdout).expect("DOM is UTF-8");
    assert!(dom.contains("<table"), "no table in the DOM: {}", &dom[..dom.len().min(500)]);
    assert!(!dom.to_ascii_lowercase().contains("<script"), "a script element in the DOM");
    assert!(!dom.contains("<img") && !dom.contains("<b>bold"), "markup from a snapshot became DOM");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let text = dom_text(&dom);
    for expected in [
        comparison.summary().as_str(),
        "paritty: dev/prod parity report",
        "prod-web-1",
        "laptop",
        "db-2",
        "evil-box",
        "3.11.2",
        "3.9.2",
        "3.12.1<script>alert(1)</script>",
        "a|b `tick` <b>bold</b> &amp;",
        "unreachable: connect to 10.0.0.7:22: connection refused",
        "Generated by paritty",
    ] {
        assert!(text.contains(expected), "page text lacks {expected:?}");
    }
    let problems = page_problems(&log, "report.html");
    assert!(problems.is_empty(), "chromium reported: {problems:#?}");
    eprintln!("chromium checks took {:?}", started.elapsed());
}
