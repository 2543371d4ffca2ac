//! Python: what a virtualenv has installed (each `*.dist-info/METADATA`'s
//! `Name` and `Version` headers, the folder's name when they are missing)
//! and what the lock files pin (`poetry.lock`, `uv.lock`, `Pipfile.lock`,
//! `requirements*.txt`'s `==` lines). Names are compared as PEP 503
//! normalizes them (`Charset_Normalizer` is `charset-normalizer`).

use super::{Cursor, Ecosystem, Package, Parsed, is_version};

/// PEP 503's normal form of a name: lower case, each run of `-`, `_`, `.`
/// one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether a name is one PEP 508 allows (letters, digits, `-_.`, starting
/// and ending with a letter or digit).
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 214
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn package(name: &str, version: &str, file: &str, line: usize) -> Package {
    Package::new(Ecosystem::Python, &normalize(name), version, file, line)
}

/// One installed distribution from its METADATA `text` (file `file`, in
/// the folder `NAME-VERSION.dist-info`, `folder`). The headers end at the
/// first blank line; a header line that is not `Key: value` is a problem
/// with its line, and the folder's name still gives the package.
pub fn metadata(file: &str, folder: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let (mut name, mut version) = (None, None);
    for (i, line) in text.lines().enumerate().take(2000) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            out.problem(file, Some(i + 1), "not a `Key: value` header line");
            break;
        };
        let value = value.trim();
        if key.eq_ignore_ascii_case("name") && name.is_none() {
            name = Some((value, i + 1));
        } else if key.eq_ignore_ascii_case("version") && version.is_none() {
            version = Some((value, i + 1));
        }
    }
    // `requests-2.31.0.dist-info`: the name has no `-` (wheels escape it).
    let from_folder = folder
        .strip_suffix(".dist-info")
        .and_then(|stem| stem.split_once('-'))
        .filter(|(n, v)| is_name(n) && is_version(v));
    let name = match name {
        Some((n, _)) if is_name(n) => n,
        Some((_, line)) if from_folder.is_none() => {
            out.problem(file, Some(line), "the `Name` header is not a package name");
            return out;
        }
        _ => {
            let Some((n, _)) = from_folder else {
                out.problem(
                    file,
                    None,
                    "no `Name` header, and the folder's name is not NAME-VERSION.dist-info",
                );
                return out;
            };
            n
        }
    };
    let (version, line) = match version {
        Some((v, line)) if is_version(v) => (v, line),
        Some((_, line)) => {
            out.problem(file, Some(line), "the `Version` header is not a version");
            return out;
        }
        None => {
            let Some((_, v)) = from_folder else {
                out.problem(file, None, "no `Version` header");
                return out;
            };
            (v, 1)
        }
    };
    out.packages.push(package(name, version, file, line));
    out
}

/// The exact pins (`name==version`, `name[extra]===version`) of a
/// requirements file; other lines (ranges, options, `-r`, `-e`, URLs)
/// pin nothing and are skipped. Markers (`; python_version < "3.8"`),
/// hashes and comments are ignored; continuation lines are joined.
pub fn requirements(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut joined = String::new();
    let mut first = 0;
    for (i, line) in text.lines().enumerate() {
        if joined.is_empty() {
            first = i + 1;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        // ` #` starts a comment (pip's rule); a URL's `#egg=` does not.
        let line = match line.find(" #").or_else(|| line.starts_with('#').then_some(0)) {
            Some(at) => &line[..at],
            None => line,
        };
        if let Some(part) = line.strip_suffix('\\') {
            joined.push_str(part);
            joined.push(' ');
            continue;
        }
        joined.push_str(line);
        requirement(&mut out, file, first, &joined);
        joined.clear();
    }
    if !joined.is_empty() {
        requirement(&mut out, file, first, &joined);
    }
    out
}

fn requirement(out: &mut Parsed, file: &str, line: usize, text: &str) {
    let spec = text.split(';').next().unwrap_or("").trim();
    if spec.is_empty() || spec.starts_with('-') || spec.contains("://") || spec.contains(" @ ") {
        return;
    }
    let spec = spec.split(" --").next().unwrap_or(spec).trim();
    let Some(at) = spec.find("==") else { return };
    let (name, version) = (spec[..at].trim(), spec[at..].trim_start_matches('=').trim());
    let name = name.split('[').next().unwrap_or(name).trim();
    // `==1.*` is a range, and `a==1,!=1.1` more than a pin.
    if version.contains([',', '*']) {
        return;
    }
    if !is_name(name) || !is_version(version) {
        out.problem(file, Some(line), "not a `name==version` requirement paritty reads");
        return;
    }
    out.packages.push(package(name, version, file, line));
}

/// Pipfile.lock's `default` and `develop` sections (`"version": "==X"`).
pub fn pipfile_lock(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problem(file, Some(e.line()), format!("not JSON: {}", strip_at(&e.to_string())));
            return out;
        }
    };
    for section in ["default", "develop"] {
        let Some(map) = json.get(section).and_then(|s| s.as_object()) else { continue };
        let mut cursor = Cursor::new(text);
        cursor.find(&format!("\"{section}\""));
        for (name, entry) in map {
            let line = cursor.find(&format!("\"{name}\"")).unwrap_or(1);
            cursor.step();
            // A git or path source has no version: nothing pinned by number.
            let Some(version) = entry.get("version").and_then(|v| v.as_str()) else { continue };
            match version.strip_prefix("==") {
                Some(v) if is_name(name) && is_version(v) => {
                    out.packages.push(package(name, v, file, line));
                }
                _ => out.problem(file, Some(line), "not a `==version` pin paritty reads"),
            }
        }
    }
    out
}

