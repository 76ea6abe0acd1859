//! The routes active verification aims at, read from the code: the login
//! route (a POST that signs in or issues a token) and a protected route
//! (a GET whose handler depends on the current user or a token). Paths
//! with parameters are left out: harden sends no guessed identifiers.

use super::api;
use crate::detect::python::{Field as _, Index, Sources};

/// A route as active verification sends to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    pub path: String,
    /// Where it was found (`app/auth.py:12`) or the flag that gave it.
    pub from: String,
    /// The handler reads a form (OAuth2PasswordRequestForm, `Form(`), not JSON.
    pub form: bool,
}

/// The login and protected routes found in the code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveRoutes {
    pub login: Option<Route>,
    pub protected: Option<Route>,
    /// Why routes of the code were passed over, if some were.
    pub note: Option<String>,
}

/// Whether a dependency's name authenticates the caller, by its words
/// (`get_current_user`, `verify_token`, `oauth2_scheme`, `require_admin`),
/// not by substrings (`get_author_repository` does not).
fn authenticating_name(name: &str) -> bool {
    let words: Vec<String> = name
        .split(['_', '.'])
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    // Optional authentication lets anyone in; a CSRF check is no login.
    if has("optional") || has("csrf") {
        return false;
    }
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    const GUARDED: [&str; 12] = [
        "user",
        "admin",
        "login",
        "auth",
        "role",
        "roles",
        "scope",
        "scopes",
        "permission",
        "permissions",
        "superuser",
        "staff",
    ];
    [
        "auth",
        "authenticated",
        "authenticate",
        "token",
        "jwt",
        "bearer",
        "oauth2",
    ]
    .iter()
    .any(|w| has(w))
        || pair("current", "user")
        || pair("active", "user")
        || pair("login", "required")
        || ["require", "requires"]
            .iter()
            .any(|r| GUARDED.iter().any(|w| pair(r, w)))
}

/// Whether the text of parameters or decorators names an authenticating
/// dependency: `Depends(NAME…)` or `Security(NAME…)` (FastAPI's for scopes).
fn authenticates(text: &str) -> bool {
    for call in ["Depends(", "Security("] {
        for part in text.split(call).skip(1) {
            let name: String = part
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if call == "Security(" || authenticating_name(&name) {
                return true;
            }
        }
    }
    false
}

/// Paths whose GET may act (a careless API does it): never asked with a
/// forged admin token. Segments are split at punctuation and camelCase.
fn acts(path: &str) -> bool {
    const ACTIONS: [&str; 34] = [
        "delete",
        "remove",
        "reset",
        "logout",
        "revoke",
        "export",
        "run",
        "trigger",
        "send",
        "purge",
        "approve",
        "cancel",
        "execute",
        "sync",
        "import",
        "restart",
        "deactivate",
        "activate",
        "wipe",
        "disable",
        "enable",
        "ban",
        "unban",
        "archive",
        "clear",
        "flush",
        "rotate",
        "generate",
        "create",
        "update",
        "stop",
        "start",
        "lock",
        "unlock",
    ];
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in path.chars() {
        if (!c.is_ascii_alphanumeric() || c.is_ascii_uppercase()) && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        }
    }
    words.push(cur);
    words.iter().any(|w| ACTIONS.contains(&w.as_str()))
}

/// Prefers a route that reads the caller's own data (`/me`, `/profile`).
fn rank(path: &str) -> u8 {
    let p = path.to_ascii_lowercase();
    if p.ends_with("/me") || p.ends_with("/profile") || p.ends_with("/whoami") {
        0
    } else if p.contains("user") || p.contains("account") {
        1
    } else {
        2
    }
}

fn signs_in(path: &str, name: &str) -> bool {
    let (p, n) = (path.to_ascii_lowercase(), name.to_ascii_lowercase());
    [
        "login",
        "token",
        "signin",
        "sign-in",
        "sign_in",
        "authenticate",
    ]
    .iter()
    .any(|k| p.contains(k) || n.contains(k))
        && !["register", "signup", "reset", "refresh", "logout", "revoke"]
            .iter()
            .any(|k| p.contains(k) || n.contains(k))
}

