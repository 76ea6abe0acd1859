//! `harden fleet` (issue 18): many hosts' `check` reports, and their state
//! files, read as one fleet. Per item, which hosts pass, fail, warn or are
//! unknown; drift (an item whose status differs between hosts; a secret
//! that differs where hosts must share it, or one value used for two
//! purposes); the fleet's score and its worst host; regressions against an
//! earlier run. Reports of another checklist or report schema are refused;
//! reports of two versions of one checklist (a rolling upgrade) are merged
//! by item id, naming the items some hosts lack.

pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::fsio;

/// The report schema this build reads (`report::json::SCHEMA`).
pub const REPORT_SCHEMA: u64 = 2;
/// The fleet JSON's own schema.
pub const SCHEMA: u32 = 1;
/// A report file larger than this is refused (a report of the full
/// checklist is about 100 KB).
pub const REPORT_CAP: u64 = 16 << 20;
/// At most this many reports in one run.
pub const MAX_HOSTS: usize = 10_000;
/// At most this many items, and sections, in one report (the checklist has
/// 232 in 18): a crafted report cannot make the judgement quadratic.
pub const MAX_ITEMS: usize = 5_000;
pub const MAX_SECTIONS: usize = 200;
/// The statuses a report may give an item.
pub const STATUS_WORDS: [&str; 9] = [
    "pass", "fail", "warn", "unknown", "skipped", "absent", "open", "na", "waived",
];

/// One host's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostItem {
    pub status: String,
    pub severity: String,
    pub operator: Option<String>,
}

/// What one host said about itself and its items.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub role: Option<String>,
    pub file: PathBuf,
    pub generated: String,
    pub version: String,
    pub checklist_sha256: String,
    pub project: String,
    pub score: f64,
    pub grade: String,
    pub counts: BTreeMap<String, u64>,
    pub items: BTreeMap<String, HostItem>,
    /// `None` when the report carries no fingerprints (no fleet key).
    pub fingerprints: Option<crate::detect::fingerprint::Fingerprints>,
    /// The host's state file, when one was fetched beside its report.
    pub review: Option<Review>,
}

/// The review a host's state file holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    pub answered: usize,
    pub items: usize,
    pub signed_off: Option<String>,
    pub operator: BTreeMap<String, String>,
}

/// An item's place in the checklist, from the reports.
#[derive(Debug, Clone)]
pub struct ItemInfo {
    pub id: String,
    pub section: String,
    pub title: String,
    pub severity: String,
}

/// A secret that drifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretDrift {
    /// Hosts of one role hold different values of a secret they must
    /// share (hosts grouped by value, the groups named A, B...), or some
    /// of them lack it (`absent`).
    Differs {
        role: Option<String>,
        name: String,
        groups: Vec<Vec<String>>,
        absent: Vec<String>,
    },
    /// One value under names of different purposes (a signing key that is
    /// also a database password): each name, with the hosts it is on.
    Reused { uses: Vec<(String, Vec<String>)> },
}

/// Why secrets were not (all) compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretsNotJudged {
    /// These hosts' reports carry no fingerprints (no fleet key given).
    NoKey(Vec<String>),
    /// The hosts used different keys: fingerprints of different keys
    /// cannot be compared (hosts grouped by key).
    KeysDiffer(Vec<Vec<String>>),
}

/// An item that passed on a host in the earlier run and does not now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub host: String,
    pub item: String,
    pub was: String,
    pub now: String,
}

/// The fleet, judged.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub checklist_id: String,
    pub hosts: Vec<Host>,
    pub items: Vec<ItemInfo>,
    /// Items some hosts lack (a rolling upgrade): item id -> hosts lacking it.
    pub missing: BTreeMap<String, Vec<String>>,
    /// Items a host left out of a report of the same checklist version
    /// (`--only`, `--skip`): item id -> those hosts.
    pub left_out: BTreeMap<String, Vec<String>>,
    /// Items whose status differs between hosts, in checklist order.
    pub drift: Vec<String>,
    pub drift_set: BTreeSet<String>,
    pub secret_drift: Vec<SecretDrift>,
    pub secrets_not_judged: Vec<SecretsNotJudged>,
    pub regressions: Vec<Regression>,
    /// Hosts in the earlier run and not in this one, and the reverse.
    pub gone: Vec<String>,
    pub new_hosts: Vec<String>,
    pub since: Option<PathBuf>,
    /// Every file read (reports, state files, the earlier run's reports):
    /// no output may overwrite one.
    pub inputs: Vec<PathBuf>,
    /// What was passed over, for stderr.
    pub notices: Vec<String>,
}

