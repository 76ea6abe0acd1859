//! The nodes detectors look for, gathered in one walk of each tree, on
//! every core. Walking is most of the cost of reading a large project
//! (a cursor step per node): the settings table, the concepts and every
//! code rule read these lists instead of walking the trees again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock};

use tree_sitter::{Language, Node};

use super::value::{Consts, Value, eval};
use super::{Source, Sources};

/// A call and its parts, looked up once on every core (the settings
/// table, the concepts and every rule ask for them).
#[derive(Clone, Copy)]
pub struct CallNode<'a> {
    pub node: Node<'a>,
    /// The whole called expression (`jwt.decode`).
    pub callee: &'a str,
    /// Its last part (`decode`).
    pub name: &'a str,
    pub args: Option<Node<'a>>,
}

/// The nodes of one file, each list in source order.
pub struct FileNodes<'a> {
    pub src: &'a Source,
    pub calls: Vec<CallNode<'a>>,
    pub assignments: Vec<Node<'a>>,
    pub functions: Vec<Node<'a>>,
    pub classes: Vec<Node<'a>>,
    pub decorated: Vec<Node<'a>>,
    pub subscripts: Vec<Node<'a>>,
    /// `getattr(x, "name")`: the name and the line.
    getattrs: Vec<(String, usize)>,
    /// Where names are used, gathered on the first question about a name
    /// the file's text holds (most files are never asked about).
    uses: OnceLock<FileUses<'a>>,
}

/// The names of one file.
#[derive(Default)]
struct FileUses<'a> {
    /// `.name` of every attribute: its lines.
    attributes: HashMap<&'a str, Vec<usize>>,
    /// Every bare name (not the `.name` of an attribute): line and start
    /// byte.
    names: HashMap<&'a str, Vec<(usize, usize)>>,
}

/// Every file's nodes, and where names are used across the project.
pub struct Index<'a> {
    pub sources: &'a Sources,
    /// The application's files (tests left out), in the sources' order.
    pub files: Vec<FileNodes<'a>>,
}

static KINDS: LazyLock<Kinds> = LazyLock::new(Kinds::new);

/// Node kinds by their grammar id, looked up once.
struct Kinds {
    call: u16,
    assignment: u16,
    function: u16,
    class: u16,
    decorated: u16,
    subscript: u16,
    attribute: u16,
    identifier: u16,
    attribute_field: Option<std::num::NonZeroU16>,
    function_field: u16,
    arguments_field: u16,
}

impl Kinds {
    fn new() -> Kinds {
        let lang: Language = tree_sitter_python::LANGUAGE.into();
        let k = |name: &str| lang.id_for_node_kind(name, true);
        Kinds {
            call: k("call"),
            assignment: k("assignment"),
            function: k("function_definition"),
            class: k("class_definition"),
            decorated: k("decorated_definition"),
            subscript: k("subscript"),
            attribute: k("attribute"),
            identifier: k("identifier"),
            attribute_field: lang.field_id_for_name("attribute"),
            function_field: lang.field_id_for_name("function").map_or(0, |n| n.get()),
            arguments_field: lang.field_id_for_name("arguments").map_or(0, |n| n.get()),
        }
    }
}

impl<'a> FileNodes<'a> {
    fn new(src: &'a Source, kinds: &Kinds) -> FileNodes<'a> {
        let mut f = FileNodes {
            src,
            calls: Vec::new(),
            assignments: Vec::new(),
            functions: Vec::new(),
            classes: Vec::new(),
            decorated: Vec::new(),
            subscripts: Vec::new(),
            getattrs: Vec::new(),
            uses: OnceLock::new(),
        };
        let root = src.tree.root_node();
        let mut c = root.walk();
        loop {
            let node = c.node();
            let kind = node.kind_id();
            if kind == kinds.call {
                f.call(node, kinds);
            } else if kind == kinds.assignment {
                f.assignments.push(node);
            } else if kind == kinds.function {
                f.functions.push(node);
            } else if kind == kinds.class {
                f.classes.push(node);
            } else if kind == kinds.decorated {
                f.decorated.push(node);
            } else if kind == kinds.subscript {
                f.subscripts.push(node);
            }
            if c.goto_first_child() {
                continue;
            }
            loop {
                if c.goto_next_sibling() {
                    break;
                }
                if !c.goto_parent() {
                    return f;
                }
            }
        }
    }

    /// Notes a call; `getattr(settings, "NAME")` reads the attribute too.
    fn call(&mut self, node: Node<'a>, kinds: &Kinds) {
        let src = self.src;
        let function = node.child_by_field_id(kinds.function_field);
        let args = node.child_by_field_id(kinds.arguments_field);
        let callee = function.map_or("", |f| src.text_of(f));
        let name = match function {
            Some(f) if f.kind_id() == kinds.attribute => f
                .child_by_field_id(kinds.attribute_field.map_or(0, |n| n.get()))
                .map_or("", |a| src.text_of(a)),
            _ => callee,
        };
        self.calls.push(CallNode {
            node,
            callee,
            name,
            args,
        });
        if callee == "getattr"
            && let Some(Value::Str(name)) = args
                .and_then(|a| a.named_child(1))
                .map(|a| eval(src, a, &Consts::new()))
        {
            self.getattrs.push((name, node.start_position().row + 1));
        }
    }

    /// The file's names, gathered once (one more walk of its tree).
    fn uses(&self) -> &FileUses<'a> {
        self.uses.get_or_init(|| {
            let kinds = &*KINDS;
            let src = self.src;
            let mut u = FileUses::default();
            let mut c = src.tree.root_node().walk();
            loop {
                let node = c.node();
                if node.kind_id() == kinds.identifier {
                    let name = src.text_of(node);
                    let line = node.start_position().row + 1;
                    // The `.name` part of an attribute, told by its field
                    // (asking a node for its parent walks from the root).
                    if kinds.attribute_field.is_some() && c.field_id() == kinds.attribute_field {
                        u.attributes.entry(name).or_default().push(line);
                    } else {
                        u.names
                            .entry(name)
                            .or_default()
                            .push((line, node.start_byte()));
                    }
                }
                if c.goto_first_child() {
                    continue;
                }
                loop {
                    if c.goto_next_sibling() {
                        break;
                    }
                    if !c.goto_parent() {
                        return u;
                    }
                }
            }
        })
    }

