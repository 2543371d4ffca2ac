//! The app's dependencies as facts `deps.<ecosystem>.<name>`: the
//! packages installed in the target's app folder (value) with the lock
//! file's pin beside them (`pinned`, and in the evidence). This machine
//! reads the files itself (`local`); a remote target's probe sends them
//! back (`probe/deps.sh`) and `from_probe` reads them with the same
//! parsers (`deps::stream`).

pub mod local;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::declare::Problem;
use crate::deps::stream::{self, Role};
use crate::deps::{Ecosystem, MAX_PACKAGES, Package, fact_id};
use crate::model::{Fact, Status};
use crate::output::sanitize::{cap, one_line};
use crate::probe::frame::Record;
use crate::profile::CompareKind;

/// The category of `deps.*` facts.
pub const CATEGORY: &str = "App dependencies";

/// Everything read from one app folder's dependency files.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub installed: Vec<Package>,
    /// In the order of preference: the first pin of a name counts.
    pub pinned: Vec<Package>,
    pub problems: Vec<Problem>,
}

impl Found {
    /// Adds file `path`'s packages (a file that is no dependency file
    /// adds nothing).
    pub fn add_file(&mut self, path: &str, text: &str) {
        let Some((role, parsed)) = stream::parse(path, text) else { return };
        match role {
            Role::Installed => self.installed.extend(parsed.packages),
            Role::Pinned => self.pinned.extend(parsed.packages),
        }
        self.problems.extend(parsed.problems);
    }
}

/// How an ecosystem's versions compare: PEP 440 for Python, semver for
/// npm, RubyGems' dotted segments for Ruby (`loose` reads them so).
pub fn compare_kind(ecosystem: Ecosystem) -> CompareKind {
    match ecosystem {
        Ecosystem::Python => CompareKind::Pep440,
        Ecosystem::Node => CompareKind::Semver,
        Ecosystem::Ruby => CompareKind::Loose,
    }
}

/// The facts of what was found: one per installed package (its top-level
/// copy; nested copies in the evidence), one `missing` per package the
/// lock pins and nothing installs, and one `error` per file whose
/// problems no package's evidence holds. None at all for a folder with no
/// dependency files.
pub fn facts(found: &Found) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    // Per name, every lock file's pin, the one that counts first.
    let mut pins: BTreeMap<(Ecosystem, &str), Vec<&Package>> = BTreeMap::new();
    for pin in found.pinned.iter().filter(|p| p.nested.is_none()) {
        pins.entry((pin.ecosystem, pin.name.as_str())).or_default().push(pin);
    }
    // Per name, the top-level copy first, then the nested ones.
    let mut installed: BTreeMap<(Ecosystem, &str), Vec<&Package>> = BTreeMap::new();
    // The system's gem folders hold every gem of the machine, and a git
    // checkout every gem of its repository: only those the lock file
    // names are the app's.
    let app_gem = |p: &Package| {
        p.ecosystem != Ecosystem::Ruby
            || !(stream::is_system_gem(&p.file) || stream::is_checkout_gem(&p.file))
            || pins.contains_key(&(Ecosystem::Ruby, p.name.as_str()))
    };
    for package in found.installed.iter().filter(|p| app_gem(p)) {
        installed.entry((package.ecosystem, package.name.as_str())).or_default().push(package);
    }
    let mut counts: BTreeMap<Ecosystem, usize> = BTreeMap::new();
    for ((ecosystem, name), mut copies) in installed {
        let count = counts.entry(ecosystem).or_default();
        *count += 1;
        if *count > MAX_PACKAGES {
            continue;
        }
        let all_pins = pins.remove(&(ecosystem, name)).unwrap_or_default();
        let pin = all_pins.first().copied();
        // Bundler loads the locked version of a gem wherever several are
        // installed (the system's folders often hold a few): that copy is
        // the one that runs.
        let locked = |p: &Package| {
            ecosystem == Ecosystem::Ruby && pin.is_some_and(|pin| pin.version == p.version)
        };
        copies.sort_by_key(|p| (p.nested.is_some(), !locked(p)));
        out.insert(fact_id(ecosystem, name), installed_fact(&copies, &all_pins, &found.problems));
    }
    for ((ecosystem, name), pins) in pins {
        let count = counts.entry(ecosystem).or_default();
        *count += 1;
        if *count <= MAX_PACKAGES {
            out.insert(fact_id(ecosystem, name), not_installed(&pins));
        }
    }
    for ecosystem in Ecosystem::ALL {
        if counts.get(&ecosystem).is_some_and(|n| *n > MAX_PACKAGES) {
            let why = format!("more than {MAX_PACKAGES} packages: the rest are left out");
            let problem = Problem::new(ecosystem.as_str(), None, why);
            out.insert(fact_id(ecosystem, "!packages"), problem_fact(ecosystem, &[&problem]));
        }
    }
    // Problems of files no package came from (a METADATA that told
    // nothing, a lock file that is not JSON): a fact per file.
    let told: Vec<&str> = out.values().filter_map(|f| f.found_at.as_deref()).collect();
    let mut by_file: BTreeMap<&str, Vec<&Problem>> = BTreeMap::new();
    for problem in found.problems.iter().filter(|p| !stream::is_system_gem(&p.file)) {
        if !told.iter().any(|at| at.split(':').next() == Some(problem.file.as_str())) {
            by_file.entry(problem.file.as_str()).or_default().push(problem);
        }
    }
    for (file, problems) in by_file {
        let ecosystem = ecosystem_of(file);
        out.insert(fact_id(ecosystem, &format!("!{file}")), problem_fact(ecosystem, &problems));
    }
    out
}

