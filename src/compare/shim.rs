//! Version managers behind a tool: a program found in a manager's shims
//! folder (mise, asdf, pyenv, nodenv, rbenv) answers with the version the
//! project's files pin, so the details can say which manager and which
//! file chose it. Pure: read from where the tool was found.

/// A version manager and the files in an app folder it reads, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manager {
    pub name: &'static str,
    pub files: &'static [&'static str],
}

const MANAGERS: &[(&str, Manager)] = &[
    (
        "/mise/shims/",
        Manager { name: "mise", files: &["mise.toml", ".mise.toml", ".tool-versions"] },
    ),
    ("/.asdf/shims/", Manager { name: "asdf", files: &[".tool-versions"] }),
    ("/.pyenv/shims/", Manager { name: "pyenv", files: &[".python-version"] }),
    ("/.nodenv/shims/", Manager { name: "nodenv", files: &[".node-version"] }),
    ("/.rbenv/shims/", Manager { name: "rbenv", files: &[".ruby-version"] }),
];

/// The manager whose shim `found_at` is, if it is one.
pub fn manager(found_at: &str) -> Option<Manager> {
    MANAGERS.iter().find(|(folder, _)| found_at.contains(folder)).map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shims_are_known_by_their_folder() {
        assert_eq!(manager("/root/.pyenv/shims/python3").map(|m| m.name), Some("pyenv"));
        assert_eq!(
            manager("/home/me/.local/share/mise/shims/node").map(|m| m.files),
            Some(&["mise.toml", ".mise.toml", ".tool-versions"][..])
        );
        assert_eq!(manager("/usr/bin/python3"), None);
        assert_eq!(manager("/home/me/.pyenv/versions/3.12.1/bin/python3"), None);
    }
}
