//! Keybindings as data, one table per screen. The same table decides what
//! a key does and draws the footer hints (and, for the main screen, fills
//! the help overlay), so they cannot disagree. Ctrl-C quits from every
//! screen and is handled once, in `update`.

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
    Generate,
    SignOff,
    Rereview,
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
    pub const ALL: [Command; 39] = [
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

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub command: Command,
    pub keys: &'static [KeyCode],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    /// Short word for the footer.
    pub hint: &'static str,
    /// Sentence for the help overlay.
    pub help: &'static str,
    /// Footer order; 0 keeps it out of the footer.
    pub footer: u8,
    /// When the footer is too narrow, lower numbers stay longest.
    pub keep: u8,
    /// Heading in the help overlay.
    pub group: &'static str,
}

const NAV: &str = "Move";
const ANSWER: &str = "Answer";
const VIEW: &str = "Screens";

/// Every binding of the wizard's main screen.
pub const BINDINGS: &[Binding] = &[
    Binding {
        command: Command::Up,
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑/k",
        hint: "up",
        help: "previous item or section",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::Down,
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓/j",
        hint: "down",
        help: "next item or section",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::PageUp,
        keys: &[KeyCode::PageUp],
        label: "PgUp",
        hint: "page up",
        help: "ten rows up",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::PageDown,
        keys: &[KeyCode::PageDown],
        label: "PgDn",
        hint: "page down",
        help: "ten rows down",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::Top,
        keys: &[KeyCode::Home, KeyCode::Char('g')],
        label: "Home/g",
        hint: "first",
        help: "first item or section",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::Bottom,
        keys: &[KeyCode::End, KeyCode::Char('G')],
        label: "End/G",
        hint: "last",
        help: "last item or section",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::SwitchPane,
        keys: &[KeyCode::Tab, KeyCode::BackTab],
        label: "Tab",
        hint: "pane",
        help: "switch between the section list and the items",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::Open,
        keys: &[KeyCode::Enter, KeyCode::Right, KeyCode::Char('l')],
        label: "Enter/→",
        hint: "open",
        help: "open the section; on an item, show all of it",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::Back,
        keys: &[KeyCode::Esc, KeyCode::Left, KeyCode::Char('h')],
        label: "Esc/←",
        hint: "sections",
        help: "back to the section list",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::NextOpen,
        keys: &[KeyCode::Char('n')],
        label: "n",
        hint: "next open",
        help: "jump to the next item nobody has answered",
        footer: 6,
        keep: 7,
        group: NAV,
    },
    Binding {
        command: Command::NextSection,
        keys: &[KeyCode::Char(']')],
        label: "]",
        hint: "next §",
        help: "next section",
        footer: 7,
        keep: 9,
        group: NAV,
    },
    Binding {
        command: Command::PrevSection,
        keys: &[KeyCode::Char('[')],
        label: "[",
        hint: "prev §",
        help: "previous section",
        footer: 0,
        keep: 0,
        group: NAV,
    },
    Binding {
        command: Command::MarkDone,
        keys: &[KeyCode::Char('d'), KeyCode::Char(' ')],
        label: "d/Space",
        hint: "done",
        help: "mark the item done",
        footer: 1,
        keep: 3,
        group: ANSWER,
    },
    Binding {
        command: Command::MarkNotDone,
        keys: &[KeyCode::Char('x')],
        label: "x",
        hint: "not done",
        help: "mark the item not done",
        footer: 2,
        keep: 4,
        group: ANSWER,
    },
    Binding {
        command: Command::MarkNotApplicable,
        keys: &[KeyCode::Char('a')],
        label: "a",
        hint: "n/a",
        help: "mark the item not applicable",
        footer: 3,
        keep: 8,
        group: ANSWER,
    },
    Binding {
        command: Command::Waive,
        keys: &[KeyCode::Char('w')],
        label: "w",
        hint: "waive",
        help: "waive the item (a reason and an optional expiry date)",
        footer: 4,
        keep: 5,
        group: ANSWER,
    },
    Binding {
        command: Command::Accept,
        keys: &[KeyCode::Char('y')],
        label: "y",
        hint: "accept",
        help: "accept the detection (pass → done, fail or warn → not done)",
        footer: 1,
        keep: 3,
        group: ANSWER,
    },
    Binding {
        command: Command::Rerun,
        keys: &[KeyCode::Char('r')],
        label: "r",
        hint: "re-detect",
        help: "run the detectors again",
        footer: 0,
        keep: 0,
        group: ANSWER,
    },
    Binding {
        command: Command::Urls,
        keys: &[KeyCode::Char('u')],
        label: "u",
        hint: "URLs",
        help: "set the production URLs to probe (https://…)",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Generate,
        keys: &[KeyCode::Char('c')],
        label: "c",
        hint: "generate",
        help: "create the hardened files: answers, diffs, then write",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::SignOff,
        keys: &[KeyCode::Char('S')],
        label: "S",
        hint: "sign off",
        help: "sign off (refused while a critical item is open or failing)",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Rereview,
        keys: &[KeyCode::Char('R')],
        label: "R",
        hint: "since sign-off",
        help: "what changed since the last sign-off",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Reopen,
        keys: &[KeyCode::Char('o')],
        label: "o",
        hint: "reopen",
        help: "open the item again (its note is kept)",
        footer: 0,
        keep: 0,
        group: ANSWER,
    },
    Binding {
        command: Command::EditNote,
        keys: &[KeyCode::Char('e')],
        label: "e",
        hint: "note",
        help: "write or edit the item's note",
        footer: 5,
        keep: 6,
        group: ANSWER,
    },
    Binding {
        command: Command::Overview,
        keys: &[KeyCode::Char('v')],
        label: "v",
        hint: "overview",
        help: "totals per section and the critical items still open",
        footer: 8,
        keep: 10,
        group: VIEW,
    },
    Binding {
        command: Command::Help,
        keys: &[KeyCode::Char('?'), KeyCode::F(1)],
        label: "?",
        hint: "help",
        help: "this help",
        footer: 9,
        keep: 2,
        group: VIEW,
    },
    Binding {
        command: Command::Quit,
        keys: &[KeyCode::Char('q')],
        label: "q",
        hint: "quit",
        help: "quit; every answer is already saved",
        footer: 10,
        keep: 1,
        group: VIEW,
    },
];

