//! The overview of every section.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::app::Model;

use super::{
    Theme,
    marks::{glyph, severity_mark, severity_style, status_style},
    panes::pane_block,
    widgets::{code_spans, fit, fit_spans},
};

pub(super) fn overview(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    selected: usize,
    theme: &Theme,
) {
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
