//! Reading a probe script's framed output (grammar in `probe::script`) back
//! into records, tolerating noise around the frames (login scripts that
//! print) and a probe cut off mid-way (records of finished facts are kept).

use std::collections::BTreeMap;

/// What one source's attempt left in the frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Absent {
        source: usize,
    },
    Ran {
        source: usize,
        copies: Vec<Copy>,
        exit_code: Option<i32>,
        killed: bool,
        output: Vec<u8>,
    },
    /// `copies` holds the resolved file when it sat next to a program.
    Read {
        source: usize,
        copies: Vec<Copy>,
        output: Vec<u8>,
    },
}

/// A copy of a program found on the host's PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub path: String,
    pub real: String,
}

/// All complete facts, by their index in the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeOutput {
    /// The `H` line was seen: a shell ran our script.
    pub started: bool,
    /// The `Z` line was seen: the probe ran to its end.
    pub finished: bool,
    pub facts: BTreeMap<usize, Vec<Record>>,
}

pub fn parse(bytes: &[u8], boundary: &str) -> ProbeOutput {
    let mut out = ProbeOutput::default();
    let marker = format!("{boundary} ");
    let marker = marker.as_bytes();
    let mut pos = 0;
    let mut fact: Option<(usize, Vec<Record>)> = None;
    while pos < bytes.len() {
        let end = bytes[pos..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..end];
        pos = (end + 1).min(bytes.len());
        let Some(rest) = line.strip_prefix(marker) else { continue };
        let rest = String::from_utf8_lossy(rest);
        let (tag, arg) = rest.split_once(' ').unwrap_or((&rest, ""));
        match tag {
            "H" => out.started = true,
            "Z" => out.finished = true,
            "F" => {
                // The boundary is this run's secret: any record carrying it
                // proves our script runs, even if its first line was lost.
                out.started = true;
                fact = arg.trim().parse().ok().map(|i| (i, Vec::new()));
            }
            "E" => {
                if let Some((i, records)) = fact.take() {
                    out.facts.insert(i, records);
                }
            }
            "A" | "C" | "R" => {
                let (Some((_, records)), Ok(source)) = (fact.as_mut(), arg.trim().parse()) else {
                    continue;
                };
                records.push(match tag {
                    "A" => Record::Absent { source },
                    "C" => Record::Ran {
                        source,
                        copies: Vec::new(),
                        exit_code: None,
                        killed: false,
                        output: Vec::new(),
                    },
                    _ => Record::Read { source, copies: Vec::new(), output: Vec::new() },
                });
            }
            "P" => {
                if let Some(Record::Ran { copies, .. } | Record::Read { copies, .. }) =
                    last_record(fact.as_mut())
                {
                    let (path, real) = arg.split_once('\t').unwrap_or((arg, arg));
                    copies.push(Copy { path: path.to_owned(), real: real.to_owned() });
                }
            }
            "X" => {
                if let Some(Record::Ran { exit_code, .. }) = last_record(fact.as_mut()) {
                    *exit_code = arg.trim().parse().ok();
                }
            }
            "K" => {
                if let Some(Record::Ran { killed, .. }) = last_record(fact.as_mut()) {
                    *killed = true;
                }
            }
            "O" => {
                // The output runs up to the newline before the next record;
                // cut off, it runs to the end (and its fact never ends).
                let end = next_record(bytes, pos, marker).unwrap_or(bytes.len());
                let body = bytes[pos..end].to_vec();
                pos = (end + 1).min(bytes.len());
                if let Some(Record::Ran { output, .. } | Record::Read { output, .. }) =
                    last_record(fact.as_mut())
                {
                    *output = body;
                }
            }
            _ => {}
        }
    }
    out
}

/// Where the newline that ends an output sits: the first `\n` at or after
/// `from` that is followed by a record.
fn next_record(bytes: &[u8], from: usize, marker: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(i) = bytes.get(at..)?.iter().position(|b| *b == b'\n') {
        if bytes[at + i + 1..].starts_with(marker) {
            return Some(at + i);
        }
        at += i + 1;
    }
    None
}

fn last_record(fact: Option<&mut (usize, Vec<Record>)>) -> Option<&mut Record> {
    fact.and_then(|(_, records)| records.last_mut())
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "PARITTY-test";

    #[test]
    fn reads_records_and_outputs_up_to_the_next_record() {
        let mut text = Vec::new();
        text.extend_from_slice(
            b"motd noise\nPARITTY-test H 0.1.0\nPARITTY-test F 0\nPARITTY-test A 0\n",
        );
        text.extend_from_slice(b"PARITTY-test C 1\nPARITTY-test P /usr/bin/git\t/usr/bin/git\n");
        text.extend_from_slice(b"PARITTY-test X 0\nPARITTY-test O\n");
        // Output that imitates another run's framing is just bytes.
        text.extend_from_slice(b"git version 2.1\nPARITTY-other E 0\n\n");
        text.extend_from_slice(b"PARITTY-test C 2\nPARITTY-test O\n\n");
        text.extend_from_slice(b"PARITTY-test E 0\nPARITTY-test Z\n");
        let out = parse(&text, B);
        assert!(out.started && out.finished);
        let records = &out.facts[&0];
        assert_eq!(records[0], Record::Absent { source: 0 });
        let Record::Ran { source, copies, exit_code, killed, output } = &records[1] else {
            panic!("{records:?}")
        };
        assert_eq!((*source, *exit_code, *killed), (1, Some(0), false));
        assert_eq!(copies[0].path, "/usr/bin/git");
        assert_eq!(output, b"git version 2.1\nPARITTY-other E 0\n");
        let Record::Ran { source: 2, output, .. } = &records[2] else { panic!("{records:?}") };
        assert!(output.is_empty(), "{output:?}");
    }

    #[test]
    fn a_cut_off_probe_keeps_only_finished_facts() {
        let text = b"PARITTY-test H 1\nPARITTY-test F 0\nPARITTY-test R 0\nPARITTY-test O\nok\nPARITTY-test E 0\nPARITTY-test F 1\nPARITTY-test C 0\nPARITTY-test O\npart";
        let out = parse(text, B);
        assert!(out.started && !out.finished);
        assert_eq!(out.facts.len(), 1);
        let ok = Record::Read { source: 0, copies: Vec::new(), output: b"ok".to_vec() };
        assert_eq!(out.facts[&0], vec![ok]);
    }

    #[test]
    fn another_boundary_is_ignored() {
        let out = parse(b"PARITTY-other H 1\nPARITTY-other F 0\nPARITTY-other E 0\n", B);
        assert_eq!(out, ProbeOutput::default());
    }
}
