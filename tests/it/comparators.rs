//! Version comparators: each format's own ordering vectors, level
//! classification, symmetry over generated versions, hostile input.
//!
//! Vectors are kept as text tables, one case a line, close to how the
//! formats' own test suites write them.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use paritty::compare::version::{Level, compare, dpkg, order, rpm};
use paritty::profile::CompareKind::{self, Dpkg, Exact, Loose, Pep440, Rpm, Semver, Text};

const KINDS: [CompareKind; 7] = [Semver, Dpkg, Rpm, Pep440, Loose, Text, Exact];
const VERSION_KINDS: [CompareKind; 5] = [Semver, Dpkg, Rpm, Pep440, Loose];

/// Every pair of the whitespace-separated chain is ordered as listed, both
/// ways round (strictly increasing and antisymmetric).
fn assert_chain(kind: CompareKind, chain: &str) {
    let chain: Vec<&str> = chain.split_whitespace().collect();
    for (i, a) in chain.iter().enumerate() {
        for b in &chain[i + 1..] {
            assert_eq!(order(kind, a, b), Some(Less), "{kind:?}: {a} < {b}");
            assert_eq!(order(kind, b, a), Some(Greater), "{kind:?}: {b} > {a}");
        }
    }
}

/// Cases separated by `|` or newlines, `#` starting a comment: `a OP b`
/// with OP one of `<`, `=`, `>`, or `a b result` with result -1, 0 or 1.
fn cases(table: &str) -> Vec<(&str, &str, Ordering)> {
    let ordering = |op: &str| match op {
        "<" | "-1" => Less,
        "=" | "0" => Equal,
        ">" | "1" => Greater,
        _ => panic!("bad result {op}"),
    };
    let lines = table.lines().map(|line| line.split('#').next().unwrap_or(""));
    lines
        .flat_map(|line| line.split('|'))
        .filter(|case| !case.trim().is_empty())
        .map(|case| match case.split_whitespace().collect::<Vec<_>>()[..] {
            [a, op @ ("<" | "=" | ">"), b] | [a, b, op] => (a, b, ordering(op)),
            _ => panic!("bad case {case}"),
        })
        .collect()
}

/// Every case holds both ways round.
fn assert_orders(kind: CompareKind, table: &str) {
    for (a, b, expected) in cases(table) {
        assert_eq!(order(kind, a, b), Some(expected), "{kind:?}: {a} vs {b}");
        assert_eq!(order(kind, b, a), Some(expected.reverse()), "{kind:?}: {b} vs {a}");
    }
}

fn assert_rejects(kind: CompareKind, values: &[&str]) {
    for bad in values {
        assert_eq!(order(kind, bad, "1.0"), None, "{kind:?} accepts {bad:?}");
    }
}

#[test]
fn semver_follows_the_spec_precedence() {
    // semver.org 2.0.0 §11.4's example, then §11.2 and §11.3's.
    let chain = "1.0.0-alpha 1.0.0-alpha.1 1.0.0-alpha.beta 1.0.0-beta 1.0.0-beta.2 \
                 1.0.0-beta.11 1.0.0-rc.1 1.0.0";
    assert_chain(Semver, chain);
    assert_chain(Semver, "1.0.0-alpha 1.0.0 2.0.0 2.1.0 2.1.1");
    assert_orders(
        Semver,
        "1.0.0+20130313144700 = 1.0.0+exp.sha.5114f85  # §10: build ignored
         1.0.0-x-y-z.-- > 1.0.0-x-y-z                 # §9: hyphens in identifiers
         1.0.0-rc.1 < 1.0.0-rc.1a                      # alphanumeric after numeric
         v1.2 = 1.2.0                                  # tolerated: v, fewer numbers
         1 = 1.0.0
         1.2.3.4 > 1.2.3                               # tolerated: more numbers
         1.0.0-rc.99999999999999999999999 > 1.0.0-rc.2",
    );
    assert_rejects(
        Semver,
        &["abc", "1..2", "1.2.x", "1.0.0-", "1.0.0-a..b", "1.0.0+", "1.0.0-a_b"],
    );
}

