//! Logging as the code does it: secrets passed to loggers, authentication
//! events logged, logs rotated.

use super::{Ctx, repo};
use crate::detect::python::Field as _;
use crate::detect::python::descendants;
use crate::detect::{Finding, Outcome};

/// The names the code binds loggers to (`audit = logging.getLogger("audit")`).
fn logger_names(ctx: &Ctx) -> Vec<String> {
    let mut out = Vec::new();
    // The rows of the logger factory calls, by file: only assignments
    // starting there (or up to two rows above) are looked into. Reading
    // every assignment's text touches every tree again, which on a large
    // project costs more than the rest of the logging rules.
    let rows: std::collections::HashSet<(&std::path::Path, usize)> = ctx
        .calls
        .iter()
        .filter(|c| matches!(c.name(), "getLogger" | "get_logger"))
        .flat_map(|c| {
            let row = c.node.start_position().row;
            (row.saturating_sub(2)..=row).map(move |r| (c.src.path.as_path(), r))
        })
        .collect();
    if rows.is_empty() {
        return out;
    }
    for &(src, a) in &ctx.assignments {
        if !rows.contains(&(src.path.as_path(), a.start_position().row)) {
            continue;
        }
        let text = src.text_of(a);
        if !(text.contains("getLogger(") || text.contains("get_logger(")) {
            continue;
        }
        let (Some(l), Some(r)) = (a.field("left"), a.field("right")) else {
            continue;
        };
        let rhs = src.text_of(r);
        if r.kind() == "call" && (rhs.contains("getLogger(") || rhs.contains("get_logger(")) {
            out.push(src.text_of(l).to_string());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Is this call a log call (`logger.info`, `logging.warning`, `audit.error`
/// where `audit` is a logger)? Allocation-free: it runs on every call.
fn is_log_call(callee: &str, loggers: &[String]) -> bool {
    let Some((obj, method)) = callee.rsplit_once('.') else {
        return false;
    };
    if !matches!(
        method,
        "debug" | "info" | "warning" | "warn" | "error" | "exception" | "critical" | "log"
    ) {
        return false;
    }
    let last = obj.rsplit('.').next().unwrap_or(obj);
    let has_log = last
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"log"));
    has_log
        || loggers.iter().any(|l| {
            l == obj
                || l == last
                || (l.len() > last.len()
                    && l.ends_with(last)
                    && l.as_bytes()[l.len() - last.len() - 1] == b'.')
        })
}

/// Names that hold a secret when passed to a logger.
/// The words of a name that says it holds a secret.
const SECRET_WORDS: [&str; 8] = [
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "private_key",
    "authorization",
];

fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|k| {
        n == *k
            || n.strip_suffix(k)
                .is_some_and(|p| p.ends_with('_') || p.ends_with('.'))
            || n.strip_prefix(k).is_some_and(|r| r.starts_with('_'))
    })
}

fn secrets_in_logs(ctx: &Ctx) -> Finding {
    let item = "logging.sensitive_masked";
    let loggers = logger_names(ctx);
    let mut seen = 0;
    for c in &ctx.calls {
        if !is_log_call(c.callee(), &loggers) {
            continue;
        }
        seen += 1;
        let Some(args) = c.args() else {
            continue;
        };
        // Most log calls name no secret at all: their text tells.
        let text = c.text(args).to_ascii_lowercase();
        if !SECRET_WORDS.iter().any(|k| text.contains(k)) {
            continue;
        }
        // Names and attributes passed to the logger, inside f-strings too
        // (text of string literals is not a variable); the parts of an
        // attribute and keyword names are not values on their own.
        let mut inner = std::collections::HashSet::new();
        let leak = descendants(args).into_iter().find(|n| {
            if n.kind() == "attribute" {
                let mut c = n.walk();
                inner.extend(n.named_children(&mut c).map(|k| k.id()));
            } else if n.kind() == "keyword_argument"
                && let Some(k) = n.field("name")
            {
                inner.insert(k.id());
            }
            matches!(n.kind(), "identifier" | "attribute")
                && !inner.contains(&n.id())
                && secret_name(c.text(*n))
        });
        if let Some(n) = leak {
            let loc = c.location();
            return Finding::new(
                item,
                Outcome::Fail,
                format!("{}: {} is passed to {}(): the value lands in the logs", c.at(), c.text(n), c.callee()),
            )
            .fix("Log who and what (user id, outcome), never the password, token or key; mask with a logging.Filter if a library logs it.")
            .at(loc.file, loc.line);
        }
    }
    if seen == 0 {
        Finding::new(item, Outcome::Unknown, "no logger call found in the code")
    } else {
        Finding::new(
            item,
            Outcome::Pass,
            format!(
                "{seen} logger calls, none passes a variable named like a password, token or secret"
            ),
        )
    }
}

