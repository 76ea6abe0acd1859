//! The env file detector: every setting the checklist names, judged from
//! the file as written by the rows of [`rules::RULES`], then checked
//! against the code (a key that nothing reads is a `warn`, whatever its
//! value). Secrets appear only as [`secrets::describe`] masks and
//! fingerprints.
//!
//! Plain rules (a number in bands, a boolean that must be true, a parent
//! of grouped settings) are table rows; values with a shape of their own
//! have their judge in a file of this folder: [`secret`], [`url`],
//! [`cors`], [`formats`], [`aws`] and [`verify`].

pub mod aws;
pub mod cors;
pub mod effective;
pub mod formats;
mod named;
pub mod rules;
pub mod secret;
pub mod url;
pub mod verify;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::code::{self, CodeIndex};
use super::envfile::{self, EnvFile};
use super::secrets;
use super::{Detector, Finding, Inputs, Outcome, Report};
use rules::{Holds, Kind, RULES, Rule};

/// The item the env file's permissions fill (judged from the file, not a
/// setting).
const KEY_STORAGE: &str = "external.key_storage";

/// Items this detector fills: every item of [`RULES`], and the file's
/// permissions.
pub fn items() -> &'static [&'static str] {
    static ITEMS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        RULES
            .iter()
            .flat_map(|r| r.items.iter().copied())
            .chain([KEY_STORAGE])
            .collect()
    });
    &ITEMS
}

/// The checklist keys a `[settings]` table may name: every rule's setting.
pub fn concepts() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = RULES.iter().filter_map(|r| r.setting).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Keys whose values are secrets wherever they appear.
pub fn is_secret_key(key: &str) -> bool {
    // The masking path's rule (one list of what names a secret), plus the
    // database URL, whose password makes a placeholder there matter.
    crate::util::redact::is_secret_key(key)
        || (key
            .get(key.len().saturating_sub(4)..)
            .is_some_and(|t| t.eq_ignore_ascii_case("_URL"))
            && key.to_ascii_uppercase().contains("DATABASE"))
}

/// The configuration the application runs with, under the checklist's
/// keys, and how each key was tied to the project's settings.
struct View {
    settings: super::python::settings::Settings,
    uses: Vec<super::python::concepts::Use>,
    /// Concepts `.harden/config.toml` says the project lacks.
    none: Vec<named::NamedNone>,
    /// The env file, `${VAR}` expanded.
    file: EnvFile,
    effective: EnvFile,
    resolved: Vec<effective::Resolved>,
}

fn view(inputs: &Inputs, file: EnvFile, shown: &str, sources: &super::python::Sources) -> View {
    view_in(inputs, file, shown, &super::python::Index::new(sources))
}

fn view_in(inputs: &Inputs, file: EnvFile, shown: &str, index: &super::python::Index) -> View {
    let mut settings = super::python::settings::discover_in(index);
    let mut uses = super::python::concepts::find_in(index, &settings);
    let none = named::apply(&inputs.settings_map, &mut settings, &mut uses);
    let keys: Vec<&str> = RULES.iter().filter_map(|r| r.setting).collect();
    // `${VAR}` from earlier lines, as python-dotenv reads the file for the app.
    let file = file.interpolated();
    let (effective, resolved) = effective::resolve(&file, &settings, &uses, &keys, shown);
    // A secret read under a name that does not say so (APP_SIGNING, named
    // by the config or found by its use) reaches the masking path too,
    // before any rule can print it.
    for rule in RULES {
        let Some(v) = rule.setting.and_then(|k| effective.value(k)) else {
            continue;
        };
        // Published placeholders are not secrets (the checklist quotes
        // them); envfile::read leaves them out the same way.
        if secrets::placeholder_reason(v.trim()).is_some() {
            continue;
        }
        match rule.holds {
            Holds::Secret => crate::util::redact::remember(v),
            Holds::UrlWithPassword => crate::util::redact::remember_setting("DATABASE_URL", v),
            Holds::Value => {}
        }
    }
    View {
        settings,
        uses,
        none,
        file,
        effective,
        resolved,
    }
}

/// The configuration the application runs with, keyed by the checklist's
/// names (`ALLOWED_HOSTS` holds whatever setting the code gives
/// `CORSMiddleware`), for the code rules; `None` without an env file.
pub fn effective(inputs: &Inputs, index: &super::python::Index) -> Option<EnvFile> {
    let shown = inputs.show(&inputs.env_file);
    let file = envfile::read(&inputs.env_file).ok()?;
    Some(view_in(inputs, file, &shown, index).effective)
}