/// `poetry.lock` and `uv.lock`: their `[[package]]` tables' `name` and
/// `version`. The app itself (uv's editable or virtual root) and local
/// folders are not third-party packages and are left out.
pub fn toml_lock(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| super::line_at(text, s.start));
            out.problem(file, line, format!("not TOML: {}", e.message()));
            return out;
        }
    };
    let Some(packages) = table.get("package").and_then(|p| p.as_array()) else { return out };
    let mut cursor = Cursor::new(text);
    for entry in packages {
        let name = entry.get("name").and_then(|n| n.as_str()).unwrap_or("");
        let table = cursor.find("[[package]]").unwrap_or(1);
        cursor.step();
        let line = cursor.find(&format!("\"{name}\"")).unwrap_or(table);
        let local = entry.get("source").and_then(|s| s.as_table()).is_some_and(|s| {
            ["editable", "virtual", "directory", "path"].iter().any(|k| s.contains_key(*k))
                || s.get("type")
                    .and_then(|t| t.as_str())
                    .is_some_and(|t| t == "directory" || t == "file")
        });
        if local {
            continue;
        }
        let version = entry.get("version").and_then(|v| v.as_str()).unwrap_or("");
        if !is_name(name) || !is_version(version) {
            out.problem(
                file,
                Some(line),
                "a `[[package]]` without a name and version paritty reads",
            );
            continue;
        }
        out.packages.push(package(name, version, file, line));
    }
    out
}

/// serde's message without its " at line L column C" (the line is given
/// apart).
fn strip_at(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pins(parsed: &Parsed) -> Vec<(String, String, usize)> {
        parsed.packages.iter().map(|p| (p.name.clone(), p.version.clone(), p.line)).collect()
    }

    #[test]
    fn names_are_normalized_as_pep_503_says() {
        assert_eq!(normalize("Charset_Normalizer"), "charset-normalizer");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("A__-.b"), "a-b");
    }

    // The head of requests 2.31.0's METADATA as pip installs it
    // (target/deps-fixture has the whole file).
    const REQUESTS: &str = "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: Python HTTP for Humans.\nHome-page: https://requests.readthedocs.io\nClassifier: Development Status :: 5 - Production/Stable\nRequires-Dist: charset-normalizer (<4,>=2)\nRequires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\n\n# Requests\n\nName: not-a-header\n";

    #[test]
    fn metadata_gives_name_and_version_from_the_headers_only() {
        let got = metadata(
            "site/requests-2.31.0.dist-info/METADATA",
            "requests-2.31.0.dist-info",
            REQUESTS,
        );
        assert_eq!(pins(&got), [("requests".into(), "2.31.0".into(), 3)]);
        assert!(got.problems.is_empty());
        // Windows line ends, a header folded onto the next line.
        let text = "Metadata-Version: 2.1\r\nName: Charset_Normalizer\r\nLicense: MIT\r\n  and more\r\nVersion: 3.3.2\r\n\r\n";
        let got = metadata("M", "charset_normalizer-3.3.2.dist-info", text);
        assert_eq!(pins(&got), [("charset-normalizer".into(), "3.3.2".into(), 5)]);
    }

    #[test]
    fn a_malformed_metadata_names_its_line_and_the_folder_still_tells() {
        let got = metadata(
            "x/idna-3.6.dist-info/METADATA",
            "idna-3.6.dist-info",
            "Metadata-Version: 2.1\nthis is no header\nName: idna\n",
        );
        assert_eq!(got.problems.len(), 1);
        assert_eq!(
            got.problems[0].to_string(),
            "x/idna-3.6.dist-info/METADATA:2: not a `Key: value` header line"
        );
        assert_eq!(pins(&got), [("idna".into(), "3.6".into(), 1)]);
        let got = metadata("M", "weird.dist-info", "Name: x\nVersion: 1.0; rm -rf /\n");
        assert_eq!(got.problems[0].to_string(), "M:2: the `Version` header is not a version");
        assert!(got.packages.is_empty());
    }

    // Hand-written in the shapes requirements files take: pip-compile's
    // hashes and `# via` lines, extras and markers, an editable git
    // source, options.
    const REQUIREMENTS: &str = "\
# This file is autogenerated by pip-compile with Python 3.11
--index-url https://pypi.org/simple
-r base.txt
-e git+https://github.com/psf/requests.git@main#egg=requests
asgiref==3.7.2 \\
    --hash=sha256:89b2ef2247e3b562a16eef663bc0e2e703ec6468e2fa8a5cd61cd449786d4f6e
    # via django