#[test]
fn dpkg_matches_dpkgs_own_test_vectors() {
    // dpkg's scripts/t/Dpkg_Version.t, its __DATA__ cases, but for those
    // the dpkg of Debian 12 (1.21.22) rejects: an empty upstream version
    // (`-0.6.5`) or revision (`0foo-`, accepted by older dpkg).
    let data = "1.0-1 2.0-2 -1 | 2.2~rc-4 2.2-1 -1 | 2.2-1 2.2~rc-4 1 | 1.0000-1 1.0-1 0 | 1 0:1 0
        0 0:0-0 0 | 2:2.5 1:7.5 1 | 1:0foo 0foo 1 | 0:0foo 0foo 0 | 0foo 0foo 0 | 0foo 0fo 1
        0foo~1 0foo -1 | 0foo~foo+Bar 0foo~foo+bar -1 | 0foo~~ 0foo~ -1 | 1~ 1 -1
        12345+that-really-is-some-ver-0 12345+that-really-is-some-ver-10 -1 | 0foo-0 0foo-01 -1
        0foo.bar 0foobar 1 | 0foo.bar 0foo1bar 1 | 0foo.bar 0foo0bar 1 | 0foo1bar-1 0foobar-1 -1
        0foo2.0 0foo2 1 | 0foo2.0.0 0foo2.10.0 -1 | 0foo2.0 0foo2.0.0 -1 | 0foo2.0 0foo2.10 -1
        0foo2.1 0foo2.10 -1 | 1.09 1.9 0 | 1.0.8+nmu1 1.0.8 1 | 3.11 3.10+nmu1 1
        0.9j-20080306-4 0.9i-20070324-2 1 | 1.2.0~b7-1 1.2.0~b6-1 1 | 1.011-1 1.06-2 1
        0.0.9+dfsg1-1 0.0.8+dfsg1-3 1 | 4.6.99+svn6582-1 4.6.99+svn6496-1 1 | 53 52 1
        0.9.9~pre122-1 0.9.9~pre111-1 1 | 2:2.3.2-2+lenny2 2:2.3.2-2 1 | 1:3.8.1-1 3.8.GA-1 1
        1.0.1+gpl-1 1.0.1-2 1 | 1a 1000a -1";
    assert_orders(Dpkg, data);
    // Debian Policy 5.6.12, and the examples of the brief.
    assert_orders(
        Dpkg,
        "1.0~rc1 < 1.0 \n 1.0 < 1.0+b1 \n 1:0.1 > 2.0 \n 1.0-1 < 1.0-2 \n 2.30 > 2.4",
    );
    for pair in ["~~", "~~a", "~", "", "a"].windows(2) {
        // Policy: "~~, ~~a, ~, the empty part, a".
        assert_eq!(dpkg::verrevcmp(pair[0], pair[1]), Less, "{pair:?}");
        assert_eq!(dpkg::verrevcmp(pair[1], pair[0]), Greater, "{pair:?}");
    }
    // dpkg's lib/dpkg/t/t-version.c: errors, then warnings taken as errors.
    let errors = ["", "  ", "0:", "0:0 0-1", "-1:0-1", "999999999999999999999999:0-1", "a:0-0"];
    assert_rejects(Dpkg, &errors);
    assert_rejects(Dpkg, &["-0", "1.0-", "0:abc3-0", "0:0!-0", "0:0-0:0", "0:0-0_"]);
}

