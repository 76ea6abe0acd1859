//! Where the application reads its configuration, and under which
//! environment names: pydantic-settings models (fields, defaults, aliases,
//! `env_prefix` and the rest of their configuration), Starlette's
//! `Config(...)`, and `os.getenv` / `os.environ`. The result is a table a
//! detector can look a setting up in, with the file and line of each.

use crate::detect::python::Field as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use tree_sitter::Node;

use super::index::FileNodes;
use super::value::{Consts, Value, eval};
use super::{Index, Source, Sources, last_name};

/// Where a setting is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A field of a pydantic-settings model.
    Pydantic { class: String },
    /// `config("NAME", ...)` of Starlette's `Config`.
    Starlette,
    /// `os.getenv`, `os.environ.get` or `os.environ[...]`.
    Environ,
    /// Named in `.harden/config.toml` but not found in the code: read
    /// from the env file under that name.
    Config,
}

/// One setting the application reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The name in code: the field, or the variable the value is kept in
    /// (empty when it is read inline).
    pub name: String,
    /// The environment names it is read from, in the order tried (an
    /// alias, or the prefix and the field name).
    pub env: Vec<String>,
    /// Whether the environment name must match case.
    pub case_sensitive: bool,
    /// The annotation, or Starlette's `cast=`.
    pub ty: Option<String>,
    /// The value in code when the environment has none; `None` when the
    /// setting is required.
    pub default: Option<Value>,
    pub origin: Origin,
    pub file: PathBuf,
    pub line: usize,
    /// Where the application uses it (`file`, line), its declaration left
    /// out. Empty: nothing reads it, so its value has no effect.
    pub used: Vec<(PathBuf, usize)>,
}

impl Setting {
    /// `file:line` of the declaration.
    pub fn at(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// True when `key` is one of the names it is read from.
    pub fn reads(&self, key: &str) -> bool {
        self.env.iter().any(|e| {
            if self.case_sensitive {
                e == key
            } else {
                e.eq_ignore_ascii_case(key)
            }
        })
    }
}

/// A pydantic-settings model and its configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub class: String,
    pub file: PathBuf,
    pub line: usize,
    pub env_prefix: String,
    pub case_sensitive: bool,
    /// `env_file` as written (one or several).
    pub env_file: Vec<String>,
    /// `extra` as written (`forbid`, `ignore`, `allow`), if set.
    pub extra: Option<String>,
    pub env_nested_delimiter: Option<String>,
}

/// Every setting the application reads.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub models: Vec<Model>,
    pub settings: Vec<Setting>,
}

impl Settings {
    /// The settings read from `key`.
    pub fn reading<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Setting> + 'a {
        self.settings.iter().filter(move |s| s.reads(key))
    }
}

