//! The first entry of a tar stream, as `docker|podman cp CONTAINER:PATH -`
//! writes one file: its kind and, for a regular file, its bytes. The stream
//! comes from the container and is untrusted: sizes are checked against
//! what arrived and a cap, checksums verified, nothing is written anywhere.

/// What the stream's first entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file and its content.
    File(Vec<u8>),
    /// A symbolic link and where it points (as stored, maybe relative).
    Symlink(String),
    /// A folder, device, hard link...: not a file to read.
    Other,
}

/// Why the stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TarError {
    /// Shorter than its headers say, or no entry at all.
    Truncated,
    /// A header whose checksum or size field is not a tar header's.
    Malformed(&'static str),
    /// The file is larger than the cap (its stated size).
    TooLarge(u64),
}

impl std::fmt::Display for TarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TarError::Truncated => f.write_str("the tar stream ends early"),
            TarError::Malformed(what) => write!(f, "not a tar stream ({what})"),
            TarError::TooLarge(n) => write!(f, "the file has {n} bytes, more than paritty reads"),
        }
    }
}

const BLOCK: usize = 512;

/// Extension headers read before the entry they describe (PAX, GNU long
/// names); more than this many is not a stream `cp` writes for one file.
const MAX_EXTENSIONS: usize = 8;

/// The first entry of `stream` that is not an extension header; a file
/// larger than `max_file` bytes is refused by its stated size.
pub fn first_entry(stream: &[u8], max_file: usize) -> Result<Entry, TarError> {
    let mut at = 0;
    let mut link_name: Option<String> = None;
    for _ in 0..=MAX_EXTENSIONS {
        let header = stream.get(at..at + BLOCK).ok_or(TarError::Truncated)?;
        if header.iter().all(|&b| b == 0) {
            return Err(TarError::Truncated);
        }
        check_sum(header)?;
        let stated = size_of(header)?;
        let size = usize::try_from(stated).map_err(|_| TarError::TooLarge(stated))?;
        let data_at = at + BLOCK;
        let padded = size.div_ceil(BLOCK).checked_mul(BLOCK).ok_or(TarError::TooLarge(stated))?;
        match header[156] {
            b'0' | 0 | b'7' => {
                if size > max_file {
                    return Err(TarError::TooLarge(stated));
                }
                let end = data_at.checked_add(size).ok_or(TarError::Truncated)?;
                let data = stream.get(data_at..end).ok_or(TarError::Truncated)?;
                return Ok(Entry::File(data.to_vec()));
            }
            b'2' => {
                let target = link_name.unwrap_or_else(|| field_text(&header[157..257]));
                return Ok(Entry::Symlink(target));
            }
            // PAX attributes (`linkpath` may be there for a long target),
            // GNU long names: they describe the next header.
            b'x' | b'g' | b'K' | b'L' => {
                if size > 64 * 1024 {
                    return Err(TarError::Malformed("an extension header too large"));
                }
                let end = data_at.checked_add(size).ok_or(TarError::Truncated)?;
                let data = stream.get(data_at..end).ok_or(TarError::Truncated)?;
                match header[156] {
                    b'x' => {
                        if let Some(path) = pax_value(data, "linkpath") {
                            link_name = Some(path);
                        }
                    }
                    b'K' => link_name = Some(field_text(data)),
                    _ => {}
                }
                at = data_at.checked_add(padded).ok_or(TarError::Truncated)?;
            }
            _ => return Ok(Entry::Other),
        }
    }
    Err(TarError::Malformed("too many extension headers"))
}

/// A header's checksum: the sum of its bytes with the checksum field read
/// as spaces, stored in octal.
fn check_sum(header: &[u8]) -> Result<(), TarError> {
    let stated = octal(&header[148..156]).ok_or(TarError::Malformed("checksum field"))?;
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { u64::from(b' ') } else { u64::from(b) })
        .sum();
    if sum == stated { Ok(()) } else { Err(TarError::Malformed("checksum mismatch")) }
}

