//! AMQP 0-9-1 field tables, read boundedly: every length checked, nesting and entries capped.
//!
//! The value types are RabbitMQ's (its errata to the 0-9-1 spec): `t` bool,
//! `b`/`B` 8-bit, `s`/`u` 16-bit, `I`/`i` 32-bit, `l` 64-bit, `f` float,
//! `d` double, `D` decimal, `S` long string, `x` byte array, `A` array,
//! `T` timestamp, `F` table, `V` void.

use super::wire::{Cursor, Malformed};

/// Tables inside tables or arrays deeper than this are refused (RabbitMQ's own nest one deep).
const MAX_DEPTH: usize = 8;
/// Entries read in all, nested ones included.
const MAX_ENTRIES: usize = 4096;

/// A value, as far as paritty looks at one: long strings, and everything else.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Field<'a> {
    Text(&'a [u8]),
    Other,
}

/// The top-level entries of the table at the cursor (nested ones are read, checked and left out).
pub(super) fn read<'a>(cursor: &mut Cursor<'a>) -> Result<Vec<(String, Field<'a>)>, Malformed> {
    let mut budget = MAX_ENTRIES;
    let body = sized(cursor)?;
    let mut inner = Cursor::new(body);
    let mut entries = Vec::new();
    while !inner.is_empty() {
        let (name, field) = entry(&mut inner, 0, &mut budget)?;
        entries.push((name, field));
    }
    Ok(entries)
}

/// A 4-byte length and that many bytes.
fn sized<'a>(cursor: &mut Cursor<'a>) -> Result<&'a [u8], Malformed> {
    let len = cursor.be_u32()? as usize;
    cursor.bytes(len)
}

fn entry<'a>(
    cursor: &mut Cursor<'a>,
    depth: usize,
    budget: &mut usize,
) -> Result<(String, Field<'a>), Malformed> {
    *budget = budget.checked_sub(1).ok_or(Malformed("a field table with too many entries"))?;
    let len = usize::from(cursor.u8()?);
    let name = String::from_utf8_lossy(cursor.bytes(len)?).into_owned();
    Ok((name, value(cursor, depth, budget)?))
}

fn value<'a>(
    cursor: &mut Cursor<'a>,
    depth: usize,
    budget: &mut usize,
) -> Result<Field<'a>, Malformed> {
    let skip = |cursor: &mut Cursor<'a>, n: usize| cursor.bytes(n).map(|_| Field::Other);
    match cursor.u8()? {
        b'V' => Ok(Field::Other),
        b't' | b'b' | b'B' => skip(cursor, 1),
        b's' | b'u' => skip(cursor, 2),
        b'I' | b'i' | b'f' => skip(cursor, 4),
        b'D' => skip(cursor, 5),
        b'l' | b'd' | b'T' => skip(cursor, 8),
        b'S' => Ok(Field::Text(sized(cursor)?)),
        b'x' => sized(cursor).map(|_| Field::Other),
        b'F' | b'A' if depth + 1 >= MAX_DEPTH => Err(Malformed("field tables nested too deep")),
        b'F' => {
            let mut inner = Cursor::new(sized(cursor)?);
            while !inner.is_empty() {
                entry(&mut inner, depth + 1, budget)?;
            }
            Ok(Field::Other)
        }
        b'A' => {
            let mut inner = Cursor::new(sized(cursor)?);
            while !inner.is_empty() {
                *budget = budget.checked_sub(1).ok_or(Malformed("a field array too long"))?;
                value(&mut inner, depth + 1, budget)?;
            }
            Ok(Field::Other)
        }
        _ => Err(Malformed("a field of an unknown type")),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// `bytes` with its 4-byte length before it.
    pub(in super::super) fn sized(bytes: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(bytes.len()).expect("small").to_be_bytes().to_vec();
        out.extend_from_slice(bytes);
        out
    }

    /// Appends one entry (name, type, encoded value) to a table body.
    pub(in super::super) fn entry(table: &mut Vec<u8>, name: &str, kind: u8, value: &[u8]) {
        table.push(u8::try_from(name.len()).expect("short name"));
        table.extend_from_slice(name.as_bytes());
        table.push(kind);
        table.extend_from_slice(value);
    }

    #[test]
    fn every_type_is_skipped_by_its_size() {
        let mut body = Vec::new();
        entry(&mut body, "a", b'l', &[0; 8]);
        entry(&mut body, "b", b'D', &[0; 5]);
        entry(&mut body, "c", b'A', &sized(&[b'I', 0, 0, 0, 1, b'V']));
        entry(&mut body, "d", b'x', &sized(b"\x00\x01"));
        entry(&mut body, "e", b'S', &sized(b"text"));
        let table = sized(&body);
        let entries = read(&mut Cursor::new(&table)).expect("valid");
        assert_eq!(entries.len(), 5);
        assert_eq!(entries[4], ("e".to_owned(), Field::Text(b"text")));
    }

    #[test]
    fn deep_nesting_and_lies_are_refused() {
        let mut inner = sized(&[]);
        for _ in 0..20 {
            let mut body = Vec::new();
            entry(&mut body, "n", b'F', &inner);
            inner = sized(&body);
        }
        assert!(read(&mut Cursor::new(&inner)).is_err());
        let mut body = Vec::new();
        entry(&mut body, "s", b'S', &[0xff, 0xff, 0xff, 0xff, b'x']);
        assert!(read(&mut Cursor::new(&sized(&body))).is_err());
    }
}