/// One concept of the mapping view: which of the project's settings plays
/// it, how that was found, and where its value comes from. Never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRow {
    /// The checklist's key (`SECRET_KEY`).
    pub key: String,
    /// The name the application reads it under; empty when none.
    pub setting: String,
    /// How the setting was tied to the concept.
    pub how: String,
    /// Where its value comes from.
    pub value: String,
    /// The line of `.harden/config.toml` that names it, if one does.
    pub config_line: Option<usize>,
}

/// The mapping of every concept to the project's settings, as `check`
/// judges it (the config's corrections applied).
pub fn mapping(inputs: &Inputs) -> Vec<MapRow> {
    let shown = inputs.show(&inputs.env_file);
    let file = envfile::read(&inputs.env_file).unwrap_or_default();
    let v = view(
        inputs,
        file,
        &shown,
        &super::python::Sources::load(&inputs.project),
    );
    concepts()
        .into_iter()
        .map(|key| {
            let config_line = inputs.settings_map.get(key).map(|n| n.line);
            if let Some(n) = v.none.iter().find(|n| n.key == key) {
                return MapRow {
                    key: key.into(),
                    setting: String::new(),
                    how: format!("none: {}:{}", crate::detect::config::FILE, n.line),
                    value: String::new(),
                    config_line,
                };
            }
            if let Some(r) = v.resolved.iter().find(|r| r.key == key) {
                let decl = format!("{}:{}", r.file.display(), r.line);
                let how = match (&r.why, &r.source) {
                    (Some(w), _) => w.clone(),
                    (None, effective::Source::Assembled { .. }) => format!("built at {decl}"),
                    (None, _) => format!("declared at {decl}"),
                };
                let value = match &r.source {
                    effective::Source::EnvFile { line, .. } => format!("set at {shown}:{line}"),
                    effective::Source::CodeDefault { .. } => format!("code default ({decl})"),
                    effective::Source::Required
                        if r.file == std::path::Path::new(crate::detect::config::FILE) =>
                    {
                        "not set".into()
                    }
                    effective::Source::Required => "not set (required)".into(),
                    effective::Source::Assembled { parts } => format!(
                        "parts: {}",
                        parts
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let value = if r.used {
                    value
                } else {
                    format!("{value}; unused")
                };
                return MapRow {
                    key: key.into(),
                    setting: r.name().to_string(),
                    how,
                    value,
                    config_line,
                };
            }
            let declared = v.settings.settings.iter().find(|s| s.reads(key));
            let entry = v.file.get(key);
            MapRow {
                key: key.into(),
                setting: if declared.is_some() || entry.is_some() {
                    key.to_string()
                } else {
                    String::new()
                },
                how: match declared {
                    Some(s) => format!("its own name ({})", s.at()),
                    None if entry.is_some() => "its own name (env file only)".into(),
                    None => "no setting found".into(),
                },
                value: entry.map_or("not set".into(), |e| format!("set at {shown}:{}", e.line)),
                config_line,
            }
        })
        .collect()
}

/// What a probe may dial for a connection setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeTarget {
    /// The URL the application runs with, its host from the env file;
    /// `name` is the setting's name there.
    Url { name: String, url: String },
    /// Only a code default names the host: never dialled (the operator
    /// did not give it, and production may not use it).
    CodeDefault { name: String, at: String },
    /// `.harden/config.toml` says the project has no such setting.
    NamedNone { line: usize },
    /// Nothing sets it.
    Missing,
}

/// The targets of the Redis and PostgreSQL probes (`REDIS_URL`,
/// `DATABASE_URL`), read as the application reads them: under its own
/// names, prefixes and aliases, or assembled from its parts. A host that
/// only a code default names is never a target. One parse of the
/// project's Python serves every key asked.
pub fn probe_targets(inputs: &Inputs, keys: &[&str]) -> Vec<ProbeTarget> {
    let shown = inputs.show(&inputs.env_file);
    let Ok(file) = envfile::read(&inputs.env_file) else {
        return keys.iter().map(|_| ProbeTarget::Missing).collect();
    };
    let v = view(
        inputs,
        file,
        &shown,
        &super::python::Sources::load(&inputs.project),
    );
    keys.iter().map(|k| target_in(&v, k, &shown)).collect()
}

fn target_in(v: &View, key: &str, shown: &str) -> ProbeTarget {
    if let Some(n) = v.none.iter().find(|n| n.key == key) {
        return ProbeTarget::NamedNone { line: n.line };
    }
    let Some(entry) = v.effective.get(key) else {
        return ProbeTarget::Missing;
    };
    let r = v.resolved.iter().find(|r| r.key == key);
    let name = r.map_or(key.to_string(), |r| r.name().to_string());
    let from_code = match r.map(|r| &r.source) {
        Some(effective::Source::CodeDefault { .. }) => true,
        // Assembled: the host must come from the env file.
        Some(effective::Source::Assembled { parts }) => parts.iter().any(|(n, from)| {
            let n = n.to_ascii_uppercase();
            (n.contains("HOST") || n.contains("SERVER")) && !from.starts_with(shown)
        }),
        _ => entry.line == 0,
    };
    if from_code {
        let at = r.map_or(String::new(), |r| {
            format!("{}:{}", r.file.display(), r.line)
        });
        return ProbeTarget::CodeDefault { name, at };
    }
    ProbeTarget::Url {
        name,
        url: entry.value.trim().to_string(),
    }
}

/// Runs the detector.
pub fn detect(inputs: &Inputs) -> Report {
    let shown = inputs.show(&inputs.env_file);
    let file = match envfile::read(&inputs.env_file) {
        Ok(f) => f,
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "no env file at {shown}; pass --env-file FILE if the settings live elsewhere"
                )
            } else {
                format!("cannot read {shown}: {e}")
            };
            return Report::new(
                Detector::Env,
                items()
                    .iter()
                    .map(|id| Finding::new(id, Outcome::Unknown, why.clone()))
                    .collect(),
            );
        }
    };
    // The project's Python, read and parsed once for the code index and
    // the settings table.
    let sources = super::python::Sources::load(&inputs.project);
    let index = code::index(&sources);
    let View {
        settings,
        uses,
        none,
        file,
        effective,
        resolved,
    } = view(inputs, file, &shown, &sources);
    let keys: Vec<&str> = RULES.iter().filter_map(|r| r.setting).collect();
    // Keys whose setting the application uses: read, whatever their name.
    // An unused one is left to the code-reads check, which warns.
    let resolved_keys: Vec<&str> = resolved
        .iter()
        .filter(|r| r.used)
        .map(|r| r.key.as_str())
        .collect();
    // Keys the code reads into a setting that nothing then uses.
    let unread: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| {
            let readers: Vec<_> = settings.reading(k).collect();
            !readers.is_empty() && readers.iter().all(|s| s.used.is_empty())
        })
        .collect();
    let names = project_names(&inputs.project);
    let extras = extras(&settings, &inputs.project, &inputs.env_file);
    let known = Known {
        resolved: &resolved_keys,
        unread: &unread,
        names: &names,
        extras: extras.as_ref(),
    };
    let mut findings = judge_resolved(&effective, &shown, &index, &known);
    let items_of = |key: &str| -> Vec<&'static str> {
        RULES
            .iter()
            .filter(|r| r.setting == Some(key))
            .flat_map(|r| r.items.iter().copied())
            .collect()
    };
    effective::explain(&mut findings, &items_of, &resolved, &shown);
    // The checklist's name, set in the file but read under another one:
    // an extra key, which the model may refuse at start-up.
    if let Some(x) = &extras {
        for r in resolved.iter().filter(|r| r.unread_line.is_some()) {
            let items = items_of(&r.key);
            for f in findings
                .iter_mut()
                .filter(|f| items.contains(&f.item.as_str()))
            {
                if x.stops(&r.key) {
                    f.outcome = Outcome::Fail;
                    f.evidence.push_str(&format!(
                        "; {} with that line refuses to start: {} has no field for {} (Extra inputs are not permitted)",
                        x.assumed, x.model, r.key
                    ));
                } else {
                    f.evidence
                        .push_str(&format!("; {} ignores that line", x.assumed));
                }
            }
        }
    }
    mark_absent(&mut findings, &file, &settings, &index, &resolved_keys);
    named::mark_none(&mut findings, &none);
    // After: a project that signs tokens with its one key has a JWT key.
    effective::one_signing_key(&mut findings, &resolved, &uses, &settings);
    let mut report = Report::new(Detector::Env, findings);
    report.findings.extend(file_mode(&inputs.env_file, &shown));
    // The secrets the rows declare, fingerprinted so a later review sees
    // a rotation without storing the value.
    for rule in RULES {
        let (Some(key), Some(v)) = (rule.setting, rule.setting.and_then(|k| file.value(k))) else {
            continue;
        };
        match rule.holds {
            Holds::Value => {}
            Holds::Secret if !v.is_empty() => {
                report
                    .fingerprints
                    .insert(key.into(), secrets::fingerprint(v));
            }
            Holds::Secret => {}
            Holds::UrlWithPassword => {
                if let Some(p) = ::url::Url::parse(v)
                    .ok()
                    .and_then(|u| u.password().map(crate::util::redact::percent_decode))
                {
                    report
                        .fingerprints
                        .insert(format!("{key} password"), secrets::fingerprint(&p));
                }
            }
        }
    }
    report
}

