//! The main screen's key table: every binding with its footer word, its
//! footer priority and its help sentence (the help overlay is drawn from
//! it).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Command;

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
        command: Command::Undo,
        keys: &[KeyCode::Char('U')],
        label: "U",
        hint: "undo",
        help: "undo the last change to an item (50 kept, across restarts)",
        footer: 0,
        keep: 0,
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
        command: Command::Log,
        keys: &[KeyCode::Char('M')],
        label: "M",
        hint: "messages",
        help: "every message of this run, in full",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Search,
        keys: &[KeyCode::Char('/')],
        label: "/",
        hint: "search",
        help: "search ids, titles, evidence, notes; Tab filters",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Verify,
        keys: &[KeyCode::Char('V')],
        label: "V",
        hint: "verify live",
        help: "verify the URLs live: list each request, send only after y",
        footer: 0,
        keep: 0,
        group: VIEW,
    },
    Binding {
        command: Command::Mapping,
        keys: &[KeyCode::Char('m')],
        label: "m",
        hint: "settings",
        help: "which setting plays each concept; correct the mapping",
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
