//! The app's deployed revision from its image's OCI label: a container or
//! image whose app folder gives no revision (no git checkout, no
//! `REVISION` file, no variable) may still run an image whose builder
//! stated the commit it was built from, `org.opencontainers.image.revision`.
//! Pure: a revision the app folder gave is never replaced, and a label
//! that is not an object name gives none.

use std::collections::BTreeMap;

use crate::collect::evidence::describe;
use crate::compare::revision::FACT;
use crate::model::{Fact, Origin, Status};
use crate::output::parse;
use crate::profile::Profile;

/// The OCI annotation that states the source revision of an image.
pub const LABEL: &str = "org.opencontainers.image.revision";

/// Whether the profile asks for the app's revision and `facts` have none:
/// only then is the engine asked for the image's labels.
pub fn wanted(profile: &Profile, facts: &BTreeMap<String, Fact>) -> bool {
    profile.facts.iter().any(|def| def.id == FACT)
        && facts.get(FACT).is_none_or(|fact| fact.status != Status::Ok)
}

/// Sets the app's revision from `labels` where [`wanted`]; whether it did.
/// The fact keeps what the app folder said in its `raw` text after the
/// label, so the details still show what was looked for.
pub fn fill(
    profile: &Profile,
    facts: &mut BTreeMap<String, Fact>,
    labels: &BTreeMap<String, String>,
) -> bool {
    let Some(def) = profile.facts.iter().find(|def| def.id == FACT) else { return false };
    if !wanted(profile, facts) {
        return false;
    }
    let Some(label) = labels.get(LABEL) else { return false };
    let Some(revision) = parse::revision(label) else { return false };
    let mut fact = Fact::empty(Status::Ok);
    fact.value = Some(revision);
    fact.raw = format!("{LABEL}={label}");
    if let Some(before) = facts.get(FACT).filter(|f| !f.raw.is_empty()) {
        fact.raw = format!("{}\n(app folder: {})", fact.raw, before.raw);
    }
    fact.found_at = Some(format!("image config: label {LABEL}"));
    describe(&mut fact, def);
    fact.origin = Some(Origin::ImageLabel);
    facts.insert(FACT.to_owned(), fact);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"
[profile]
name = "t"

[[fact]]
id = "app.revision"
label = "App revision"
category = "App"
compare = "exact"
informational = true
parser = "revision"
sources = [{ file = "REVISION", app = true }]
"#;

    fn parsed(text: &str) -> Profile {
        crate::profile::parse_profile(text, "t.toml", None).expect("profile")
    }

    fn labels(value: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(LABEL.to_owned(), value.to_owned())])
    }

    fn missing() -> BTreeMap<String, Fact> {
        let mut fact = Fact::empty(Status::Missing);
        fact.raw = "not found: git, REVISION".into();
        BTreeMap::from([(FACT.to_owned(), fact)])
    }

    #[test]
    fn a_missing_revision_is_taken_from_the_label_and_says_so() {
        let profile = parsed(PROFILE);
        let mut facts = missing();
        assert!(fill(&profile, &mut facts, &labels("0123ABCD0123")));
        let fact = &facts[FACT];
        assert_eq!((fact.status, fact.value.as_deref()), (Status::Ok, Some("0123abcd0123")));
        assert_eq!(fact.origin, Some(Origin::ImageLabel));
        assert_eq!((fact.label.as_str(), fact.informational), ("App revision", true));
        assert!(fact.raw.contains("not found: git, REVISION"), "{}", fact.raw);
    }

    #[test]
    fn a_revision_the_app_folder_gave_or_a_junk_label_changes_nothing() {
        let profile = parsed(PROFILE);
        let mut facts = missing();
        let ok = facts.get_mut(FACT).expect("fact");
        ok.status = Status::Ok;
        ok.value = Some("feedbeef".into());
        assert!(!fill(&profile, &mut facts, &labels("0123abcd")));
        assert_eq!(facts[FACT].value.as_deref(), Some("feedbeef"));
        for junk in ["--output=x", "HEAD", "0123abc\u{1b}[2J", ""] {
            let mut facts = missing();
            assert!(!fill(&profile, &mut facts, &labels(junk)), "{junk:?}");
            assert_eq!(facts[FACT].status, Status::Missing);
        }
        let other = parsed(&PROFILE.replace("app.revision", "app.other"));
        let mut facts = BTreeMap::new();
        assert!(!wanted(&other, &facts));
        assert!(!fill(&other, &mut facts, &labels("0123abcd")));
        assert!(facts.is_empty());
    }
}
