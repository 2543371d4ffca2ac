//! Redaction before anything leaves as an export: values of variables whose
//! names look secret, credentials in URLs, home folders (as `~`) and, when
//! asked, host names and addresses (as stable pseudonyms). One `Redactor`
//! serves one export, so the same host gets the same pseudonym throughout,
//! and it can say afterwards what it redacted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::compare::matrix::Comparison;
use crate::model::{Fact, HostReport, Snapshot, Status};

/// What a redacted secret's evidence says instead.
pub const REDACTED: &str = "[redacted]";

/// Parts of variable names that mark a secret (matched case-insensitively,
/// anywhere in the name: GITHUB_TOKEN, DB_PASSWORD, AWS_SECRET_ACCESS_KEY).
const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PWD_",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN",
    "SALT",
];

static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    // scheme://user[:password]@ — the userinfo part, whatever it holds.
    Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/@]+)@").expect("valid regex")
});

static HOME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(/home/[^/\s:'"]+|/Users/[^/\s:'"]+|/root)(/|$|[\s:'"])"#).expect("valid regex")
});

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:\d{1,3}\.){3}\d{1,3}\b").expect("valid regex"));

/// Whether a variable's name says its value is a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
        || upper.ends_with("PWD") && upper != "PWD" && upper != "OLDPWD"
}

/// What to redact beyond the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Host names and IP addresses become `host-1`, `ip-1`, ...
    pub hosts: bool,
}

/// What was redacted so far.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    secret_variables: BTreeSet<String>,
    /// Distinct credentials found in URLs (counted, never shown).
    url_credentials: BTreeSet<String>,
    home_paths: usize,
    hosts: usize,
}

#[derive(Debug, Default)]
pub struct Redactor {
    options: Options,
    /// Fact ids whose values were secrets (their rows hide values too).
    secret_facts: BTreeSet<String>,
    counts: Counts,
    /// Known host names and addresses, longest first when replacing.
    pseudonyms: BTreeMap<String, String>,
    next_host: usize,
    next_ip: usize,
    /// Target names given pseudonyms ahead of their reports (`announce`).
    announced: BTreeSet<String>,
}

impl Redactor {
    pub fn new(options: Options) -> Redactor {
        Redactor { options, ..Redactor::default() }
    }

    /// Learns the names and addresses of `reports` (so every mention of a
    /// host is replaced, wherever it appears) and redacts them.
    pub fn reports(&mut self, reports: &[HostReport]) -> Vec<HostReport> {
        if self.options.hosts {
            for report in reports {
                self.learn_host(report);
            }
        }
        reports.iter().map(|r| self.report(r)).collect()
    }

