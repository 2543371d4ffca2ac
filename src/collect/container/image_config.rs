//! What an image's config states, as the engine reports it without
//! starting anything: `os`, `architecture`, the `Env` a container of it
//! starts with and its labels. Read for a container without a shell
//! (`fallback`). Everything in it is untrusted: each value is made one
//! clean line and capped, and so is how many there are.

use std::collections::BTreeMap;
use std::time::Instant;

use super::engine::{Ask, EngineCli};
use super::fault;
use crate::model::Failure;
use crate::output::sanitize;

/// Bytes of the engine's answer kept: an image's environment and labels
/// are far shorter; a longer answer loses the fields cut off.
const ANSWER_CAP: usize = 256 * 1024;

/// Longest value kept (a variable, a label, `os`...).
const MAX_VALUE: usize = 1024;

/// Most variables and labels kept, each.
const MAX_ENTRIES: usize = 512;

/// An image's config, the parts paritty reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    /// `linux`, `windows`...
    pub os: Option<String>,
    /// The OCI/Go name: `amd64`, `arm64`...
    pub architecture: Option<String>,
    /// `NAME=value` entries in their order (the container's own for a
    /// container: what `exec` would see).
    pub env: Vec<(String, String)>,
    pub labels: BTreeMap<String, String>,
}

impl ImageConfig {
    /// The value of variable `name` (the last one set wins, as in a shell).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The go-template both engines answer: one JSON value a line.
const IMAGE_FORMAT: &str =
    "{{json .Os}}\n{{json .Architecture}}\n{{json .Config.Env}}\n{{json .Config.Labels}}";

/// The config of image `reference` (a reference or an id).
pub fn of_image(
    cli: &EngineCli,
    reference: &str,
    deadline: Instant,
) -> Result<ImageConfig, Failure> {
    let answer = cli.ask_up_to(
        &["image", "inspect", "--format", IMAGE_FORMAT, reference],
        deadline,
        ANSWER_CAP,
    )?;
    if !answer.ok {
        return Err(fault::classify_image(cli.name(), reference, &answer.complaint));
    }
    Ok(parse(&answer.text))
}

/// The config of container `name`'s image (`image`, its id or reference),
/// with the container's own environment in place of the image's.
pub fn of_container(
    cli: &EngineCli,
    name: &str,
    image: &str,
    deadline: Instant,
) -> Result<ImageConfig, Failure> {
    let mut config = of_image(cli, image, deadline)?;
    let answer = cli.ask_up_to(
        &["container", "inspect", "--format", "{{json .Config.Env}}", name],
        deadline,
        ANSWER_CAP,
    )?;
    if !answer.ok {
        return Err(fault::classify(cli.name(), name, &answer.complaint));
    }
    if let Some(env) = answer.text.lines().next().and_then(|l| serde_json::from_str(l).ok()) {
        config.env = env_of(&env);
    }
    Ok(config)
}

/// The labels of image `reference` (an id or a reference), through any
/// engine, here or on an SSH host: one short `inspect`, read like the
/// whole config's.
pub fn labels(
    cli: &dyn Ask,
    reference: &str,
    deadline: Instant,
) -> Result<BTreeMap<String, String>, Failure> {
    let format = "{{json .Config.Labels}}";
    let answer = cli.ask(&["image", "inspect", "--format", format, reference], deadline)?;
    if !answer.ok {
        return Err(fault::classify_image(cli.name(), reference, &answer.complaint));
    }
    let line = answer.text.lines().next().unwrap_or("");
    Ok(labels_of(&serde_json::from_str(line).unwrap_or(serde_json::Value::Null)))
}

/// The engine's answer to [`IMAGE_FORMAT`]; a line that is not the JSON
/// expected (cut at the cap, `null`) leaves its part empty.
pub fn parse(text: &str) -> ImageConfig {
    let mut lines = text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
    let mut next = || lines.next().flatten().unwrap_or(serde_json::Value::Null);
    let (os, architecture, env, labels) = (next(), next(), next(), next());
    ImageConfig {
        os: os.as_str().and_then(clean),
        architecture: architecture.as_str().and_then(clean),
        env: env_of(&env),
        labels: labels_of(&labels),
    }
}

/// `{"NAME": "value", ...}` as a map, each cleaned; anything else is none.
fn labels_of(value: &serde_json::Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .take(MAX_ENTRIES)
                .filter_map(|(k, v)| Some((clean(k)?, clean(v.as_str()?)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// `["NAME=value", ...]` as pairs; entries without `=` are dropped.
fn env_of(value: &serde_json::Value) -> Vec<(String, String)> {
    let Some(list) = value.as_array() else { return Vec::new() };
    list.iter()
        .take(MAX_ENTRIES)
        .filter_map(|entry| {
            let (name, value) = entry.as_str()?.split_once('=')?;
            Some((clean(name)?, clean(value).unwrap_or_default()))
        })
        .collect()
}

/// One clean line, capped; blank is none.
fn clean(text: &str) -> Option<String> {
    let line = sanitize::cap(sanitize::one_line(text), MAX_VALUE);
    let line = line.trim();
    (!line.is_empty()).then(|| line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_engine_prints_and_cleans_it() {
        let text = concat!(
            "\"linux\"\n\"amd64\"\n",
            r#"["PATH=/usr/bin","PYTHON_VERSION=3.12.4","EMPTY=","NOEQUALS","X=a\u001b[31mb"]"#,
            "\n",
            r#"{"org.opencontainers.image.version":"1.42","evil\u001b]0;t\u0007":"v"}"#,
        );
        let config = parse(text);
        assert_eq!(config.os.as_deref(), Some("linux"));
        assert_eq!(config.architecture.as_deref(), Some("amd64"));
        assert_eq!(config.var("PYTHON_VERSION"), Some("3.12.4"));
        assert_eq!(config.var("EMPTY"), Some(""));
        assert_eq!(config.var("NOEQUALS"), None);
        // Escape sequences JSON decoded are stripped again.
        assert_eq!(config.var("X"), Some("ab"));
        assert_eq!(
            config.labels.get("org.opencontainers.image.version").map(String::as_str),
            Some("1.42")
        );
        assert!(config.labels.keys().all(|k| !k.contains('\u{1b}')), "{:?}", config.labels);
    }

    #[test]
    fn what_is_not_json_or_null_is_empty() {
        let config = parse("\"linux\"\nnull\nnull\n{\"cut");
        assert_eq!(config.os.as_deref(), Some("linux"));
        assert_eq!((config.architecture, config.env.len(), config.labels.len()), (None, 0, 0));
        assert_eq!(parse(""), ImageConfig::default());
        let many: Vec<String> = (0..2000).map(|i| format!("\"V{i}=1\"")).collect();
        let config = parse(&format!("null\nnull\n[{}]\nnull", many.join(",")));
        assert_eq!(config.env.len(), MAX_ENTRIES);
    }
}
