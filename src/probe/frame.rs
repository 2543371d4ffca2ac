//! Reading a probe script's framed output (grammar in `probe::script`) back
//! into records, as it arrives, tolerating noise around the frames (login
//! scripts that print) and a probe cut off mid-way (records of finished
//! facts are kept). Outputs are taken by their stated length, never by
//! looking for what ends them, so a tool's output cannot hold records.

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
    /// The `D` line was seen: the probe halted at its host deadline
    /// (commands killed, no more started), then ended.
    pub halted: bool,
    pub facts: BTreeMap<usize, Vec<Record>>,
}

/// Reads a whole transcript.
pub fn parse(bytes: &[u8], boundary: &str) -> ProbeOutput {
    let mut reader = Reader::new(boundary);
    reader.feed(bytes);
    reader.finish()
}

/// The longest record line kept (a `P` line holds two paths); longer lines
/// are not records.
const MAX_LINE: usize = 64 * 1024;

/// Reads the frames as they arrive, in pieces of any size. Records are
/// lines starting with the boundary; an output is exactly the number of
/// bytes its `O` record states, so nothing inside it is read as a record,
/// whatever the tool that printed it knew.
#[derive(Debug)]
pub struct Reader {
    marker: Vec<u8>,
    out: ProbeOutput,
    fact: Option<(usize, Vec<Record>)>,
    /// The record line read so far (empty while skipping a line).
    line: Vec<u8>,
    /// The current line is not a record (noise, say a login script's).
    skipping: bool,
    /// An output still arriving: bytes left, and those read.
    body: Option<(usize, Vec<u8>)>,
    /// A record that cannot be read past (an output without its length):
    /// nothing after it is believed.
    stopped: bool,
}

