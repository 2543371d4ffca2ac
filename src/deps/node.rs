//! Node: what `node_modules` holds (npm's hidden lockfile,
//! `node_modules/.package-lock.json`, which npm rewrites whenever it
//! changes the folder; else each top-level package's `package.json`) and
//! what `package-lock.json` pins (v1's `dependencies`, v2/v3's
//! `packages`). Keys are paths: `node_modules/NAME`, a scoped
//! `node_modules/@s/n`, a nested copy `node_modules/a/node_modules/b`; a
//! workspace is a `link` to its folder, which is the app's own code.

use serde_json::{Map, Value};

use super::{Cursor, Ecosystem, Package, Parsed, find_line, is_name, is_version};

const PREFIX: &str = "node_modules/";

/// The hidden lockfile (installed) or a v2/v3 `package-lock.json`
/// (pinned): the same `packages` map. A v1 lock's `dependencies` are read
/// when there is no `packages`.
pub fn lockfile(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let json: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            let message = message.find(" at line ").map_or(&*message, |i| &message[..i]);
            out.problem(file, Some(e.line()), format!("not JSON: {message}"));
            return out;
        }
    };
    if let Some(packages) = json.get("packages").and_then(Value::as_object) {
        packages_map(&mut out, file, text, packages);
    } else if let Some(deps) = json.get("dependencies").and_then(Value::as_object) {
        v1(&mut out, file, &mut Cursor::new(text), deps, "", 0);
    } else {
        out.problem(file, None, "neither `packages` nor `dependencies`: not an npm lockfile");
    }
    out
}

fn packages_map(out: &mut Parsed, file: &str, text: &str, packages: &Map<String, Value>) {
    let mut cursor = Cursor::new(text);
    for (key, entry) in packages {
        // Keys come in the file's order (serde_json's preserve_order).
        let line = cursor.find(&format!("\"{key}\"")).unwrap_or(1);
        cursor.step();
        // "" is the app itself; a key without node_modules/ is a
        // workspace's folder, the app's own code too.
        let Some(at) = key.rfind(PREFIX) else { continue };
        if !key.starts_with(PREFIX) {
            continue;
        }
        let name = &key[at + PREFIX.len()..];
        // A link points at a workspace folder: not a third-party package.
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let version = entry.get("version").and_then(Value::as_str);
        match version {
            Some(v) if is_name(name) && is_version(v) => {
                let mut package = Package::new(Ecosystem::Node, name, v, file, line);
                if at > 0 {
                    package.nested = Some(super::cap(super::one_line(&key[..at - 1]), 400));
                }
                out.packages.push(package);
            }
            // An entry npm could not install (an optional dependency for
            // another platform) has no version.
            None if entry.get("optional").and_then(Value::as_bool) == Some(true) => {}
            _ => out.problem(
                file,
                Some(line),
                format!("`{}` has no version paritty reads", super::cap(super::one_line(key), 200)),
            ),
        }
    }
}

/// lockfileVersion 1: `dependencies` by name, each with its own nested
/// `dependencies`.
fn v1(
    out: &mut Parsed,
    file: &str,
    cursor: &mut Cursor<'_>,
    deps: &Map<String, Value>,
    path: &str,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    for (name, entry) in deps {
        // Depth first is the file's order: nested entries sit inside.
        let line = cursor.find(&format!("\"{name}\": {{")).unwrap_or(1);
        cursor.step();
        let version = entry.get("version").and_then(Value::as_str).unwrap_or("");
        if !is_name(name) {
            out.problem(file, Some(line), "not a package name");
            continue;
        }
        // A git or file dependency's `version` is its URL: nothing pinned by
        // number (and a URL may hold a token).
        if is_version(version) {
            let mut package = Package::new(Ecosystem::Node, name, version, file, line);
            if !path.is_empty() {
                package.nested = Some(super::cap(path.to_owned(), 400));
            }
            out.packages.push(package);
        }
        if let Some(inner) = entry.get("dependencies").and_then(Value::as_object) {
            let here = if path.is_empty() {
                format!("{PREFIX}{name}")
            } else {
                format!("{path}/{PREFIX}{name}")
            };
            v1(out, file, cursor, inner, &here, depth + 1);
        }
    }
}

