//! The list screens that lead to items: the overview, the sign-off refusal
//! and the re-review. Rows come from [`crate::app::lists`]; long rows wrap
//! instead of being cut, and the list scrolls with its cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState};
use unicode_width::UnicodeWidthStr;

use crate::app::Model;
use crate::app::lists::{Kind, Row, Tone, rows, settle};
use crate::util::dates::format_date;
use crate::util::redact::redact;

use super::{
    Theme,
    marks::{severity_mark, severity_style},
    panes::pane_block,
    progress,
    widgets::{fit_spans, wrap_words},
};

fn tone(theme: &Theme, t: Tone) -> Style {
    match t {
        Tone::Plain => theme.base,
        Tone::Bad => theme.critical,
        Tone::Warn => theme.important,
        Tone::Good => theme.done,
        Tone::Faint => theme.dim,
        Tone::Heading => theme.heading,
    }
}

fn title(model: &Model, kind: Kind) -> String {
    match kind {
        Kind::Overview => format!(" Overview · {} ", progress::counts(&model.total_tally())),
        Kind::Blockers => " Sign-off refused ".into(),
        Kind::Rereview => match model.state.signoffs.last() {
            Some(last) => format!(
                " Since the sign-off of {} (reviewed by {}, approved by {}) ",
                format_date(last.approved_date),
                last.reviewed_by,
                last.approved_by
            ),
            None => " Re-review ".into(),
        },
    }
}

/// The counts beside a bar: in words where there is room, else answered
/// of total only (the bar shows the rest).
fn counts_for(t: &crate::app::Tally, width: usize) -> String {
    if width >= 70 {
        progress::counts(t)
    } else {
        format!("{}/{}", t.answered(), t.total)
    }
}

/// A section or the total: name, bar, counts.
/// `counts_w` is the widest counts column of the list, so bars line up.
fn bar_row(
    model: &Model,
    row: &Row,
    width: usize,
    counts_w: usize,
    theme: &Theme,
) -> Line<'static> {
    let (mark, name, t, st) = match row {
        Row::Section(si) => {
            let s = &model.checklist.sections[*si];
            let sev = s.max_severity();
            let num = s
                .number
                .map(|n| format!("{n:>2} "))
                .unwrap_or_else(|| "   ".into());
            (
                Span::styled(severity_mark(sev), severity_style(theme, sev)),
                format!("{num}{}", s.title),
                model.tally(s),
                theme.base,
            )
        }
        _ => (
            Span::raw("  "),
            "   All sections".to_string(),
            model.total_tally(),
            theme.heading,
        ),
    };
    let counts = format!(" {}", counts_for(&t, width));
    let bar_w = if width >= 90 { 20 } else { 10 };
    let name_w = width.saturating_sub(2 + 1 + bar_w + counts_w.max(counts.width()));
    let mut spans = vec![mark];
    spans.extend(fit_spans(vec![Span::styled(name, st)], name_w, true));
    spans.push(Span::raw(" "));
    spans.extend(progress::bar(&t, bar_w, theme));
    spans.extend(fit_spans(
        vec![Span::styled(counts, st)],
        width.saturating_sub(2 + name_w + 1 + bar_w),
        false,
    ));
    Line::from(spans)
}

/// Draws a list screen over the body.
pub(super) fn list_screen(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    kind: Kind,
    selected: usize,
    theme: &Theme,
) {
    frame.render_widget(Clear, body);
    let block = pane_block(redact(&title(model, kind)), true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let w = inner.width as usize;
    let rows = rows(model, kind);
    let counts_w = model
        .checklist
        .sections
        .iter()
        .map(|s| model.tally(s))
        .chain([model.total_tally()])
        .map(|t| counts_for(&t, w).width() + 1)
        .max()
        .unwrap_or(0);
    let items: Vec<ListItem> = rows
        .iter()
        .map(|r| match r {
            Row::Section(_) | Row::Total => ListItem::new(bar_row(model, r, w, counts_w, theme)),
            // Ids and sentences can come from a state file: masked and
            // made inert like every other text on screen.
            Row::Text(text, t) => ListItem::new(
                wrap_words(&redact(text), w)
                    .into_iter()
                    .map(|l| Line::styled(l, tone(theme, *t)))
                    .collect::<Vec<_>>(),
            ),
            Row::Item { id, text, tone: t } => {
                let (id, text) = (&redact(id), &redact(text));
                // The id leads the row unless the sentence names it already.
                let whole = if text.contains(id.as_str()) {
                    text.clone()
                } else {
                    format!("{id}  {text}")
                };
                let lines = wrap_words(&whole, w.saturating_sub(2));
                ListItem::new(
                    lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let st = tone(theme, *t);
                            if let (0, Some(at)) = (i, l.find(id.as_str())) {
                                Line::from(vec![
                                    Span::raw("  "),
                                    Span::styled(l[..at].to_string(), st),
                                    Span::styled(id.clone(), theme.key),
                                    Span::styled(l[at + id.len()..].to_string(), st),
                                ])
                            } else {
                                Line::from(vec![Span::raw("  "), Span::styled(l, st)])
                            }
                        })
                        .collect::<Vec<_>>(),
                )
            }
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(settle(&rows, selected)));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme.selected),
        inner,
        &mut st,
    );
}