/// Why the fleet could not be read. The text names the file and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FleetError(pub String);

fn err(s: impl Into<String>) -> FleetError {
    FleetError(s.into())
}

/// The report files under the paths given: files as they are, folders
/// searched (three levels down) for `*.json`. Links are not followed.
///
/// # Errors
/// A path that is missing, or neither a regular file nor a folder.
pub fn report_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FleetError> {
    report_files_noting(paths, &mut Vec::new())
}

fn report_files_noting(
    paths: &[PathBuf],
    notices: &mut Vec<String>,
) -> Result<Vec<PathBuf>, FleetError> {
    let mut out = Vec::new();
    for p in paths {
        let m = std::fs::symlink_metadata(p).map_err(|e| err(format!("{}: {e}", p.display())))?;
        if m.is_dir() {
            walk(p, 0, &mut out, notices)?;
        } else if m.is_file() {
            out.push(p.clone());
        } else {
            return Err(err(format!(
                "{} is {}, not a report file or a folder of them",
                p.display(),
                fsio::kind_of(&m)
            )));
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err(err(format!(
            "no report (*.json) in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if out.len() > MAX_HOSTS {
        return Err(err(format!(
            "{} reports: harden fleet reads at most {MAX_HOSTS} at once",
            out.len()
        )));
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    notices: &mut Vec<String>,
) -> Result<(), FleetError> {
    let rd = std::fs::read_dir(dir).map_err(|e| err(format!("{}: {e}", dir.display())))?;
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() && depth < 3 {
            walk(&p, depth + 1, out, notices)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            if ft.is_file() {
                out.push(p);
            } else {
                notices.push(format!(
                    "{} passed over: a link or special file, not a report (links are not followed)",
                    p.display()
                ));
            }
        }
    }
    Ok(())
}

/// A text field of a report: control, format and bidirectional
/// characters replaced, so no output can be steered by them.
fn clean_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::util::redact::is_invisible(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// An item id or section slug as checklists write them.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(clean_text)
}

/// Reads one report.
///
/// # Errors
/// Unreadable, not JSON, not a harden report, another schema, or without
/// the host it was made on.
pub fn read_report(path: &Path) -> Result<Option<(String, Host, Vec<ItemInfo>)>, FleetError> {
    let shown = path.display();
    let bytes = fsio::read_input(path, REPORT_CAP, false)
        .map_err(|e| err(format!("{shown}: cannot read: {e}")))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
        err(format!(
            "{shown}: not JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            e.to_string().split(" at line").next().unwrap_or_default()
        ))
    })?;
    // A fleet report written among the hosts' reports is not a host.
    if v.get("kind").and_then(Value::as_str) == Some("harden-fleet") {
        return Ok(None);
    }
    let Some(schema) = v.get("schema").and_then(Value::as_u64) else {
        return Err(err(format!(
            "{shown}: not a harden check report (no \"schema\"); make one with `harden check --format json`"
        )));
    };
    if schema != REPORT_SCHEMA {
        return Err(err(format!(
            "{shown}: report schema {schema}, and this harden reads schema {REPORT_SCHEMA}; \
             run the same harden version on every host (or this one's `check`)"
        )));
    }
    let checklist = v.get("checklist").cloned().unwrap_or(Value::Null);
    let (Some(id), Some(sha)) = (text(&checklist, "id"), text(&checklist, "sha256")) else {
        return Err(err(format!("{shown}: no checklist id and digest")));
    };
    let host = v.get("host").cloned().unwrap_or(Value::Null);
    if host
        .get("role")
        .is_some_and(|r| !r.is_null() && !r.is_string())
        || host.get("name").is_some_and(|n| !n.is_string())
    {
        return Err(err(format!("{shown}: host name and role must be text")));
    }
    let Some(name) = text(&host, "name").filter(|n| !n.is_empty()) else {
        return Err(err(format!(
            "{shown}: the report does not name its host (made by a harden before 0.1.0's fleet support); \
             run `harden check` again with this version"
        )));
    };
    let summary = v.get("summary").cloned().unwrap_or(Value::Null);
    if summary.get("score").is_some_and(|x| !x.is_number()) {
        return Err(err(format!("{shown}: summary.score must be a number")));
    }
    let mut counts = BTreeMap::new();
    for k in ["pass", "fail", "warn", "unknown", "skipped", "absent"] {
        counts.insert(
            k.to_string(),
            summary.get(k).and_then(Value::as_u64).unwrap_or(0),
        );
    }
    let mut items = BTreeMap::new();
    let mut infos = Vec::new();
    let list = v
        .get("items")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if list.len() > MAX_ITEMS {
        return Err(err(format!(
            "{shown}: {} items; a report of harden's checklist has at most {MAX_ITEMS}",
            list.len()
        )));
    }
    let mut sections = BTreeSet::new();
    for it in list {
        let (Some(iid), Some(status)) = (text(it, "id"), text(it, "status")) else {
            return Err(err(format!("{shown}: an item without id or status")));
        };
        let section = text(it, "section").unwrap_or_default();
        if !is_slug(&iid) || !(section.is_empty() || is_slug(&section)) {
            return Err(err(format!(
                "{shown}: item {:?} (section {:?}) is not a checklist id",
                iid.chars().take(60).collect::<String>(),
                section.chars().take(60).collect::<String>()
            )));
        }
        if !STATUS_WORDS.contains(&status.as_str()) {
            return Err(err(format!(
                "{shown}: item {iid} has status {:?}; a report says one of {}",
                status.chars().take(20).collect::<String>(),
                STATUS_WORDS.join(", ")
            )));
        }
        sections.insert(section.clone());
        if sections.len() > MAX_SECTIONS {
            return Err(err(format!("{shown}: more than {MAX_SECTIONS} sections")));
        }
        let severity = text(it, "severity")
            .filter(|x| is_slug(x) && x.len() <= 20)
            .unwrap_or_else(|| "important".into());
        infos.push(ItemInfo {
            id: iid.clone(),
            section,
            title: text(it, "title").unwrap_or_default(),
            severity: severity.clone(),
        });
        items.insert(
            iid,
            HostItem {
                status,
                severity,
                operator: text(it, "operator").map(|o| o.chars().take(20).collect()),
            },
        );
    }
    let fingerprints = match v.get("fingerprints") {
        None | Some(Value::Null) => None,
        Some(f) => {
            let f: crate::detect::fingerprint::Fingerprints = serde_json::from_value(f.clone())
                .map_err(|e| err(format!("{shown}: fingerprints unreadable: {e}")))?;
            let hex = |x: &str| x.len() == 32 && x.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex(&f.key_id)
                || f.secrets
                    .iter()
                    .any(|(k, v)| !hex(v) || k.len() > 200 || k.chars().any(char::is_control))
                || f.kinds
                    .values()
                    .any(|k| !["redis", "database", "broker"].contains(&k.as_str()))
            {
                return Err(err(format!(
                    "{shown}: fingerprints that are not 128-bit hex under printable names"
                )));
            }
            Some(f)
        }
    };
    let tool = v.get("tool").cloned().unwrap_or(Value::Null);
    let h = Host {
        name,
        role: text(&host, "role").filter(|r| !r.is_empty()),
        file: path.to_path_buf(),
        generated: text(&v, "generated").unwrap_or_default(),
        version: text(&tool, "version").unwrap_or_default(),
        checklist_sha256: sha,
        project: text(&v, "project").unwrap_or_default(),
        score: summary.get("score").and_then(Value::as_f64).unwrap_or(0.0),
        grade: text(&summary, "grade").unwrap_or_default(),
        counts,
        items,
        fingerprints,
        review: None,
    };
    Ok(Some((id, h, infos)))
}

/// The state file fetched beside a report (`state.toml` in its folder),
/// when there is one.
///
/// # Errors
/// A state file that is there and cannot be read.
pub fn read_review(
    report: &Path,
    checklist_id: &str,
    host: &Host,
    notices: &mut Vec<String>,
) -> Result<Option<(PathBuf, Review)>, FleetError> {
    let path = fsio::parent(report).join("state.toml");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let state =
        crate::state::store::load(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let Some(s) = state else { return Ok(None) };
    if s.checklist.id != checklist_id {
        notices.push(format!(
            "{}: a review of checklist {:?}, not {checklist_id:?}; not shown for {}",
            path.display(),
            clean_text(&s.checklist.id),
            host.name
        ));
        return Ok(Some((path, Review::default())));
    }
    // Only the items this host's report has: an id the checklist lacks is
    // no answer.
    let operator: BTreeMap<String, String> = s
        .items
        .iter()
        .filter(|(id, r)| {
            r.status != crate::state::OperatorStatus::Open && host.items.contains_key(*id)
        })
        .map(|(id, r)| (id.clone(), r.status.as_str().to_string()))
        .collect();
    // A sign-off counts for the checklist version the host runs.
    let signed_off = s.signoffs.last().map(|so| {
        if so.checklist_sha256 == host.checklist_sha256 {
            clean_text(&format!(
                "reviewed by {} on {}, approved by {} on {}",
                so.reviewed_by, so.reviewed_date, so.approved_by, so.approved_date
            ))
        } else {
            "signed off for another checklist version".to_string()
        }
    });
    Ok(Some((
        path,
        Review {
            answered: operator.len(),
            items: s.items.len(),
            signed_off,
            operator,
        },
    )))
}

/// Reads every report (and the state beside it) and judges the fleet.
///
/// # Errors
/// Any report refused, two checklists, or one host named twice.
pub fn load(paths: &[PathBuf], since: Option<&Path>) -> Result<Fleet, FleetError> {
    let mut notices = Vec::new();
    let (checklist_id, mut hosts, items) = read_all(paths, &mut notices)?;
    let mut inputs: Vec<PathBuf> = hosts.iter().map(|h| h.file.clone()).collect();
    for h in &mut hosts {
        if let Some((path, r)) = read_review(&h.file, &checklist_id, h, &mut notices)? {
            inputs.push(path);
            h.review = Some(r);
        }
    }
    let mut fleet = judge(checklist_id, hosts, items);
    fleet.inputs = inputs;
    fleet.notices = notices;
    if let Some(dir) = since {
        let (old_id, old, _) = read_all(&[dir.to_path_buf()], &mut fleet.notices)?;
        fleet.inputs.extend(old.iter().map(|h| h.file.clone()));
        if old_id != fleet.checklist_id {
            return Err(err(format!(
                "--since {}: checklist {old_id:?}, and this run's is {:?}",
                dir.display(),
                fleet.checklist_id
            )));
        }
        regressions(&mut fleet, &old);
        fleet.since = Some(dir.to_path_buf());
    }
    Ok(fleet)
}

fn read_all(
    paths: &[PathBuf],
    notices: &mut Vec<String>,
) -> Result<(String, Vec<Host>, Vec<ItemInfo>), FleetError> {
    let files = report_files_noting(paths, notices)?;
    let mut id: Option<(String, PathBuf)> = None;
    let mut hosts: Vec<Host> = Vec::new();
    let mut items: Vec<ItemInfo> = Vec::new();
    let mut seen_items: BTreeSet<String> = BTreeSet::new();
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for f in files {
        let Some((cid, h, infos)) = read_report(&f)? else {
            notices.push(format!(
                "{} passed over: a fleet report, not a host's",
                f.display()
            ));
            continue;
        };
        match &id {
            Some((first, file)) if *first != cid => {
                return Err(err(format!(
                    "{} is a report of checklist {cid:?}, and {} of {first:?}: a fleet is judged against one checklist",
                    f.display(),
                    file.display()
                )));
            }
            None => id = Some((cid, f.clone())),
            _ => {}
        }
        // The role fetches each host's report into a folder named for the
        // inventory host: a report that names another host says so.
        let folder = fsio::parent(&f);
        if !paths.iter().any(|p| p == folder)
            && folder
                .file_name()
                .is_some_and(|n| n.to_string_lossy() != h.name)
        {
            notices.push(format!(
                "{} names host {:?}, not its folder's {:?}",
                f.display(),
                h.name,
                folder.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
        if let Some(other) = by_name.insert(h.name.clone(), f.clone()) {
            return Err(err(format!(
                "host {:?} has two reports: {} and {}; keep one per host",
                h.name,
                other.display(),
                f.display()
            )));
        }
        for i in infos {
            if seen_items.insert(i.id.clone()) {
                items.push(i);
            }
        }
        hosts.push(h);
    }
    hosts.sort_by(|a, b| a.name.cmp(&b.name));
    let Some((id, _)) = id else {
        return Err(err(
            "no host report among the files given (only fleet reports)",
        ));
    };
    Ok((id, hosts, items))
}

/// The kind of secret a name holds: one value under two kinds is reuse.
pub fn secret_kind(name: &str) -> String {
    let n = name.to_ascii_uppercase();
    let base = n.split('#').next().unwrap_or(&n);
    if base.contains("REDIS") {
        "redis".into()
    } else if ["DATABASE", "POSTGRES", "PG", "DB_", "MYSQL"]
        .iter()
        .any(|w| base.contains(w))
    {
        "database".into()
    } else if ["SECRET_KEY", "JWT", "SESSION", "SIGNING", "CSRF"]
        .iter()
        .any(|w| base.contains(w))
    {
        "signing".into()
    } else {
        base.to_string()
    }
}

/// Judges hosts read from reports: drift of items and of secrets.
pub fn judge(checklist_id: String, hosts: Vec<Host>, items: Vec<ItemInfo>) -> Fleet {
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut left_out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut drift = Vec::new();
    for i in &items {
        let mut statuses = BTreeSet::new();
        // The checklist versions that have this item.
        let versions: BTreeSet<&str> = hosts
            .iter()
            .filter(|h| h.items.contains_key(&i.id))
            .map(|h| h.checklist_sha256.as_str())
            .collect();
        for h in &hosts {
            match h.items.get(&i.id) {
                Some(x) => {
                    statuses.insert(x.status.as_str());
                }
                None if versions.contains(h.checklist_sha256.as_str()) => {
                    left_out
                        .entry(i.id.clone())
                        .or_default()
                        .push(h.name.clone());
                }
                None => missing
                    .entry(i.id.clone())
                    .or_default()
                    .push(h.name.clone()),
            }
        }
        if statuses.len() > 1 {
            drift.push(i.id.clone());
        }
    }
    let drift_set: BTreeSet<String> = drift.iter().cloned().collect();
    let (secret_drift, secrets_not_judged) = secrets(&hosts);
    Fleet {
        checklist_id,
        hosts,
        items,
        missing,
        left_out,
        drift,
        drift_set,
        secret_drift,
        secrets_not_judged,
        regressions: Vec::new(),
        gone: Vec::new(),
        new_hosts: Vec::new(),
        since: None,
        inputs: Vec::new(),
        notices: Vec::new(),
    }
}

fn secrets(hosts: &[Host]) -> (Vec<SecretDrift>, Vec<SecretsNotJudged>) {
    let mut not = Vec::new();
    let without: Vec<String> = hosts
        .iter()
        .filter(|h| h.fingerprints.is_none())
        .map(|h| h.name.clone())
        .collect();
    if !without.is_empty() {
        not.push(SecretsNotJudged::NoKey(without));
    }
    let mut by_key: BTreeMap<&str, Vec<&Host>> = BTreeMap::new();
    for h in hosts {
        if let Some(f) = &h.fingerprints {
            by_key.entry(f.key_id.as_str()).or_default().push(h);
        }
    }
    if by_key.len() > 1 {
        not.push(SecretsNotJudged::KeysDiffer(
            by_key
                .values()
                .map(|hs| hs.iter().map(|h| h.name.clone()).collect())
                .collect(),
        ));
        return (Vec::new(), not);
    }
    let Some(keyed) = by_key.into_values().next() else {
        return (Vec::new(), not);
    };
    let mut drift = Vec::new();
    // Shared within a role: every host of one role holds one value per name.
    let mut roles: BTreeMap<Option<String>, Vec<&Host>> = BTreeMap::new();
    for h in &keyed {
        roles.entry(h.role.clone()).or_default().push(h);
    }
    for (role, hs) in &roles {
        let names: BTreeSet<&String> = hs
            .iter()
            .flat_map(|h| {
                h.fingerprints
                    .as_ref()
                    .map(|f| f.secrets.keys())
                    .into_iter()
                    .flatten()
            })
            .collect();
        for name in names {
            let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for h in hs {
                if let Some(fp) = h.fingerprints.as_ref().and_then(|f| f.secrets.get(name)) {
                    groups.entry(fp.as_str()).or_default().push(h.name.clone());
                }
            }
            let absent: Vec<String> = hs
                .iter()
                .filter(|h| {
                    h.fingerprints
                        .as_ref()
                        .is_some_and(|f| !f.secrets.contains_key(name))
                })
                .map(|h| h.name.clone())
                .collect();
            if groups.len() > 1 || !absent.is_empty() {
                let mut g: Vec<Vec<String>> = groups.into_values().collect();
                // The largest group first: the odd ones out follow.
                g.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                drift.push(SecretDrift::Differs {
                    role: role.clone(),
                    name: name.clone(),
                    groups: g,
                    absent,
                });
            }
        }
    }
    // Reuse: one value under names of different kinds, anywhere.
    let mut by_value: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for h in &keyed {
        for (name, fp) in &h.fingerprints.as_ref().expect("keyed").secrets {
            by_value
                .entry(fp.as_str())
                .or_default()
                .entry(name.as_str())
                .or_default()
                .push(h.name.clone());
        }
    }
    // A URL's purpose by its scheme, as the hosts read it; else the name.
    let mut by_scheme: BTreeMap<&str, &str> = BTreeMap::new();
    for h in &keyed {
        for (n, k) in &h.fingerprints.as_ref().expect("keyed").kinds {
            by_scheme.insert(n.as_str(), k.as_str());
        }
    }
    for uses in by_value.into_values() {
        let kinds: BTreeSet<String> = uses
            .keys()
            .map(|n| {
                by_scheme
                    .get(n)
                    .map_or_else(|| secret_kind(n), |k| (*k).to_string())
            })
            .collect();
        if kinds.len() > 1 {
            drift.push(SecretDrift::Reused {
                uses: uses
                    .into_iter()
                    .map(|(n, hs)| (n.to_string(), hs))
                    .collect(),
            });
        }
    }
    (drift, not)
}

fn regressions(fleet: &mut Fleet, old: &[Host]) {
    let old: BTreeMap<&str, &Host> = old.iter().map(|h| (h.name.as_str(), h)).collect();
    for h in &fleet.hosts {
        let Some(o) = old.get(h.name.as_str()) else {
            fleet.new_hosts.push(h.name.clone());
            continue;
        };
        for (id, now) in &h.items {
            if let Some(was) = o.items.get(id)
                && was.status == "pass"
                && matches!(now.status.as_str(), "fail" | "warn")
            {
                fleet.regressions.push(Regression {
                    host: h.name.clone(),
                    item: id.clone(),
                    was: was.status.clone(),
                    now: now.status.clone(),
                });
            }
        }
    }
    let now: BTreeSet<&str> = fleet.hosts.iter().map(|h| h.name.as_str()).collect();
    fleet.gone = old
        .keys()
        .filter(|n| !now.contains(**n))
        .map(|n| (*n).to_string())
        .collect();
}

impl Fleet {
    /// The fleet's score: the mean of its hosts' scores.
    pub fn score(&self) -> f64 {
        if self.hosts.is_empty() {
            return 0.0;
        }
        self.hosts.iter().map(|h| h.score).sum::<f64>() / self.hosts.len() as f64
    }

    /// The host with the lowest score (the most failures on a tie).
    pub fn worst(&self) -> Option<&Host> {
        self.hosts.iter().min_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then(b.counts["fail"].cmp(&a.counts["fail"]))
                .then(a.name.cmp(&b.name))
        })
    }

    /// The hosts per status of one item, in status order.
    pub fn by_status(&self, id: &str) -> BTreeMap<&str, Vec<&str>> {
        let mut m: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for h in &self.hosts {
            if let Some(x) = h.items.get(id) {
                m.entry(x.status.as_str())
                    .or_default()
                    .push(h.name.as_str());
            }
        }
        m
    }

    /// Whether a host fails an item at the threshold (`critical`,
    /// `important` or `any`, as `check --fail-on`).
    pub fn fails_at(item: &HostItem, threshold: &str) -> bool {
        item.status == "fail"
            && match threshold {
                "critical" => item.severity == "critical",
                "important" => matches!(item.severity.as_str(), "critical" | "important"),
                _ => true,
            }
    }

    /// The exit code `check` would give the fleet: 1 when a host fails at
    /// the threshold, a secret drifted or an item regressed; else 3 when
    /// something could not be judged; else 0.
    pub fn exit(&self, threshold: &str) -> crate::util::exit::Exit {
        use crate::util::exit::Exit;
        let failing = self
            .hosts
            .iter()
            .any(|h| h.items.values().any(|i| Self::fails_at(i, threshold)));
        if failing || !self.secret_drift.is_empty() || !self.regressions.is_empty() {
            Exit::Failing
        } else if !self.secrets_not_judged.is_empty()
            || !self.left_out.is_empty()
            || self
                .hosts
                .iter()
                .any(|h| h.items.values().any(|i| i.status == "unknown"))
        {
            Exit::Unknown
        } else {
            Exit::Ok
        }
    }
}
