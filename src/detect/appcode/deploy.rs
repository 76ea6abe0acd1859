//! How the application is shipped and started: the Dockerfile (its final
//! stage's user, secrets in `ENV`, `ARG` or a copied `.env`), the
//! production start command wherever it is written (Dockerfile `CMD` and
//! `ENTRYPOINT`, Procfile, compose `command`, systemd `ExecStart`,
//! gunicorn configuration), and the ports docker-compose publishes.
//! Values are never shown: a secret in a Dockerfile is named by its key
//! and line only.

use std::path::{Path, PathBuf};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::{Yaml, YamlLoader};

use super::{Ctx, repo};
use crate::detect::{Finding, Outcome};

/// One instruction of a Dockerfile, continuation lines joined.
struct Instruction {
    line: usize,
    /// Upper case (`USER`, `ENV`).
    op: String,
    args: String,
}

/// The instructions of a Dockerfile, comments and blank lines left out.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut pending: Option<Instruction> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        // Comments, and blank lines (Docker skips them inside a
        // continuation too).
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (body, more) = match line.strip_suffix('\\') {
            Some(b) => (b.trim_end(), true),
            None => (line, false),
        };
        match pending.as_mut() {
            Some(p) => {
                p.args.push(' ');
                p.args.push_str(body);
            }
            None => {
                let (op, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                pending = Some(Instruction {
                    line: i + 1,
                    op: op.to_ascii_uppercase(),
                    args: args.trim().to_string(),
                });
            }
        }
        if !more && let Some(p) = pending.take() {
            out.push(p);
        }
    }
    out.extend(pending);
    out
}

/// Names that say they hold a secret (`SECRET_KEY`, `DB_PASSWORD`), not
/// settings about secrets (`PASSWORD_MIN_LENGTH`, `SECRET_KEY_FILE`,
/// `TOKEN_URL`, `ACCESS_TOKEN_EXPIRE_MINUTES`).
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let about = [
        "_FILE",
        "_PATH",
        "_DIR",
        "_URL",
        "_URI",
        "_LENGTH",
        "_LEN",
        "_MINUTES",
        "_SECONDS",
        "_HOURS",
        "_DAYS",
        "_TTL",
        "_TIMEOUT",
        "_ALGORITHM",
        "_HEADER",
        "_NAME",
        "_TYPE",
        "_ID",
        "_ENABLED",
        "_REQUIRED",
    ];
    let qualifier = ["_MIN_", "_MAX_", "_EXPIRE", "PUBLIC", "PUBLISHABLE"];
    if about.iter().any(|a| n.ends_with(a)) || qualifier.iter().any(|q| n.contains(q)) {
        return false;
    }
    // By whole words: TOKENIZERS_PARALLELISM holds no token.
    let words: Vec<&str> = n.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    words.iter().enumerate().any(|(i, w)| {
        matches!(
            *w,
            "SECRET"
                | "SECRETS"
                | "PASSWORD"
                | "PASSWD"
                | "PASS"
                | "PWD"
                | "TOKEN"
                | "APIKEY"
                | "CREDENTIAL"
                | "CREDENTIALS"
        ) || (*w == "KEY" && (i > 0 || words.len() == 1))
    })
}

/// Words of an instruction's arguments, quotes honoured (`A="x y" B=1`
/// is two words), the quotes kept.
fn words(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in args.chars() {
        if escaped {
            cur.push(ch);
            escaped = false;
            continue;
        }
        match (quote, ch) {
            (_, '\\') => {
                cur.push(ch);
                escaped = true;
            }
            (Some(q), c) if c == q => {
                cur.push(c);
                quote = None;
            }
            (None, '"' | '\'') => {
                cur.push(ch);
                quote = Some(ch);
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(ch),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The keys an `ENV` or `ARG` instruction sets, with the value given
/// there, if any (`ENV A=1 B=2`, the old `ENV A 1 2`, `ARG NAME`).
fn keys_set(args: &str) -> Vec<(String, Option<String>)> {
    let w = words(args);
    let Some(first) = w.first() else {
        return Vec::new();
    };
    // The old form: the first word is the key, the rest the value.
    if !first.contains('=') {
        let value = w[1..].join(" ");
        return vec![(first.clone(), (!value.is_empty()).then_some(value))];
    }
    w.iter()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            let v = v.trim_matches(['"', '\'']);
            (!k.is_empty()).then(|| (k.to_string(), (!v.is_empty()).then(|| v.to_string())))
        })
        .collect()
}

/// True for a value that carries a secret in the clear: not a reference
/// to a variable, and for a URL, only when it has a password.
fn secret_value(name: &str, value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    // ${VAR:-default}: the default is written into the image.
    if v.starts_with('$') && !v.contains(' ') {
        let d = with_defaults(v);
        return !d.trim().is_empty() && secret_name(name);
    }
    if let Some((_, rest)) = v.split_once("://") {
        // user:password@host, the password written out.
        let auth = rest.split(['/', '?', '#']).next().unwrap_or("");
        return auth.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo
                .split_once(':')
                .is_some_and(|(_, pw)| !pw.is_empty() && !pw.starts_with('$'))
        });
    }
    secret_name(name)
}

/// Dev and test variants of a file, which do not describe production
/// (`Dockerfile.dev`, `docker-compose.test.yml`, `.devcontainer/`).
fn dev_variant(path: &Path) -> bool {
    let in_dev_dir = path.components().any(|c| {
        let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
        c == ".devcontainer" || c == "examples" || c == "docs"
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    in_dev_dir
        || name.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "dev"
                    | "development"
                    | "local"
                    | "test"
                    | "tests"
                    | "ci"
                    | "override"
                    | "example"
                    | "sample"
            )
        })
}

