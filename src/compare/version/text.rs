//! Free text (OS names, CPU models, locales): equal when the words are the
//! same, ignoring case and how much whitespace separates them.

use super::Verdict;

/// The words of `s`, lowercased a char at a time, a space after each one.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.split_whitespace().flat_map(|word| word.chars().flat_map(char::to_lowercase).chain([' ']))
}

/// `Some(Equal)` for the same words, `None` (so `Different`) otherwise.
pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    folded(a).eq(folded(b)).then_some(Verdict::EQUAL)
}
