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

    // Hand-written in Gemfile.lock's shape (GIT, PATH and GEM sections, a
    // platform gem); a real one follows below.
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

    // Silversheet/truevault.rb's Gemfile.lock as committed (commit
    // 6cd22eab): a gem's own PATH section, GEM specs with their
    // dependencies at six spaces, DEPENDENCIES with `!`.
    const TRUEVAULT: &str = "PATH
  remote: .
  specs:
    truevault (0.1.1)
      httparty (~> 0.11)

GEM
  remote: https://rubygems.org/
  specs:
    activesupport (4.0.13)
      i18n (~> 0.6, >= 0.6.9)
      minitest (~> 4.2)
      multi_json (~> 1.3)
      thread_safe (~> 0.1)
      tzinfo (~> 0.3.37)
    addressable (2.3.5)
    ansi (1.4.3)
    coderay (1.1.1)
    crack (0.4.1)
      safe_yaml (~> 0.9.0)
    dotenv (1.0.2)
    factory_girl (4.7.0)
      activesupport (>= 3.0.0)
    httparty (0.13.7)
      json (~> 1.8)
      multi_xml (>= 0.5.2)
    i18n (0.7.0)
    json (1.8.3)
    method_source (0.8.2)
    minitest (4.7.5)
    multi_json (1.12.1)
    multi_xml (0.5.5)
    pry (0.10.3)
      coderay (~> 1.1.0)
      method_source (~> 0.8.1)
      slop (~> 3.4)
    rake (10.1.0)
    safe_yaml (0.9.7)
    slop (3.6.0)
    thread_safe (0.3.5)
    turn (0.9.6)
      ansi
    tzinfo (0.3.51)
    vcr (2.5.0)
    webmock (1.11.0)
      addressable (>= 2.2.7)
      crack (>= 0.3.2)

PLATFORMS
  ruby

DEPENDENCIES
  bundler (~> 1.6)
  dotenv
  factory_girl (~> 4.0)
  minitest (~> 4.7)
  pry
  rake (~> 10.1)
  truevault!
  turn (~> 0.9)
  vcr (~> 2.5)
  webmock (= 1.11)

BUNDLED WITH
   1.11.2
";

    #[test]
    fn a_real_gemfile_lock_gives_its_gem_specs() {
        let got = gemfile_lock("Gemfile.lock", TRUEVAULT);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.packages.len(), 23);
        let first = &got.packages[0];
        assert_eq!(
            (first.name.as_str(), first.version.as_str(), first.line),
            ("activesupport", "4.0.13", 10)
        );
        let last = &got.packages[22];
        assert_eq!(
            (last.name.as_str(), last.version.as_str(), last.line),
            ("webmock", "1.11.0", 45)
        );
        assert!(got.packages.iter().all(|p| p.name != "truevault" && p.name != "bundler"));
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
