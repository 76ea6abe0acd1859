//! How the application uses its platform: the database pool, the rate
//! limiter's store, the security headers it sets itself, and the data
//! rights endpoints (export, deletion).

use super::{Ctx, repo};
use crate::detect::{Finding, Outcome};

fn pool(ctx: &Ctx) -> Finding {
    let item = "database.pool_limits";
    let engines: Vec<_> = ctx
        .calls
        .iter()
        .filter(|c| {
            matches!(
                c.name(),
                "create_engine" | "create_async_engine" | "create_pool"
            )
        })
        .collect();
    let Some(first) = engines.first() else {
        return Finding::new(
            item,
            Outcome::Absent,
            "no database engine or pool is created in the code",
        );
    };
    for c in &engines {
        let sized = ["pool_size", "max_size", "max_overflow", "min_size"]
            .iter()
            .find(|k| c.kwarg(k).is_some());
        if let Some(k) = sized {
            let loc = c.location();
            return Finding::new(
                item,
                Outcome::Pass,
                format!(
                    "{}: {}() sets {k}={}",
                    c.at(),
                    c.name(),
                    c.text(c.kwarg(k).unwrap_or(c.node))
                ),
            )
            .at(loc.file, loc.line);
        }
    }
    let loc = first.location();
    Finding::new(
        item,
        Outcome::Warn,
        format!(
            "{}: {}() sets no pool size, so the driver's default applies (SQLAlchemy: 5 connections and 10 overflow per process, times the workers)",
            first.at(),
            first.name()
        ),
    )
    .fix("Size the pool for the workers and the database's max_connections: create_async_engine(url, pool_size=10, max_overflow=5, pool_pre_ping=True).")
    .at(loc.file, loc.line)
}

fn limiter_store(ctx: &Ctx) -> Finding {
    let item = "rate_limit.redis_limiter";
    for c in &ctx.calls {
        match c.name() {
            "Limiter" => {
                let loc = c.location();
                return match c.kwarg("storage_uri") {
                    Some(s) => Finding::new(
                        item,
                        Outcome::Pass,
                        format!("{}: the limiter keeps its counters in {} (shared by every worker)", c.at(), c.text(s)),
                    ),
                    None => Finding::new(
                        item,
                        Outcome::Warn,
                        format!("{}: Limiter() without storage_uri counts in memory: each worker and each server has its own counters", c.at()),
                    )
                    .fix("Limiter(key_func=get_remote_address, storage_uri=settings.REDIS_URL)"),
                }
                .at(loc.file, loc.line);
            }
            "init" if c.callee().ends_with("FastAPILimiter.init") => {
                let loc = c.location();
                return Finding::new(
                    item,
                    Outcome::Pass,
                    format!("{}: fastapi-limiter keeps its counters in Redis", c.at()),
                )
                .at(loc.file, loc.line);
            }
            _ => {}
        }
    }
    Finding::new(
        item,
        Outcome::Absent,
        "no rate limiter (slowapi, fastapi-limiter) in the code",
    )
}

fn headers_middleware(ctx: &Ctx) -> Finding {
    let item = "headers.middleware";
    for src in ctx.sources.app() {
        if let Some(i) = src.text.find("X-Content-Type-Options") {
            let line = src.text[..i].matches('\n').count() + 1;
            return Finding::new(
                item,
                Outcome::Pass,
                format!(
                    "{}:{line}: the application sets security headers itself",
                    src.path.display()
                ),
            )
            .at(src.path.display().to_string(), line);
        }
    }
    if let Some((path, line)) =
        repo::find_line(ctx.project, &["conf", "nginx", "template", "j2"], |l| {
            l.contains("add_header") && l.contains("X-Content-Type-Options")
        })
    {
        return Finding::new(
            item,
            Outcome::Pass,
            format!("{path}:{line}: nginx adds the security headers to every response"),
        )
        .at(path, line);
    }
    Finding::new(
        item,
        Outcome::Absent,
        "no code or nginx configuration in the repository sets X-Content-Type-Options; the live probe (--url) checks the responses",
    )
}

fn data_rights(ctx: &Ctx) -> Vec<Finding> {
    let mut export = None;
    let mut delete = None;
    for (src, def, route) in &ctx.routes {
        let (src, def) = (*src, *def);
        {
            let r = route.to_ascii_lowercase();
            if export.is_none() && r.starts_with("get") && r.contains("export") {
                export = Some(format!("{route} at {}", src.at(def)));
            }
            if delete.is_none()
                && r.starts_with("delete")
                && ["/me", "/users", "/account"].iter().any(|p| r.contains(p))
            {
                delete = Some(format!("{route} at {}", src.at(def)));
            }
        }
    }
    let one = |item: &str, found: Option<String>, what: &str| match found {
        Some(at) => Finding::new(item, Outcome::Pass, format!("{what}: {at}")),
        None => Finding::new(
            item,
            Outcome::Absent,
            format!(
                "{what}: no such route found in the code; it may be a manual process: answer by hand"
            ),
        ),
    };
    vec![
        one("compliance.data_export", export, "a user's data export"),
        one("compliance.data_deletion", delete, "account deletion"),
    ]
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = vec![pool(ctx), limiter_store(ctx), headers_middleware(ctx)];
    out.extend(data_rights(ctx));
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, one};
    use crate::detect::Outcome::*;

    #[test]
    fn a_sized_pool_passes_and_a_default_one_warns() {
        assert_eq!(
            one(
                "engine = create_async_engine(URL)\n",
                "database.pool_limits"
            )
            .outcome,
            Warn
        );
        assert_eq!(
            one(
                "engine = create_async_engine(URL, pool_size=10, max_overflow=5)\n",
                "database.pool_limits"
            )
            .outcome,
            Pass
        );
        assert_eq!(one("x = 1\n", "database.pool_limits").outcome, Absent);
    }

    #[test]
    fn an_in_memory_limiter_warns_and_a_redis_one_passes() {
        assert_eq!(
            one(
                "limiter = Limiter(key_func=get_remote_address)\n",
                "rate_limit.redis_limiter"
            )
            .outcome,
            Warn
        );
        assert_eq!(
            one(
                "limiter = Limiter(key_func=k, storage_uri=settings.REDIS_URL)\n",
                "rate_limit.redis_limiter"
            )
            .outcome,
            Pass
        );
        assert_eq!(
            one(
                "await FastAPILimiter.init(redis)\n",
                "rate_limit.redis_limiter"
            )
            .outcome,
            Pass
        );
    }

    #[test]
    fn security_headers_in_code_and_data_rights_routes_pass() {
        let code = "async def headers(request, call_next):\n    r = await call_next(request)\n    r.headers['X-Content-Type-Options'] = 'nosniff'\n    return r\n";
        assert_eq!(one(code, "headers.middleware").outcome, Pass);
        let routes = "@router.get(\"/me/export\")\nasync def export():\n    return {}\n@router.delete(\"/users/me\")\nasync def forget():\n    return {}\n";
        let f = findings(&[("app/gdpr.py", routes)], None);
        assert_eq!(f["compliance.data_export"].outcome, Pass);
        assert_eq!(f["compliance.data_deletion"].outcome, Pass);
        assert_eq!(one("x = 1\n", "compliance.data_export").outcome, Absent);
    }
}