/// Items of features the project does not have become [`Outcome::Absent`]:
/// the project declares its settings (at least one was found), yet no
/// code reads the rule's key or a setting playing its part, by the
/// settings table or by name, and the env file does not set it either. A
/// check that could not run stays `unknown`; a key set in the env file
/// that nothing reads keeps its warning.
fn mark_absent(
    findings: &mut [Finding],
    file: &EnvFile,
    settings: &super::python::settings::Settings,
    index: &CodeIndex,
    resolved: &[&str],
) {
    if settings.settings.is_empty() {
        return;
    }
    let declared: std::collections::BTreeSet<String> = settings
        .settings
        .iter()
        .map(|s| s.file.display().to_string())
        .collect();
    let whence = declared.into_iter().collect::<Vec<_>>().join(", ");
    for rule in RULES {
        let Some(key) = rule.setting else { continue };
        if matches!(rule.kind, Kind::Group { .. })
            || resolved.contains(&key)
            || file.get(key).is_some()
            || index.reads(key)
            || settings.reading(key).next().is_some()
            || settings
                .settings
                .iter()
                .any(|s| s.name.eq_ignore_ascii_case(key))
        {
            continue;
        }
        for f in findings
            .iter_mut()
            .filter(|f| rule.items.contains(&f.item.as_str()))
            // Unknown too: "not set" of a key nothing reads is no open question.
            .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Warn | Outcome::Unknown))
        {
            f.outcome = Outcome::Absent;
            f.evidence = format!(
                "no code reads {key} or a setting playing its part (the settings are declared in {whence}): this project does not have it; mark the item n/a if the platform has none"
            );
            f.remediation = String::new();
            f.location = None;
        }
    }
}