    /// Gives `targets` their host pseudonyms in this order before any
    /// report is in, so reports redacted one at a time as hosts finish
    /// (`snapshot --out DIR`) are numbered by the order given, not by
    /// which host answered first.
    pub fn announce<'a>(&mut self, targets: impl IntoIterator<Item = &'a str>) {
        if !self.options.hosts {
            return;
        }
        for target in targets {
            self.learn_host(&HostReport {
                target: target.to_owned(),
                snapshot: None,
                failure: None,
            });
            self.announced.insert(target.to_owned());
        }
    }

    fn learn_host(&mut self, report: &HostReport) {
        let mut names = vec![report.target.clone()];
        if let Some(snapshot) = &report.snapshot {
            names.push(snapshot.host.name.clone());
            if let Some(hostname) = snapshot.facts.get("hostname").and_then(|f| f.value.clone()) {
                names.push(hostname);
            }
            if let Some(address) = &snapshot.host.address {
                // `user@host:port` names a host too.
                let host = address.rsplit('@').next().unwrap_or(address);
                let host = host.rsplit_once(':').map_or(host, |(h, port)| {
                    if port.chars().all(|c| c.is_ascii_digit()) { h } else { host }
                });
                names.push(host.trim_matches(['[', ']']).to_owned());
            }
        }
        // An announced target keeps its pseudonym for its other names.
        let announced = self
            .announced
            .contains(&report.target)
            .then(|| self.pseudonyms.get(&report.target).cloned())
            .flatten()
            .filter(|p| p.starts_with("host-"));
        let pseudonym = announced.clone().unwrap_or_else(|| format!("host-{}", self.next_host + 1));
        let mut used = false;
        for name in names {
            if name.len() < 2 || name == "local" || self.pseudonyms.contains_key(&name) {
                continue;
            }
            let value = if IPV4.is_match(&name) { self.ip_pseudonym() } else { pseudonym.clone() };
            self.pseudonyms.insert(name, value);
            used = true;
        }
        if used && announced.is_none() {
            self.next_host += 1;
        }
    }

    fn ip_pseudonym(&mut self) -> String {
        self.next_ip += 1;
        format!("ip-{}", self.next_ip)
    }

    pub fn report(&mut self, report: &HostReport) -> HostReport {
        HostReport {
            target: self.host_text(&report.target),
            snapshot: report.snapshot.as_ref().map(|s| self.snapshot(s)),
            failure: report
                .failure
                .as_ref()
                .map(|f| crate::model::Failure::new(f.reason, self.text(f.message()))),
        }
    }

    pub fn snapshot(&mut self, snapshot: &Snapshot) -> Snapshot {
        // Counted apart, so the snapshot says what it lost itself.
        let outer = std::mem::take(&mut self.counts);
        let mut out = snapshot.clone();
        out.host.name = self.host_text(&snapshot.host.name);
        out.host.address = snapshot.host.address.as_deref().map(|a| self.text(a));
        for (id, fact) in &mut out.facts {
            self.fact(id, fact);
        }
        let own = std::mem::replace(&mut self.counts, outer);
        out.redacted = Some(describe(&own, self.options));
        self.counts.add(own);
        out
    }

    fn fact(&mut self, id: &str, fact: &mut Fact) {
        let variable = fact.found_at.as_deref().and_then(|f| f.strip_prefix('$'));
        if let Some(name) = variable
            && is_secret_name(name)
            && fact.status == Status::Ok
        {
            self.secret_facts.insert(id.to_owned());
            self.counts.secret_variables.insert(name.to_owned());
            fact.status = Status::Redacted;
            fact.value = None;
            REDACTED.clone_into(&mut fact.raw);
            return;
        }
        fact.value = fact.value.as_deref().map(|v| self.text(v));
        fact.raw = self.text(&fact.raw);
        fact.found_at = fact.found_at.as_deref().map(|v| self.text(v));
        if let Some(command) = &mut fact.command {
            for arg in command.iter_mut() {
                *arg = self.text(arg);
            }
        }
        for copy in &mut fact.shadowed {
            *copy = self.text(copy);
        }
    }

    /// A comparison with the same redactions as the reports it came from
    /// (call `reports` first, so secret facts and hosts are known).
    pub fn comparison(&mut self, comparison: &Comparison) -> Comparison {
        let mut out = comparison.clone();
        for column in &mut out.columns {
            column.name = self.host_text(&column.name);
            column.os = column.os.as_deref().map(|o| self.text(o));
            if let Some(failure) = &mut column.failure {
                *failure = crate::model::Failure::new(failure.reason, self.text(failure.message()));
            }
        }
        for row in &mut out.rows {
            let secret = self.secret_facts.contains(&row.id);
            for cell in &mut row.cells {
                if secret && cell.value.is_some() {
                    cell.value = None;
                    cell.status = Some(Status::Redacted);
                } else {
                    cell.value = cell.value.as_deref().map(|v| self.text(v));
                }
            }
        }
        out
    }

    fn host_text(&mut self, text: &str) -> String {
        if let Some(pseudonym) = self.pseudonyms.get(text) {
            self.counts.hosts += 1;
            return pseudonym.clone();
        }
        self.text(text)
    }

    /// Free text with URL credentials, home folders and (if asked) hosts
    /// replaced.
    pub fn text(&mut self, text: &str) -> String {
        let mut out = text.to_owned();
        if URL_CREDENTIALS.is_match(&out) {
            for found in URL_CREDENTIALS.captures_iter(&out) {
                self.counts.url_credentials.insert(found[2].to_owned());
            }
            out = URL_CREDENTIALS.replace_all(&out, format!("${{1}}{REDACTED}@")).into_owned();
        }
        if HOME.is_match(&out) {
            self.counts.home_paths += HOME.find_iter(&out).count();
            out = HOME.replace_all(&out, "~$2").into_owned();
        }
        if self.options.hosts {
            let mut known: Vec<(&String, &String)> = self.pseudonyms.iter().collect();
            known.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
            for (name, pseudonym) in known {
                if out.contains(name.as_str()) {
                    self.counts.hosts += 1;
                    out = out.replace(name.as_str(), pseudonym);
                }
            }
            // Addresses no report named (in failure messages, say).
            let unknown: Vec<String> = IPV4
                .find_iter(&out)
                .map(|m| m.as_str().to_owned())
                .filter(|ip| !self.pseudonyms.contains_key(ip))
                .collect();
            for ip in unknown {
                let pseudonym = self.ip_pseudonym();
                self.pseudonyms.insert(ip, pseudonym);
            }
            out = IPV4
                .replace_all(&out, |c: &regex::Captures<'_>| {
                    self.pseudonyms.get(&c[0]).cloned().unwrap_or_else(|| c[0].to_owned())
                })
                .into_owned();
        }
        out
    }

    /// Whether anything was redacted so far.
    pub fn redacted_any(&self) -> bool {
        self.counts != Counts::default()
    }

    /// One sentence saying what this export redacted.
    pub fn summary(&self) -> String {
        describe(&self.counts, self.options)
    }
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.secret_variables.extend(other.secret_variables);
        self.url_credentials.extend(other.url_credentials);
        self.home_paths += other.home_paths;
        self.hosts += other.hosts;
    }
}

fn describe(counts: &Counts, options: Options) -> String {
    let mut parts = Vec::new();
    if !counts.secret_variables.is_empty() {
        let names: Vec<&str> = counts.secret_variables.iter().map(String::as_str).collect();
        parts.push(format!("the values of {}", names.join(", ")));
    }
    if !counts.url_credentials.is_empty() {
        let n = counts.url_credentials.len();
        let s = if n == 1 { "" } else { "s" };
        parts.push(format!("{n} credential{s} in URLs"));
    }
    if counts.home_paths > 0 {
        parts.push("home folders (shown as ~)".to_owned());
    }
    if options.hosts && counts.hosts > 0 {
        parts.push("host names and addresses (replaced by pseudonyms)".to_owned());
    }
    if parts.is_empty() {
        return "Redaction was on; nothing needed redacting.".to_owned();
    }
    format!("Redacted: {}.", parts.join("; "))
}
