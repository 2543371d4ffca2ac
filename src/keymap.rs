//! The key-binding vocabulary: the actions of the interactive view, the
//! keys that can name them, their defaults and the user's own bindings from
//! the `[keys]` table of paritty.toml. Terminal-free, so reading a config
//! does not depend on the UI (`tui::keys` maps terminal events onto it).

use std::collections::BTreeMap;

use std::fmt;

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Collapse/expand a category, or show the details of a fact.
    Toggle,
    NextPane,
    OnlyDiff,
    Absent,
    Search,
    NextDivergence,
    PreviousDivergence,
    Baseline,
    Refresh,
    RefreshAll,
    Export,
    Pair,
    /// The fleet view: each fact's values across the hosts, with counts.
    Fleet,
    /// The fleet view's columns: the whole fleet, or one per group.
    FleetGroups,
    /// Show or hide the `declared` column (what the app folder declares).
    Declared,
    Details,
    Help,
    Quit,
}

impl Action {
    /// Every action with its config name and what it does, in help order.
    pub const ALL: [(Action, &'static str, &'static str); 26] = [
        (Action::Up, "up", "previous fact"),
        (Action::Down, "down", "next fact"),
        (Action::Left, "left", "previous host"),
        (Action::Right, "right", "next host"),
        (Action::PageUp, "page-up", "page up"),
        (Action::PageDown, "page-down", "page down"),
        (Action::Top, "top", "first fact"),
        (Action::Bottom, "bottom", "last fact"),
        (Action::Toggle, "toggle", "fold a category / show details"),
        (Action::NextPane, "next-pane", "switch pane (table, details)"),
        (Action::OnlyDiff, "only-diff", "only differences / everything"),
        (Action::Absent, "absent", "show / hide facts no host has"),
        (Action::Search, "search", "search facts"),
        (Action::NextDivergence, "next-divergence", "next divergence"),
        (Action::PreviousDivergence, "previous-divergence", "previous divergence"),
        (Action::Baseline, "baseline", "make the selected host the baseline"),
        (Action::Refresh, "refresh", "collect the selected host again"),
        (Action::RefreshAll, "refresh-all", "collect every host again"),
        (Action::Export, "export", "export to a file"),
        (Action::Pair, "pair", "pair view: baseline vs selected host"),
        (Action::Fleet, "fleet", "fleet view: each fact's values and their hosts"),
        (Action::FleetGroups, "fleet-groups", "fleet view: a column per group / whole fleet"),
        (Action::Declared, "declared", "show / hide the app's declarations (declared column)"),
        (Action::Details, "details", "show or hide the details pane"),
        (Action::Help, "help", "this help"),
        (Action::Quit, "quit", "quit (or close a dialog)"),
    ];

    pub fn name(self) -> &'static str {
        Action::ALL.iter().find(|(a, ..)| *a == self).map_or("?", |(_, n, _)| n)
    }
}

/// A key without its kind/state noise, comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeKey,
    pub ctrl: bool,
}

/// The key codes bindings can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Tab,
    BackTab,
    Esc,
    Space,
    F(u8),
}

impl Key {
    /// Parses "q", "ctrl-c", "esc", "enter", "up", "pagedown", "f1", "space".
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let lower = text.to_ascii_lowercase();
        let (ctrl, rest) = match lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
            Some(rest) => (true, rest),
            None => (false, lower.as_str()),
        };
        let code = match rest {
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "pageup" | "page-up" | "pgup" => KeyCodeKey::PageUp,
            "pagedown" | "page-down" | "pgdn" => KeyCodeKey::PageDown,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            "enter" | "return" => KeyCodeKey::Enter,
            "tab" => KeyCodeKey::Tab,
            "backtab" | "shift-tab" => KeyCodeKey::BackTab,
            "esc" | "escape" => KeyCodeKey::Esc,
            "space" => KeyCodeKey::Space,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCodeKey::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                // A single character keeps its case: `N` is not `n`.
                let original = &text[text.len() - rest.len()..];
                let mut chars = original.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c })
                    }
                    _ => {
                        return Err(KeyError::NotAKey(text.to_owned()));
                    }
                }
            }
        };
        Ok(Key { code, ctrl })
    }

    pub fn describe(self) -> String {
        let base = match self.code {
            KeyCodeKey::Char(c) => c.to_string(),
            KeyCodeKey::Up => "↑".into(),
            KeyCodeKey::Down => "↓".into(),
            KeyCodeKey::Left => "←".into(),
            KeyCodeKey::Right => "→".into(),
            KeyCodeKey::PageUp => "PgUp".into(),
            KeyCodeKey::PageDown => "PgDn".into(),
            KeyCodeKey::Home => "Home".into(),
            KeyCodeKey::End => "End".into(),
            KeyCodeKey::Enter => "Enter".into(),
            KeyCodeKey::Tab => "Tab".into(),
            KeyCodeKey::BackTab => "S-Tab".into(),
            KeyCodeKey::Esc => "Esc".into(),
            KeyCodeKey::Space => "Space".into(),
            KeyCodeKey::F(n) => format!("F{n}"),
        };
        if self.ctrl { format!("Ctrl-{base}") } else { base }
    }
}

