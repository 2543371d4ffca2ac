//! Container images: Dockerfile/Containerfile `FROM` lines and the image
//! references compose files name (`compose/`). Well-known official images map to facts
//! (`python:3.12-slim` pins `runtime.python3` to `3.12`); others say
//! nothing about the app's tools and are left out.

use std::collections::BTreeMap;

use super::{Declaration, Parsed, Problem, Rules};

/// Image names (after the registry and `library/`) and the facts they pin.
const IMAGES: &[(&str, &str)] = &[
    ("python", "runtime.python3"),
    ("node", "runtime.node"),
    ("ruby", "runtime.ruby"),
    ("golang", "runtime.go"),
    ("openjdk", "runtime.java"),
    ("eclipse-temurin", "runtime.java"),
    ("amazoncorretto", "runtime.java"),
    ("ibm-semeru-runtimes", "runtime.java"),
    ("sapmachine", "runtime.java"),
    ("rust", "runtime.rustc"),
    ("php", "runtime.php"),
    ("perl", "runtime.perl"),
    ("elixir", "runtime.elixir"),
    ("erlang", "runtime.erlang"),
    ("oven/bun", "runtime.bun"),
    ("denoland/deno", "runtime.deno"),
    ("mcr.microsoft.com/dotnet/sdk", "runtime.dotnet"),
    ("mcr.microsoft.com/dotnet/aspnet", "runtime.dotnet"),
    ("mcr.microsoft.com/dotnet/runtime", "runtime.dotnet"),
    ("postgres", "service.postgresql"),
    ("bitnami/postgresql", "service.postgresql"),
    ("redis", "service.redis"),
    ("bitnami/redis", "service.redis"),
    ("mysql", "service.mysql"),
    ("mariadb", "service.mysql"),
    ("mongo", "service.mongodb"),
    ("memcached", "service.memcached"),
    ("rabbitmq", "service.rabbitmq"),
    ("nginx", "service.nginx"),
    ("httpd", "service.apache"),
    ("haproxy", "service.haproxy"),
    ("caddy", "service.caddy"),
    ("hashicorp/terraform", "tool.terraform"),
];

/// Docker Hub's spellings of its own official images.
const HUB_PREFIXES: &[&str] =
    &["docker.io/", "index.docker.io/", "registry-1.docker.io/", "public.ecr.aws/docker/"];

/// An image reference read into its name (lowercase, Docker Hub's own
/// spellings and `library/` taken off), its tag and whether a digest pins
/// it (`docker.io/library/postgres:16@sha256:...` is `postgres`, `16`, yes).
pub struct Reference {
    pub name: String,
    pub tag: Option<String>,
    pub digest: bool,
}

pub fn reference(text: &str) -> Reference {
    let (text, digest) = match text.split_once('@') {
        Some((text, _)) => (text, true),
        None => (text, false),
    };
    let (name, tag) = match text.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag.to_owned())),
        _ => (text, None),
    };
    let lower = name.to_ascii_lowercase();
    let hub = HUB_PREFIXES.iter().find_map(|p| lower.strip_prefix(p)).unwrap_or(&lower);
    let name = hub.strip_prefix("library/").unwrap_or(hub).to_owned();
    Reference { name, tag, digest }
}

/// The version a tag starts with (`3.12` of `3.12-slim`, `7` of
/// `7-alpine`), if it starts with one.
pub fn tag_version(tag: &str) -> Option<&str> {
    let tag = tag.strip_prefix('v').unwrap_or(tag);
    if !tag.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = tag.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(tag.len());
    Some(tag[..end].trim_end_matches('.'))
}

/// The fact an image reference pins and the version its tag declares
/// (`3.12` of `3.12-slim`; the whole tag when it starts with no number,
/// `latest` when there is none).
pub fn image_fact(reference_text: &str) -> Option<(&'static str, String)> {
    let Reference { name, tag, .. } = reference(reference_text);
    let (_, fact) = IMAGES.iter().find(|(image, _)| *image == name)?;
    let version = match tag.as_deref() {
        None => "latest".to_owned(),
        Some(tag) if tag.starts_with(|c: char| c.is_ascii_digit()) => {
            let end = tag.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(tag.len());
            tag[..end].trim_end_matches('.').to_owned()
        }
        Some(tag) => tag.split('-').next().unwrap_or(tag).to_owned(),
    };
    Some((fact, version))
}

