//! `harden check`: every detector, no terminal, a report and an exit code
//! a pipeline can trust (0 pass, 1 fail, 2 input error, 3 could not check).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::checklist::{self, Checklist};
use crate::cli::{CheckArgs, Format, Inputs, resolve_env_file};
use crate::detect::{self, Report};
use crate::report::{self, evaluate, exit_code};
use crate::state::{Detection, State, store};
use crate::util::fsio;
use crate::util::redact::redact;

/// Runs `check`; returns the exit code.
pub fn run(inputs: &Inputs, args: &CheckArgs) -> ExitCode {
    match run_inner(inputs, args) {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("harden check: {}", redact(&msg));
            ExitCode::from(2)
        }
    }
}

/// The detector inputs for a project, as `check` and the wizard build them.
pub fn detector_inputs(inputs: &Inputs, env_file: &Path) -> detect::Inputs {
    let mut d = detect::Inputs::new(&inputs.project);
    d.env_file = env_file.to_path_buf();
    d.offline = inputs.offline;
    d.pip_audit_json = inputs.pip_audit_json.clone();
    d.deadline = Duration::from_secs(inputs.timeout.max(10));
    d.probe_deadline = Duration::from_secs(inputs.timeout.max(1));
    d.pip_audit_deadline = Duration::from_secs(inputs.pip_audit_timeout.max(1));
    d.urls = inputs.urls.clone();
    d.connect_to = inputs.connect_to.clone();
    d.ca_file = inputs.ca_file.clone();
    d
}

/// Findings of the reports for the items the checklist has, as stored detections.
pub fn detections(
    checklist: &Checklist,
    reports: &[Report],
    at: time::OffsetDateTime,
) -> BTreeMap<String, Detection> {
    reports
        .iter()
        .flat_map(|r| r.findings.iter())
        .filter(|f| checklist.item(&f.item).is_some())
        .map(|f| (f.item.clone(), Detection::of(f, at)))
        .collect()
}

fn run_inner(inputs: &Inputs, args: &CheckArgs) -> Result<u8, String> {
    let started = Instant::now();
    inputs.validate()?;
    let checklist = match &inputs.checklist {
        Some(p) => checklist::load_file(p),
        None => checklist::load_embedded(),
    }
    .map_err(|e| e.to_string())?;
    for o in &args.only {
        if !checklist.sections.iter().any(|s| &s.slug == o) {
            let slugs: Vec<&str> = checklist.sections.iter().map(|s| s.slug.as_str()).collect();
            return Err(format!(
                "--only {o}: no such section (sections: {})",
                slugs.join(", ")
            ));
        }
    }
    for id in &args.skip {
        if checklist.item(id).is_none() {
            return Err(format!("--skip {id}: no such item in the checklist"));
        }
    }
    let state_path = inputs.state_path();
    if let Some(w) = fsio::world_writable_warning(fsio::parent(&state_path)) {
        eprintln!("harden check: warning: {}", redact(&w));
    }
    let state: Option<State> =
        store::load(&state_path).map_err(|e| format!("{e}\n{}", e.hint()))?;
    let destinations = args.reports()?;
    let (env_file, notice) = resolve_env_file(
        &inputs.project,
        inputs.env_file.as_deref(),
        state.as_ref().and_then(|s| s.env_file.as_deref()),
    );
    fsio::check_input("the env file", &env_file, fsio::ENV_CAP)?;
    // The env file's secrets reach the masking path before anything else is
    // read or printed (a waiver reason holding one is refused).
    let _ = crate::detect::envfile::read(&env_file);
    let file_waivers = match &args.waivers {
        Some(w) => crate::report::waivers::load(w, &checklist)?,
        None => BTreeMap::new(),
    };
    if let Some(j) = &inputs.pip_audit_json {
        fsio::check_input("--pip-audit-json", j, fsio::STATE_CAP)?;
    }
    let own = own_inputs(inputs, &env_file, args.waivers.as_deref());
    let own: Vec<(&str, &Path)> = own.iter().map(|(w, p)| (*w, p.as_path())).collect();
    for p in destinations.iter().filter_map(|(_, o)| o.as_ref()) {
        fsio::sink(p)?;
        fsio::refuse_inputs(p, &own)?;
    }
    if let Some(n) = notice {
        eprintln!("harden check: {}", redact(&n));
    }
    let mut d = detector_inputs(inputs, &env_file);
    if let Some(s) = &state {
        d.urls.extend(s.urls.iter().cloned());
    }
    if args.list_probes {
        return Ok(list_probes(&d));
    }
    let d = Arc::new(d);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let reports = runtime.block_on(detect::run_all(d));
    let now = time::OffsetDateTime::now_utc();
    let found = detections(&checklist, &reports, now);
    let mut records = state.as_ref().map(|s| s.items.clone()).unwrap_or_default();
    records.extend(file_waivers);
    let records = &records;
    let mut results = evaluate(&checklist, records, &found, now.date());
    results.retain(|r| {
        (args.only.is_empty() || args.only.contains(&r.section.slug))
            && !args.skip.contains(&r.item.id)
    });
    for (format, out) in destinations {
        let body = match format {
            Format::Json => {
                let v = report::json::render(
                    &checklist,
                    &results,
                    &inputs.project.display().to_string(),
                    started.elapsed().as_millis(),
                );
                let mut s = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
                s.push('\n');
                s
            }
            Format::Sarif => {
                let mut s = serde_json::to_string_pretty(&report::sarif::render(&results))
                    .map_err(|e| e.to_string())?;
                s.push('\n');
                s
            }
            Format::Junit => report::junit::render(&results, started.elapsed().as_secs_f64()),
            Format::Text => report::text::render(&results, 120),
            Format::Markdown => {
                report::markdown::render(&results, &inputs.project.display().to_string())
            }
        };
        let body = with_connections(format, body, &crate::detect::probe::net::connections());
        write_report(out.as_deref(), &body)?;
    }
    Ok(exit_code(&results, args.fail_on))
}