/// Keys to actions. Several keys may share an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let defaults: &[(&str, Action)] = &[
            ("up", Action::Up),
            ("k", Action::Up),
            ("down", Action::Down),
            ("j", Action::Down),
            ("left", Action::Left),
            ("h", Action::Left),
            ("right", Action::Right),
            ("l", Action::Right),
            ("pageup", Action::PageUp),
            ("pagedown", Action::PageDown),
            ("home", Action::Top),
            ("g", Action::Top),
            ("end", Action::Bottom),
            ("G", Action::Bottom),
            ("enter", Action::Toggle),
            ("space", Action::Toggle),
            ("tab", Action::NextPane),
            ("backtab", Action::NextPane),
            ("d", Action::OnlyDiff),
            ("a", Action::Absent),
            ("/", Action::Search),
            ("n", Action::NextDivergence),
            ("N", Action::PreviousDivergence),
            ("b", Action::Baseline),
            ("r", Action::Refresh),
            ("R", Action::RefreshAll),
            ("e", Action::Export),
            ("p", Action::Pair),
            ("v", Action::Fleet),
            ("c", Action::FleetGroups),
            ("D", Action::Declared),
            ("i", Action::Details),
            ("?", Action::Help),
            ("f1", Action::Help),
            ("q", Action::Quit),
            ("esc", Action::Quit),
            ("ctrl-c", Action::Quit),
        ];
        let bindings = defaults
            .iter()
            .filter_map(|(key, action)| Key::parse(key).ok().map(|k| (k, *action)))
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the user's `[keys]` table applied: each named
    /// action gets exactly the listed keys, taken from whatever had them.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let action = Action::ALL
                .iter()
                .find(|(_, n, _)| n == name)
                .map(|(a, ..)| *a)
                .ok_or_else(|| KeymapError::UnknownAction(name.clone()))?;
            map.bindings.retain(|_, a| *a != action);
            for key in keys {
                let key = Key::parse(key)
                    .map_err(|error| KeymapError::BadKey { action: name.clone(), error })?;
                map.bindings.insert(key, action);
            }
        }
        // Ctrl-C always quits: a keymap must never trap the user.
        map.bindings.insert(Key { code: KeyCodeKey::Char('c'), ctrl: true }, Action::Quit);
        Ok(map)
    }

    /// The action of `key`; `shifted` when the terminal reported Shift,
    /// since terminals differ on whether Shift+n arrives as 'N' or as 'n'
    /// with SHIFT: the upper-case form is looked up too.
    pub fn action(&self, key: Key, shifted: bool) -> Option<Action> {
        self.bindings.get(&key).copied().or_else(|| match key.code {
            KeyCodeKey::Char(c) if shifted => self
                .bindings
                .get(&Key { code: KeyCodeKey::Char(c.to_ascii_uppercase()), ctrl: key.ctrl })
                .copied(),
            _ => None,
        })
    }

    /// The keys bound to `action`, for help and hints ("q/Esc").
    pub fn keys_for(&self, action: Action) -> String {
        let mut bound: Vec<Key> =
            self.bindings.iter().filter(|(_, a)| **a == action).map(|(k, _)| *k).collect();
        // Plain keys first: "q/Esc/Ctrl-c", not "Ctrl-c/q/Esc".
        bound.sort_by_key(|k| k.ctrl);
        let keys: Vec<String> = bound.into_iter().map(Key::describe).collect();
        if keys.is_empty() { "unbound".into() } else { keys.join("/") }
    }
}

/// A key name that names no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    NotAKey(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NotAKey(text) => {
                write!(f, "`{text}` is not a key (try \"q\", \"ctrl-c\", \"f1\", \"pagedown\")")
            }
        }
    }
}

impl std::error::Error for KeyError {}

/// A `[keys]` table that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapError {
    UnknownAction(String),
    BadKey { action: String, error: KeyError },
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeymapError::UnknownAction(name) => {
                let names: Vec<&str> = Action::ALL.iter().map(|(_, n, _)| *n).collect();
                write!(f, "[keys]: unknown action `{name}` (actions: {})", names.join(", "))
            }
            KeymapError::BadKey { action, error } => write!(f, "[keys] {action}: {error}"),
        }
    }
}

impl std::error::Error for KeymapError {}