/// rpm's tests/rpmvercmp.at, `RPMVERCMP(a, b, result)` lines; each line here
/// stands for the .at file's two mirrored ones. The last two are listed
/// there as "arguably buggy" (RhBug:811992), kept as rpm behaves.
const RPMVERCMP_AT: &str = "
    1.0 1.0 0 | 1.0 2.0 -1 | 2.0.1 2.0.1 0 | 2.0 2.0.1 -1 | 2.0.1a 2.0.1a 0 | 2.0.1a 2.0.1 1
    5.5p1 5.5p1 0 | 5.5p1 5.5p2 -1 | 5.5p10 5.5p10 0 | 5.5p1 5.5p10 -1 | 10xyz 10.1xyz -1
    xyz10 xyz10 0 | xyz10 xyz10.1 -1 | xyz.4 xyz.4 0 | xyz.4 8 -1 | xyz.4 2 -1
    5.5p2 5.6p1 -1 | 5.6p1 6.5p1 -1 | 6.0.rc1 6.0 1 | 10b2 10a1 1 | 10a2 10b2 -1
    1.0aa 1.0aa 0 | 1.0a 1.0aa -1 | 10.0001 10.0001 0 | 10.0001 10.1 0 | 10.0001 10.0039 -1
    4.999.9 5.0 -1 | 20101121 20101121 0 | 20101121 20101122 -1 | 2_0 2_0 0 | 2.0 2_0 0
    a a 0 | a+ a+ 0 | a+ a_ 0 | +a +a 0 | +a _a 0 | +_ +_ 0 | _+ +_ 0 | _+ _+ 0 | + _ 0
    1.0~rc1 1.0~rc1 0 | 1.0~rc1 1.0 -1 | 1.0~rc1 1.0~rc2 -1 | 1.0~rc1~git123 1.0~rc1~git123 0
    1.0~rc1~git123 1.0~rc1 -1 | 1.0^ 1.0^ 0 | 1.0^ 1.0 1 | 1.0^git1 1.0^git1 0
    1.0^git1 1.0 1 | 1.0^git1 1.0^git2 -1 | 1.0^git1 1.01 -1 | 1.0^20160101 1.0^20160101 0
    1.0^20160101 1.0.1 -1 | 1.0^20160101^git1 1.0^20160101^git1 0
    1.0^20160102 1.0^20160101^git1 1 | 1.0~rc1^git1 1.0~rc1^git1 0 | 1.0~rc1^git1 1.0~rc1 1
    1.0^git1~pre 1.0^git1~pre 0 | 1.0^git1 1.0^git1~pre 1
    1b.fc17 1.fc17 -1 | 1g.fc17 1.fc17 1";

#[test]
fn rpm_matches_rpmvercmp_at() {
    for (a, b, expected) in cases(RPMVERCMP_AT) {
        assert_eq!(rpm::rpmvercmp(a, b), expected, "rpmvercmp({a}, {b})");
        assert_eq!(rpm::rpmvercmp(b, a), expected.reverse(), "rpmvercmp({b}, {a})");
    }
    assert_orders(
        Rpm,
        "1.0a < 1.0.1        # not in rpmvercmp.at: a number beats letters
         1:1.0 > 2.0 \n 0:1.0 = 1.0 \n 1.2.3-4.el9 < 1.2.3-5.el9 \n 1.2.3-10.el9 > 1.2.3-9.el9
         1.0 < 1.0-1         # paritty: a missing release sorts first
         1.0~rc1-1 < 1.0-1 \n 1.0^git1-1 > 1.0-1",
    );
    assert_rejects(Rpm, &["", "unknown", "1.0-", "1 .0", "-1"]);
}

#[test]
fn pep440_follows_the_pep() {
    // PEP 440, "Summary of permitted suffixes and relative ordering".
    let chain = "1.dev0 1.0.dev456 1.0a1 1.0a2.dev456 1.0a12.dev456 1.0a12 1.0b1.dev456 1.0b2
        1.0b2.post345.dev456 1.0b2.post345 1.0rc1.dev456 1.0rc1 1.0 1.0+abc.5 1.0+abc.7 1.0+5
        1.0.post456.dev34 1.0.post456 1.0.15 1.1.dev1";
    assert_chain(Pep440, chain);
    // PEP 440, "Normalization", "Version epochs", "Local version identifiers".
    assert_orders(
        Pep440,
        "1.0RC1 = 1.0rc1 \n 1.0alpha1 = 1.0a1 \n 1.0-a.1 = 1.0a1 \n 1.0c1 = 1.0rc1
         1.0pre1 = 1.0rc1 \n 1.0preview1 = 1.0rc1 \n 1.0a = 1.0a0 \n 1.0-post1 = 1.0.post1
         1.0-1 = 1.0.post1 \n 1.0rev1 = 1.0.post1 \n 1.0r = 1.0.post0 \n 1.0.dev = 1.0.dev0
         1.0-dev1 = 1.0.dev1 \n v1.0 = 1.0 \n 1.0+ubuntu-1 = 1.0+ubuntu.1 \n 007.1 = 7.1
         1.0+UBUNTU_1 = 1.0+ubuntu.1 \n 1.0.0 = 1 \n 1!1.0 > 2.0 \n 1.0+abc < 1.0+5
         1.0+a < 1.0+a.0",
    );
    assert_eq!(order(Pep440, "  1.0\t", "1.0"), Some(Equal));
    assert_rejects(Pep440, &["", "abc", "1.0-foo", "1.0+", "1.0+a..b", "1.0.", "1!", "1.0 beta"]);
}