/// The first string argument of a call's `prefix=` in `text`
/// (`APIRouter(prefix="/auth")`, `include_router(r, prefix="/api/v1")`).
fn prefixes(text: &str, call: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for part in text.split(call).skip(1) {
        // The call's arguments: up to its closing parenthesis.
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in part.char_indices().take(2000) {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
        }
        let Some(end) = end else {
            out.push(None);
            continue;
        };
        let args = &part[..end];
        let Some(i) = args.find("prefix") else {
            out.push(Some(String::new()));
            continue;
        };
        let rest = args[i + "prefix".len()..].trim_start();
        let literal = rest.strip_prefix('=').and_then(|r| {
            let r = r.trim_start();
            let q = r.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let v = r[1..].split(q).next()?;
            (v.is_empty() || v.starts_with('/')).then(|| v.trim_end_matches('/').to_string())
        });
        // A prefix harden cannot read (a variable, a path it would not
        // send) makes the routes under it unknown, never guessed.
        out.push(
            literal.filter(|v| v.is_empty() || crate::detect::probe::active::check_path(v).is_ok()),
        );
    }
    out
}

/// Reads the project's routes. The path is the decorator's, after the
/// `APIRouter(prefix=…)` of its file and the `include_router(…, prefix=…)`
/// when the project uses one prefix for every router.
pub fn active_routes(project: &std::path::Path) -> ActiveRoutes {
    let sources = Sources::load_if(project, &|t: &str| {
        t.contains(".post(") || t.contains(".get(")
    });
    let index = Index::new(&sources);
    let include: Vec<Option<String>> = sources
        .files
        .iter()
        .flat_map(|s| prefixes(&s.text, "include_router("))
        .collect();
    let mut out = ActiveRoutes::default();
    // One prefix for every router, read: else where a route is mounted
    // is not known, and no route is aimed at.
    let global = match include.first() {
        None => String::new(),
        Some(Some(p)) if include.iter().all(|x| x.as_ref() == Some(p)) => p.clone(),
        Some(_) => {
            out.note = Some(
                "the routers are mounted (include_router) under prefixes harden cannot read, or that differ"
                    .into(),
            );
            return out;
        }
    };
    for f in &index.files {
        let src = f.src;
        let own = prefixes(&src.text, "APIRouter(");
        let local = match own.as_slice() {
            [] => String::new(),
            [Some(p)] => p.clone(),
            _ => {
                out.note.get_or_insert_with(|| {
                    format!(
                        "{} has a router prefix harden cannot read",
                        src.path
                            .strip_prefix(project)
                            .unwrap_or(&src.path)
                            .display()
                    )
                });
                continue;
            }
        };

        for &node in &f.decorated {
            let Some((def, route)) = api::route_of(src, node) else {
                continue;
            };
            let Some((method, path)) = route.split_once(' ') else {
                continue;
            };
            if !path.starts_with('/') || path.contains('{') {
                continue;
            }
            let name = def.field("name").map_or("", |n| src.text_of(n));
            let params = def.field("parameters").map_or("", |p| src.text_of(p));
            let decorators = src.text_of(node);
            let decorators = &decorators[..decorators.find("def ").unwrap_or(decorators.len())];
            let full = format!("{global}{local}{path}");
            // Code writes the path: it goes into a request line only if
            // it could be typed as --login-path.
            if crate::detect::probe::active::check_path(&full).is_err() {
                continue;
            }
            let at = format!(
                "{}:{}",
                src.path
                    .strip_prefix(project)
                    .unwrap_or(&src.path)
                    .display(),
                src.line(def)
            );
            if method == "POST" && out.login.is_none() && signs_in(path, name) {
                out.login = Some(Route {
                    method: method.into(),
                    path: full,
                    from: at,
                    form: params.contains("OAuth2PasswordRequestForm") || params.contains("Form("),
                });
            } else if method == "GET"
                && !acts(&full)
                && (authenticates(params) || authenticates(decorators))
                && out
                    .protected
                    .as_ref()
                    .is_none_or(|p| rank(&full) < rank(&p.path))
            {
                out.protected = Some(Route {
                    method: method.into(),
                    path: full,
                    from: at,
                    form: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(files: &[(&str, &str)]) -> ActiveRoutes {
        let d = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = d.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        active_routes(d.path())
    }

    #[test]
    fn login_and_protected_routes_with_their_prefixes() {
        let r = routes(&[
            (
                "app/auth.py",
                "from fastapi import APIRouter, Depends\nfrom fastapi.security import OAuth2PasswordRequestForm\nrouter = APIRouter(prefix=\"/auth\")\n\n@router.post(\"/register\")\nasync def register(u: UserIn):\n    ...\n\n@router.post(\"/token\")\nasync def login(form: OAuth2PasswordRequestForm = Depends()):\n    ...\n",
            ),
            (
                "app/users.py",
                "router = APIRouter(prefix='/users')\n@router.get('/{user_id}')\nasync def one(user_id: int, u = Depends(get_current_user)):\n    ...\n@router.get('/me')\nasync def me(u: User = Depends(get_current_user)):\n    ...\n",
            ),
            (
                "app/main.py",
                "app.include_router(auth.router, prefix=\"/api/v1\")\napp.include_router(users.router, prefix=\"/api/v1\")\n@app.get(\"/health\")\nasync def health():\n    return {}\n",
            ),
        ]);
        let login = r.login.unwrap();
        assert_eq!(login.path, "/api/v1/auth/token");
        assert!(login.form);
        assert_eq!(login.from, "app/auth.py:10");
        let p = r.protected.unwrap();
        assert_eq!(p.path, "/api/v1/users/me");
        assert_eq!(p.from, "app/users.py:6");
    }

    #[test]
    fn dependencies_in_the_decorator_protect_a_route_and_json_logins_are_not_forms() {
        let r = routes(&[(
            "main.py",
            "@app.post('/login')\nasync def login(body: LoginIn):\n    ...\n@app.get('/admin/stats', dependencies=[Depends(require_admin)])\nasync def stats():\n    ...\n",
        )]);
        assert!(!r.login.unwrap().form);
        assert_eq!(r.protected.unwrap().path, "/admin/stats");
        let none = routes(&[(
            "main.py",
            "@app.get('/items')\nasync def items():\n    return []\n",
        )]);
        assert_eq!(none, ActiveRoutes::default());
    }

    /// A dependency protects by its name's words; actions and crafted
    /// paths are never picked; the caller's own data is preferred.
    #[test]
    fn only_authenticating_dependencies_and_safe_paths_are_picked() {
        let r = routes(&[(
            "main.py",
            "@app.get('/articles')\nasync def a(repo=Depends(get_author_repository)):\n    ...\n@app.get('/jobs', dependencies=[Depends(require_json)])\nasync def j():\n    ...\n",
        )]);
        assert_eq!(r.protected, None, "{r:?}");
        let r = routes(&[(
            "main.py",
            "@app.get('/admin/purge')\nasync def p(u=Depends(require_admin)):\n    ...\n@app.get('/orders')\nasync def o(u=Depends(get_current_user)):\n    ...\n@app.get('/users/me')\nasync def me(u=Security(scopes_user, scopes=['me'])):\n    ...\n",
        )]);
        assert_eq!(r.protected.unwrap().path, "/users/me");
        let crafted = concat!(
            "@app.post(\"/token HTTP/1.1\\r\\nX: y\")\n",
            "async def login(f: OAuth2PasswordRequestForm = Depends()):\n    ...\n",
            "@app.get('/me?\\\nX-Evil: 1', dependencies=[Depends(verify_token)])\n",
            "async def me():\n    ...\n",
        );
        let r = routes(&[("main.py", crafted)]);
        assert_eq!(r, ActiveRoutes::default(), "crafted paths are skipped");
    }

    /// What the second review found: actions after /me/ and in camelCase,
    /// optional authentication and CSRF checks, and prefixes harden cannot
    /// read (the routes under them are passed over, with a note).
    #[test]
    fn actions_optional_guards_and_unread_prefixes() {
        let r = routes(&[(
            "main.py",
            "@app.get('/users/me/deactivate')\nasync def d(u=Depends(get_current_user)):\n    ...\n@app.get('/users/me/deleteAccount')\nasync def x(u=Depends(get_current_user)):\n    ...\n@app.get('/feed')\nasync def f(u=Depends(get_current_user_optional)):\n    ...\n@app.get('/items')\nasync def i(c=Depends(validate_csrf_token)):\n    ...\n@app.get('/orders')\nasync def o(u=Depends(get_current_user)):\n    ...\n",
        )]);
        assert_eq!(r.protected.unwrap().path, "/orders");
        let r = routes(&[
            (
                "app/auth.py",
                "router = APIRouter(tags=['auth'], prefix=settings.API_V1_STR)\n@router.post('/login')\nasync def login(b: LoginIn):\n    ...\n",
            ),
            (
                "app/users.py",
                "router = APIRouter(dependencies=[Depends(x)], prefix='/users')\n@router.get('/me')\nasync def me(u=Depends(get_current_user)):\n    ...\n",
            ),
        ]);
        assert_eq!(r.login, None);
        assert!(
            r.note
                .as_deref()
                .unwrap()
                .starts_with("app/auth.py has a router prefix"),
            "{r:?}"
        );
        assert_eq!(r.protected.unwrap().path, "/users/me");
        let r = routes(&[(
            "main.py",
            "app.include_router(a.router, prefix='/v1')\napp.include_router(b.router, prefix='/v2')\n@app.post('/login')\nasync def login(b: LoginIn):\n    ...\n",
        )]);
        assert_eq!(r.login, None);
        assert!(r.note.is_some());
    }
}