/// The names a project goes by: `[project].name` or `[tool.poetry].name`
/// of its pyproject.toml, and its folder's name (at least 3 characters).
pub fn project_names(project: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(t) = crate::util::fsio::read_input_text(
        &project.join("pyproject.toml"),
        crate::util::fsio::SMALL_CAP,
    ) && let Ok(v) = t.parse::<toml::Table>()
    {
        for name in [
            v.get("project").and_then(|p| p.get("name")),
            v.get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("name")),
        ]
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str())
        {
            out.push(name.to_string());
        }
    }
    if let Some(dir) = std::fs::canonicalize(project)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    {
        out.push(dir);
    }
    out.retain(|n| n.chars().count() >= 3);
    out.dedup();
    out
}

/// Judges a parsed env file. `shown` names it in evidence.
pub fn judge(file: &EnvFile, shown: &str, index: &CodeIndex) -> Vec<Finding> {
    judge_resolved(file, shown, index, &Known::default())
}

/// What the project tells the rules beyond the env file.
#[derive(Debug, Default)]
pub struct Known<'a> {
    /// Keys mapped to settings the application uses.
    pub resolved: &'a [&'a str],
    /// Keys read into settings nothing uses.
    pub unread: &'a [&'a str],
    /// The project's names (pyproject's, the folder's): a password equal
    /// to one is as good as a default.
    pub names: &'a [String],
    /// How the settings model treats an env-file key no field reads.
    pub extras: Option<&'a Extras>,
}

