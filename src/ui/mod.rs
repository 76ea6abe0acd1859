//! Pure rendering of a [`Model`]: no IO, no mutation. Three size tiers:
//! the full layout from 80x24, a compact one down to 60x18, and a "terminal
//! too small" screen below that.

pub mod terminal;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, BorderType, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap,
};
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::keymap::{BINDINGS, fitting_footer};
use crate::app::{Focus, MessageKind, Mode, Model, NotePurpose, WaiverField};
use crate::checklist::{Item, Section, Severity};
use crate::detect::Outcome;
use crate::state::OperatorStatus;
use crate::util::dates::format_date;
pub use theme::Theme;

/// Smallest size of the full layout.
pub const FULL: (u16, u16) = (80, 24);
/// Smallest size of the compact layout; below it, "terminal too small".
pub const MIN: (u16, u16) = (60, 18);

/// Which layout a terminal size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Full,
    Compact,
    TooSmall,
}

impl Tier {
    /// The tier for an area.
    pub fn of(area: Rect) -> Tier {
        if area.width >= FULL.0 && area.height >= FULL.1 {
            Tier::Full
        } else if area.width >= MIN.0 && area.height >= MIN.1 {
            Tier::Compact
        } else {
            Tier::TooSmall
        }
    }
}

/// The glyph that shows an operator status, in every theme.
pub fn glyph(status: OperatorStatus) -> &'static str {
    match status {
        OperatorStatus::Open => "[ ]",
        OperatorStatus::Done => "[✓]",
        OperatorStatus::NotDone => "[✗]",
        OperatorStatus::NotApplicable => "[-]",
        OperatorStatus::Waived => "[w]",
    }
}

fn status_style(theme: &Theme, status: OperatorStatus) -> Style {
    match status {
        OperatorStatus::Open => theme.base,
        OperatorStatus::Done => theme.done,
        OperatorStatus::NotDone => theme.not_done,
        OperatorStatus::NotApplicable => theme.na,
        OperatorStatus::Waived => theme.waived,
    }
}

/// Two-cell mark of a severity: `!!` critical, `! ` important.
pub fn severity_mark(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "!!",
        Severity::Important => "! ",
        Severity::Normal => "  ",
    }
}

fn severity_style(theme: &Theme, sev: Severity) -> Style {
    match sev {
        Severity::Critical => theme.critical,
        Severity::Important => theme.important,
        Severity::Normal => theme.base,
    }
}

