//! Version comparators: each format's own ordering vectors, level
//! classification, symmetry over generated versions, hostile input.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use paritty::compare::version::{Level, compare, dpkg, order, rpm};
use paritty::profile::CompareKind::{self, Dpkg, Exact, Loose, Pep440, Rpm, Semver, Text};

const KINDS: [CompareKind; 7] = [Semver, Dpkg, Rpm, Pep440, Loose, Text, Exact];
const VERSION_KINDS: [CompareKind; 5] = [Semver, Dpkg, Rpm, Pep440, Loose];

/// Every pair of the chain is ordered as listed, both ways round.
fn assert_chain(kind: CompareKind, chain: &[&str]) {
    for (i, a) in chain.iter().enumerate() {
        for b in &chain[i + 1..] {
            assert_eq!(order(kind, a, b), Some(Less), "{kind:?}: {a} < {b}");
            assert_eq!(order(kind, b, a), Some(Greater), "{kind:?}: {b} > {a}");
        }
    }
}

/// `(a, b, a against b)`, checked both ways round.
fn assert_orders(kind: CompareKind, cases: &[(&str, &str, Ordering)]) {
    for &(a, b, expected) in cases {
        assert_eq!(order(kind, a, b), Some(expected), "{kind:?}: {a} vs {b}");
        assert_eq!(order(kind, b, a), Some(expected.reverse()), "{kind:?}: {b} vs {a}");
    }
}

#[test]
fn semver_follows_the_spec_precedence() {
    // semver.org 2.0.0 §11, the example chain of §11.4.
    let chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ];
    assert_chain(Semver, &chain);
    // §11.2 and §11.3.
    assert_chain(Semver, &["1.0.0-alpha", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]);
    // §10: build metadata is ignored for precedence.
    assert_orders(Semver, &[("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85", Equal)]);
    // Tolerance: a `v`, fewer or more than three numbers.
    assert_orders(
        Semver,
        &[("v1.2", "1.2.0", Equal), ("1", "1.0.0", Equal), ("1.2.3.4", "1.2.3", Greater)],
    );
    assert_orders(Semver, &[("1.0.0-x-y-z.--", "1.0.0-x-y-z", Greater)]);
    for bad in ["abc", "1..2", "1.2.x", "1.0.0-", "1.0.0-a..b", "1.0.0+", "1.0.0-a_b", "v"] {
        assert_eq!(order(Semver, bad, "1.0.0"), None, "{bad}");
    }
}