impl Reader {
    pub fn new(boundary: &str) -> Reader {
        Reader {
            marker: format!("{boundary} ").into_bytes(),
            out: ProbeOutput::default(),
            fact: None,
            line: Vec::new(),
            skipping: false,
            body: None,
            stopped: false,
        }
    }

    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && !self.stopped {
            if let Some((left, body)) = self.body.as_mut() {
                let take = (*left).min(bytes.len());
                body.extend_from_slice(&bytes[..take]);
                *left -= take;
                bytes = &bytes[take..];
                if *left == 0 {
                    let (_, body) = self.body.take().unwrap_or_default();
                    if let Some(Record::Ran { output, .. } | Record::Read { output, .. }) =
                        last_record(self.fact.as_mut())
                    {
                        *output = body;
                    }
                }
                continue;
            }
            let (part, rest, ended) = match bytes.iter().position(|b| *b == b'\n') {
                Some(i) => (&bytes[..i], &bytes[i + 1..], true),
                None => (bytes, &bytes[bytes.len()..], false),
            };
            self.take_line_part(part);
            bytes = rest;
            if ended {
                self.end_line();
            }
        }
    }

    /// Facts complete so far.
    pub fn facts_done(&self) -> usize {
        self.out.facts.len()
    }

    /// Facts complete so far among those numbered below `end` (a profile's
    /// own, which a progress count counts).
    pub fn facts_done_before(&self, end: usize) -> usize {
        self.out.facts.range(..end).count()
    }

    /// Fact `index`'s records, once its end has been read.
    pub fn fact(&self, index: usize) -> Option<&[Record]> {
        self.out.facts.get(&index).map(Vec::as_slice)
    }

    /// What was read; a fact whose output or end never came is left out.
    pub fn finish(mut self) -> ProbeOutput {
        if self.body.is_none() && !self.stopped {
            self.end_line();
        }
        self.out
    }

    fn take_line_part(&mut self, part: &[u8]) {
        if self.skipping {
            return;
        }
        self.line.extend_from_slice(part);
        let n = self.line.len().min(self.marker.len());
        if self.line[..n] != self.marker[..n] || self.line.len() > MAX_LINE {
            self.skipping = true;
            self.line.clear();
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        if !std::mem::take(&mut self.skipping) && line.len() >= self.marker.len() {
            self.record(&line[self.marker.len()..]);
        }
    }

    fn record(&mut self, rest: &[u8]) {
        let rest = String::from_utf8_lossy(rest);
        let (tag, arg) = rest.split_once(' ').unwrap_or((&rest, ""));
        let number = arg.trim().parse::<usize>().ok();
        match tag {
            "H" => self.out.started = true,
            "Z" => self.out.finished = true,
            "D" => self.out.halted = true,
            "F" => {
                // The boundary is this run's secret: any record carrying it
                // proves our script runs, even if its first line was lost.
                self.out.started = true;
                // A fact is framed once; a second frame is not believed.
                self.fact =
                    number.filter(|i| !self.out.facts.contains_key(i)).map(|i| (i, Vec::new()));
            }
            "E" => {
                if let Some((i, records)) = self.fact.take()
                    && number == Some(i)
                {
                    self.out.facts.insert(i, records);
                }
            }
            "A" | "C" | "R" => {
                let (Some((_, records)), Some(source)) = (self.fact.as_mut(), number) else {
                    return;
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
                    last_record(self.fact.as_mut())
                {
                    let (path, real) = arg.split_once('\t').unwrap_or((arg, arg));
                    copies.push(Copy { path: path.to_owned(), real: real.to_owned() });
                }
            }
            "X" => {
                if let Some(Record::Ran { exit_code, .. }) = last_record(self.fact.as_mut()) {
                    *exit_code = arg.trim().parse().ok();
                }
            }
            "K" => {
                if let Some(Record::Ran { killed, .. }) = last_record(self.fact.as_mut()) {
                    *killed = true;
                }
            }
            "O" => match number {
                // Taken whole even without a record to hold it: its bytes
                // are never records.
                Some(0) => {}
                Some(n) => self.body = Some((n, Vec::with_capacity(n.min(1 << 16)))),
                None => self.stopped = true,
            },
            _ => {}
        }
    }
}

fn last_record(fact: Option<&mut (usize, Vec<Record>)>) -> Option<&mut Record> {
    fact.and_then(|(_, records)| records.last_mut())
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "PARITTY-test";

    /// A frame of fact 0 whose one command printed `body`, with the output's
    /// length as the probe states it.
    fn frame_of(body: &[u8]) -> Vec<u8> {
        let mut text = format!("{B} F 0\n{B} C 0\n{B} X 0\n{B} O {}\n", body.len()).into_bytes();
        text.extend_from_slice(body);
        text.extend_from_slice(format!("\n{B} E 0\n").as_bytes());
        text
    }

    #[test]
    fn reads_records_and_outputs_of_their_stated_length() {
        let mut text = Vec::new();
        text.extend_from_slice(
            b"motd noise\nPARITTY-test H 0.1.0\nPARITTY-test F 0\nPARITTY-test A 0\n",
        );
        text.extend_from_slice(b"PARITTY-test C 1\nPARITTY-test P /usr/bin/git\t/usr/bin/git\n");
        text.extend_from_slice(b"PARITTY-test X 0\nPARITTY-test O 34\n");
        text.extend_from_slice(b"git version 2.1\nPARITTY-other E 0\n\n");
        text.extend_from_slice(b"PARITTY-test C 2\nPARITTY-test O 0\n\n");
        text.extend_from_slice(b"PARITTY-test E 0\nPARITTY-test Z\n");
        let out = parse(&text, B);
        assert!(out.started && out.finished && !out.halted);
        let halted = [&text[..text.len() - 15], b"PARITTY-test D\nPARITTY-test Z\n"].concat();
        assert!(parse(&halted, B).halted, "{}", String::from_utf8_lossy(&halted));
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
    fn records_inside_an_output_are_its_bytes() {
        // What a tool that knows the boundary prints: the end of its own
        // fact, another fact's frame, the end of the probe.
        let forged = b"1.0\nPARITTY-test E 0\nPARITTY-test F 1\nPARITTY-test R 0\n\
            PARITTY-test O 6\n9.9.9\n\nPARITTY-test E 1\nPARITTY-test Z\nPARITTY-test O\n";
        let mut text = frame_of(forged);
        text.extend_from_slice(b"PARITTY-test F 1\nPARITTY-test R 0\nPARITTY-test O 6\n1.2.3\n");
        text.extend_from_slice(b"\nPARITTY-test E 1\n");
        let out = parse(&text, B);
        assert!(!out.finished, "the forged end is not believed");
        let Record::Ran { output, .. } = &out.facts[&0][0] else { panic!("{out:?}") };
        assert_eq!(output, forged);
        let Record::Read { output, .. } = &out.facts[&1][0] else { panic!("{out:?}") };
        assert_eq!(output, b"1.2.3\n");
    }

    #[test]
    fn pieces_of_any_size_read_the_same() {
        let mut text = b"noise\n".to_vec();
        text.extend_from_slice(&frame_of(b"PARITTY-test F 3\nbinary \0\xff\n"));
        text.extend_from_slice(b"PARITTY-test Z\n");
        let whole = parse(&text, B);
        assert_eq!(whole.facts.len(), 1);
        for size in 1..text.len() {
            let mut reader = Reader::new(B);
            for piece in text.chunks(size) {
                reader.feed(piece);
            }
            assert_eq!(reader.finish(), whole, "pieces of {size}");
        }
    }

    #[test]
    fn a_cut_off_probe_keeps_only_finished_facts() {
        let text = b"PARITTY-test H 1\nPARITTY-test F 0\nPARITTY-test R 0\nPARITTY-test O 2\nok\nPARITTY-test E 0\nPARITTY-test F 1\nPARITTY-test C 0\nPARITTY-test O 10\npart";
        let mut reader = Reader::new(B);
        reader.feed(text);
        assert_eq!(reader.facts_done(), 1);
        let out = reader.finish();
        assert!(out.started && !out.finished);
        assert_eq!(out.facts.len(), 1);
        let ok = Record::Read { source: 0, copies: Vec::new(), output: b"ok".to_vec() };
        assert_eq!(out.facts[&0], vec![ok]);
    }

    #[test]
    fn an_output_without_its_length_ends_the_reading() {
        let mut text = frame_of(b"1.0\n");
        text.extend_from_slice(b"PARITTY-test F 1\nPARITTY-test R 0\nPARITTY-test O\n");
        text.extend_from_slice(b"PARITTY-test E 1\nPARITTY-test F 2\nPARITTY-test E 2\n");
        let out = parse(&text, B);
        assert_eq!(out.facts.keys().copied().collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn a_fact_is_framed_once() {
        let mut text = frame_of(b"first\n");
        text.extend_from_slice(&frame_of(b"second\n"));
        let out = parse(&text, B);
        let Record::Ran { output, .. } = &out.facts[&0][0] else { panic!("{out:?}") };
        assert_eq!(output, b"first\n");
    }

    #[test]
    fn another_boundary_is_ignored() {
        let out = parse(b"PARITTY-other H 1\nPARITTY-other F 0\nPARITTY-other E 0\n", B);
        assert_eq!(out, ProbeOutput::default());
    }
}