    /// True when the file may use `name` (its text holds it).
    fn may_use(&self, name: &str) -> bool {
        !name.is_empty() && self.src.text.contains(name)
    }
}

impl<'a> Index<'a> {
    /// Walks every application file once, on every core.
    pub fn new(sources: &'a Sources) -> Index<'a> {
        let kinds = &*KINDS;
        let app: Vec<&Source> = sources.app().collect();
        let cores = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let chunk = app.len().div_ceil(cores).max(64);
        let files = if app.len() <= chunk {
            app.iter().map(|s| FileNodes::new(s, kinds)).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = app
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .map(|s| FileNodes::new(s, kinds))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        Index { sources, files }
    }

    /// Where attribute `name` is used (`settings.NAME`, `self.NAME`,
    /// `getattr(x, "NAME")`): file and line.
    pub fn attribute(&self, name: &str) -> Vec<(PathBuf, usize)> {
        let mut out = Vec::new();
        for f in self.files.iter().filter(|f| f.may_use(name)) {
            let mut lines: Vec<usize> = f.uses().attributes.get(name).cloned().unwrap_or_default();
            lines.extend(
                f.getattrs
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, l)| *l),
            );
            lines.sort_unstable();
            out.extend(lines.into_iter().map(|l| (f.src.path.clone(), l)));
        }
        out
    }

    /// Where the bare name `name` is used: file, line and start byte.
    pub fn names(&self, name: &str) -> Vec<(PathBuf, usize, usize)> {
        let mut out = Vec::new();
        for f in self.files.iter().filter(|f| f.may_use(name)) {
            if let Some(at) = f.uses().names.get(name) {
                out.extend(at.iter().map(|(l, b)| (f.src.path.clone(), *l, *b)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_finds_each_kind_and_tells_attribute_names_from_bare_names() {
        let s = Sources::from_texts(&[
            (
                "app/main.py",
                "import os\nclass S(Base):\n    x = 1\n@app.get('/')\ndef f(a):\n    return settings.KEY + KEY + env['A'] + getattr(cfg, 'OTHER')\nb = f(1)\n",
            ),
            ("tests/test_x.py", "KEY = 1\n"),
        ]);
        let ix = Index::new(&s);
        assert_eq!(ix.files.len(), 1, "test files are left out");
        let f = &ix.files[0];
        assert_eq!(f.calls.len(), 3, "app.get, getattr, f");
        assert_eq!(f.assignments.len(), 2);
        assert_eq!(f.functions.len(), 1);
        assert_eq!(f.classes.len(), 1);
        assert_eq!(f.decorated.len(), 1);
        assert_eq!(f.subscripts.len(), 1);
        assert_eq!(ix.attribute("KEY"), [(PathBuf::from("app/main.py"), 6)]);
        assert_eq!(ix.attribute("OTHER"), [(PathBuf::from("app/main.py"), 6)]);
        let bare: Vec<usize> = ix.names("KEY").iter().map(|(_, l, _)| *l).collect();
        assert_eq!(
            bare,
            [6],
            "settings.KEY is not a bare KEY; the test file is not read"
        );
        assert!(ix.names("settings").len() == 1 && ix.attribute("settings").is_empty());
    }
}
