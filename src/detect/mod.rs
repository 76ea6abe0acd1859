//! Detection: what harden can find out by itself. Each detector fills a
//! fixed set of item ids with [`Finding`]s (an outcome, masked evidence,
//! a remediation line). They run concurrently on tokio, each under a
//! deadline, and their results stream to whoever asked: the wizard, or
//! `harden check`. Detectors know nothing of the terminal.

pub mod appcode;
pub mod code;
pub mod config;
pub mod deps;
pub mod env;
pub mod envfile;
pub mod fingerprint;
pub mod git;
pub mod pip_audit;
pub mod probe;
pub mod proc;
pub mod python;
pub mod secrets;
pub mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use crate::checklist::Outcome;

/// A place in a project file the finding points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Relative to the project when inside it.
    pub file: String,
    pub line: usize,
}

/// One detector's conclusion about one item. Evidence never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub item: String,
    pub outcome: Outcome,
    pub evidence: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    /// A finding; its evidence goes through the one masking path.
    pub fn new(item: &str, outcome: Outcome, evidence: impl Into<String>) -> Self {
        Finding {
            item: item.to_string(),
            outcome,
            evidence: crate::util::redact::redact(&evidence.into()),
            remediation: String::new(),
            location: None,
        }
    }

    pub fn fix(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = crate::util::redact::redact(&remediation.into());
        self
    }

    pub fn at(mut self, file: impl Into<String>, line: usize) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line,
        });
        self
    }
}

/// The detectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// The env file, and whether the code reads what it sets.
    Env,
    /// Git hygiene and files in the repository.
    Git,
    /// Requirements pinning and scanning configuration.
    Deps,
    /// pip-audit, run or read from a report.
    PipAudit,
    /// The Redis of REDIS_URL, live.
    Redis,
    /// The production URLs: TLS, redirect, headers, CORS, security.txt.
    Web,
    /// PostgreSQL's TLS, live.
    Postgres,
    /// Redis and PostgreSQL ports open on every interface of this host.
    Ports,
    /// The application's code and repository: CORS, input, SQL, password
    /// hashing, logging, security tests, documents.
    Code,
    /// Active verification of the production URLs (rate limit, tokens):
    /// run only with the operator's consent, so not in [`Detector::ALL`].
    Active,
}

impl Detector {
    pub const ALL: [Detector; 9] = [
        Detector::Env,
        Detector::Git,
        Detector::Deps,
        Detector::PipAudit,
        Detector::Redis,
        Detector::Web,
        Detector::Postgres,
        Detector::Ports,
        Detector::Code,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Detector::Env => "env file",
            Detector::Git => "git and files",
            Detector::Deps => "dependencies",
            Detector::PipAudit => "pip-audit",
            Detector::Redis => "Redis probe",
            Detector::Web => "web probe",
            Detector::Postgres => "PostgreSQL probe",
            Detector::Ports => "open ports",
            Detector::Code => "application code",
            Detector::Active => "active verification",
        }
    }

    /// The item ids this detector fills.
    pub fn items(self) -> &'static [&'static str] {
        match self {
            Detector::Env => env::items(),
            Detector::Git => git::ITEMS,
            Detector::Deps => deps::ITEMS,
            Detector::PipAudit => &["deps.pip_audit"],
            Detector::Code => appcode::items(),
            d => probe::items(d),
        }
    }
}