#[test]
fn dpkg_matches_dpkgs_own_test_vectors() {
    // dpkg's scripts/t/Dpkg_Version.t, its __DATA__ cases (all but
    // `-0.6.5`, whose empty upstream version dpkg's C parser rejects).
    let cases = [
        ("1.0-1", "2.0-2", Less),
        ("2.2~rc-4", "2.2-1", Less),
        ("1.0000-1", "1.0-1", Equal),
        ("1", "0:1", Equal),
        ("0", "0:0-0", Equal),
        ("2:2.5", "1:7.5", Greater),
        ("1:0foo", "0foo", Greater),
        ("0:0foo", "0foo", Equal),
        ("0foo-", "0foo", Equal),
        ("0foo-", "0foo-0", Equal),
        ("0foo", "0fo", Greater),
        ("0foo-", "0foo+", Less),
        ("0foo~1", "0foo", Less),
        ("0foo~foo+Bar", "0foo~foo+bar", Less),
        ("0foo~~", "0foo~", Less),
        ("1~", "1", Less),
        ("12345+that-really-is-some-ver-0", "12345+that-really-is-some-ver-10", Less),
        ("0foo-0", "0foo-01", Less),
        ("0foo.bar", "0foobar", Greater),
        ("0foo.bar", "0foo1bar", Greater),
        ("0foo.bar", "0foo0bar", Greater),
        ("0foo1bar-1", "0foobar-1", Less),
        ("0foo2.0", "0foo2", Greater),
        ("0foo2.0.0", "0foo2.10.0", Less),
        ("0foo2.0", "0foo2.0.0", Less),
        ("0foo2.0", "0foo2.10", Less),
        ("0foo2.1", "0foo2.10", Less),
        ("1.09", "1.9", Equal),
        ("1.0.8+nmu1", "1.0.8", Greater),
        ("3.11", "3.10+nmu1", Greater),
        ("0.9j-20080306-4", "0.9i-20070324-2", Greater),
        ("1.2.0~b7-1", "1.2.0~b6-1", Greater),
        ("1.011-1", "1.06-2", Greater),
        ("0.0.9+dfsg1-1", "0.0.8+dfsg1-3", Greater),
        ("4.6.99+svn6582-1", "4.6.99+svn6496-1", Greater),
        ("53", "52", Greater),
        ("0.9.9~pre122-1", "0.9.9~pre111-1", Greater),
        ("2:2.3.2-2+lenny2", "2:2.3.2-2", Greater),
        ("1:3.8.1-1", "3.8.GA-1", Greater),
        ("1.0.1+gpl-1", "1.0.1-2", Greater),
        ("1a", "1000a", Less),
        // Debian Policy 5.6.12 and the examples the brief asks for.
        ("1.0~rc1", "1.0", Less),
        ("1.0", "1.0+b1", Less),
        ("1:0.1", "2.0", Greater),
        ("1.0-1", "1.0-2", Less),
        ("2.30", "2.4", Greater),
    ];
    assert_orders(Dpkg, &cases);
    // Policy 5.6.12: "~~, ~~a, ~, the empty part, a".
    for pair in ["~~", "~~a", "~", "", "a"].windows(2) {
        assert_eq!(dpkg::verrevcmp(pair[0], pair[1]), Less, "{pair:?}");
        assert_eq!(dpkg::verrevcmp(pair[1], pair[0]), Greater, "{pair:?}");
    }
    // dpkg's lib/dpkg/t/t-version.c: versions its parser rejects.
    for bad in ["", "  ", "0:", "0:0 0-1", "-1:0-1", "999999999999999999999999:0-1", "a:0-0", "-0"]
    {
        assert_eq!(order(Dpkg, bad, "1.0"), None, "{bad:?}");
    }
    for bad in ["0:abc3-0", "0:0!-0", "0:0-0:0", "0:0-0_"] {
        assert_eq!(order(Dpkg, bad, "1.0"), None, "{bad:?} (dpkg warns)");
    }
}

