//! Ruby: `Gemfile.lock`, which Bundler writes and loads exactly. Its
//! `specs:` (under `GEM`, `GIT` and `PATH`) list each gem as `    name
//! (version)` (four spaces; the gem's own dependencies at six); a version
//! may carry a platform (`nokogiri (1.15.4-x86_64-linux)`): what is
//! pinned. What is installed is in the installed gems' own
//! `specifications/NAME-VERSION.gemspec` files, and for a `GIT` source in
//! the gemspecs Bundler rewrites in the same form in its checkout
//! (`stream::is_checkout_gem`), read by `gemspec` (their `s.name` and
//! `s.version` lines, never evaluated).

use super::{Ecosystem, Package, Parsed, is_name, is_version};

/// The most of a gemspec read: RubyGems writes `s.name`, `s.version` and
/// `s.platform` in its first lines, and the description after them may be
/// long. Only lines that end within it count (here and in the probe).
pub const GEMSPEC_HEAD: usize = 4096;

/// An installed gem from its gemspec as RubyGems writes it (`s.name =
/// "rack".freeze`, `s.version = "2.2.22"`, for a platform gem `s.platform =
/// "x86_64-linux".freeze`): the version with the platform after a dash, as
/// `Gemfile.lock` writes it. The file name (`NAME-VERSION[-PLATFORM]`) is
/// not read: names hold dashes too.
pub fn gemspec(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let (mut name, mut version, mut platform) = (None, None, None);
    for line in head_lines(text) {
        let Some((key, value)) = assignment(line) else { continue };
        let slot = match key {
            "name" => &mut name,
            "version" => &mut version,
            "platform" => &mut platform,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    let Some(name) = name else {
        out.problem(file, None, "no `s.name = \"...\"` line in its first 4 KiB");
        return out;
    };
    let Some(version) = version else {
        out.problem(file, None, "no `s.version = \"...\"` line in its first 4 KiB");
        return out;
    };
    let version = match platform {
        Some(p) if p != "ruby" && is_name(p) => format!("{version}-{p}"),
        _ => version.to_owned(),
    };
    if is_name(name) && !name.contains('/') && is_version(&version) {
        // Line 0: the file as a whole (`Package::line`).
        out.packages.push(Package::new(Ecosystem::Ruby, name, &version, file, 0));
    } else {
        out.problem(file, None, "not a gem's name and version");
    }
    out
}

/// The lines of `text` that end within its first `GEMSPEC_HEAD` bytes.
fn head_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut used = 0;
    text.split_inclusive('\n')
        .take_while(move |l| {
            used += l.len();
            used <= GEMSPEC_HEAD && l.ends_with('\n')
        })
        .map(|l| l.trim_end_matches(['\n', '\r']))
}

/// `  s.KEY = "VALUE"` with an optional `.freeze`: the key and the value;
/// `None` for any other line (an expression is not evaluated).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("s.")?;
    let (key, value) = rest.split_once('=')?;
    let key = key.trim_end();
    if !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return None;
    }
    let value = value.trim();
    let value = value.strip_suffix(".freeze").unwrap_or(value);
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\', '#'])).then_some((key, inner))
}

/// The gems a `Gemfile.lock` lists in its `specs:`; `PATH` gems (the
/// app's own folders, `gem "x", path: "..."`) are left out: they are the
/// app's code, installed nowhere, their version the app's revision's
/// (`app.revision` compares that), so none is a `deps.ruby.*` fact.
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

    // An installed gemspec as Debian's ruby-rack package ships it
    // (/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec).
    const RACK: &str = "# -*- encoding: utf-8 -*-
# stub: rack 2.2.22 ruby lib