#[test]
fn loose_orders_what_tools_print() {
    assert_chain(Loose, "1.1.1 1.1.1a 1.1.1w 3.0.0 3.0.11 3.1.0");
    assert_chain(Loose, "9.2 9.2p1 9.2p2 9.3p1 10.0p1");
    assert_chain(Loose, "1.23-devel-0a6f05e2d4 1.23.0 1.23.1");
    assert_chain(Loose, "1.21beta1 1.21rc1 1.21rc2 1.21 1.21a 1.21.1");
    assert_chain(Loose, "1.7.0_80 1.8.0_392 1.8.0_401 17.0.9 17.0.9+9 17.0.9+11 21");
    assert_chain(Loose, "10.0.19045.3693 10.0.19045.3694 10.0.22631.2861");
    assert_chain(Loose, "5.15.0-88-generic 5.15.0-91-generic 6.1.0-13-amd64");
    assert_orders(
        Loose,
        "1.0 = 1.0.0 \n v2.4.57 = 2.4.57 \n 1.0RC1 = 1.0rc1 \n 2.4.9 < 2.4.10
         99999999999999999999999 > 99999999999999999999998",
    );
    assert_rejects(Loose, &["", "abc", "v", "devel+b7a8e7a6", "+1"]);
}

#[test]
fn levels_classify_the_first_difference() {
    let table = "
        pep440 3.9.2 3.11.2 minor | pep440 3.11.2 3.11.7 patch | loose 1.1.1w 3.0.11 major
        loose 1.1.1v 1.1.1w patch | semver 1.0.0-rc1 1.0.0 patch | semver 1.2 1.3 minor
        semver 1.2.3.4 1.2.3.5 patch | semver v1.2 1.2.0 equal | semver 1.2.3+a 1.2.3+b packaging
        semver 1.2.3 1.2.3+b packaging | semver abc 1.0.0 different | semver abc abc equal
        dpkg 1:2.0 2.0 major | rpm 1:2.0 2.0 major | pep440 1!1.0 1.0 major
        dpkg 1.18.0-6ubuntu14 1.18.0-6+deb11u3 packaging | dpkg 1.0~rc1 1.0 patch
        dpkg 2.30 2.4 minor | dpkg 1:9.6p1-3ubuntu13.5 1:9.2p1-2+deb12u2 minor
        dpkg 1.2.3 1.2.3-1 packaging | dpkg 0:1.0-1 1.0-1 equal | dpkg abc 1.0 different
        rpm 1.2.3-4.el9 1.2.3-5.el9 packaging | rpm 1.0 1.0-1 packaging | rpm 1.0 1.0^git1 patch
        rpm 5.14.0 5.14.0.1 patch | rpm 2.0 2_0 equal | rpm 1.0 1.0.0 patch | dpkg 1.0 1.0.0 patch
        dpkg 1.0 1.0+b1 patch | pep440 1.0 1.0.0 equal | semver 1.2 1.2.0 equal
        loose 1.8.0_392 17.0.9 major | loose 1.8.0_392 1.8.0_401 patch | loose 1.0 1.0.0 equal
        loose 1.7.0_80 1.8.0_392 major | loose 1.18.0 1.24.0 minor | loose 9.2p1 9.2p2 patch
        loose 17.0.9+9 17.0.9+11 packaging | loose 17.0.9 17.0.9+9 packaging
        loose 10.0.19045.3693 10.0.19045.3694 patch | loose 1.21rc2 1.21.0 patch
        pep440 1.0+ubuntu1 1.0 packaging | pep440 1.0.post1 1.0 packaging | pep440 1.0rc1 1.0 patch
        pep440 1.0.dev1 1.0 patch | pep440 1.0RC1 1.0rc1 equal | pep440 1.0-foo 1.0 different
        text Ubuntu Debian different | exact x86_64 X86_64 different | text ÉTÉ été equal";
    for case in table.split(['|', '\n']).filter(|c| !c.trim().is_empty()) {
        let [kind, a, b, level] = case.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("bad case {case}")
        };
        let kind: CompareKind = serde_json::from_value(kind.into()).expect("kind");
        let level: Level = serde_json::from_value(level.into()).expect("level");
        assert_eq!(compare(kind, a, b).level, level, "{kind:?}: {a} vs {b}");
        assert_eq!(compare(kind, b, a).level, level, "{kind:?}: {b} vs {a}");
    }
    let text = compare(Text, " Ubuntu  22.04\tLTS ", "ubuntu 22.04 lts");
    assert_eq!((text.level, text.order), (Level::Equal, Some(Equal)));
    assert_eq!(compare(Text, "a b", "ab").order, None);
    assert_eq!(compare(Exact, "a b", "a  b").level, Level::Different);
    assert_eq!(serde_json::to_string(&Level::Packaging).ok().as_deref(), Some("\"packaging\""));
    assert!(Level::Equal < Level::Packaging && Level::Major < Level::Different);
}