/// How a pydantic-settings model that reads the env file itself treats a
/// key of it that no field reads. `extra` defaults to `forbid`, where such
/// a key stops the application at start-up ("Extra inputs are not
/// permitted"); with `ignore` or `allow` it has no effect. Before
/// pydantic-settings 2.2.0, a model with an `env_prefix` skipped dotenv
/// keys without the prefix; from 2.2.0 they count as extras too.
#[derive(Debug, Clone)]
pub struct Extras {
    /// `forbid`, as written or by default.
    pub forbid: bool,
    pub prefix: String,
    /// Whether unprefixed keys count (2.2.0 or later, or assumed so).
    pub unprefixed_count: bool,
    /// The model, its `file:line`, and the behaviour assumed, in words.
    pub model: String,
    pub assumed: String,
}

impl Extras {
    /// Whether `key`, set in the env file and read by no field, stops the
    /// application.
    pub fn stops(&self, key: &str) -> bool {
        self.forbid
            && (self.prefix.is_empty()
                || self.unprefixed_count
                || key
                    .get(..self.prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(&self.prefix)))
    }
}

/// The [`Extras`] of the first model whose `env_file` is the judged file,
/// by the pydantic-settings version the project pins or locks.
fn extras(
    settings: &super::python::settings::Settings,
    project: &std::path::Path,
    env_file: &std::path::Path,
) -> Option<Extras> {
    let name = env_file.file_name()?.to_string_lossy().into_owned();
    let m = settings.models.iter().find(|m| {
        m.env_file
            .iter()
            .any(|f| f.rsplit('/').next() == Some(name.as_str()))
    })?;
    let version = super::deps::locked_version(project, "pydantic-settings");
    let minor = version.as_ref().and_then(|(v, _)| {
        let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
        Some((it.next()??, it.next()??))
    });
    let extra = m.extra.clone().unwrap_or_else(|| "forbid".into());
    let (unprefixed_count, assumed) = match (&version, minor) {
        (Some((v, from)), Some((major, minor))) => (
            (major, minor) >= (2, 2),
            format!("pydantic-settings {v} ({from})"),
        ),
        _ => (
            true,
            "pydantic-settings as of 2.2 or later (no pinned or locked version found)".into(),
        ),
    };
    let written = if m.extra.is_some() {
        format!("extra='{extra}'")
    } else {
        "extra='forbid' (its default)".into()
    };
    Some(Extras {
        forbid: extra == "forbid",
        prefix: m.env_prefix.clone(),
        unprefixed_count,
        model: format!("{} ({}:{})", m.class, m.file.display(), m.line),
        assumed: format!("{assumed} with {written}"),
    })
}

/// As [`judge`], for an effective file and what the settings table and
/// the project say (see [`Known`]).
pub fn judge_resolved(
    file: &EnvFile,
    shown: &str,
    index: &CodeIndex,
    known: &Known,
) -> Vec<Finding> {
    let (resolved, unread) = (known.resolved, known.unread);
    let j = Judge {
        file,
        shown,
        index,
        names: known.names,
    };
    let mut out: Vec<Finding> = Vec::new();
    for rule in RULES {
        if let Some(why) = j.gated_off(rule) {
            out.extend(
                rule.items
                    .iter()
                    .map(|id| Finding::new(id, Outcome::Skipped, why.clone())),
            );
            continue;
        }
        let found = match &rule.kind {
            Kind::Number {
                unit,
                bands,
                default,
            } => rules::number(&j, rule, unit, bands, *default),
            Kind::MustBeTrue { unset, why } => rules::must_be_true(&j, rule, *unset, why),
            Kind::Judged(judge) => judge(&j, rule),
            Kind::Group { what, adjust } => {
                let mut f = aggregate(rule.items[0], what, &children(rule, &out));
                if let Some(adjust) = adjust {
                    adjust(&j, &mut f);
                }
                vec![f]
            }
        };
        out.extend(found);
    }
    apply_code_reads(&mut out, file, index, resolved, unread, known.extras);
    refresh_aggregates(&mut out);
    out
}

/// What a rule reads: the env file, how it is shown in evidence, and the
/// project's code.
pub struct Judge<'a> {
    pub file: &'a EnvFile,
    pub shown: &'a str,
    pub index: &'a CodeIndex,
    /// The project's names (see [`Known::names`]).
    pub names: &'a [String],
}