Gem::Specification.new do |s|
  s.name = \"rack\".freeze
  s.version = \"2.2.22\"

  s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = [\"lib\".freeze]
  s.authors = [\"Leah Neukirchen\".freeze]
  s.date = \"2026-07-25\"
  s.rubygems_version = \"3.3.15\".freeze
";

    // A platform gem with a dash in its name as Bundler installs it
    // (google-protobuf-3.25.5-x86_64-linux.gemspec, the head of one found
    // committed in a public repository's bundle): version frozen too,
    // platform on its own line.
    const PROTOBUF: &str = "# -*- encoding: utf-8 -*-
# stub: google-protobuf 3.25.5 x86_64-linux lib

Gem::Specification.new do |s|
  s.name = \"google-protobuf\".freeze
  s.version = \"3.25.5\".freeze
  s.platform = \"x86_64-linux\".freeze

  s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { \"source_code_uri\" => \"https://github.com/protocolbuffers/protobuf/tree/v3.25.5/ruby\" } if s.respond_to? :metadata=
  s.require_paths = [\"lib\".freeze]
";

    #[test]
    fn a_gemspec_gives_its_own_name_and_version() {
        let got = gemspec("rack-2.2.22.gemspec", RACK);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let rack = &got.packages[0];
        assert_eq!((rack.name.as_str(), rack.version.as_str()), ("rack", "2.2.22"));
        assert_eq!(rack.source(), "rack-2.2.22.gemspec");
        let got = gemspec("x.gemspec", PROTOBUF);
        let protobuf = &got.packages[0];
        assert_eq!(
            (protobuf.name.as_str(), protobuf.version.as_str()),
            ("google-protobuf", "3.25.5-x86_64-linux")
        );
    }

    // Ruby 3.1's own json gem as Debian installs it
    // (/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec):
    // its second stub line holds NUL bytes between the extension files.
    const JSON: &str = "# -*- encoding: utf-8 -*-
# stub: json 2.6.1 ruby lib
# stub: ext/json/ext/generator/extconf.rb\0ext/json/ext/parser/extconf.rb\0ext/json/extconf.rb

Gem::Specification.new do |s|
  s.name = \"json\".freeze
  s.version = \"2.6.1\"

  s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? :required_rubygems_version=
";

    #[test]
    fn a_default_gem_s_nul_bytes_are_passed_over() {
        let got = gemspec("json-2.6.1.gemspec", JSON);
        let json = &got.packages[0];
        assert_eq!((json.name.as_str(), json.version.as_str()), ("json", "2.6.1"));
    }

    #[test]
    fn a_gemspec_without_its_lines_in_its_head_is_a_problem() {
        let evaluated = "Gem::Specification.new do |s|\n  s.name = NAME\n  s.version = \"1.0\"\n";
        let got = gemspec("a.gemspec", evaluated);
        assert!(got.packages.is_empty());
        assert_eq!(
            got.problems[0].to_string(),
            "a.gemspec: no `s.name = \"...\"` line in its first 4 KiB"
        );
        let late =
            format!("{}\n  s.name = \"rack\"\n  s.version = \"1\"\n", "#".repeat(GEMSPEC_HEAD));
        assert!(gemspec("b.gemspec", &late).packages.is_empty());
        let interpolated = "  s.name = \"#{`id`}\"\n  s.version = \"1\"\n";
        assert!(gemspec("c.gemspec", interpolated).packages.is_empty());
        let bad = "  s.name = \"a b\"\n  s.version = \"1\"\n";
        assert_eq!(
            gemspec("d.gemspec", bad).problems[0].to_string(),
            "d.gemspec: not a gem's name and version"
        );
    }

    proptest! {
        #[test]
        fn garbage_never_panics(text in "(GEM\n  specs:\n)?\\PC{0,300}") {
            for p in gemfile_lock("Gemfile.lock", &text).packages {
                prop_assert!(is_version(&p.version) && is_name(&p.name));
            }
        }

        #[test]
        fn a_garbage_gemspec_never_panics(text in "(  s\\.(name|version|platform) = \"\\PC{0,20}\n)*\\PC{0,200}") {
            for p in gemspec("x.gemspec", &text).packages {
                prop_assert!(is_version(&p.version) && is_name(&p.name));
            }
        }
    }
}
