//! Compose files: the services a developer's `compose.yaml` runs, read as
//! YAML (anchors and merge keys as YAML has them; nothing interpolated
//! but `${VAR:-default}` read as its default; nothing evaluated). Each
//! service's image declares the tools it pins (`images::image_fact`) and,
//! when it is a backing service (`services.rs`), the dev side of one of the
//! app's roles: `backing.database` is `postgres:16-alpine`.
//!
//! Which role a service plays: the one whose URL in the app's
//! configuration names it as its host (`DATABASE_URL=postgres://db/app`
//! and a service `db`, or its `hostname`, `container_name` or a network
//! alias); else the role its type usually plays (PostgreSQL the database,
//! Redis the cache: `backing::roles::usual_role`), when one service alone
//! could play it. Two that could are reported, not guessed.

use serde_yaml_ng::{Mapping, Value};

use std::collections::BTreeMap;

use super::images::{image_fact, substitute};
use super::services::service_image;
use super::{Declaration, Parsed, Problem, Rules};
use crate::backing::roles::usual_role;
use crate::output::flow_depth::{MAX_FLOW_DEPTH, too_deep};

/// The base files `docker compose` looks for, in its order: the first
/// found is the project's (the others are not read, as compose reads only
/// one).
pub const BASES: &[&str] =
    &["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// The override files `docker compose` merges over the base, the first found.
pub const OVERRIDES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Merge keys that bring merge keys of their own are resolved a level per
/// round; deeper than this is not a compose file a person wrote.
const MERGE_DEPTH: usize = 8;

/// A role whose URL in the app's configuration names a host (`db` of
/// `postgres://user@db:5432/app`): the compose service of that name plays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppHost {
    pub role: String,
    pub host: String,
}

/// Whether `name` is one of the compose files.
pub fn is_compose(name: &str) -> bool {
    BASES.contains(&name) || OVERRIDES.contains(&name)
}

/// The files of the project among those present (names in `present`):
/// the first base and the first override, in that order.
pub fn project<'a>(present: &[&'a str]) -> Vec<&'a str> {
    let first = |names: &[&str]| present.iter().copied().find(|p| names.contains(p));
    first(BASES).into_iter().chain(first(OVERRIDES)).collect()
}

/// One service as the project's files define it (a later file's image
/// replaces an earlier one's, as compose merges an override).
#[derive(Debug)]
struct Service {
    name: String,
    /// The image as written, its file and line.
    image: Option<(String, String, usize)>,
    /// Its name, `hostname`, `container_name` and network aliases: the
    /// hosts the app may reach it by.
    hosts: Vec<String>,
}

/// The declarations of a compose project: `files` (name, text) in the
/// order compose merges them, `hosts` the roles the app's URLs name.
pub fn declarations(files: &[(&str, &str)], hosts: &[AppHost]) -> Parsed {
    let mut problems = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    for (name, text) in files {
        match services_of(name, text) {
            Ok(found) => merge(&mut services, found),
            Err(problem) => problems.push(problem),
        }
    }
    let mut found = Vec::new();
    for s in &services {
        if let Some((image, file, line)) = &s.image
            && let Some((fact, version)) = image_fact(&substitute(image, &BTreeMap::new()))
        {
            found.push(Declaration::new(fact, &version, Rules::Prefix, file, *line));
        }
    }
    found.extend(roles(&services, hosts, &mut problems));
    (found, problems)
}