/// Draws the whole screen for the model.
pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let area = frame.area();
    let tier = Tier::of(area);
    if tier == Tier::TooSmall {
        too_small(frame, area, theme);
        return;
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(frame, header, model, theme);
    match &model.mode {
        Mode::Overview { selected } => overview(frame, body, model, *selected, theme),
        _ => main_panes(frame, body, model, tier, theme),
    }
    render_status(frame, status, model, theme);
    render_footer(frame, footer, model, theme);
    match &model.mode {
        Mode::Help { scroll } => help(frame, body, model, *scroll, theme),
        Mode::Item { scroll } => item_view(frame, body, model, *scroll, theme),
        Mode::Note { input, purpose } => note_editor(frame, body, model, input, *purpose, theme),
        Mode::Waiver(form) => {
            let item = model.current_item();
            let area = popup(body, 72, 9);
            frame.render_widget(Clear, area);
            let block = modal_block(format!(" Waive {} ", item.id), theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let rows = Layout::vertical([Constraint::Length(1); 7]).split(inner);
            frame.render_widget(
                Paragraph::new(Line::styled("Reason (required):", theme.heading)),
                rows[0],
            );
            input_line(
                frame,
                rows[1],
                &form.reason,
                form.field == WaiverField::Reason,
                theme,
            );
            frame.render_widget(
                Paragraph::new(Line::styled(
                    "Expires (YYYY-MM-DD, empty for none):",
                    theme.heading,
                )),
                rows[3],
            );
            input_line(
                frame,
                rows[4],
                &form.expires,
                form.field == WaiverField::Expires,
                theme,
            );
            if let Some(e) = &form.error {
                frame.render_widget(Paragraph::new(fit(e, rows[6].width, theme.error)), rows[6]);
            } else {
                frame.render_widget(
                    Paragraph::new(fit(
                        &format!("Owner: {}", model.state.operator.as_deref().unwrap_or("")),
                        rows[6].width,
                        theme.dim,
                    )),
                    rows[6],
                );
            }
        }
        Mode::Operator { input, error } => prompt(
            frame,
            body,
            64,
            " Who is answering? ",
            "Your name is recorded with each answer.",
            input,
            error.as_deref(),
            theme,
        ),
        Mode::Notice(lines) => {
            let width = 72.min(body.width.saturating_sub(2));
            let inner_w = width.saturating_sub(2).max(1) as usize;
            let text: Vec<Line> = lines
                .iter()
                .flat_map(|l| [Line::raw(l.clone()), Line::raw("")])
                .collect();
            let rows: usize = lines
                .iter()
                .map(|l| l.width().div_ceil(inner_w).max(1) + 1)
                .sum();
            let area = popup(body, width, rows as u16 + 2);
            frame.render_widget(Clear, area);
            let block = modal_block(" Notice ".into(), theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        }
        Mode::Urls { input, error } => prompt(
            frame,
            body,
            72,
            " Production URLs to probe ",
            "https:// URLs, separated by commas; kept in the state file.",
            input,
            error.as_deref(),
            theme,
        ),
        Mode::EnvChoice => {
            let area = popup(body, 64, 8);
            frame.render_widget(Clear, area);
            let block = modal_block(" Which env file is production? ".into(), theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let text = vec![
                Line::raw("This project has both .env and .env.production."),
                Line::raw("harden judges one of them; the choice is remembered."),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("  p ", theme.key),
                    Span::raw(".env.production"),
                ]),
                Line::from(vec![Span::styled("  e ", theme.key), Span::raw(".env")]),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        }
        Mode::Answers(form) => answers_form(frame, body, form, theme),
        Mode::SignOff(form) => {
            let area = popup(body, 66, 11);
            frame.render_widget(Clear, area);
            let block = modal_block(" Security review sign-off ".into(), theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let rows = Layout::vertical([Constraint::Length(1); 9]).split(inner);
            for (i, label) in crate::app::SIGNOFF_LABELS.iter().enumerate() {
                let [l, r] = Layout::horizontal([Constraint::Length(15), Constraint::Fill(1)])
                    .areas(rows[i * 2]);
                frame.render_widget(
                    Paragraph::new(Line::styled(format!("{label}:"), theme.heading)),
                    l,
                );
                input_line(frame, r, &form.inputs[i], form.field == i, theme);
            }
            let msg = match &form.error {
                Some(e) => fit(e, rows[8].width, theme.error),
                None => fit(
                    "Records the checklist sha256 and a digest of every status.",
                    rows[8].width,
                    theme.dim,
                ),
            };
            frame.render_widget(Paragraph::new(msg), rows[8]);
        }
        Mode::Rereview { scroll } => rereview(frame, body, model, *scroll, theme),
        Mode::Generate(view) => generate_view(frame, body, view, theme),
        Mode::Browse | Mode::Overview { .. } => {}
    }
}

fn rereview(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    frame.render_widget(Clear, body);
    let Some(last) = model.state.signoffs.last() else {
        frame.render_widget(
            Paragraph::new("No sign-off yet: S signs off once every critical item is settled."),
            body,
        );
        return;
    };
    let title = format!(
        " Since the sign-off of {} (reviewed by {}, approved by {}) ",
        format_date(last.approved_date),
        last.reviewed_by,
        last.approved_by
    );
    let block = pane_block(title, true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let ch = crate::review::signoff::changes(&model.checklist, last, &model.state, model.today);
    let mut lines: Vec<Line> = crate::review::signoff::describe(&ch)
        .into_iter()
        .map(|l| {
            let st = if l.starts_with("REGRESSED") || l.starts_with("EXPIRED") {
                theme.critical
            } else if l.starts_with("IMPROVED") {
                theme.done
            } else if l.starts_with("ROTATED")
                || l.starts_with("EXPIRING")
                || l.starts_with("DETECTED")
            {
                theme.important
            } else {
                theme.base
            };
            Line::styled(l, st)
        })
        .collect();
    if model.checklist.sha256 != last.checklist_sha256 {
        lines.insert(
            0,
            Line::styled(
                "The checklist itself changed since the sign-off.",
                theme.important,
            ),
        );
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            "Nothing changed since the sign-off.",
            theme.done,
        ));
    }
    if !model.running.is_empty() {
        lines.push(Line::styled(
            "Detection is still running; this list updates as results arrive.",
            theme.dim,
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

fn answers_form(frame: &mut Frame, body: Rect, form: &crate::app::AnswersForm, theme: &Theme) {
    frame.render_widget(Clear, body);
    let block = pane_block(
        " Answers for generate (no secrets here) ".into(),
        true,
        theme,
    );
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let [list, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let key_w = form
        .fields
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(10)
        .min(32);
    let rows: Vec<ListItem> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let shown = match (&form.editing, i == form.selected) {
                (Some(input), true) => format!("{}▏", crate::util::redact::veil(input.value())),
                _ => v.clone(),
            };
            let mut spans = fit_spans(vec![Span::styled(k.clone(), theme.dim)], key_w, true);
            spans.push(Span::raw("  "));
            spans.extend(fit_spans(
                vec![Span::raw(shown)],
                (list.width as usize).saturating_sub(key_w + 2),
                false,
            ));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(form.selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        list,
        &mut st,
    );
    let line = match &form.error {
        Some(e) => fit(e, foot.width, theme.error),
        None => fit(
            "Prefilled from the env file; check each value. g renders the files.",
            foot.width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(line), foot);
}

fn generate_view(frame: &mut Frame, body: Rect, view: &crate::app::GenerateView, theme: &Theme) {
    use crate::generate::Change;
    frame.render_widget(Clear, body);
    let [left, right] =
        Layout::horizontal([Constraint::Length(36), Constraint::Fill(1)]).areas(body);
    let block = pane_block(" Generated files ".into(), true, theme);
    let inner = block.inner(left);
    frame.render_widget(block, left);
    let rows: Vec<ListItem> = view
        .files
        .iter()
        .map(|f| {
            let (tag, st) = match f.change {
                Change::New => ("new ", theme.done),
                Change::Changed => ("chg ", theme.important),
                Change::Unchanged => ("same", theme.dim),
            };
            let mut spans = vec![Span::styled(tag, st), Span::raw(" ")];
            spans.extend(fit_spans(
                vec![Span::raw(f.path.clone())],
                (inner.width as usize).saturating_sub(7),
                false,
            ));
            if f.secret {
                spans.push(Span::styled(" 🔒", theme.dim));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        inner,
        &mut st,
    );
    let Some(f) = view.files.get(view.selected) else {
        return;
    };
    let title = if f.secret {
        format!(" {} · 0600 · secrets masked ", f.path)
    } else {
        format!(" {} ", f.path)
    };
    let block = pane_block(title, false, theme);
    let inner = block.inner(right);
    frame.render_widget(block, right);
    let lines: Vec<Line> = if f.diff.is_empty() {
        vec![Line::styled(
            "Unchanged: the file on disk already says this.",
            theme.dim,
        )]
    } else {
        f.diff
            .lines()
            .map(|l| {
                let st = if l.starts_with('+') {
                    theme.done
                } else if l.starts_with('-') {
                    theme.not_done
                } else if l.starts_with("@@") {
                    theme.heading
                } else {
                    theme.base
                };
                Line::styled(l.to_string(), st)
            })
            .collect()
    };
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(lines).scroll((view.scroll.min(max), 0)),
        inner,
    );
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The 4-cell detection badge of an item: PASS, FAIL, WARN, ????, skip, a
/// spinner while detecting, or blank for items nothing detects.
pub fn badge(model: &Model, id: &str, theme: &Theme) -> Span<'static> {
    if model.detecting(id) {
        return Span::styled(
            format!("{}   ", SPINNER[model.spinner % SPINNER.len()]),
            theme.dim,
        );
    }
    match model.detection(id).map(|d| d.outcome) {
        Some(o) => Span::styled(outcome_word(o), outcome_style(theme, o)),
        None => Span::raw("    "),
    }
}

/// Four letters for an outcome.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Unknown => "????",
        Outcome::Skipped => "skip",
    }
}

fn outcome_style(theme: &Theme, o: Outcome) -> Style {
    match o {
        Outcome::Pass => theme.done,
        Outcome::Warn => theme.important,
        Outcome::Fail => theme.critical,
        Outcome::Unknown | Outcome::Skipped => theme.dim,
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = Text::from(vec![
        Line::styled("Terminal too small", theme.heading),
        Line::raw(format!("{}x{}", area.width, area.height)),
        Line::raw(format!("harden needs at least {}x{}.", MIN.0, MIN.1)),
        Line::raw("Enlarge the window, or press q to quit."),
    ]);
    let h = (text.height() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let r = Rect::new(area.x, y, area.width, h);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

fn render_header(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let meta = &model.checklist.meta;
    let t = model.total_tally();
    let mut right = format!(
        " {}/{} settled · {} ",
        t.settled(),
        t.total,
        model.state.operator.as_deref().unwrap_or("-")
    );
    if model.unsaved {
        right.insert_str(0, " UNSAVED ·");
    }
    let mut left = format!(" harden · {}", meta.title);
    if let Some(sub) = &meta.subtitle {
        left.push_str(" · ");
        left.push_str(sub);
    }
    let rw = right.width() as u16;
    let lw = area.width.saturating_sub(rw);
    frame.render_widget(
        Paragraph::new(fit(&left, lw, theme.header)).style(theme.header),
        Rect::new(area.x, area.y, lw, 1),
    );
    frame.render_widget(
        Paragraph::new(fit(&right, rw.min(area.width), theme.header)).style(theme.header),
        Rect::new(area.x + lw, area.y, rw.min(area.width), 1),
    );
}

fn render_status(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let line = match &model.message {
        Some(m) => {
            let st = match m.kind {
                MessageKind::Info => theme.info,
                MessageKind::Error => theme.error,
            };
            fit(&format!(" {}", m.text), area.width, st)
        }
        None => fit(
            &format!(
                " State: {} (saved after every answer)",
                model.context.state_path
            ),
            area.width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn render_footer(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let cost = |k: &str, h: &str| k.width() + 1 + h.width() + 2;
    let pairs: Vec<(&str, &str)> = match &model.mode {
        Mode::Browse => fitting_footer(area.width.saturating_sub(1) as usize, |b| {
            cost(first_label(b.label), b.hint)
        })
        .into_iter()
        .map(|b| (first_label(b.label), b.hint))
        .collect(),
        mode => crate::app::keymap::for_mode(mode)
            .map(crate::app::keymap::footer)
            .unwrap_or_default(),
    };
    let mut spans = vec![Span::raw(" ")];
    for (k, h) in pairs {
        spans.push(Span::styled(k.to_string(), theme.key));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(h.to_string(), theme.dim));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(
        Paragraph::new(Line::from(fit_spans(spans, area.width as usize, false))),
        area,
    );
}

/// `d/Space` shows as `d` in the footer.
fn first_label(label: &str) -> &str {
    label.split('/').next().unwrap_or(label)
}

fn main_panes(frame: &mut Frame, body: Rect, model: &Model, tier: Tier, theme: &Theme) {
    match tier {
        Tier::Full => {
            let [left, right] =
                Layout::horizontal([Constraint::Length(32), Constraint::Fill(1)]).areas(body);
            sections_pane(frame, left, model, theme);
            let detail_h = (body.height * 2 / 5).max(8);
            let [items, detail] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_h)]).areas(right);
            items_pane(frame, items, model, theme);
            detail_pane(frame, detail, model, theme);
        }
        _ => {
            if model.focus == Focus::Sections {
                sections_pane(frame, body, model, theme);
            } else {
                let [items, detail] =
                    Layout::vertical([Constraint::Fill(1), Constraint::Length(7)]).areas(body);
                items_pane(frame, items, model, theme);
                detail_pane(frame, detail, model, theme);
            }
        }
    }
}

fn pane_block(title: String, focused: bool, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
        .title(Span::styled(
            title,
            if focused { theme.heading } else { theme.base },
        ))
}

fn sections_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let focused = model.focus == Focus::Sections;
    let block = pane_block(" Sections ".into(), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let rows: Vec<ListItem> = model
        .checklist
        .sections
        .iter()
        .map(|s| ListItem::new(section_row(model, s, w, theme)))
        .collect();
    let list = List::new(rows).highlight_style(if focused {
        theme.selected
    } else {
        theme.selected_unfocused
    });
    let mut st = ListState::default().with_selected(Some(model.section));
    frame.render_stateful_widget(list, inner, &mut st);
}

fn section_row(model: &Model, s: &Section, width: usize, theme: &Theme) -> Line<'static> {
    let t = model.tally(s);
    let sev = s.max_severity();
    let num = s
        .number
        .map(|n| format!("{n:>2} "))
        .unwrap_or_else(|| "   ".into());
    let count = format!(" {}/{}", t.settled(), t.total);
    let complete = t.settled() == t.total;
    let title_w = width.saturating_sub(2 + num.width() + count.width());
    let mut spans = vec![
        Span::styled(severity_mark(sev), severity_style(theme, sev)),
        Span::raw(num),
    ];
    spans.extend(fit_spans(vec![Span::raw(s.title.clone())], title_w, true));
    spans.push(Span::styled(
        count,
        if complete { theme.done } else { theme.dim },
    ));
    Line::from(spans)
}

fn items_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let s = model.current_section();
    let t = model.tally(s);
    let focused = model.focus == Focus::Items;
    let block = pane_block(
        format!(" {} · {}/{} ", s.label(), t.settled(), t.total),
        focused,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    // The badge column shows in sections where something is detected.
    let badges = s
        .items
        .iter()
        .any(|i| model.detecting(&i.id) || model.detection(&i.id).is_some());
    let mut rows = Vec::new();
    let mut selected_row = 0;
    let mut group = usize::MAX;
    for (i, item) in s.items.iter().enumerate() {
        if item.group != group {
            group = item.group;
            let g = &s.groups[group];
            let mut spans = vec![Span::styled(format!("{} ", g.title), theme.heading)];
            match g.severity {
                Some(Severity::Critical) => spans.push(Span::styled("⚠ CRITICAL", theme.critical)),
                Some(Severity::Important) => {
                    spans.push(Span::styled("⚠ IMPORTANT", theme.important))
                }
                _ => {}
            }
            rows.push(ListItem::new(Line::from(fit_spans(spans, w, false))));
        }
        if i == model.item {
            selected_row = rows.len();
        }
        rows.push(ListItem::new(item_row(model, item, w, badges, theme)));
    }
    let list = List::new(rows).highlight_style(if focused {
        theme.selected
    } else {
        theme.selected_unfocused
    });
    let mut st = ListState::default().with_selected(Some(selected_row));
    frame.render_stateful_widget(list, inner, &mut st);
}

fn item_row(
    model: &Model,
    item: &Item,
    width: usize,
    badges: bool,
    theme: &Theme,
) -> Line<'static> {
    let status = model.status(&item.id);
    let mut spans = vec![
        Span::raw("  ".repeat(item.depth)),
        Span::styled(glyph(status), status_style(theme, status)),
        Span::raw(" "),
    ];
    if badges {
        spans.push(badge(model, &item.id, theme));
        spans.push(Span::raw(" "));
    }
    let has_note = model.record(&item.id).is_some_and(|r| r.note.is_some());
    let reserved = 2 * item.depth + 4 + if badges { 5 } else { 0 } + if has_note { 2 } else { 0 };
    let base = if status.is_settled() {
        theme.dim
    } else {
        theme.base
    };
    spans.extend(fit_spans(
        code_spans(&item.text, base, theme.code),
        width.saturating_sub(reserved),
        false,
    ));
    if has_note {
        spans.push(Span::styled(" ✎", theme.dim));
    }
    Line::from(spans)
}

fn detail_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let item = model.current_item();
    let block = pane_block(format!(" {} ", item.id), false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = detail_lines(model, theme);
    let more = wrapped_height(&lines, inner.width);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if more > inner.height as usize && inner.width > 20 {
        let hint = " Enter: all ";
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.heading)),
            Rect::new(
                area.x + area.width - hint.width() as u16 - 2,
                area.y + area.height - 1,
                hint.width() as u16,
                1,
            ),
        );
    }
}

/// The whole item, scrollable, over the panes.
fn item_view(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    let item = model.current_item();
    frame.render_widget(Clear, body);
    let block = pane_block(format!(" {} ", item.id), true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let lines = detail_lines(model, theme);
    // Word wrapping can take a few more rows than the estimate: allow them.
    let max = (wrapped_height(&lines, inner.width) as u16 + 3).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}

/// About how many rows `lines` take when wrapped at `width`.
fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum()
}

/// Everything known about the current item, as lines.
fn detail_lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let item = model.current_item();
    let s = model.current_section();
    let status = model.status(&item.id);
    let rec = model.record(&item.id);
    let mut lines = vec![Line::from(code_spans(
        &item.text,
        theme.base.add_modifier(Modifier::BOLD),
        theme.code.add_modifier(Modifier::BOLD),
    ))];
    let mut meta = vec![
        Span::styled(item.severity.as_str(), severity_style(theme, item.severity)),
        Span::styled(format!(" · {}", s.groups[item.group].title), theme.dim),
    ];
    if item.added {
        meta.push(Span::styled(" · added by harden", theme.dim));
    }
    lines.push(Line::from(meta));
    let mut st = vec![
        Span::styled(glyph(status), status_style(theme, status)),
        Span::styled(format!(" {}", status.as_str()), status_style(theme, status)),
    ];
    if let Some(r) = rec {
        if let Some(by) = &r.by {
            st.push(Span::styled(format!(" · {by}"), theme.dim));
        }
        if let Some(at) = r.at {
            st.push(Span::styled(
                format!(
                    " · {} {:02}:{:02} UTC",
                    format_date(at.date()),
                    at.hour(),
                    at.minute()
                ),
                theme.dim,
            ));
        }
    }
    lines.push(Line::from(st));
    if let Some(w) = rec.and_then(|r| r.waiver.as_ref()) {
        let until = w
            .expires
            .map(|d| format!("until {}", format_date(d)))
            .unwrap_or_else(|| "no expiry".into());
        lines.push(Line::from(vec![
            Span::styled("Waiver: ", theme.waived),
            Span::raw(crate::util::redact::redact(&format!(
                "{} · owner {} · {until}",
                w.reason, w.owner
            ))),
        ]));
    }
    if let Some(n) = rec.and_then(|r| r.note.as_ref()) {
        lines.push(Line::from(vec![
            Span::styled("Note: ", theme.heading),
            Span::raw(crate::util::redact::redact(n)),
        ]));
    }
    if let Some(file) = model.state.generated.get(&item.id) {
        lines.push(Line::from(vec![
            Span::styled("Generated: ", theme.heading),
            Span::raw(format!("{file} addresses this item")),
        ]));
    }
    if model.detecting(&item.id) {
        lines.push(Line::styled("Detecting…", theme.dim));
    } else if let Some(d) = model.detection(&item.id) {
        let mut head = vec![
            Span::styled("Detected ", theme.heading),
            Span::styled(outcome_word(d.outcome), outcome_style(theme, d.outcome)),
        ];
        if let Some(l) = &d.location {
            head.push(Span::styled(format!(" · {}:{}", l.file, l.line), theme.dim));
        }
        if rec.and_then(|r| r.overrides) == Some(d.outcome) {
            head.push(Span::styled(" · overridden by the operator", theme.waived));
        }
        lines.push(Line::from(head));
        lines.push(Line::raw(crate::util::redact::redact(&d.evidence)));
        if !d.remediation.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Fix: ", theme.heading),
                Span::raw(crate::util::redact::redact(&d.remediation)),
            ]));
        }
    }
    if let Some(h) = &item.help {
        lines.push(Line::raw(""));
        lines.push(Line::raw(h.clone()));
    }
    if let Some(ex) = &item.example {
        lines.push(Line::styled(
            if ex.lang.is_empty() {
                "Example:".to_string()
            } else {
                format!("Example ({}):", ex.lang)
            },
            theme.heading,
        ));
        for l in ex.code.lines() {
            lines.push(Line::styled(format!("  {l}"), theme.code));
        }
    }
    lines
}