impl Judge<'_> {
    /// A finding located at the key's line.
    pub fn at(
        &self,
        key: &str,
        item: &str,
        outcome: Outcome,
        evidence: impl Into<String>,
    ) -> Finding {
        let f = Finding::new(item, outcome, evidence);
        match self.file.get(key) {
            Some(e) => f.at(self.shown, e.line),
            None => f,
        }
    }

    /// A one-item rule's finding on its setting's line.
    pub fn on(&self, r: &Rule, outcome: Outcome, evidence: impl Into<String>) -> Finding {
        self.at(r.key(), r.items[0], outcome, evidence)
    }

    /// A one-item rule: `unset` (with `fix`) when its setting is absent,
    /// else what `judge` says of the value.
    pub fn value_of(
        &self,
        r: &Rule,
        unset: Outcome,
        fix: &str,
        judge: impl FnOnce(&str) -> Finding,
    ) -> Vec<Finding> {
        vec![match self.file.value(r.key()) {
            None => self.missing(r.key(), r.items[0], unset, fix),
            Some(v) => judge(v),
        }]
    }

    /// The finding for a key the file does not set.
    pub fn missing(&self, key: &str, item: &str, outcome: Outcome, fix: &str) -> Finding {
        Finding::new(item, outcome, format!("{key} is not set in {}", self.shown)).fix(fix)
    }

    /// Why a gated rule is skipped: none of its gate's settings is set.
    fn gated_off(&self, rule: &Rule) -> Option<String> {
        let gate = rule.gate?;
        let set = RULES
            .iter()
            .filter(|r| r.gate.is_some_and(|g| g.settings == gate.settings))
            .filter_map(|r| r.setting)
            // Set by the operator: a code default does not configure a feature.
            .any(|k| self.file.get(k).is_some_and(|e| e.line > 0));
        (!set).then(|| {
            format!(
                "no {} setting in {}: {} is not configured",
                gate.settings, self.shown, gate.feature
            )
        })
    }
}

/// The findings of the rows grouped under a parent row.
fn children(parent: &Rule, out: &[Finding]) -> Vec<Finding> {
    let ids: Vec<&str> = RULES
        .iter()
        .filter(|r| r.parent == Some(parent.items[0]))
        .flat_map(|r| r.items.iter().copied())
        .collect();
    out.iter()
        .filter(|f| ids.contains(&f.item.as_str()))
        .cloned()
        .collect()
}

/// A parent is never better than its children once the code-read check
/// has had its say.
fn refresh_aggregates(out: &mut [Finding]) {
    for rule in RULES {
        let Kind::Group { what, .. } = &rule.kind else {
            continue;
        };
        let fresh = aggregate(rule.items[0], what, &children(rule, out));
        if let Some(p) = out.iter_mut().find(|f| f.item == rule.items[0])
            && p.outcome != Outcome::Skipped
            && fresh.outcome.verdict().regressed_from(p.outcome.verdict())
        {
            p.outcome = fresh.outcome;
            p.evidence = fresh.evidence;
        }
    }
}

/// A key that is set but that no code reads turns a pass into a warn.
fn apply_code_reads(
    out: &mut [Finding],
    file: &EnvFile,
    index: &CodeIndex,
    resolved: &[&str],
    unread: &[&str],
    extras: Option<&Extras>,
) {
    if index.files == 0 {
        return;
    }
    let key_of: BTreeMap<&str, &str> = RULES
        .iter()
        .filter(|r| !matches!(r.kind, Kind::Group { .. }))
        .filter_map(|r| r.setting.map(|k| (r, k)))
        .flat_map(|(r, k)| r.items.iter().map(move |id| (*id, k)))
        .collect();
    for f in out.iter_mut() {
        let Some(key) = key_of.get(f.item.as_str()) else {
            continue;
        };
        // The settings table decides when it knows (a constant assigned
        // from os.getenv and never used again reads nothing); the name
        // index otherwise.
        let known_unread = unread.contains(key);
        if file.get(key).is_none() || resolved.contains(key) || (index.reads(key) && !known_unread)
        {
            continue;
        }
        // A field that reads it (unused) is no extra: pydantic takes it.
        if let Some(x) = extras.filter(|x| !known_unread && x.stops(key)) {
            // The line itself is the problem: the application refuses it.
            f.outcome = Outcome::Fail;
            f.evidence = format!(
                "set, but no field of {} reads {key}, and {} refuses to start on a key of the env file that no field reads (Extra inputs are not permitted). {}",
                x.model, x.assumed, f.evidence
            );
            f.remediation = format!(
                "Remove {key} from the env file, add the field the checklist expects, or set extra='ignore' in the model's config."
            );
        } else if matches!(f.outcome, Outcome::Pass | Outcome::Warn) {
            // Said only of a key no field reads: one read into an unused
            // field is taken by pydantic and then left alone.
            let behaviour = match extras {
                Some(x) if !known_unread => format!(" ({} ignores it)", x.assumed),
                _ => String::new(),
            };
            f.outcome = Outcome::Warn;
            f.evidence = format!(
                "set, but nothing in the code reads {key}: setting it has no effect{behaviour} ({} Python files searched). {}",
                index.files, f.evidence
            );
            f.remediation = format!(
                "Make the application read {key} (os.getenv or a settings field that is used), or remove it."
            );
        }
    }
}