/// The size field: octal, or GNU's base-256 for large sizes.
fn size_of(header: &[u8]) -> Result<u64, TarError> {
    let field = &header[124..136];
    if field[0] & 0x80 != 0 {
        // Base-256, big-endian; more than 8 bytes of it is beyond any cap.
        if field[1..4].iter().any(|&b| b != 0) {
            return Err(TarError::TooLarge(u64::MAX));
        }
        return Ok(field[4..].iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)));
    }
    octal(field).ok_or(TarError::Malformed("size field"))
}

/// An octal number padded with spaces or NULs.
fn octal(field: &[u8]) -> Option<u64> {
    let text: &[u8] = {
        let start = field.iter().position(|&b| b != b' ' && b != 0)?;
        let rest = &field[start..];
        let end = rest.iter().position(|&b| b == b' ' || b == 0).unwrap_or(rest.len());
        &rest[..end]
    };
    if text.is_empty() || text.len() > 22 || !text.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    Some(text.iter().fold(0u64, |n, &b| (n << 3) | u64::from(b - b'0')))
}

/// A NUL-terminated text field.
fn field_text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// `key`'s value in PAX records (`LEN key=value\n`).
fn pax_value(data: &[u8], key: &str) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.lines().find_map(|line| {
        let (_, record) = line.split_once(' ')?;
        let (k, v) = record.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ustar header for `name` of `kind` with `size` bytes and a link.
    fn header(name: &str, kind: u8, size: usize, link: &str) -> Vec<u8> {
        let mut h = vec![0u8; BLOCK];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..107].copy_from_slice(b"0000644");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[156] = kind;
        h[157..157 + link.len()].copy_from_slice(link.as_bytes());
        h[257..263].copy_from_slice(b"ustar\0");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }

    fn stream(parts: &[(&str, u8, &[u8], &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, kind, data, link) in parts {
            out.extend(header(name, *kind, data.len(), link));
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
        }
        out.extend([0u8; 2 * BLOCK]);
        out
    }

    #[test]
    fn reads_a_file_a_link_and_refuses_what_is_not_a_stream() {
        let file = stream(&[("os-release", b'0', b"ID=debian\n", "")]);
        assert_eq!(first_entry(&file, 1024), Ok(Entry::File(b"ID=debian\n".to_vec())));
        assert_eq!(first_entry(&file, 4), Err(TarError::TooLarge(10)));
        // Cut inside the content: what the header promises is not there.
        assert_eq!(first_entry(&file[..BLOCK + 4], 1024), Err(TarError::Truncated));
        let link = stream(&[("os-release", b'2', b"", "../usr/lib/os-release")]);
        assert_eq!(first_entry(&link, 1024), Ok(Entry::Symlink("../usr/lib/os-release".into())));
        let dir = stream(&[("etc", b'5', b"", "")]);
        assert_eq!(first_entry(&dir, 1024), Ok(Entry::Other));
        let mut bad = file.clone();
        bad[0] = b'X';
        assert_eq!(first_entry(&bad, 1024), Err(TarError::Malformed("checksum mismatch")));
        assert_eq!(first_entry(b"not a tar", 1024), Err(TarError::Truncated));
        assert_eq!(first_entry(&[0u8; 1024], 1024), Err(TarError::Truncated));
    }

    #[test]
    fn extension_headers_are_skipped_and_a_pax_link_target_wins() {
        let pax = b"32 linkpath=/usr/lib/os-release\n";
        let s = stream(&[("PaxHeader", b'x', pax, ""), ("os-release", b'2', b"", "short")]);
        assert_eq!(first_entry(&s, 1024), Ok(Entry::Symlink("/usr/lib/os-release".into())));
        let s = stream(&[("././@LongLink", b'L', b"a/long/name", ""), ("x", b'0', b"hi", "")]);
        assert_eq!(first_entry(&s, 1024), Ok(Entry::File(b"hi".to_vec())));
        let many: Vec<(&str, u8, &[u8], &str)> = vec![("p", b'x', b"", ""); 20];
        assert_eq!(
            first_entry(&stream(&many), 1024),
            Err(TarError::Malformed("too many extension headers"))
        );
    }
}