fn overview(frame: &mut Frame, body: Rect, model: &Model, selected: usize, theme: &Theme) {
    let crit = model.critical_unsettled();
    let table_h = (model.checklist.sections.len() as u16 + 4).min(body.height * 3 / 5);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Fill(1)]).areas(body);
    let block = pane_block(" Overview ".into(), true, theme);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let w = inner.width as usize;
    let cols = [
        ("Done", 5),
        ("Not", 4),
        ("n/a", 4),
        ("Waived", 7),
        ("Open", 5),
        ("Total", 6),
    ];
    let nums_w: usize = cols.iter().map(|c| c.1).sum();
    let name_w = w.saturating_sub(2 + 3 + nums_w);
    let row = |mark: Span<'static>, num: String, name: String, vals: [usize; 6], st: Style| {
        let mut spans = vec![mark, Span::styled(format!("{num:>2} "), st)];
        spans.extend(fit_spans(vec![Span::styled(name, st)], name_w, true));
        for (v, (_, cw)) in vals.iter().zip(cols.iter()) {
            spans.push(Span::styled(format!("{v:>cw$}"), st));
        }
        Line::from(spans)
    };
    let mut head = vec![Span::raw("     ")];
    head.extend(fit_spans(
        vec![Span::styled("Section", theme.heading)],
        name_w,
        true,
    ));
    for (h, cw) in cols {
        head.push(Span::styled(format!("{h:>cw$}"), theme.heading));
    }
    let header = Paragraph::new(Line::from(head));
    let [hrow, list_area, total_row] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(header, hrow);
    let rows: Vec<ListItem> = model
        .checklist
        .sections
        .iter()
        .map(|s| {
            let t = model.tally(s);
            let sev = s.max_severity();
            ListItem::new(row(
                Span::styled(severity_mark(sev), severity_style(theme, sev)),
                s.number.map(|n| n.to_string()).unwrap_or_default(),
                s.title.clone(),
                [t.done, t.not_done, t.na, t.waived, t.open, t.total],
                theme.base,
            ))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        list_area,
        &mut st,
    );
    let t = model.total_tally();
    frame.render_widget(
        Paragraph::new(row(
            Span::raw("  "),
            String::new(),
            "All sections".into(),
            [t.done, t.not_done, t.na, t.waived, t.open, t.total],
            theme.heading,
        )),
        total_row,
    );

    let title = format!(" Critical items still open: {} ", crit.len());
    let block = pane_block(title, false, theme);
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    let mut lines: Vec<Line> = Vec::new();
    if !model.context.orphans.is_empty() {
        lines.push(fit(
            &format!(
                "{} answers belong to items not in this checklist (kept in the state file): {}",
                model.context.orphans.len(),
                model.context.orphans.join(", ")
            ),
            inner.width,
            theme.error,
        ));
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    if crit.is_empty() {
        lines.push(Line::styled(
            "None: every critical item is done, n/a or waived.",
            theme.done,
        ));
    }
    let shown = if crit.len() > room {
        room.saturating_sub(1)
    } else {
        crit.len()
    };
    for item in crit.iter().take(shown) {
        let status = model.status(&item.id);
        let mut spans = vec![
            Span::styled(glyph(status), status_style(theme, status)),
            Span::raw(" "),
            Span::styled(format!("{} ", item.id), theme.dim),
        ];
        let used = 4 + item.id.width() + 1;
        spans.extend(fit_spans(
            code_spans(&item.text, theme.base, theme.code),
            (inner.width as usize).saturating_sub(used),
            false,
        ));
        lines.push(Line::from(spans));
    }
    if shown < crit.len() {
        lines.push(Line::styled(
            format!("… and {} more", crit.len() - shown),
            theme.dim,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn help(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    let area = popup(body, 76, body.height);
    frame.render_widget(Clear, area);
    let block = modal_block(" Keys ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    let mut group = "";
    for b in BINDINGS {
        if b.group != group {
            if !group.is_empty() {
                lines.push(Line::raw(""));
            }
            group = b.group;
            lines.push(Line::styled(group, theme.heading));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10}", b.label), theme.key),
            Span::raw(b.help),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Status", theme.heading));
    for st in [
        OperatorStatus::Open,
        OperatorStatus::Done,
        OperatorStatus::NotDone,
        OperatorStatus::NotApplicable,
        OperatorStatus::Waived,
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10}", glyph(st)), status_style(theme, st)),
            Span::raw(st.as_str()),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled("  !!        ", theme.critical),
        Span::raw("critical    "),
        Span::styled("!  ", theme.important),
        Span::raw("important    "),
        Span::styled("✎ ", theme.dim),
        Span::raw("has a note"),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled("State file", theme.heading));
    lines.push(Line::raw(format!("  {}", model.context.state_path)));
    lines.push(Line::raw(
        "  saved after every answer; the previous version is kept as .bak",
    ));
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    if max_scroll > 0 {
        let more = if scroll.min(max_scroll) < max_scroll {
            " ↓ more "
        } else {
            " end "
        };
        let w = more.width() as u16;
        if area.width > w + 2 {
            frame.render_widget(
                Paragraph::new(Line::styled(more, theme.heading)),
                Rect::new(area.x + area.width - w - 2, area.y + area.height - 1, w, 1),
            );
        }
    }
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(max_scroll), 0)),
        inner,
    );
}

fn note_editor(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    input: &Input,
    purpose: NotePurpose,
    theme: &Theme,
) {
    let item = model.current_item();
    let area = popup(body, 72, 6);
    frame.render_widget(Clear, area);
    let title = match purpose {
        NotePurpose::Edit => format!(" Note for {} ", item.id),
        NotePurpose::Override { .. } => format!(" Override {} ", item.id),
    };
    let block = modal_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 4]).split(inner);
    let first = match purpose {
        NotePurpose::Edit => Line::from(fit_spans(
            code_spans(&item.text, theme.dim, theme.code),
            rows[0].width as usize,
            false,
        )),
        NotePurpose::Override { status, outcome } => fit(
            &format!(
                "Detected {}, you say {}: write why (required).",
                outcome_word(outcome),
                status.as_str()
            ),
            rows[0].width,
            theme.important,
        ),
    };
    frame.render_widget(Paragraph::new(first), rows[0]);
    input_line(frame, rows[2], input, true, theme);
}

/// A one-field dialog: a title, a line of explanation, the input, an error.
#[allow(clippy::too_many_arguments)]
fn prompt(
    frame: &mut Frame,
    body: Rect,
    width: u16,
    title: &str,
    explain: &str,
    input: &Input,
    error: Option<&str>,
    theme: &Theme,
) {
    let area = popup(body, width, 7);
    frame.render_widget(Clear, area);
    let block = modal_block(title.to_string(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 5]).split(inner);
    frame.render_widget(
        Paragraph::new(fit(explain, rows[0].width, theme.base)),
        rows[0],
    );
    input_line(frame, rows[2], input, true, theme);
    if let Some(e) = error {
        frame.render_widget(Paragraph::new(fit(e, rows[4].width, theme.error)), rows[4]);
    }
}

fn modal_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.heading))
}

