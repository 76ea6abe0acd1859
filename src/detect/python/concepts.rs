//! Which setting plays which part, read from how the code uses it: the
//! setting passed to `jwt.encode` is the token signing secret whatever it
//! is called, the one given to `CORSMiddleware(allow_origins=…)` is the
//! CORS list, the one an engine is built from is the database connection.
//! The checklist's key names are only the fallback.

use crate::detect::python::Field as _;
use tree_sitter::Node;

use super::index::CallNode;
use super::settings::{Origin, Settings};
use super::{Index, Source, Sources, descendants, last_name};

/// A setting found playing a checklist concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The checklist key the concept is judged under (`SECRET_KEY`).
    pub key: &'static str,
    /// The setting's name in code (`APP_SECRET`).
    pub field: String,
    /// `file:line` of the use.
    pub at: String,
    /// What the use does, in words ("signs tokens (jwt.encode)").
    pub how: &'static str,
    /// For a database URL built from several settings (`POSTGRES_SERVER`,
    /// `POSTGRES_PASSWORD`, …): those settings, and the scheme the code
    /// writes (`postgresql+psycopg`). `field` is then empty.
    pub parts: Vec<String>,
    pub scheme: Option<String>,
}

/// Where each concept's setting is used, one per concept (the first found
/// in file order).
pub fn find(sources: &Sources, settings: &Settings) -> Vec<Use> {
    find_in(&Index::new(sources), settings)
}

/// [`find`] over sources already indexed.
pub fn find_in(index: &Index, settings: &Settings) -> Vec<Use> {
    let sources = index.sources;
    let mut out: Vec<Use> = Vec::new();
    for f in &index.files {
        let src = f.src;
        for c in &f.calls {
            let call = c.node;
            for (concept, arg, how) in concept_args(src, c) {
                let fields = fields_in(src, arg, settings, sources);
                if out.iter().any(|u| u.key == concept) {
                    continue;
                }
                // One setting, or nothing certain enough to name; a
                // database URL may be assembled from its parts.
                // `Redis(host=…, port=…, password=…)`: always parts, even
                // one (a host alone is not a URL).
                if how == REDIS_PARTS && !fields.is_empty() {
                    let tls = src.text_of(arg).replace(' ', "").contains("ssl=True");
                    out.push(Use {
                        key: concept,
                        field: String::new(),
                        at: src.at(call),
                        how,
                        scheme: Some(if tls { "rediss" } else { "redis" }.into()),
                        parts: fields,
                    });
                    continue;
                }
                match fields.as_slice() {
                    [field] => out.push(Use {
                        key: concept,
                        field: field.clone(),
                        at: src.at(call),
                        how,
                        parts: Vec::new(),
                        scheme: None,
                    }),
                    [_, _, ..] if concept == "DATABASE_URL" => out.push(Use {
                        key: concept,
                        field: String::new(),
                        at: src.at(call),
                        how,
                        scheme: scheme_near(src, arg, sources, settings),
                        parts: fields,
                    }),
                    _ => {}
                }
            }
        }
    }
    // The signing secret is judged as SECRET_KEY, unless the project has
    // a setting of that name besides: then as the JWT key.
    if let Some(u) = out.iter_mut().find(|u| u.key == "SECRET_KEY")
        && settings.settings.iter().any(|s| {
            s.name.eq_ignore_ascii_case("SECRET_KEY") && !s.name.eq_ignore_ascii_case(&u.field)
        })
    {
        u.key = "JWT_SECRET_KEY";
    }
    out
}

/// How a Redis client built from host, port and password is described.
const REDIS_PARTS: &str = "connects to Redis (host, port, password)";

