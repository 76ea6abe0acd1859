//! The application itself as evidence: rules over the parsed Python
//! sources and the repository's files that decide checklist items from
//! what the code does (a `CORSMiddleware` that lets any origin send
//! credentials, a password hashed with MD5, a logger call that prints a
//! token), each with `file:line` and a fix. A setting the code passes is
//! judged with the value the application runs with (the effective
//! configuration), not with its name.
//!
//! Every rule is in [`rules::RULES`] with its id, the items it informs, a
//! severity and why it matters (`harden rules` lists them). Nothing of
//! the project is imported or run.

mod api;
mod auth;
mod cookies;
mod cors;
mod deploy;
mod exposure;
mod logs;
mod platform;
mod repo;
pub mod routes;
pub mod rules;

use crate::detect::python::Field as _;
use tree_sitter::Node;

use super::envfile::EnvFile;
use super::python::index::CallNode;
use super::python::{Index, Source, Sources};
use super::{Detector, Finding, Inputs, Location, Report};

/// What every rule may look at: the sources, and the nodes rules look
/// for, gathered in one walk of each tree (rules never walk the trees
/// again: 2,000 files took 10 s when each rule did).
pub(crate) struct Ctx<'a> {
    pub sources: &'a Sources,
    /// The configuration the application runs with, by checklist key.
    pub effective: Option<&'a EnvFile>,
    pub project: &'a std::path::Path,
    /// Every call of the application's code, in file order.
    pub calls: Vec<Call<'a>>,
    /// Every assignment of the application's code.
    pub assignments: Vec<(&'a Source, Node<'a>)>,
    /// Every function definition of the application's code.
    pub functions: Vec<(&'a Source, Node<'a>)>,
    /// Route handlers: the definition and "POST /path".
    pub routes: Vec<(&'a Source, Node<'a>, String)>,
}

impl<'a> Ctx<'a> {
    pub fn new<'s: 'a>(
        index: &'a Index<'s>,
        effective: Option<&'a EnvFile>,
        project: &'a std::path::Path,
    ) -> Self {
        let mut ctx = Ctx {
            sources: index.sources,
            effective,
            project,
            calls: Vec::new(),
            assignments: Vec::new(),
            functions: Vec::new(),
            routes: Vec::new(),
        };
        for f in &index.files {
            let src = f.src;
            ctx.calls.extend(f.calls.iter().map(|c| Call::new(src, c)));
            ctx.assignments
                .extend(f.assignments.iter().map(|&node| (src, node)));
            ctx.functions
                .extend(f.functions.iter().map(|&node| (src, node)));
            for &node in &f.decorated {
                if let Some((def, route)) = api::route_of(src, node) {
                    ctx.routes.push((src, def, route));
                }
            }
        }
        ctx
    }
}

