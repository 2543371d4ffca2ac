//! The probe's list of a host's server processes read back (untrusted: a
//! line that is not what the probe writes is skipped, never guessed at),
//! and the versions their executables answered, from the records of the
//! probe's running section (`probe::script::running_fact`).
//!
//! Its output 0 is the list: a first line `P 1` (processes observable:
//! /proc) or `P 0`, then a line per process,
//! `K<TAB>PID<TAB>PPID<TAB>SAME<TAB>OWN<TAB>EXE<TAB>CMDLINE`: `K` the
//! output that holds its executable's answer (0: not asked), `SAME` 1, 0 or
//! `-` (the path still names the running file, or not, or unknown), `OWN`
//! 1 when the running file is root's or the probe's user's and writable by
//! no one else (else 0), `EXE` `-` where it may not be read.

use std::collections::BTreeMap;

use super::{Answer, CMDLINE_BYTES, Seen};
use crate::probe::frame::Record;

/// The most of a list read.
const MAX_LIST_BYTES: usize = 1 << 20;

/// What the probe saw.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Whether the host has a /proc to see processes in.
    pub observable: bool,
    pub seen: Vec<Seen>,
    pub answers: BTreeMap<u32, Answer>,
}

/// The list and answers from the running section's records.
pub fn read(records: &[Record]) -> Listing {
    let outputs: BTreeMap<usize, (&[u8], bool)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Ran { source, output, killed, .. } => Some((*source, (&output[..], *killed))),
            Record::Read { source, output, .. } => Some((*source, (&output[..], false))),
            Record::Absent { .. } => None,
        })
        .collect();
    let Some((list, _)) = outputs.get(&0) else { return Listing::default() };
    // A list is a few lines per server; more than this is not the probe's.
    let list = &list[..list.len().min(MAX_LIST_BYTES)];
    let (observable, lines) = parse_list(&String::from_utf8_lossy(list));
    let mut listing = Listing { observable, ..Listing::default() };
    for (k, seen) in lines {
        if k > 0
            && let Some((output, killed)) = outputs.get(&k)
        {
            let output = String::from_utf8_lossy(output).into_owned();
            listing.answers.insert(seen.pid, Answer { output, timed_out: *killed });
        }
        listing.seen.push(seen);
    }
    listing
}

/// The list's text: whether processes were observable, and each line's
/// output index and process.
pub fn parse_list(text: &str) -> (bool, Vec<(usize, Seen)>) {
    let mut lines = text.lines();
    let observable = lines.next() == Some("P 1");
    if !observable {
        return (false, Vec::new());
    }
    let mut out: Vec<(usize, Seen)> = Vec::new();
    for line in lines.take(4096) {
        let mut fields = line.splitn(7, '\t');
        let (Some(k), Some(pid), Some(parent), Some(same), Some(own), Some(exe), Some(cmdline)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        let (Ok(k), Ok(pid), Ok(parent)) = (k.parse(), pid.parse(), parent.parse()) else {
            continue;
        };
        let same_file = match same {
            "1" => Some(true),
            "0" => Some(false),
            "-" => None,
            _ => continue,
        };
        let runnable = match own {
            "1" => true,
            "0" => false,
            _ => continue,
        };
        // Only an absolute path is an executable's link; `-`: not readable.
        let exe = match exe {
            "-" => None,
            e if e.starts_with('/') => Some(e.to_owned()),
            _ => continue,
        };
        if out.iter().any(|(_, s)| s.pid == pid) {
            continue;
        }
        let cmdline = crate::output::sanitize::cap(cmdline.to_owned(), CMDLINE_BYTES);
        out.push((k, Seen { pid, ppid: parent, exe, same_file, runnable, cmdline }));
    }
    (true, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_and_garbage_is_skipped() {
        let text = "P 1\n\
            2\t812\t1\t0\t0\t/tmp/x/redis-server (deleted)\t/tmp/x/redis-server 127.0.0.1:6379\n\
            0\t900\t1\t-\t0\t-\tpostgres -D /srv\n\
            0\t904\t1\t-\t0\t\tpostgres -D /srv\n\
            not a line\n\
            1\tx\t1\t1\t1\t/usr/bin/nginx\tnginx\n\
            1\t901\t1\t7\t1\t/usr/bin/nginx\tnginx\n\
            1\t902\t1\t1\t1\trelative\tnginx\n\
            1\t903\t1\t1\t1\t/usr/sbin/nginx\n            1\t905\t1\t1\tyes\t/usr/sbin/nginx\tnginx\n\
            3\t812\t1\t1\t1\t/usr/bin/again\tagain\n\
            \u{1b}[31m\t\t\t\n";
        let (observable, lines) = parse_list(text);
        assert!(observable);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].0, 2);
        assert_eq!(lines[0].1.pid, 812);
        assert_eq!(lines[0].1.same_file, Some(false));
        assert_eq!(lines[0].1.exe.as_deref(), Some("/tmp/x/redis-server (deleted)"));
        assert_eq!(lines[1].1.exe, None);
        assert_eq!(lines[1].1.same_file, None);
        assert!(!lines[0].1.runnable && !lines[1].1.runnable);
    }

    #[test]
    fn no_proc_or_no_header_is_unobservable() {
        assert_eq!(parse_list("P 0\n1\t2\t1\t1\t1\t/x\tx\n"), (false, Vec::new()));
        assert_eq!(parse_list("1\t2\t1\t1\t1\t/x\tx\n"), (false, Vec::new()));
        assert_eq!(parse_list(""), (false, Vec::new()));
        assert_eq!(read(&[]), Listing::default());
    }

    #[test]
    fn answers_go_to_their_process() {
        let records = vec![
            Record::Read {
                source: 0,
                copies: Vec::new(),
                output:
                    b"P 1\n1\t10\t1\t1\t1\t/bin/memcached\tmemcached\n0\t11\t1\t1\t1\t/bin/m\tm\n"
                        .to_vec(),
            },
            Record::Ran {
                source: 1,
                copies: Vec::new(),
                exit_code: None,
                killed: true,
                output: b"memcached 1.6.18\n".to_vec(),
            },
        ];
        let listing = read(&records);
        assert!(listing.observable);
        assert_eq!(listing.seen.len(), 2);
        assert_eq!(
            listing.answers.get(&10),
            Some(&Answer { output: "memcached 1.6.18\n".into(), timed_out: true })
        );
        assert!(!listing.answers.contains_key(&11));
    }
}
