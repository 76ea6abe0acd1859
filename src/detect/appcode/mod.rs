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
mod cors;
mod logs;
mod platform;
mod repo;
pub mod rules;

use tree_sitter::Node;

use super::envfile::EnvFile;
use super::python::{Source, Sources, descendants, last_name};
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
    pub fn new(
        sources: &'a Sources,
        effective: Option<&'a EnvFile>,
        project: &'a std::path::Path,
    ) -> Self {
        let mut ctx = Ctx {
            sources,
            effective,
            project,
            calls: Vec::new(),
            assignments: Vec::new(),
            functions: Vec::new(),
            routes: Vec::new(),
        };
        for src in sources.app() {
            for node in descendants(src.tree.root_node()) {
                match node.kind() {
                    "call" => ctx.calls.push(Call { src, node }),
                    "assignment" => ctx.assignments.push((src, node)),
                    "function_definition" => ctx.functions.push((src, node)),
                    "decorated_definition" => {
                        if let Some((def, route)) = api::route_of(src, node) {
                            ctx.routes.push((src, def, route));
                        }
                    }
                    _ => {}
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
            .flat_map(|r| r.items.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    &ITEMS
}

/// Runs every code rule over the project.
pub fn detect(inputs: &Inputs) -> Report {
    let sources = Sources::load(&inputs.project);
    let effective = super::env::effective(inputs, &sources);
    let ctx = Ctx::new(&sources, effective.as_ref(), &inputs.project);
    Report::new(Detector::Code, run(&ctx))
}

/// The findings of every rule, one per item.
pub(crate) fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(cors::check(ctx));
    out.extend(api::check(ctx));
    out.extend(auth::check(ctx));
    out.extend(logs::check(ctx));
    out.extend(platform::check(ctx));
    out.extend(repo::check(ctx));
    out
}

/// A call found in the application's code.
pub(crate) struct Call<'a> {
    pub src: &'a Source,
    pub node: Node<'a>,
}

impl<'a> Call<'a> {
    /// The last part of the called name (`CORSMiddleware`, `decode`).
    pub fn name(&self) -> &'a str {
        self.node
            .child_by_field_name("function")
            .map_or("", |f| last_name(self.src, f))
    }

    /// The whole called expression (`jwt.decode`, `app.add_middleware`).
    pub fn callee(&self) -> &'a str {
        self.node
            .child_by_field_name("function")
            .map_or("", |f| self.src.text_of(f))
    }

    /// A keyword argument's value node.
    pub fn kwarg(&self, name: &str) -> Option<Node<'a>> {
        let args = self.node.child_by_field_name("arguments")?;
        let mut c = args.walk();
        let found = args.named_children(&mut c).find(|a| {
            a.kind() == "keyword_argument"
                && a.child_by_field_name("name")
                    .is_some_and(|n| self.src.text_of(n) == name)
        });
        found.and_then(|a| a.child_by_field_name("value"))
    }

    /// The positional arguments.
    pub fn positional(&self) -> Vec<Node<'a>> {
        let Some(args) = self.node.child_by_field_name("arguments") else {
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
        let ctx = Ctx::new(&sources, effective.as_ref(), dir.path());
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
