//! `harden check`: every detector, no terminal, a report and an exit code
//! a pipeline can trust (0 pass, 1 fail, 2 input error, 3 could not check).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::{detector_inputs, finish, load_checklist, own_inputs, write_report};
use crate::checklist::Checklist;
use crate::cmd::cli::{CheckArgs, Format, Inputs, resolve_env_file};
use crate::detect::{self, Report};
use crate::report;
use crate::review::{evaluate, exit_code};
use crate::state::{Detection, State, store};
use crate::util::exit::Exit;
use crate::util::fsio;
use crate::util::redact::redact;

/// Runs `check`; returns the exit code.
pub fn run(inputs: &Inputs, args: &CheckArgs) -> ExitCode {
    finish("check", run_inner(inputs, args))
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

fn run_inner(inputs: &Inputs, args: &CheckArgs) -> Result<Exit, String> {
    let started = Instant::now();
    inputs.validate()?;
    let checklist = load_checklist(inputs)?;
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
        Some(w) => crate::review::waivers::load(w, &checklist)?,
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
    let host = host_name(args.host_name.as_deref())?;
    let role = match args.host_role.as_deref() {
        Some(r) => Some(checked_name("--host-role", r)?),
        None => None,
    };
    let fingerprints = crate::detect::fingerprint::Key::from_env()?.map(|k| {
        let env = crate::detect::envfile::read(&env_file).unwrap_or_default();
        crate::detect::fingerprint::of_env(&k, &env.interpolated())
    });
    let mut d = detector_inputs(inputs, &env_file);
    d.settings_map = super::settings_map(inputs)?;
    if let Some(s) = &state {
        d.urls.extend(s.urls.iter().cloned());
    }
    d.active = args.active;
    // Active requests only to the URLs of this command line: a state
    // file (committed, or planted) does not choose where bursts go.
    d.active_urls.clone_from(&inputs.urls);
    if args.active && d.offline {
        return Err("--active and --offline together: --offline sends nothing; drop one".into());
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
                    &report::json::Origin {
                        host: &host,
                        role: role.as_deref(),
                        generated: now,
                        fingerprints: fingerprints.as_ref(),
                    },
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
            // Cut to the terminal's width only on a terminal: a file or a
            // pipe keeps every evidence whole.
            Format::Text => {
                use std::io::IsTerminal;
                let tty = out
                    .as_deref()
                    .is_none_or(|o| o == std::path::Path::new("-"))
                    && std::io::stdout().is_terminal();
                let width = tty.then(|| {
                    ratatui::crossterm::terminal::size()
                        .map_or(120, |(w, _)| usize::from(w).max(60))
                });
                report::text::render(&results, width)
            }
            Format::Markdown => {
                report::markdown::render(&results, &inputs.project.display().to_string())
            }
        };
        let body = with_connections(format, body, &crate::detect::probe::net::connections());
        write_report(out.as_deref(), &body)?;
    }
    Ok(exit_code(&results, args.fail_on.into()))
}

/// A host name or role as a report carries it: printable, at most 253
/// characters.
fn checked_name(flag: &str, v: &str) -> Result<String, String> {
    let v = v.trim();
    let invisible = crate::util::redact::is_invisible;
    if v.is_empty() || v.chars().count() > 253 || v.chars().any(invisible) {
        return Err(format!(
            "{flag} {:?}: give 1 to 253 printable characters",
            v.chars().take(40).collect::<String>()
        ));
    }
    Ok(v.to_string())
}

/// `--host-name`, else the system's host name (the kernel's, as
/// `hostname` prints it).
fn host_name(given: Option<&str>) -> Result<String, String> {
    if let Some(g) = given {
        return checked_name("--host-name", g);
    }
    let system = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| {
            !s.is_empty() && s.len() <= 253 && !s.chars().any(crate::util::redact::is_invisible)
        });
    Ok(system.unwrap_or_else(|| "unnamed-host".to_string()))
}

/// `check --list-probes`: what would be dialled, nothing dialled.
fn list_probes(d: &detect::Inputs) -> Exit {
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
    if d.active && !d.offline {
        let plans = tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(crate::detect::probe::active_plans(d)))
            .unwrap_or_default();
        if plans.is_empty() {
            o.push_str("--active: no --url, so no active request would be sent.\n");
        }
        for p in &plans {
            o.push_str(&format!(
                "--active would send to {} (nothing was sent):\n",
                p.url
            ));
            for line in crate::detect::probe::active::describe(p, d.nonce) {
                o.push_str(&format!("  {line}\n"));
            }
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
    Exit::Ok
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