/// The arguments of a call that carry a concept's setting.
fn concept_args<'t>(
    src: &Source,
    call: &CallNode<'t>,
) -> Vec<(&'static str, Node<'t>, &'static str)> {
    let (ft, name) = (call.callee, call.name);
    if !matches!(
        name,
        "encode"
            | "decode"
            | "add_middleware"
            | "create_engine"
            | "create_async_engine"
            | "from_url"
            | "Redis"
            | "StrictRedis"
            | "FastAPI"
            | "Starlette"
            | "basicConfig"
    ) {
        return Vec::new();
    }
    let Some(args) = call.args else {
        return Vec::new();
    };
    let pos: Vec<Node> = {
        let mut c = args.walk();
        args.named_children(&mut c)
            .filter(|a| a.kind() != "keyword_argument")
            .collect()
    };
    let kw = |k: &str| -> Option<Node<'t>> {
        let mut c = args.walk();
        args.named_children(&mut c).find_map(|a| {
            (a.kind() == "keyword_argument" && a.field("name").map(|n| src.text_of(n)) == Some(k))
                .then(|| a.field("value"))
                .flatten()
        })
    };
    let mut out = Vec::new();
    let mut push = |concept, arg: Option<Node<'t>>, how| {
        if let Some(a) = arg {
            out.push((concept, a, how));
        }
    };
    match name {
        "encode" | "decode" if ft.to_ascii_lowercase().contains("jwt") => {
            push(
                "SECRET_KEY",
                kw("key").or_else(|| pos.get(1).copied()),
                "signs and checks tokens (jwt)",
            );
        }
        "add_middleware" => {
            let mw = pos.first().map(|p| last_name(src, *p)).unwrap_or("");
            if mw == "CORSMiddleware" {
                push(
                    "ALLOWED_HOSTS",
                    kw("allow_origins"),
                    "lists the CORS origins (CORSMiddleware)",
                );
            } else if mw == "TrustedHostMiddleware" {
                push(
                    "ALLOWED_HOSTS",
                    kw("allowed_hosts"),
                    "lists the trusted hosts (TrustedHostMiddleware)",
                );
            }
        }
        "create_engine" | "create_async_engine" => {
            push(
                "DATABASE_URL",
                kw("url").or_else(|| pos.first().copied()),
                "connects to the database (create_engine)",
            );
        }
        "from_url" if ft.to_ascii_lowercase().contains("redis") => {
            push(
                "REDIS_URL",
                kw("url").or_else(|| pos.first().copied()),
                "connects to Redis (from_url)",
            );
        }
        "Redis" | "StrictRedis"
            if ft.to_ascii_lowercase().contains("redis") && kw("host").is_some() =>
        {
            push("REDIS_URL", Some(args), REDIS_PARTS);
        }
        "FastAPI" | "Starlette" => push("DEBUG", kw("debug"), "turns on debug mode"),
        "basicConfig" if ft.contains("logging") => {
            push("LOG_LEVEL", kw("level"), "sets the log level (logging)");
        }
        _ => {}
    }
    out
}

/// The settings an argument is built from: `settings.X` (or a bare `X`
/// for a module constant read from the environment), looking one level
/// into a property of the settings class (`settings.all_cors_origins`
/// built from `self.BACKEND_CORS_ORIGINS`).
fn fields_in(src: &Source, arg: Node, settings: &Settings, sources: &Sources) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !out.iter().any(|x| x == name) {
            out.push(name.to_string());
        }
    };
    for n in descendants(arg) {
        let name = match n.kind() {
            "attribute" => n.field("attribute").map_or("", |a| src.text_of(a)),
            "identifier" => src.text_of(n),
            _ => continue,
        };
        if name.is_empty() {
            continue;
        }
        let known = settings.settings.iter().find(|s| {
            s.name == name
                && (n.kind() == "attribute" || !matches!(s.origin, Origin::Pydantic { .. }))
        });
        if known.is_some() {
            add(name);
        } else if n.kind() == "attribute" {
            for f in property_fields(sources, settings, name) {
                add(&f);
            }
        }
    }
    out
}

