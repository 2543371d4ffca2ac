//! Ansible's YAML inventory (the `yaml` inventory plugin): top-level groups,
//! each with `hosts` (host patterns, each with its variables), `vars` and
//! `children` (groups again, at any depth); anchors, aliases and merge keys
//! as YAML has them. Where Ansible skips a key with a
//! warning, paritty refuses it with its line: a typo such as `host:` must
//! not quietly leave hosts out of a check.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::Value;

use super::builder::{Builder, host_pattern};
use super::{InventoryError, Vars};
use crate::output::flow_depth::{MAX_FLOW_DEPTH, too_deep};

type YamlVars = BTreeMap<String, Value>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlGroup {
    #[serde(default)]
    hosts: Option<BTreeMap<Pattern, Option<YamlVars>>>,
    #[serde(default)]
    vars: Option<YamlVars>,
    #[serde(default)]
    children: Option<BTreeMap<String, Option<YamlGroup>>>,
}

/// A host pattern as written, expanded (or why it cannot be).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pattern {
    text: String,
    expanded: Result<(Vec<String>, Option<u16>), String>,
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let expanded = host_pattern(&text);
        Ok(Pattern { text, expanded })
    }
}

/// The line where `key` is written as a mapping key (plain or quoted), for
/// a message about it: serde_yaml_ng places a key's own errors on the entry
/// before it.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let forms = [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")];
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ");
            forms.iter().any(|f| l.starts_with(f.as_str()))
        })
        .map(|i| i + 1)
}

pub(super) fn parse(text: &str, out: &mut Builder) -> Result<(), InventoryError> {
    let located = |e: &serde_yaml_ng::Error| {
        let message = e.to_string();
        // The position is given as the line; the message keeps its words.
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        out.error(e.location().map(|l| l.line()), message)
    };
    // Refused before the parser, whose scanner is quadratic in open ones.
    if let Some(line) = too_deep(text) {
        return Err(
            out.error(Some(line), format!("`[` and `{{` nested deeper than {MAX_FLOW_DEPTH}"))
        );
    }
    let top: Value = serde_yaml_ng::from_str(text).map_err(|e| located(&e))?;
    match &top {
        Value::Mapping(map) if map.contains_key("plugin") => {
            return Err(out.error(
                None,
                "a dynamic inventory plugin's configuration: give paritty the output of \
                 `ansible-inventory -i FILE --list` instead",
            ));
        }
        Value::Mapping(map) if !map.is_empty() => {}
        Value::Null => return Err(out.error(None, "the YAML inventory is empty")),
        _ => return Err(out.error(None, "a YAML inventory is a mapping of group names")),
    }
    // Merge keys (`<<: *anchor`) are applied as Ansible's YAML loader does;
    // the typed reading of the text itself keeps the lines for messages.
    let groups: BTreeMap<String, Option<YamlGroup>> = if text.contains("<<") {
        let mut merged = top;
        // A merged mapping may bring merge keys of its own (an anchor that
        // merges another): each round resolves one level.
        for _ in 0..MERGE_DEPTH {
            if !has_merge_key(&merged) {
                break;
            }
            merged.apply_merge().map_err(|e| located(&e))?;
        }
        if has_merge_key(&merged) {
            return Err(out.error(None, format!("merge keys nested more than {MERGE_DEPTH} deep")));
        }
        serde_yaml_ng::from_value(merged).map_err(|e| located(&e))?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| located(&e))?
    };
    for (name, group) in groups {
        add(&name, group.unwrap_or_default(), text, out)?;
    }
    Ok(())
}

fn add(name: &str, group: YamlGroup, text: &str, out: &mut Builder) -> Result<(), InventoryError> {
    out.group(name);
    for (pattern, vars) in group.hosts.unwrap_or_default() {
        let (names, port) = pattern.expanded.map_err(|e| {
            out.error(line_of_key(text, &pattern.text), format!("group `{name}`: {e}"))
        })?;
        let mut vars = to_vars(vars.unwrap_or_default());
        if let Some(port) = port {
            vars.insert("ansible_port".into(), Some(port.to_string()));
        }
        for host in names {
            out.host(name, &host, vars.clone())?;
        }
    }
    let vars = to_vars(group.vars.unwrap_or_default());
    out.group(name).vars.extend(vars);
    for (child, body) in group.children.unwrap_or_default() {
        out.child(name, &child);
        add(&child, body.unwrap_or_default(), text, out)?;
    }
    Ok(())
}

fn to_vars(vars: YamlVars) -> Vars {
    vars.into_iter().map(|(k, v)| (k, scalar(&v))).collect()
}

/// Merge keys merging merge keys, at most this deep.
const MERGE_DEPTH: usize = 16;

fn has_merge_key(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(k, v)| k == "<<" || has_merge_key(v)),
        Value::Sequence(items) => items.iter().any(has_merge_key),
        Value::Tagged(t) => has_merge_key(&t.value),
        _ => false,
    }
}

/// A scalar as text; a list or mapping is not one value.
pub(super) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Tagged(t) => scalar(&t.value),
        Value::Sequence(_) | Value::Mapping(_) => None,
    }
}
