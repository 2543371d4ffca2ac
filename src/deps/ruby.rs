//! Ruby: `Gemfile.lock`, which Bundler writes and loads exactly. Its
//! `specs:` (under `GEM`, `GIT` and `PATH`) list each gem as `    name
//! (version)` (four spaces; the gem's own dependencies at six); a version
//! may carry a platform (`nokogiri (1.15.4-x86_64-linux)`). The lock is
//! both what is pinned and, where Bundler installed it, what runs.

use super::{Ecosystem, Package, Parsed, is_name, is_version};

/// The gems a `Gemfile.lock` lists in its `specs:`; `PATH` gems (the
/// app's own folders) are left out.
pub fn gemfile_lock(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut section = "";
    let mut in_specs = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.starts_with(' ') {
            section = line.trim();
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if !in_specs || section == "PATH" {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent != 4 {
            continue;
        }
        let spec = line.trim();
        let parsed = spec
            .split_once(" (")
            .and_then(|(name, rest)| Some((name, rest.strip_suffix(')')?)))
            .filter(|(name, version)| is_name(name) && !name.contains('/') && is_version(version));
        match parsed {
            Some((name, version)) => {
                out.packages.push(Package::new(Ecosystem::Ruby, name, version, file, i + 1));
            }
            None => out.problem(file, Some(i + 1), "not a `name (version)` spec line"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The shape of rails/rails' Gemfile.lock (GIT, PATH and GEM sections,
    // platform gems), cut down.
    const LOCK: &str = "\
GIT
  remote: https://github.com/rails/sdoc.git
  revision: 0123456789abcdef
  branch: main
  specs:
    sdoc (3.0.0.alpha)
      nokogiri

PATH
  remote: .
  specs:
    actioncable (7.2.0.alpha)
      actionpack (= 7.2.0.alpha)

GEM
  remote: https://rubygems.org/
  specs:
    RedCloth (4.3.3)
    nokogiri (1.15.4-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.3)
    broken spec line

PLATFORMS
  ruby
  x86_64-linux

BUNDLED WITH
   2.5.3
";

    #[test]
    fn specs_are_read_from_git_and_gem_not_path() {
        let got = gemfile_lock("Gemfile.lock", LOCK);
        let found: Vec<(&str, &str, usize)> =
            got.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.line)).collect();
        assert_eq!(
            found,
            [
                ("sdoc", "3.0.0.alpha", 6),
                ("RedCloth", "4.3.3", 18),
                ("nokogiri", "1.15.4-x86_64-linux", 19),
                ("racc", "1.7.3", 21),
            ]
        );
        assert_eq!(got.problems.len(), 1);
        assert_eq!(
            got.problems[0].to_string(),
            "Gemfile.lock:22: not a `name (version)` spec line"
        );
    }

    proptest! {
        #[test]
        fn garbage_never_panics(text in "(GEM\n  specs:\n)?\\PC{0,300}") {
            for p in gemfile_lock("Gemfile.lock", &text).packages {
                prop_assert!(is_version(&p.version) && is_name(&p.name));
            }
        }
    }
}
