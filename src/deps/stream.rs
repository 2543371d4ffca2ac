//! The files of an app folder as one text: what the remote probe sends
//! back for the app's dependencies (`probe/deps.sh`), and how each file is
//! told to its parser, here and in local collection alike. Each file is a
//! line `<bytes> <path>` (the path in the app folder, one line) and then
//! exactly that many bytes: read by length, so no file's content can pass
//! for another file. A METADATA file comes as its headers only (the lines
//! before the first blank one), which is all its parser reads.

use super::{Parsed, node, python, ruby};
use crate::declare::Problem;

/// The lock files read in an app folder, in the order their pins count
/// (`requirements*.txt` other than `requirements.txt` follow, sorted).
/// `probe/deps.sh` names the same (a test checks).
pub const LOCK_FILES: &[&str] = &[
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "requirements.txt",
    "npm-shrinkwrap.json",
    "package-lock.json",
    "Gemfile.lock",
    "gems.locked",
];

/// The app's virtualenv folders looked for, in order (`probe/deps.sh`
/// too).
pub const VENVS: &[&str] = &[".venv", "venv", "env", ".virtualenv"];

/// Where the app's bundle is installed when neither `.bundle/config` nor
/// the environment names a `BUNDLE_PATH` (`probe/deps.sh` too).
pub const BUNDLE_DEFAULT: &str = "vendor/bundle";

/// The system's gem folders (Debian's, then the official `ruby` images':
/// `GEM_HOME` /usr/local/bundle and a Ruby built under /usr/local), looked in where the app has no
/// bundle of its own and Bundler is present: `*` one folder per Ruby
/// version (`probe/deps.sh` has the same). They hold gems of every app and
/// of none, so only the gems the lock file names count (`is_system_gem`);
/// `default` holds the gems Ruby itself comes with (`json`, `bigdecimal`).
pub const SYSTEM_GEMS: &[&str] = &[
    "/var/lib/gems/*/specifications",
    "/usr/share/rubygems-integration/all/specifications",
    "/usr/lib/ruby/gems/*/specifications",
    "/usr/lib/ruby/gems/*/specifications/default",
    "/usr/local/bundle/specifications",
    "/usr/local/lib/ruby/gems/*/specifications",
    "/usr/local/lib/ruby/gems/*/specifications/default",
];

/// Where Bundler checks out the gems of `git:` sources when it installs
/// into the system's gems (`Bundler.install_path`, the gem folder's
/// `bundler/gems`): Debian's, and the official `ruby` images' (`probe/deps.sh`
/// has the same). Each checkout holds its gemspecs as `is_checkout_gem`
/// says.
pub const SYSTEM_CHECKOUTS: &[&str] = &[
    "/var/lib/gems/*/bundler/gems",
    "/usr/local/bundle/bundler/gems",
    "/usr/local/lib/ruby/gems/*/bundler/gems",
];

/// Whether gemspec `path` is in one of the system's gem folders (or the
/// system's checkouts of `git:` gems).
pub fn is_system_gem(path: &str) -> bool {
    let Some((dir, _)) = path.rsplit_once('/') else { return false };
    let in_folder = |folder: &str, pattern: &str| match pattern.split_once('*') {
        None => folder == pattern,
        Some((before, after)) => folder
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|version| !version.is_empty() && !version.contains('/')),
    };
    SYSTEM_GEMS.iter().any(|pattern| in_folder(dir, pattern))
        || checkout_of(path).is_some_and(|gems| SYSTEM_CHECKOUTS.iter().any(|p| in_folder(gems, p)))
}

/// Whether `path` is a gemspec in a checkout of a `git:` gem: Bundler
/// checks each out into `<bundle>/ruby/<abi>/bundler/gems/<repo>-<sha>/`
/// (`Bundler::Source::Git#install_path`) and rewrites there, as RubyGems
/// writes them, the gemspecs its glob `{,*,*/*}.gemspec` finds: at the
/// top or one folder down (one repository may hold several gems, Rails'
/// `activesupport/activesupport.gemspec` and the others).
pub fn is_checkout_gem(path: &str) -> bool {
    checkout_of(path).is_some()
}