fn auth_events(ctx: &Ctx) -> Finding {
    let item = "logging.auth_attempts";
    let loggers = logger_names(ctx);
    let mut logged = Vec::new();
    let mut silent = Vec::new();
    // Log calls by file, as byte offsets (asking a node for its parent
    // walks the tree from its root: too slow for every call).
    let log_calls: Vec<(&std::path::Path, usize)> = ctx
        .calls
        .iter()
        .filter(|c| is_log_call(c.callee(), &loggers))
        .map(|c| (c.src.path.as_path(), c.node.start_byte()))
        .collect();
    for (src, f) in &ctx.functions {
        let name = f.field("name").map_or("", |n| src.text_of(n));
        let lower = name.to_ascii_lowercase();
        if !(lower.contains("login") || lower.contains("authenticate")) {
            continue;
        }
        let at = format!("{name}() at {}", src.at(*f));
        let range = f.start_byte()..f.end_byte();
        if log_calls
            .iter()
            .any(|(p, b)| *p == src.path.as_path() && range.contains(b))
        {
            logged.push(at);
        } else {
            silent.push(at);
        }
    }
    match (logged.len(), silent.len()) {
        (0, 0) => Finding::new(item, Outcome::Unknown, "no login or authenticate function found in the code"),
        (_, 0) => Finding::new(item, Outcome::Pass, format!("login attempts are logged: {}", logged.join("; "))),
        _ => Finding::new(
            item,
            Outcome::Warn,
            format!("authentication without a log call: {}", silent.join("; ")),
        )
        .fix("Log each attempt with its outcome, the account and the client address (never the password): logger.info(\"login failed\", extra={\"user\": username, \"ip\": request.client.host})."),
    }
}

fn rotation(ctx: &Ctx) -> Finding {
    let item = "logging.rotation";
    for c in &ctx.calls {
        if matches!(c.name(), "RotatingFileHandler" | "TimedRotatingFileHandler") {
            let loc = c.location();
            return Finding::new(
                item,
                Outcome::Pass,
                format!("{}: logs rotate ({})", c.at(), c.name()),
            )
            .at(loc.file, loc.line);
        }
    }
    for src in ctx.sources.app() {
        if src.text.contains("RotatingFileHandler") {
            return Finding::new(
                item,
                Outcome::Pass,
                format!(
                    "{}: logs rotate (a rotating handler in the logging configuration)",
                    src.path.display()
                ),
            );
        }
    }
    if let Some((path, line)) = repo::find_line(ctx.project, &["logrotate", "conf"], |l| {
        let t = l.trim();
        t.starts_with("rotate ") || t == "daily" || t == "weekly"
    }) {
        return Finding::new(
            item,
            Outcome::Pass,
            format!("{path}:{line}: a logrotate configuration rotates the logs"),
        )
        .at(path, line);
    }
    Finding::new(
        item,
        Outcome::Absent,
        "no log rotation found (looked for a rotating handler in the code and a logrotate file in the repository); journald or the platform may rotate them",
    )
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    vec![secrets_in_logs(ctx), auth_events(ctx), rotation(ctx)]
}

#[cfg(test)]
mod tests {
    use super::super::tests::one;
    use crate::detect::Outcome::*;

    #[test]
    fn a_password_passed_to_a_logger_fails() {
        for call in [
            "logger.info(\"login %s %s\", username, password)",
            "logger.debug(f\"token={access_token}\")",
            "logging.warning(\"key: %s\", settings.api_key)",
        ] {
            let bad = format!(
                "import logging\nlogger = logging.getLogger(__name__)\ndef f(username, password, access_token, settings):\n    {call}\n"
            );
            assert_eq!(
                one(&bad, "logging.sensitive_masked").outcome,
                Fail,
                "{call}"
            );
        }
        let good = "import logging\nlogger = logging.getLogger(__name__)\ndef f(username):\n    logger.info(\"login failed for %s (wrong password)\", username)\n";
        assert_eq!(one(good, "logging.sensitive_masked").outcome, Pass);
    }

    #[test]
    fn login_functions_should_log() {
        let bad = "async def login(form):\n    user = check(form)\n    return user\n";
        assert_eq!(one(bad, "logging.auth_attempts").outcome, Warn);
        let good = "import logging\nlog = logging.getLogger('auth')\nasync def login(form):\n    log.info('login attempt')\n    return check(form)\n";
        assert_eq!(one(good, "logging.auth_attempts").outcome, Pass);
        // A logger under any name, called inside a branch.
        let good = "import logging\naudit = logging.getLogger('audit')\nasync def login(form):\n    if not ok(form):\n        audit.warning('login failed')\n    return form\n";
        assert_eq!(one(good, "logging.auth_attempts").outcome, Pass);
        let leak = "import logging\naudit = logging.getLogger('audit')\ndef f(token):\n    audit.info('t %s', token)\n";
        assert_eq!(one(leak, "logging.sensitive_masked").outcome, Fail);
    }

    #[test]
    fn a_rotating_handler_passes() {
        let good = "from logging.handlers import RotatingFileHandler\nh = RotatingFileHandler('app.log', maxBytes=10_000_000, backupCount=5)\n";
        assert_eq!(one(good, "logging.rotation").outcome, Pass);
        assert_eq!(one("x = 1\n", "logging.rotation").outcome, Absent);
    }
}
