//! The main screen: the sections, items and detail panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, List, ListItem, ListState, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::{Focus, Model};
use crate::checklist::{Item, Section, Severity};

use super::{
    Theme, Tier,
    item::{detail_lines, wrapped_height},
    marks::{badge, glyph, severity_mark, severity_style, status_style},
    widgets::{code_spans, fit_spans},
};

pub(super) fn main_panes(frame: &mut Frame, body: Rect, model: &Model, tier: Tier, theme: &Theme) {
    match tier {
        Tier::Full => {
            // Three tenths of a wide screen, so that section names and
            // their bars are whole at 160 columns; never under 32 or over 50.
            let list_w = (body.width * 3 / 10).clamp(32, 50);
            let [left, right] =
                Layout::horizontal([Constraint::Length(list_w), Constraint::Fill(1)]).areas(body);
            sections_pane(frame, left, model, theme);
            // At the smallest full size the detail keeps its first lines
            // (text, severity, answer, detection) and Enter shows all:
            // each move then rewrites fewer cells (issue 14's bytes per key).
            let detail_h = if body.height < 24 {
                6
            } else {
                (body.height * 2 / 5).max(8)
            };
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

pub(super) fn pane_block(title: String, focused: bool, theme: &Theme) -> Block<'static> {
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

pub(super) fn sections_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
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

pub(super) fn section_row(
    model: &Model,
    s: &Section,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let t = model.tally(s);
    let sev = s.max_severity();
    let num = s
        .number
        .map(|n| format!("{n:>2} "))
        .unwrap_or_else(|| "   ".into());
    // Answered of total: "not done" is an answer; the bar tells good from bad.
    let count = format!(" {}/{}", t.answered(), t.total);
    let complete = t.open == 0;
    // The bar takes room only where the title keeps a readable share.
    let bar_w = match width {
        50.. => 8,
        26.. => 4,
        _ => 0,
    };
    let title_w =
        width.saturating_sub(2 + num.width() + count.width() + bar_w + usize::from(bar_w > 0));
    let mut spans = vec![
        Span::styled(severity_mark(sev), severity_style(theme, sev)),
        Span::raw(num),
    ];
    spans.extend(fit_spans(vec![Span::raw(s.title.clone())], title_w, true));
    if bar_w > 0 {
        spans.push(Span::raw(" "));
        spans.extend(super::progress::bar(&t, bar_w, theme));
    }
    spans.push(Span::styled(
        count,
        if complete && t.not_done == 0 {
            theme.done
        } else {
            theme.dim
        },
    ));
    Line::from(spans)
}

pub(super) fn items_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let s = model.current_section();
    let t = model.tally(s);
    let focused = model.focus == Focus::Items;
    let block = pane_block(
        format!(" {} · {} ", s.label(), super::progress::counts(&t)),
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

pub(super) fn item_row(
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

pub(super) fn detail_pane(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
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
