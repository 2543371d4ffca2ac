//! GitHub Actions workflows: the versions the `setup-*` actions install
//! (`actions/setup-node` `node-version: 20`, a matrix's
//! `node: [18, 20]` through `${{ matrix.node }}`). Read line by line: a
//! step is the lines indented under its `uses:`; a YAML parser would not
//! resolve the matrix expressions either.

use super::{Declaration, Parsed, Rules};

/// Actions, the input naming their version, the fact, and its rules
/// (these actions read versions as semver ranges).
const ACTIONS: &[(&str, &str, &str, Rules)] = &[
    ("actions/setup-node", "node-version", "runtime.node", Rules::Npm),
    ("actions/setup-python", "python-version", "runtime.python3", Rules::Npm),
    ("actions/setup-go", "go-version", "runtime.go", Rules::Npm),
    ("actions/setup-java", "java-version", "runtime.java", Rules::Npm),
    ("ruby/setup-ruby", "ruby-version", "runtime.ruby", Rules::Prefix),
    ("hashicorp/setup-terraform", "terraform_version", "tool.terraform", Rules::Npm),
];

/// A workflow file's `setup-*` versions; `name` is its path in the app
/// folder (`.github/workflows/ci.yml`).
pub fn workflow(name: &str, text: &str) -> Parsed {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(col) = line.find("uses:").filter(|_| !line.trim_start().starts_with('#')) else {
            continue;
        };
        let action = value(&line[col + 5..]);
        let action = action.split('@').next().unwrap_or("");
        let Some((_, key, fact, rules)) = ACTIONS.iter().find(|(a, ..)| *a == action) else {
            continue;
        };
        // The step's other keys are indented at least as far as `uses:`.
        for (j, inner) in lines.iter().enumerate().skip(i + 1) {
            let indent = inner.len() - inner.trim_start().len();
            let trimmed = inner.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent < col {
                break;
            }
            let Some(raw) = trimmed.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
                continue;
            };
            let version = resolve(&lines, value(raw), *rules);
            if !version.is_empty() {
                found.push(Declaration::new(fact, &version, *rules, name, j + 1));
            }
            break;
        }
    }
    (found, Vec::new())
}

/// A YAML scalar: comment, quotes and spaces off.
fn value(raw: &str) -> &str {
    let raw = raw.split(" #").next().unwrap_or(raw).trim();
    raw.trim_matches(['"', '\'']).trim()
}

/// `${{ matrix.KEY }}` as the matrix's values, alternatives; anything
/// else as written (an expression left unresolved reads as no version).
fn resolve(lines: &[&str], version: &str, rules: Rules) -> String {
    let Some(key) = version
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
        .and_then(|v| v.trim().strip_prefix("matrix."))
    else {
        return version.to_owned();
    };
    let values = matrix_values(lines, key.trim());
    if values.is_empty() {
        return version.to_owned();
    }
    let separator = if rules == Rules::Npm { " || " } else { " " };
    values.join(separator)
}

/// The values of matrix key `key`: `key: [18, 20]` or a list under it.
fn matrix_values(lines: &[&str], key: &str) -> Vec<String> {
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix(key).and_then(|r| r.strip_prefix(':'))
        else {
            continue;
        };
        let rest = rest.split(" #").next().unwrap_or(rest).trim();
        if let Some(inline) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            return inline
                .split(',')
                .map(|v| value(v).to_owned())
                .filter(|v| !v.is_empty())
                .collect();
        }
        if rest.is_empty() {
            let indent = line.len() - line.trim_start().len();
            return lines[i + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
                .filter_map(|l| l.trim().strip_prefix('-').map(|v| value(v).to_owned()))
                .collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_steps_and_matrices() {
        let text = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      \
                    matrix:\n        node: [18, 20, '22']\n        python:\n          - \"3.11\"\n          - \"3.12\"\n    \
                    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          \
                    node-version: ${{ matrix.node }}\n          cache: npm\n      - name: Python\n        \
                    uses: actions/setup-python@v5\n        with:\n          python-version: ${{ matrix.python }}\n      \
                    - uses: actions/setup-go@v5\n        with:\n          go-version-file: go.mod\n      \
                    - uses: ruby/setup-ruby@v1\n        with:\n          ruby-version: '3.3' # latest\n";
        let (d, _) = workflow(".github/workflows/ci.yml", text);
        let got: Vec<(&str, &str, usize)> =
            d.iter().map(|d| (d.fact.as_str(), d.constraint.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [
                ("runtime.node", "18 || 20 || 22", 16),
                ("runtime.python3", "3.11 || 3.12", 21),
                ("runtime.ruby", "3.3", 27),
            ]
        );
    }
}
