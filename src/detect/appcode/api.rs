//! The API's own handling of input: endpoints that take raw bodies, code
//! that runs what a request sends, SQL built from strings, and a limit on
//! request bodies.

use crate::detect::python::Field as _;
use tree_sitter::Node;

use super::{Call, Ctx, enclosing_function, repo};
use crate::detect::python::{Source, descendants};
use crate::detect::{Finding, Outcome};

/// A route handler: a function decorated with `@app.get(…)`,
/// `@router.post(…)` and the like; the definition and "POST /path".
pub(super) fn route_of<'a>(src: &Source, d: Node<'a>) -> Option<(Node<'a>, String)> {
    let mut c = d.walk();
    let route = d
        .named_children(&mut c)
        .filter(|n| n.kind() == "decorator")
        .find_map(|dec| {
            let t = src.text_of(dec);
            let verb = ["get(", "post(", "put(", "patch(", "delete(", "api_route("]
                .iter()
                .find(|v| t.contains(&format!(".{v}")))?;
            // The path is the first string of the decorator.
            let path = t.split(['"', '\'']).nth(1).unwrap_or("").to_string();
            Some(format!(
                "{} {path}",
                verb.trim_end_matches('(').to_uppercase()
            ))
        })?;
    Some((d.field("definition")?, route))
}

/// Why a handler's input is not validated, if it is not: a `Request` whose
/// body it reads itself, or a `dict` body.
fn raw_body(src: &Source, def: Node) -> Option<String> {
    let params = def.field("parameters")?;
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        if !matches!(p.kind(), "typed_parameter" | "typed_default_parameter") {
            continue;
        }
        let ty = p.field("type").map_or("", |t| src.text_of(t));
        let name = {
            let mut c2 = p.walk();
            p.named_children(&mut c2)
                .find(|k| k.kind() == "identifier")
                .map_or("", |n| src.text_of(n))
        };
        if ty == "Request" {
            let body = def.field("body").map_or("", |b| src.text_of(b));
            for m in ["json()", "form()", "body()"] {
                if body.contains(&format!("{name}.{m}")) {
                    return Some(format!("reads {name}.{m} itself"));
                }
            }
        }
        let bare = ty.trim_start_matches("typing.");
        if bare == "dict" || bare.starts_with("dict[") || bare.starts_with("Dict") {
            return Some(format!("takes {name}: {ty}"));
        }
    }
    None
}

/// Calls that run or unpickle what they are given.
fn unsafe_call(call: &Call) -> Option<&'static str> {
    match call.callee() {
        "eval" => Some("eval()"),
        "exec" => Some("exec()"),
        "pickle.loads" | "pickle.load" | "cPickle.loads" => Some("pickle.loads()"),
        "yaml.load" | "yaml.load_all" => {
            let safe = call
                .kwarg("Loader")
                .is_some_and(|l| call.text(l).contains("Safe"));
            (!safe).then_some("yaml.load() without SafeLoader")
        }
        _ => None,
    }
}

fn input_validation(ctx: &Ctx) -> Finding {
    let item = "api.input_validation";
    if let Some((call, what)) = ctx
        .calls
        .iter()
        .find_map(|c| unsafe_call(c).map(|w| (c, w)))
    {
        let loc = call.location();
        return Finding::new(
            item,
            Outcome::Fail,
            format!("{}: {what} runs or unpickles what it is given", call.at()),
        )
        .fix("Parse request data with Pydantic models; use json.loads or yaml.safe_load, never eval, exec or pickle on input.")
        .at(loc.file, loc.line);
    }
    let mut raw = Vec::new();
    let mut total = 0;
    for (src, def, route) in &ctx.routes {
        total += 1;
        if let Some(why) = raw_body(src, *def) {
            raw.push(format!("{route} at {} {why}", src.at(*def)));
        }
    }
    match (total, raw.len()) {
        (0, _) => Finding::new(item, Outcome::Unknown, "no FastAPI route found in the code"),
        (_, 0) => Finding::new(
            item,
            Outcome::Pass,
            format!("{total} routes, none reads a raw Request or dict body (FastAPI validates typed parameters and Pydantic models)"),
        ),
        (_, n) => Finding::new(
            item,
            Outcome::Warn,
            format!("{n} of {total} routes skip validation: {}", raw.join("; ")),
        )
        .fix("Declare the body as a Pydantic model (async def create(item: ItemIn)) so FastAPI validates it and answers 422."),
    }
}

