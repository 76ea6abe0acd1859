//! Live probes of the running system: Redis, the web front (TLS, redirect,
//! HSTS and headers, CORS, rate-limit headers, security.txt), PostgreSQL's
//! TLS, and exposed ports. Every connection has a deadline; `--offline`
//! skips them all (`skipped`, never `pass`).

pub mod active;
pub mod firewall;
pub mod hello;
pub mod http;
pub mod net;
pub mod ports;
pub mod postgres;
pub mod redis;
mod tls_words;
pub mod web;

use std::sync::Arc;

use url::Url;

use super::envfile;
use super::values::production_origins;
use super::{Detector, Finding, Inputs, Outcome, Report};
use net::{Net, ProbeError};

/// The probe detectors' items.
pub fn items(d: Detector) -> &'static [&'static str] {
    match d {
        Detector::Redis => redis::ITEMS,
        Detector::Web => web::ITEMS,
        Detector::Postgres => &["database.server_tls"],
        Detector::Ports => ports::ITEMS,
        Detector::Active => active::ITEMS,
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
    redis: Result<Url, String>,
    database: Result<Url, String>,
    /// https origins of ALLOWED_HOSTS (production front ends).
    origins: Vec<String>,
}

fn targets(inputs: &Inputs) -> Targets {
    let file = envfile::read(&inputs.env_file).unwrap_or_default();
    // As the application reads them (its names, prefix, parts); a host
    // only a code default names is not dialled.
    let mut found =
        crate::detect::env::probe_targets(inputs, &["REDIS_URL", "DATABASE_URL"]).into_iter();
    let (redis, database) = (
        found
            .next()
            .unwrap_or(crate::detect::env::ProbeTarget::Missing),
        found
            .next()
            .unwrap_or(crate::detect::env::ProbeTarget::Missing),
    );
    let url = |k: &str, t: crate::detect::env::ProbeTarget| match t {
        crate::detect::env::ProbeTarget::Url { name, url } => {
            Url::parse(&url).map_err(|_| format!("{name} is not a URL"))
        }
        crate::detect::env::ProbeTarget::CodeDefault { name, at } => Err(format!(
            "{name} is not set in the env file: only the code default ({at}) names a host, and harden dials only hosts the operator gives"
        )),
        crate::detect::env::ProbeTarget::NamedNone { line } => Err(format!(
            "{}:{line} says this project has no {k}",
            crate::detect::config::FILE
        )),
        crate::detect::env::ProbeTarget::Missing => Err(format!("no {k} to probe")),
    };
    let origins = file
        .value("ALLOWED_HOSTS")
        .map(production_origins)
        .unwrap_or_default();
    Targets {
        redis: url("REDIS_URL", redis),
        database: url("DATABASE_URL", database),
        origins,
    }
}

/// The https URLs to probe: only the ones the operator gave (`--url`,
/// `u` in the wizard, the state), one per host and port. The origins of
/// ALLOWED_HOSTS are front ends, not the API: they are what the CORS
/// probes send as `Origin`, never a host harden dials on its own.
pub fn web_targets(inputs: &Inputs) -> Vec<Url> {
    https_urls(&inputs.urls)
}

/// The https URLs of a list, one per host and port.
fn https_urls(list: &[String]) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    for u in list {
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

fn net(inputs: &Inputs) -> Result<Net, ProbeError> {
    let roots = net::roots(inputs.ca_file.as_deref())?;
    Ok(Net {
        connect_to: inputs.connect_to.clone(),
        deadline: inputs.probe_deadline,
        roots: Arc::new(roots),
        loopback_only: inputs.loopback_only,
    })
}

/// What the probes would dial, without dialling: one entry per host, port
/// and purpose (the `transport` says what would protect it). Empty when
/// offline. pip-audit, which asks a vulnerability service itself, is
/// listed by `check --list-probes` separately.
pub fn planned(inputs: &Inputs) -> Vec<net::Connection> {
    if inputs.offline {
        return Vec::new();
    }
    let t = targets(inputs);
    let route = |host: &str, port: u16| {
        let n = Net {
            connect_to: inputs.connect_to.clone(),
            deadline: inputs.probe_deadline,
            roots: Arc::new(rustls::RootCertStore::empty()),
            loopback_only: inputs.loopback_only,
        };
        let (a, p) = n.route(host, port);
        format!("{a}:{p}")
    };
    let entry = |host: &str, port: u16, purpose: &str, transport: &str| net::Connection {
        host: host.to_string(),
        port,
        dialled: route(host, port),
        purpose: purpose.to_string(),
        transport: transport.to_string(),
    };
    let mut out = Vec::new();
    if let Ok(u) = &t.redis
        && matches!(u.scheme(), "redis" | "rediss")
    {
        let host = u.host_str().unwrap_or("localhost");
        let tls = u.scheme() == "rediss";
        out.push(entry(
            host,
            u.port().unwrap_or(6379),
            "Redis: PING, AUTH, INFO persistence",
            if tls {
                "TLS; credentials only if the certificate verifies"
            } else {
                "plain TCP; credentials only when the peer is loopback"
            },
        ));
    }
    if let Ok(u) = &t.database
        && u.scheme().starts_with("postgres")
    {
        out.push(entry(
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            "PostgreSQL: SSLRequest (no credentials)",
            "plain TCP, 8 bytes",
        ));
    }
    for u in web_targets(inputs) {
        let host = u.host_str().unwrap_or("");
        let port = u.port_or_known_default().unwrap_or(443);
        out.push(entry(
            host,
            port,
            "TLS handshake and GET of the URL; CORS preflight, security.txt, /docs",
            "TLS",
        ));
        out.push(entry(
            host,
            port,
            "raw ClientHellos (SSLv3, TLS 1.0, 1.1, each suite class at TLS 1.2), read to the ServerHello",
            "TCP, no key exchange, no credentials",
        ));
        out.push(entry(
            host,
            80,
            "plain HTTP, to see the redirect to HTTPS",
            "plain TCP",
        ));
    }
    out
}

/// Runs one probe detector. The web probe's cookie item falls back on
/// the application's code when the probe did not run.
pub async fn detect(d: Detector, inputs: &Inputs) -> Report {
    let mut r = detect_live(d, inputs).await;
    if d != Detector::Web {
        return r;
    }
    let skipped: Vec<(String, String)> = r
        .findings
        .iter()
        .filter(|f| {
            f.outcome == Outcome::Skipped
                && matches!(f.item.as_str(), "headers.cookies" | "api.docs_hidden")
        })
        .map(|f| (f.item.clone(), f.evidence.clone()))
        .collect();
    if skipped.is_empty() {
        return r;
    }
    let project = inputs.project.clone();
    let from_code = tokio::task::spawn_blocking(move || {
        let pairs: Vec<(&str, &str)> = skipped
            .iter()
            .map(|(i, w)| (i.as_str(), w.as_str()))
            .collect();
        crate::detect::appcode::live_fallbacks(&project, &pairs)
    })
    .await
    .unwrap_or_default();
    for code in from_code {
        if let Some(f) = r.findings.iter_mut().find(|f| f.item == code.item) {
            *f = code;
        }
    }
    r
}

async fn detect_live(d: Detector, inputs: &Inputs) -> Report {
    if inputs.offline {
        return Report::new(
            d,
            all(d, Outcome::Skipped, "offline: live probes were not run"),
        );
    }
    if d == Detector::Ports {
        let mut findings = local_ports(inputs);
        findings.retain(|f| f.item != "network.firewall");
        findings.push(if inputs.host_facts {
            tokio::task::spawn_blocking(firewall::detect)
                .await
                .unwrap_or_else(|e| {
                    Finding::new(
                        "network.firewall",
                        Outcome::Unknown,
                        format!("reading the packet filter failed: {e}"),
                    )
                })
        } else {
            Finding::new(
                "network.firewall",
                Outcome::Skipped,
                "HARDEN_NO_HOST_FACTS is set: this machine is not the server, so its packet filter was not read",
            )
        });
        return Report::new(d, findings);
    }
    if d == Detector::Active && !inputs.active {
        return Report::new(
            d,
            all(
                d,
                Outcome::Skipped,
                "active verification was not consented to (check --active, or confirm it in the wizard)",
            ),
        );
    }
    // The targets come from parsing the project's Python: blocking work,
    // kept off the event loop.
    let owned = inputs.clone();
    let t = match tokio::task::spawn_blocking(move || targets(&owned)).await {
        Ok(t) => t,
        Err(e) => {
            return Report::new(
                d,
                all(
                    d,
                    Outcome::Unknown,
                    &format!("reading the targets failed: {e}"),
                ),
            );
        }
    };
    let net = match net(inputs) {
        Ok(n) => n,
        Err(e) => return Report::new(d, all(d, Outcome::Unknown, &e.to_string())),
    };
    let findings = match d {
        Detector::Redis => match &t.redis {
            Err(why) => all(d, Outcome::Skipped, why),
            Ok(u) if !matches!(u.scheme(), "redis" | "rediss") => all(
                d,
                Outcome::Skipped,
                "REDIS_URL is not redis:// or rediss://",
            ),
            Ok(u) => redis::probe(&net, u).await,
        },
        Detector::Postgres => match &t.database {
            Ok(u) if u.scheme().starts_with("postgres") => vec![postgres::probe(&net, u).await],
            Ok(_) => all(d, Outcome::Skipped, "DATABASE_URL is not PostgreSQL"),
            Err(why) => all(d, Outcome::Skipped, why),
        },
        Detector::Active => Box::pin(active_findings(inputs, &net)).await,
        _ => {
            let urls = web_targets(inputs);
            if urls.is_empty() {
                all(
                    d,
                    Outcome::Skipped,
                    "no production URL to probe: give --url https://… (or u in the wizard); harden dials only the URLs the operator gives",
                )
            } else {
                let now = inputs.now;
                let mut set = tokio::task::JoinSet::new();
                for (i, u) in urls.iter().enumerate() {
                    let (net, u, origins) = (net.clone(), u.clone(), t.origins.clone());
                    let nonce = inputs.nonce.wrapping_add(i as u64);
                    set.spawn(async move { (i, web::probe(&net, &u, &origins, now, nonce).await) });
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

/// The active plans for the URLs the operator gave: routes from the code
/// (parsed off the event loop) unless the flags give them.
///
/// Only the URLs consented to for active requests are aimed at
/// (`inputs.active_urls`: `--url` for `check`; the URLs the wizard listed).
pub async fn active_plans(inputs: &Inputs) -> Vec<active::Plan> {
    let urls = https_urls(&inputs.active_urls);
    if urls.is_empty() {
        return Vec::new();
    }
    let owned = inputs.clone();
    let (found, origins) = tokio::task::spawn_blocking(move || {
        (
            crate::detect::appcode::routes::active_routes(&owned.project),
            targets(&owned).origins,
        )
    })
    .await
    .unwrap_or_default();
    let mut plans = active::plans(
        &urls,
        &found,
        inputs.login_path.as_deref(),
        inputs.protected_path.as_deref(),
    );
    for p in &mut plans {
        p.origins.clone_from(&origins);
    }
    plans
}

async fn active_findings(inputs: &Inputs, net: &Net) -> Vec<Finding> {
    // The plan the operator saw and confirmed, when the wizard gave it.
    let plans = match &inputs.active_plans {
        Some(p) => p.clone(),
        None => active_plans(inputs).await,
    };
    if plans.is_empty() {
        return all(
            Detector::Active,
            Outcome::Skipped,
            "no production URL to verify: give --url https://…; harden sends active requests only to the URLs the operator gives",
        );
    }
    let urls: Vec<Url> = plans.iter().map(|p| p.url.clone()).collect();
    // One URL after the other: each burst must meet its own limit.
    let mut results = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let nonce = inputs.nonce.wrapping_add(i as u64);
        results.push(active::verify(net, p, inputs.now, nonce).await);
    }
    merge_items(active::ITEMS, &urls, results)
}

/// One finding per item over several URLs: the worst outcome, each URL's evidence.
fn merge(urls: &[Url], results: Vec<Vec<Finding>>) -> Vec<Finding> {
    merge_items(web::ITEMS, urls, results)
}

fn merge_items(items: &[&str], urls: &[Url], results: Vec<Vec<Finding>>) -> Vec<Finding> {
    if results.len() == 1 {
        return results.into_iter().next().unwrap_or_default();
    }
    items
        .iter()
        .map(|id| {
            let mut worst: Option<Finding> = None;
            let mut evidence = Vec::new();
            for (u, fs) in urls.iter().zip(&results) {
                if let Some(f) = fs.iter().find(|f| f.item == *id) {
                    evidence.push(format!("{}: {}", u.host_str().unwrap_or(""), f.evidence));
                    if worst
                        .as_ref()
                        .is_none_or(|w| w.outcome.worst(f.outcome) != w.outcome)
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
    let mut listening = ports::listeners(&table);
    ports::find_owners(std::path::Path::new("/proc"), &mut listening);
    let mut redis_ports = vec![6379];
    redis_ports.extend(
        t.redis
            .as_ref()
            .ok()
            .and_then(Url::port)
            .filter(|p| *p != 6379),
    );
    let mut db_ports = vec![5432];
    db_ports.extend(
        t.database
            .as_ref()
            .ok()
            .and_then(Url::port)
            .filter(|p| *p != 5432),
    );
    vec![
        ports::judge(
            "network.redis_not_public",
            "Redis",
            &["redis", "valkey", "keydb", "dragonfly"],
            &redis_ports,
            &listening,
        ),
        ports::judge(
            "network.database_not_public",
            "PostgreSQL",
            &["postgres", "pgbouncer", "pgpool"],
            &db_ports,
            &listening,
        ),
    ]
}
/// Why an operator's URL is refused before anything is dialled. The text
/// shows the URL with any credential masked; the command line prefixes
/// the flag that gave it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    #[error(
        "{shown:?} carries credentials; harden never sends them and never stores them: give the URL without user:password@"
    )]
    Credentials { shown: String },
    #[error(
        "{shown:?} has a #fragment; a fragment is never sent to a server and may carry a token (OAuth): give the URL without it"
    )]
    Fragment { shown: String },
    #[error(
        "{shown:?} carries a secret in its query; harden stores the URLs it probes: give the URL without it"
    )]
    SecretQuery { shown: String },
    #[error(
        "{shown:?} is not an https:// URL (the scheme is {scheme}); harden probes https://HOST[:PORT][/PATH] only"
    )]
    NotHttps { shown: String, scheme: String },
    #[error("{shown:?} is not an https:// URL ({why}); give https://HOST[:PORT][/PATH]")]
    Unparsable { shown: String, why: String },
}

/// Checks one production URL: `https://` with a host, nothing else.
///
/// # Errors
/// Names the value and what is wrong with it.
pub fn check_url(u: &str) -> Result<(), UrlRefused> {
    let shown = crate::util::redact::redact_url_value(u);
    match url::Url::parse(u) {
        Ok(p) if !p.username().is_empty() || p.password().is_some() => {
            Err(UrlRefused::Credentials { shown })
        }
        Ok(p) if p.fragment().is_some() => Err(UrlRefused::Fragment { shown }),
        Ok(p)
            if p.query_pairs()
                .any(|(k, _)| crate::util::redact::is_secret_param(&k)) =>
        {
            Err(UrlRefused::SecretQuery { shown })
        }
        Ok(p) if p.scheme() == "https" && p.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(p) => Err(UrlRefused::NotHttps {
            shown,
            scheme: p.scheme().to_string(),
        }),
        Err(e) => Err(UrlRefused::Unparsable {
            shown,
            why: e.to_string(),
        }),
    }
}