/// Hands the project's env file secrets to the masking path, so that a
/// state note or waiver holding one (edited by hand, or from an older
/// harden) is masked in `report` and `diff` too.
pub(crate) fn prime_secrets(inputs: &Inputs, recorded: Option<&str>) {
    let (env, _) = resolve_env_file(&inputs.project, inputs.env_file.as_deref(), recorded);
    for f in std::iter::once(env).chain(inputs.env_candidates()) {
        if fsio::check_input("the env file", &f, fsio::ENV_CAP).is_ok() {
            let _ = crate::detect::envfile::read(&f);
        }
    }
}

/// `check --list-probes`: what would be dialled, nothing dialled.
fn list_probes(d: &detect::Inputs) -> u8 {
    let planned = crate::detect::probe::planned(d);
    let mut o = String::new();
    if d.offline {
        o.push_str("--offline: no probe would dial anything.\n");
    } else if planned.is_empty() {
        o.push_str("No probe would dial anything: no --url, and no REDIS_URL or DATABASE_URL in the env file.\n");
    } else {
        o.push_str("The probes would dial (nothing was dialled):\n");
        for c in &planned {
            o.push_str(&format!(
                "  {}:{} (dialled as {}) - {} - {}\n",
                c.host, c.port, c.dialled, c.purpose, c.transport
            ));
        }
    }
    if d.pip_audit_json.is_some() {
        o.push_str("pip-audit: not run; the report given with --pip-audit-json is read.\n");
    } else if !d.offline {
        o.push_str(&match crate::detect::pip_audit::plan(&d.project) {
            crate::detect::pip_audit::Plan::Venv(p) => format!(
                "pip-audit --path {} (it asks its vulnerability service, PyPI by default)\n",
                d.show(&p)
            ),
            crate::detect::pip_audit::Plan::Requirements(files) => files
                .iter()
                .map(|f| format!(
                    "pip-audit -r {} --no-deps --disable-pip (it asks its vulnerability service, PyPI by default)\n",
                    d.show(f)
                ))
                .collect(),
            crate::detect::pip_audit::Plan::NotSafe(why) => format!("pip-audit: not run: {why}\n"),
        });
    }
    let _ = std::io::stdout().write_all(redact(&o).as_bytes());
    0
}

/// Adds the connections harden made to a report, in its format.
fn with_connections(
    format: Format,
    body: String,
    conns: &[crate::detect::probe::net::Connection],
) -> String {
    let line = |c: &crate::detect::probe::net::Connection| {
        format!(
            "{}:{} (dialled {}): {}; {}",
            c.host, c.port, c.dialled, c.purpose, c.transport
        )
    };
    match format {
        Format::Json | Format::Sarif => {
            let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&body) else {
                return body;
            };
            let list = serde_json::to_value(conns).unwrap_or_default();
            if format == Format::Json {
                v["connections"] = list;
            } else if let Some(run) = v["runs"].get_mut(0) {
                run["properties"]["connections"] = list;
            }
            let mut s = serde_json::to_string_pretty(&v).unwrap_or(body);
            s.push('\n');
            s
        }
        Format::Text => {
            let mut s = body;
            if conns.is_empty() {
                s.push_str("\nConnections harden made: none.\n");
            } else {
                s.push_str("\nConnections harden made:\n");
                for c in conns {
                    s.push_str(&format!("  {}\n", line(c)));
                }
            }
            s
        }
        Format::Markdown => {
            let mut s = body;
            s.push_str("\n## Connections harden made\n\n");
            if conns.is_empty() {
                s.push_str("None.\n");
            } else {
                s.push_str(
                    "| host | port | dialled | purpose | transport |\n|---|---|---|---|---|\n",
                );
                for c in conns {
                    s.push_str(&format!(
                        "| {} | {} | {} | {} | {} |\n",
                        c.host,
                        c.port,
                        c.dialled,
                        c.purpose,
                        c.transport.replace('|', "\\|")
                    ));
                }
            }
            s
        }
        Format::Junit => {
            let mut props = String::from(
                "  <testsuite name=\"harden.connections\" tests=\"0\" failures=\"0\" skipped=\"0\">\n    <properties>\n",
            );
            for c in conns {
                props.push_str(&format!(
                    "      <property name=\"connection\" value=\"{}\"/>\n",
                    report::junit::escape(&line(c))
                ));
            }
            props.push_str("    </properties>\n  </testsuite>\n</testsuites>");
            body.replacen("</testsuites>", &props, 1)
        }
    }
}