/// The project's Dockerfiles (`Dockerfile`, `Containerfile`,
/// `Dockerfile.prod`, `api.Dockerfile`), in walk order.
fn dockerfiles(project: &Path) -> (Vec<PathBuf>, bool) {
    let (all, cut) = repo::files_walked(project, &["dockerfile", "containerfile"]);
    let files = all
        .into_iter()
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let named = ["dockerfile", "containerfile"].iter().any(|d| {
                name == *d
                    || [".", "-", "_"].iter().any(|s| {
                        name.starts_with(&format!("{d}{s}")) || name.ends_with(&format!("{s}{d}"))
                    })
            });
            named && !dev_variant(p)
        })
        .collect();
    (files, cut)
}

/// What a rule says when the walk stopped before the whole repository.
fn cut_note(cut: bool) -> &'static str {
    if cut {
        " (the repository walk stopped at 5,000 entries: files past it were not looked at)"
    } else {
        ""
    }
}

/// A file's text, or why it was not read.
fn read_or_why(project: &Path, rel: &Path) -> Result<String, String> {
    repo::read(project, rel).ok_or_else(|| {
        format!(
            "{} could not be read (over 1 MiB, not a regular file, or unreadable)",
            rel.display()
        )
    })
}

fn secrets_in_image(ctx: &Ctx) -> Finding {
    let item = "env.secrets_not_in_image";
    let (files, cut) = dockerfiles(ctx.project);
    if files.is_empty() {
        return Finding::new(
            item,
            if cut {
                Outcome::Unknown
            } else {
                Outcome::Absent
            },
            format!(
                "no Dockerfile in the repository: the application is not shipped as an image from here{}",
                cut_note(cut)
            ),
        );
    }
    let mut unread = Vec::new();
    for rel in &files {
        let text = match read_or_why(ctx.project, rel) {
            Ok(t) => t,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        let shown = rel.display();
        // The build context: the Dockerfile's folder, or the project's.
        let dir = rel.parent().unwrap_or(Path::new(""));
        let env_present =
            ctx.project.join(dir).join(".env").is_file() || ctx.project.join(".env").is_file();
        let ignore = [dir, Path::new("")]
            .iter()
            .find_map(|d| repo::read(ctx.project, &d.join(".dockerignore")))
            .unwrap_or_default();
        let lines: Vec<&str> = ignore
            .lines()
            .map(|l| l.trim().trim_start_matches('/'))
            .collect();
        // An allow-list (`*`, then `!app`) leaves .env out unless it
        // lets it back in.
        let ignores_env = lines.iter().any(|l| {
            matches!(
                *l,
                ".env" | ".env*" | "*.env" | "**/.env" | ".env.*" | "*" | "**" | "**/*"
            )
        }) && !lines
            .iter()
            .any(|l| l.starts_with("!.env") || l.starts_with("!**/.env"));
        for ins in instructions(&text) {
            let op = ins.op.as_str();
            // ONBUILD ENV ... counts as ENV.
            let (op, args) = match op {
                "ONBUILD" => {
                    let (o, a) = ins
                        .args
                        .split_once(char::is_whitespace)
                        .unwrap_or((&ins.args, ""));
                    (o.to_ascii_uppercase(), a.trim().to_string())
                }
                _ => (op.to_string(), ins.args.clone()),
            };
            let bad = match op.as_str() {
                "ENV" | "ARG" => keys_set(&args)
                    .into_iter()
                    .find(|(k, v)| match v {
                        Some(v) => secret_value(k, v),
                        None => op == "ARG" && secret_name(k),
                    })
                    .map(|(k, _)| {
                        if op == "ARG" {
                            format!("ARG {k} passes a secret at build time: build arguments stay in the image history")
                        } else {
                            format!("ENV {k} writes a secret into the image (value not shown)")
                        }
                    }),
                "COPY" | "ADD" => {
                    let srcs: Vec<String> = words(&args)
                        .into_iter()
                        .filter(|a| !a.starts_with("--"))
                        .map(|a| a.trim_matches(['"', '[', ']', ',']).to_string())
                        .collect();
                    let sources = &srcs[..srcs.len().saturating_sub(1)];
                    sources
                        .iter()
                        .find(|a| {
                            let base = a.rsplit('/').next().unwrap_or(a);
                            let template = [".example", ".sample", ".template", ".dist"]
                                .iter()
                                .any(|t| base.ends_with(t));
                            (base == ".env" || base.starts_with(".env")) && !template
                        })
                        .map(|a| format!("{op} {a} copies the env file into the image"))
                        .or_else(|| {
                            let whole = sources.iter().any(|a| a == "." || a == "./");
                            (whole && env_present && !ignores_env).then(|| {
                                format!("{op} . copies the whole folder, and .dockerignore does not leave out the .env file there")
                            })
                        })
                }
                _ => None,
            };
            if let Some(why) = bad {
                return Finding::new(item, Outcome::Fail, format!("{shown}:{}: {why}", ins.line))
                    .fix("Remove it, add .env to .dockerignore, and give secrets at run time (docker run --env-file, compose secrets, or the orchestrator's secret store).")
                    .at(shown.to_string(), ins.line);
            }
        }
    }
    if !unread.is_empty() || cut {
        let mut why = unread;
        why.push(format!(
            "the Dockerfiles seen hold no secret{}",
            cut_note(cut)
        ));
        return Finding::new(item, Outcome::Unknown, why.join("; "));
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Finding::new(
        item,
        Outcome::Pass,
        format!(
            "{}: no secret in ENV or ARG and no .env copied in",
            names.join(", ")
        ),
    )
}

/// A production start command (or a setting of one) and where it is.
struct Start {
    at: String,
    file: String,
    line: usize,
    command: String,
    /// For a systemd unit: the `User=` it runs as (`None`: root).
    unit_user: Option<Option<String>>,
}

/// The compose files of the repository that describe production.
fn compose_files(project: &Path) -> (Vec<PathBuf>, bool) {
    let (all, cut) = repo::files_walked(project, &["compose"]);
    let files = all
        .into_iter()
        .filter(|f| {
            let n = f.to_string_lossy().to_ascii_lowercase();
            (n.ends_with(".yml") || n.ends_with(".yaml")) && !dev_variant(f)
        })
        .collect();
    (files, cut)
}

/// Most a compose file may grow to once its aliases are copied where
/// they are used (a compose file is a few kilobytes).
const YAML_EXPANDED_MAX: u64 = 4 * 1024 * 1024;

/// Measures how large a YAML document becomes with its aliases copied,
/// from the parser's events, before anything is built.
#[derive(Default)]
struct Expansion {
    sizes: std::collections::HashMap<usize, u64>,
    open: Vec<(usize, u64)>,
    /// The document with its aliases copied, plus the copy the loader
    /// keeps of every anchored node.
    total: u64,
}

impl Expansion {
    fn add(&mut self, n: u64) {
        match self.open.last_mut() {
            Some(top) => top.1 = top.1.saturating_add(n),
            None => self.total = self.total.saturating_add(n),
        }
    }
}

impl MarkedEventReceiver for Expansion {
    fn on_event(&mut self, ev: Event, _mark: yaml_rust2::scanner::Marker) {
        match ev {
            Event::Scalar(s, _, anchor, _) => {
                let n = s.len() as u64 + 1;
                if anchor > 0 {
                    self.sizes.insert(anchor, n);
                    self.total = self.total.saturating_add(n);
                }
                self.add(n);
            }
            Event::Alias(id) => {
                let n = self.sizes.get(&id).copied().unwrap_or(1);
                self.add(n);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, 1));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, n)) = self.open.pop() {
                    if anchor > 0 {
                        self.sizes.insert(anchor, n);
                        self.total = self.total.saturating_add(n);
                    }
                    self.add(n);
                }
            }
            _ => {}
        }
    }
}

