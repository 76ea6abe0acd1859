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
    ("answers", 3),
    ("state", 4),
    ("review", 5),
    ("generate", 6),
    ("report", 6),
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
/// insides of string literals.
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
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                _ if in_string => {}
                _ => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// The top-level modules a file's code reaches: `crate::x`, or `super::`
/// chains that climb to the crate root.
fn reached(rel: &str, text: &str) -> Vec<(usize, String)> {
    let here = module_path(rel);
    let mut out = Vec::new();
    for (n, line) in code_only(text).lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let name: String = rest[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = &rest[i + 7..];
        }
        let mut rest = line;
        while let Some(i) = rest.find("super::") {
            let preceded = rest[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            let mut tail = &rest[i..];
            let mut ups = 0;
            while let Some(t) = tail.strip_prefix("super::") {
                ups += 1;
                tail = t;
            }
            if !preceded && ups >= here.len() {
                let name: String = tail
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
            rest = &rest[i + 7 * ups..];
        }
    }
    out
}

/// Every upward or sideways import among `files` (path under `src/`, text).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut v = Vec::new();
    for (rel, text) in files {
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
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
    // Downward imports, comments, strings and in-module `super::` pass.
    let ok = "use crate::util::fsio;\n// see crate::app for the screen\nuse super::code;\nlet u = \"https://crate::app\";\n";
    assert!(violations(&f("detect/env.rs", ok)).is_empty());
}