/// `$NAME`, `${NAME}` and `${NAME:-default}` with the values known; what
/// is not known is left as written (and then reads as no version).
pub(super) fn substitute(text: &str, args: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (inner, len) = if let Some(body) = after.strip_prefix('{') {
            match body.find('}') {
                Some(end) => (&body[..end], end + 2),
                None => (body, body.len() + 1),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        let (var, default) = match inner.split_once(":-").or_else(|| inner.split_once('-')) {
            Some((var, default)) => (var, Some(default)),
            None => (inner, None),
        };
        match args.get(var).map(String::as_str).filter(|v| !v.is_empty()).or(default) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[at..=at + len.min(after.len())]),
        }
        rest = rest.get(at + 1 + len..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Dockerfile instructions with their first line, continuation lines
/// (`\` at the end) joined, comments left out.
fn instructions(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        let (start, mut joined) = open.take().unwrap_or((i + 1, String::new()));
        if let Some(part) = trimmed.strip_suffix('\\') {
            joined.push_str(part);
            joined.push(' ');
            open = Some((start, joined));
        } else {
            joined.push_str(trimmed);
            if !joined.trim().is_empty() {
                out.push((start, joined));
            }
        }
    }
    out.extend(open);
    out
}

/// `FROM [--platform=...] IMAGE [AS NAME]`, with the `ARG`s before the
/// first `FROM` substituted; a stage built on an earlier stage is not an
/// image.
pub fn dockerfile(name: &str, text: &str) -> Parsed {
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let mut stages: Vec<String> = Vec::new();
    for (line, instruction) in instructions(text) {
        let mut words = instruction.split_whitespace();
        let keyword = words.next().unwrap_or("").to_ascii_uppercase();
        if keyword == "ARG" && stages.is_empty() {
            for arg in words {
                let (key, value) = arg.split_once('=').unwrap_or((arg, ""));
                args.insert(key.to_owned(), value.trim_matches(['"', '\'']).to_owned());
            }
            continue;
        }
        if keyword != "FROM" {
            continue;
        }
        let mut words = words.skip_while(|w| w.starts_with("--"));
        let Some(image) = words.next() else {
            problems.push(Problem::new(name, Some(line), "FROM names no image"));
            continue;
        };
        if words.next().is_some_and(|w| w.eq_ignore_ascii_case("as"))
            && let Some(stage) = words.next()
        {
            stages.push(stage.to_ascii_lowercase());
        } else {
            stages.push(String::new());
        }
        let image = substitute(image, &args);
        if stages[..stages.len() - 1].contains(&image.to_ascii_lowercase()) {
            continue;
        }
        if let Some((fact, version)) = image_fact(&image) {
            found.push(Declaration::new(fact, &version, Rules::Prefix, name, line));
        }
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_images_map_to_facts() {
        let cases = [
            ("python:3.12-slim", Some(("runtime.python3", "3.12"))),
            ("node:20-alpine", Some(("runtime.node", "20"))),
            ("eclipse-temurin:21-jre", Some(("runtime.java", "21"))),
            ("openjdk:17", Some(("runtime.java", "17"))),
            ("golang:1.22", Some(("runtime.go", "1.22"))),
            ("ruby:3.3", Some(("runtime.ruby", "3.3"))),
            ("postgres:16", Some(("service.postgresql", "16"))),
            ("redis:7", Some(("service.redis", "7"))),
            (
                "docker.io/library/python:3.11.8-bookworm@sha256:abc",
                Some(("runtime.python3", "3.11.8")),
            ),
            ("eclipse-temurin:21.0.2_13-jdk", Some(("runtime.java", "21.0.2"))),
            ("node", Some(("runtime.node", "latest"))),
            ("node:lts-alpine", Some(("runtime.node", "lts"))),
            ("registry.example.com:5000/team/app:1.2", None),
            ("ghcr.io/acme/python:3.12", None),
        ];
        for (image, want) in cases {
            let got = image_fact(image);
            assert_eq!(got.as_ref().map(|(f, v)| (*f, v.as_str())), want, "{image}");
        }
    }

    #[test]
    fn dockerfile_stages_args_and_continuations() {
        let text = "# syntax=docker/dockerfile:1\nARG PY=3.12\nFROM --platform=$BUILDPLATFORM \\\n  \
                    python:${PY}-slim AS build\nRUN pip install .\nFROM build AS test\n\
                    FROM gcr.io/distroless/python3\nFROM\n";
        let (d, p) = dockerfile("Dockerfile", text);
        let got: Vec<(&str, &str, usize)> =
            d.iter().map(|d| (d.fact.as_str(), d.constraint.as_str(), d.line)).collect();
        assert_eq!(got, [("runtime.python3", "3.12", 3)]);
        assert_eq!(p[0].to_string(), "Dockerfile:8: FROM names no image");
    }
}
