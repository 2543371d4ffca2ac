//! Vectors from each ecosystem's documentation: node-semver's README,
//! PEP 440, RubyGems' "pessimistic operator", go.mod's `go` line.

use super::*;

fn judged(rules: Rules, constraint: &str, version: &str) -> Judgement {
    judge(&parse(rules, constraint), version)
}

fn check(rules: Rules, constraint: &str, satisfying: &[&str], violating: &[&str]) {
    for v in satisfying {
        assert_eq!(judged(rules, constraint, v), Judgement::Satisfies, "{v} in {constraint}");
    }
    for v in violating {
        assert_eq!(judged(rules, constraint, v), Judgement::Violates, "{v} not in {constraint}");
    }
}

#[test]
fn npm_ranges_follow_node_semver() {
    check(Rules::Npm, "^1.2.3", &["1.2.3", "1.9.0"], &["1.2.2", "2.0.0", "2.0.0-rc.1"]);
    check(Rules::Npm, "^0.2.3", &["0.2.3", "0.2.9"], &["0.3.0"]);
    check(Rules::Npm, "^0.0.3", &["0.0.3"], &["0.0.4"]);
    check(Rules::Npm, "^0.x", &["0.0.1", "0.9.9"], &["1.0.0"]);
    check(Rules::Npm, "~1.2.3", &["1.2.3", "1.2.9"], &["1.3.0"]);
    check(Rules::Npm, "~1", &["1.0.0", "1.9.9"], &["2.0.0"]);
    check(Rules::Npm, ">=18 <19", &["18.0.0", "18.19.1"], &["19.0.0", "17.9.0", "20.11.1"]);
    check(Rules::Npm, ">= 18.12.0", &["18.12.0", "22.1.0"], &["18.11.9"]);
    check(Rules::Npm, "^18 || ^20", &["18.1.0", "20.11.1"], &["19.0.0", "21.0.0"]);
    check(Rules::Npm, "1.2.x", &["1.2.0", "1.2.7"], &["1.3.0"]);
    check(Rules::Npm, "18.x || >=20", &["18.2.0", "21.0.0"], &["19.1.0"]);
    check(Rules::Npm, "1.2.3 - 2.3", &["1.2.3", "2.3.9"], &["2.4.0", "1.2.2"]);
    check(Rules::Npm, "1.2 - 2.3.4", &["1.2.0", "2.3.4"], &["2.3.5"]);
    check(Rules::Npm, ">1.2", &["1.3.0"], &["1.2.9"]);
    check(Rules::Npm, "<=1.2", &["1.2.9"], &["1.3.0"]);
    check(Rules::Npm, "*", &["0.0.1", "99.0.0"], &[]);
    check(Rules::Npm, "=20.11.1", &["20.11.1", "v20.11.1"], &["20.11.0"]);
    // A pre-release only where the range names one of the same release.
    check(Rules::Npm, ">=1.2.3-beta.1 <1.3", &["1.2.3-beta.2"], &["1.2.4-beta.1"]);
}

#[test]
fn pep440_specifiers() {
    check(Rules::Pep440, ">=3.9,<3.13", &["3.9.0", "3.12.3"], &["3.8.18", "3.13.0", "3.13.0rc1"]);
    check(Rules::Pep440, "~=3.11", &["3.11.0", "3.12.1"], &["4.0.0", "3.10.9"]);
    check(Rules::Pep440, "~=3.11.2", &["3.11.2", "3.11.9"], &["3.12.0", "3.11.1"]);
    check(Rules::Pep440, "==3.11.*", &["3.11.0", "3.11.8"], &["3.12.0"]);
    check(Rules::Pep440, ">=3.8, !=3.9.*", &["3.8.1", "3.10.0"], &["3.9.7"]);
    check(Rules::Pep440, "!=3.11.2", &["3.11.3"], &["3.11.2"]);
    check(Rules::Pep440, "==3.11", &["3.11.0"], &["3.11.4"]);
    assert!(matches!(parse(Rules::Pep440, "3.11"), Constraint::Unreadable(_)));
    assert!(matches!(parse(Rules::Pep440, "~=3"), Constraint::Unreadable(_)));
}

#[test]
fn poetry_carets_and_commas() {
    check(Rules::Poetry, "^3.11", &["3.11.0", "3.12.3"], &["4.0.0", "3.10.0"]);
    check(Rules::Poetry, ">=3.9,<3.12", &["3.11.9"], &["3.12.0"]);
}