/// The ecosystem a dependency file belongs to, by its name.
fn ecosystem_of(file: &str) -> Ecosystem {
    let name = file.rsplit('/').next().unwrap_or(file);
    if file.contains("node_modules/") || name.starts_with("package") || name.starts_with("npm-") {
        Ecosystem::Node
    } else if name.starts_with("Gemfile") || name.starts_with("gems.") || name.ends_with(".gemspec")
    {
        Ecosystem::Ruby
    } else {
        Ecosystem::Python
    }
}

fn labelled(mut fact: Fact, ecosystem: Ecosystem, label: &str) -> Fact {
    fact.label = one_line(label);
    CATEGORY.clone_into(&mut fact.category);
    fact.compare = Some(compare_kind(ecosystem));
    fact
}

/// `pins` are every lock file's pin of the package, the one that counts
/// first.
fn installed_fact(copies: &[&Package], pins: &[&Package], problems: &[Problem]) -> Fact {
    let top = copies[0];
    let pin = pins.first().copied();
    let mut raw = format!("installed {} ({})", top.version, top.source());
    if let Some(at) = &top.nested {
        let _ = write!(raw, " at {at}");
    }
    match pin {
        Some(pin) if pin.version == top.version => {
            let _ = write!(raw, "\npinned {} ({})", pin.version, pin.source());
        }
        Some(pin) => {
            let _ = write!(
                raw,
                "\npinned {} ({}): the installed version is not the lock file's",
                pin.version,
                pin.source()
            );
        }
        None => raw.push_str("\nno lock file pins it"),
    }
    other_pins(&mut raw, pins);
    for other in copies.iter().skip(1).take(20) {
        let _ = write!(raw, "\nalso installed {} ({})", other.version, other.source());
        if let Some(at) = &other.nested {
            let _ = write!(raw, " at {at}");
        }
    }
    if copies.len() > 21 {
        let _ = write!(raw, "\nand {} more copies", copies.len() - 21);
    }
    for problem in problems.iter().filter(|p| p.file == top.file) {
        let _ = write!(raw, "\n{problem}");
    }
    let mut fact = Fact::empty(Status::Ok);
    fact.value = Some(top.version.clone());
    fact.pinned = pin.map(|p| p.version.clone());
    fact.raw = cap(raw, 8 * 1024);
    fact.found_at = Some(top.source());
    labelled(fact, top.ecosystem, &top.name)
}

/// The lock pins a target's `deps.*` facts carry, read back from its
/// snapshot (`--declared-from HOST`): the pin that counts has the fact's
/// `pinned` version, its file and line in the evidence's `pinned V
/// (FILE:LINE)` line that `installed_fact` and `not_installed` write; the
/// other lock files' pins are its `also pinned V (FILE:LINE)` lines.
pub fn pins_of(facts: &BTreeMap<String, Fact>) -> Vec<Package> {
    let mut out = Vec::new();
    for (id, fact) in facts {
        let Some((ecosystem, name)) = crate::deps::parse_fact_id(id) else { continue };
        let Some(version) = fact.pinned.clone() else { continue };
        let first = format!("pinned {version} (");
        let mut lines = fact.raw.lines().skip_while(|l| !l.starts_with(&first));
        let Some(line) = lines.next().and_then(|l| l.strip_prefix(&first)) else { continue };
        let pin = |version: String, line: &str| {
            let source = &line[..line.rfind(')')?];
            let (file, at) = match source.rsplit_once(':') {
                Some((file, at)) if !at.is_empty() && at.bytes().all(|b| b.is_ascii_digit()) => {
                    (file, at.parse().unwrap_or(0))
                }
                _ => (source, 0),
            };
            let (name, file) = (name.clone(), file.to_owned());
            Some(Package { ecosystem, name, version, file, line: at, nested: None })
        };
        out.extend(pin(version, line));
        // The other pins follow it (`other_pins`), and only they: a line
        // further down (a problem's) could name a file anything. A version
        // holds no space (`deps::is_version`): the first ` (` ends it.
        let others = lines.map_while(|l| l.strip_prefix("also pinned "));
        for other in others.take(MAX_OTHER_PINS) {
            let Some((version, line)) = other.split_once(" (") else { continue };
            if crate::deps::is_version(version) {
                out.extend(pin(version.to_owned(), line));
            }
        }
    }
    out
}