/// Deterministic xorshift, so a failure names a reproducible input.
struct Rng(u64);

impl Rng {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        items[usize::try_from(self.0).unwrap_or(0) % items.len()]
    }
}

/// Fragments of every format's syntax, the generator's alphabet.
const NUMBERS: &[&str] = &["0", "1", "2", "9", "10", "11", "007", "99999999999999999999999"];
const PREFIXES: &[&str] = &["", "", "", "v", "1:", "2!", "0:"];
const SEPARATORS: &[&str] = &[".", ".", ".", ".", "_", "-"];
#[rustfmt::skip]
const SUFFIXES: &[&str] = &[
    "", "", "", "", "a", "b1", "rc1", "-rc.1", "~rc1", "^git1", "p1", "w", ".post1", ".dev0",
    "-alpha.beta", "-beta.11", "~", "é", "!", ":", ".", "~~", "^",
];
#[rustfmt::skip]
const TAILS: &[&str] =
    &["", "", "", "", "-1", "-2ubuntu1", "-1.el9", "+b1", "+local.7", "_392", "+build.5", "+"];

/// Version-like strings mixing every format's syntax.
fn generated(count: usize) -> Vec<String> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|_| {
            let mut v = format!("{}{}", rng.pick(PREFIXES), rng.pick(NUMBERS));
            for _ in 0..rng.pick(&["0", "1", "2", "2", "3"]).parse::<usize>().unwrap_or(0) {
                v.push_str(rng.pick(SEPARATORS));
                v.push_str(rng.pick(NUMBERS));
            }
            v.push_str(rng.pick(SUFFIXES));
            v.push_str(rng.pick(TAILS));
            v
        })
        .collect()
}

/// What must hold for any pair: the order flips with the arguments, the
/// level does not, and level and order agree.
fn assert_consistent(kind: CompareKind, a: &str, b: &str) {
    let (ab, ba) = (compare(kind, a, b), compare(kind, b, a));
    assert_eq!(ab.order, ba.order.map(Ordering::reverse), "{kind:?}: order of {a:?} vs {b:?}");
    assert_eq!(ab.level, ba.level, "{kind:?}: level of {a:?} vs {b:?}");
    match ab.order {
        None => assert_eq!(ab.level, Level::Different, "{kind:?}: {a:?} vs {b:?}"),
        Some(Equal) => assert!(ab.level <= Level::Packaging, "{kind:?}: {a:?} vs {b:?}: {ab:?}"),
        Some(_) => assert!(
            Level::Packaging <= ab.level && ab.level < Level::Different,
            "{kind:?}: {a:?} vs {b:?}: {ab:?}"
        ),
    }
}

#[test]
fn generated_versions_order_consistently() {
    let values = generated(200);
    for kind in KINDS {
        for (i, a) in values.iter().enumerate() {
            for b in &values[i..] {
                assert_consistent(kind, a, b);
            }
        }
    }
    // Sorting by the order, then finding no pair out of place, shows the
    // order is transitive on the sample (sort also panics on a bad order).
    let pool = generated(3000);
    for kind in VERSION_KINDS {
        let mut versions: Vec<&str> =
            pool.iter().map(String::as_str).filter(|v| order(kind, v, "0").is_some()).collect();
        versions.truncate(200);
        assert!(versions.len() >= 150, "{kind:?}: only {} parse", versions.len());
        versions.sort_by(|a, b| order(kind, a, b).unwrap_or(Equal));
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                assert_ne!(order(kind, a, b), Some(Greater), "{kind:?}: {a} sorted before {b}");
            }
        }
    }
}

