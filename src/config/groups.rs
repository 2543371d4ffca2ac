//! `[[group]]` in paritty.toml: named sets of `[[host]]` names, and of
//! other groups as `children`, for those without an Ansible inventory.
//! `@NAME` selects a group's hosts and each host's groups become its
//! `groups` label, as an inventory's do. Checked when the file is read:
//! a group naming an unknown host or group, a name given twice and a cycle
//! of children are refused with their place.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use super::Config;
use crate::inventory::natural;

/// Names Ansible gives a meaning of their own; refused as group names so
/// `@all` reads the same with an inventory and without.
const RESERVED: [&str; 2] = ["all", "ungrouped"];

/// One `[[group]]` as written, with the places of its names for messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub name: Spanned<String>,
    /// `[[host]]` names.
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    /// Other groups whose hosts are this group's too.
    #[serde(default)]
    pub children: Vec<Spanned<String>>,
}

/// What is wrong with the groups: the byte offset it is about, and why.
pub(super) struct GroupProblem {
    pub offset: usize,
    pub message: String,
}

/// Checks every group against the hosts and the other groups.
pub(super) fn check(groups: &[GroupDef], hosts: &[&str]) -> Result<(), GroupProblem> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for group in groups {
        let name = group.name.get_ref().as_str();
        let at = group.name.span().start;
        let problem = if name.is_empty() {
            Some("a group needs a name".to_owned())
        } else if RESERVED.contains(&name) {
            Some(format!("`{name}` is reserved (it means what it means in Ansible)"))
        } else if name.starts_with('@') || name.chars().any(|c| c.is_control() || c == ',') {
            Some(format!("`{}` is not a group name (no `@` first, no `,`)", name.escape_debug()))
        } else if !seen.insert(name) {
            Some(format!("group `{name}` is defined twice"))
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(GroupProblem { offset: at, message });
        }
    }
    for group in groups {
        let name = group.name.get_ref();
        for host in &group.hosts {
            if !hosts.contains(&host.get_ref().as_str()) {
                return Err(GroupProblem {
                    offset: host.span().start,
                    message: format!(
                        "group `{name}`: `{}` is not a [[host]] of this file",
                        host.get_ref().escape_debug()
                    ),
                });
            }
        }
        for child in &group.children {
            if !seen.contains(child.get_ref().as_str()) {
                return Err(GroupProblem {
                    offset: child.span().start,
                    message: format!(
                        "group `{name}`: child `{}` is not a [[group]] of this file",
                        child.get_ref().escape_debug()
                    ),
                });
            }
        }
    }
    check_cycles(groups)
}

/// A group must not contain itself through its children: a depth-first
/// walk that visits each group once (so a diamond of children costs no more
/// than a chain), the path on the stack naming the cycle.
fn check_cycles(groups: &[GroupDef]) -> Result<(), GroupProblem> {
    let children: BTreeMap<&str, &[Spanned<String>]> =
        groups.iter().map(|g| (g.name.get_ref().as_str(), g.children.as_slice())).collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for group in groups {
        let root = group.name.get_ref().as_str();
        if done.contains(root) {
            continue;
        }
        // Each frame: a group on the path and how many of its children were walked.
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some(&(name, next)) = stack.last() {
            let Some(child) = children.get(name).and_then(|c| c.get(next)) else {
                done.insert(name);
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let child_name = child.get_ref().as_str();
            if let Some(at) = stack.iter().position(|(n, _)| *n == child_name) {
                let mut path: Vec<&str> = stack[at..].iter().map(|(n, _)| *n).collect();
                path.push(child_name);
                return Err(GroupProblem {
                    offset: child.span().start,
                    message: format!("groups form a cycle: {}", path.join(" -> ")),
                });
            }
            if !done.contains(child_name) {
                stack.push((child_name, 0));
            }
        }
    }
    Ok(())
}

impl Config {
    /// The group names, natural order.
    pub fn group_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.groups.iter().map(|g| g.name.get_ref().as_str()).collect();
        natural::sort(&mut names, |n| n);
        names
    }

    /// The hosts of `group` (its own and its children's, at any depth), in
    /// natural order; `None` when there is no such group. Without a group
    /// named so, `all` is every `[[host]]`.
    pub fn group(&self, group: &str) -> Option<Vec<&str>> {
        if group == "all" {
            let mut all: Vec<&str> = self.hosts.iter().map(|h| h.name.as_str()).collect();
            natural::sort(&mut all, |n| n);
            return Some(all);
        }
        self.find_group(group)?;
        let mut found: BTreeSet<&str> = BTreeSet::new();
        let mut todo = vec![group];
        let mut seen = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some(def) = self.find_group(name) {
                found.extend(def.hosts.iter().map(|h| h.get_ref().as_str()));
                todo.extend(def.children.iter().map(|c| c.get_ref().as_str()));
            }
        }
        let mut hosts: Vec<&str> = found.into_iter().collect();
        natural::sort(&mut hosts, |n| n);
        Some(hosts)
    }

    /// Every group `host` is in, directly or through a child group, in
    /// natural order.
    pub fn groups_of(&self, host: &str) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .groups
            .iter()
            .map(|g| g.name.get_ref().as_str())
            .filter(|g| self.group(g).is_some_and(|hosts| hosts.contains(&host)))
            .collect();
        natural::sort(&mut names, |n| n);
        names
    }

    fn find_group(&self, name: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.name.get_ref() == name)
    }
}
