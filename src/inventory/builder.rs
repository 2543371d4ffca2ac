//! One inventory file being read: what the parsers add groups, hosts and
//! variables through (with the host cap and the cycle check), and host
//! patterns (`host[:port]` with ranges) as Ansible's `parse_address` reads them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Group, Inventory, InventoryError, MAX_HOSTS, Vars, ranges};

/// One file being read: the parsers add to it, then it is checked and merged.
pub(super) struct Builder {
    pub(super) path: PathBuf,
    pub(super) inventory: Inventory,
}

impl Builder {
    pub(super) fn new(path: &Path) -> Builder {
        Builder { path: path.to_owned(), inventory: Inventory::default() }
    }

    pub(super) fn error(&self, line: Option<usize>, message: impl Into<String>) -> InventoryError {
        InventoryError { path: self.path.clone(), line, message: message.into() }
    }

    pub(super) fn group(&mut self, name: &str) -> &mut Group {
        self.inventory.groups.entry(name.to_owned()).or_default()
    }

    pub(super) fn has_group(&self, name: &str) -> bool {
        self.inventory.groups.contains_key(name)
    }

    /// Adds `host` to `group` (and to the inventory), with `vars` set on it;
    /// refused past `MAX_HOSTS` (ranges multiply quickly).
    pub(super) fn host(
        &mut self,
        group: &str,
        host: &str,
        vars: Vars,
    ) -> Result<(), InventoryError> {
        if self.inventory.hosts.len() >= MAX_HOSTS && !self.inventory.hosts.contains_key(host) {
            return Err(self.error(None, format!("more than {MAX_HOSTS} hosts")));
        }
        self.group(group).hosts.insert(host.to_owned());
        let path = self.path.clone();
        self.inventory
            .hosts
            .entry(host.to_owned())
            .or_insert_with(|| (Vars::new(), path))
            .0
            .extend(vars);
        Ok(())
    }

    pub(super) fn child(&mut self, parent: &str, child: &str) {
        self.group(child);
        self.group(parent).children.insert(child.to_owned());
    }

    /// Ansible refuses a group that is its own ancestor.
    pub(super) fn check_cycles(&self) -> Result<(), InventoryError> {
        let groups = &self.inventory.groups;
        for start in groups.keys() {
            let mut todo: Vec<&str> = groups[start].children.iter().map(String::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(g) = todo.pop() {
                if g == start {
                    return Err(self.error(None, format!("group `{start}` is its own descendant")));
                }
                if seen.insert(g) {
                    todo.extend(
                        groups
                            .get(g)
                            .into_iter()
                            .flat_map(|x| x.children.iter().map(String::as_str)),
                    );
                }
            }
        }
        Ok(())
    }
}

/// `host[:port]` as Ansible's `parse_address` splits a host pattern: a port
/// after the last `:` outside `[...]` when the rest holds no other `:`
/// (so a bare IPv6 address stays whole); then its ranges expanded.
pub(super) fn host_pattern(pattern: &str) -> Result<(Vec<String>, Option<u16>), String> {
    let mut depth = 0i32;
    let mut colons = Vec::new();
    for (i, c) in pattern.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => colons.push(i),
            _ => {}
        }
    }
    let (name, port) = match colons.as_slice() {
        [at] => {
            let port = &pattern[at + 1..];
            let port = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{pattern}`: `{port}` is not a port"))?;
            (&pattern[..*at], Some(port))
        }
        _ => (pattern, None),
    };
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{pattern}` is not a host name"));
    }
    let names = ranges::expand(name).map_err(|e| e.to_string())?;
    Ok((names, port))
}
