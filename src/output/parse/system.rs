//! Parsers for system facts: the C library and the amount of memory.

use std::sync::LazyLock;

use regex::Regex;

use super::{capture, regex};

static GLIBC_LDD: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?m)^\s*ldd \(.*(?:GLIBC|GNU libc|EGLIBC).*\) (\d+\.\d+(?:\.\d+)?)\s*$")
});
static GLIBC_GETCONF: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*glibc (\d+\.\d+(?:\.\d+)?)\s*$"));
static MUSL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*musl libc\b.*\n\s*Version (\d+\.\d+\.\d+)"));

/// `ldd --version`, naming the C library with its version:
/// `ldd (Debian GLIBC 2.36-9+deb12u4) 2.36` -> `glibc 2.36`,
/// `ldd (GNU libc) 2.39` -> `glibc 2.39`, musl's loader banner
/// (`musl libc (x86_64)` / `Version 1.2.4`) -> `musl 1.2.4`. Also takes
/// `getconf GNU_LIBC_VERSION`'s `glibc 2.36`.
pub fn libc(raw: &str) -> Option<String> {
    if let Some(v) = capture(&GLIBC_LDD, raw).or_else(|| capture(&GLIBC_GETCONF, raw)) {
        return Some(format!("glibc {v}"));
    }
    capture(&MUSL, raw).map(|v| format!("musl {v}"))
}

static MEMTOTAL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^\s*MemTotal:\s*(\d+)\s*kB\s*$"));
static MEMSIZE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^\s*hw\.memsize:\s*(\d+)\s*$"));
static BYTES: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*(\d+)\s*$"));
static GIB: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*(\d+\.\d) GiB\s*$"));

const GIB_BYTES: u128 = 1 << 30;

/// Total memory in GiB with one decimal (`23.4 GiB`), from a byte count
/// (the local built-in, macOS `sysctl -n hw.memsize`), a `/proc/meminfo`
/// `MemTotal:  24576000 kB` line or the whole file, or `sysctl hw.memsize`.
/// A value already in that form is returned as it is.
pub fn memory(raw: &str) -> Option<String> {
    let bytes: u128 = if let Some(kib) = capture(&MEMTOTAL, raw) {
        kib.parse::<u128>().ok()?.checked_mul(1024)?
    } else if let Some(b) = capture(&MEMSIZE, raw).or_else(|| capture(&BYTES, raw)) {
        b.parse().ok()?
    } else {
        return capture(&GIB, raw).map(|g| format!("{g} GiB"));
    };
    let tenths = bytes.checked_mul(10)?.checked_add(GIB_BYTES / 2)? / GIB_BYTES;
    Some(format!("{}.{} GiB", tenths / 10, tenths % 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_rounds_to_a_tenth_and_is_idempotent() {
        let cases = [
            ("MemTotal:       24576000 kB", Some("23.4 GiB")),
            ("25769803776", Some("24.0 GiB")),
            ("17179869184\n", Some("16.0 GiB")),
            ("hw.memsize: 8589934592", Some("8.0 GiB")),
            ("0", Some("0.0 GiB")),
            ("23.4 GiB", Some("23.4 GiB")),
            ("lots", None),
            ("-5", None),
            ("99999999999999999999999999999999999999999999", None),
            ("99999999999999999999999999999999999999", None),
        ];
        for (raw, want) in cases {
            assert_eq!(memory(raw).as_deref(), want, "{raw:?}");
        }
        let local = memory("25276502016");
        assert_eq!(local, memory("MemTotal:       24684084 kB"));
        assert_eq!(local.as_deref().and_then(memory), local);
    }

    #[test]
    fn libc_from_getconf_and_eglibc() {
        assert_eq!(libc("glibc 2.36\n").as_deref(), Some("glibc 2.36"));
        assert_eq!(
            libc("ldd (Ubuntu EGLIBC 2.19-0ubuntu6.15) 2.19").as_deref(),
            Some("glibc 2.19")
        );
        assert_eq!(libc("ldd: missing file arguments"), None);
    }
}