/// An environment name read from code, as evidence may show it: control
/// characters and other non-printing ones become `?`.
fn env_name(s: &str) -> String {
    s.chars()
        .take(128)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

/// Finds the settings of the application's (non-test) sources.
pub fn discover(sources: &Sources) -> Settings {
    discover_in(&Index::new(sources))
}

/// Finds the settings in sources already indexed (one walk of each tree
/// serves the settings table, the concepts and the code rules).
pub fn discover_in(index: &Index) -> Settings {
    let uses = Uses(index);
    let mut out = Settings::default();
    let classes = settings_classes(index);
    for f in &index.files {
        let src = f.src;
        // Most files of a large project read no setting: they are passed
        // over on a look at their text (every read names one of these).
        let t = &src.text;
        let reads_environ = t.contains("environ") || t.contains("getenv");
        let has_config = t.contains("Config");
        let has_model = f
            .classes
            .iter()
            .any(|n| classes.contains_key(n.field("name").map_or("", |x| src.text_of(x))));
        if !(reads_environ || has_config || has_model) {
            continue;
        }
        let consts = module_consts(src);
        // Classes and reads, in source order as the table lists them.
        let mut at = 0;
        for call in f.calls.iter().map(|c| c.node) {
            while let Some(n) = f
                .classes
                .get(at)
                .filter(|n| n.start_byte() < call.start_byte())
            {
                settings_class(src, *n, &classes, &consts, &uses, &mut out);
                at += 1;
            }
            if reads_environ && let Some(s) = environ_read(src, call, &consts, &uses) {
                out.settings.push(s);
            }
        }
        for n in &f.classes[at..] {
            settings_class(src, *n, &classes, &consts, &uses, &mut out);
        }
        starlette(f, &consts, &uses, &mut out);
    }
    out
}

fn settings_class(
    src: &Source,
    n: Node,
    classes: &BTreeMap<String, Inherited>,
    consts: &Consts,
    uses: &Uses,
    out: &mut Settings,
) {
    let name = n.field("name").map_or("", |x| src.text_of(x));
    if let Some(config) = classes.get(name) {
        model(src, n, name, config, consts, uses, out);
    }
}

/// Attribute and name uses across the application, to tell a setting
/// that is read from one that is only declared.
struct Uses<'x, 'a>(&'x Index<'a>);

impl Uses<'_, '_> {
    /// Where attribute `name` is used.
    fn attribute(&self, name: &str) -> Vec<(PathBuf, usize)> {
        self.0.attribute(name)
    }

    /// Where variable `name` is used, other than at `def` (its
    /// assignment's target), or as an attribute of a module.
    fn variable(&self, name: &str, file: &PathBuf, def: usize) -> Vec<(PathBuf, usize)> {
        let mut v: Vec<(PathBuf, usize)> = self
            .0
            .names(name)
            .into_iter()
            .filter(|(f, _, at)| !(f == file && *at == def))
            .map(|(f, l, _)| (f, l))
            .collect();
        v.extend(self.attribute(name));
        v
    }
}

/// The configuration a settings class was declared with, before its
/// own body is read: from its settings ancestors.
#[derive(Debug, Clone, Default)]
struct Inherited {
    config: Model,
}

/// Classes that are pydantic-settings models: `BaseSettings` among their
/// bases, directly or through another class of the project.
fn settings_classes(index: &Index) -> BTreeMap<String, Inherited> {
    // class name -> (base names, where it is declared); its own
    // configuration is read only for the classes of a settings chain.
    let mut bases: BTreeMap<String, (Vec<String>, (&Source, Node))> = BTreeMap::new();
    for f in &index.files {
        let src = f.src;
        for &n in &f.classes {
            let name = n.field("name").map_or("", |x| src.text_of(x)).to_string();
            let mut names = Vec::new();
            if let Some(sup) = n.field("superclasses") {
                let mut c = sup.walk();
                for b in sup.named_children(&mut c) {
                    if matches!(b.kind(), "identifier" | "attribute") {
                        names.push(last_name(src, b).to_string());
                    }
                }
            }
            bases.insert(name, (names, (src, n)));
        }
    }
    let mut out = BTreeMap::new();
    let mut consts: HashMap<&std::path::Path, Consts> = HashMap::new();
    for name in bases.keys() {
        let mut chain = Vec::new();
        let mut seen = BTreeSet::new();
        let mut at = name.clone();
        let mut is_settings = false;
        while seen.insert(at.clone()) {
            let Some((bs, _)) = bases.get(&at) else { break };
            chain.push(at.clone());
            if bs.iter().any(|b| b == "BaseSettings") {
                is_settings = true;
                break;
            }
            match bs.iter().find(|b| bases.contains_key(*b)) {
                Some(b) => at = b.clone(),
                None => break,
            }
        }
        if is_settings {
            // The oldest ancestor's configuration first, each class's own over it.
            let mut config = Model::default();
            for c in chain.iter().rev() {
                if let Some((_, (src, node))) = bases.get(c) {
                    let consts = consts
                        .entry(src.path.as_path())
                        .or_insert_with(|| module_consts(src));
                    merge(&mut config, &own_config(src, *node, consts));
                }
            }
            out.insert(name.clone(), Inherited { config });
        }
    }
    out
}

/// Takes what `own` sets over `into`. Fields left at their default in
/// `own` are treated as not set (the model's own defaults: no prefix,
/// case-insensitive).
fn merge(into: &mut Model, own: &Model) {
    if !own.env_prefix.is_empty() {
        into.env_prefix = own.env_prefix.clone();
    }
    if own.case_sensitive {
        into.case_sensitive = true;
    }
    if !own.env_file.is_empty() {
        into.env_file = own.env_file.clone();
    }
    if own.extra.is_some() {
        into.extra = own.extra.clone();
    }
    if own.env_nested_delimiter.is_some() {
        into.env_nested_delimiter = own.env_nested_delimiter.clone();
    }
}

/// The configuration a class body sets: `model_config =
/// SettingsConfigDict(...)` (or a dict), or an inner `class Config:`.
fn own_config(src: &Source, class: Node, consts: &Consts) -> Model {
    let mut m = Model::default();
    let Some(body) = class.field("body") else {
        return m;
    };
    let mut set = |key: &str, v: Value| match (key, v) {
        ("env_prefix", Value::Str(s)) => m.env_prefix = s,
        ("case_sensitive", Value::Bool(b)) => m.case_sensitive = b,
        ("env_file", Value::Str(s)) => m.env_file = vec![s],
        ("env_file", Value::List(v)) => {
            m.env_file = v
                .into_iter()
                .filter_map(|x| match x {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect();
        }
        ("extra", Value::Str(s)) => m.extra = Some(s),
        ("extra", Value::Expr(e)) => {
            m.extra = Some(e.rsplit('.').next().unwrap_or(&e).to_ascii_lowercase())
        }
        ("env_nested_delimiter", Value::Str(s)) => m.env_nested_delimiter = Some(s),
        _ => {}
    };
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        match stmt.kind() {
            "expression_statement" => {
                let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                    continue;
                };
                let (Some(l), Some(r)) = (a.field("left"), a.field("right")) else {
                    continue;
                };
                if src.text_of(l) != "model_config" {
                    continue;
                }
                match r.kind() {
                    "call" => {
                        if let Some(args) = r.field("arguments") {
                            for (k, v) in keywords(src, args) {
                                set(&k, eval(src, v, consts));
                            }
                        }
                    }
                    "dictionary" => {
                        let mut dc = r.walk();
                        for pair in r.named_children(&mut dc) {
                            if let (Some(k), Some(v)) = (pair.field("key"), pair.field("value"))
                                && let Value::Str(k) = eval(src, k, consts)
                            {
                                set(&k, eval(src, v, consts));
                            }
                        }
                    }
                    _ => {}
                }
            }
            "class_definition" => {
                if stmt.field("name").map(|x| src.text_of(x)) != Some("Config") {
                    continue;
                }
                let Some(inner) = stmt.field("body") else {
                    continue;
                };
                let mut ic = inner.walk();
                for s in inner.named_children(&mut ic) {
                    if let Some(a) = s.named_child(0).filter(|a| a.kind() == "assignment")
                        && let (Some(l), Some(r)) = (a.field("left"), a.field("right"))
                    {
                        set(src.text_of(l), eval(src, r, consts));
                    }
                }
            }
            _ => {}
        }
    }
    m
}

/// The keyword arguments of an argument list, by name.
fn keywords<'t>(src: &Source, args: Node<'t>) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if a.kind() == "keyword_argument"
            && let (Some(k), Some(v)) = (a.field("name"), a.field("value"))
        {
            out.push((src.text_of(k).to_string(), v));
        }
    }
    out
}

