//! One-version files of version managers (`.nvmrc`, `.node-version`,
//! `.python-version`, `.ruby-version`, `.java-version`,
//! `.terraform-version`), asdf/mise's `.tool-versions`, and Heroku's
//! `runtime.txt`.

use super::{Declaration, Parsed, Problem, Rules, lines};

/// A file whose first significant line is the version (`.python-version`
/// may list several, one a line: pyenv puts them all on PATH).
pub fn single(name: &str, text: &str, fact: &str) -> Parsed {
    let significant: Vec<(usize, &str)> = lines(text).collect();
    let Some(&(line, first)) = significant.first() else {
        return (Vec::new(), vec![Problem::new(name, None, "names no version")]);
    };
    let constraint = if name == ".python-version" {
        significant.iter().map(|(_, l)| version_of(name, l)).collect::<Vec<_>>().join(" ")
    } else {
        version_of(name, first.split_whitespace().next().unwrap_or(first))
    };
    (vec![Declaration::new(fact, &constraint, Rules::Prefix, name, line)], Vec::new())
}

/// The version in a manager's name for it: rbenv's `ruby-3.3.0`, jenv's
/// `temurin64-21.0.2`. Other implementations (`jruby-9.4`, `pypy3.10-7.3`)
/// are kept whole, so they read as "not a version" rather than as a
/// version of something else.
pub(super) fn version_of(file: &str, text: &str) -> String {
    let text = text.trim();
    let stripped = match file {
        ".ruby-version" => text.strip_prefix("ruby-"),
        ".java-version" | "java" => text
            .split_once('-')
            .filter(|(vendor, rest)| {
                vendor.bytes().all(|b| b.is_ascii_alphanumeric())
                    && rest.starts_with(|c: char| c.is_ascii_digit())
            })
            .map(|(_, rest)| rest),
        "elixir" => text.split("-otp-").next(),
        _ => None,
    };
    stripped.unwrap_or(text).to_owned()
}

/// asdf's and mise's tool names, and the facts they pin.
pub(super) const TOOLS: &[(&str, &str)] = &[
    ("nodejs", "runtime.node"),
    ("node", "runtime.node"),
    ("python", "runtime.python3"),
    ("ruby", "runtime.ruby"),
    ("golang", "runtime.go"),
    ("go", "runtime.go"),
    ("java", "runtime.java"),
    ("rust", "runtime.rustc"),
    ("php", "runtime.php"),
    ("perl", "runtime.perl"),
    ("deno", "runtime.deno"),
    ("bun", "runtime.bun"),
    ("erlang", "runtime.erlang"),
    ("elixir", "runtime.elixir"),
    ("dotnet", "runtime.dotnet"),
    ("dotnet-core", "runtime.dotnet"),
    ("lua", "runtime.lua"),
    ("terraform", "tool.terraform"),
    ("kubectl", "tool.kubectl"),
    ("helm", "tool.helm"),
    ("yarn", "pkg.yarn"),
    ("pnpm", "pkg.pnpm"),
    ("postgres", "service.postgresql"),
    ("redis", "service.redis"),
];

/// `.tool-versions`: `TOOL VERSION...` a line; the versions are
/// alternatives (asdf uses the first one installed). Tools paritty has no
/// fact for are left out.
pub fn tool_versions(text: &str) -> Parsed {
    let name = ".tool-versions";
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for (line, content) in lines(text) {
        let mut words = content.split_whitespace();
        let tool = words.next().unwrap_or("");
        let versions: Vec<String> = words.map(|w| version_of(tool, w)).collect();
        if versions.is_empty() {
            problems.push(Problem::new(name, Some(line), format!("`{tool}` has no version")));
            continue;
        }
        if let Some((_, fact)) = TOOLS.iter().find(|(t, _)| *t == tool) {
            found.push(Declaration::new(fact, &versions.join(" "), Rules::Prefix, name, line));
        }
    }
    (found, problems)
}

/// SDKMAN!'s `.sdkmanrc`: `java=21.0.2-tem` (the vendor after the
/// version); the other candidates (maven, gradle) have no fact.
pub fn sdkmanrc(text: &str) -> Parsed {
    let name = ".sdkmanrc";
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for (line, content) in lines(text) {
        let Some((candidate, version)) = content.split_once('=') else {
            problems.push(Problem::new(
                name,
                Some(line),
                format!("`{content}` is not `NAME=VERSION`"),
            ));
            continue;
        };
        if candidate.trim() == "java" {
            let version = version.trim().split('-').next().unwrap_or("");
            found.push(Declaration::new("runtime.java", version, Rules::Prefix, name, line));
        }
    }
    (found, problems)
}

/// Heroku's `runtime.txt`: `python-3.12.1`.
pub fn runtime_txt(text: &str) -> Parsed {
    let name = "runtime.txt";
    let Some((line, content)) = lines(text).next() else {
        return (Vec::new(), vec![Problem::new(name, None, "names no version")]);
    };
    match content.strip_prefix("python-") {
        Some(version) => {
            (vec![Declaration::new("runtime.python3", version, Rules::Prefix, name, line)], vec![])
        }
        None => (
            Vec::new(),
            vec![Problem::new(name, Some(line), format!("`{content}` is not `python-VERSION`"))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_names_give_the_version() {
        let (d, _) = single(".ruby-version", "ruby-3.3.0\n", "runtime.ruby");
        assert_eq!(d[0].constraint, "3.3.0");
        let (d, _) = single(".java-version", "temurin64-21.0.2\n", "runtime.java");
        assert_eq!(d[0].constraint, "21.0.2");
        let (d, _) = single(".python-version", "# pinned\n3.11.7\n3.12.1\n", "runtime.python3");
        assert_eq!((d[0].constraint.as_str(), d[0].line), ("3.11.7 3.12.1", 2));
        let (d, p) = single(".nvmrc", "\n\n", "runtime.node");
        assert!(d.is_empty());
        assert_eq!(p[0].to_string(), ".nvmrc: names no version");
    }

    #[test]
    fn sdkmanrc_java() {
        let (d, p) = sdkmanrc(
            "# Enable auto-env through the sdkman_auto_env config\njava=21.0.2-tem\nmaven=3.9.6\noops\n",
        );
        assert_eq!(
            (d[0].fact.as_str(), d[0].constraint.as_str(), d[0].line),
            ("runtime.java", "21.0.2", 2)
        );
        assert_eq!(p[0].to_string(), ".sdkmanrc:4: `oops` is not `NAME=VERSION`");
    }

    #[test]
    fn tool_versions_lines() {
        let text = "nodejs 20.11.1\npython 3.11.7 3.12.1 # two\njava temurin-21.0.2+13.0.LTS\n\
                    elixir 1.16.0-otp-26\nawscli 2.15.0\nruby\n";
        let (d, p) = tool_versions(text);
        let got: Vec<(&str, &str, usize)> =
            d.iter().map(|d| (d.fact.as_str(), d.constraint.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [
                ("runtime.node", "20.11.1", 1),
                ("runtime.python3", "3.11.7 3.12.1", 2),
                ("runtime.java", "21.0.2+13.0.LTS", 3),
                ("runtime.elixir", "1.16.0", 4),
            ]
        );
        assert_eq!(p[0].to_string(), ".tool-versions:6: `ruby` has no version");
    }
}