/// A package `pins` pin (the one that counts first) and nothing installs.
fn not_installed(pins: &[&Package]) -> Fact {
    let pin = pins[0];
    let mut fact = Fact::empty(Status::Missing);
    fact.pinned = Some(pin.version.clone());
    fact.raw = format!("pinned {} ({}), not installed", pin.version, pin.source());
    other_pins(&mut fact.raw, pins);
    labelled(fact, pin.ecosystem, &pin.name)
}

/// The most pins of one package besides the one that counts that a
/// fact's evidence names (a host's lock file could pin it a thousand times).
const MAX_OTHER_PINS: usize = 10;

/// The other lock files' pins of a package after the first, as evidence
/// `pins_of` reads back: two lock files pinning one package apart are a
/// declaration the project disagrees with itself on.
fn other_pins(raw: &mut String, pins: &[&Package]) {
    for pin in pins.iter().skip(1).take(MAX_OTHER_PINS) {
        let _ = write!(raw, "\nalso pinned {} ({})", pin.version, pin.source());
    }
    if pins.len() > MAX_OTHER_PINS + 1 {
        let _ = write!(raw, "\nand {} more pins", pins.len() - MAX_OTHER_PINS - 1);
    }
}

fn problem_fact(ecosystem: Ecosystem, problems: &[&Problem]) -> Fact {
    let mut fact = Fact::empty(Status::Error);
    let lines: Vec<String> = problems.iter().take(20).map(ToString::to_string).collect();
    fact.raw = lines.join("\n");
    if problems.len() > 20 {
        let _ = write!(fact.raw, "\nand {} more problems", problems.len() - 20);
    }
    fact.found_at = problems.first().map(|p| p.file.clone());
    let label = format!("{} (not read)", problems.first().map_or("?", |p| p.file.as_str()));
    labelled(fact, ecosystem, &label)
}

