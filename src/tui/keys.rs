//! Terminal key events onto the key-binding vocabulary (`crate::keymap`):
//! the one place the interactive view turns a crossterm event into an action.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::keymap::{Action, Key, KeyCodeKey, Keymap};

/// The key of a terminal event, without its kind/state noise; `None` for
/// keys no binding can name.
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    let code = match event.code {
        KeyCode::Char(' ') => KeyCodeKey::Space,
        KeyCode::Char(c) => KeyCodeKey::Char(c),
        KeyCode::Up => KeyCodeKey::Up,
        KeyCode::Down => KeyCodeKey::Down,
        KeyCode::Left => KeyCodeKey::Left,
        KeyCode::Right => KeyCodeKey::Right,
        KeyCode::PageUp => KeyCodeKey::PageUp,
        KeyCode::PageDown => KeyCodeKey::PageDown,
        KeyCode::Home => KeyCodeKey::Home,
        KeyCode::End => KeyCodeKey::End,
        KeyCode::Enter => KeyCodeKey::Enter,
        KeyCode::Tab => KeyCodeKey::Tab,
        KeyCode::BackTab => KeyCodeKey::BackTab,
        KeyCode::Esc => KeyCodeKey::Esc,
        KeyCode::F(n) => KeyCodeKey::F(n),
        _ => return None,
    };
    Some(Key { code, ctrl: event.modifiers.contains(KeyModifiers::CONTROL) })
}

/// What `event` asks for under `keymap`.
pub fn action(keymap: &Keymap, event: &KeyEvent) -> Option<Action> {
    keymap.action(key_of(event)?, event.modifiers.contains(KeyModifiers::SHIFT))
}