/// Everything the detectors may look at.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub project: PathBuf,
    pub env_file: PathBuf,
    pub offline: bool,
    /// A pip-audit JSON report to read instead of running pip-audit.
    pub pip_audit_json: Option<PathBuf>,
    /// Deadline of each local detector.
    pub deadline: Duration,
    /// Deadline of a pip-audit run (it builds a virtualenv).
    pub pip_audit_deadline: Duration,
    /// Production URLs to probe (`--url`, and the ones the operator gave).
    pub urls: Vec<String>,
    /// `--connect-to` rewrites.
    pub connect_to: Vec<probe::net::ConnectTo>,
    /// Extra trust anchors (`--ca-file`).
    pub ca_file: Option<PathBuf>,
    /// Deadline of each connection and exchange of a probe.
    pub probe_deadline: Duration,
    /// Refuse to dial anything but loopback (`HARDEN_LOOPBACK_ONLY`, for tests).
    pub loopback_only: bool,
    /// The time certificates and security.txt expiry are judged at, read
    /// where the inputs are made; detectors read no clock themselves.
    pub now: time::OffsetDateTime,
    /// A random number drawn where the inputs are made, for the CORS
    /// probe's unknown origin; detectors read no RNG themselves.
    pub nonce: u64,
    /// The `[settings]` table of `.harden/config.toml`: which of the
    /// project's settings plays each concept, as the team corrected it.
    pub settings_map: crate::detect::config::SettingsMap,
    /// Read this host's own facts (its packet filter): off with
    /// `HARDEN_NO_HOST_FACTS=1`, for a run on a machine that is not the
    /// server (a CI runner, the test suite).
    pub host_facts: bool,
    /// The operator consented to active verification (`check --active`,
    /// or the wizard's confirmation).
    pub active: bool,
    /// The URLs active requests may go to: `--url` for `check` (never
    /// URLs a state file carries), the listed ones in the wizard.
    pub active_urls: Vec<String>,
    /// The plan the operator confirmed in the wizard: sent as it was
    /// shown, not read again from the code.
    pub active_plans: Option<Vec<probe::active::Plan>>,
    /// The login route active verification bursts at (`--login-path`),
    /// instead of the one found in the code.
    pub login_path: Option<String>,
    /// The protected route active verification sends tokens to
    /// (`--protected-path`).
    pub protected_path: Option<String>,
}

impl Inputs {
    /// Inputs with the default env file (`PROJECT/.env`) and deadlines.
    /// The one place detection reads the clock and draws a random number:
    /// the edge that makes the inputs owns them, and tests set them.
    pub fn new(project: &Path) -> Self {
        Inputs {
            project: project.to_path_buf(),
            env_file: project.join(".env"),
            offline: false,
            pip_audit_json: None,
            deadline: Duration::from_secs(10),
            pip_audit_deadline: Duration::from_secs(300),
            urls: Vec::new(),
            connect_to: Vec::new(),
            ca_file: None,
            probe_deadline: Duration::from_secs(5),
            loopback_only: std::env::var_os("HARDEN_LOOPBACK_ONLY").is_some_and(|v| !v.is_empty()),
            now: time::OffsetDateTime::now_utc(),
            nonce: rand::random(),
            settings_map: Default::default(),
            host_facts: std::env::var_os("HARDEN_NO_HOST_FACTS").is_none_or(|v| v.is_empty()),
            active: false,
            active_urls: Vec::new(),
            active_plans: None,
            login_path: None,
            protected_path: None,
        }
    }

