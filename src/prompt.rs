//! Questions for the person at the terminal: trusting an unknown host key,
//! a key's passphrase. Only asked when standard input and error are both a
//! terminal; answers are never stored.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use crate::collect::ssh::auth::PassphrasePrompt;
use crate::collect::ssh::connect::HostKeyPrompt;
use crate::output::sanitize::one_line;
use crate::progress::TerminalLock;

pub struct TerminalPrompt {
    pub lock: TerminalLock,
}

impl TerminalPrompt {
    /// A prompt when there is a terminal to ask on.
    pub fn if_terminal(lock: TerminalLock) -> Option<Self> {
        (std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
            .then_some(TerminalPrompt { lock })
    }
}

impl HostKeyPrompt for TerminalPrompt {
    fn accept(&self, host: &str, key_type: &str, fingerprint: &str) -> bool {
        let _guard = self.lock.lock();
        let mut err = std::io::stderr().lock();
        let host = one_line(host);
        let _ = write!(
            err,
            "The authenticity of host '{host}' can't be established.\n{key_type} key fingerprint is \
             {fingerprint}.\nTrust it and add it to known_hosts? (yes/no) "
        );
        let _ = err.flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        matches!(answer.trim(), "yes" | "y")
    }
}

impl PassphrasePrompt for TerminalPrompt {
    fn passphrase(&self, key: &Path) -> Option<String> {
        let _guard = self.lock.lock();
        let mut err = std::io::stderr().lock();
        // An IdentityFile from ssh_config: text from outside.
        let _ = write!(err, "Enter passphrase for key '{}': ", one_line(&key.to_string_lossy()));
        let _ = err.flush();
        let read = read_hidden();
        let _ = writeln!(err);
        read
    }
}

/// A line typed with echo off (crossterm's raw mode), restored afterwards.
fn read_hidden() -> Option<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode().ok()?;
    let mut line = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Enter => break Some(line),
                KeyCode::Esc => break None,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => break None,
                KeyCode::Backspace => {
                    line.pop();
                }
                KeyCode::Char(c) => line.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(_) => break None,
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    result
}
