//! What resolving many hosts at once needs, computed once per selection:
//! each host's own groups, each group's parents, each group's depth below
//! `all` (a fleet of thousands would otherwise rescan every group per host).

use std::collections::{BTreeMap, BTreeSet};

use super::Inventory;

pub(super) struct Index<'a> {
    /// The groups a host is listed in directly.
    direct: BTreeMap<&'a str, Vec<&'a str>>,
    /// The groups that list a group among their children.
    parents: BTreeMap<&'a str, Vec<&'a str>>,
    /// Each group's depth below `all` (a child is deeper than its deepest
    /// parent), which orders group variables.
    pub(super) depth: BTreeMap<&'a str, usize>,
}

impl<'a> Index<'a> {
    pub(super) fn new(inventory: &'a Inventory) -> Index<'a> {
        let mut direct: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut parents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, group) in &inventory.groups {
            for host in &group.hosts {
                direct.entry(host.as_str()).or_default().push(name.as_str());
            }
            for child in &group.children {
                parents.entry(child.as_str()).or_default().push(name.as_str());
            }
        }
        let depth = depths(inventory);
        Index { direct, parents, depth }
    }

    /// Every group `host` is in, directly or through a child group.
    pub(super) fn groups_of(&self, host: &str) -> Vec<&'a str> {
        let mut out: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = self.direct.get(host).cloned().unwrap_or_default();
        while let Some(group) = todo.pop() {
            if out.insert(group) {
                todo.extend(self.parents.get(group).into_iter().flatten());
            }
        }
        out.into_iter().collect()
    }
}

fn depths(inventory: &Inventory) -> BTreeMap<&str, usize> {
    let groups = &inventory.groups;
    let mut depth: BTreeMap<&str, usize> =
        groups.keys().map(|g| (g.as_str(), usize::from(g != "all"))).collect();
    // Cycles were refused on reading, so this settles within as many rounds
    // as there are groups.
    for _ in 0..=groups.len() {
        let mut changed = false;
        for (name, group) in groups {
            let d = depth[name.as_str()];
            for child in &group.children {
                if let Some(c) = depth.get_mut(child.as_str())
                    && *c < d + 1
                {
                    *c = d + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    depth
}
