//! The version number in what a server calls its version, without the packaging around it.

use super::AskError;
use super::wire;

/// The longest version kept (a real one is a dozen characters).
const MAX_VERSION: usize = 64;

/// The version at the start of `told`: up to the first space, and up to the
/// first `-` too when `cut_at_dash` (MySQL and MariaDB append their build:
/// "10.11.6-MariaDB-0+deb12u1", "8.0.36-0ubuntu0.22.04.1"; other servers'
/// dashes are part of the version: MongoDB's "7.0.0-rc1"). It must start
/// with a digit and hold only the characters versions use.
pub(super) fn leading(told: &str, cut_at_dash: bool) -> Result<String, AskError> {
    let token = told.trim().split([' ', '(']).next().unwrap_or_default();
    let token = if cut_at_dash { token.split('-').next().unwrap_or_default() } else { token };
    let fits = token.len() <= MAX_VERSION
        && token.starts_with(|c: char| c.is_ascii_digit())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '~' | '_'));
    if fits {
        Ok(token.to_owned())
    } else {
        Err(AskError::Protocol(format!("not a version: {}", wire::excerpt(told.as_bytes()))))
    }
}

/// A service's name as a server gives it ("RabbitMQ", "valkey"): lower case,
/// letters, digits, `-` and `_` only, short.
pub(super) fn service_name(told: &str) -> Option<String> {
    let name = told.trim().to_ascii_lowercase();
    let fits = !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    fits.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packaging_is_left_out() {
        assert_eq!(leading("16.4 (Debian 16.4-1.pgdg120+1)", false).as_deref(), Ok("16.4"));
        assert_eq!(leading("15.18 (Debian 15.18-0+deb12u1)", false).as_deref(), Ok("15.18"));
        assert_eq!(leading("17devel", false).as_deref(), Ok("17devel"));
        assert_eq!(leading("10.11.6-MariaDB-0+deb12u1", true).as_deref(), Ok("10.11.6"));
        assert_eq!(leading("8.0.36-0ubuntu0.22.04.1", true).as_deref(), Ok("8.0.36"));
        assert_eq!(leading("7.0.0-rc1", false).as_deref(), Ok("7.0.0-rc1"));
    }

    #[test]
    fn what_is_no_version_is_refused() {
        for told in ["", "v7", "HTTP/1.1", "7.0\x1b[2J", "1.2;rm -rf"] {
            assert!(leading(told, false).is_err(), "{told:?}");
        }
    }

    #[test]
    fn names_are_plain_words() {
        assert_eq!(service_name("RabbitMQ").as_deref(), Some("rabbitmq"));
        assert_eq!(service_name("valkey").as_deref(), Some("valkey"));
        assert_eq!(service_name("evil\x1b]0;x"), None);
        assert_eq!(service_name(""), None);
    }
}