/// Short hostile values; the test adds 10k-character ones.
#[rustfmt::skip]
const HOSTILE: &[&str] = &[
    "", " ", "\t\n", "\0", ".", "...", "-", "--", "+", "++", "~", "^", ":", "!", "_", "v",
    ".-+~^:!_", "V1", "1.", ".1", "1..2", "1.0-", "1.0+", "1:", ":1", "1!", "!1", "é", "1.0é",
    "版本 1.0", "1.0\u{0}", "\u{feff}1.0", "１.０", "1.0\u{202e}", "🦀.🦀", "0:0:0-0-0", "٣.٤",
    "1.0~~~", "1.0^^^", "99999999999999999999999", "99999999999999999999999:1.0",
    "99999999999999999999999!1.0", "1.0.0-99999999999999999999999", "1+99999999999999999999999",
    "1.8.0_", "1._", "1.0+ubuntu..1",
];

#[test]
fn hostile_input_never_panics() {
    let mut inputs: Vec<String> = HOSTILE.iter().map(|s| (*s).to_owned()).collect();
    inputs.extend(["1.".repeat(5000), "9".repeat(10_000), "0".repeat(10_000), "a".repeat(10_000)]);
    inputs.extend(["~".repeat(10_000), "é".repeat(5000), "1.0-".repeat(2500), "^~".repeat(5000)]);
    inputs.push(format!("1.0+{}", "x.".repeat(5000)));
    inputs.push(format!("{}!1.0rc1.post2.dev3+{}", "7".repeat(5000), "z".repeat(5000)));
    for kind in KINDS {
        for (i, a) in inputs.iter().enumerate() {
            for b in &inputs[i..] {
                assert_consistent(kind, a, b);
            }
        }
    }
}

/// Differential check against the real dpkg, where there is one.
#[test]
fn dpkg_agrees_with_dpkg_compare_versions() {
    // Exit status 0: true, 1: false, 2: dpkg rejects a version.
    let dpkg_says = |a: &str, op: &str, b: &str| {
        let status = std::process::Command::new("dpkg")
            .args(["--compare-versions", "--", a, op, b])
            .status()
            .ok()?;
        match status.code() {
            Some(0) => Some(true),
            Some(1) => Some(false),
            _ => None,
        }
    };
    if dpkg_says("1", "lt", "2").is_none() {
        eprintln!("dpkg not found: differential check skipped");
        return;
    }
    let values: Vec<String> =
        generated(600).into_iter().filter(|v| order(Dpkg, v, "0").is_some()).take(150).collect();
    assert!(values.len() >= 150, "only {} dpkg versions generated", values.len());
    for pair in values.windows(2) {
        let (a, b) = (pair[0].as_str(), pair[1].as_str());
        let expected = match (dpkg_says(a, "lt", b), dpkg_says(a, "gt", b)) {
            (Some(true), _) => Less,
            (_, Some(true)) => Greater,
            (Some(false), Some(false)) => Equal,
            _ => panic!("dpkg rejects {a} or {b}, paritty does not"),
        };
        assert_eq!(order(Dpkg, a, b), Some(expected), "dpkg --compare-versions {a} ? {b}");
    }
}

#[test]
fn loose_values_that_name_their_product_compare_within_it() {
    use paritty::compare::version::{Level, compare};
    use paritty::profile::CompareKind::Loose;
    assert_eq!(compare(Loose, "glibc 2.31", "glibc 2.36").level, Level::Minor);
    assert_eq!(compare(Loose, "glibc 2.36", "musl 1.2.4").level, Level::Different);
    assert_eq!(compare(Loose, "glibc 2.36", "2.36").level, Level::Different);
    assert_eq!(compare(Loose, "glibc 2.36", "glibc 2.36").level, Level::Equal);
}