/// harden's own inputs for this run, which no `--output` may name.
fn own_inputs(
    inputs: &Inputs,
    env_file: &Path,
    waivers: Option<&Path>,
) -> Vec<(&'static str, std::path::PathBuf)> {
    let state = inputs.state_path();
    let mut v = vec![
        ("the env file", env_file.to_path_buf()),
        ("an env file", inputs.project.join(".env")),
        ("an env file", inputs.project.join(".env.production")),
        ("the state file", state.clone()),
        ("the state's backup", store::backup_path(&state)),
        ("the state's lock", crate::state::lock::lock_path(&state)),
    ];
    if let Some(c) = &inputs.checklist {
        v.push(("the checklist", c.clone()));
    }
    if let Some(w) = waivers {
        v.push(("the waivers file", w.to_path_buf()));
    }
    if let Some(j) = &inputs.pip_audit_json {
        v.push(("the pip-audit report", j.clone()));
    }
    v
}

/// Writes a report, masked by the one masking path: to stdout (`None`,
/// `-`, `/dev/stdout`), a device or FIFO in place, or a file through a
/// temp file and a rename.
pub(crate) fn write_report(path: Option<&Path>, body: &str) -> Result<(), String> {
    let body = redact(body);
    fsio::write_output(path.unwrap_or(Path::new("-")), body.as_bytes())
}

/// Runs `report`; returns the exit code.
pub fn report(inputs: &Inputs, args: &crate::cli::ReportArgs) -> ExitCode {
    let run = || -> Result<(), String> {
        let checklist = match &inputs.checklist {
            Some(p) => checklist::load_file(p),
            None => checklist::load_embedded(),
        }
        .map_err(|e| e.to_string())?;
        let path = inputs.state_path();
        let state = store::load(&path)
            .map_err(|e| format!("{e}\n{}", e.hint()))?
            .ok_or_else(|| {
                format!(
                    "no state file at {}: the wizard writes one as you answer",
                    path.display()
                )
            })?;
        prime_secrets(inputs, state.env_file.as_deref());
        if let Some(p) = &args.output {
            fsio::sink(p)?;
            let (env, _) = resolve_env_file(
                &inputs.project,
                inputs.env_file.as_deref(),
                state.env_file.as_deref(),
            );
            let own = own_inputs(inputs, &env, None);
            let own: Vec<(&str, &Path)> = own.iter().map(|(w, p)| (*w, p.as_path())).collect();
            fsio::refuse_inputs(p, &own)?;
        }
        let body = match args.format {
            crate::cli::ReportFormat::Markdown => report::document::markdown(&checklist, &state),
            crate::cli::ReportFormat::Html => report::document::html(&checklist, &state),
            crate::cli::ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&state).map_err(|e| e.to_string())?;
                s.push('\n');
                s
            }
        };
        write_report(args.output.as_deref(), &body)
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("harden report: {}", redact(&e));
            ExitCode::from(2)
        }
    }
}

/// Runs `diff OLD NEW`: 1 on a regression, 2 on bad input, else 0.
pub fn diff(inputs: &Inputs, old: &Path, new: &Path) -> ExitCode {
    let run = || -> Result<u8, String> {
        let checklist = match &inputs.checklist {
            Some(p) => checklist::load_file(p),
            None => checklist::load_embedded(),
        }
        .map_err(|e| e.to_string())?;
        let load = |p: &Path| {
            store::load(p)
                .map_err(|e| format!("{e}\n{}", e.hint()))?
                .ok_or_else(|| format!("no state file at {}", p.display()))
        };
        let (a, b) = (load(old)?, load(new)?);
        prime_secrets(inputs, b.env_file.as_deref());
        prime_secrets(inputs, a.env_file.as_deref());
        let today = time::OffsetDateTime::now_utc().date();
        let base = crate::state::signoff::snapshot(&checklist, &a, today);
        let ch = crate::state::signoff::changes(&checklist, &base, &b, today);
        let lines = crate::state::signoff::describe(&ch);
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{} → {}", old.display(), new.display());
        if lines.is_empty() {
            let _ = writeln!(o, "no change");
        }
        for l in lines {
            let _ = writeln!(o, "{}", redact(&l));
        }
        Ok(u8::from(ch.regression()))
    };
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("harden diff: {}", redact(&e));
            ExitCode::from(2)
        }
    }
}
