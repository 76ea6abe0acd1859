//! The sign-off form: where the review stands first, then the names and
//! dates, then a confirmation that repeats them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{Model, SignOffForm};

use super::{
    Theme,
    widgets::{fit, input_line, modal_block, popup, wrap_words},
};

/// The sign-off form.
pub(super) fn signoff(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    form: &SignOffForm,
    theme: &Theme,
) {
    let area = popup(body, 70, 15);
    frame.render_widget(Clear, area);
    let block = modal_block(" Security review sign-off ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 13]).split(inner);
    let c = crate::app::signoff::counts(model);
    let t = c.tally;
    frame.render_widget(
        Paragraph::new(fit(
            &format!(
                "{} items: {} done, {} not done, {} n/a, {} waived",
                t.total, t.done, t.not_done, t.na, t.waived
            ),
            rows[0].width,
            theme.base,
        )),
        rows[0],
    );
    let sev = |n: [usize; 3]| format!("{} critical, {} important, {} normal", n[0], n[1], n[2]);
    for (row, label, n) in [(1, "Unanswered", c.unanswered), (2, "Not done", c.not_done)] {
        let style = if n.iter().sum::<usize>() > 0 {
            theme.important
        } else {
            theme.done
        };
        frame.render_widget(
            Paragraph::new(fit(&format!("{label}: {}", sev(n)), rows[row].width, style)),
            rows[row],
        );
    }
    if c.overridden.iter().sum::<usize>() > 0 {
        frame.render_widget(
            Paragraph::new(fit(
                &format!(
                    "Done against a failing detection (with a note): {}",
                    sev(c.overridden)
                ),
                rows[3].width,
                theme.important,
            )),
            rows[3],
        );
    }
    for (i, label) in crate::app::SIGNOFF_LABELS.iter().enumerate() {
        let [l, r] = Layout::horizontal([Constraint::Length(15), Constraint::Fill(1)])
            .areas(rows[4 + i * 2]);
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{label}:"), theme.heading)),
            l,
        );
        input_line(
            frame,
            r,
            &form.inputs[i],
            form.field == i && !form.confirm,
            theme,
        );
    }
    let v = |i: usize| form.inputs[i].value().trim().to_string();
    let (text, style) = if form.confirm {
        (
            format!(
                "Sign off as reviewed by {} on {} and approved by {} on {}, with {} items unanswered? y signs; any other key goes back.",
                v(0),
                v(1),
                v(2),
                v(3),
                t.open
            ),
            theme.important,
        )
    } else if let Some(e) = &form.error {
        (e.clone(), theme.error)
    } else {
        (
            "Enter checks the fields and asks to confirm. The sign-off records the checklist sha256 and a digest of every status."
                .to_string(),
            theme.dim,
        )
    };
    let lines: Vec<Line> = wrap_words(&crate::util::redact::redact(&text), rows[11].width as usize)
        .into_iter()
        .take(2)
        .map(|l| Line::from(Span::styled(l, style)))
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: 2,
            ..rows[11]
        },
    );
}