Django[argon2,bcrypt] == 4.2.7 ; python_version >= \"3.8\"  # the web framework
backports.zoneinfo==0.2.1; python_version < \"3.9\"
urllib3>=1.26,<3
numpy==1.*
pkg @ https://example.com/pkg-1.0.tar.gz
oops==not a version
";

    #[test]
    fn requirements_pin_only_exact_versions() {
        let got = requirements("requirements.txt", REQUIREMENTS);
        assert_eq!(
            pins(&got),
            [
                ("asgiref".into(), "3.7.2".into(), 5),
                ("django".into(), "4.2.7".into(), 8),
                ("backports-zoneinfo".into(), "0.2.1".into(), 9),
            ]
        );
        assert_eq!(got.problems.len(), 1);
        assert_eq!(got.problems[0].line, Some(13));
    }

    // Hand-written in Pipfile.lock's shape; a git source has no version.
    const PIPFILE_LOCK: &str = r#"{
    "_meta": {"hash": {"sha256": "ab"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"}},
    "default": {
        "certifi": {"hashes": ["sha256:e0"], "index": "pypi", "markers": "python_version >= '3.6'", "version": "==2023.11.17"},
        "mylib": {"editable": true, "git": "https://github.com/me/mylib.git", "ref": "0123abc"}
    },
    "develop": {
        "pytest": {"hashes": [], "version": "==7.4.3"}
    }
}"#;

    #[test]
    fn pipfile_lock_pins_default_and_develop() {
        let got = pipfile_lock("Pipfile.lock", PIPFILE_LOCK);
        assert_eq!(
            pins(&got),
            [("certifi".into(), "2023.11.17".into(), 4), ("pytest".into(), "7.4.3".into(), 8)]
        );
        let bad = pipfile_lock("Pipfile.lock", "{\n  \"default\": {\n    \"x\": \n}");
        assert_eq!(bad.problems[0].line, Some(4));
    }

    // Hand-written in the shapes of poetry.lock (a git source, a local path
    // dependency) and uv.lock (the editable root); a real poetry.lock
    // follows below.
    const POETRY_LOCK: &str = r#"# This file is automatically @generated by Poetry 1.7.1 and should not be changed by hand.

[[package]]
name = "anyio"
version = "4.2.0"
description = "High level compatibility layer for multiple asynchronous event loop implementations"
optional = false
python-versions = ">=3.8"
files = [
    {file = "anyio-4.2.0-py3-none-any.whl", hash = "sha256:745843b39e829e108e518c489b31dc757de7d2131d53fac32bd8df268227bfee"},
]

[[package]]
name = "mylib"
version = "0.1.0"
description = ""
optional = false
python-versions = "*"
files = []
develop = true

[package.source]
type = "directory"
url = "../mylib"

[[package]]
name = "Flask-Login"
version = "0.6.3"
description = "User authentication and session management for Flask."
optional = false
python-versions = ">=3.7"
files = []

[package.source]
type = "git"
url = "https://github.com/maxcountryman/flask-login.git"
reference = "main"
resolved_reference = "0123456789abcdef"
"#;

    const UV_LOCK: &str = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "idna" },
]

