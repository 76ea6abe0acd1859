//! The key tables of every screen but the main one.

use ratatui::crossterm::event::KeyCode;

use super::{Command, Keys, Row};

use Command as C;
use KeyCode as K;

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

/// Enter confirms a form.
const ENTER: &[(KeyCode, Command)] = &[(K::Enter, C::Save)];
/// Esc leaves a form unchanged.
const ESC: &[(KeyCode, Command)] = &[(K::Esc, C::Cancel)];

const UP_DOWN: &[(KeyCode, Command)] = &[
    (K::Up, C::Up),
    (K::Char('k'), C::Up),
    (K::Down, C::Down),
    (K::Char('j'), C::Down),
];

/// A list: arrows or j/k, and ten rows at a time.
const LIST: &[(KeyCode, Command)] = &[
    (K::Up, C::Up),
    (K::Char('k'), C::Up),
    (K::Down, C::Down),
    (K::Char('j'), C::Down),
    (K::PageUp, C::PageUp),
    (K::PageDown, C::PageDown),
];

/// Moving over a list of sections and items.
const PICK: &[(KeyCode, Command)] = &[
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
];

/// The items that refused a sign-off.
pub const BLOCKERS: &[Row] = &[
    row("↑↓", "pick", PICK),
    row(
        "Enter",
        "go to item",
        &[(K::Enter, C::Open), (K::Right, C::Open)],
    ),
    row("Esc", "back", &[(K::Esc, C::Back), (K::Left, C::Back)]),
    row("?", "help", &[(K::Char('?'), C::Help), (K::F(1), C::Help)]),
    row("q", "quit", &[(K::Char('q'), C::Quit)]),
];

/// The overview of every section.
pub const OVERVIEW: &[Row] = &[
    row("↑↓", "section or item", PICK),
    row(
        "Enter",
        "go there",
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
pub const SCROLL: &[Row] = &[row("↑↓", "scroll", LIST), any("Esc", "close", C::Cancel)];

/// What changed since the sign-off.
pub const REREVIEW: &[Row] = &[
    row("↑↓", "pick", UP_DOWN),
    row("Enter", "go to item", &[(K::Enter, C::Open)]),
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
pub const OPERATOR: &[Row] = &[row("Enter", "continue", ENTER)];

/// The production URLs.
pub const URLS: &[Row] = &[
    row("Enter", "save and probe", ENTER),
    row("Esc", "cancel", ESC),
];

/// The settings mapping.
pub const MAPPING: &[Row] = &[
    row("↑↓", "concept", LIST),
    row(
        "Enter",
        "correct",
        &[(K::Enter, C::Edit), (K::Char('e'), C::Edit)],
    ),
    row(
        "Esc",
        "back",
        &[
            (K::Esc, C::Back),
            (K::Char('q'), C::Back),
            (K::Char('m'), C::Back),
        ],
    ),
];

/// The search: arrows, Tab and Enter act; every other key is typed.
pub const SEARCH: &[Row] = &[
    row(
        "↑↓",
        "match",
        &[
            (K::Up, C::Up),
            (K::Down, C::Down),
            (K::PageUp, C::PageUp),
            (K::PageDown, C::PageDown),
        ],
    ),
    row("Tab", "filter", &[(K::Tab, C::NextField)]),
    row("Enter", "jump", ENTER),
    row("Esc", "close", ESC),
];

/// Typing a correction.
pub const MAPPING_EDIT: &[Row] = &[row("Enter", "save", ENTER), row("Esc", "cancel", ESC)];

/// A note on an item.
pub const NOTE: &[Row] = &[row("Enter", "save note", ENTER), row("Esc", "cancel", ESC)];

/// The reason for overriding a detection.
pub const OVERRIDE: &[Row] = &[row("Enter", "override", ENTER), row("Esc", "cancel", ESC)];

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
    row("Enter", "waive", ENTER),
    row("Esc", "cancel", ESC),
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
    row("Enter", "check, then confirm", ENTER),
    row("Esc", "cancel", ESC),
];

/// The answers form, choosing a field.
pub const ANSWERS: &[Row] = &[
    row("↑↓", "answer", LIST),
    row("Enter", "edit", &[(K::Enter, C::Edit)]),
    row("c", "confirm example", &[(K::Char('c'), C::Confirm)]),
    row("g", "render files", &[(K::Char('g'), C::Render)]),
    row("Esc", "cancel", ESC),
];

/// The answers form, editing a field.
pub const ANSWER_EDIT: &[Row] = &[row("Enter", "keep", ENTER), row("Esc", "undo", ESC)];

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
/// The sign-off, checked and waiting for the word.
pub const SIGNOFF_CONFIRM: &[Row] = &[
    row("y", "sign now", &[(K::Char('y'), C::Confirm)]),
    any("any key", "back to the form", C::Cancel),
];

/// The requests of active verification, before any is sent.
pub const ACTIVE_CONFIRM: &[Row] = &[
    row("↑↓", "scroll", LIST),
    row("y", "send them", &[(K::Char('y'), C::Confirm)]),
    any("any key", "cancel, nothing sent", C::Cancel),
];

pub const GENERATE_CONFIRM: &[Row] = &[
    row("y", "write now", &[(K::Char('y'), C::Confirm)]),
    any("any key", "cancel", C::Cancel),
];
