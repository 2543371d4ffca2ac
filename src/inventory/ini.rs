//! Ansible's INI inventory (the `ini` inventory plugin): `[group]` host
//! lines with `key=value` variables, `[group:vars]`, `[group:children]`,
//! hosts before any section in `ungrouped`. Every line Ansible would refuse
//! is refused here with its line number; a `[group:vars]` for a group never
//! declared, or a child group never declared, likewise (as Ansible does).

use std::collections::BTreeMap;

use super::builder::{Builder, host_pattern};
use super::{InventoryError, Vars, words};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Hosts,
    Vars,
    Children,
}

pub(super) fn parse(text: &str, out: &mut Builder) -> Result<(), InventoryError> {
    let mut group = "ungrouped".to_owned();
    let mut section = Section::Hosts;
    // Groups referred to before being declared, and where: a `:vars`
    // section or a child entry must be matched by a declaration somewhere.
    let mut pending: BTreeMap<String, (usize, Section, String)> = BTreeMap::new();
    let path = out.path.clone();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        let bad =
            |message: String| InventoryError { path: path.clone(), line: Some(number), message };
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some((name, kind)) = header(line) {
            section = match kind {
                None | Some("hosts") => Section::Hosts,
                Some("vars") => Section::Vars,
                Some("children") => Section::Children,
                Some(other) => {
                    return Err(bad(format!(
                        "section [{name}:{other}] has unknown type `{other}`"
                    )));
                }
            };
            let implicit = name == "all" || name == "ungrouped";
            if section == Section::Vars {
                if !implicit && !out.has_group(name) && !pending.contains_key(name) {
                    pending.insert(name.to_owned(), (number, section, name.to_owned()));
                }
            } else {
                // Declared: whatever referred to it before is matched.
                pending.remove(name);
            }
            out.group(name);
            name.clone_into(&mut group);
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(bad(format!(
                "invalid section `{line}` (no spaces in a group name; types are vars and children)"
            )));
        }
        match section {
            Section::Hosts => host_line(line, &group, out).map_err(bad)?,
            Section::Vars => {
                let (key, value) = line
                    .split_once('=')
                    .ok_or_else(|| bad(format!("expected key=value, got `{line}`")))?;
                let key = key.trim();
                if key.is_empty() {
                    return Err(bad(format!("expected key=value, got `{line}`")));
                }
                out.group(&group).vars.insert(key.to_owned(), value_of(value.trim()));
            }
            Section::Children => {
                let child = child_name(line)
                    .ok_or_else(|| bad(format!("expected a group name, got `{line}`")))?;
                if !out.has_group(child) && child != "all" && child != "ungrouped" {
                    pending.entry(child.to_owned()).or_insert((
                        number,
                        Section::Children,
                        group.clone(),
                    ));
                }
                out.child(&group, child);
            }
        }
    }
    // The first reference never matched by a declaration, as Ansible says.
    if let Some((name, (line, section, parent))) = pending.into_iter().min_by_key(|(_, p)| p.0) {
        let message = match section {
            Section::Children => {
                format!("[{parent}:children] names `{name}`, a group never declared")
            }
            _ => format!("[{name}:vars] is for `{name}`, a group never declared"),
        };
        return Err(out.error(Some(line), message));
    }
    Ok(())
}

/// `[name]` or `[name:kind]`, optionally followed by a `#` comment.
fn header(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix('[')?;
    let close = inner.find(']')?;
    let after = inner[close + 1..].trim_start();
    if !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    let inner = &inner[..close];
    let (name, kind) = match inner.split_once(':') {
        Some((n, k)) => (n, Some(k)),
        None => (inner, None),
    };
    let name_ok = !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == '[');
    let kind_ok =
        kind.is_none_or(|k| !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_'));
    (name_ok && kind_ok).then_some((name, kind))
}

/// A child group's name: one word, optionally followed by a `#` comment.
fn child_name(line: &str) -> Option<&str> {
    let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let ok = !name.contains([':', ']']) && (rest.trim().is_empty() || rest.trim().starts_with('#'));
    ok.then_some(name)
}

/// `pattern key=value...`: the hosts of the pattern, each given the variables.
fn host_line(line: &str, group: &str, out: &mut Builder) -> Result<(), String> {
    let words = words::split(line)?;
    let Some((pattern, assignments)) = words.split_first() else { return Ok(()) };
    let (names, port) = host_pattern(pattern)?;
    let mut vars = Vars::new();
    for word in assignments {
        let (key, value) = word
            .split_once('=')
            .ok_or_else(|| format!("expected key=value host variable assignment, got `{word}`"))?;
        vars.insert(key.to_owned(), value_of(value));
    }
    if let Some(port) = port {
        vars.insert("ansible_port".into(), Some(port.to_string()));
    }
    for name in names {
        out.host(group, &name, vars.clone()).map_err(|e| e.message)?;
    }
    Ok(())
}

/// A value as Ansible's `ast.literal_eval` attempt leaves it: a quoted
/// string (with at most a `#` comment after it) unquoted, a decimal number
/// as written, a list or mapping `None` (not one value), anything else the
/// text itself.
fn value_of(value: &str) -> Option<String> {
    if let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
        && let Some(end) = value[1..].find(quote)
    {
        let rest = value[end + 2..].trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            return Some(value[1..=end].to_owned());
        }
    }
    if looks_like_collection(value) {
        return None;
    }
    match value {
        "True" => Some("true".into()),
        "False" => Some("false".into()),
        _ => Some(value.to_owned()),
    }
}

/// `[1, 'a']` or `{'k': 1}`: a Python literal list or dict (each item quoted
/// or a number). `[web]` or `{{ x }}` is not one: Python cannot read it, so
/// Ansible keeps it as text.
fn looks_like_collection(value: &str) -> bool {
    let inner = match (value.chars().next(), value.chars().last()) {
        (Some('['), Some(']')) | (Some('{'), Some('}')) if value.len() > 1 => {
            &value[1..value.len() - 1]
        }
        _ => return false,
    };
    inner.split(',').map(str::trim).all(|item| {
        item.is_empty()
            || item.starts_with(['\'', '"'])
            || item.starts_with(|c: char| c.is_ascii_digit())
    })
}