/// rpm's tests/rpmvercmp.at: (a, b, rpm.vercmp(a, b)); each case here
/// stands for the .at file's two mirrored lines.
const RPMVERCMP: &[(&str, &str, i8)] = &[
    ("1.0", "1.0", 0),
    ("1.0", "2.0", -1),
    ("2.0.1", "2.0.1", 0),
    ("2.0", "2.0.1", -1),
    ("2.0.1a", "2.0.1a", 0),
    ("2.0.1a", "2.0.1", 1),
    ("5.5p1", "5.5p1", 0),
    ("5.5p1", "5.5p2", -1),
    ("5.5p10", "5.5p10", 0),
    ("5.5p1", "5.5p10", -1),
    ("10xyz", "10.1xyz", -1),
    ("xyz10", "xyz10", 0),
    ("xyz10", "xyz10.1", -1),
    ("xyz.4", "xyz.4", 0),
    ("xyz.4", "8", -1),
    ("xyz.4", "2", -1),
    ("5.5p2", "5.6p1", -1),
    ("5.6p1", "6.5p1", -1),
    ("6.0.rc1", "6.0", 1),
    ("10b2", "10a1", 1),
    ("10a2", "10b2", -1),
    ("1.0aa", "1.0aa", 0),
    ("1.0a", "1.0aa", -1),
    ("10.0001", "10.0001", 0),
    ("10.0001", "10.1", 0),
    ("10.0001", "10.0039", -1),
    ("4.999.9", "5.0", -1),
    ("20101121", "20101121", 0),
    ("20101121", "20101122", -1),
    ("2_0", "2_0", 0),
    ("2.0", "2_0", 0),
    // RhBug:178798.
    ("a", "a", 0),
    ("a+", "a+", 0),
    ("a+", "a_", 0),
    ("+a", "+a", 0),
    ("+a", "_a", 0),
    ("+_", "+_", 0),
    ("_+", "+_", 0),
    ("_+", "_+", 0),
    ("+", "_", 0),
    // Tilde.
    ("1.0~rc1", "1.0~rc1", 0),
    ("1.0~rc1", "1.0", -1),
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0~rc1~git123", "1.0~rc1~git123", 0),
    ("1.0~rc1~git123", "1.0~rc1", -1),
    // Caret.
    ("1.0^", "1.0^", 0),
    ("1.0^", "1.0", 1),
    ("1.0^git1", "1.0^git1", 0),
    ("1.0^git1", "1.0", 1),
    ("1.0^git1", "1.0^git2", -1),
    ("1.0^git1", "1.01", -1),
    ("1.0^20160101", "1.0^20160101", 0),
    ("1.0^20160101", "1.0.1", -1),
    ("1.0^20160101^git1", "1.0^20160101^git1", 0),
    ("1.0^20160102", "1.0^20160101^git1", 1),
    // Tilde and caret.
    ("1.0~rc1^git1", "1.0~rc1^git1", 0),
    ("1.0~rc1^git1", "1.0~rc1", 1),
    ("1.0^git1~pre", "1.0^git1~pre", 0),
    ("1.0^git1", "1.0^git1~pre", 1),
    // Documented there as "arguably buggy", kept as rpm behaves (RhBug:811992).
    ("1b.fc17", "1.fc17", -1),
    ("1g.fc17", "1.fc17", 1),
];

#[test]
fn rpm_matches_rpmvercmp_at() {
    for &(a, b, expected) in RPMVERCMP {
        let expected = expected.cmp(&0);
        assert_eq!(rpm::rpmvercmp(a, b), expected, "rpmvercmp({a}, {b})");
        assert_eq!(rpm::rpmvercmp(b, a), expected.reverse(), "rpmvercmp({b}, {a})");
    }
    // Full EVRs. `1.0a` < `1.0.1` is not in rpmvercmp.at; it follows from
    // "a number beats letters".
    let cases = [
        ("1.0a", "1.0.1", Less),
        ("1:1.0", "2.0", Greater),
        ("0:1.0", "1.0", Equal),
        ("1.2.3-4.el9", "1.2.3-5.el9", Less),
        ("1.2.3-10.el9", "1.2.3-9.el9", Greater),
        ("1.0", "1.0-1", Less),
        ("1.0~rc1-1", "1.0-1", Less),
        ("1.0^git1-1", "1.0-1", Greater),
    ];
    assert_orders(Rpm, &cases);
    for bad in ["", "unknown", "1.0-", "1 .0", "-1"] {
        assert_eq!(order(Rpm, bad, "1.0"), None, "{bad:?}");
    }
}

#[test]
fn pep440_follows_the_pep() {
    // PEP 440, "Summary of permitted suffixes and relative ordering".
    let chain = [
        "1.dev0",
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0rc1.dev456",
        "1.0rc1",
        "1.0",
        "1.0+abc.5",
        "1.0+abc.7",
        "1.0+5",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.15",
        "1.1.dev1",
    ];
    assert_chain(Pep440, &chain);
    // PEP 440, "Normalization" and "Version epochs".
    let cases = [
        ("1.0RC1", "1.0rc1", Equal),
        ("1.0alpha1", "1.0a1", Equal),
        ("1.0-a.1", "1.0a1", Equal),
        ("1.0c1", "1.0rc1", Equal),
        ("1.0pre1", "1.0rc1", Equal),
        ("1.0preview1", "1.0rc1", Equal),
        ("1.0a", "1.0a0", Equal),
        ("1.0-post1", "1.0.post1", Equal),
        ("1.0-1", "1.0.post1", Equal),
        ("1.0rev1", "1.0.post1", Equal),
        ("1.0r", "1.0.post0", Equal),
        ("1.0.dev", "1.0.dev0", Equal),
        ("1.0-dev1", "1.0.dev1", Equal),
        ("v1.0", "1.0", Equal),
        ("  1.0\t", "1.0", Equal),
        ("1.0+ubuntu-1", "1.0+ubuntu.1", Equal),
        ("1.0+UBUNTU_1", "1.0+ubuntu.1", Equal),
        ("1.0.0", "1", Equal),
        ("007.1", "7.1", Equal),
        ("1!1.0", "2.0", Greater),
        ("1.0+abc", "1.0+5", Less),
        ("1.0+a", "1.0+a.0", Less),
    ];
    assert_orders(Pep440, &cases);
    for bad in ["", "abc", "1.0-foo", "1.0+", "1.0+a..b", "1.0.", "1!", "1.0 beta"] {
        assert_eq!(order(Pep440, bad, "1.0"), None, "{bad:?}");
    }
}

