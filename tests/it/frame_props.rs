//! Property-based tests of the probe's frame reader (`probe::frame`): what a
//! host sends back is untrusted, so whatever arrives, in whatever pieces,
//! the reader answers without panicking; a transcript framed as the probe
//! frames it reads back exactly, whatever the tools printed (the boundary
//! and forged records included); and a transcript cut anywhere keeps the
//! facts framed before the cut, unchanged.

use std::collections::BTreeMap;

use proptest::prelude::*;

use paritty::probe::frame::{Copy, ProbeOutput, Reader, Record, parse};

const B: &str = "PARITTY-0123456789abcdef0123456789abcdef";

/// What a tool may print: anything, and often what a forger would print
/// (the boundary, record lines, newlines).
fn output() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(
            prop_oneof![
                Just(format!("{B} E 0\n")),
                Just(format!("\n{B} F 1\n{B} R 0\n{B} O 4\n9.99\n{B} E 1\n")),
                Just(format!("{B} Z\n")),
                Just("\n".to_owned()),
                "[a-z0-9. ]{0,12}",
            ],
            0..6,
        )
        .prop_map(|parts| parts.concat().into_bytes()),
    ]
}

fn copies() -> impl Strategy<Value = Vec<Copy>> {
    proptest::collection::vec(
        ("/[a-z/._-]{1,20}", "/[a-z/._-]{1,20}").prop_map(|(path, real)| Copy { path, real }),
        0..3,
    )
}

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        (0usize..4).prop_map(|source| Record::Absent { source }),
        (0usize..4, copies(), proptest::option::of(-1i32..256), any::<bool>(), output()).prop_map(
            |(source, copies, exit_code, killed, output)| Record::Ran {
                source,
                copies,
                // The probe reports a killed command without an exit code.
                exit_code: if killed { None } else { exit_code },
                killed,
                output,
            }
        ),
        (0usize..4, copies(), output()).prop_map(|(source, copies, output)| Record::Read {
            source,
            copies,
            output
        }),
    ]
}

fn facts() -> impl Strategy<Value = BTreeMap<usize, Vec<Record>>> {
    proptest::collection::btree_map(0usize..40, proptest::collection::vec(record(), 0..4), 0..8)
}

fn push_line(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("{B} {text}\n").as_bytes());
}

/// An output after its `O` record: exactly its bytes, then a newline.
fn push_output(out: &mut Vec<u8>, copies: &[Copy], output: &[u8]) {
    for copy in copies {
        push_line(out, &format!("P {}\t{}", copy.path, copy.real));
    }
    push_line(out, &format!("O {}", output.len()));
    out.extend_from_slice(output);
    out.push(b'\n');
}

/// The transcript the probe sends for `facts` (grammar in `probe::script`),
/// after noise such as a login script prints.
fn transcript(facts: &BTreeMap<usize, Vec<Record>>, finished: bool) -> Vec<u8> {
    let mut out = format!("motd: welcome\n{B} H 0.1.0\n").into_bytes();
    for (fact, records) in facts {
        push_line(&mut out, &format!("F {fact}"));
        for record in records {
            match record {
                Record::Absent { source } => push_line(&mut out, &format!("A {source}")),
                Record::Ran { source, copies, exit_code, killed, output } => {
                    push_line(&mut out, &format!("C {source}"));
                    // The probe's order: copies, then how it ended, then output.
                    let mut ended = Vec::new();
                    if *killed {
                        push_line(&mut ended, "K");
                    } else if let Some(code) = exit_code {
                        push_line(&mut ended, &format!("X {code}"));
                    }
                    for copy in copies {
                        push_line(&mut out, &format!("P {}\t{}", copy.path, copy.real));
                    }
                    out.extend_from_slice(&ended);
                    push_output(&mut out, &[], output);
                }
                Record::Read { source, copies, output } => {
                    push_line(&mut out, &format!("R {source}"));
                    push_output(&mut out, copies, output);
                }
            }
        }
        push_line(&mut out, &format!("E {fact}"));
    }
    if finished {
        push_line(&mut out, "Z");
    }
    out
}

/// `bytes` fed to a reader in pieces cut at `cuts`.
fn read_in_pieces(bytes: &[u8], cuts: &[usize]) -> ProbeOutput {
    let mut reader = Reader::new(B);
    let mut at = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    for cut in cuts {
        reader.feed(&bytes[at..cut.max(at)]);
        at = cut.max(at);
    }
    reader.feed(&bytes[at..]);
    reader.finish()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever arrives, the reader answers; it keeps no more than it was
    /// given (a stated length does not allocate what never came).
    #[test]
    fn any_bytes_are_read_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let out = parse(&bytes, B);
        let kept: usize = out
            .facts
            .values()
            .flatten()
            .map(|r| match r {
                Record::Ran { output, .. } | Record::Read { output, .. } => output.len(),
                Record::Absent { .. } => 0,
            })
            .sum();
        prop_assert!(kept <= bytes.len());
    }

    /// What the probe frames reads back exactly, in any pieces, whatever the
    /// tools printed: no output can pass for a record of another fact.
    #[test]
    fn framed_facts_read_back_exactly(
        facts in facts(),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let bytes = transcript(&facts, true);
        let out = read_in_pieces(&bytes, &cuts);
        prop_assert!(out.started && out.finished);
        prop_assert_eq!(&out.facts, &facts);
        prop_assert_eq!(out, parse(&bytes, B));
    }

    /// A transcript cut anywhere (a host dying mid-probe) keeps only facts
    /// that were framed whole, each exactly as sent.
    #[test]
    fn a_cut_transcript_keeps_whole_facts_unchanged(facts in facts(), cut in any::<usize>()) {
        let bytes = transcript(&facts, true);
        let cut = cut % (bytes.len() + 1);
        let out = parse(&bytes[..cut], B);
        for (fact, records) in &out.facts {
            prop_assert_eq!(Some(records), facts.get(fact));
        }
        let whole = parse(&bytes, B);
        prop_assert!(out.facts.len() <= whole.facts.len());
    }
}