/// Issue 16, item 18: pre-releases with non-dotted suffixes, two-part
/// versions and `git describe` builds, as the parsers now keep them.
#[test]
fn prereleases_and_development_builds_order_sensibly() {
    // A pre-release sorts before its release, whatever its spelling.
    assert_chain(Loose, "1.22.5 1.23beta1 1.23rc1 1.23rc2 1.23.0 1.23.1");
    assert_chain(Loose, "3.12.4 3.13.0a6 3.13.0b1 3.13.0rc2 3.13.0");
    assert_chain(Loose, "11.0.21 17-ea 17 17.0.1");
    assert_chain(Loose, "8.3.12 8.4.0alpha1 8.4.0RC1 8.4.0RC2 8.4.0");
    assert_chain(
        Loose,
        "8.0.404 9.0.100-preview.3.24204.13 9.0.100-preview.7.24407.12 9.0.100-rc.1.24452.12 \
         9.0.100 9.0.101",
    );
    assert_chain(Loose, "8.8.0 8.8.1-DEV 8.8.1");
    assert_chain(Loose, "1.1.0l 1.1.1-dev 1.1.1-pre9 1.1.1 1.1.1w");
    assert_chain(Loose, "3.3a 3.4-next 3.4 3.4a");
    assert_chain(Loose, "5.7 5.7.1-dev 5.7.1");
    // Two-part versions: LibreSSL's first releases.
    assert_chain(Loose, "2.0 2.0.1 2.1 2.2.7 3.3.6");
    // A git-describe build sorts after its tag and before the next release;
    // its count of commits is not a release number.
    assert_chain(Loose, "1.6 1.6-1-gabcdef0 1.6-159-apple-gcff5336-dirty 1.6.1 1.7");
    assert_chain(Loose, "1.2 1.2-9-gdeadbee 1.2.1");
    assert_chain(Loose, "2.45.0 2.45.0.268.g1234abcd 2.45.0.269.g00000000 2.45.1");
    assert_chain(
        Semver,
        "2.44.0 2.45.0.rc0 2.45.0.rc1 2.45.0.rc1.12.gabcdef0 2.45.0.rc2 2.45.0.rc10 2.45.0 \
         2.45.0.268.g1234abcd 2.45.1",
    );
    assert_chain(Semver, "v1.2.3 v1.2.3-14-gdeadbee v1.2.3-15-g0123456 v1.2.4-rc.1 v1.2.4");
    assert_chain(Semver, "1.22.5 1.23rc1 1.23rc2 1.23.0");
    assert_chain(Semver, "21.7.3 22.0.0-nightly2024010136e8c3a4b1 22.0.0-rc.1 22.0.0");
    assert_chain(Semver, "1.79.0 1.80.0-beta.1 1.80.0-nightly 1.80.0");
    assert_chain(Pep440, "3.12.4 3.13.0a6 3.13.0b1 3.13.0rc1 3.13.0");
    assert_chain(Pep440, "1.22.5 1.23rc1 1.23.0");
    assert_chain(Pep440, "24.0 24.1.dev0 24.1b1 24.1");
    assert_orders(
        Semver,
        "2.45.0.rc10 = 2.45.0-rc.10 | 1.2.3-14-gdeadbee = v1.2.3-14-gdeadbee
         2.45.0.rc1 = 2.45.0-rc.1 | 1.23rc1 = 1.23.0-rc.1",
    );
    assert_orders(Loose, "2.0 = 2.0.0 | 8.4.0RC1 = 8.4.0rc1 | 1.6-159-gcff5336 < 1.6-159-gcff5337");
    // dpkg and rpm keep their own rules: a bare letter suffix sorts after
    // the release there (Debian and Fedora write `3.13.0~a6`).
    assert_orders(Dpkg, "3.13.0a6 > 3.13.0 | 3.13.0~a6 < 3.13.0 | 2.45.0.268.g1234abcd > 2.45.0");
    assert_orders(Rpm, "3.13.0a6 > 3.13.0 | 3.13.0~a6 < 3.13.0 | 2.45.0.268.g1234abcd > 2.45.0");
    // Still refused: parts that are neither numbers nor pre-release words.
    assert_rejects(Semver, &["1.2.x", "1.2.3.foo", "rc1", ".rc1", "1.2.3.rc1.x", "1.2.3.rc1-"]);
    let table = "
        loose 1.6 1.6-159-apple-gcff5336-dirty patch | semver 2.45.0 2.45.0.268.g1234abcd patch
        semver 2.45.0.rc1 2.45.0 patch | semver 2.44.0 2.45.0.rc1 minor | loose 3.4-next 3.4 patch
        loose 3.3a 3.4-next minor | loose 2.0 2.0.0 equal | loose 2.0 2.2.7 minor
        semver v1.2.3-14-gdeadbee v1.2.3-14-gcafe123 patch | loose 1.23rc1 1.23.0 patch
        loose 17-ea 17.0.1 patch | loose 9.0.100-preview.3.24204.13 9.0.100 patch";
    for case in table.split(['|', '\n']).filter(|c| !c.trim().is_empty()) {
        let [kind, a, b, level] = case.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("bad case {case}")
        };
        let kind: CompareKind = serde_json::from_value(kind.into()).expect("kind");
        let level: Level = serde_json::from_value(level.into()).expect("level");
        assert_eq!(compare(kind, a, b).level, level, "{kind:?}: {a} vs {b}");
        assert_eq!(compare(kind, b, a).level, level, "{kind:?}: {b} vs {a}");
    }
}