#[test]
fn ruby_pessimistic_operator() {
    check(Rules::Ruby, "~> 3.2", &["3.2.0", "3.3.0"], &["4.0.0", "3.1.4"]);
    check(Rules::Ruby, "~> 3.2.1", &["3.2.1", "3.2.9"], &["3.3.0"]);
    check(Rules::Ruby, ">= 3.1, < 3.4", &["3.3.0"], &["3.4.0"]);
    check(Rules::Ruby, "3.3.0", &["3.3.0", "3.3"], &["3.3.1"]);
}

#[test]
fn prefixes_and_minimums() {
    check(Rules::Prefix, "20", &["20.0.0", "20.11.1", "v20.11.1"], &["18.19.0", "21.0.0"]);
    check(Rules::Prefix, "3.11", &["3.11.0", "3.11.9"], &["3.12.0", "3.1.0"]);
    check(Rules::Prefix, "v20.11.1", &["20.11.1"], &["20.11.0", "20.11.10"]);
    check(Rules::Prefix, "3.11.7 3.12.1", &["3.11.7", "3.12.1"], &["3.12.0"]);
    check(Rules::Minimum, "1.22", &["1.22.0", "1.23.4"], &["1.21.9"]);
    check(Rules::Minimum, "go1.22.3", &["1.22.3"], &["1.22.2"]);
}

#[test]
fn aliases_are_reported_not_guessed() {
    for alias in ["lts/*", "lts/iron", "latest", "system", "stable", "node", "nightly-2024-01-01"] {
        assert_eq!(parse(Rules::Prefix, alias), Constraint::Alias, "{alias}");
        assert_eq!(judged(Rules::Prefix, alias, "20.11.1"), Judgement::NotJudged);
    }
    assert_eq!(judged(Rules::Npm, ">=18 <19", "(missing)"), Judgement::NoVersion);
    assert!(matches!(parse(Rules::Prefix, "pypy3.10-7.3.15"), Constraint::Unreadable(_)));
}

#[test]
fn disagreement_is_an_empty_intersection() {
    let c = |rules, text| parse(rules, text);
    assert_eq!(compatible(&c(Rules::Prefix, "20"), &c(Rules::Npm, ">=18 <19")), Some(false));
    assert_eq!(compatible(&c(Rules::Prefix, "3.12"), &c(Rules::Prefix, "3.11")), Some(false));
    assert_eq!(compatible(&c(Rules::Prefix, "20"), &c(Rules::Npm, ">=18")), Some(true));
    assert_eq!(compatible(&c(Rules::Minimum, "1.21"), &c(Rules::Minimum, "go1.22.3")), Some(true));
    assert_eq!(
        compatible(&c(Rules::Prefix, "3.11"), &c(Rules::Pep440, ">=3.11,<3.11")),
        Some(false)
    );
    assert_eq!(compatible(&c(Rules::Prefix, "lts/*"), &c(Rules::Npm, ">=18")), None);
}

#[test]
fn a_backing_image_is_its_type_then_its_tag() {
    let pg16 = parse(Rules::Image, "postgres:16-alpine");
    assert_eq!(judge(&pg16, "postgresql 16.2"), Judgement::Satisfies);
    assert_eq!(judge(&pg16, "postgresql 15.6"), Judgement::Violates);
    assert_eq!(judge(&pg16, "mysql 16.0"), Judgement::Violates);
    assert_eq!(judge(&pg16, "postgresql"), Judgement::NoVersion);
    let latest = parse(Rules::Image, "redis:latest");
    assert_eq!(judge(&latest, "redis 7.2.4"), Judgement::NotJudged);
    assert_eq!(judge(&latest, "memcached 1.6.21"), Judgement::Violates);
    let search = parse(Rules::Image, "opensearchproject/opensearch:2");
    assert_eq!(judge(&search, "elasticsearch 2.13.0"), Judgement::Satisfies);
    assert!(matches!(parse(Rules::Image, "ghcr.io/acme/app:1"), Constraint::Unreadable(_)));
    // Two images of one role: another type, or versions no host can meet.
    let redis7 = parse(Rules::Image, "redis:7");
    assert_eq!(compatible(&pg16, &redis7), Some(false));
    assert_eq!(compatible(&pg16, &parse(Rules::Image, "postgres:15")), Some(false));
    assert_eq!(compatible(&pg16, &parse(Rules::Image, "postgres:16.2")), Some(true));
    assert_eq!(compatible(&latest, &redis7), None);
}