/// The `deps.*` facts of a remote target from its probe's deps fact
/// (`probe::script::deps_fact`): one output, the files as
/// `deps::stream` reads them.
pub fn from_probe(records: &[Record]) -> BTreeMap<String, Fact> {
    let mut found = Found::default();
    for record in records {
        if let Record::Read { source: 0, output, .. } = record {
            let (files, problems) = stream::split(output);
            found.problems.extend(problems);
            for (path, text) in files {
                found.add_file(&path, &text);
            }
        }
    }
    facts(&found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pins `facts` writes are the pins `pins_of` reads back: followed,
    /// not followed and not installed.
    #[test]
    fn pins_read_back_from_facts_are_the_lock_files() {
        let mut found = Found::default();
        found.add_file(
            "node_modules/.package-lock.json",
            r#"{"packages": {"node_modules/chalk": {"version": "4.1.2"}, "node_modules/ms": {"version": "2.1.2"}}}"#,
        );
        found.add_file(
            "package-lock.json",
            "{\"packages\": {\n\"node_modules/chalk\": {\"version\": \"4.1.1\"},\n\"node_modules/ms\": {\"version\": \"2.1.2\"},\n\"node_modules/gone\": {\"version\": \"1.0.0\"}}}",
        );
        found.add_file("requirements.txt", "# pins\nurllib3==2.0.7\n");
        let mut expected: Vec<Package> =
            found.pinned.iter().filter(|p| p.nested.is_none()).cloned().collect();
        expected.sort_by_key(|p| fact_id(p.ecosystem, &p.name));
        assert_eq!(expected.len(), 4, "{expected:?}");
        assert_eq!(pins_of(&facts(&found)), expected);
    }

    /// A package pinned by several lock files, and a thousand times by a
    /// hostile one: the others' pins come back, at most `MAX_OTHER_PINS`,
    /// and a line further down that looks like one is not a pin.
    #[test]
    fn other_lock_files_pins_read_back_bounded_and_only_where_written() {
        let mut found = Found::default();
        found.add_file("requirements.txt", "urllib3==2.0.7\n");
        found.add_file("requirements-dev.txt", &"urllib3==1.26.18\n".repeat(1000));
        let written = facts(&found);
        let pins = pins_of(&written);
        assert_eq!(pins.len(), 1 + MAX_OTHER_PINS, "{pins:?}");
        assert_eq!(
            (pins[0].version.as_str(), pins[0].file.as_str()),
            ("2.0.7", "requirements.txt")
        );
        assert_eq!((pins[1].version.as_str(), pins[1].line), ("1.26.18", 1));
        assert!(
            written["deps.python.urllib3"]
                .raw
                .ends_with(&format!("and {} more pins", 1000 - MAX_OTHER_PINS))
        );
        let mut two = Found::default();
        two.add_file("requirements.txt", "urllib3==2.0.7\n");
        two.add_file("requirements-dev.txt", "urllib3==1.26.18\n");
        let mut forged = facts(&two);
        let pins = pins_of(&forged);
        assert_eq!(pins.len(), 2, "{pins:?}");
        let fact = forged.get_mut("deps.python.urllib3").expect("the fact");
        fact.raw.push_str("\nno such line\nalso pinned 9.9 (evil.txt:1)");
        assert_eq!(pins_of(&forged), pins);
    }

    #[test]
    fn installed_packages_carry_their_pin_and_nested_copies() {
        let mut found = Found::default();
        found.add_file(
            "node_modules/.package-lock.json",
            r#"{"packages": {"node_modules/chalk": {"version": "4.1.2"}, "node_modules/x/node_modules/chalk": {"version": "2.4.2"}, "node_modules/ms": {"version": "2.1.2"}}}"#,
        );
        found.add_file(
            "package-lock.json",
            r#"{"packages": {"node_modules/chalk": {"version": "4.1.1"}, "node_modules/ms": {"version": "2.1.2"}, "node_modules/gone": {"version": "1.0.0"}}}"#,
        );
        let facts = facts(&found);
        let chalk = &facts["deps.node.chalk"];
        assert_eq!(chalk.value.as_deref(), Some("4.1.2"));
        assert_eq!(chalk.pinned.as_deref(), Some("4.1.1"));
        assert!(
            chalk.raw.contains("the installed version is not the lock file's"),
            "{}",
            chalk.raw
        );
        assert!(chalk.raw.contains("also installed 2.4.2"), "{}", chalk.raw);
        assert_eq!(chalk.category, CATEGORY);
        assert_eq!(chalk.compare, Some(CompareKind::Semver));
        assert_eq!(facts["deps.node.ms"].pinned.as_deref(), Some("2.1.2"));
        assert_eq!(facts["deps.node.gone"].status, Status::Missing);
        assert_eq!(facts.len(), 3);
    }

    #[test]
    fn the_system_s_gems_count_where_the_lock_names_them_its_version_first() {
        let mut found = Found::default();
        found.add_file("Gemfile.lock", "GEM\n  specs:\n    rake (13.0.6)\n");
        let spec = |name: &str, version: &str| {
            format!("  s.name = \"{name}\".freeze\n  s.version = \"{version}\"\n")
        };
        for (dir, name, version) in [
            ("/var/lib/gems/3.1.0/specifications", "rake", "13.2.1"),
            ("/usr/lib/ruby/gems/3.1.0/specifications", "rake", "13.0.6"),
            ("/usr/share/rubygems-integration/all/specifications", "webrick", "1.8.1"),
        ] {
            found.add_file(&format!("{dir}/{name}-{version}.gemspec"), &spec(name, version));
        }
        let facts = facts(&found);
        let rake = &facts["deps.ruby.rake"];
        assert_eq!(rake.value.as_deref(), Some("13.0.6"), "{}", rake.raw);
        assert_eq!(rake.pinned.as_deref(), Some("13.0.6"));
        assert!(rake.raw.contains("also installed 13.2.1 (/var/lib/gems/"), "{}", rake.raw);
        assert_eq!(facts.len(), 1, "webrick is the system's, not the app's: {facts:?}");
    }

    #[test]
    fn a_file_that_told_nothing_is_a_fact_of_its_own() {
        let mut found = Found::default();
        found.add_file("requirements.txt", "requests==2.31.0\n");
        found.add_file("package-lock.json", "{\n  oops\n}");
        let facts = facts(&found);
        let bad = &facts["deps.node._x21package-lock.json"];
        assert_eq!(bad.status, Status::Error);
        assert!(bad.raw.starts_with("package-lock.json:2: not JSON"), "{}", bad.raw);
        assert_eq!(facts["deps.python.requests"].status, Status::Missing);
        assert!(self::facts(&Found::default()).is_empty());
    }
}