/// How an SQL string is built from pieces, if it is.
fn built_sql(src: &Source, n: Node) -> Option<&'static str> {
    match n.kind() {
        "string" => {
            let mut c = n.walk();
            n.named_children(&mut c)
                .any(|k| k.kind() == "interpolation")
                .then_some("an f-string")
        }
        "binary_operator" => {
            let op = n.field("operator").map_or("", |o| src.text_of(o));
            let left = n.field("left")?;
            let stringy = left.kind() == "string" || left.kind() == "binary_operator";
            match op {
                "%" if stringy => Some("% formatting"),
                "+" if stringy => Some("+ concatenation"),
                _ => None,
            }
        }
        "call" => src
            .text_of(n)
            .contains(".format(")
            .then_some("str.format()"),
        _ => None,
    }
}

fn sql(ctx: &Ctx) -> Finding {
    let item = "api.sql_injection_tested";
    let mut seen = 0;
    for call in &ctx.calls {
        if !matches!(
            call.name(),
            "text"
                | "execute"
                | "exec_driver_sql"
                | "executemany"
                | "raw"
                | "fetch"
                | "fetchrow"
                | "fetchval"
        ) {
            continue;
        }
        let Some(first) = call.positional().first().copied() else {
            continue;
        };
        // A name bound to a built string in the same function counts too.
        let built = built_sql(call.src, first).or_else(|| {
            (first.kind() == "identifier").then_some(())?;
            let name = call.text(first);
            let f = enclosing_function(call.node)?;
            descendants(f).into_iter().find_map(|a| {
                (a.kind() == "assignment" && a.field("left").is_some_and(|l| call.text(l) == name))
                    .then(|| a.field("right"))
                    .flatten()
                    .and_then(|r| built_sql(call.src, r))
            })
        });
        let sqlish = call.text(first).to_ascii_lowercase();
        let looks_sql = ["select", "insert", "update", "delete", "where", "from"]
            .iter()
            .any(|k| sqlish.contains(k))
            || first.kind() == "identifier";
        if let (Some(how), true) = (built, looks_sql) {
            let loc = call.location();
            return Finding::new(
                item,
                Outcome::Fail,
                format!("{}: SQL passed to {}() is built with {how}: open to injection", call.at(), call.name()),
            )
            .fix("Bind the values: text(\"SELECT … WHERE id = :id\").bindparams(id=x), or execute(query, {\"id\": x}).")
            .at(loc.file, loc.line);
        }
        seen += 1;
    }
    if seen == 0 {
        Finding::new(
            item,
            Outcome::Absent,
            "no raw SQL call (text(), execute()) in the code: the ORM builds the queries",
        )
    } else {
        Finding::new(
            item,
            Outcome::Pass,
            format!(
                "{seen} raw SQL calls, each with a literal query (values bound as parameters); test with payloads as well"
            ),
        )
    }
}

fn size_limit(ctx: &Ctx) -> Finding {
    let item = "api.request_size_limits";
    if let Some((path, line)) =
        repo::find_line(ctx.project, &["conf", "nginx", "template", "j2"], |l| {
            l.trim_start().starts_with("client_max_body_size")
        })
    {
        return Finding::new(
            item,
            Outcome::Pass,
            format!("{path}:{line}: nginx limits request bodies (client_max_body_size)"),
        )
        .at(path, line);
    }
    // Case-insensitive without copying every file in lower case.
    static LENGTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new("(?i)content[-_]length").expect("static regex")
    });
    static LIMIT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new("(?i)413|max_body").expect("static regex"));
    for src in ctx.sources.app() {
        if LENGTH.is_match(&src.text) && LIMIT.is_match(&src.text) {
            return Finding::new(
                item,
                Outcome::Pass,
                format!(
                    "{}: a middleware checks Content-Length against a limit",
                    src.path.display()
                ),
            );
        }
    }
    Finding::new(
        item,
        Outcome::Absent,
        "no body size limit found (looked for client_max_body_size in nginx files and a Content-Length check in the code); it may be set on the proxy outside the repository",
    )
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    vec![input_validation(ctx), sql(ctx), size_limit(ctx)]
}

