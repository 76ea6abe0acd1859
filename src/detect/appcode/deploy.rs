//! How the application is shipped and started: the Dockerfile (its final
//! stage's user, secrets in `ENV`, `ARG` or a copied `.env`), the
//! production start command wherever it is written (Dockerfile `CMD` and
//! `ENTRYPOINT`, Procfile, compose `command`, systemd `ExecStart`,
//! gunicorn configuration), and the ports docker-compose publishes.
//! Values are never shown: a secret in a Dockerfile is named by its key
//! and line only.

use std::path::{Path, PathBuf};

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
        if line.starts_with('#') || (line.is_empty() && pending.is_none()) {
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

/// Names that say they hold a secret (`SECRET_KEY`, `DB_PASSWORD`).
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "API_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// The keys an `ENV` or `ARG` instruction sets, with whether each is
/// given a value there (`ENV A=1 B=2`, `ENV A 1`, `ARG NAME`).
fn keys_set(args: &str) -> Vec<(String, bool)> {
    if !args.contains('=') {
        let mut it = args.split_whitespace();
        return it
            .next()
            .map(|k| vec![(k.to_string(), it.next().is_some())])
            .unwrap_or_default();
    }
    args.split_whitespace()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (!k.is_empty()).then(|| (k.to_string(), !v.is_empty()))
        })
        .collect()
}

/// The project's Dockerfiles (`Dockerfile`, `Containerfile`,
/// `Dockerfile.prod`, `api.Dockerfile`), in walk order.
fn dockerfiles(project: &Path) -> Vec<PathBuf> {
    repo::files(project, &["dockerfile", "containerfile"])
}

