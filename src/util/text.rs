//! Positions in text: the line and column an error message names.

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn lines_and_columns_count_characters() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // `é` is two bytes, one column.
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 9), (3, 2));
        assert_eq!(line_col(t, 999), (3, 2));
    }
}

/// Text made inert for Markdown (a report cell, a runbook line): HTML
/// metacharacters as entities, Markdown's punctuation escaped, control
/// characters as spaces. Evidence quotes what servers send (a CSP, a
/// Server header), which must not become a link or markup in a report.
pub fn markdown_inert(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod markdown_tests {
    #[test]
    fn markup_from_a_server_stays_text() {
        let v = "nginx <img src=x onerror=alert(1)> [x](http://evil.test) | a\nb";
        let m = super::markdown_inert(v);
        assert!(
            !m.contains('<') && !m.contains("](") && !m.contains('\n'),
            "{m}"
        );
        assert!(m.contains("\\|"));
    }
}
