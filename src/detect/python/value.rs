//! What a Python expression is worth, when it can be told without running
//! anything: literals, arithmetic on them (`60 * 24 * 8`), string
//! concatenation, lists, and names of module constants already known.

use crate::detect::python::Field as _;
use std::collections::HashMap;

use tree_sitter::Node;

use super::Source;

/// A value read from code.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    List(Vec<Value>),
    /// Not a constant (a call, an f-string, a name harden cannot follow):
    /// the expression's text, at most 80 characters.
    Expr(String),
}

impl Value {
    /// The value as an env file would spell it (`true`, `480`, `a,b`);
    /// `None` for an expression.
    pub fn as_env(&self) -> Option<String> {
        Some(match self {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::None => String::new(),
            Value::List(v) => v
                .iter()
                .map(Value::as_env)
                .collect::<Option<Vec<_>>>()?
                .join(","),
            Value::Expr(_) => return None,
        })
    }

    /// As code shows it, for evidence (`"changethis"`, `11520`, `[...]`).
    pub fn shown(&self) -> String {
        match self {
            Value::Str(s) => format!("{s:?}"),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::None => "None".into(),
            Value::List(v) => format!(
                "[{}]",
                v.iter().map(Value::shown).collect::<Vec<_>>().join(", ")
            ),
            Value::Expr(e) => e.clone(),
        }
    }
}

/// Module constants by name, for following `DEFAULT_TTL * 60`.
pub type Consts = HashMap<String, Value>;

/// Evaluates an expression node.
pub fn eval(src: &Source, n: Node, consts: &Consts) -> Value {
    eval_depth(src, n, consts, 0)
}

fn expr(src: &Source, n: Node) -> Value {
    // Code text reaches evidence: no control character, at most 80.
    let t: String = src
        .text_of(n)
        .chars()
        .take(80)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Value::Expr(t)
}

fn eval_depth(src: &Source, n: Node, consts: &Consts, depth: usize) -> Value {
    if depth > 32 {
        return expr(src, n);
    }
    let sub = |m: Node| eval_depth(src, m, consts, depth + 1);
    match n.kind() {
        "integer" => {
            let t = src.text_of(n).replace('_', "").to_ascii_lowercase();
            let v = if let Some(h) = t.strip_prefix("0x") {
                i64::from_str_radix(h, 16).ok()
            } else if let Some(o) = t.strip_prefix("0o") {
                i64::from_str_radix(o, 8).ok()
            } else if let Some(b) = t.strip_prefix("0b") {
                i64::from_str_radix(b, 2).ok()
            } else {
                t.parse().ok()
            };
            v.map_or_else(|| expr(src, n), Value::Int)
        }
        "float" => src
            .text_of(n)
            .replace('_', "")
            .parse()
            .map_or_else(|_| expr(src, n), Value::Float),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "none" => Value::None,
        "string" => string(src, n).map_or_else(|| expr(src, n), Value::Str),
        "concatenated_string" => {
            let mut out = String::new();
            let mut c = n.walk();
            for part in n.named_children(&mut c) {
                match string(src, part) {
                    Some(s) => out.push_str(&s),
                    None => return expr(src, n),
                }
            }
            Value::Str(out)
        }
        "parenthesized_expression" => n.named_child(0).map_or_else(|| expr(src, n), sub),
        "list" | "tuple" | "set" => {
            let mut c = n.walk();
            Value::List(n.named_children(&mut c).map(sub).collect())
        }
        "identifier" => consts
            .get(src.text_of(n))
            .cloned()
            .unwrap_or_else(|| expr(src, n)),
        "unary_operator" => {
            let op = n.field("operator").map(|o| src.text_of(o));
            match (op, n.field("argument").map(sub)) {
                (Some("-"), Some(Value::Int(i))) => {
                    i.checked_neg().map_or(expr(src, n), Value::Int)
                }
                (Some("-"), Some(Value::Float(f))) => Value::Float(-f),
                (Some("+"), Some(v @ (Value::Int(_) | Value::Float(_)))) => v,
                _ => expr(src, n),
            }
        }
        "binary_operator" => {
            let (Some(l), Some(op), Some(r)) =
                (n.field("left"), n.field("operator"), n.field("right"))
            else {
                return expr(src, n);
            };
            binary(src.text_of(op), sub(l), sub(r)).unwrap_or_else(|| expr(src, n))
        }
        _ => expr(src, n),
    }
}