mod properties {
    //! Property-based checks of every comparator with proptest: arbitrary
    //! strings never panic, the order is antisymmetric, reflexive and (on
    //! version-like strings) transitive, and the level does not depend on
    //! which side is the baseline.

    use std::cmp::Ordering::{self, Equal, Greater, Less};

    use paritty::compare::version::{Level, compare, order};
    use paritty::profile::CompareKind;
    use proptest::prelude::*;

    use super::{KINDS, VERSION_KINDS};

    /// Strings shaped like what tools print: epochs, `v`, two to four
    /// numbers with every separator, glued letters, pre-release words,
    /// `~`/`^` markers, git-describe tails, revisions and builds.
    const VERSION_LIKE: &str = concat!(
        r"(v|[0-9]:|[0-9]!)?[0-9]{1,3}([._-][0-9]{1,3}){0,3}",
        r"([a-z]{1,2}[0-9]?|~rc[0-9]|\^git[0-9]|[.-]?(rc|alpha|beta|dev|next|ea|preview|post|RC|DEV)\.?[0-9]{0,2})?",
        r"([-.][0-9]{1,3}[-.]g[0-9a-f]{4,8}(-dirty)?)?",
        r"(-[0-9][a-z0-9.]{0,5}|\+[a-z0-9]{1,4}(\.[a-z0-9]{1,3})?)?",
    );

    fn kind() -> impl Strategy<Value = CompareKind> {
        proptest::sample::select(KINDS.to_vec())
    }

    fn version_kind() -> impl Strategy<Value = CompareKind> {
        proptest::sample::select(VERSION_KINDS.to_vec())
    }

    fn version_like() -> impl Strategy<Value = String> {
        proptest::string::string_regex(VERSION_LIKE).expect("generator pattern")
    }

    /// Arbitrary text, or a version-like string with arbitrary text spliced in.
    fn anything() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            (version_like(), any::<String>(), version_like()).prop_map(|(a, b, c)| a + &b + &c),
            version_like(),
        ]
    }

    fn at_most(ord: Option<Ordering>) -> bool {
        matches!(ord, Some(Less | Equal))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_pair_is_antisymmetric_with_a_symmetric_level(
            kind in kind(), a in anything(), b in anything(),
        ) {
            let (ab, ba) = (compare(kind, &a, &b), compare(kind, &b, &a));
            prop_assert_eq!(ab.order, ba.order.map(Ordering::reverse));
            prop_assert_eq!(ab.level, ba.level);
            // The level and the order agree.
            match ab.order {
                None => prop_assert_eq!(ab.level, Level::Different),
                Some(Equal) => prop_assert!(ab.level <= Level::Packaging),
                Some(_) => prop_assert!(Level::Packaging <= ab.level && ab.level < Level::Different),
            }
        }

        #[test]
        fn every_value_equals_itself(kind in kind(), a in anything()) {
            prop_assert_eq!(compare(kind, &a, &a.clone()).level, Level::Equal);
            prop_assert_eq!(order(kind, &a, &a.clone()), Some(Equal));
        }

        #[test]
        fn a_version_equals_itself_padded(kind in version_kind(), a in version_like()) {
            // Padding is not part of a version: a value a kind reads
            // compares equal to itself with blanks around it.
            if order(kind, &a, "0").is_some() {
                prop_assert_eq!(order(kind, &a, &format!(" {a}\t")), Some(Equal));
            }
        }

        #[test]
        fn the_order_of_versions_is_transitive(
            kind in version_kind(), a in version_like(), b in version_like(), c in version_like(),
        ) {
            let values = [&a, &b, &c];
            for (x, y, z) in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)] {
                let (x, y, z) = (values[x], values[y], values[z]);
                let (xy, yz, xz) = (order(kind, x, y), order(kind, y, z), order(kind, x, z));
                if at_most(xy) && at_most(yz) {
                    let strict = xy == Some(Less) || yz == Some(Less);
                    let want = if strict { Some(Less) } else { Some(Equal) };
                    prop_assert_eq!(xz, want, "{:?}: {} {:?} {} {:?} {}", kind, x, xy, y, yz, z);
                }
                // Greater is the mirror image, checked by antisymmetry.
                prop_assert!(xy != Some(Greater) || order(kind, y, x) == Some(Less));
            }
        }
    }
}