[[package]]
name = "idna"
version = "3.6"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/idna-3.6.tar.gz", hash = "sha256:9e", size = 175426 }
"#;

    #[test]
    fn toml_locks_pin_their_packages_but_not_local_folders() {
        let got = toml_lock("poetry.lock", POETRY_LOCK);
        assert_eq!(
            pins(&got),
            [("anyio".into(), "4.2.0".into(), 4), ("flask-login".into(), "0.6.3".into(), 27)]
        );
        let got = toml_lock("uv.lock", UV_LOCK);
        assert_eq!(pins(&got), [("idna".into(), "3.6".into(), 13)]);
        let bad = toml_lock("uv.lock", "version = 1\n[[package]\nname = 1\n");
        assert_eq!(bad.problems.len(), 1);
        assert_eq!(bad.problems[0].line, Some(2));
    }

    // DavidPal/init-file-checker's poetry.lock (commit 051abf83), its first
    // packages as committed (astroid's `black` block left out): nested
    // `[package.dependencies]` tables whose keys are other packages' names.
    const INIT_FILE_CHECKER: &str = r#"# This file is automatically @generated by Poetry 1.7.1 and should not be changed by hand.

[[package]]
name = "astroid"
version = "2.15.8"
description = "An abstract syntax tree for Python with inference support."
optional = false
python-versions = ">=3.7.2"
files = [
    {file = "astroid-2.15.8-py3-none-any.whl", hash = "sha256:1aa149fc5c6589e3d0ece885b4491acd80af4f087baafa3fb5203b113e68cd3c"},
    {file = "astroid-2.15.8.tar.gz", hash = "sha256:6c107453dffee9055899705de3c9ead36e74119cee151e5a9aaf7f0b0e020a6a"},
]

[package.dependencies]
lazy-object-proxy = ">=1.4.0"
typed-ast = {version = ">=1.4.0,<2.0", markers = "implementation_name == \"cpython\" and python_version < \"3.8\""}
typing-extensions = {version = ">=4.0.0", markers = "python_version < \"3.11\""}
wrapt = [
    {version = ">=1.11,<2", markers = "python_version < \"3.11\""},
    {version = ">=1.14,<2", markers = "python_version >= \"3.11\""},
]

[[package]]
name = "click"
version = "8.1.7"
description = "Composable command line interface toolkit"
optional = false
python-versions = ">=3.7"
files = [
    {file = "click-8.1.7-py3-none-any.whl", hash = "sha256:ae74fb96c20a0277a1d615f1e4d73c8414f5a98db8b799a7931d1582f3390c28"},
    {file = "click-8.1.7.tar.gz", hash = "sha256:ca9853ad459e787e2192211578cc907e7594e294c7ccc834310722b41b9ca6de"},
]

[package.dependencies]
colorama = {version = "*", markers = "platform_system == \"Windows\""}
importlib-metadata = {version = "*", markers = "python_version < \"3.8\""}

[[package]]
name = "colorama"
version = "0.4.6"
description = "Cross-platform colored terminal text."
optional = false
python-versions = "!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*,!=3.6.*,>=2.7"
files = [
    {file = "colorama-0.4.6-py2.py3-none-any.whl", hash = "sha256:4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6"},
    {file = "colorama-0.4.6.tar.gz", hash = "sha256:08695f5cb7ed6e0531a20572697297273c47b8cae5a63ffc6d6ed5c201be6e44"},
]
"#;

    #[test]
    fn a_real_poetry_lock_pins_each_package_once() {
        let got = toml_lock("poetry.lock", INIT_FILE_CHECKER);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            pins(&got),
            [
                ("astroid".into(), "2.15.8".into(), 4),
                ("click".into(), "8.1.7".into(), 24),
                ("colorama".into(), "0.4.6".into(), 39),
            ]
        );
    }

    proptest! {
        #[test]
        fn garbage_never_panics_and_gives_only_valid_packages(text in "\\PC{0,400}") {
            for got in [
                metadata("M", "x-1.dist-info", &text),
                requirements("r.txt", &text),
                pipfile_lock("Pipfile.lock", &text),
                toml_lock("uv.lock", &text),
            ] {
                for p in &got.packages {
                    prop_assert!(is_version(&p.version));
                    prop_assert!(!p.name.is_empty());
                }
            }
        }
    }
}