/// Every item a code rule fills.
pub fn items() -> &'static [&'static str] {
    static ITEMS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<&'static str> = rules::RULES
            .iter()
            .filter(|r| !r.fallback)
            .flat_map(|r| r.items.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    &ITEMS
}

/// Items of the live web probe the code decides when the probe did not
/// run: `(item, why it was not probed)` in, findings out. Only files
/// that name what these rules look for are parsed.
pub fn live_fallbacks(project: &std::path::Path, skipped: &[(&str, &str)]) -> Vec<Finding> {
    let wants = |id: &str| skipped.iter().find(|(i, _)| *i == id).map(|(_, why)| *why);
    let (cookies, docs) = (wants("headers.cookies"), wants("api.docs_hidden"));
    if cookies.is_none() && docs.is_none() {
        return Vec::new();
    }
    let sources = Sources::load_if(project, &|t: &str| {
        t.contains("set_cookie") || t.contains("SessionMiddleware") || t.contains("FastAPI")
    });
    let index = Index::new(&sources);
    let mut out = Vec::new();
    out.extend(cookies.and_then(|why| cookies::in_code(&index, why)));
    out.extend(docs.and_then(|why| exposure::docs(&index, why)));
    if let Some(note) = not_read(&sources, project) {
        for f in out.iter_mut().filter(|f| f.outcome == super::Outcome::Pass) {
            f.evidence.push_str(&note);
        }
    }
    out
}

/// What of the project's Python was not read, as a note for a pass.
fn not_read(sources: &Sources, project: &std::path::Path) -> Option<String> {
    let root = format!("{}/", project.display());
    if sources.skipped.is_empty() && !sources.truncated {
        return None;
    }
    let mut parts: Vec<String> = sources
        .skipped
        .iter()
        .take(3)
        .map(|(p, why)| format!("{} ({})", p.display(), why.replace(&root, "")))
        .collect();
    if sources.skipped.len() > 3 {
        parts.push(format!("{} more", sources.skipped.len() - 3));
    }
    if sources.truncated {
        parts.push(format!(
            "every file past the first {}",
            super::python::MAX_FILES
        ));
    }
    Some(format!(" (not read, so not judged: {})", parts.join(", ")))
}

/// Runs every code rule over the project.
pub fn detect(inputs: &Inputs) -> Report {
    let sources = Sources::load(&inputs.project);
    let mut findings = {
        let index = Index::new(&sources);
        let effective = super::env::effective(inputs, &index);
        let ctx = Ctx::new(&index, effective.as_ref(), &inputs.project);
        run(&ctx)
    };
    // A pass says what was read: files left out may hold what it looks for.
    if let Some(note) = not_read(&sources, &inputs.project) {
        for f in findings
            .iter_mut()
            .filter(|f| f.outcome == super::Outcome::Pass)
        {
            f.evidence.push_str(&note);
        }
    }
    // Freeing the syntax trees of a large project takes a tenth of a
    // second that nobody waits for: a thread of its own does it (the
    // process may end first, which frees them all at once).
    if sources.files.len() > 256 {
        std::thread::spawn(move || drop(sources));
    }
    Report::new(Detector::Code, findings)
}

/// The findings of every rule, one per item.
pub(crate) fn run(ctx: &Ctx) -> Vec<Finding> {
    // The groups are independent: on a large project each takes tens of
    // milliseconds, so they run side by side.
    let groups: [fn(&Ctx) -> Vec<Finding>; 7] = [
        cors::check,
        api::check,
        auth::check,
        logs::check,
        platform::check,
        repo::check,
        deploy::check,
    ];
    if ctx.calls.len() < 10_000 {
        return groups.iter().flat_map(|g| g(ctx)).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = groups.iter().map(|g| scope.spawn(|| g(ctx))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// A call found in the application's code, its parts looked up once
/// (every rule asks for them, and tree-sitter finds a field by name with
/// a string comparison per field of the grammar).
pub(crate) struct Call<'a> {
    pub src: &'a Source,
    pub node: Node<'a>,
    callee: &'a str,
    name: &'a str,
    args: Option<Node<'a>>,
}

impl<'a> Call<'a> {
    pub fn new(src: &'a Source, c: &CallNode<'a>) -> Call<'a> {
        Call {
            src,
            node: c.node,
            callee: c.callee,
            name: c.name,
            args: c.args,
        }
    }

    /// The last part of the called name (`CORSMiddleware`, `decode`).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The whole called expression (`jwt.decode`, `app.add_middleware`).
    pub fn callee(&self) -> &'a str {
        self.callee
    }

    /// The argument list.
    pub fn args(&self) -> Option<Node<'a>> {
        self.args
    }

    /// A keyword argument's value node.
    pub fn kwarg(&self, name: &str) -> Option<Node<'a>> {
        let args = self.args?;
        let mut c = args.walk();
        let found = args.named_children(&mut c).find(|a| {
            a.kind() == "keyword_argument"
                && a.field("name").is_some_and(|n| self.src.text_of(n) == name)
        });
        found.and_then(|a| a.field("value"))
    }

    /// The positional arguments.
    pub fn positional(&self) -> Vec<Node<'a>> {
        let Some(args) = self.args else {
            return Vec::new();
        };
        let mut c = args.walk();
        args.named_children(&mut c)
            .filter(|a| a.kind() != "keyword_argument")
            .collect()
    }

    pub fn text(&self, n: Node) -> &'a str {
        self.src.text_of(n)
    }

    /// `path:line` of the call.
    pub fn at(&self) -> String {
        self.src.at(self.node)
    }

    pub fn location(&self) -> Location {
        Location {
            file: self.src.path.display().to_string(),
            line: self.src.line(self.node),
        }
    }
}

/// True when a node is the literal `True`.
pub(crate) fn is_true(src: &Source, n: Option<Node>) -> bool {
    n.is_some_and(|n| src.text_of(n) == "True")
}

/// The string elements of a literal list, tuple or set (`["*"]`), or
/// `None` when the node is not such a literal.
pub(crate) fn literal_strings(src: &Source, n: Node) -> Option<Vec<String>> {
    match n.kind() {
        "list" | "tuple" | "set" => {
            let mut c = n.walk();
            let mut out = Vec::new();
            for e in n.named_children(&mut c) {
                out.push(string_value(src, e)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The value of a plain string literal (no f-string interpolation).
pub(crate) fn string_value(src: &Source, n: Node) -> Option<String> {
    if n.kind() != "string" {
        return None;
    }
    let mut c = n.walk();
    if n.named_children(&mut c)
        .any(|k| k.kind() == "interpolation")
    {
        return None;
    }
    let t = src.text_of(n);
    let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let q = body.chars().next()?;
    let body = body.trim_start_matches(q).trim_end_matches(q);
    Some(body.to_string())
}

/// The enclosing function definition of a node, if any.
pub(crate) fn enclosing_function(n: Node) -> Option<Node> {
    let mut p = n.parent();
    while let Some(x) = p {
        if x.kind() == "function_definition" {
            return Some(x);
        }
        p = x.parent();
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Findings of every rule over in-memory files, keyed by item.
    pub fn findings(
        files: &[(&str, &str)],
        env: Option<&str>,
    ) -> std::collections::BTreeMap<String, Finding> {
        let sources = Sources::from_texts(files);
        let effective = env.map(|e| super::super::envfile::parse(e.as_bytes()));
        let dir = tempfile::tempdir().unwrap();
        let index = Index::new(&sources);
        let ctx = Ctx::new(&index, effective.as_ref(), dir.path());
        run(&ctx).into_iter().map(|f| (f.item.clone(), f)).collect()
    }

    /// The finding of one item over one file, `app/main.py`.
    pub fn one(code: &str, item: &str) -> Finding {
        findings(&[("app/main.py", code)], None)
            .remove(item)
            .unwrap()
    }

    #[test]
    fn every_rule_item_is_an_item_of_the_checklist_and_filled_once() {
        let c = crate::checklist::load_embedded().unwrap();
        for id in items() {
            assert!(c.item(id).is_some(), "{id}");
        }
        for d in Detector::ALL.iter().filter(|d| **d != Detector::Code) {
            for id in d.items() {
                assert!(!items().contains(id), "{id} is also filled by {}", d.name());
            }
        }
    }
}