/// A top-level package's own `package.json` (`node_modules/NAME/package.json`,
/// called `file`): its `name` and `version`.
pub fn package_json(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let json: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.problem(file, Some(e.line()), "not JSON");
            return out;
        }
    };
    let name = json.get("name").and_then(Value::as_str).unwrap_or("");
    let version = json.get("version").and_then(Value::as_str).unwrap_or("");
    if !is_name(name) || !is_version(version) {
        let line = find_line(text, 0, "\"version\"");
        out.problem(file, line, "no `name` and `version` paritty reads");
        return out;
    }
    let line = find_line(text, 0, "\"version\"").unwrap_or(1);
    out.packages.push(Package::new(Ecosystem::Node, name, version, file, line));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(parsed: &Parsed) -> Vec<(String, String, usize, Option<String>)> {
        parsed
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.line, p.nested.clone()))
            .collect()
    }

    // npm 10's hidden lockfile for target/deps-fixture (cut down), with
    // hand-written entries in the shapes npm writes for a workspace and its
    // link, an alias (`string-width-cjs` installing `string-width`) and an
    // optional package for another platform (esbuild's): not copies.
    const HIDDEN: &str = r#"{
  "name": "paritty-deps-fixture",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "docs": {
      "name": "@npmcli/docs",
      "version": "1.0.0"
    },
    "node_modules/@babel/code-frame": {
      "version": "7.23.5",
      "integrity": "sha512-CgH3s1a96LipHCmSUmYFPwY7MNx8C3avkq7i4Wl3cfa662ldtUe4VM1TPXX70pfmrlWTb6jLqTYrZyT2ZTJBgA==",
      "license": "MIT"
    },
    "node_modules/@babel/highlight/node_modules/chalk": {
      "version": "2.4.2",
      "license": "MIT"
    },
    "node_modules/@esbuild/aix-ppc64": {
      "cpu": ["ppc64"],
      "optional": true
    },
    "node_modules/@npmcli/docs": {
      "resolved": "docs",
      "link": true
    },
    "node_modules/chalk": {
      "version": "4.1.2"
    },
    "node_modules/string-width-cjs": {
      "name": "string-width",
      "version": "4.2.3"
    }
  }
}"#;

    #[test]
    fn the_hidden_lockfile_gives_every_copy_with_where_it_sits() {
        let got = lockfile("node_modules/.package-lock.json", HIDDEN);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            found(&got),
            [
                ("@babel/code-frame".into(), "7.23.5".into(), 11, None),
                ("chalk".into(), "2.4.2".into(), 16, Some("node_modules/@babel/highlight".into())),
                ("chalk".into(), "4.1.2".into(), 28, None),
                ("string-width-cjs".into(), "4.2.3".into(), 31, None),
            ]
        );
    }

    // Hand-written in the shape of a lockfileVersion 1 package-lock.json
    // (npm 6): nested `dependencies`, a git dependency.
    const V1: &str = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "accepts": {
      "version": "1.3.7",
      "resolved": "https://registry.npmjs.org/accepts/-/accepts-1.3.7.tgz",
      "requires": {"mime-types": "~2.1.24"},
      "dependencies": {
        "mime-types": {
          "version": "2.1.24"
        }
      }
    },
    "private-lib": {
      "version": "git+https://token@github.com/me/private-lib.git#0123abc",
      "from": "git+https://github.com/me/private-lib.git"
    }
  }
}"#;

    #[test]
    fn a_v1_lock_pins_by_name_and_keeps_urls_out() {
        let got = lockfile("package-lock.json", V1);
        assert_eq!(
            found(&got),
            [
                ("accepts".into(), "1.3.7".into(), 7, None),
                ("mime-types".into(), "2.1.24".into(), 12, Some("node_modules/accepts".into())),
            ]
        );
        assert!(got.packages.iter().all(|p| !p.version.contains("token")));
    }

    #[test]
    fn malformed_lockfiles_name_the_line() {
        let got = lockfile(
            "node_modules/.package-lock.json",
            "{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": 3},\n    \"node_modules/b\": {\"version\": \"1.0.0\"}\n  }\n}",
        );
        assert_eq!(got.problems.len(), 1);
        assert_eq!(
            got.problems[0].to_string(),
            "node_modules/.package-lock.json:3: `node_modules/a` has no version paritty reads"
        );
        assert_eq!(found(&got), [("b".into(), "1.0.0".into(), 4, None)]);
        let got = lockfile("package-lock.json", "{\n\"packages\": {,\n");
        assert_eq!(got.problems[0].line, Some(2));
    }

    #[test]
    fn a_package_json_gives_its_name_and_version() {
        let text = "{\n  \"name\": \"@babel/highlight\",\n  \"version\": \"7.23.4\",\n  \"main\": \"./lib/index.js\"\n}\n";
        let got = package_json("node_modules/@babel/highlight/package.json", text);
        assert_eq!(found(&got), [("@babel/highlight".into(), "7.23.4".into(), 3, None)]);
        assert_eq!(package_json("p", "{\"name\": \"x\"}").problems.len(), 1);
    }

    proptest! {
        #[test]
        fn garbage_never_panics(text in "\\PC{0,400}") {
            for got in [lockfile("l", &text), package_json("p", &text)] {
                for p in &got.packages {
                    prop_assert!(is_version(&p.version) && is_name(&p.name));
                }
            }
        }

        #[test]
        fn any_packages_map_reads_back(names in proptest::collection::btree_map("(@[a-z]{1,5}/)?[a-z][a-z0-9-]{0,8}", "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}", 0..20)) {
            let packages: Map<String, Value> = names.iter().map(|(n, v)| (format!("node_modules/{n}"), serde_json::json!({"version": v}))).collect();
            let text = serde_json::to_string_pretty(&serde_json::json!({"lockfileVersion": 3, "packages": packages})).unwrap_or_default();
            let got = lockfile("l", &text);
            let back: std::collections::BTreeMap<String, String> = got.packages.into_iter().map(|p| (p.name, p.version)).collect();
            prop_assert_eq!(back, names);
        }
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    /// Keys written with JSON escapes (`"node_modules/\u0061"` is
    /// `node_modules/a`) are never found as written, so each package's line
    /// search must not read the rest of the file again: 40,000 of them in
    /// 2 MiB would be 40 GB of searching.
    #[test]
    fn escaped_keys_do_not_make_the_line_search_quadratic() {
        let entries: Vec<String> = (0..40_000)
            .map(|i| format!("\"node_modules/\\u0061{i}\": {{\"version\": \"1.0.{i}\"}}"))
            .collect();
        let text = format!("{{\"packages\": {{\n{}\n}}}}", entries.join(",\n"));
        let got = lockfile("node_modules/.package-lock.json", &text);
        assert_eq!(got.packages.len(), 40_000);
        assert_eq!(got.packages[39_999].name, "a39999");
    }
}