#[test]
fn loose_orders_what_tools_print() {
    assert_chain(Loose, &["1.1.1", "1.1.1a", "1.1.1w", "3.0.0", "3.0.11", "3.1.0"]);
    assert_chain(Loose, &["9.2", "9.2p1", "9.2p2", "9.3p1", "10.0p1"]);
    assert_chain(Loose, &["1.23-devel-0a6f05e2d4", "1.23.0", "1.23.1"]);
    assert_chain(Loose, &["1.21beta1", "1.21rc1", "1.21rc2", "1.21", "1.21a", "1.21.1"]);
    assert_chain(Loose, &["1.8.0_392", "1.8.0_401", "17.0.9", "17.0.9+9", "17.0.9+11", "21"]);
    assert_chain(Loose, &["10.0.19045.3693", "10.0.19045.3694", "10.0.22631.2861"]);
    assert_chain(Loose, &["5.15.0-88-generic", "5.15.0-91-generic", "6.1.0-13-amd64"]);
    let cases = [
        ("1.0", "1.0.0", Equal),
        ("v2.4.57", "2.4.57", Equal),
        ("1.0RC1", "1.0rc1", Equal),
        ("2.4.9", "2.4.10", Less),
        ("99999999999999999999999", "99999999999999999999998", Greater),
    ];
    assert_orders(Loose, &cases);
    for bad in ["", "abc", "v", "devel+b7a8e7a6", "+1"] {
        assert_eq!(order(Loose, bad, "1.0"), None, "{bad:?}");
    }
}