/// The `.../bundler/gems` folder of a checkout's gemspec `path`.
fn checkout_of(path: &str) -> Option<&str> {
    let at = path.rfind("/bundler/gems/")?;
    let rest = &path[at + "/bundler/gems/".len()..];
    let depth = rest.matches('/').count();
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let plain = rest.split('/').all(|part| !part.is_empty() && !part.starts_with('.'));
    ((1..=2).contains(&depth) && plain && name.ends_with(".gemspec"))
        .then_some(&path[..at + "/bundler/gems".len()])
}

/// `BUNDLE_PATH` of a `.bundle/config` (`BUNDLE_PATH: "vendor/bundle"`,
/// YAML, the value quoted or not), as written: its first line, as the
/// probe's awk reads it (an empty one is none, a later one not read).
pub fn bundle_path(config: &str) -> Option<&str> {
    let line = config.lines().find(|line| line.starts_with("BUNDLE_PATH:"))?;
    let value = line["BUNDLE_PATH:".len()..]
        .trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t', '\r']);
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'')?.strip_suffix('\''))
        .unwrap_or(value);
    plain_path(value)
}

/// Where the app's bundle is, as Bundler settles it (`Settings#path`: the
/// app's `.bundle/config` first, then the environment): the config's
/// `BUNDLE_PATH`, else `$BUNDLE_PATH` (`env`), else `BUNDLE_DEFAULT`.
/// Relative to the app folder when relative (Bundler expands it from
/// the Gemfile's folder). The user's own `~/.bundle/config`, which comes
/// after both, is not read.
pub fn bundle_dir<'a>(config: &'a str, env: Option<&'a str>) -> &'a str {
    bundle_path(config).or_else(|| plain_path(env?)).unwrap_or(BUNDLE_DEFAULT)
}

/// The app's Bundler config file, relative to the app folder (or
/// absolute): `.bundle/config`, or `config` in `$BUNDLE_APP_CONFIG`
/// (`app_config`) when that is set, even empty (`Bundler.app_config_path`
/// expands it from the app folder).
pub fn bundle_config(app_config: Option<impl AsRef<str>>) -> String {
    match app_config {
        Some(folder) if folder.as_ref().is_empty() => "config".to_owned(),
        Some(folder) => {
            let folder = folder.as_ref();
            format!("{}/config", folder.strip_suffix('/').unwrap_or(folder))
        }
        None => ".bundle/config".to_owned(),
    }
}

/// `./gems` and `gems/` are `gems`: the path evidence names is the same
/// here and in the probe; an empty one is none (`/` stays itself).
fn plain_path(value: &str) -> Option<&str> {
    let mut value = value.trim_start_matches("./");
    while value.len() > 1
        && let Some(shorter) = value.strip_suffix('/')
    {
        value = shorter;
    }
    (!value.is_empty()).then_some(value)
}

/// The most a file may bring (a big app's hidden lockfile is a few MiB).
pub const MAX_FILE: usize = 16 << 20;

/// The files in `text`, in order: path and content. A header that does
/// not read, or a file cut short, ends the reading, said as a problem.
pub fn split(text: &[u8]) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let Some(end) = rest.iter().position(|b| *b == b'\n') else {
            problems.push(Problem::new(
                "the probe's dependency files",
                None,
                "a header without its line end",
            ));
            break;
        };
        let header = String::from_utf8_lossy(&rest[..end]);
        let parsed = header
            .split_once(' ')
            .and_then(|(n, path)| Some((n.parse::<usize>().ok()?, path)))
            .filter(|(n, path)| *n <= MAX_FILE && !path.is_empty());
        let Some((len, path)) = parsed else {
            let why = "a header that is not `<bytes> <path>`: the rest is not read";
            problems.push(Problem::new("the probe's dependency files", None, why));
            break;
        };
        let body = &rest[end + 1..];
        if body.len() < len {
            problems.push(Problem::new(path, None, "cut short on the way: not read"));
            break;
        }
        files.push((path.to_owned(), String::from_utf8_lossy(&body[..len]).into_owned()));
        rest = &body[len..];
    }
    (files, problems)
}

