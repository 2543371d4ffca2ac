//! A password read from the app's configuration, kept out of every log, error and export.

use std::fmt;

use zeroize::Zeroize;

/// A password read from the app's configuration: never printed (`Debug`
/// shows `***`, there is no `Display`), never serialized (no `Serialize`),
/// and wiped from memory when dropped. `expose` is the one way to its text,
/// for the code that sends it to the service it belongs to.
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Self {
        Secret(text)
    }

    /// The password itself: only for sending it to its service.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_password() {
        let secret = Secret::new("hunter2-planted".to_owned());
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(***)");
        assert_eq!(secret.expose(), "hunter2-planted");
    }
}
