//! Ansible inventories as paritty targets: INI and YAML inventories and
//! `ansible-inventory --list` JSON (which covers dynamic inventories), read
//! into one model of groups, hosts and variables, resolved the way Ansible
//! resolves them (group variables from `all` down to the host's own groups,
//! host variables last). Nothing is evaluated: a Jinja template is text, and
//! a connection variable holding one is refused (`connection.rs`).

mod builder;
mod connection;
mod index;
mod ini;
mod json;
pub mod natural;
pub mod ranges;
mod words;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use builder::Builder;
pub use connection::Connection;
use index::Index;

/// The largest inventory file read (a generated `--list` of a big fleet fits).
pub const MAX_INVENTORY_BYTES: u64 = 16 << 20;

/// The most hosts one inventory file may hold (a fleet of thousands fits).
pub const MAX_HOSTS: usize = 100_000;

/// Variables as Ansible sees them; a scalar as text (`22`, `true`), a list
/// or mapping as `None` (kept so a connection variable set to one is
/// refused rather than silently ignored).
pub type Vars = BTreeMap<String, Option<String>>;

/// One group: its own hosts, its child groups, its variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Group {
    hosts: BTreeSet<String>,
    children: BTreeSet<String>,
    vars: Vars,
}

/// Every inventory given, merged (a later file's variables win, as in Ansible).
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    groups: BTreeMap<String, Group>,
    /// Each host's own variables and the file it was first read from.
    hosts: BTreeMap<String, (Vars, PathBuf)>,
}

/// One host as selected: its name, the groups it is in (natural order,
/// `all` left out) and its variables resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryHost {
    pub name: String,
    pub groups: Vec<String>,
    pub vars: Vars,
    /// Where it was defined, for messages.
    pub origin: PathBuf,
}

/// An inventory that cannot be used: the file, the line when known, and
/// what is wrong, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = crate::output::sanitize::one_line(&self.message);
        match self.line {
            Some(line) => write!(f, "inventory {}:{line}: {message}", self.path.display()),
            None => write!(f, "inventory {}: {message}", self.path.display()),
        }
    }
}

impl std::error::Error for InventoryError {}

impl Inventory {
    /// Reads and merges `paths` in order.
    pub fn load(paths: &[PathBuf]) -> Result<Inventory, InventoryError> {
        let mut inventory = Inventory::default();
        for path in paths {
            inventory.read(path)?;
        }
        Ok(inventory)
    }

    /// Whether no inventory was given.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.hosts.is_empty()
    }

    fn read(&mut self, path: &Path) -> Result<(), InventoryError> {
        let text = crate::fsutil::read_text(path, MAX_INVENTORY_BYTES).map_err(|e| {
            InventoryError { path: path.to_owned(), line: None, message: e.problem.to_string() }
        })?;
        let mut parsed = Builder::new(path);
        let yaml = path.extension().is_some_and(|x| x == "yml" || x == "yaml");
        // By name first, as Ansible's yaml plugin goes by the extension (a
        // YAML flow mapping also starts with `{`); then `--list` JSON by its
        // first character; anything else is INI, Ansible's default.
        if yaml {
            yaml::parse(&text, &mut parsed)?;
        } else if text.trim_start().starts_with('{') {
            json::parse(&text, &mut parsed)?;
        } else {
            ini::parse(&text, &mut parsed)?;
        }
        parsed.check_cycles()?;
        self.merge(parsed);
        Ok(())
    }

    fn merge(&mut self, parsed: Builder) {
        for (name, group) in parsed.inventory.groups {
            let mine = self.groups.entry(name).or_default();
            mine.hosts.extend(group.hosts);
            mine.children.extend(group.children);
            mine.vars.extend(group.vars);
        }
        for (name, (vars, origin)) in parsed.inventory.hosts {
            let mine = self.hosts.entry(name).or_insert_with(|| (Vars::new(), origin));
            mine.0.extend(vars);
        }
    }

    /// The group names, natural order (`all` and `ungrouped` included once
    /// anything was read).
    pub fn group_names(&self) -> Vec<&str> {
        let mut names: BTreeSet<&str> = self.groups.keys().map(String::as_str).collect();
        if !self.is_empty() {
            names.extend(["all", "ungrouped"]);
        }
        let mut names: Vec<&str> = names.into_iter().collect();
        natural::sort(&mut names, |n| n);
        names
    }

    /// The hosts of `group` (its own and its children's, at any depth), in
    /// natural order; `None` when there is no such group.
    pub fn group(&self, group: &str) -> Option<Vec<InventoryHost>> {
        let index = Index::new(self);
        let names: BTreeSet<&str> = match group {
            "all" if !self.is_empty() => self.hosts.keys().map(String::as_str).collect(),
            "ungrouped" if !self.is_empty() => self
                .hosts
                .keys()
                .map(String::as_str)
                .filter(|h| index.groups_of(h).iter().all(|g| *g == "all" || *g == "ungrouped"))
                .collect(),
            _ => {
                self.groups.get(group)?;
                let mut found = BTreeSet::new();
                self.collect_hosts(group, &mut found, &mut BTreeSet::new());
                found
            }
        };
        let mut hosts: Vec<InventoryHost> =
            names.into_iter().filter_map(|h| self.resolve(h, &index)).collect();
        natural::sort(&mut hosts, |h| &h.name);
        Some(hosts)
    }

    fn collect_hosts<'a>(
        &'a self,
        group: &'a str,
        found: &mut BTreeSet<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) {
        if !seen.insert(group) {
            return;
        }
        if let Some(g) = self.groups.get(group) {
            found.extend(g.hosts.iter().map(String::as_str));
            for child in &g.children {
                self.collect_hosts(child, found, seen);
            }
        }
    }

    /// One host with its variables resolved, if the inventory has it.
    pub fn host(&self, name: &str) -> Option<InventoryHost> {
        self.resolve(name, &Index::new(self))
    }

    /// [`Inventory::host`] with the index built once for many hosts.
    fn resolve(&self, name: &str, index: &Index<'_>) -> Option<InventoryHost> {
        let (own, origin) = self.hosts.get(name)?;
        let mut groups = index.groups_of(name);
        let depth = &index.depth;
        // Ansible's order: `all` first, then by depth, then by name; the
        // host's own variables last.
        groups.sort_by(|a, b| {
            let d = |g: &str| depth.get(g).copied().unwrap_or(1);
            d(a).cmp(&d(b)).then_with(|| a.cmp(b))
        });
        let mut vars = self.groups.get("all").map(|g| g.vars.clone()).unwrap_or_default();
        for group in &groups {
            if let Some(g) = self.groups.get(*group) {
                vars.extend(g.vars.clone());
            }
        }
        vars.extend(own.clone());
        // `ungrouped` only when in no other group, as Ansible reconciles it.
        let mut shown: Vec<String> = groups
            .iter()
            .filter(|g| **g != "all" && **g != "ungrouped")
            .map(|g| (*g).to_owned())
            .collect();
        if shown.is_empty() {
            shown.push("ungrouped".to_owned());
        }
        natural::sort(&mut shown, |g| g);
        Some(InventoryHost { name: name.to_owned(), groups: shown, vars, origin: origin.clone() })
    }
}

#[cfg(test)]
mod tests;