    /// A path as shown in evidence: relative to the project when inside it.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.project)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// What one detector produced.
#[derive(Debug, Clone)]
pub struct Report {
    pub detector: Detector,
    pub findings: Vec<Finding>,
    /// Short hash prefixes of secret values by key, to notice rotation.
    pub fingerprints: BTreeMap<String, String>,
    pub elapsed: Duration,
}

impl Report {
    pub(crate) fn new(detector: Detector, findings: Vec<Finding>) -> Self {
        Report {
            detector,
            findings,
            fingerprints: BTreeMap::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// Every item of the detector as `unknown`, for a detector that did not finish.
    fn failed(detector: Detector, why: &str) -> Self {
        Report::new(
            detector,
            detector
                .items()
                .iter()
                .map(|id| Finding::new(id, Outcome::Unknown, why))
                .collect(),
        )
    }
}

/// Runs one detector under its deadline.
pub async fn run_one(detector: Detector, inputs: Arc<Inputs>) -> Report {
    let started = Instant::now();
    let deadline = match detector {
        Detector::PipAudit => inputs.pip_audit_deadline + Duration::from_secs(5),
        Detector::Redis | Detector::Web | Detector::Postgres => {
            inputs.probe_deadline * 4 + Duration::from_secs(1)
        }
        // The burst's window after the other requests, each under the
        // probe deadline.
        Detector::Active => {
            inputs.probe_deadline * 4 + probe::active::BURST_WINDOW + inputs.probe_deadline * 2
        }
        _ => inputs.deadline,
    };
    let work = async {
        match detector {
            Detector::PipAudit => Ok(pip_audit::detect(&inputs).await),
            Detector::Redis
            | Detector::Web
            | Detector::Postgres
            | Detector::Ports
            // Boxed: the probes' futures are large (each holds its
            // concurrent requests), and a caller's stack holds what is
            // not on the heap.
            | Detector::Active => Ok(Box::pin(probe::detect(detector, &inputs)).await),
            _ => {
                let i = inputs.clone();
                tokio::task::spawn_blocking(move || match detector {
                    Detector::Env => env::detect(&i),
                    Detector::Git => git::detect(&i),
                    Detector::Code => appcode::detect(&i),
                    _ => Report::new(Detector::Deps, deps::detect(&i)),
                })
                .await
            }
        }
    };
    let mut report = match tokio::time::timeout(deadline, work).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Report::failed(
            detector,
            &format!("the {} detector crashed: {e}", detector.name()),
        ),
        Err(_) => Report::failed(
            detector,
            &format!(
                "the {} detector did not finish within {} s",
                detector.name(),
                deadline.as_secs()
            ),
        ),
    };
    report.elapsed = started.elapsed();
    give_every_failure_a_fix(&mut report);
    report
}

/// Every fail or warn comes with a fix line: the detector's own where it
/// wrote one (it knows the key, file and value), else the item's guidance.
fn give_every_failure_a_fix(report: &mut Report) {
    for f in &mut report.findings {
        if matches!(f.outcome, Outcome::Fail | Outcome::Warn)
            && f.remediation.trim().is_empty()
            && let Some(g) = crate::checklist::guidance::for_item(&f.item)
        {
            f.remediation = crate::util::redact::redact(&g.fix.replace('`', ""));
        }
    }
}

/// Starts every detector concurrently; `sink` gets each report as it finishes.
pub fn spawn_all<F>(inputs: Arc<Inputs>, sink: F) -> Vec<tokio::task::JoinHandle<()>>
where
    F: Fn(Report) + Send + Sync + 'static,
{
    let sink = Arc::new(sink);
    let active = inputs.active.then_some(Detector::Active);
    Detector::ALL
        .iter()
        .copied()
        .chain(active)
        .map(|d| {
            let inputs = inputs.clone();
            let sink = sink.clone();
            tokio::spawn(async move {
                let r = run_one(d, inputs).await;
                sink(r);
            })
        })
        .collect()
}

/// Runs every detector and collects the reports (for `check` and tests).
pub async fn run_all(inputs: Arc<Inputs>) -> Vec<Report> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handles = spawn_all(inputs, move |r| {
        let _ = tx.send(r);
    });
    let mut out = Vec::new();
    while let Some(r) = rx.recv().await {
        out.push(r);
    }
    for h in handles {
        let _ = h.await;
    }
    out.sort_by_key(|r| r.detector);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fail_or_warn_without_a_fix_gets_the_item_s_guidance_and_keeps_its_own() {
        let mut r = Report::new(
            Detector::Web,
            vec![
                Finding::new("headers.hsts", Outcome::Fail, "no HSTS header"),
                Finding::new("headers.nosniff", Outcome::Warn, "weak"),
                Finding::new("headers.csp", Outcome::Fail, "no CSP").fix("set a CSP"),
                Finding::new("headers.frame_options", Outcome::Pass, "DENY"),
            ],
        );
        give_every_failure_a_fix(&mut r);
        let fix = |id: &str| {
            r.findings
                .iter()
                .find(|f| f.item == id)
                .map(|f| f.remediation.clone())
                .unwrap()
        };
        let hsts = crate::checklist::guidance::for_item("headers.hsts").unwrap();
        assert_eq!(fix("headers.hsts"), hsts.fix.replace('`', ""));
        assert!(!fix("headers.nosniff").is_empty());
        assert_eq!(fix("headers.csp"), "set a CSP");
        assert_eq!(fix("headers.frame_options"), "", "a pass needs no fix");
    }
}
