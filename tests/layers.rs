//! The layering rule: every module of `src/` imports only from the layers
//! below it (ARCHITECTURE.md has the picture). An upward `use`, an upward
//! path in code, or a top-level module missing from the table fails here.

use std::fs;
use std::path::Path;

/// Bottom to top. Modules on one rank are peers and may not import each
/// other (`generate` and `report`; the commands and the fuzzing entry
/// points).
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("checklist", 1),
    ("detect", 2),
    ("version", 2),
    ("answers", 3),
    ("state", 4),
    ("review", 5),
    ("generate", 6),
    ("report", 6),
    ("fleet", 6),
    ("app", 7),
    ("ui", 8),
    ("cmd", 9),
    ("fuzzing", 9),
];

fn rank(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// The module path of a file under `src/`: `detect/probe/web.rs` is
/// `[detect, probe, web]`, `detect/mod.rs` is `[detect]`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Code without comments (doc links may name any layer) and without the
/// insides of string and character literals.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => {
                    in_string = !in_string;
                    out.push('"');
                }
                // A character literal: '"' or '\'' or 'x' (a lifetime has no
                // closing quote and stays code).
                '\'' if !in_string => {
                    let mut ahead = chars.clone();
                    let first = ahead.next();
                    let second = if first == Some('\\') {
                        ahead.next();
                        ahead.next()
                    } else {
                        ahead.next()
                    };
                    if second == Some('\'') {
                        chars = ahead;
                        out.push_str("' '");
                    } else {
                        out.push('\'');
                    }
                }
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                _ if in_string => {}
                _ => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The first segment of every path of a `{a::b, c, d::{e}}` group that
/// starts `s`, and the group's length.
fn group(s: &str) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let (mut depth, mut start) = (0usize, 1usize);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                let item = s[start..i].trim();
                names.push(if item == "self" || item == "*" {
                    item.to_string()
                } else {
                    ident(item)
                });
                start = i + 1;
                if c == '}' {
                    return (names, i + 1);
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    (names, s.len())
}

/// The top-level modules a file's code reaches: `crate::x`, `crate::{x,
/// y::z}`, or `super::` chains that climb to the crate root. `*` stands for
/// a glob, which reaches every layer.
fn reached(rel: &str, text: &str) -> Vec<(usize, String)> {
    let here = module_path(rel);
    let code = code_only(text);
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut push = |at: usize, tail: &str| {
        let names = if tail.starts_with('{') {
            group(tail).0
        } else if tail.starts_with('*') {
            vec!["*".to_string()]
        } else {
            vec![ident(tail)]
        };
        for n in names.into_iter().filter(|n| !n.is_empty()) {
            out.push((line_of(at), n));
        }
    };
    let word_before =
        |at: usize| code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    for (at, _) in code.match_indices("crate::") {
        if !word_before(at) {
            push(at, &code[at + 7..]);
        }
    }
    // An inline `mod tests { … }` is one level deeper than its file (such
    // modules close their files, so everything after the first one is).
    let inline = code
        .match_indices("mod ")
        .find(|(at, _)| {
            !word_before(*at) && {
                let rest = &code[at + 4..];
                let name = ident(rest);
                !name.is_empty() && rest[name.len()..].trim_start().starts_with('{')
            }
        })
        .map_or(usize::MAX, |(at, _)| at);
    for (at, _) in code.match_indices("super::") {
        if word_before(at) || code[..at].ends_with("super::") {
            continue;
        }
        let depth = here.len() + usize::from(at > inline);
        let mut tail = &code[at..];
        let mut ups = 0;
        while let Some(t) = tail.strip_prefix("super::") {
            ups += 1;
            tail = t;
        }
        if ups >= depth {
            push(at, tail);
        } else if ups + 1 == depth && tail.starts_with('{') {
            // `super::{super::x}` from one level down.
            let (names, _) = group(tail);
            if names.iter().any(|n| n == "super") {
                for inner in tail.split("super::").skip(1) {
                    push(at, inner);
                }
            }
        }
    }
    out
}

/// Ways around the `use` paths the check reads, refused everywhere.
const EVASIONS: &[&str] = &["use crate as", "extern crate self", "#[path", "include!("];