#[test]
fn levels_classify_the_first_difference() {
    use Level::{Different, Equal, Major, Minor, Packaging, Patch};
    let cases = [
        (Pep440, "3.9.2", "3.11.2", Minor),
        (Pep440, "3.11.2", "3.11.7", Patch),
        (Loose, "1.1.1w", "3.0.11", Major),
        (Loose, "1.1.1v", "1.1.1w", Patch),
        (Semver, "1.0.0-rc1", "1.0.0", Patch),
        (Semver, "1.2", "1.3", Minor),
        (Semver, "1.2.3.4", "1.2.3.5", Patch),
        (Semver, "v1.2", "1.2.0", Equal),
        (Dpkg, "1:2.0", "2.0", Major),
        (Rpm, "1:2.0", "2.0", Major),
        (Pep440, "1!1.0", "1.0", Major),
        (Loose, "1.8.0_392", "17.0.9", Major),
        (Loose, "1.8.0_392", "1.8.0_401", Patch),
        (Loose, "1.7.0_80", "1.8.0_392", Major),
        (Loose, "1.18.0", "1.24.0", Minor),
        (Dpkg, "1.18.0-6ubuntu14", "1.18.0-6+deb11u3", Packaging),
        (Dpkg, "1.0~rc1", "1.0", Patch),
        (Dpkg, "2.30", "2.4", Minor),
        (Dpkg, "1:9.6p1-3ubuntu13.5", "1:9.2p1-2+deb12u2", Minor),
        (Dpkg, "1.2.3", "1.2.3-1", Packaging),
        (Dpkg, "0:1.0-1", "1.0-1", Equal),
        (Rpm, "1.2.3-4.el9", "1.2.3-5.el9", Packaging),
        (Rpm, "1.0", "1.0-1", Packaging),
        (Rpm, "1.0", "1.0^git1", Patch),
        (Rpm, "5.14.0", "5.14.0.1", Patch),
        (Semver, "1.2.3+a", "1.2.3+b", Packaging),
        (Semver, "1.2.3", "1.2.3+b", Packaging),
        (Loose, "17.0.9+9", "17.0.9+11", Packaging),
        (Loose, "17.0.9", "17.0.9+9", Packaging),
        (Loose, "9.2p1", "9.2p2", Patch),
        (Loose, "10.0.19045.3693", "10.0.19045.3694", Patch),
        (Loose, "1.21rc2", "1.21.0", Patch),
        (Loose, "1.0", "1.0.0", Equal),
        (Pep440, "1.0+ubuntu1", "1.0", Packaging),
        (Pep440, "1.0.post1", "1.0", Packaging),
        (Pep440, "1.0rc1", "1.0", Patch),
        (Pep440, "1.0.dev1", "1.0", Patch),
        (Pep440, "1.0RC1", "1.0rc1", Equal),
        (Semver, "abc", "1.0.0", Different),
        (Dpkg, "", "1.0", Different),
        (Pep440, "1.0-foo", "1.0", Different),
        (Semver, "abc", "abc", Equal),
        (Text, "Ubuntu  22.04 LTS ", "ubuntu 22.04 lts", Equal),
        (Text, "Ubuntu", "Debian", Different),
        (Text, "ÉTÉ", "été", Equal),
        (Exact, "x86_64", "X86_64", Different),
        (Exact, "a b", "a b", Equal),
    ];
    for (kind, a, b, level) in cases {
        assert_eq!(compare(kind, a, b).level, level, "{kind:?}: {a} vs {b}");
        assert_eq!(compare(kind, b, a).level, level, "{kind:?}: {b} vs {a}");
    }
    assert_eq!(order(Text, "a", "A"), Some(Ordering::Equal));
    assert_eq!(order(Text, "a", "b"), None);
    assert_eq!(serde_json::to_string(&Packaging).ok().as_deref(), Some("\"packaging\""));
    assert!(Equal < Packaging && Packaging < Patch && Minor < Major && Major < Different);
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

/// Version-like strings mixing every format's syntax, plus raw fragments.
fn generated(count: usize) -> Vec<String> {
    const PREFIXES: &[&str] = &["", "", "", "v", "1:", "2!", "0:"];
    const NUMBERS: &[&str] = &["0", "1", "2", "9", "10", "11", "007", "99999999999999999999999"];
    const SUFFIXES: &[&str] = &[
        "",
        "",
        "",
        "a",
        "b1",
        "rc1",
        "-rc.1",
        "~rc1",
        "^git1",
        "p1",
        "w",
        ".post1",
        ".dev0",
        "-1",
        "-2ubuntu1",
        "+b1",
        "+local.7",
        "_392",
        "-alpha.beta",
        "+build.5",
        "-beta.11",
        "~",
        ".",
        "-",
        "+",
        "é",
        "_",
        "!",
        ":",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|_| {
            let mut v = rng.pick(PREFIXES).to_owned();
            v.push_str(rng.pick(NUMBERS));
            for _ in 0..rng.pick(&["0", "1", "2", "3"]).parse::<usize>().unwrap_or(0) {
                v.push_str(rng.pick(&[".", ".", ".", "_", "-"]));
                v.push_str(rng.pick(NUMBERS));
            }
            v.push_str(rng.pick(SUFFIXES));
            v.push_str(rng.pick(SUFFIXES));
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
    assert_eq!(ab.order.is_none(), ab.level == Level::Different, "{kind:?}: {a:?} vs {b:?}");
    if ab.level == Level::Equal {
        assert_eq!(ab.order, Some(Ordering::Equal), "{kind:?}: {a:?} vs {b:?}");
    }
    if ab.order.is_some_and(Ordering::is_ne) {
        assert!(ab.level > Level::Equal, "{kind:?}: {a:?} vs {b:?}");
    }
}

#[test]
fn generated_versions_order_consistently() {
    let values = generated(200);
    for kind in KINDS {
        for a in &values {
            for b in &values {
                assert_consistent(kind, a, b);
            }
        }
    }
    // Sorting with the order and finding no pair out of place shows the
    // order is transitive on the sample (sort also panics on a bad order).
    for kind in VERSION_KINDS {
        let mut versions: Vec<&str> =
            values.iter().map(String::as_str).filter(|v| order(kind, v, "0").is_some()).collect();
        assert!(versions.len() > 50, "{kind:?}: only {} parse", versions.len());
        versions.sort_by(|a, b| order(kind, a, b).unwrap_or(Ordering::Equal));
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                assert_ne!(order(kind, a, b), Some(Greater), "{kind:?}: {a} sorted before {b}");
            }
        }
    }
}

#[test]
fn hostile_input_never_panics() {
    let mut inputs: Vec<String> = [
        "",
        " ",
        "\t\n",
        "\0",
        ".",
        "...",
        "-",
        "--",
        "+",
        "++",
        "~",
        "^",
        ":",
        "!",
        "_",
        ".-+~^:!_",
        "v",
        "V1",
        "1.",
        ".1",
        "1..2",
        "1.0-",
        "1.0+",
        "1:",
        ":1",
        "1!",
        "!1",
        "é",
        "1.0é",
        "版本 1.0",
        "1.0\u{0}",
        "\u{feff}1.0",
        "１.０",
        "1.0\u{202e}",
        "🦀.🦀",
        "0:0:0-0-0",
        "1.0~~~",
        "1.0^^^",
        "99999999999999999999999",
        "99999999999999999999999:1.0",
        "99999999999999999999999!1.0",
        "1.0.0-99999999999999999999999",
        "1+99999999999999999999999",
        "1.8.0_",
        "1._",
        "1.0+ubuntu..1",
        "٣.٤",
    ]
    .map(String::from)
    .to_vec();
    inputs.extend(["1.".repeat(5000), "9".repeat(10_000), "0".repeat(10_000), "a".repeat(10_000)]);
    inputs.extend(["~".repeat(10_000), "é".repeat(5000), "1.0-".repeat(2500), "^~".repeat(5000)]);
    inputs.push(format!("1.0+{}", "x.".repeat(5000)));
    inputs.push(format!("{}!1.0rc1.post2.dev3+{}", "7".repeat(5000), "z".repeat(5000)));
    for kind in KINDS {
        for a in &inputs {
            for b in &inputs {
                assert_consistent(kind, a, b);
            }
        }
    }
}

/// Differential check against the real dpkg, where there is one.
#[test]
fn dpkg_agrees_with_dpkg_compare_versions() {
    let dpkg_says = |a: &str, op: &str, b: &str| {
        std::process::Command::new("dpkg")
            .args(["--compare-versions", "--", a, op, b])
            .status()
            .map(|status| status.success())
    };
    if dpkg_says("1", "lt", "2").is_err() {
        eprintln!("dpkg not found: differential check skipped");
        return;
    }
    let values: Vec<String> =
        generated(400).into_iter().filter(|v| order(Dpkg, v, "0").is_some()).take(120).collect();
    assert!(values.len() > 60, "only {} dpkg versions generated", values.len());
    for pair in values.windows(2) {
        let (a, b) = (pair[0].as_str(), pair[1].as_str());
        let expected = match (dpkg_says(a, "lt", b).ok(), dpkg_says(a, "gt", b).ok()) {
            (Some(true), _) => Less,
            (_, Some(true)) => Greater,
            _ => Equal,
        };
        assert_eq!(order(Dpkg, a, b), Some(expected), "dpkg --compare-versions {a} ? {b}");
    }
}