/// What a file in the app folder is to the dependency readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// What is installed.
    Installed,
    /// What a lock file pins.
    Pinned,
}

/// Parses file `path` (in the app folder) by its name; `None` for a file
/// that is none of the dependency files.
pub fn parse(path: &str, text: &str) -> Option<(Role, Parsed)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let name = path.rsplit('/').next().unwrap_or(path);
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    Some(match name {
        "METADATA" if parent.ends_with(".dist-info") => {
            (Role::Installed, python::metadata(path, parent, text))
        }
        ".package-lock.json" => (Role::Installed, node::lockfile(path, text)),
        "package.json" if path.starts_with("node_modules/") => {
            (Role::Installed, node::package_json(path, text))
        }
        "package-lock.json" | "npm-shrinkwrap.json" => (Role::Pinned, node::lockfile(path, text)),
        "poetry.lock" | "uv.lock" => (Role::Pinned, python::toml_lock(path, text)),
        "Pipfile.lock" => (Role::Pinned, python::pipfile_lock(path, text)),
        "Gemfile.lock" | "gems.locked" => (Role::Pinned, ruby::gemfile_lock(path, text)),
        _ if name.ends_with(".gemspec")
            && (parent == "specifications"
                || path.contains("/specifications/default/")
                || is_checkout_gem(path)) =>
        {
            (Role::Installed, ruby::gemspec(path, text))
        }
        _ if is_requirements(name) => (Role::Pinned, python::requirements(path, text)),
        _ => return None,
    })
}