/// Every upward or sideways import among `files` (path under `src/`, text).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut v = Vec::new();
    for (rel, text) in files {
        if rel == "main.rs" {
            continue;
        }
        if rel == "lib.rs" {
            // Only the layers' declarations: a `pub use` here would let a
            // low layer reach a high one through the crate root.
            for (n, line) in code_only(text).lines().enumerate() {
                let l = line.trim();
                if !(l.is_empty()
                    || l.starts_with("#![")
                    || (l.starts_with("pub mod ") && l.ends_with(';')))
                {
                    v.push(format!(
                        "src/lib.rs:{}: only `pub mod` lines belong here",
                        n + 1
                    ));
                }
            }
            continue;
        }
        for e in EVASIONS {
            if code_only(text).contains(e) {
                v.push(format!(
                    "src/{rel}: `{e}` would hide what this file imports"
                ));
            }
        }
        let top = module_path(rel)[0].clone();
        let Some(mine) = rank(&top) else {
            v.push(format!(
                "src/{rel}: module `{top}` is not in the layer table of tests/layers.rs"
            ));
            continue;
        };
        for (line, name) in reached(rel, text) {
            if name == top {
                continue;
            }
            if name == "*" {
                v.push(format!(
                    "src/{rel}:{line}: a glob of the crate root reaches every layer"
                ));
                continue;
            }
            match rank(&name) {
                Some(theirs) if theirs < mine => {}
                Some(_) => v.push(format!(
                    "src/{rel}:{line}: `{top}` may not import `{name}` (same layer or above)"
                )),
                // `crate::` followed by something that is not a module of ours
                // (a macro or a keyword) is not an import of a layer.
                None => {}
            }
        }
    }
    v
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            sources(&p, root, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.push((rel, fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn every_layer_imports_only_from_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 40, "found only {} sources", files.len());
    let v = violations(&files);
    assert!(v.is_empty(), "upward imports:\n{}", v.join("\n"));
    // Every top-level module of lib.rs is in the table, and every row of
    // the table is a module.
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    let mut declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let mut table: Vec<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    declared.sort_unstable();
    table.sort_unstable();
    assert_eq!(declared, table, "lib.rs declares exactly the layers");
}

#[test]
fn an_upward_import_is_caught() {
    let f = |rel: &str, text: &str| vec![(rel.to_string(), text.to_string())];
    // The cycle this rule removed: a detector reaching the terminal layer.
    let v = violations(&f(
        "detect/probe/web.rs",
        "use crate::checklist::Outcome;\nfn d() -> String { crate::app::format_date(x) }\n",
    ));
    assert_eq!(
        v,
        ["src/detect/probe/web.rs:2: `detect` may not import `app` (same layer or above)"]
    );
    // Through `super::` chains that climb to the crate root.
    let v = violations(&f(
        "state/store.rs",
        "use super::super::review::evaluate;\n",
    ));
    assert_eq!(v.len(), 1, "{v:?}");
    // Peers may not import each other.
    let v = violations(&f("report/json.rs", "use crate::generate::render;\n"));
    assert_eq!(v.len(), 1, "{v:?}");
    // A module missing from the table.
    let v = violations(&f("extra/mod.rs", "use crate::util::fsio;\n"));
    assert_eq!(v.len(), 1, "{v:?}");
    // Grouped imports, on one line or several.
    let v = violations(&f(
        "util/fsio.rs",
        "use crate::{checklist::Item, util::x};\n",
    ));
    assert_eq!(v.len(), 1, "{v:?}");
    let v = violations(&f(
        "detect/env/rules.rs",
        "use crate::{\n    detect::Finding,\n    review::evaluate,\n};\n",
    ));
    assert_eq!(
        v,
        ["src/detect/env/rules.rs:1: `detect` may not import `review` (same layer or above)"]
    );
    let v = violations(&f(
        "state/store.rs",
        "use super::{super::app::Model, lock};\n",
    ));
    assert_eq!(v.len(), 1, "{v:?}");
    // A glob of the crate root, a re-export at the root, and ways around paths.
    assert_eq!(violations(&f("util/text.rs", "use crate::*;\n")).len(), 1);
    assert_eq!(
        violations(&f("lib.rs", "pub mod util;\npub use app::Model;\n")).len(),
        1
    );
    assert_eq!(
        violations(&f("util/text.rs", "use crate as root;\n")).len(),
        1
    );
    assert_eq!(
        violations(&f("util/text.rs", "#[path = \"../app/mod.rs\"]\nmod x;\n")).len(),
        1
    );
    // A character literal holding a quote does not hide the code after it.
    let v = violations(&f(
        "detect/envfile.rs",
        "let q = '\"'; let m = crate::app::Mode::Browse;\n",
    ));
    assert_eq!(v.len(), 1, "{v:?}");
    // `super::*` in a test module is its own file's module, not the root.
    assert!(
        violations(&f(
            "report/mod.rs",
            "pub mod json;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n"
        ))
        .is_empty()
    );
    // Downward imports, comments, strings and in-module `super::` pass.
    let ok = "use crate::util::fsio;\n// see crate::app for the screen\nuse super::code;\nlet u = \"https://crate::app\";\n";
    assert!(violations(&f("detect/env.rs", ok)).is_empty());
}
