//! Keybindings as data, one table per screen. The same table decides what
//! a key does and draws the footer hints (and, for the main screen, fills
//! the help overlay), so they cannot disagree. Ctrl-C quits from every
//! screen and is handled once, in `update`.

mod main_screen;
mod screens;

pub use main_screen::{BINDINGS, Binding, command_for, fitting_footer, footer_bindings};
pub use screens::*;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the operator asked for, independent of the key that asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SwitchPane,
    Open,
    Back,
    MarkDone,
    MarkNotDone,
    MarkNotApplicable,
    Waive,
    Reopen,
    EditNote,
    NextOpen,
    NextSection,
    PrevSection,
    Overview,
    Help,
    Quit,
    Accept,
    Rerun,
    Urls,
    /// Active verification: list the requests, send after a confirmation.
    Verify,
    Log,
    Search,
    Mapping,
    Generate,
    SignOff,
    Rereview,
    /// Take back the last change to an item.
    Undo,
    // In forms and other screens:
    /// Confirm the form (Enter).
    Save,
    /// Leave the form without changing anything.
    Cancel,
    NextField,
    PrevField,
    /// Edit the selected field.
    Edit,
    /// Render the generated files from the answers.
    Render,
    /// Ask to write the generated files.
    Write,
    /// Back from the generated files to the answers.
    EditAnswers,
    /// Yes, write.
    Confirm,
    /// Dismiss a notice or a view.
    Continue,
    ChooseProduction,
    ChooseDotEnv,
}

impl Command {
    /// Every command, for checks that the key tables cover them all.
    pub const ALL: [Command; 44] = [
        Command::Verify,
        Command::Undo,
        Command::Log,
        Command::Search,
        Command::Mapping,
        Command::Save,
        Command::Cancel,
        Command::NextField,
        Command::PrevField,
        Command::Edit,
        Command::Render,
        Command::Write,
        Command::EditAnswers,
        Command::Confirm,
        Command::Continue,
        Command::ChooseProduction,
        Command::ChooseDotEnv,
        Command::SignOff,
        Command::Rereview,
        Command::Generate,
        Command::Urls,
        Command::Accept,
        Command::Rerun,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::SwitchPane,
        Command::Open,
        Command::Back,
        Command::MarkDone,
        Command::MarkNotDone,
        Command::MarkNotApplicable,
        Command::Waive,
        Command::Reopen,
        Command::EditNote,
        Command::NextOpen,
        Command::NextSection,
        Command::PrevSection,
        Command::Overview,
        Command::Help,
        Command::Quit,
    ];
}

/// True for Ctrl-C, which quits from every screen.
pub fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// One row of a screen's key table: the keys, what each does there, and
/// how the footer names them.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// How the keys are written in the footer.
    pub label: &'static str,
    /// The footer's word; empty keeps the row out of the footer.
    pub hint: &'static str,
    pub keys: Keys,
}

/// The keys of a row.
#[derive(Debug, Clone, Copy)]
pub enum Keys {
    /// These keys, each with its command.
    These(&'static [(KeyCode, Command)]),
    /// Every key no other row of the table takes (with any modifier).
    Any(Command),
}

/// The command a key means on a form: a row that names the key (whatever
/// its modifiers: Alt-Enter still submits), else the table's `Any` row;
/// `None` lets a text field have the key.
pub fn lookup(table: &[Row], key: &KeyEvent) -> Option<Command> {
    find(table, key, true)
}

/// The command a key means on a screen that moves like the main one
/// (overview, help, re-review): as [`lookup`], but a key with Ctrl, Alt
/// or Super names nothing, as on the main screen ([`command_for`]).
pub fn lookup_plain(table: &[Row], key: &KeyEvent) -> Option<Command> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER);
    find(table, key, plain)
}

fn find(table: &[Row], key: &KeyEvent, named_ok: bool) -> Option<Command> {
    let named = table.iter().find_map(|r| match r.keys {
        Keys::These(keys) if named_ok => keys.iter().find(|(k, _)| *k == key.code).map(|(_, c)| *c),
        _ => None,
    });
    named.or_else(|| {
        table.iter().find_map(|r| match r.keys {
            Keys::Any(c) => Some(c),
            Keys::These(_) => None,
        })
    })
}

/// The footer of a screen other than the main one: its rows with a hint.
pub fn footer(table: &[Row]) -> Vec<(&'static str, &'static str)> {
    table
        .iter()
        .filter(|r| !r.hint.is_empty())
        .map(|r| (r.label, r.hint))
        .collect()
}