/// The backing declarations: each service of a known image given its role.
fn roles(services: &[Service], hosts: &[AppHost], problems: &mut Vec<Problem>) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    let mut played: Vec<&str> = Vec::new();
    // The app's URLs first: the service a role's URL names plays it.
    for h in hosts {
        let named =
            services.iter().find(|s| s.hosts.iter().any(|n| n.eq_ignore_ascii_case(&h.host)));
        let Some(service) = named else { continue };
        taken.push(&h.role);
        played.push(&service.name);
        // A service built here, or of an image paritty does not know,
        // declares no version: the role is still its, and not guessed.
        if let Some((image, file, line)) = &service.image
            && service_image(image).is_some()
        {
            out.push(backing(&h.role, image, file, *line));
        }
    }
    // Then each remaining service of a known type, in its usual role, when
    // no URL chose and no other service could play it.
    let mut by_role: Vec<(&str, Vec<&Service>)> = Vec::new();
    for s in services.iter().filter(|s| !played.contains(&s.name.as_str())) {
        let Some((image, ..)) = &s.image else { continue };
        let Some(role) = service_image(image).and_then(|i| usual_role(i.service)) else { continue };
        if taken.contains(&role) {
            continue;
        }
        match by_role.iter_mut().find(|(r, _)| *r == role) {
            Some((_, list)) => list.push(s),
            None => by_role.push((role, vec![s])),
        }
    }
    for (role, candidates) in by_role {
        match candidates.as_slice() {
            [s] => {
                if let Some((image, file, line)) = &s.image {
                    out.push(backing(role, image, file, *line));
                }
            }
            several => {
                let names: Vec<String> = several.iter().map(|s| format!("`{}`", s.name)).collect();
                let (file, line) =
                    several[0].image.as_ref().map_or(("compose", 1), |(_, f, l)| (f.as_str(), *l));
                problems.push(Problem::warning(
                    file,
                    Some(line),
                    format!(
                        "services {} could each be the app's {role}: none declared \
                         (the host in the app's URL for it names the one)",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    out
}

fn backing(role: &str, image: &str, file: &str, line: usize) -> Declaration {
    Declaration::new(&format!("backing.{role}"), image, Rules::Image, file, line)
}

/// Services of a later file replace the image and hosts they set.
fn merge(services: &mut Vec<Service>, found: Vec<Service>) {
    for s in found {
        match services.iter_mut().find(|t| t.name == s.name) {
            Some(t) => {
                if s.image.is_some() {
                    t.image = s.image;
                }
                for h in s.hosts {
                    if !t.hosts.contains(&h) {
                        t.hosts.push(h);
                    }
                }
            }
            None => services.push(s),
        }
    }
}

/// One file's services; a file that is not YAML, or whose `services` is
/// not a mapping, is one problem with its line.
fn services_of(file: &str, text: &str) -> Result<Vec<Service>, Problem> {
    let located = |e: &serde_yaml_ng::Error| {
        let message = e.to_string();
        // The line is given apart; the message keeps its words.
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        Problem::new(file, e.location().map(|l| l.line()), format!("not valid YAML: {message}"))
    };
    if let Some(line) = too_deep(text) {
        let why = format!("not valid YAML: `[` and `{{` nested deeper than {MAX_FLOW_DEPTH}");
        return Err(Problem::new(file, Some(line), why));
    }
    let mut top: Value = serde_yaml_ng::from_str(text).map_err(|e| located(&e))?;
    for _ in 0..MERGE_DEPTH {
        if !has_merge_key(&top) {
            break;
        }
        top.apply_merge().map_err(|e| located(&e))?;
    }
    let services = match top.get("services") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Mapping(services)) => services,
        Some(_) => {
            let line = super::line_of(text, 0, "services:");
            return Err(Problem::new(file, Some(line), "`services` is not a mapping"));
        }
    };
    let mut out = Vec::new();
    for (name, body) in services {
        let Some(name) = name.as_str() else { continue };
        let body = body.as_mapping();
        let text_of = |key: &str| body.and_then(|b| b.get(key)).and_then(Value::as_str);
        let image = text_of("image")
            .map(|image| (image.trim().to_owned(), file.to_owned(), image_line(text, name, image)));
        let mut hosts = vec![name.to_owned()];
        hosts.extend(
            ["hostname", "container_name"].iter().filter_map(|k| text_of(k)).map(str::to_owned),
        );
        hosts.extend(aliases(body.and_then(|b| b.get("networks"))));
        out.push(Service { name: name.to_owned(), image, hosts });
    }
    Ok(out)
}

/// Network aliases: `networks: {NAME: {aliases: [...]}}` (the long
/// syntax; the short one, a list of network names, has none).
fn aliases(networks: Option<&Value>) -> Vec<String> {
    let Some(Value::Mapping(networks)) = networks else { return Vec::new() };
    networks
        .values()
        .filter_map(|n| n.get("aliases").and_then(Value::as_sequence))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn has_merge_key(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map_has_merge_key(map),
        Value::Sequence(items) => items.iter().any(has_merge_key),
        Value::Tagged(tagged) => has_merge_key(&tagged.value),
        _ => false,
    }
}

fn map_has_merge_key(map: &Mapping) -> bool {
    map.keys().any(|k| k.as_str() == Some("<<")) || map.values().any(has_merge_key)
}

/// The line of `image` for service `name`: its `image:` line inside the
/// service's block, else the first `image:` line with that text anywhere
/// (an anchor it merges), else the service's key, else the first line.
fn image_line(text: &str, name: &str, image: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_key = |l: &str| {
        let l = l.trim_start();
        [format!("{name}:"), format!("\"{name}\":"), format!("'{name}':")]
            .iter()
            .any(|k| l.starts_with(k.as_str()))
    };
    let is_image = |l: &str| {
        let l = l.trim_start();
        l.starts_with("image:") && l.contains(image.trim())
    };
    let services = lines.iter().position(|l| l.starts_with("services:")).unwrap_or(0);
    let key = lines.iter().skip(services + 1).position(|l| is_key(l)).map(|i| i + services + 1);
    let inside = key.and_then(|k| {
        let block = lines[k + 1..].iter().take_while(|l| {
            l.trim().is_empty() || l.trim_start().starts_with('#') || indent(l) > indent(lines[k])
        });
        block.enumerate().find(|(_, l)| is_image(l)).map(|(i, _)| k + 1 + i)
    });
    inside.or_else(|| lines.iter().position(|l| is_image(l))).or(key).map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests;
