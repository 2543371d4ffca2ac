//! mise's `mise.toml` / `.mise.toml`: `[tools]`, each tool a version
//! (`node = "20"`), several (`python = ["3.12", "3.11"]`, alternatives as
//! in `.tool-versions`) or a table with a `version`.

use toml::{Table, Value};

use super::python::toml_problem;
use super::version_files::{TOOLS, version_of};
use super::{Declaration, Parsed, Problem, Rules};

pub fn mise_toml(name: &str, text: &str) -> Parsed {
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![toml_problem(name, text, &e)]),
    };
    let Some(tools) = table.get("tools").and_then(Value::as_table) else {
        return (Vec::new(), Vec::new());
    };
    let section = text.find("[tools]").unwrap_or(0);
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for (tool, value) in tools {
        // mise also spells backends (`core:node`, `asdf:nodejs`).
        let short = tool.rsplit(':').next().unwrap_or(tool);
        let Some((_, fact)) = TOOLS.iter().find(|(t, _)| *t == short) else { continue };
        let line = key_line(text, section, tool);
        let versions: Option<Vec<String>> = match value {
            Value::String(v) => Some(vec![version_of(short, v)]),
            Value::Integer(v) => Some(vec![v.to_string()]),
            Value::Float(v) => Some(vec![v.to_string()]),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(|v| version_of(short, v)))
                .collect::<Option<Vec<_>>>(),
            Value::Table(t) => {
                t.get("version").and_then(Value::as_str).map(|v| vec![version_of(short, v)])
            }
            _ => None,
        };
        match versions.filter(|v| !v.is_empty()) {
            Some(v) => found.push(Declaration::new(fact, &v.join(" "), Rules::Prefix, name, line)),
            None => problems.push(Problem::new(
                name,
                Some(line),
                format!("tools.{tool} is not a version, a list of them or {{ version = ... }}"),
            )),
        }
    }
    (found, problems)
}

/// The line of `key = ` (bare or quoted) after the `[tools]` header.
fn key_line(text: &str, from: usize, key: &str) -> usize {
    let start = text[..from.min(text.len())].matches('\n').count();
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches(['"', '\'']);
            l.strip_prefix(key).is_some_and(|rest| {
                rest.trim_start_matches(['"', '\'']).trim_start().starts_with('=')
            })
        })
        .map_or(start + 1, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_in_their_three_shapes() {
        let text = "[env]\nNODE_ENV = \"development\"\n\n[tools]\nnode = \"20\"\npython = [\"3.12\", \"3.11\"]\n\
                    java = { version = \"temurin-21\" }\n\"core:ruby\" = \"3.3\"\nwhatever = \"1\"\nterraform = 1.7\n";
        let (d, p) = mise_toml("mise.toml", text);
        assert!(p.is_empty(), "{p:?}");
        let got: Vec<(&str, &str, usize)> =
            d.iter().map(|d| (d.fact.as_str(), d.constraint.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [
                ("runtime.ruby", "3.3", 8),
                ("runtime.java", "21", 7),
                ("runtime.node", "20", 5),
                ("runtime.python3", "3.12 3.11", 6),
                ("tool.terraform", "1.7", 10),
            ]
        );
        let (_, p) = mise_toml("mise.toml", "[tools]\nnode = true\n");
        assert_eq!(
            p[0].to_string(),
            "mise.toml:2: tools.node is not a version, a list of them or { version = ... }"
        );
    }
}