/// A compose file read as YAML, or why it was not.
fn load_compose(project: &Path, rel: &Path) -> Result<(String, Yaml), String> {
    let shown = rel.display();
    let text = read_or_why(project, rel)?;
    // The parser recurses once per level: a deep file would overflow the
    // stack before any size is known.
    if let Some(line) = too_deep(&text) {
        return Err(format!(
            "{shown}:{line} was not read: nested more than {MAX_DEPTH} levels deep"
        ));
    }
    let mut size = Expansion::default();
    if let Err(e) = Parser::new_from_str(&text).load(&mut size, true) {
        let m = e.marker();
        return Err(format!(
            "{shown}:{}:{} is not valid YAML ({})",
            m.line(),
            m.col() + 1,
            e.info()
        ));
    }
    if size.total > YAML_EXPANDED_MAX {
        return Err(format!(
            "{shown} was not read: its aliases expand it past {} MiB",
            YAML_EXPANDED_MAX / 1024 / 1024
        ));
    }
    match YamlLoader::load_from_str(&text) {
        Ok(d) => Ok((text, d.into_iter().next().unwrap_or(Yaml::Null))),
        Err(e) => {
            let m = e.marker();
            Err(format!(
                "{shown}:{}:{} is not valid YAML ({})",
                m.line(),
                m.col() + 1,
                e.info()
            ))
        }
    }
}

/// Deepest nesting a compose file may have (a real one has about 6).
const MAX_DEPTH: usize = 64;

/// The line where a YAML text nests past [`MAX_DEPTH`], if it does:
/// flow brackets open across lines, and block levels by indentation and
/// by `- ` and `key:` items written on one line.
fn too_deep(text: &str) -> Option<usize> {
    let mut flow: usize = 0;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        let mut inline = 0;
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            inline += 1;
            rest = r.trim_start();
        }
        let mut in_quote: Option<char> = None;
        for ch in line.chars() {
            match (in_quote, ch) {
                (Some(q), c) if c == q => in_quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => in_quote = Some(ch),
                (None, '#') => break,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                (None, ':') => inline += 1,
                _ => {}
            }
        }
        if indent / 2 + inline + flow > MAX_DEPTH {
            return Some(i + 1);
        }
    }
    None
}

/// A compose value as one line of text (a string, or a list joined).
fn yaml_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        Yaml::Array(a) => Some(a.iter().filter_map(yaml_text).collect::<Vec<_>>().join(" ")),
        _ => None,
    }
}

