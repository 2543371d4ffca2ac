//! Redaction before anything leaves as an export (or a CI log): values of
//! variables whose names look secret, secrets recognised by what they are in
//! every string (tokens, private keys, secret-named assignments and query
//! parameters, URL credentials: see `scan`), home folders (as `~`) and, when
//! asked, host names and addresses (as stable pseudonyms). One `Redactor`
//! serves one export, so the same host gets the same pseudonym throughout,
//! and it can say afterwards what it redacted.

mod assign;
mod finding;
mod home;
mod names;
mod scan;
mod summary;
mod tokens;
mod url;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::RandomState;
use std::sync::LazyLock;

use regex::Regex;

pub use self::names::is_secret_name;
use self::scan::scrub;
use self::summary::Counts;
use crate::compare::matrix::Comparison;
use crate::model::{Fact, HostReport, Snapshot, Status, Transport};

/// What a redacted secret's evidence says instead.
pub const REDACTED: &str = "[redacted]";

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:\d{1,3}\.){3}\d{1,3}\b").expect("valid regex"));

/// What to redact beyond the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Host names and IP addresses become `host-1`, `ip-1`, ...
    pub hosts: bool,
}

#[derive(Debug, Default)]
pub struct Redactor {
    options: Options,
    /// Fact ids whose values were secrets (their rows hide values too).
    secret_facts: BTreeSet<String>,
    counts: Counts,
    /// Keys of the hash secrets are counted by.
    keys: RandomState,
    /// Known host names and addresses, longest first when replacing.
    pseudonyms: BTreeMap<String, String>,
    next_host: usize,
    next_ip: usize,
    /// Target names given pseudonyms ahead of their reports (`announce`).
    announced: BTreeSet<String>,
    /// What `clean` made of texts seen before in this export (many hosts
    /// share the same raw outputs and values): the result and what it
    /// found, replayed into the counts on each use, so a cached text
    /// counts exactly as one cleaned anew.
    cleaned: HashMap<String, Cleaned>,
    /// Bytes held by `cleaned` (it stops growing at `CACHE_BYTES`).
    cached_bytes: usize,
}

/// One text's cleaning: the text, the secrets found and the home folders
/// replaced (over all rounds).
#[derive(Debug, Clone)]
struct Cleaned {
    text: String,
    found: Vec<(finding::Kind, String)>,
    homes: usize,
}

