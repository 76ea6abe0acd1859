//! The project's Python sources as syntax trees. tree-sitter parses each
//! file (error-tolerant: a file with a syntax error still yields the
//! statements around it); nothing is imported or run. Shared by every
//! detector that reads the application's code.

use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

pub mod concepts;
pub mod index;
pub mod settings;
pub mod value;
pub mod walk;

pub use index::Index;
pub use walk::{MAX_FILE_BYTES, MAX_FILES};

/// One parsed Python file.
pub struct Source {
    /// The path relative to the project, as evidence shows it.
    pub path: PathBuf,
    pub text: String,
    pub tree: Tree,
    /// A test file (under `tests/`, `test_*.py`, `*_test.py`, `conftest.py`):
    /// what it reads is not what the application runs with.
    pub test: bool,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("bytes", &self.text.len())
            .field("test", &self.test)
            .finish()
    }
}

impl Source {
    /// Parses `text` as the file `path`.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Option<Source> {
        let path = path.into();
        let tree = parse(&text)?;
        let test = walk::is_test(&path);
        Some(Source {
            path,
            text,
            tree,
            test,
        })
    }

    /// The text of a node ("" if it is not valid UTF-8, which a `String`
    /// source cannot produce).
    pub fn text_of(&self, n: Node) -> &str {
        n.utf8_text(self.text.as_bytes()).unwrap_or("")
    }

    /// The 1-based line a node starts on.
    pub fn line(&self, n: Node) -> usize {
        n.start_position().row + 1
    }

    /// `path:line` of a node, for evidence.
    pub fn at(&self, n: Node) -> String {
        format!("{}:{}", self.path.display(), self.line(n))
    }
}

/// Parses Python source text.
pub fn parse(text: &str) -> Option<Tree> {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_python::LANGUAGE.into()).ok()?;
    p.parse(text, None)
}

/// The Python files of a project, parsed.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<Source>,
    /// Files passed over, with why (too large, unreadable).
    pub skipped: Vec<(PathBuf, String)>,
    /// More than [`MAX_FILES`] files: the rest were not read.
    pub truncated: bool,
}

impl Sources {
    /// Reads and parses the Python files under `project`, skipping
    /// virtualenvs, `node_modules`, build output and test-data folders,
    /// never following a symbolic link.
    pub fn load(project: &Path) -> Sources {
        walk::load(project)
    }

    /// Like [`Sources::load`], parsing only the files whose text `keep`
    /// accepts.
    pub fn load_if(project: &Path, keep: &(dyn Fn(&str) -> bool + Sync)) -> Sources {
        walk::load_if(project, keep)
    }

    /// Sources from texts (tests, fuzzing): `(relative path, text)`.
    pub fn from_texts(files: &[(&str, &str)]) -> Sources {
        let mut s = Sources::default();
        s.files = files
            .iter()
            .filter_map(|(p, t)| Source::new(*p, t.to_string()))
            .collect();
        s
    }

    /// The application's files, tests left out.
    pub fn app(&self) -> impl Iterator<Item = &Source> {
        self.files.iter().filter(|s| !s.test)
    }
}

impl Drop for Sources {
    /// Frees the syntax trees on every core: freeing those of 2,000 files
    /// took a tenth of a second on one.
    fn drop(&mut self) {
        let mut files = std::mem::take(&mut self.files);
        let cores = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        if files.len() < 256 || cores < 2 {
            return;
        }
        let chunk = files.len().div_ceil(cores);
        std::thread::scope(|scope| {
            while files.len() > chunk {
                let part = files.split_off(files.len() - chunk);
                scope.spawn(move || drop(part));
            }
            drop(files);
        });
    }
}

/// Every named node under `n` (itself included), depth first, in source
/// order. One cursor walks the tree; nothing is allocated per node.
pub fn descendants(n: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = n.walk();
    loop {
        let node = c.node();
        if node.is_named() {
            out.push(node);
        }
        if c.goto_first_child() {
            continue;
        }
        loop {
            if c.node() == n {
                return out;
            }
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return out;
            }
        }
    }
}

/// A node's child by field name (`function`, `arguments`), through the
/// grammar's field ids looked up once: tree-sitter's own lookup by name
/// compares the name with every field of the grammar, on every call,
/// which was a tenth of the time of the code rules on a large project.
pub trait Field<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Field<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        static IDS: std::sync::LazyLock<std::collections::HashMap<String, u16>> =
            std::sync::LazyLock::new(|| {
                let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
                (1..=lang.field_count() as u16)
                    .filter_map(|id| lang.field_name_for_id(id).map(|n| (n.to_string(), id)))
                    .collect()
            });
        match IDS.get(name) {
            Some(&id) => self.child_by_field_id(id),
            None => None,
        }
    }
}

/// The last part of a dotted name: `BaseSettings` for
/// `pydantic_settings.BaseSettings`.
pub fn last_name<'a>(src: &'a Source, n: Node) -> &'a str {
    match n.kind() {
        "attribute" => n.field("attribute").map_or("", |a| src.text_of(a)),
        _ => src.text_of(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_a_syntax_error_still_parses_around_it() {
        let s = Sources::from_texts(&[(
            "app/config.py",
            "import os\nSECRET = os.getenv('SECRET_KEY')\ndef broken(:\n    pass\nDEBUG = os.getenv('DEBUG', 'false')\n",
        )]);
        let src = &s.files[0];
        assert!(src.tree.root_node().has_error());
        let calls = descendants(src.tree.root_node())
            .into_iter()
            .filter(|n| n.kind() == "call")
            .count();
        assert_eq!(calls, 2);
    }

    #[test]
    fn a_field_by_cached_id_is_the_field_tree_sitter_names() {
        let s = Sources::from_texts(&[(
            "a.py",
            "x = jwt.decode(t, key=k)
",
        )]);
        let src = &s.files[0];
        let mut seen = 0;
        for n in descendants(src.tree.root_node()) {
            for f in [
                "function",
                "arguments",
                "left",
                "right",
                "attribute",
                "name",
                "value",
            ] {
                assert_eq!(n.field(f), n.child_by_field_name(f), "{f} of {}", n.kind());
                seen += usize::from(n.field(f).is_some());
            }
            assert_eq!(n.field("no_such_field"), None);
        }
        // left, right; function, arguments; attribute; name, value.
        assert_eq!(seen, 7);
    }

    #[test]
    fn test_files_are_told_apart() {
        let s = Sources::from_texts(&[
            ("tests/test_config.py", "x = 1\n"),
            ("app/conftest.py", "x = 1\n"),
            ("app/main.py", "x = 1\n"),
        ]);
        let tests: Vec<bool> = s.files.iter().map(|f| f.test).collect();
        assert_eq!(tests, [true, true, false]);
        assert_eq!(s.app().count(), 1);
    }
}