/// The command a key press means on the main screen, if any.
pub fn command_for(key: &KeyEvent) -> Option<Command> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Command::Quit),
            _ => None,
        };
    }
    if key
        .modifiers
        .intersects(KeyModifiers::ALT | KeyModifiers::SUPER)
    {
        return None;
    }
    BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key.code))
        .map(|b| b.command)
}

/// Footer bindings in display order.
pub fn footer_bindings() -> Vec<&'static Binding> {
    let mut v: Vec<_> = BINDINGS.iter().filter(|b| b.footer > 0).collect();
    v.sort_by_key(|b| b.footer);
    v
}

/// The footer bindings that fit in `width` cells when each takes
/// `cost(binding)` cells: the most needed are kept, shown in footer order.
pub fn fitting_footer(width: usize, cost: impl Fn(&Binding) -> usize) -> Vec<&'static Binding> {
    let mut by_need = footer_bindings();
    by_need.sort_by_key(|b| b.keep);
    let mut used = 0;
    let mut kept = Vec::new();
    for b in by_need {
        let c = cost(b);
        if used + c <= width {
            used += c;
            kept.push(b);
        }
    }
    kept.sort_by_key(|b| b.footer);
    kept
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

/// The command a key means on a screen: a row that names it (unmodified
/// or with Shift), else the table's `Any` row; `None` lets a text field
/// have the key.
pub fn lookup(table: &[Row], key: &KeyEvent) -> Option<Command> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER);
    let named = table.iter().find_map(|r| match r.keys {
        Keys::These(keys) if plain => keys.iter().find(|(k, _)| *k == key.code).map(|(_, c)| *c),
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

const fn row(label: &'static str, hint: &'static str, keys: &'static [(KeyCode, Command)]) -> Row {
    Row {
        label,
        hint,
        keys: Keys::These(keys),
    }
}

const fn any(label: &'static str, hint: &'static str, command: Command) -> Row {
    Row {
        label,
        hint,
        keys: Keys::Any(command),
    }
}

use Command as C;
use KeyCode as K;

const UP_DOWN: &[(KeyCode, Command)] = &[
    (K::Up, C::Up),
    (K::Char('k'), C::Up),
    (K::Down, C::Down),
    (K::Char('j'), C::Down),
];

/// The overview of every section.
pub const OVERVIEW: &[Row] = &[
    row(
        "↑↓",
        "section",
        &[
            (K::Up, C::Up),
            (K::Char('k'), C::Up),
            (K::Down, C::Down),
            (K::Char('j'), C::Down),
            (K::PageUp, C::PageUp),
            (K::PageDown, C::PageDown),
            (K::Home, C::Top),
            (K::Char('g'), C::Top),
            (K::End, C::Bottom),
            (K::Char('G'), C::Bottom),
        ],
    ),
    row(
        "Enter",
        "open",
        &[
            (K::Enter, C::Open),
            (K::Right, C::Open),
            (K::Char('l'), C::Open),
        ],
    ),
    row(
        "Esc",
        "back",
        &[
            (K::Esc, C::Back),
            (K::Left, C::Back),
            (K::Char('h'), C::Back),
            (K::Char('v'), C::Back),
        ],
    ),
    row("?", "help", &[(K::Char('?'), C::Help), (K::F(1), C::Help)]),
    row("q", "quit", &[(K::Char('q'), C::Quit)]),
];

/// The help overlay and an item in full: arrows scroll, any other key closes.
pub const SCROLL: &[Row] = &[
    row(
        "↑↓",
        "scroll",
        &[
            (K::Up, C::Up),
            (K::Char('k'), C::Up),
            (K::Down, C::Down),
            (K::Char('j'), C::Down),
            (K::PageUp, C::PageUp),
            (K::PageDown, C::PageDown),
        ],
    ),
    any("Esc", "close", C::Cancel),
];

/// What changed since the sign-off.
pub const REREVIEW: &[Row] = &[
    row("↑↓", "scroll", UP_DOWN),
    any("any key", "continue", C::Continue),
];

/// A notice shown at start.
pub const NOTICE: &[Row] = &[any("any key", "continue", C::Continue)];

/// `.env` or `.env.production`.
pub const ENV_CHOICE: &[Row] = &[
    row(
        "p",
        ".env.production",
        &[
            (K::Char('p'), C::ChooseProduction),
            (K::Char('P'), C::ChooseProduction),
        ],
    ),
    row(
        "e",
        ".env",
        &[
            (K::Char('e'), C::ChooseDotEnv),
            (K::Char('E'), C::ChooseDotEnv),
        ],
    ),
];

/// The operator's name.
pub const OPERATOR: &[Row] = &[row("Enter", "continue", &[(K::Enter, C::Save)])];

/// The production URLs.
pub const URLS: &[Row] = &[
    row("Enter", "save and probe", &[(K::Enter, C::Save)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// A note on an item.
pub const NOTE: &[Row] = &[
    row("Enter", "save note", &[(K::Enter, C::Save)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// The reason for overriding a detection.
pub const OVERRIDE: &[Row] = &[
    row("Enter", "override", &[(K::Enter, C::Save)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// The waiver prompt.
pub const WAIVER: &[Row] = &[
    row(
        "Tab",
        "field",
        &[
            (K::Tab, C::NextField),
            (K::BackTab, C::NextField),
            (K::Up, C::NextField),
            (K::Down, C::NextField),
        ],
    ),
    row("Enter", "waive", &[(K::Enter, C::Save)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// The sign-off form.
pub const SIGNOFF: &[Row] = &[
    row(
        "Tab",
        "field",
        &[
            (K::Tab, C::NextField),
            (K::Down, C::NextField),
            (K::BackTab, C::PrevField),
            (K::Up, C::PrevField),
        ],
    ),
    row("Enter", "sign", &[(K::Enter, C::Save)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// The answers form, choosing a field.
pub const ANSWERS: &[Row] = &[
    row(
        "↑↓",
        "answer",
        &[
            (K::Up, C::Up),
            (K::Char('k'), C::Up),
            (K::Down, C::Down),
            (K::Char('j'), C::Down),
            (K::PageUp, C::PageUp),
            (K::PageDown, C::PageDown),
        ],
    ),
    row("Enter", "edit", &[(K::Enter, C::Edit)]),
    row("g", "render files", &[(K::Char('g'), C::Render)]),
    row("Esc", "cancel", &[(K::Esc, C::Cancel)]),
];

/// The answers form, editing a field.
pub const ANSWER_EDIT: &[Row] = &[
    row("Enter", "keep", &[(K::Enter, C::Save)]),
    row("Esc", "undo", &[(K::Esc, C::Cancel)]),
];

/// The generated files.
pub const GENERATE: &[Row] = &[
    row("↑↓", "file", UP_DOWN),
    row(
        "PgDn/PgUp",
        "scroll",
        &[
            (K::PageDown, C::PageDown),
            (K::Char(' '), C::PageDown),
            (K::PageUp, C::PageUp),
        ],
    ),
    row("w", "write", &[(K::Char('w'), C::Write)]),
    row("a", "answers", &[(K::Char('a'), C::EditAnswers)]),
    row(
        "Esc",
        "close",
        &[(K::Esc, C::Cancel), (K::Char('q'), C::Cancel)],
    ),
];

/// The confirmation before writing the generated files.
pub const GENERATE_CONFIRM: &[Row] = &[
    row("y", "write now", &[(K::Char('y'), C::Confirm)]),
    any("any key", "cancel", C::Cancel),
];

/// The key table of a screen; `None` for the main screen, whose table is
/// [`BINDINGS`].
pub fn for_mode(mode: &super::Mode) -> Option<&'static [Row]> {
    use super::Mode;
    Some(match mode {
        Mode::Browse => return None,
        Mode::Overview { .. } => OVERVIEW,
        Mode::Help { .. } | Mode::Item { .. } => SCROLL,
        Mode::Rereview { .. } => REREVIEW,
        Mode::Notice(_) => NOTICE,
        Mode::EnvChoice => ENV_CHOICE,
        Mode::Operator { .. } => OPERATOR,
        Mode::Urls { .. } => URLS,
        Mode::Note { purpose, .. } => super::note::keys(*purpose),
        Mode::Waiver(_) => WAIVER,
        Mode::SignOff(_) => SIGNOFF,
        Mode::Answers(f) if f.editing.is_some() => ANSWER_EDIT,
        Mode::Answers(_) => ANSWERS,
        Mode::Generate(v) if v.confirm => GENERATE_CONFIRM,
        Mode::Generate(_) => GENERATE,
    })
}

/// Every table but the main screen's, for checks over all of them.
pub const TABLES: &[&[Row]] = &[
    OVERVIEW,
    SCROLL,
    REREVIEW,
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
        assert_eq!(
            lookup(
                GENERATE_CONFIRM,
                &KeyEvent::new(KeyCode::Char('y'), KeyModifiers::ALT)
            ),
            Some(Command::Cancel),
            "a modified y is not a yes"
        );
        assert_eq!(
            footer(ANSWERS),
            [
                ("↑↓", "answer"),
                ("Enter", "edit"),
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