/// The parent item of a group of settings: the worst of its children.
fn aggregate(id: &str, what: &str, parts: &[Finding]) -> Finding {
    let worst = Outcome::worst_of(
        parts
            .iter()
            .map(|p| p.outcome)
            .filter(|o| matches!(o, Outcome::Pass | Outcome::Warn | Outcome::Fail)),
    )
    .unwrap_or(Outcome::Unknown);
    let failing: Vec<&str> = parts
        .iter()
        .filter(|p| p.outcome != Outcome::Pass)
        .map(|p| p.item.as_str())
        .collect();
    let evidence = if failing.is_empty() {
        format!("{what}: all {} pass", parts.len())
    } else {
        format!(
            "{what}: {} of {} need attention ({})",
            failing.len(),
            parts.len(),
            failing.join(", ")
        )
    };
    Finding::new(id, worst, evidence)
}

/// The env file's permission check: wider than 0640 leaks secrets.
fn file_mode(path: &std::path::Path, shown: &str) -> Option<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    let f = if mode & 0o137 != 0 {
        Finding::new(
            KEY_STORAGE,
            Outcome::Fail,
            format!("{shown} has mode {mode:04o}: readable or writable beyond its owner and group"),
        )
        .fix(format!("chmod 600 {shown} (or 640 with a dedicated group)"))
    } else {
        Finding::new(
            KEY_STORAGE,
            Outcome::Pass,
            format!("{shown} has mode {mode:04o}"),
        )
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn run(text: &str) -> BTreeMap<String, Finding> {
        let f = envfile::parse(text.as_bytes());
        judge(&f, ".env", &CodeIndex::default())
            .into_iter()
            .map(|f| (f.item.clone(), f))
            .collect()
    }

    #[test]
    fn every_item_is_judged_once_and_listed() {
        let found: Vec<String> = judge(
            &envfile::parse(b"SECRET_KEY=x\n"),
            ".env",
            &CodeIndex::default(),
        )
        .into_iter()
        .map(|f| f.item)
        .collect();
        let mut unique = found.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), found.len(), "an item judged twice");
        let listed: Vec<&str> = items()
            .iter()
            .copied()
            .filter(|i| *i != KEY_STORAGE)
            .collect();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        assert_eq!(listed_sorted, unique);
    }

    #[test]
    fn urls_are_masked_in_evidence() {
        let r = run(
            "DATABASE_URL=postgresql://app:S3cr3tPassw0rdXyZ@db/x?sslmode=require\nREDIS_URL=redis://:R3disPassw0rdQq@r:6379/0\n",
        );
        for f in r.values() {
            assert!(!f.evidence.contains("S3cr3t"), "{}", f.evidence);
            assert!(!f.evidence.contains("R3dis"), "{}", f.evidence);
        }
        assert!(r["database.url_tls"].evidence.contains("app:****@db"));
        assert_eq!(r["rate_limit.redis_url"].outcome, Outcome::Warn);
    }

    #[test]
    fn a_gate_skips_its_rows_and_their_parent() {
        let r = run("SECRET_KEY=x\n");
        for id in [
            "auth.twilio",
            "auth.twilio_auth_token",
            "backup.aws_credentials",
            "backup.role_arn",
        ] {
            assert_eq!(r[id].outcome, Outcome::Skipped, "{id}");
        }
        let r = run("TWILIO_PHONE_NUMBER=+15551234567\n");
        assert_eq!(r["auth.twilio_phone_number"].outcome, Outcome::Pass);
        assert_eq!(r["auth.twilio_account_sid"].outcome, Outcome::Fail);
        assert_eq!(r["auth.twilio"].outcome, Outcome::Fail);
    }
}
