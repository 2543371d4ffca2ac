//! The TOML shape of a profile file. Unknown keys are refused so a typo is an
//! error, not a silently ignored setting.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub profile: Spanned<RawHeader>,
    #[serde(default)]
    pub fact: Vec<Spanned<RawFact>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub extends: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: Spanned<String>,
    pub label: String,
    pub category: String,
    pub compare: Spanned<String>,
    #[serde(default)]
    pub informational: bool,
    pub parser: Option<Spanned<String>>,
    pub regex: Option<Spanned<String>>,
    pub sources: Spanned<Vec<Spanned<RawSource>>>,
    /// The server programs whose running processes are this fact's too
    /// (`service.*`: running vs installed).
    pub running: Option<Spanned<RawRunning>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRunning {
    /// File names of the server's executable (`redis-server`).
    pub programs: Vec<String>,
    /// Only processes whose command line matches; its first group, if any,
    /// is the version (RabbitMQ's `rabbitmq_server-X.Y.Z` folder).
    pub cmdline: Option<Spanned<String>>,
    /// What the running executable is asked its version with; default the
    /// arguments of the fact's first command.
    pub args: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub cmd: Option<Vec<String>>,
    pub file: Option<String>,
    pub key: Option<String>,
    /// With `file`: the file is relative to where this program really lives
    /// (symlinks resolved), e.g. npm's `../package.json`.
    pub near: Option<String>,
    pub env: Option<String>,
    pub builtin: Option<String>,
    pub parser: Option<Spanned<String>>,
    pub regex: Option<Spanned<String>>,
    /// Output matching this regex means "not installed here" (a launcher
    /// that exists without the thing it launches): try the next source.
    pub absent_if: Option<Spanned<String>>,
    /// In the target's app folder: a command runs there, a relative
    /// `file` is read from there; absent where the target names none.
    #[serde(default)]
    pub app: bool,
}
