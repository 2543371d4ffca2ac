//! The renderers on a comparison of the fixture snapshots; JUnit read by a
//! real consumer and the commands through the binary are in
//! tests/it/check_formats.rs.

use super::github::{data, property};

#[test]
fn workflow_command_escaping() {
    assert_eq!(data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
    assert_eq!(property("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext%3A a%2Cb");
    // `%` first: an escape is never escaped twice, nor produced by the input.
    assert_eq!(property("%3A"), "%253A");
}