fn binary(op: &str, l: Value, r: Value) -> Option<Value> {
    use Value::{Float, Int, Str};
    Some(match (op, l, r) {
        ("+", Str(a), Str(b)) => Str(a + &b),
        ("+", Int(a), Int(b)) => Int(a.checked_add(b)?),
        ("-", Int(a), Int(b)) => Int(a.checked_sub(b)?),
        ("*", Int(a), Int(b)) => Int(a.checked_mul(b)?),
        ("//", Int(a), Int(b)) if b != 0 => Int(a.div_euclid(b)),
        ("%", Int(a), Int(b)) if b != 0 => Int(a.rem_euclid(b)),
        ("**", Int(a), Int(b)) if (0..64).contains(&b) => Int(a.checked_pow(b as u32)?),
        ("/", Int(a), Int(b)) if b != 0 => Float(a as f64 / b as f64),
        (op, a, b) => {
            let (x, y) = (num(&a)?, num(&b)?);
            match op {
                "+" => Float(x + y),
                "-" => Float(x - y),
                "*" => Float(x * y),
                "/" if y != 0.0 => Float(x / y),
                _ => return None,
            }
        }
    })
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// A string literal's value: its prefixes read (`r`, `b`, `u`), escapes
/// undone; `None` for an f-string with interpolations.
fn string(src: &Source, n: Node) -> Option<String> {
    if n.kind() != "string" {
        return None;
    }
    let mut raw = false;
    let mut out = String::new();
    let mut c = n.walk();
    for part in n.named_children(&mut c) {
        match part.kind() {
            "string_start" => {
                let p = src.text_of(part).to_ascii_lowercase();
                if p.contains('f') {
                    // An f-string without interpolation is still constant.
                    raw = p.contains('r');
                } else {
                    raw = p.contains('r');
                }
            }
            "string_content" => {
                let t = src.text_of(part);
                if raw {
                    out.push_str(t);
                } else {
                    out.push_str(&unescape(t));
                }
            }
            "interpolation" => return None,
            "escape_sequence" => out.push_str(&unescape(src.text_of(part))),
            _ => {}
        }
    }
    Some(out)
}

fn unescape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut it = t.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(o @ ('\\' | '\'' | '"')) => out.push(o),
            Some('\n') => {}
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Sources, descendants};
    use super::*;

    fn value_of(code: &str) -> Value {
        let s = Sources::from_texts(&[("c.py", code)]);
        let src = &s.files[0];
        let mut consts = Consts::new();
        let mut last = Value::None;
        for n in descendants(src.tree.root_node()) {
            if n.kind() == "assignment"
                && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            {
                last = eval(src, r, &consts);
                consts.insert(src.text_of(l).to_string(), last.clone());
            }
        }
        last
    }

    #[test]
    fn constants_and_arithmetic() {
        assert_eq!(value_of("X = 60 * 24 * 8\n"), Value::Int(11520));
        assert_eq!(value_of("D = 30\nX = D * 24 * 60\n"), Value::Int(43200));
        assert_eq!(
            value_of("X = 'change' 'this'\n"),
            Value::Str("changethis".into())
        );
        assert_eq!(value_of("X = r'a\\b'\n"), Value::Str("a\\b".into()));
        assert_eq!(value_of("X = \"a\\tb\"\n"), Value::Str("a\tb".into()));
        assert_eq!(value_of("X = -1\n"), Value::Int(-1));
        assert_eq!(value_of("X = 1_000\n"), Value::Int(1000));
        assert_eq!(value_of("X = True\n"), Value::Bool(true));
        assert_eq!(
            value_of("X = ['http://localhost:3000', 'https://a.b']\n")
                .as_env()
                .unwrap(),
            "http://localhost:3000,https://a.b"
        );
        assert_eq!(value_of("X = f'{y}'\n"), Value::Expr("f'{y}'".into()));
        assert_eq!(
            value_of("X = secrets.token_urlsafe(32)\n"),
            Value::Expr("secrets.token_urlsafe(32)".into())
        );
        assert_eq!(value_of("X = 2 ** 70\n"), Value::Expr("2 ** 70".into()));
    }
}
