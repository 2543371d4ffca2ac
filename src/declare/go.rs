//! `go.mod`: `go 1.22` (the least Go that builds the module) and
//! `toolchain go1.22.3` (the least toolchain `go` switches to), minimums.

use super::{Declaration, Parsed, Problem, Rules};

const NAME: &str = "go.mod";

pub fn go_mod(text: &str) -> Parsed {
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        let (Some(directive @ ("go" | "toolchain")), value) = (words.next(), words.next()) else {
            continue;
        };
        let Some(value) = value.filter(|_| words.next().is_none()) else {
            problems.push(Problem::new(
                NAME,
                Some(i + 1),
                format!("`{line}`: expected one version"),
            ));
            continue;
        };
        let version = if directive == "toolchain" { value.strip_prefix("go") } else { Some(value) };
        match version.filter(|v| v.starts_with(|c: char| c.is_ascii_digit())) {
            Some(v) => found.push(Declaration::new("runtime.go", v, Rules::Minimum, NAME, i + 1)),
            // `toolchain default` names no version.
            None if value == "default" => {}
            None => problems.push(Problem::new(
                NAME,
                Some(i + 1),
                format!("`{value}` is not a Go version"),
            )),
        }
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_and_toolchain() {
        let text =
            "module example.com/x\n\ngo 1.21 // least\n\ntoolchain go1.22.3\n\nrequire (\n)\n";
        let (d, p) = go_mod(text);
        assert!(p.is_empty());
        let got: Vec<(&str, usize)> = d.iter().map(|d| (d.constraint.as_str(), d.line)).collect();
        assert_eq!(got, [("1.21", 3), ("1.22.3", 5)]);
        let (_, p) = go_mod("module x\ngo one.two\n");
        assert_eq!(p[0].to_string(), "go.mod:2: `one.two` is not a Go version");
    }
}