/// The key table of a screen; `None` for the main screen, whose table is
/// [`BINDINGS`].
pub fn for_mode(mode: &super::Mode) -> Option<&'static [Row]> {
    use super::Mode;
    Some(match mode {
        Mode::Browse => return None,
        Mode::Overview { .. } => OVERVIEW,
        Mode::Help { .. } | Mode::Item { .. } | Mode::Log { .. } => SCROLL,
        Mode::Rereview { .. } => REREVIEW,
        Mode::Blockers { .. } => BLOCKERS,
        Mode::Notice(_) => NOTICE,
        Mode::Active { .. } => ACTIVE_CONFIRM,
        Mode::EnvChoice => ENV_CHOICE,
        Mode::Operator { .. } => OPERATOR,
        Mode::Urls { .. } => URLS,
        Mode::Note { purpose, .. } => super::note::keys(*purpose),
        Mode::Waiver(_) => WAIVER,
        Mode::SignOff(f) if f.confirm => SIGNOFF_CONFIRM,
        Mode::SignOff(_) => SIGNOFF,
        Mode::Answers(f) if f.editing.is_some() => ANSWER_EDIT,
        Mode::Answers(_) => ANSWERS,
        Mode::Generate(v) if v.confirm => GENERATE_CONFIRM,
        Mode::Generate(_) => GENERATE,
        Mode::Mapping(v) if v.edit.is_some() => MAPPING_EDIT,
        Mode::Mapping(_) => MAPPING,
        Mode::Search(_) => SEARCH,
    })
}

/// Every table but the main screen's, for checks over all of them.
pub const TABLES: &[&[Row]] = &[
    OVERVIEW,
    BLOCKERS,
    SCROLL,
    REREVIEW,
    SIGNOFF_CONFIRM,
    NOTICE,
    ENV_CHOICE,
    OPERATOR,
    URLS,
    NOTE,
    OVERRIDE,
    WAIVER,
    SIGNOFF,
    ANSWERS,
    ANSWER_EDIT,
    GENERATE,
    GENERATE_CONFIRM,
    ACTIVE_CONFIRM,
    MAPPING,
    MAPPING_EDIT,
    SEARCH,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(seen.insert(format!("{k:?}")), "{k:?} bound twice");
            }
        }
    }

    #[test]
    fn every_command_has_a_binding() {
        let in_tables = |c: Command| {
            TABLES.iter().flat_map(|t| t.iter()).any(|r| match r.keys {
                Keys::These(keys) => keys.iter().any(|(_, x)| *x == c),
                Keys::Any(x) => x == c,
            })
        };
        for c in Command::ALL {
            assert!(
                BINDINGS.iter().any(|b| b.command == c) || in_tables(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_on_one_screen() {
        for t in TABLES {
            let mut seen = std::collections::HashSet::new();
            for r in t.iter() {
                if let Keys::These(keys) = r.keys {
                    for (k, _) in keys {
                        assert!(seen.insert(format!("{k:?}")), "{k:?} bound twice");
                    }
                }
            }
            let anys = t.iter().filter(|r| matches!(r.keys, Keys::Any(_))).count();
            assert!(anys <= 1, "two rows take every key");
        }
    }

    #[test]
    fn screen_keys_resolve_through_their_table() {
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(
            lookup(WAIVER, &k(KeyCode::BackTab)),
            Some(Command::NextField)
        );
        assert_eq!(
            lookup(SIGNOFF, &k(KeyCode::BackTab)),
            Some(Command::PrevField)
        );
        assert_eq!(
            lookup(NOTE, &k(KeyCode::Char('x'))),
            None,
            "text goes to the field"
        );
        assert_eq!(
            lookup(SCROLL, &k(KeyCode::Char('x'))),
            Some(Command::Cancel)
        );
        let alt = |c| KeyEvent::new(c, KeyModifiers::ALT);
        assert_eq!(lookup(NOTE, &alt(KeyCode::Enter)), Some(Command::Save));
        assert_eq!(
            lookup_plain(OVERVIEW, &alt(KeyCode::Char('q'))),
            None,
            "on screens that move like the main one, Alt-q is not q"
        );
        assert_eq!(
            lookup_plain(SCROLL, &alt(KeyCode::Char('j'))),
            Some(Command::Cancel)
        );
        assert_eq!(
            footer(ANSWERS),
            [
                ("↑↓", "answer"),
                ("Enter", "edit"),
                ("c", "confirm example"),
                ("g", "render files"),
                ("Esc", "cancel")
            ]
        );
    }

    #[test]
    fn narrow_footers_keep_quit_and_help() {
        let all: usize = footer_bindings().iter().map(|b| b.hint.len() + 4).sum();
        assert_eq!(
            fitting_footer(all, |b| b.hint.len() + 4).len(),
            footer_bindings().len()
        );
        let few: Vec<_> = fitting_footer(24, |b| b.hint.len() + 4)
            .iter()
            .map(|b| b.command)
            .collect();
        assert_eq!(few, [Command::MarkDone, Command::Help, Command::Quit]);
    }

    #[test]
    fn shift_letters_and_ctrl_c_resolve() {
        let k = |c, m| KeyEvent::new(c, m);
        assert_eq!(
            command_for(&k(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            command_for(&k(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        assert_eq!(command_for(&k(KeyCode::Char('d'), KeyModifiers::ALT)), None);
    }
}
