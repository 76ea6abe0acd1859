//! Progress as a picture: a stacked bar of done, not done, set aside (n/a
//! or waived) and unanswered, drawn in shades (█ ▓ ▒ ░) so it reads without
//! colour too; the colour theme adds green, red and magenta.

use ratatui::text::Span;

use crate::app::Tally;

use super::Theme;

/// The glyph of each part: done, not done, n/a or waived, unanswered.
pub const GLYPHS: [char; 4] = ['█', '▓', '▒', '░'];

/// How many of `width` cells each part gets: proportional, largest
/// remainders first, and at least one cell for any part that is not empty
/// (a single item not done must show), taken from the largest part.
pub fn split(t: &Tally, width: usize) -> [usize; 4] {
    let parts = [t.done, t.not_done, t.na + t.waived, t.open];
    let total: usize = parts.iter().sum();
    if total == 0 || width == 0 {
        return [0, 0, 0, width];
    }
    let mut cells = parts.map(|p| p * width / total);
    let mut rest: Vec<usize> = (0..4).collect();
    rest.sort_by_key(|&i| std::cmp::Reverse((parts[i] * width) % total));
    let mut left = width - cells.iter().sum::<usize>();
    for &i in rest.iter().cycle().take(4 * width) {
        if left == 0 {
            break;
        }
        if parts[i] > 0 {
            cells[i] += 1;
            left -= 1;
        }
    }
    for i in 0..4 {
        if parts[i] > 0 && cells[i] == 0 {
            let largest = (0..4).max_by_key(|&j| cells[j]).unwrap_or(0);
            if cells[largest] > 1 {
                cells[largest] -= 1;
                cells[i] = 1;
            }
        }
    }
    cells
}

/// The bar as styled spans, `width` cells wide.
pub fn bar(t: &Tally, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    let styles = [theme.done, theme.not_done, theme.waived, theme.dim];
    split(t, width)
        .iter()
        .zip(GLYPHS)
        .zip(styles)
        .filter(|((n, _), _)| **n > 0)
        .map(|((n, g), st)| Span::styled(g.to_string().repeat(*n), st))
        .collect()
}

/// "7/10 answered · 5 done" (and the not done, when any).
pub fn counts(t: &Tally) -> String {
    let mut s = format!("{}/{} answered · {} done", t.answered(), t.total, t.done);
    if t.not_done > 0 {
        s.push_str(&format!(" · {} not done", t.not_done));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(done: usize, not_done: usize, na: usize, waived: usize, open: usize) -> Tally {
        Tally {
            done,
            not_done,
            na,
            waived,
            open,
            total: done + not_done + na + waived + open,
        }
    }

    #[test]
    fn the_bar_is_proportional_and_fills_its_width() {
        assert_eq!(split(&tally(5, 0, 0, 0, 5), 10), [5, 0, 0, 5]);
        assert_eq!(split(&tally(0, 0, 0, 0, 10), 8), [0, 0, 0, 8]);
        assert_eq!(split(&tally(3, 3, 2, 1, 1), 10), [3, 3, 3, 1]);
        for w in 1..12 {
            for t in [
                tally(1, 2, 3, 4, 217),
                tally(7, 0, 0, 0, 3),
                tally(0, 1, 0, 0, 0),
            ] {
                assert_eq!(split(&t, w).iter().sum::<usize>(), w, "{t:?} at {w}");
            }
        }
    }

    #[test]
    fn a_single_not_done_among_many_still_shows() {
        let cells = split(&tally(0, 1, 0, 0, 226), 8);
        assert_eq!(cells[1], 1, "{cells:?}");
        assert_eq!(cells[3], 7);
    }

    #[test]
    fn counts_separate_answered_from_done() {
        assert_eq!(
            counts(&tally(5, 2, 0, 0, 3)),
            "7/10 answered · 5 done · 2 not done"
        );
        assert_eq!(counts(&tally(5, 0, 1, 1, 3)), "7/10 answered · 5 done");
    }
}