/// `requirements.txt`, `requirements-dev.txt`, `requirements_test.TXT`.
pub fn is_requirements(name: &str) -> bool {
    name.starts_with("requirements")
        && std::path::Path::new(name).extension().is_some_and(|x| x.eq_ignore_ascii_case("txt"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn files_are_read_by_their_length() {
        let text = b"12 a/x-1.dist-info/METADATA\nName: x\n1 2\n5 requirements.txt\nx==1\n";
        let (files, problems) = split(text);
        assert!(problems.is_empty());
        assert_eq!(files[0], ("a/x-1.dist-info/METADATA".into(), "Name: x\n1 2\n".into()));
        assert_eq!(files[1], ("requirements.txt".into(), "x==1\n".into()));
        let (files, problems) = split(b"99 Gemfile.lock\nGEM\n");
        assert!(files.is_empty());
        assert_eq!(problems[0].to_string(), "Gemfile.lock: cut short on the way: not read");
    }

    #[test]
    fn files_are_told_by_name() {
        assert!(matches!(
            parse("node_modules/.package-lock.json", "{}"),
            Some((Role::Installed, _))
        ));
        assert!(matches!(parse("requirements-dev.txt", ""), Some((Role::Pinned, _))));
        assert!(
            parse("package.json", "{}").is_none(),
            "the app's own package.json is a declaration"
        );
        assert!(parse("README.md", "").is_none());
    }

    #[test]
    fn gemspecs_are_installed_and_the_system_s_are_told_apart() {
        let spec = "  s.name = \"rack\".freeze\n  s.version = \"2.2.22\"\n";
        let path = "vendor/bundle/ruby/3.1.0/specifications/rack-2.2.22.gemspec";
        assert!(matches!(parse(path, spec), Some((Role::Installed, p)) if p.packages.len() == 1));
        assert!(parse("rack.gemspec", spec).is_none(), "the app's own gemspec is not installed");
        assert!(is_system_gem("/usr/share/rubygems-integration/all/specifications/rack-2.gemspec"));
        assert!(is_system_gem("/var/lib/gems/3.1.0/specifications/rack-2.gemspec"));
        assert!(is_system_gem("/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec"));
        assert!(is_system_gem("/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.gemspec"));
        assert!(!is_system_gem("/usr/lib/ruby/gems/3.1/x/specifications/default/json-2.gemspec"));
        assert!(!is_system_gem("/var/lib/gems//specifications/rack-2.gemspec"));
        assert!(!is_system_gem(path));
    }

    #[test]
    fn gemspecs_of_git_checkouts_are_installed_at_the_top_or_one_folder_down() {
        let spec = "  s.name = \"tinygit\".freeze\n  s.version = \"0.3.1\"\n";
        let checkout = "vendor/bundle/ruby/3.1.0/bundler/gems/tinygit-c5ae0936b31e";
        for path in [
            format!("{checkout}/tinygit.gemspec"),
            format!("{checkout}/activesupport/activesupport.gemspec"),
        ] {
            assert!(is_checkout_gem(&path), "{path}");
            assert!(matches!(parse(&path, spec), Some((Role::Installed, _))), "{path}");
            assert!(!is_system_gem(&path), "{path}");
        }
        for path in [
            format!("{checkout}/gems/sub/sub.gemspec"),
            format!("{checkout}/.git/x.gemspec"),
            format!("{checkout}/tinygit.gemspec.orig"),
            "vendor/bundle/ruby/3.1.0/bundler/gems/top.gemspec".to_owned(),
        ] {
            assert!(!is_checkout_gem(&path), "{path}");
            assert!(parse(&path, spec).is_none(), "{path}");
        }
        assert!(is_system_gem("/var/lib/gems/3.1.0/bundler/gems/rails-0123abcd/rails.gemspec"));
        assert!(is_system_gem("/usr/local/bundle/bundler/gems/x-1/lib/x.gemspec"));
        assert!(!is_system_gem("/opt/bundle/bundler/gems/x-1/x.gemspec"));
    }

    #[test]
    fn the_app_s_config_comes_before_the_environment() {
        let config = "---\nBUNDLE_PATH: \"vendor/gems\"\n";
        assert_eq!(bundle_dir(config, Some("/srv/bundle")), "vendor/gems");
        assert_eq!(bundle_dir("---\n", Some("./gems-env")), "gems-env");
        assert_eq!(bundle_dir("---\n", Some("")), BUNDLE_DEFAULT);
        assert_eq!(bundle_dir("", None), BUNDLE_DEFAULT);
        // Trailing slashes go, as the probe's loop drops them; `/` stays.
        assert_eq!(bundle_dir("BUNDLE_PATH: gems//\n", None), "gems");
        assert_eq!(bundle_dir("---\n", Some("//")), "/");
        // The first BUNDLE_PATH line counts, as the probe's awk reads it.
        assert_eq!(bundle_dir("BUNDLE_PATH: \"./\"\nBUNDLE_PATH: gems\n", Some("env")), "env");
    }

    #[test]
    fn the_app_s_config_is_where_bundle_app_config_says() {
        assert_eq!(bundle_config(None::<&str>), ".bundle/config");
        assert_eq!(bundle_config(Some("/usr/local/bundle/")), "/usr/local/bundle/config");
        assert_eq!(bundle_config(Some("conf")), "conf/config");
        assert_eq!(bundle_config(Some("")), "config");
    }

    #[test]
    fn bundle_path_is_read_quoted_or_not() {
        assert_eq!(bundle_path("---\nBUNDLE_PATH: \"vendor/gems\"\n"), Some("vendor/gems"));
        assert_eq!(bundle_path("BUNDLE_PATH: '/usr/local/bundle'\r\n"), Some("/usr/local/bundle"));
        assert_eq!(bundle_path("BUNDLE_PATH: gems\nBUNDLE_PATH: other\n"), Some("gems"));
        assert_eq!(bundle_path("---\nBUNDLE_FROZEN: \"true\"\n"), None);
        assert_eq!(bundle_path("BUNDLE_PATH: \"\"\n"), None);
        assert_eq!(bundle_path("BUNDLE_PATH: \"././gems\"\n"), Some("gems"));
    }

    proptest! {
        #[test]
        fn garbage_never_panics(text in proptest::collection::vec(any::<u8>(), 0..300)) {
            let (files, _) = split(&text);
            for (path, body) in files {
                let _ = parse(&path, &body);
            }
        }
    }
}
