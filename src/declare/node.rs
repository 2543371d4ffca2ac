//! `package.json`: `engines` (node, npm, pnpm, yarn) as npm ranges, and
//! corepack's `packageManager` (`pnpm@8.15.1+sha512...`), an exact pin.

use serde_json::Value;

use super::{Declaration, Parsed, Problem, Rules, line_of};

const NAME: &str = "package.json";

const ENGINES: &[(&str, &str)] =
    &[("node", "runtime.node"), ("npm", "pkg.npm"), ("pnpm", "pkg.pnpm"), ("yarn", "pkg.yarn")];

const MANAGERS: &[(&str, &str)] =
    &[("npm", "pkg.npm"), ("pnpm", "pkg.pnpm"), ("yarn", "pkg.yarn"), ("bun", "runtime.bun")];

pub fn package_json(text: &str) -> Parsed {
    let json: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let problem = format!("not valid JSON: {}", strip_position(&e.to_string()));
            return (Vec::new(), vec![Problem::new(NAME, Some(e.line().max(1)), problem)]);
        }
    };
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    let engines_at = text.find("\"engines\"").unwrap_or(0);
    match json.get("engines") {
        None | Some(Value::Null) => {}
        Some(Value::Object(engines)) => {
            for (key, fact) in ENGINES {
                let line = line_of(text, engines_at, &format!("\"{key}\""));
                match engines.get(*key) {
                    None => {}
                    Some(Value::String(range)) => {
                        found.push(Declaration::new(fact, range, Rules::Npm, NAME, line));
                    }
                    Some(_) => problems.push(Problem::new(
                        NAME,
                        Some(line),
                        format!("engines.{key} is not a string"),
                    )),
                }
            }
        }
        Some(_) => problems.push(Problem::new(
            NAME,
            Some(line_of(text, 0, "\"engines\"")),
            "engines is not an object",
        )),
    }
    if let Some(manager) = json.get("packageManager") {
        let line = line_of(text, 0, "\"packageManager\"");
        let pin = manager.as_str().and_then(|m| m.split_once('@'));
        match pin {
            Some((tool, version)) => {
                let version = version.split('+').next().unwrap_or(version);
                if let Some((_, fact)) = MANAGERS.iter().find(|(t, _)| *t == tool) {
                    found.push(Declaration::new(fact, version, Rules::Npm, NAME, line));
                }
            }
            None => problems.push(Problem::new(
                NAME,
                Some(line),
                "packageManager is not `NAME@VERSION`",
            )),
        }
    }
    (found, problems)
}

/// serde_json's message without its " at line L column C": the line is
/// given apart, and the column counts in a line the user may not see.
fn strip_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_and_package_manager() {
        let text = "{\n  \"name\": \"x\",\n  \"engines\": {\n    \"npm\": \">=9\",\n    \
                    \"node\": \">=18 <19\"\n  },\n  \"packageManager\": \"pnpm@8.15.1+sha512.abc\"\n}\n";
        let (d, p) = package_json(text);
        assert!(p.is_empty(), "{p:?}");
        let got: Vec<(&str, &str, usize)> =
            d.iter().map(|d| (d.fact.as_str(), d.constraint.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [("runtime.node", ">=18 <19", 5), ("pkg.npm", ">=9", 4), ("pkg.pnpm", "8.15.1", 7)]
        );
    }

    #[test]
    fn malformed_json_names_its_line() {
        let (d, p) = package_json("{\n  \"engines\": {\n    \"node\": 20,\n  }\n}\n");
        assert!(d.is_empty());
        assert!(p[0].to_string().starts_with("package.json:4: not valid JSON"), "{}", p[0]);
        let (_, p) = package_json("{\"engines\": {\"node\": 20}}");
        assert_eq!(p[0].to_string(), "package.json:1: engines.node is not a string");
    }
}