fn secrets_in_image(ctx: &Ctx) -> Finding {
    let item = "env.secrets_not_in_image";
    let files = dockerfiles(ctx.project);
    if files.is_empty() {
        return Finding::new(
            item,
            Outcome::Absent,
            "no Dockerfile in the repository: the application is not shipped as an image from here",
        );
    }
    for rel in &files {
        let Some(text) = repo::read(ctx.project, rel) else {
            continue;
        };
        let shown = rel.display();
        for ins in instructions(&text) {
            let bad = match ins.op.as_str() {
                "ENV" | "ARG" => keys_set(&ins.args)
                    .into_iter()
                    .find(|(k, given)| secret_name(k) && (*given || ins.op == "ARG"))
                    .map(|(k, _)| {
                        if ins.op == "ARG" {
                            format!("ARG {k} passes a secret at build time: build arguments stay in the image history")
                        } else {
                            format!("ENV {k} writes a secret into the image (value not shown)")
                        }
                    }),
                "COPY" | "ADD" => ins
                    .args
                    .split_whitespace()
                    .filter(|a| !a.starts_with("--"))
                    .find(|a| {
                        let name = a.trim_matches(['"', '[', ']', ',']);
                        let base = name.rsplit('/').next().unwrap_or(name);
                        base == ".env" || (base.starts_with(".env.") && !base.ends_with(".example"))
                    })
                    .map(|a| format!("{} {a} copies the env file into the image", ins.op)),
                _ => None,
            };
            if let Some(why) = bad {
                return Finding::new(item, Outcome::Fail, format!("{shown}:{}: {why}", ins.line))
                    .fix("Remove it, add .env to .dockerignore, and give secrets at run time (docker run --env-file, compose secrets, or the orchestrator's secret store).")
                    .at(shown.to_string(), ins.line);
            }
        }
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

/// A production start command and where it is written.
struct Start {
    at: String,
    file: String,
    line: usize,
    command: String,
}

/// Start commands of the server (uvicorn, gunicorn, hypercorn, `fastapi
/// run`), wherever the repository writes them.
fn start_commands(ctx: &Ctx) -> Vec<Start> {
    let server = |t: &str| {
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
    };
    let mut out = Vec::new();
    let mut push = |file: &Path, line: usize, command: String| {
        let file = file.display().to_string();
        out.push(Start {
            at: format!("{file}:{line}"),
            file,
            line,
            command,
        });
    };
    for rel in dockerfiles(ctx.project) {
        let Some(text) = repo::read(ctx.project, &rel) else {
            continue;
        };
        for ins in instructions(&text) {
            if matches!(ins.op.as_str(), "CMD" | "ENTRYPOINT") && server(&ins.args) {
                push(&rel, ins.line, ins.args);
            }
        }
    }
    for rel in repo::files(ctx.project, &["procfile", "service", "compose", "gunicorn"]) {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let is_unit = name.ends_with(".service");
        let is_config = name.starts_with("gunicorn") && name.ends_with(".py");
        let is_compose =
            name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml"));
        if !(name == "procfile" || is_unit || is_config || is_compose) {
            continue;
        }
        let Some(text) = repo::read(ctx.project, &rel) else {
            continue;
        };
        for (i, l) in text.lines().enumerate() {
            let t = l.trim();
            let hit = if is_config {
                // gunicorn.conf.py: the settings that matter here.
                t.starts_with("forwarded_allow_ips") || t.starts_with("reload")
            } else if is_unit {
                t.starts_with("ExecStart") && server(t)
            } else if is_compose {
                (t.starts_with("command:") || t.starts_with("entrypoint:")) && server(t)
            } else {
                server(t)
            };
            if hit {
                push(&rel, i + 1, t.to_string());
            }
        }
    }
    out
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
    let allow_all = words
        .windows(2)
        .any(|w| w[0] == "--forwarded-allow-ips" && w[1] == "*")
        || words.contains(&"--forwarded-allow-ips=*")
        || (c.trim_start().starts_with("forwarded_allow_ips") && words.last() == Some(&"*"));
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

fn production_server(ctx: &Ctx) -> Finding {
    let item = "api.production_server";
    let starts = start_commands(ctx);
    for s in &starts {
        if let Some(why) = weak_start(&s.command) {
            return Finding::new(item, Outcome::Fail, format!("{}: {why}", s.at))
                .fix("Start with gunicorn app.main:app -k uvicorn.workers.UvicornWorker --workers 4 --forwarded-allow-ips 127.0.0.1 (the proxy's address), without --reload.")
                .at(s.file.clone(), s.line);
        }
    }
    // The final stage of each Dockerfile: its last USER.
    let mut users = Vec::new();
    for rel in dockerfiles(ctx.project) {
        let Some(text) = repo::read(ctx.project, &rel) else {
            continue;
        };
        let all = instructions(&text);
        let last_from = all.iter().rposition(|i| i.op == "FROM").unwrap_or(0);
        let user = all[last_from..].iter().rev().find(|i| i.op == "USER");
        let shown = rel.display().to_string();
        match user {
            None => {
                let line = all.get(last_from).map_or(1, |i| i.line);
                return Finding::new(
                    item,
                    Outcome::Fail,
                    format!("{shown}: the final stage (from line {line}) sets no USER: the server runs as root in the container"),
                )
                .fix("Add a user and switch to it before CMD: RUN useradd --system app, then USER app.")
                .at(shown, line);
            }
            Some(u) => {
                let name = u.args.split(':').next().unwrap_or("").trim();
                if name == "root" || name == "0" {
                    return Finding::new(
                        item,
                        Outcome::Fail,
                        format!("{shown}:{}: USER {name}: the server runs as root in the container", u.line),
                    )
                    .fix("Switch to an unprivileged user before CMD: RUN useradd --system app, then USER app.")
                    .at(shown, u.line);
                }
                users.push(format!("{shown}:{} runs as {name}", u.line));
            }
        }
    }
    if starts.is_empty() && users.is_empty() {
        return Finding::new(
            item,
            Outcome::Unknown,
            "no production start command found (looked in Dockerfiles, Procfile, compose files, systemd units and gunicorn configuration)",
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

/// Ports of the services Docker publishes on every interface.
const SENSITIVE: &[(u16, &str, &[&str])] = &[
    (6379, "Redis", &["redis", "valkey", "keydb"]),
    (5432, "PostgreSQL", &["postgres", "postgis", "timescale"]),
    (3306, "MySQL", &["mysql", "mariadb"]),
    (27017, "MongoDB", &["mongo"]),
];

/// A published port: where Docker binds it and the container port.
fn published(spec: &Yaml) -> Option<(String, u16)> {
    match spec {
        Yaml::Integer(n) => Some((String::new(), u16::try_from(*n).ok()?)),
        Yaml::String(s) => {
            let s = s.split('/').next().unwrap_or(s);
            // [host_ip:][published:]target; an IPv6 host in brackets.
            let (host, rest) = match s.strip_prefix('[') {
                Some(r) => {
                    let (h, rest) = r.split_once("]:")?;
                    (h.to_string(), rest)
                }
                None => {
                    let parts: Vec<&str> = s.split(':').collect();
                    if parts.len() == 3 {
                        (parts[0].to_string(), s.split_once(':')?.1)
                    } else {
                        (String::new(), s)
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
                .unwrap_or("")
                .to_string();
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

fn container_ports(ctx: &Ctx) -> Finding {
    let item = "network.container_ports";
    let files: Vec<PathBuf> = repo::files(ctx.project, &["compose"])
        .into_iter()
        .filter(|f| {
            let n = f.to_string_lossy().to_ascii_lowercase();
            n.ends_with(".yml") || n.ends_with(".yaml")
        })
        .collect();
    if files.is_empty() {
        return Finding::new(
            item,
            Outcome::Absent,
            "no docker-compose file in the repository",
        );
    }
    let mut read = Vec::new();
    for rel in &files {
        let shown = rel.display().to_string();
        let Some(text) = repo::read(ctx.project, rel) else {
            continue;
        };
        // Aliases are copied where used: a few nested ones grow a small
        // file into gigabytes. A compose file needs a handful.
        if text.matches('*').count() > 64 {
            read.push(format!("{shown} not read (more than 64 YAML aliases)"));
            continue;
        }
        let doc = match YamlLoader::load_from_str(&text) {
            Ok(d) => d.into_iter().next().unwrap_or(Yaml::Null),
            Err(e) => {
                let m = e.marker();
                read.push(format!(
                    "{shown}:{}:{} not read ({})",
                    m.line(),
                    m.col() + 1,
                    e.info()
                ));
                continue;
            }
        };
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        let Some(services) = doc["services"].as_hash() else {
            read.push(format!("{shown} has no services"));
            continue;
        };
        for (name, svc) in services {
            let name = name.as_str().unwrap_or("?");
            let image = svc["image"].as_str().unwrap_or("").to_ascii_lowercase();
            let kind = SENSITIVE.iter().find(|(_, _, images)| {
                images.iter().any(|i| image.contains(i))
                    || images.iter().any(|i| name.to_ascii_lowercase().contains(i))
            });
            for spec in svc["ports"].as_vec().into_iter().flatten() {
                let Some((host, target)) = published(spec) else {
                    continue;
                };
                let what = SENSITIVE
                    .iter()
                    .find(|(port, _, _)| *port == target)
                    .or(kind)
                    .map(|(_, what, _)| *what);
                if let Some(what) = what
                    && !loopback(&host)
                {
                    let text_spec = match spec {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(n) => n.to_string(),
                        _ => format!("target {target}"),
                    };
                    let line = line_of(&text_spec);
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
            // Default passwords in the service's environment.
            let env = &svc["environment"];
            let pairs: Vec<(String, String)> = match env {
                Yaml::Hash(h) => h
                    .iter()
                    .filter_map(|(k, v)| {
                        let v = match v {
                            Yaml::String(s) => s.clone(),
                            Yaml::Integer(n) => n.to_string(),
                            _ => return None,
                        };
                        Some((k.as_str()?.to_string(), v))
                    })
                    .collect(),
                Yaml::Array(a) => a
                    .iter()
                    .filter_map(|e| {
                        let (k, v) = e.as_str()?.split_once('=')?;
                        Some((k.to_string(), v.to_string()))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (k, v) in pairs {
                if k.to_ascii_uppercase().contains("PASSWORD") && default_password(v.trim()) {
                    let line = line_of(&k);
                    return Finding::new(
                        item,
                        Outcome::Fail,
                        format!("{shown}:{line}: service {name} sets {k} to a default password everyone tries first"),
                    )
                    .fix(format!("{k}: ${{{k}:?set it}} in the compose file, with the value in an env file outside the repository."))
                    .at(shown.clone(), line);
                }
            }
        }
        read.push(shown);
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
        assert_eq!(
            keys_set("A=1 B="),
            [("A".into(), true), ("B".into(), false)]
        );
        assert_eq!(keys_set("SECRET_KEY abc"), [("SECRET_KEY".into(), true)]);
        assert_eq!(keys_set("TOKEN"), [("TOKEN".into(), false)]);
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
