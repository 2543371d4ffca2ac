//! The little BSON paritty needs: writing a flat command document, reading a reply's top-level fields.
//!
//! A document is its total length (i32, little-endian), elements (a type
//! byte, a NUL-ended name, the value) and a NUL. Nested documents and
//! arrays carry their own length, so reading the top level never recurses.

use super::wire::{Cursor, Malformed};

/// A top-level value, as far as paritty looks at one.
#[derive(Debug, PartialEq)]
pub(super) enum Value<'a> {
    Text(&'a [u8]),
    Double(f64),
    Int(i64),
    Other,
}

/// A document's top-level fields, by name.
pub(super) type Fields<'a> = Vec<(&'a [u8], Value<'a>)>;

/// A document of `(name, value)` pairs, for a command.
pub(super) fn document(fields: &[(&str, Value)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        let (kind, bytes) = match value {
            Value::Text(text) => {
                let mut bytes =
                    u32::try_from(text.len() + 1).unwrap_or(u32::MAX).to_le_bytes().to_vec();
                bytes.extend_from_slice(text);
                bytes.push(0);
                (0x02, bytes)
            }
            Value::Double(n) => (0x01, n.to_le_bytes().to_vec()),
            // int32 where it fits, as drivers write `{buildInfo: 1}`.
            Value::Int(n) => match i32::try_from(*n) {
                Ok(small) => (0x10, small.to_le_bytes().to_vec()),
                Err(_) => (0x12, n.to_le_bytes().to_vec()),
            },
            Value::Other => (0x0a, Vec::new()),
        };
        body.push(kind);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
        body.extend_from_slice(&bytes);
    }
    let mut doc = u32::try_from(body.len() + 5).unwrap_or(u32::MAX).to_le_bytes().to_vec();
    doc.extend_from_slice(&body);
    doc.push(0);
    doc
}

/// The document at the start of `bytes` and how long it is: its
/// top-level fields, each value checked to lie within it.
pub(super) fn read(bytes: &[u8]) -> Result<(Fields<'_>, usize), Malformed> {
    let mut outer = Cursor::new(bytes);
    let len = outer.le_u32()? as usize;
    if len < 5 {
        return Err(Malformed("a BSON document shorter than its frame"));
    }
    let body = &outer.bytes(len - 4)?[..len - 5];
    if bytes[len - 1] != 0 {
        return Err(Malformed("a BSON document without its end"));
    }
    let mut cursor = Cursor::new(body);
    let mut fields = Vec::new();
    while !cursor.is_empty() {
        let kind = cursor.u8()?;
        let name = cursor.c_string()?;
        fields.push((name, value(&mut cursor, kind)?));
    }
    Ok((fields, len))
}

fn value<'a>(cursor: &mut Cursor<'a>, kind: u8) -> Result<Value<'a>, Malformed> {
    let skip = |cursor: &mut Cursor<'a>, n: usize| cursor.bytes(n).map(|_| Value::Other);
    match kind {
        0x01 => Ok(Value::Double(f64::from_le_bytes(cursor.array()?))),
        0x02 => Ok(Value::Text(string(cursor)?)),
        0x0d | 0x0e => string(cursor).map(|_| Value::Other),
        0x03 | 0x04 | 0x0f => {
            // Embedded document, array, code with scope: their length counts itself.
            let len = cursor.le_u32()? as usize;
            skip(cursor, len.checked_sub(4).ok_or(Malformed("a BSON length too small"))?)
        }
        0x05 => {
            let len = cursor.le_u32()? as usize;
            skip(cursor, len.checked_add(1).ok_or(Malformed("a BSON length too large"))?)
        }
        0x06 | 0x0a | 0x7f | 0xff => Ok(Value::Other),
        0x07 => skip(cursor, 12),
        0x08 => skip(cursor, 1),
        0x09 | 0x11 => skip(cursor, 8),
        0x12 => Ok(Value::Int(i64::from_le_bytes(cursor.array()?))),
        0x10 => Ok(Value::Int(i64::from(i32::from_le_bytes(cursor.array()?)))),
        0x13 => skip(cursor, 16),
        0x0b => {
            cursor.c_string()?;
            cursor.c_string().map(|_| Value::Other)
        }
        0x0c => {
            string(cursor)?;
            skip(cursor, 12)
        }
        _ => Err(Malformed("a BSON value of an unknown type")),
    }
}

/// A BSON string: its length with the NUL, the bytes, the NUL (not returned).
fn string<'a>(cursor: &mut Cursor<'a>) -> Result<&'a [u8], Malformed> {
    let len = cursor.le_u32()? as usize;
    let with_nul = cursor.bytes(len)?;
    match with_nul.split_last() {
        Some((0, text)) => Ok(text),
        _ => Err(Malformed("a BSON string without its end")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_back() {
        let doc = document(&[("buildInfo", Value::Int(1)), ("$db", Value::Text(b"admin"))]);
        let (fields, len) = read(&doc).expect("valid");
        assert_eq!(len, doc.len());
        assert_eq!(
            fields,
            vec![(&b"buildInfo"[..], Value::Int(1)), (&b"$db"[..], Value::Text(b"admin"))]
        );
    }

    #[test]
    fn lengths_that_lie_are_refused() {
        let mut doc = document(&[("version", Value::Text(b"7.0.15"))]);
        doc[12] = 0xff; // the string's length
        assert!(read(&doc).is_err());
        assert!(read(&[0xff, 0xff, 0xff, 0x7f, 0]).is_err());
        assert!(read(&[4, 0, 0, 0]).is_err());
    }
}
