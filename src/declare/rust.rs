//! `rust-toolchain.toml` (`[toolchain] channel = "1.77.2"`) and the older
//! `rust-toolchain`, either one bare line or the same TOML.

use toml::{Table, Value};

use super::python::toml_problem;
use super::{Declaration, Parsed, Problem, Rules, line_of, lines};

pub fn toolchain(name: &str, text: &str) -> Parsed {
    let looks_toml = text.trim_start().starts_with('[') || text.contains("channel");
    if name == "rust-toolchain" && !looks_toml {
        let Some((line, channel)) = lines(text).next() else {
            return (Vec::new(), vec![Problem::new(name, None, "names no toolchain")]);
        };
        return (
            vec![Declaration::new("runtime.rustc", channel, Rules::Prefix, name, line)],
            vec![],
        );
    }
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![toml_problem(name, text, &e)]),
    };
    let channel = table.get("toolchain").and_then(|t| t.get("channel"));
    match channel {
        None => (Vec::new(), Vec::new()), // a `path` toolchain: no version declared
        Some(Value::String(c)) => {
            let line = line_of(text, 0, "channel");
            (vec![Declaration::new("runtime.rustc", c, Rules::Prefix, name, line)], vec![])
        }
        Some(_) => (
            Vec::new(),
            vec![Problem::new(name, Some(line_of(text, 0, "channel")), "channel is not a string")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes() {
        let (d, _) = toolchain("rust-toolchain", "1.77.2\n");
        assert_eq!(d[0].constraint, "1.77.2");
        let text = "[toolchain]\nchannel = \"1.76\"\ncomponents = [\"clippy\"]\n";
        let (d, _) = toolchain("rust-toolchain.toml", text);
        assert_eq!((d[0].constraint.as_str(), d[0].line), ("1.76", 2));
        let (d, _) = toolchain("rust-toolchain", text);
        assert_eq!(d[0].constraint, "1.76");
    }
}