/// How many bytes of texts (and their results) one redactor remembers.
const CACHE_BYTES: usize = 32 << 20;

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
            // A pod's name is its host name.
            if let Transport::Kubernetes(pod) = &snapshot.host.transport {
                names.extend(pod.pod.clone());
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
        // The SSH host a container runs on is a host of its own.
        let on_host = report
            .snapshot
            .as_ref()
            .and_then(|s| s.host.transport.image())
            .and_then(|i| i.on_host.clone())
            .filter(|h| h.len() >= 2 && !self.pseudonyms.contains_key(h));
        if let Some(on_host) = on_host {
            self.next_host += 1;
            self.pseudonyms.insert(on_host, format!("host-{}", self.next_host));
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
        // A pod's node is a machine of its own: a pseudonym of its own.
        let node = report.snapshot.as_ref().and_then(|s| match &s.host.transport {
            Transport::Kubernetes(pod) => pod.node.clone(),
            _ => None,
        });
        if let Some(node) = node {
            self.learn_host(&HostReport { target: node, snapshot: None, failure: None });
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
        // The SSH host a container runs on is a host name like the others.
        let on_host = out.host.transport.image_mut().and_then(|image| image.on_host.take());
        // An image reference, a pod's node, an argv's program path: from
        // outside or from the user's config, redacted like any text.
        for text in out.host.transport.texts_mut() {
            *text = self.text(text);
        }
        if let Some(image) = out.host.transport.image_mut() {
            image.on_host = on_host.map(|h| self.host_text(&h));
        }
        for label in out.host.labels.values_mut() {
            *label = self.text(label);
        }
        for (id, fact) in &mut out.facts {
            self.fact(id, fact);
        }
        let own = std::mem::replace(&mut self.counts, outer);
        out.redacted = Some(own.describe(self.options.hosts));
        self.counts.add(own);
        out
    }

    fn fact(&mut self, id: &str, fact: &mut Fact) {
        // Labels come with snapshot files too: untrusted like the rest.
        fact.label = self.text(&fact.label);
        fact.category = self.text(&fact.category);
        // A lock file's pin is a version, but a snapshot file can say anything.
        if let Some(pin) = fact.pinned.take() {
            fact.pinned = Some(self.text(&pin));
        }
        let variable = fact.found_at.as_deref().and_then(|f| f.strip_prefix('$'));
        if let Some(name) = variable
            && is_secret_name(name)
            && fact.status != Status::Missing
        {
            // Whatever became of it (a parser that failed keeps the text as
            // evidence), the variable's value is a secret.
            self.counts.variable(name);
            self.hide_value(id, fact);
            REDACTED.clone_into(&mut fact.raw);
            return;
        }
        let (raw, secrets) = self.clean(&fact.raw);
        fact.raw = self.hosts_in(raw);
        if let Some(value) = &fact.value {
            let shown = self.text(value);
            // A value taken from a secret in the evidence (a file's
            // `API_TOKEN=...` line, a token a tool printed) is one too.
            if shown == REDACTED || secrets.iter().any(|(_, secret)| leaks(&shown, secret)) {
                self.hide_value(id, fact);
            } else {
                fact.value = Some(shown);
            }
        }
        fact.found_at = fact.found_at.as_deref().map(|v| self.text(v));
        if let Some(command) = &mut fact.command {
            for arg in command.iter_mut() {
                *arg = self.text(arg);
            }
        }
        for copy in &mut fact.shadowed {
            *copy = self.text(copy);
        }
        // Executable paths name home folders and users, like `found_at`.
        if let Some(running) = &mut fact.running {
            for text in running.texts_mut() {
                *text = self.text(text);
            }
        }
    }

    /// The fact's value is a secret: it goes, and its row in a comparison
    /// shows no value either.
    fn hide_value(&mut self, id: &str, fact: &mut Fact) {
        self.secret_facts.insert(id.to_owned());
        if fact.status == Status::Ok {
            fact.status = Status::Redacted;
        }
        fact.value = None;
    }

    fn count(&mut self, found: &[(finding::Kind, String)]) {
        for (kind, secret) in found {
            self.counts.found(&self.keys, kind, secret);
        }
    }

    /// A comparison with the same redactions as the reports it came from
    /// (call `reports` first, so secret facts and hosts are known).
    pub fn comparison(&mut self, comparison: &Comparison) -> Comparison {
        let mut out = comparison.clone();
        for column in &mut out.columns {
            column.name = self.host_text(&column.name);
            column.os = column.os.as_deref().map(|o| self.text(o));
            column.environment = column.environment.as_deref().map(|e| self.text(e));
            if let Some(failure) = &mut column.failure {
                *failure = crate::model::Failure::new(failure.reason, self.text(failure.message()));
            }
        }
        for row in &mut out.rows {
            let secret = self.secret_facts.contains(&row.id);
            row.label = self.text(&row.label);
            row.category = self.text(&row.category);
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

    /// Free text with secrets, home folders and (if asked) hosts replaced.
    pub fn text(&mut self, text: &str) -> String {
        let (out, _) = self.clean(text);
        self.hosts_in(out)
    }

    /// `text` without secrets and home folders (counted), and the secrets
    /// that were there (see the free `clean`), remembered per text.
    fn clean(&mut self, text: &str) -> (String, Vec<(finding::Kind, String)>) {
        if let Some(seen) = self.cleaned.get(text) {
            let Cleaned { text, found, homes } = seen.clone();
            self.count(&found);
            self.counts.home_paths += homes;
            return (text, found);
        }
        let cleaned = clean(text);
        self.count(&cleaned.found);
        self.counts.home_paths += cleaned.homes;
        let size = text.len() + cleaned.text.len();
        if self.cached_bytes + size <= CACHE_BYTES {
            self.cached_bytes += size;
            self.cleaned.insert(text.to_owned(), cleaned.clone());
        }
        (cleaned.text, cleaned.found)
    }

    /// Host names and addresses replaced by pseudonyms, if asked.
    fn hosts_in(&mut self, text: String) -> String {
        let mut out = text;
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

    /// One sentence saying what this export redacted.
    pub fn summary(&self) -> String {
        self.counts.describe(self.options.hosts)
    }

    /// Whether this export redacted anything so far.
    pub fn redacted_any(&self) -> bool {
        self.counts.any(self.options.hosts)
    }
}

/// `text` without secrets and home folders, what was found and how many
/// home folders went. Replacing either can make the other's pattern match
/// anew (`s3://u:/home/x://@` becomes a URL with credentials once the home
/// folder is `~`), so both repeat until neither finds anything: cleaning the
/// result again changes nothing. Depends on the text alone (the redactor
/// caches it).
fn clean(text: &str) -> Cleaned {
    const MAX_ROUNDS: usize = 8;
    let mut out = text.to_owned();
    let mut found = Vec::new();
    let mut homes = 0;
    for _ in 0..MAX_ROUNDS {
        let scrubbed = scrub(&out);
        let (homeless, replaced) = home::replace(&scrubbed.text);
        homes += replaced;
        let done = scrubbed.found.is_empty() && replaced == 0;
        found.extend(scrubbed.found);
        out = homeless;
        if done {
            break;
        }
    }
    Cleaned { text: out, found, homes }
}

/// Whether a value shown still gives away `secret`, or a good part of it (a
/// version parser may have taken a piece of a token). Short secrets count
/// only when they are the whole value: "1" is in too many values.
fn leaks(value: &str, secret: &str) -> bool {
    const SHORT: usize = 4;
    value == secret
        || secret.len() >= SHORT && value.contains(secret)
        || value.len() >= SHORT && secret.contains(value)
}
