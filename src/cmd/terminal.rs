//! The terminal: entering raw mode and the alternate screen, and one
//! idempotent way back out, used by the guard's `Drop`, the panic hook and
//! the signal path alike.

use std::io::{self, Stdout, stdout};
use std::sync::Once;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal the wizard draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Leaves raw mode and the alternate screen, turns bracketed paste off and
/// shows the cursor. Safe to call any number of times, from any thread.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
}

/// Owns the terminal while the wizard runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen (no mouse capture).
    ///
    /// # Errors
    /// When the terminal refuses raw mode or the escape sequences.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
        match entered {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Chains a hook that restores the terminal before the previous hook
/// prints, then ends the process: a panic anywhere, a background task
/// included, is fatal. Answers are already on disk (saved after each change).
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            std::process::exit(crate::util::exit::Exit::Panic.code().into());
        }));
    });
}