/// One line of text input, scrolled so the cursor shows; places the
/// terminal cursor when focused.
fn input_line(frame: &mut Frame, area: Rect, input: &Input, focused: bool, theme: &Theme) {
    let width = area.width.max(1) as usize;
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let style = if focused { theme.input } else { theme.base };
    frame.render_widget(
        Paragraph::new(crate::util::redact::veil(input.value()))
            .style(style)
            .scroll((0, scroll as u16)),
        area,
    );
    if focused {
        let x = input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y));
    }
}

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Splits Markdown code spans out of checklist text: `` `KEY` `` is styled as code.
pub fn code_spans(text: &str, base: Style, code: Style) -> Vec<Span<'static>> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| Span::styled(part.to_string(), if i % 2 == 1 { code } else { base }))
        .collect()
}

/// One line cut to `width` cells, with `…` when cut.
fn fit(text: &str, width: u16, style: Style) -> Line<'static> {
    Line::from(fit_spans(
        vec![Span::styled(text.to_string(), style)],
        width as usize,
        false,
    ))
}

/// Cuts spans to `width` cells, ending with `…` when anything was cut;
/// with `pad`, fills up to `width` with spaces.
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize, pad: bool) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        let mut out = spans;
        if pad && total < width {
            out.push(Span::raw(" ".repeat(width - total)));
        }
        return out;
    }
    if width == 0 {
        return vec![];
    }
    let mut left = width - 1;
    let mut out = Vec::new();
    for s in spans {
        if left == 0 {
            break;
        }
        let mut cut = String::new();
        for c in s.content.chars() {
            let cw = c.width().unwrap_or(0);
            if cw > left {
                left = 0;
                break;
            }
            left -= cw;
            cut.push(c);
        }
        out.push(Span::styled(cut, s.style));
    }
    let pad_w = width - 1 - out.iter().map(|s| s.content.width()).sum::<usize>();
    out.push(Span::raw(format!("{}…", " ".repeat(pad_w))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis_and_pads() {
        let s = |t: &str| vec![Span::raw(t.to_string())];
        let joined = |v: Vec<Span>| v.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(joined(fit_spans(s("abcdef"), 4, false)), "abc…");
        assert_eq!(joined(fit_spans(s("ab"), 4, true)), "ab  ");
        assert_eq!(joined(fit_spans(s("日本語"), 4, false)), "日 …");
        assert_eq!(joined(fit_spans(s("abc"), 0, false)), "");
    }

    #[test]
    fn code_spans_alternate() {
        let v = code_spans("Set `KEY` now", Style::new(), Style::new().bold());
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].content, "KEY");
        assert!(v[1].style.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn tiers() {
        assert_eq!(Tier::of(Rect::new(0, 0, 80, 24)), Tier::Full);
        assert_eq!(Tier::of(Rect::new(0, 0, 79, 24)), Tier::Compact);
        assert_eq!(Tier::of(Rect::new(0, 0, 60, 18)), Tier::Compact);
        assert_eq!(Tier::of(Rect::new(0, 0, 59, 18)), Tier::TooSmall);
        assert_eq!(Tier::of(Rect::new(0, 0, 200, 17)), Tier::TooSmall);
    }
}
