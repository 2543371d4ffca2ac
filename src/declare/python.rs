//! `pyproject.toml`: PEP 621's `[project] requires-python` (PEP 440) and
//! Poetry's `[tool.poetry.dependencies] python` (Poetry's carets).

use toml::{Table, Value};

use super::{Declaration, Parsed, Problem, Rules, line_of};

const NAME: &str = "pyproject.toml";

pub fn pyproject(text: &str) -> Parsed {
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![toml_problem(NAME, text, &e)]),
    };
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    let project = table.get("project").and_then(Value::as_table);
    if let Some(value) = project.and_then(|p| p.get("requires-python")) {
        let line = line_of(text, 0, "requires-python");
        match value.as_str() {
            Some(spec) => {
                found.push(Declaration::new("runtime.python3", spec, Rules::Pep440, NAME, line));
            }
            None => {
                problems.push(Problem::new(NAME, Some(line), "requires-python is not a string"));
            }
        }
    }
    let poetry = table
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.get("python"));
    if let Some(value) = poetry {
        let section = text.find("[tool.poetry.dependencies]").unwrap_or(0);
        let line = line_of(text, section, "python");
        // `python = "^3.11"` or `python = { version = "^3.11" }`.
        match value.as_str().or_else(|| value.get("version").and_then(Value::as_str)) {
            Some(spec) => {
                found.push(Declaration::new("runtime.python3", spec, Rules::Poetry, NAME, line));
            }
            None => problems.push(Problem::new(
                NAME,
                Some(line),
                "tool.poetry.dependencies.python is not a version string",
            )),
        }
    }
    (found, problems)
}

/// Pipenv's `Pipfile`: `[requires] python_version = "3.11"` or
/// `python_full_version = "3.11.4"`.
pub fn pipfile(text: &str) -> Parsed {
    let name = "Pipfile";
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![toml_problem(name, text, &e)]),
    };
    let requires = table.get("requires").and_then(Value::as_table);
    let section = text.find("[requires]").unwrap_or(0);
    let mut out = (Vec::new(), Vec::new());
    for key in ["python_full_version", "python_version"] {
        let Some(value) = requires.and_then(|r| r.get(key)) else { continue };
        let line = line_of(text, section, key);
        match value.as_str() {
            Some(v) => {
                out.0.push(Declaration::new("runtime.python3", v, Rules::Prefix, name, line));
            }
            None => out.1.push(Problem::new(name, Some(line), format!("{key} is not a string"))),
        }
        break; // the full version, when given, is the one pipenv uses
    }
    out
}

/// A TOML error as one line with the line it is on.
pub(super) fn toml_problem(name: &str, text: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
    let message = e.message().lines().next().unwrap_or("invalid TOML").to_owned();
    Problem::new(name, line, format!("not valid TOML: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_python_and_poetry() {
        let text = "[project]\nname = \"x\"\nrequires-python = \">=3.9,<3.13\"\n\n\
                    [tool.poetry.dependencies]\npython = \"^3.11\"\n";
        let (d, p) = pyproject(text);
        assert!(p.is_empty());
        let got: Vec<(&str, Rules, usize)> =
            d.iter().map(|d| (d.constraint.as_str(), d.rules, d.line)).collect();
        assert_eq!(got, [(">=3.9,<3.13", Rules::Pep440, 3), ("^3.11", Rules::Poetry, 6)]);
    }

    #[test]
    fn pipfile_requires() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nrequests = \"*\"\n\n\
                    [requires]\npython_version = \"3.11\"\n";
        let (d, p) = pipfile(text);
        assert!(p.is_empty());
        assert_eq!((d[0].constraint.as_str(), d[0].line), ("3.11", 8));
    }

    #[test]
    fn broken_toml_names_its_line() {
        let (d, p) = pyproject("[project]\nname = \"x\"\nrequires-python = >=3.9\n");
        assert!(d.is_empty());
        assert!(p[0].to_string().starts_with("pyproject.toml:3: not valid TOML"), "{}", p[0]);
    }
}