/// The positional arguments of an argument list.
fn positional<'t>(args: Node<'t>) -> Vec<Node<'t>> {
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "list_splat" | "dictionary_splat"
            )
        })
        .collect()
}

/// Module-level constants of a file (`NAME = literal`), in order, so later
/// ones can use earlier ones.
fn module_consts(src: &Source) -> Consts {
    let mut consts = Consts::new();
    let root = src.tree.root_node();
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        if let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment")
            && stmt.kind() == "expression_statement"
            && let (Some(l), Some(r)) = (a.field("left"), a.field("right"))
            && l.kind() == "identifier"
        {
            let v = eval(src, r, &consts);
            if !matches!(v, Value::Expr(_)) {
                consts.insert(src.text_of(l).to_string(), v);
            }
        }
    }
    consts
}

/// The fields of one settings class.
fn model(
    src: &Source,
    class: Node,
    name: &str,
    inherited: &Inherited,
    consts: &Consts,
    uses: &Uses,
    out: &mut Settings,
) {
    let cfg = &inherited.config;
    out.models.push(Model {
        class: name.to_string(),
        file: src.path.clone(),
        line: src.line(class),
        ..cfg.clone()
    });
    let Some(body) = class.field("body") else {
        return;
    };
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
            continue;
        };
        let (Some(l), Some(ty)) = (a.field("left"), a.field("type")) else {
            continue;
        };
        let field = src.text_of(l);
        let ty_text = src.text_of(ty);
        if l.kind() != "identifier" || field == "model_config" || ty_text.starts_with("ClassVar") {
            continue;
        }
        let mut default = None;
        let mut aliases: Vec<String> = Vec::new();
        if let Some(r) = a.field("right") {
            let is_field = r.kind() == "call"
                && r.field("function")
                    .is_some_and(|f| last_name(src, f) == "Field");
            if is_field {
                let args = r.field("arguments");
                let kw = args.map(|a| keywords(src, a)).unwrap_or_default();
                let pos = args.map(positional).unwrap_or_default();
                for (k, v) in &kw {
                    match k.as_str() {
                        "default" => default = Some(eval(src, *v, consts)),
                        "default_factory" => {
                            default = Some(Value::Expr(format!("{}()", src.text_of(*v))));
                        }
                        "alias" | "validation_alias" | "env" => {
                            aliases.extend(alias_names(src, *v))
                        }
                        _ => {}
                    }
                }
                if default.is_none()
                    && let Some(first) = pos.first()
                    && src.text_of(*first) != "..."
                {
                    default = Some(eval(src, *first, consts));
                }
            } else {
                default = Some(eval(src, r, consts));
            }
        }
        let env = if aliases.is_empty() {
            vec![env_name(&format!("{}{field}", cfg.env_prefix))]
        } else {
            aliases.iter().map(|a| env_name(a)).collect()
        };
        out.settings.push(Setting {
            name: field.to_string(),
            env,
            case_sensitive: cfg.case_sensitive,
            ty: Some(ty_text.to_string()),
            default,
            origin: Origin::Pydantic {
                class: name.to_string(),
            },
            file: src.path.clone(),
            line: src.line(a),
            used: uses.attribute(field),
        });
    }
}