/// A service's environment as (name, value) pairs, map or list form.
fn environment(svc: &Yaml) -> Vec<(String, String)> {
    match &svc["environment"] {
        Yaml::Hash(h) => h
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), yaml_text(v)?)))
            .collect(),
        Yaml::Array(a) => a
            .iter()
            .filter_map(|e| {
                let (k, v) = e.as_str()?.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The first line of `text`, at or after line `from` (1-based), holding
/// `needle`; `from` when none does.
fn line_after(text: &str, from: usize, needle: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from.max(1), |(i, _)| i + 1)
}

/// The line a compose service is declared on.
fn service_line(text: &str, name: &str) -> usize {
    let key = format!("{name}:");
    text.lines()
        .position(|l| l.trim_start() == key || l.trim_start().starts_with(&format!("{key} ")))
        .map_or(1, |i| i + 1)
}

/// True for text that starts the server.
fn server(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    [
        "uvicorn",
        "gunicorn",
        "hypercorn",
        "fastapi run",
        "fastapi dev",
    ]
    .iter()
    .any(|s| l.contains(s))
}

/// Start commands of the server (uvicorn, gunicorn, hypercorn, `fastapi
/// run`), and the settings that change them, wherever the repository
/// writes them; files that could not be read, with why.
fn start_commands(ctx: &Ctx) -> (Vec<Start>, Vec<String>, bool) {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut push = |file: &Path, line: usize, command: String, unit_user| {
        let file = file.display().to_string();
        out.push(Start {
            at: format!("{file}:{line}"),
            file,
            line,
            command,
            unit_user,
        });
    };
    let (docker, cut_docker) = dockerfiles(ctx.project);
    for rel in docker {
        let text = match read_or_why(ctx.project, &rel) {
            Ok(t) => t,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        for ins in instructions(&text) {
            match ins.op.as_str() {
                "CMD" | "ENTRYPOINT" if server(&ins.args) => push(&rel, ins.line, ins.args, None),
                // A script that starts the server: read it from the repository.
                "CMD" | "ENTRYPOINT" => {
                    for w in words(&ins.args) {
                        let w = w.trim_matches(['"', '\'', '[', ']', ',']);
                        if !w.ends_with(".sh") {
                            continue;
                        }
                        let base = w.rsplit('/').next().unwrap_or(w);
                        let dir = rel.parent().unwrap_or(Path::new(""));
                        let found = [
                            dir.join(base),
                            PathBuf::from(base),
                            PathBuf::from(w.trim_start_matches("./").trim_start_matches('/')),
                        ]
                        .into_iter()
                        .find(|p| ctx.project.join(p).is_file());
                        let Some(script) = found else { continue };
                        if let Ok(t) = read_or_why(ctx.project, &script) {
                            for (i, l) in t.lines().enumerate() {
                                let l = l.trim();
                                if !l.starts_with('#') && server(l) {
                                    push(&script, i + 1, l.to_string(), None);
                                }
                            }
                        }
                    }
                }
                // uvicorn reads its options from the environment too.
                "ENV" => {
                    for (k, v) in keys_set(&ins.args) {
                        if k.eq_ignore_ascii_case("FORWARDED_ALLOW_IPS") {
                            let v = v.unwrap_or_default();
                            push(&rel, ins.line, format!("--forwarded-allow-ips {v}"), None);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let (others, cut) = repo::files_walked(ctx.project, &["procfile", "service", "gunicorn"]);
    for rel in others.into_iter().filter(|r| !dev_variant(r)) {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let is_unit = name.ends_with(".service");
        let is_config = name.starts_with("gunicorn") && name.ends_with(".py");
        if !(name == "procfile" || is_unit || is_config) {
            continue;
        }
        let text = match read_or_why(ctx.project, &rel) {
            Ok(t) => t,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        // Continuation lines joined, comments left out.
        let mut lines: Vec<(usize, String)> = Vec::new();
        let mut pending: Option<(usize, String)> = None;
        for (i, l) in text.lines().enumerate() {
            let t = l.trim();
            let t = if is_config {
                t.split('#').next().unwrap_or("").trim()
            } else {
                t
            };
            if pending.is_none() && (t.is_empty() || t.starts_with('#') || t.starts_with(';')) {
                continue;
            }
            let (body, more) = match t.strip_suffix('\\') {
                Some(b) => (b.trim_end(), true),
                None => (t, false),
            };
            match pending.as_mut() {
                Some((_, p)) => {
                    p.push(' ');
                    p.push_str(body);
                }
                None => pending = Some((i + 1, body.to_string())),
            }
            if !more {
                lines.extend(pending.take());
            }
        }
        lines.extend(pending);
        let unit_user = is_unit.then(|| {
            lines.iter().find_map(|(_, l)| {
                let (k, v) = l.split_once('=')?;
                match k.trim() {
                    "User" => Some(v.trim().to_string()),
                    // systemd picks an unprivileged user of its own.
                    "DynamicUser" if matches!(v.trim(), "yes" | "true" | "1" | "on") => {
                        Some("a dynamic user".to_string())
                    }
                    _ => None,
                }
            })
        });
        for (line, t) in lines {
            let hit = if is_config {
                t.starts_with("forwarded_allow_ips") || t.starts_with("reload")
            } else if is_unit {
                t.starts_with("ExecStart") && server(&t)
            } else {
                server(&t)
            };
            if hit {
                push(&rel, line, t, unit_user.clone());
            }
        }
    }
    let (compose, cut_compose) = compose_files(ctx.project);
    for rel in compose {
        let (text, doc) = match load_compose(ctx.project, &rel) {
            Ok(d) => d,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        let Some(services) = doc["services"].as_hash() else {
            continue;
        };
        for (name, svc) in services {
            let name = name.as_str().unwrap_or("?");
            let at = service_line(&text, name);
            for key in ["command", "entrypoint"] {
                if let Some(cmd) = yaml_text(&svc[key]).filter(|c| server(c)) {
                    push(&rel, line_after(&text, at, &format!("{key}:")), cmd, None);
                }
            }
            for (k, v) in environment(svc) {
                if k.eq_ignore_ascii_case("FORWARDED_ALLOW_IPS") {
                    push(
                        &rel,
                        line_after(&text, at, &k),
                        format!("--forwarded-allow-ips {v}"),
                        None,
                    );
                }
            }
        }
    }
    // uvicorn.run(...) in the application itself.
    for c in &ctx.calls {
        if c.callee() == "uvicorn.run" || (c.name() == "run" && c.callee().starts_with("uvicorn")) {
            let mut cmd = String::from("uvicorn.run(");
            if c.kwarg("reload").is_some_and(|v| c.text(v) == "True") {
                cmd.push_str(" --reload");
            }
            if let Some(v) = c.kwarg("forwarded_allow_ips") {
                cmd.push_str(" --forwarded-allow-ips ");
                cmd.push_str(c.text(v));
            }
            let loc = c.location();
            push(Path::new(&loc.file), loc.line, cmd, None);
        }
    }
    (out, unread, cut || cut_docker || cut_compose)
}

/// Why a start command is not fit for production, if it is not.
fn weak_start(command: &str) -> Option<&'static str> {
    let c = command.replace(['"', '\'', ',', '[', ']'], " ");
    let words: Vec<&str> = c.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if has("--reload") || c.contains("reload = True") || c.contains("reload=True") {
        return Some("--reload restarts the server whenever a file changes: a development mode");
    }
    if has("dev") && has("fastapi") {
        return Some("fastapi dev is the development server (it reloads on changes)");
    }
    let flag = |w: &str| {
        w == "--forwarded-allow-ips"
            || w == "--forwarded-allow-ips="
            || w.starts_with("forwarded_allow_ips")
    };
    let allow_all = words.windows(2).any(|w| flag(w[0]) && w[1] == "*")
        || words.contains(&"--forwarded-allow-ips=*")
        || words
            .windows(3)
            .any(|w| flag(w[0]) && w[1] == "=" && w[2] == "*")
        || words.contains(&"forwarded_allow_ips=*");
    if allow_all {
        return Some(
            "--forwarded-allow-ips \"*\" trusts X-Forwarded-For and X-Forwarded-Proto from every client: any client can forge its address",
        );
    }
    None
}

/// The worker count a command asks for, if it says.
fn workers(command: &str) -> Option<String> {
    let c = command.replace(['"', '\'', ',', '[', ']'], " ");
    let words: Vec<&str> = c.split_whitespace().collect();
    words.iter().enumerate().find_map(|(i, w)| {
        if let Some(n) = w.strip_prefix("--workers=") {
            return Some(n.to_string());
        }
        (matches!(*w, "--workers" | "-w")).then(|| words.get(i + 1).map(|n| n.to_string()))?
    })
}

/// A Dockerfile stage: its `FROM` image (or earlier stage) and name.
struct Stage<'a> {
    from: String,
    name: Option<String>,
    ins: &'a [Instruction],
}

fn stages(all: &[Instruction]) -> Vec<Stage<'_>> {
    let starts: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, i)| i.op == "FROM")
        .map(|(n, _)| n)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &at)| {
            let end = starts.get(k + 1).copied().unwrap_or(all.len());
            let w: Vec<&str> = all[at]
                .args
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let name = w
                .iter()
                .position(|x| x.eq_ignore_ascii_case("as"))
                .and_then(|p| w.get(p + 1))
                .map(|n| n.to_ascii_lowercase());
            Stage {
                from: w.first().map_or(String::new(), |f| f.to_ascii_lowercase()),
                name,
                ins: &all[at..end],
            }
        })
        .collect()
}

/// The user the final stage of a Dockerfile runs as, with the line that
/// sets it: through the stages it is built `FROM`, `ARG`/`ENV` defaults
/// resolved. `None` when nothing sets one (root).
fn final_user(all: &[Instruction]) -> Option<(String, usize)> {
    let st = stages(all);
    let mut at = st.len().checked_sub(1)?;
    let mut seen = 0;
    loop {
        let stage = &st[at];
        if let Some(u) = stage.ins.iter().rev().find(|i| i.op == "USER") {
            // user[:group]; a ${VAR:-default} holds a colon of its own.
            let arg = u.args.trim();
            let raw = match arg.strip_prefix("${").and_then(|r| r.split_once('}')) {
                Some((inner, _)) => format!("${{{inner}}}"),
                None => arg.split(':').next().unwrap_or("").trim().to_string(),
            };
            // USER $NAME / ${NAME}: the default an ARG or ENV gives it.
            let var = raw
                .trim_start_matches('$')
                .trim_start_matches('{')
                .trim_end_matches('}');
            let resolved = if raw.starts_with("${") && raw.contains(":-") {
                with_defaults(&raw)
            } else if raw.starts_with('$') {
                all.iter()
                    .filter(|i| matches!(i.op.as_str(), "ARG" | "ENV"))
                    .flat_map(|i| keys_set(&i.args))
                    .filter(|(k, _)| k == var)
                    .filter_map(|(_, v)| v)
                    .next_back()
                    .unwrap_or(raw.clone())
            } else {
                raw.clone()
            };
            return Some((resolved, u.line));
        }
        if stage.from.contains("nonroot") {
            return Some(("nonroot (the base image's user)".into(), stage.ins[0].line));
        }
        // FROM an earlier stage: its user carries over.
        match st[..at]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(stage.from.as_str()))
        {
            Some(p) if seen < st.len() => {
                at = p;
                seen += 1;
            }
            _ => return None,
        }
    }
}

fn production_server(ctx: &Ctx) -> Finding {
    let item = "api.production_server";
    let (starts, mut unread, cut) = start_commands(ctx);
    let fix = "Start with gunicorn app.main:app -k uvicorn.workers.UvicornWorker --workers 4 --forwarded-allow-ips 127.0.0.1 (the proxy's address), without --reload.";
    for s in &starts {
        if let Some(why) = weak_start(&s.command) {
            return Finding::new(item, Outcome::Fail, format!("{}: {why}", s.at))
                .fix(fix)
                .at(s.file.clone(), s.line);
        }
        if let Some(user) = &s.unit_user
            && user.as_deref().is_none_or(|u| u == "root" || u == "0")
        {
            return Finding::new(
                item,
                Outcome::Fail,
                format!(
                    "{}: the unit sets no User= other than root: systemd runs the server as root",
                    s.at
                ),
            )
            .fix("Add User=optibid (a system user without a login shell) to the [Service] section.")
            .at(s.file.clone(), s.line);
        }
    }
    let mut users = Vec::new();
    for rel in dockerfiles(ctx.project).0 {
        let text = match read_or_why(ctx.project, &rel) {
            Ok(t) => t,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        let all = instructions(&text);
        let shown = rel.display().to_string();
        match final_user(&all) {
            None => {
                let line = all
                    .iter()
                    .rev()
                    .find(|i| i.op == "FROM")
                    .map_or(1, |i| i.line);
                return Finding::new(
                    item,
                    Outcome::Fail,
                    format!("{shown}: the final stage (from line {line}) sets no USER: the server runs as root in the container"),
                )
                .fix("Add a user and switch to it before CMD: RUN useradd --system app, then USER app.")
                .at(shown, line);
            }
            Some((name, line)) if name == "root" || name == "0" => {
                return Finding::new(
                    item,
                    Outcome::Fail,
                    format!("{shown}:{line}: USER {name}: the server runs as root in the container"),
                )
                .fix("Switch to an unprivileged user before CMD: RUN useradd --system app, then USER app.")
                .at(shown, line);
            }
            Some((name, line)) => users.push(format!("{shown}:{line} runs as {name}")),
        }
    }
    if !unread.is_empty() || cut {
        let mut why = unread;
        why.extend(users.iter().cloned());
        why.push(format!(
            "nothing seen starts the server in a development mode{}",
            cut_note(cut)
        ));
        return Finding::new(item, Outcome::Unknown, why.join("; "));
    }
    if starts.is_empty() && !users.is_empty() {
        return Finding::new(
            item,
            Outcome::Unknown,
            format!(
                "{}; the command that starts the server was not found (a script it runs, or an orchestrator's manifest), so --reload and --forwarded-allow-ips are not checked",
                users.join("; ")
            ),
        );
    }
    if starts.is_empty() && users.is_empty() {
        return Finding::new(
            item,
            Outcome::Unknown,
            format!(
                "no production start command found (looked in Dockerfiles, Procfile, compose files, systemd units, gunicorn configuration and uvicorn.run calls){}",
                cut_note(cut)
            ),
        );
    }
    let mut parts: Vec<String> = starts
        .iter()
        .map(|s| match workers(&s.command) {
            Some(n) => format!("{} starts the server with {n} workers", s.at),
            None => format!("{} starts the server", s.at),
        })
        .collect();
    parts.extend(users);
    Finding::new(
        item,
        Outcome::Pass,
        format!(
            "{}; no --reload, no --forwarded-allow-ips \"*\", not root",
            parts.join("; ")
        ),
    )
}

/// Images of the services whose ports must stay private, by the last
/// part of the image name.
const SENSITIVE: &[(u16, &str, &[&str])] = &[
    (
        6379,
        "Redis",
        &[
            "redis",
            "redis-stack",
            "redis-stack-server",
            "valkey",
            "keydb",
        ],
    ),
    (
        5432,
        "PostgreSQL",
        &[
            "postgres",
            "postgresql",
            "postgis",
            "timescaledb",
            "timescaledb-ha",
        ],
    ),
    (3306, "MySQL", &["mysql", "mariadb"]),
    (27017, "MongoDB", &["mongo", "mongodb"]),
];

/// `${VAR:-default}` and `${VAR-default}` as their default, `${VAR}` as
/// nothing: what compose writes when the variable is not set.
fn with_defaults(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = &rest[i + 2..i + j];
        // ${VAR:?message} and ${VAR?message} stop compose: no default.
        let required = inner.find('?').is_some_and(|q| !inner[..q].contains('-'));
        if !required && let Some((_, d)) = inner.split_once(":-").or_else(|| inner.split_once('-'))
        {
            out.push_str(d);
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

/// A published port: where Docker binds it and the container port.
fn published(spec: &Yaml) -> Option<(String, u16)> {
    match spec {
        Yaml::Integer(n) => Some((String::new(), u16::try_from(*n).ok()?)),
        Yaml::String(s) => {
            let s = with_defaults(s);
            let s = s.split('/').next().unwrap_or(&s);
            // [host_ip:][published:]target; an IPv6 host in brackets.
            let (host, rest) = match s.strip_prefix('[') {
                Some(r) => {
                    let (h, rest) = r.split_once("]:")?;
                    (h.to_string(), rest.to_string())
                }
                None => {
                    let parts: Vec<&str> = s.split(':').collect();
                    if parts.len() == 3 {
                        (parts[0].to_string(), s.split_once(':')?.1.to_string())
                    } else {
                        (String::new(), s.to_string())
                    }
                }
            };
            let target = rest.rsplit(':').next()?;
            let target = target.split('-').next()?.trim().parse().ok()?;
            Some((host, target))
        }
        Yaml::Hash(h) => {
            let get = |k: &str| h.get(&Yaml::String(k.into()));
            let target = match get("target")? {
                Yaml::Integer(n) => u16::try_from(*n).ok()?,
                Yaml::String(s) => s.parse().ok()?,
                _ => return None,
            };
            let host = get("host_ip")
                .and_then(Yaml::as_str)
                .map(with_defaults)
                .unwrap_or_default();
            Some((host, target))
        }
        _ => None,
    }
}

/// True for a bind address that is loopback only.
fn loopback(host: &str) -> bool {
    host.starts_with("127.") || host == "::1" || host == "localhost"
}

/// Passwords everyone tries first.
fn default_password(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "postgres"
            | "password"
            | "changeme"
            | "change-me"
            | "secret"
            | "admin"
            | "root"
            | "redis"
            | "example"
            | "123456"
            | "pass"
    )
}

/// Why a service's environment or command gives its database away.
fn weak_credentials(env: &[(String, String)], command: &str) -> Option<String> {
    for (k, v) in env {
        let upper = k.to_ascii_uppercase();
        let v = with_defaults(v);
        if upper.contains("PASSWORD") && default_password(v.trim()) {
            return Some(format!(
                "sets {k} to a default password everyone tries first"
            ));
        }
        if upper == "POSTGRES_HOST_AUTH_METHOD" && v.trim().eq_ignore_ascii_case("trust") {
            return Some(format!(
                "sets {k}=trust: PostgreSQL lets anyone in without a password"
            ));
        }
        if upper == "ALLOW_EMPTY_PASSWORD" && v.trim().eq_ignore_ascii_case("yes") {
            return Some(format!("sets {k}=yes: the database has no password"));
        }
    }
    let w: Vec<String> = command.split_whitespace().map(with_defaults).collect();
    if let Some(pw) = w
        .windows(2)
        .find(|p| p[0] == "--requirepass")
        .map(|p| p[1].clone())
        && default_password(pw.trim_matches(['"', '\'']))
    {
        return Some(
            "starts Redis with --requirepass set to a default password everyone tries first".into(),
        );
    }
    None
}

fn container_ports(ctx: &Ctx) -> Finding {
    let item = "network.container_ports";
    let (files, cut) = compose_files(ctx.project);
    if files.is_empty() {
        return Finding::new(
            item,
            if cut {
                Outcome::Unknown
            } else {
                Outcome::Absent
            },
            format!("no docker-compose file in the repository{}", cut_note(cut)),
        );
    }
    let mut read = Vec::new();
    let mut unread = Vec::new();
    for rel in &files {
        let shown = rel.display().to_string();
        let (text, doc) = match load_compose(ctx.project, rel) {
            Ok(d) => d,
            Err(why) => {
                unread.push(why);
                continue;
            }
        };
        let Some(services) = doc["services"].as_hash() else {
            read.push(format!("{shown} (no services)"));
            continue;
        };
        for (name, svc) in services {
            let name = name.as_str().unwrap_or("?");
            let at = service_line(&text, name);
            let image = svc["image"].as_str().unwrap_or("").to_ascii_lowercase();
            let repo = image
                .split(['@', ':'])
                .next()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let kind = SENSITIVE
                .iter()
                .find(|(_, _, images)| images.contains(&repo.as_str()));
            if let Some((_, what, _)) = kind
                && svc["network_mode"].as_str() == Some("host")
            {
                let line = line_after(&text, at, "network_mode");
                return Finding::new(
                    item,
                    Outcome::Fail,
                    format!("{shown}:{line}: service {name} runs {what} with network_mode: host: it listens on every interface of the host"),
                )
                .fix("Drop network_mode: host and let the application reach it over the compose network.")
                .at(shown.clone(), line);
            }
            for spec in svc["ports"].as_vec().into_iter().flatten() {
                let Some((host, target)) = published(spec) else {
                    continue;
                };
                let what = kind
                    .or_else(|| SENSITIVE.iter().find(|(port, _, _)| *port == target))
                    .map(|(_, what, _)| *what);
                if let Some(what) = what
                    && !loopback(&host)
                {
                    let needle = match spec {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(n) => n.to_string(),
                        _ => "target:".to_string(),
                    };
                    let line = line_after(&text, at, &needle);
                    let bind = if host.is_empty() {
                        "every interface".to_string()
                    } else {
                        host.clone()
                    };
                    return Finding::new(
                        item,
                        Outcome::Fail,
                        format!("{shown}:{line}: service {name} publishes {what} (port {target}) on {bind}: Docker's own iptables rules let it past UFW"),
                    )
                    .fix(format!("Publish it on loopback only (\"127.0.0.1:{target}:{target}\"), or drop the ports entry: the application reaches it over the compose network."))
                    .at(shown.clone(), line);
                }
            }
            let command = yaml_text(&svc["command"]).unwrap_or_default();
            if let Some(why) = weak_credentials(&environment(svc), &command) {
                let key = why.split_whitespace().nth(1).unwrap_or("");
                let line = line_after(
                    &text,
                    at,
                    key.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_'),
                );
                return Finding::new(item, Outcome::Fail, format!("{shown}:{line}: service {name} {why}"))
                    .fix("Take the password from an env file outside the repository: POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}, and never trust authentication.")
                    .at(shown.clone(), line);
            }
        }
        read.push(shown);
    }
    if !unread.is_empty() || cut {
        let mut why = unread;
        why.push(format!(
            "the compose files seen publish nothing beyond loopback{}",
            cut_note(cut)
        ));
        return Finding::new(item, Outcome::Unknown, why.join("; "));
    }
    Finding::new(
        item,
        Outcome::Pass,
        format!(
            "{}: no Redis or database port published beyond loopback, no default password",
            read.join("; ")
        ),
    )
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    vec![
        secrets_in_image(ctx),
        production_server(ctx),
        container_ports(ctx),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_instructions_join_continuations_and_skip_comments() {
        let all = instructions("FROM python:3.12\n# a comment\nRUN a \\\n    && b\n\nUSER app\n");
        let ops: Vec<(&str, usize)> = all.iter().map(|i| (i.op.as_str(), i.line)).collect();
        assert_eq!(ops, [("FROM", 1), ("RUN", 3), ("USER", 6)]);
        assert_eq!(all[1].args, "a && b");
    }

    #[test]
    fn env_and_arg_keys_with_and_without_values() {
        let some = |v: &str| Some(v.to_string());
        assert_eq!(
            keys_set("A=1 B="),
            [("A".into(), some("1")), ("B".into(), None)]
        );
        assert_eq!(
            keys_set("SECRET_KEY abc"),
            [("SECRET_KEY".into(), some("abc"))]
        );
        assert_eq!(keys_set("TOKEN"), [("TOKEN".into(), None)]);
        // The old form with = inside the value: the key is the first word.
        assert_eq!(
            keys_set("SECRET_KEY dGhpcyBpcyBhIHNlY3JldA=="),
            [("SECRET_KEY".into(), some("dGhpcyBpcyBhIHNlY3JldA=="))]
        );
        // Quoted values with spaces are one word: no part of a value is
        // ever taken for a key.
        assert_eq!(
            keys_set("NOTE=\"my password is here\" B=1"),
            [
                ("NOTE".into(), some("my password is here")),
                ("B".into(), some("1"))
            ]
        );
    }

    #[test]
    fn settings_about_secrets_are_not_secrets() {
        for name in [
            "SECRET_KEY",
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "STRIPE_KEY",
            "JWT_SIGNING_KEY",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "PASSWORD_MIN_LENGTH",
            "SECRET_KEY_FILE",
            "TOKEN_URL",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "JWT_ALGORITHM",
            "KEYBOARD",
        ] {
            assert!(!secret_name(name), "{name}");
        }
        assert!(secret_value(
            "DATABASE_URL",
            "postgresql://app:hunter2@db/app"
        ));
        assert!(!secret_value("DATABASE_URL", "postgresql://app@db/app"));
        assert!(!secret_value("SECRET_KEY", "${SECRET_KEY}"));
    }

    #[test]
    fn an_alias_bomb_is_measured_before_it_is_built() {
        let mut bomb = String::from(
            "a: &a \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
        );
        let mut prev = "a".to_string();
        for level in 0..7 {
            let name = format!("l{level}");
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
            prev = name;
        }
        assert!(bomb.matches('*').count() < 64);
        let mut size = Expansion::default();
        Parser::new_from_str(&bomb).load(&mut size, true).unwrap();
        assert!(size.total > YAML_EXPANDED_MAX, "{}", size.total);
        let mut small = Expansion::default();
        Parser::new_from_str("x: &c {a: 1}\ny: *c\n")
            .load(&mut small, true)
            .unwrap();
        assert!(small.total < 100, "{}", small.total);
    }

    #[test]
    fn the_final_stage_user_follows_the_stages_and_arguments() {
        let user = |t: &str| final_user(&instructions(t)).map(|(u, _)| u);
        assert_eq!(
            user("FROM python AS base\nUSER app\nFROM base AS final\nCMD x\n").as_deref(),
            Some("app")
        );
        assert_eq!(
            user("FROM python AS build\nUSER app\nFROM python\nCMD x\n"),
            None
        );
        assert_eq!(
            user("ARG APP_USER=root\nFROM python\nUSER $APP_USER\n").as_deref(),
            Some("root")
        );
        assert_eq!(
            user("FROM python\nUSER ${APP_USER}\n").as_deref(),
            Some("${APP_USER}")
        );
        assert!(user("FROM gcr.io/distroless/python3:nonroot\n").is_some());
        assert_eq!(
            user("FROM python\nUSER ${APP_USER:-root}\n").as_deref(),
            Some("root")
        );
        assert_eq!(user("FROM python\nUSER app:app\n").as_deref(), Some("app"));
    }

    #[test]
    fn published_ports_in_every_compose_form() {
        let y = |s: &str| YamlLoader::load_from_str(s).unwrap().remove(0);
        assert_eq!(published(&y("\"6379:6379\"")), Some((String::new(), 6379)));
        assert_eq!(
            published(&y("\"127.0.0.1:5432:5432\"")),
            Some(("127.0.0.1".into(), 5432))
        );
        assert_eq!(
            published(&y("\"0.0.0.0:15432:5432/tcp\"")),
            Some(("0.0.0.0".into(), 5432))
        );
        assert_eq!(
            published(&y("\"[::1]:6379:6379\"")),
            Some(("::1".into(), 6379))
        );
        assert_eq!(published(&y("5432")), Some((String::new(), 5432)));
        assert_eq!(
            published(&y("\"127.0.0.1:${DB_PORT:-5432}:5432\"")),
            Some(("127.0.0.1".into(), 5432))
        );
        assert_eq!(
            published(&y("\"${DB_PORT:-5432}:5432\"")),
            Some((String::new(), 5432))
        );
        assert_eq!(
            published(&y("{target: 6379, published: 6379, host_ip: 127.0.0.1}")),
            Some(("127.0.0.1".into(), 6379))
        );
    }

    #[test]
    fn start_commands_fit_for_production_or_not() {
        for bad in [
            "[\"uvicorn\", \"app.main:app\", \"--reload\"]",
            "uvicorn app.main:app --proxy-headers --forwarded-allow-ips \"*\"",
            "uvicorn app.main:app --forwarded-allow-ips=*",
            "forwarded_allow_ips = \"*\"",
            "fastapi dev app/main.py",
            "uvicorn app.main:app --forwarded-allow-ips='*'",
            "forwarded_allow_ips = '*'",
            "uvicorn.run( --reload",
        ] {
            assert!(weak_start(bad).is_some(), "{bad}");
        }
        for good in [
            "[\"gunicorn\", \"app.main:app\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"--workers\", \"4\"]",
            "uvicorn app.main:app --forwarded-allow-ips 127.0.0.1",
            "forwarded_allow_ips = \"10.0.0.5\"",
        ] {
            assert_eq!(weak_start(good), None, "{good}");
        }
        assert_eq!(workers("gunicorn x --workers 4").as_deref(), Some("4"));
        assert_eq!(workers("gunicorn x -w 3").as_deref(), Some("3"));
        assert_eq!(workers("uvicorn x --workers=2").as_deref(), Some("2"));
    }
}
