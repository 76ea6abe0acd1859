//! Live probes of the running system: Redis, the web front (TLS, redirect,
//! HSTS and headers, CORS, rate-limit headers, security.txt), PostgreSQL's
//! TLS, and exposed ports. Every connection has a deadline; `--offline`
//! skips them all (`skipped`, never `pass`).

pub mod http;
pub mod net;
pub mod ports;
pub mod postgres;
pub mod redis;
pub mod web;

use std::sync::Arc;

use url::Url;

use super::env::is_dev_origin;
use super::envfile;
use super::{Detector, Finding, Inputs, Outcome, Report};
use net::Net;

/// The probe detectors' items.
pub fn items(d: Detector) -> &'static [&'static str] {
    match d {
        Detector::Redis => redis::ITEMS,
        Detector::Web => web::ITEMS,
        Detector::Postgres => &["database.server_tls"],
        Detector::Ports => ports::ITEMS,
        _ => &[],
    }
}

fn all(d: Detector, outcome: Outcome, why: &str) -> Vec<Finding> {
    items(d)
        .iter()
        .map(|id| Finding::new(id, outcome, why))
        .collect()
}

/// The values of the env file the probes aim at.
struct Targets {
    redis: Option<Url>,
    database: Option<Url>,
    /// https origins of ALLOWED_HOSTS (production front ends).
    origins: Vec<String>,
}

fn targets(inputs: &Inputs) -> Targets {
    let file = envfile::read(&inputs.env_file).unwrap_or_default();
    let url = |k: &str| file.value(k).and_then(|v| Url::parse(v).ok());
    let origins = file
        .value("ALLOWED_HOSTS")
        .map(|v| {
            v.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|e| {
                    e.trim()
                        .trim_matches(|c| c == '"' || c == '\'')
                        .trim_end_matches('/')
                        .to_string()
                })
                .filter(|e| e.starts_with("https://") && !is_dev_origin(e))
                .collect()
        })
        .unwrap_or_default();
    Targets {
        redis: url("REDIS_URL"),
        database: url("DATABASE_URL"),
        origins,
    }
}

/// The https URLs to probe: `--url` and the ones the operator gave, then
/// the production origins of ALLOWED_HOSTS, one per host and port.
pub fn web_targets(inputs: &Inputs, origins: &[String]) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    for u in inputs.urls.iter().chain(origins) {
        if let Ok(u) = Url::parse(u)
            && u.scheme() == "https"
            && !out.iter().any(|o| {
                o.host_str() == u.host_str()
                    && o.port_or_known_default() == u.port_or_known_default()
            })
        {
            out.push(u);
        }
    }
    out
}

fn net(inputs: &Inputs) -> Result<Net, String> {
    let roots = net::roots(inputs.ca_file.as_deref())?;
    Ok(Net {
        connect_to: inputs.connect_to.clone(),
        deadline: inputs.probe_deadline,
        roots: Arc::new(roots),
        loopback_only: inputs.loopback_only,
    })
}

/// Runs one probe detector.
pub async fn detect(d: Detector, inputs: &Inputs) -> Report {
    if inputs.offline {
        return Report::new(
            d,
            all(d, Outcome::Skipped, "offline: live probes were not run"),
        );
    }
    if d == Detector::Ports {
        return Report::new(d, local_ports(inputs));
    }
    let t = targets(inputs);
    let net = match net(inputs) {
        Ok(n) => n,
        Err(e) => return Report::new(d, all(d, Outcome::Unknown, &e)),
    };
    let findings = match d {
        Detector::Redis => match &t.redis {
            None => all(d, Outcome::Skipped, "no REDIS_URL to probe"),
            Some(u) if !matches!(u.scheme(), "redis" | "rediss") => all(
                d,
                Outcome::Skipped,
                "REDIS_URL is not redis:// or rediss://",
            ),
            Some(u) => redis::probe(&net, u).await,
        },
        Detector::Postgres => match &t.database {
            Some(u) if u.scheme().starts_with("postgres") => vec![postgres::probe(&net, u).await],
            Some(_) => all(d, Outcome::Skipped, "DATABASE_URL is not PostgreSQL"),
            None => all(d, Outcome::Skipped, "no DATABASE_URL to probe"),
        },
        _ => {
            let urls = web_targets(inputs, &t.origins);
            if urls.is_empty() {
                all(
                    d,
                    Outcome::Skipped,
                    "no production URL to probe: give --url https://…, or https origins in ALLOWED_HOSTS",
                )
            } else {
                let now = time::OffsetDateTime::now_utc();
                let mut set = tokio::task::JoinSet::new();
                for (i, u) in urls.iter().enumerate() {
                    let (net, u, origins) = (net.clone(), u.clone(), t.origins.clone());
                    set.spawn(async move { (i, web::probe(&net, &u, &origins, now).await) });
                }
                let mut results = vec![Vec::new(); urls.len()];
                while let Some(r) = set.join_next().await {
                    if let Ok((i, v)) = r {
                        results[i] = v;
                    }
                }
                merge(&urls, results)
            }
        }
    };
    Report::new(d, findings)
}

/// One finding per item over several URLs: the worst outcome, each URL's evidence.
fn merge(urls: &[Url], results: Vec<Vec<Finding>>) -> Vec<Finding> {
    if results.len() == 1 {
        return results.into_iter().next().unwrap_or_default();
    }
    web::ITEMS
        .iter()
        .map(|id| {
            let mut worst: Option<Finding> = None;
            let mut evidence = Vec::new();
            for (u, fs) in urls.iter().zip(&results) {
                if let Some(f) = fs.iter().find(|f| f.item == *id) {
                    evidence.push(format!("{}: {}", u.host_str().unwrap_or(""), f.evidence));
                    if worst
                        .as_ref()
                        .is_none_or(|w| web::rank(f.outcome) > web::rank(w.outcome))
                    {
                        worst = Some(f.clone());
                    }
                }
            }
            let mut f = worst.unwrap_or_else(|| Finding::new(id, Outcome::Unknown, "no result"));
            f.evidence = evidence.join(" | ");
            f
        })
        .collect()
}

fn local_ports(inputs: &Inputs) -> Vec<Finding> {
    let t = targets(inputs);
    let mut table = String::new();
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        match std::fs::read_to_string(f) {
            Ok(s) => table.push_str(&s),
            Err(e) => {
                return all(
                    Detector::Ports,
                    Outcome::Unknown,
                    &format!("cannot read {f}: {e} (not Linux?)"),
                );
            }
        }
    }
    // tcp6 has its own header line; drop header lines after the first.
    let listening = ports::listeners(&table);
    let mut redis_ports = vec![6379];
    redis_ports.extend(t.redis.as_ref().and_then(Url::port).filter(|p| *p != 6379));
    let mut db_ports = vec![5432];
    db_ports.extend(
        t.database
            .as_ref()
            .and_then(Url::port)
            .filter(|p| *p != 5432),
    );
    vec![
        ports::judge(
            "network.redis_not_public",
            "Redis",
            &redis_ports,
            &listening,
        ),
        ports::judge(
            "network.database_not_public",
            "PostgreSQL",
            &db_ports,
            &listening,
        ),
    ]
}