#[cfg(test)]
mod tests {
    use super::super::tests::one;
    use crate::detect::Outcome::*;

    const APP: &str = "from fastapi import FastAPI, Request\napp = FastAPI()\n";

    #[test]
    fn raw_bodies_warn_and_models_pass() {
        let bad = format!(
            "{APP}@app.post(\"/items\")\nasync def create(request: Request):\n    data = await request.json()\n    return data\n"
        );
        let f = one(&bad, "api.input_validation");
        assert_eq!(f.outcome, Warn);
        assert!(
            f.evidence
                .contains("POST /items at app/main.py:4 reads request.json()"),
            "{}",
            f.evidence
        );
        let bad = format!(
            "{APP}@app.put(\"/items/{{id}}\")\ndef update(id: int, body: dict):\n    return body\n"
        );
        assert_eq!(one(&bad, "api.input_validation").outcome, Warn);
        let good = format!(
            "{APP}from pydantic import BaseModel\nclass ItemIn(BaseModel):\n    name: str\n@app.post(\"/items\")\nasync def create(item: ItemIn, request: Request):\n    return item\n"
        );
        assert_eq!(one(&good, "api.input_validation").outcome, Pass);
    }

    #[test]
    fn code_that_runs_input_fails() {
        for call in ["eval(body)", "pickle.loads(raw)", "yaml.load(text)"] {
            let bad =
                format!("{APP}import pickle, yaml\ndef f(body, raw, text):\n    return {call}\n");
            assert_eq!(one(&bad, "api.input_validation").outcome, Fail, "{call}");
        }
        let good = format!(
            "{APP}import yaml\ndef f(text):\n    return yaml.load(text, Loader=yaml.SafeLoader)\n"
        );
        assert_ne!(one(&good, "api.input_validation").outcome, Fail);
    }

    #[test]
    fn sql_built_from_strings_fails_and_bound_parameters_pass() {
        for q in [
            "text(f\"SELECT * FROM users WHERE name = '{name}'\")",
            "db.execute(\"SELECT * FROM users WHERE id = %s\" % uid)",
            "db.execute(\"SELECT * FROM users WHERE id = \" + uid)",
            "db.execute(\"SELECT * FROM t WHERE id = {}\".format(uid))",
        ] {
            let bad =
                format!("from sqlalchemy import text\ndef f(db, name, uid):\n    return {q}\n");
            assert_eq!(one(&bad, "api.sql_injection_tested").outcome, Fail, "{q}");
        }
        let via_name =
            "def f(db, uid):\n    q = f\"DELETE FROM t WHERE id = {uid}\"\n    db.execute(q)\n";
        assert_eq!(one(via_name, "api.sql_injection_tested").outcome, Fail);
        let good = "from sqlalchemy import text\ndef f(db, uid):\n    return db.execute(text(\"SELECT * FROM users WHERE id = :id\"), {\"id\": uid})\n";
        assert_eq!(one(good, "api.sql_injection_tested").outcome, Pass);
        assert_eq!(one("x = 1\n", "api.sql_injection_tested").outcome, Absent);
    }

    #[test]
    fn a_content_length_check_is_a_size_limit() {
        let good = "async def limit(request, call_next):\n    if int(request.headers.get('content-length', 0)) > MAX_BODY:\n        return Response(status_code=413)\n";
        assert_eq!(one(good, "api.request_size_limits").outcome, Pass);
        assert_eq!(one("x = 1\n", "api.request_size_limits").outcome, Absent);
    }
}