/// The database scheme written in the argument or in the settings
/// properties it reads (`"postgresql+asyncpg"`, `f"postgresql://{…}"`).
fn scheme_near(src: &Source, arg: Node, sources: &Sources, settings: &Settings) -> Option<String> {
    let pick = |text: &str| -> Option<String> {
        let t = text.trim_matches(|c| c == '"' || c == '\'' || c == 'f');
        // A scheme, not a user or database called "postgres".
        let i = t
            .find("postgresql")
            .or_else(|| t.find("postgres://"))
            .or_else(|| t.find("postgres+"))?;
        let s: String = t[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '+')
            .collect();
        Some(s)
    };
    for n in descendants(arg) {
        if n.kind() == "string"
            && let Some(s) = pick(src.text_of(n))
        {
            return Some(s);
        }
    }
    for m in &settings.models {
        let Some(msrc) = sources.files.iter().find(|s| s.path == m.file) else {
            continue;
        };
        for n in descendants(msrc.tree.root_node()) {
            if n.kind() == "string"
                && n.parent().is_some()
                && let Some(s) = pick(msrc.text_of(n))
            {
                return Some(s);
            }
        }
    }
    None
}

/// The fields a property of a settings class reads (`self.X`).
fn property_fields(sources: &Sources, settings: &Settings, prop: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in &settings.models {
        let Some(src) = sources.files.iter().find(|s| s.path == m.file) else {
            continue;
        };
        for n in descendants(src.tree.root_node()) {
            if n.kind() != "function_definition"
                || n.field("name").map(|x| src.text_of(x)) != Some(prop)
            {
                continue;
            }
            for a in descendants(n) {
                if a.kind() == "attribute"
                    && a.field("object").map(|o| src.text_of(o)) == Some("self")
                    && let Some(f) = a.field("attribute").map(|x| src.text_of(x))
                    && settings.settings.iter().any(|s| s.name == f)
                    && !out.iter().any(|x: &String| x == f)
                {
                    out.push(f.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::settings::discover;
    use super::*;

    fn uses(files: &[(&str, &str)]) -> Vec<Use> {
        let s = Sources::from_texts(files);
        find(&s, &discover(&s))
    }

    #[test]
    fn the_signing_secret_and_the_cors_list_are_found_by_their_use() {
        let u = uses(&[
            (
                "app/config.py",
                "class S(BaseSettings):\n    APP_SECRET: str = 'x'\n    BACKEND_CORS_ORIGINS: list[str] = []\n    FRONTEND_HOST: str = 'http://localhost:5173'\n\n    @computed_field\n    @property\n    def all_cors_origins(self) -> list[str]:\n        return [str(o) for o in self.BACKEND_CORS_ORIGINS] + [self.FRONTEND_HOST]\nsettings = S()\n",
            ),
            (
                "app/main.py",
                "app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=[str(o) for o in settings.BACKEND_CORS_ORIGINS])\ndef t(d):\n    return jwt.encode(d, settings.APP_SECRET, algorithm='HS256')\n",
            ),
        ]);
        let key = u.iter().find(|x| x.key == "SECRET_KEY").unwrap();
        assert_eq!(
            (key.field.as_str(), key.at.as_str()),
            ("APP_SECRET", "app/main.py:4")
        );
        let cors = u.iter().find(|x| x.key == "ALLOWED_HOSTS").unwrap();
        assert_eq!(cors.field, "BACKEND_CORS_ORIGINS");
        // Through a property built from two settings: not one setting, so
        // nothing is named.
        let u = uses(&[
            (
                "app/config.py",
                "class S(BaseSettings):\n    BACKEND_CORS_ORIGINS: list[str] = []\n    FRONTEND_HOST: str = 'x'\n    @property\n    def all_cors_origins(self):\n        return self.BACKEND_CORS_ORIGINS + [self.FRONTEND_HOST]\nsettings = S()\n",
            ),
            (
                "app/main.py",
                "app.add_middleware(CORSMiddleware, allow_origins=settings.all_cors_origins)\n",
            ),
        ]);
        assert!(u.iter().all(|x| x.key != "ALLOWED_HOSTS"), "{u:?}");
    }

    #[test]
    fn a_project_with_both_keys_signs_with_the_jwt_one() {
        let u = uses(&[(
            "app/config.py",
            "class S(BaseSettings):\n    SECRET_KEY: str = 'x'\n    TOKEN_KEY: str = 'y'\nsettings = S()\njwt.decode(t, key=settings.TOKEN_KEY)\n",
        )]);
        assert_eq!(u[0].key, "JWT_SECRET_KEY");
        assert_eq!(u[0].field, "TOKEN_KEY");
    }
}