/// The names of an alias: a string, or `AliasChoices("A", "B")`.
fn alias_names(src: &Source, v: Node) -> Vec<String> {
    match eval(src, v, &Consts::new()) {
        Value::Str(s) => vec![s],
        _ if v.kind() == "call" => v
            .field("arguments")
            .map(|args| {
                positional(args)
                    .into_iter()
                    .filter_map(|a| match eval(src, a, &Consts::new()) {
                        Value::Str(s) => Some(s),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `os.getenv("K", d)`, `os.environ.get("K", d)`, `getenv("K")`,
/// `os.environ["K"]` (as a subscript, handled by the caller's walk).
fn environ_read(src: &Source, call: Node, consts: &Consts, uses: &Uses) -> Option<Setting> {
    let f = call.field("function")?;
    let ft = src.text_of(f);
    let is_read = matches!(
        ft,
        "os.getenv" | "getenv" | "os.environ.get" | "environ.get" | "os.environ.setdefault"
    );
    if !is_read {
        return None;
    }
    let args = call.field("arguments")?;
    let pos = positional(args);
    let Value::Str(key) = eval(src, *pos.first()?, consts) else {
        return None;
    };
    let default = pos
        .get(1)
        .map(|d| eval(src, *d, consts))
        .or_else(|| {
            keywords(src, args)
                .into_iter()
                .find(|(k, _)| k == "default")
                .map(|(_, v)| eval(src, v, consts))
        })
        .or(Some(Value::None));
    Some(kept_in(src, call, key, default, consts, uses))
}

/// A setting read at `read` and kept in the variable or attribute it is
/// assigned to, if any.
fn kept_in(
    src: &Source,
    read: Node,
    key: String,
    default: Option<Value>,
    _consts: &Consts,
    uses: &Uses,
) -> Setting {
    // The assignment the read is the value of, through a cast or `or`.
    let mut at = read;
    let mut target = None;
    for _ in 0..4 {
        let Some(p) = at.parent() else { break };
        if p.kind() == "assignment" {
            target = p.field("left");
            break;
        }
        if !matches!(
            p.kind(),
            "call"
                | "argument_list"
                | "boolean_operator"
                | "parenthesized_expression"
                | "conditional_expression"
        ) {
            break;
        }
        at = p;
    }
    let (name, used) = match target {
        Some(t) if t.kind() == "identifier" => {
            let name = src.text_of(t).to_string();
            let used = uses.variable(&name, &src.path, t.start_byte());
            (name, used)
        }
        Some(t) if t.kind() == "attribute" => {
            let name = last_name(src, t).to_string();
            // `self.x = os.getenv(...)`: its other uses are `.x`, minus this one.
            let line = src.line(t);
            let used = uses
                .attribute(&name)
                .into_iter()
                .filter(|(f, l)| !(f == &src.path && *l == line))
                .collect();
            (name, used)
        }
        // Read where it is used: the read is the use.
        _ => (String::new(), vec![(src.path.clone(), src.line(read))]),
    };
    Setting {
        name,
        env: vec![env_name(&key)],
        case_sensitive: true,
        ty: None,
        default,
        origin: Origin::Environ,
        file: src.path.clone(),
        line: src.line(read),
        used,
    }
}

/// Starlette: `config = Config(".env")`, then `NAME = config("KEY",
/// cast=bool, default=False)`; and `os.environ["KEY"]`.
fn starlette(f: &FileNodes, consts: &Consts, uses: &Uses, out: &mut Settings) {
    let src = f.src;
    // Names bound to a Config(...) instance.
    let mut configs: BTreeSet<String> = BTreeSet::new();
    for n in &f.assignments {
        if let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            && r.kind() == "call"
            && r.field("function")
                .is_some_and(|f| last_name(src, f) == "Config")
        {
            configs.insert(src.text_of(l).to_string());
        }
    }
    // Reads in source order: `config("K")` calls, then `os.environ["K"]`.
    let mut reads: Vec<&Node> = if configs.is_empty() {
        Vec::new()
    } else {
        f.calls.iter().map(|c| &c.node).collect()
    };
    reads.extend(f.subscripts.iter());
    reads.sort_by_key(|n| n.start_byte());
    for n in reads {
        match n.kind() {
            "call" => {
                let Some(f) = n.field("function") else {
                    continue;
                };
                if !configs.contains(src.text_of(f)) {
                    continue;
                }
                let Some(args) = n.field("arguments") else {
                    continue;
                };
                let Some(Value::Str(key)) = positional(args).first().map(|a| eval(src, *a, consts))
                else {
                    continue;
                };
                let kw = keywords(src, args);
                let default = kw
                    .iter()
                    .find(|(k, _)| k == "default")
                    .map(|(_, v)| eval(src, *v, consts));
                let ty = kw
                    .iter()
                    .find(|(k, _)| k == "cast")
                    .map(|(_, v)| src.text_of(*v).to_string());
                let mut s = kept_in(src, *n, key, default, consts, uses);
                s.origin = Origin::Starlette;
                s.ty = ty;
                out.settings.push(s);
            }
            "subscript" => {
                let Some(v) = n.field("value") else {
                    continue;
                };
                if !matches!(src.text_of(v), "os.environ" | "environ") {
                    continue;
                }
                let Some(Value::Str(key)) = n.field("subscript").map(|k| eval(src, k, consts))
                else {
                    continue;
                };
                // A write (`os.environ["K"] = v`) is not a read.
                if n.parent()
                    .is_some_and(|p| p.kind() == "assignment" && p.field("left") == Some(*n))
                {
                    continue;
                }
                out.settings.push(kept_in(src, *n, key, None, consts, uses));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
