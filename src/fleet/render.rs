//! The fleet in text, Markdown, HTML (one self-contained page, a grid of
//! hosts by section) and JSON. Every value a host wrote (its name, role,
//! project) is escaped for the format it lands in.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use super::{Fleet, SecretDrift, SecretsNotJudged};

/// The statuses in the order they are shown.
const STATUSES: [&str; 9] = [
    "fail", "warn", "unknown", "open", "pass", "waived", "na", "skipped", "absent",
];

fn letters(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

fn role(r: Option<&String>) -> String {
    r.map_or_else(|| "(no role)".to_string(), |r| format!("role {r}"))
}

/// Lines that say what drifted in the secrets, or why they were not judged.
fn secret_lines(f: &Fleet) -> Vec<String> {
    let mut out = Vec::new();
    for d in &f.secret_drift {
        match d {
            SecretDrift::Differs {
                role: r,
                name,
                groups,
                absent,
            } => {
                let mut gs: Vec<String> = groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| format!("value {}: {}", letters(i), g.join(", ")))
                    .collect();
                if !absent.is_empty() {
                    gs.push(format!("absent on {}", absent.join(", ")));
                }
                out.push(format!(
                    "{name} differs between hosts of {} that must share it ({})",
                    role(r.as_ref()),
                    gs.join("; ")
                ));
            }
            SecretDrift::Reused { uses } => out.push(format!(
                "one value is used as {}: each purpose needs its own secret",
                uses.iter()
                    .map(|(n, hs)| format!("{n} (on {})", hs.join(", ")))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }
    for n in &f.secrets_not_judged {
        match n {
            SecretsNotJudged::NoKey(hosts) => out.push(format!(
                "secret drift not judged for {}: their reports carry no fingerprints \
                 (run check with HARDEN_FINGERPRINT_KEY, the fleet's key, on every host)",
                hosts.join(", ")
            )),
            SecretsNotJudged::KeysDiffer(groups) => out.push(format!(
                "secret drift not judged: the hosts used different fingerprint keys ({})",
                groups
                    .iter()
                    .map(|g| g.join(", "))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )),
        }
    }
    out
}

fn host_review(h: &super::Host) -> String {
    match &h.review {
        None => "no state file".into(),
        Some(r) => {
            let mut s = format!("{} answered", r.answered);
            if let Some(so) = &r.signed_off {
                s.push_str(&format!("; {so}"));
            } else {
                s.push_str("; not signed off");
            }
            s
        }
    }
}

/// Plain text, for a terminal or a CI log.
pub fn text(f: &Fleet) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "harden fleet: {} hosts, checklist {}, fleet score {:.0}",
        f.hosts.len(),
        clean(&f.checklist_id),
        f.score()
    );
    if let Some(w) = f.worst() {
        let _ = writeln!(
            o,
            "worst host: {} (score {:.0}, {} failing)",
            clean(&w.name),
            w.score,
            w.counts["fail"]
        );
    }
    let _ = writeln!(o, "\nHosts");
    for h in &f.hosts {
        let _ = writeln!(
            o,
            "  {:<24} {:<12} score {:>3.0} {:<2} fail {:>3} warn {:>3} unknown {:>3}  harden {}  {}",
            clean(&h.name),
            clean(h.role.as_deref().unwrap_or("-")),
            h.score,
            clean(&h.grade),
            h.counts["fail"],
            h.counts["warn"],
            h.counts["unknown"],
            clean(&h.version),
            clean(&host_review(h))
        );
    }
    let secrets = secret_lines(f);
    if !secrets.is_empty() {
        let _ = writeln!(o, "\nSecrets");
        for l in secrets {
            let _ = writeln!(o, "  {}", clean(&l));
        }
    }
    if !f.regressions.is_empty() || f.since.is_some() {
        let _ = writeln!(
            o,
            "\nRegressions since {}: {}",
            f.since
                .as_ref()
                .map(|p| clean(&p.display().to_string()))
                .unwrap_or_default(),
            f.regressions.len()
        );
        for r in &f.regressions {
            let _ = writeln!(o, "  {} {}: {} -> {}", clean(&r.host), r.item, r.was, r.now);
        }
        for g in &f.gone {
            let _ = writeln!(o, "  {} is gone (in the earlier run only)", clean(g));
        }
        for n in &f.new_hosts {
            let _ = writeln!(o, "  {} is new", clean(n));
        }
    }
    let _ = writeln!(o, "\nDrift: {} items differ between hosts", f.drift.len());
    for id in &f.drift {
        let _ = writeln!(o, "  {id}: {}", statuses_line(f, id));
    }
    let failing: Vec<&super::ItemInfo> = f
        .items
        .iter()
        .filter(|i| f.by_status(&i.id).contains_key("fail") && !f.drift_set.contains(&i.id))
        .collect();
    if !failing.is_empty() {
        let _ = writeln!(o, "\nFailing on every host that has it");
        for i in failing {
            let _ = writeln!(o, "  {} ({})", i.id, i.severity);
        }
    }
    if !f.missing.is_empty() {
        let _ = writeln!(o, "\nItems some hosts lack (another checklist version)");
        for (id, hosts) in &f.missing {
            let _ = writeln!(o, "  {id}: missing on {}", clean(&hosts.join(", ")));
        }
    }
    if !f.left_out.is_empty() {
        let _ = writeln!(
            o,
            "\nItems hosts left out of their report (same checklist version)"
        );
        for (id, hosts) in &f.left_out {
            let _ = writeln!(o, "  {id}: left out on {}", clean(&hosts.join(", ")));
        }
    }
    o
}

fn statuses_line(f: &Fleet, id: &str) -> String {
    let by = f.by_status(id);
    STATUSES
        .iter()
        .filter_map(|s| {
            by.get(s)
                .map(|h| format!("{s} on {}", clean(&h.join(", "))))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Control characters out of a value a host wrote (a terminal would act
/// on them).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Markdown text: `|`, backticks, brackets, angle brackets and line
/// breaks cannot end a cell or start markup.
fn md(s: &str) -> String {
    let mut o = String::new();
    for c in clean(s).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' => {
                o.push('\\');
                o.push(c);
            }
            _ => o.push(c),
        }
    }
    o
}

/// Markdown, for a pull request or a wiki.
pub fn markdown(f: &Fleet) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Fleet review: {}\n", md(&f.checklist_id));
    let _ = writeln!(
        o,
        "{} hosts, fleet score **{:.0}**{}.\n",
        f.hosts.len(),
        f.score(),
        f.worst()
            .map(|w| format!(", worst host **{}** ({:.0})", md(&w.name), w.score))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "| Host | Role | Score | Fail | Warn | Unknown | harden | Review |"
    );
    let _ = writeln!(o, "|---|---|---:|---:|---:|---:|---|---|");
    for h in &f.hosts {
        let _ = writeln!(
            o,
            "| {} | {} | {:.0} {} | {} | {} | {} | {} | {} |",
            md(&h.name),
            md(h.role.as_deref().unwrap_or("")),
            h.score,
            md(&h.grade),
            h.counts["fail"],
            h.counts["warn"],
            h.counts["unknown"],
            md(&h.version),
            md(&host_review(h))
        );
    }
    let secrets = secret_lines(f);
    if !secrets.is_empty() {
        let _ = writeln!(o, "\n## Secrets\n");
        for l in secrets {
            let _ = writeln!(o, "- {}", md(&l));
        }
    }
    if f.since.is_some() {
        let _ = writeln!(o, "\n## Regressions\n");
        if f.regressions.is_empty() && f.gone.is_empty() {
            let _ = writeln!(o, "None.");
        }
        for r in &f.regressions {
            let _ = writeln!(o, "- {}: `{}` {} → {}", md(&r.host), r.item, r.was, r.now);
        }
        for g in &f.gone {
            let _ = writeln!(o, "- {} is gone", md(g));
        }
    }
    let _ = writeln!(o, "\n## Drift\n");
    if f.drift.is_empty() {
        let _ = writeln!(o, "Every host agrees on every item.");
    }
    for id in &f.drift {
        let _ = writeln!(o, "- `{id}`: {}", md(&statuses_line(f, id)));
    }
    if !f.missing.is_empty() {
        let _ = writeln!(o, "\n## Items some hosts lack\n");
        for (id, hosts) in &f.missing {
            let _ = writeln!(o, "- `{id}`: missing on {}", md(&hosts.join(", ")));
        }
    }
    if !f.left_out.is_empty() {
        let _ = writeln!(o, "\n## Items hosts left out of their report\n");
        for (id, hosts) in &f.left_out {
            let _ = writeln!(o, "- `{id}`: left out on {}", md(&hosts.join(", ")));
        }
    }
    o
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// One page, no script, no outside resource (its policy forbids both): a
/// grid of hosts by section, each cell the host's worst status there and
/// its counts; then drift, secrets and regressions.
pub fn html(f: &Fleet) -> String {
    let mut sections: Vec<&str> = Vec::new();
    for i in &f.items {
        if !sections.contains(&i.section.as_str()) {
            sections.push(i.section.as_str());
        }
    }
    let section_of: BTreeMap<&str, &str> = f
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.section.as_str()))
        .collect();
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    let _ = writeln!(
        o,
        "<title>Fleet review: {}</title>",
        html_escape(&f.checklist_id)
    );
    o.push_str("<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left}td.fail{background:#f8d0d0}td.warn{background:#fbeec0}td.unknown{background:#e4e4e4}td.pass{background:#d4efd4}td.none{color:#888}</style>\n</head><body>\n");
    let _ = writeln!(
        o,
        "<h1>Fleet review: {}</h1>\n<p>{} hosts, fleet score <b>{:.0}</b>{}</p>",
        html_escape(&f.checklist_id),
        f.hosts.len(),
        f.score(),
        f.worst()
            .map(|w| format!(
                ", worst host <b>{}</b> ({:.0})",
                html_escape(&w.name),
                w.score
            ))
            .unwrap_or_default()
    );
    o.push_str("<table><thead><tr><th>Host</th><th>Role</th><th>Score</th><th>Review</th>");
    for s in &sections {
        let _ = write!(o, "<th>{}</th>", html_escape(s));
    }
    o.push_str("</tr></thead><tbody>\n");
    for h in &f.hosts {
        let _ = write!(
            o,
            "<tr><th>{}</th><td>{}</td><td>{:.0} {}</td><td>{}</td>",
            html_escape(&h.name),
            html_escape(h.role.as_deref().unwrap_or("")),
            h.score,
            html_escape(&h.grade),
            html_escape(&host_review(h))
        );
        // One pass over the host's items: counts per section and status.
        let mut per: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for (id, it) in &h.items {
            if let Some(sec) = section_of.get(id.as_str()) {
                *per.entry(sec)
                    .or_default()
                    .entry(it.status.as_str())
                    .or_default() += 1;
            }
        }
        let mut reviewed: BTreeMap<&str, usize> = BTreeMap::new();
        for id in h.review.iter().flat_map(|r| r.operator.keys()) {
            if let Some(sec) = section_of.get(id.as_str()) {
                *reviewed.entry(sec).or_default() += 1;
            }
        }
        for s in &sections {
            let counts = per.get(s).cloned().unwrap_or_default();
            let worst = STATUSES
                .iter()
                .find(|st| {
                    counts.contains_key(*st) && matches!(**st, "fail" | "warn" | "unknown" | "pass")
                })
                .copied()
                .unwrap_or("none");
            let mut text: Vec<String> = STATUSES
                .iter()
                .filter_map(|st| counts.get(st).map(|n| format!("{n} {st}")))
                .collect();
            // The review of this host, in this section, from its state file.
            if h.review.is_some() {
                text.push(format!(
                    "{} reviewed",
                    reviewed.get(s).copied().unwrap_or(0)
                ));
            }
            let _ = write!(
                o,
                "<td class=\"{worst}\">{}</td>",
                html_escape(&text.join(", "))
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
    let secrets = secret_lines(f);
    if !secrets.is_empty() {
        o.push_str("<h2>Secrets</h2><ul>\n");
        for l in secrets {
            let _ = writeln!(o, "<li>{}</li>", html_escape(&l));
        }
        o.push_str("</ul>\n");
    }
    if f.since.is_some() {
        let _ = writeln!(o, "<h2>Regressions</h2><ul>");
        for r in &f.regressions {
            let _ = writeln!(
                o,
                "<li>{}: {} {} &rarr; {}</li>",
                html_escape(&r.host),
                html_escape(&r.item),
                html_escape(&r.was),
                html_escape(&r.now)
            );
        }
        for g in &f.gone {
            let _ = writeln!(o, "<li>{} is gone</li>", html_escape(g));
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(o, "<h2>Drift ({} items)</h2><ul>", f.drift.len());
    for id in &f.drift {
        let _ = writeln!(
            o,
            "<li><code>{}</code>: {}</li>",
            html_escape(id),
            html_escape(&statuses_line(f, id))
        );
    }
    o.push_str("</ul>\n");
    if !f.missing.is_empty() {
        o.push_str("<h2>Items some hosts lack</h2><ul>\n");
        for (id, hosts) in &f.missing {
            let _ = writeln!(
                o,
                "<li><code>{}</code>: missing on {}</li>",
                html_escape(id),
                html_escape(&hosts.join(", "))
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</body></html>\n");
    o
}

/// JSON, for other tools (`"schema": 1`, `"kind": "harden-fleet"`).
pub fn json(f: &Fleet, threshold: &str) -> Value {
    let hosts: Vec<Value> = f
        .hosts
        .iter()
        .map(|h| {
            json!({
                "name": h.name,
                "role": h.role,
                "report": h.file.display().to_string(),
                "generated": h.generated,
                "harden": h.version,
                "checklist_sha256": h.checklist_sha256,
                "project": h.project,
                "score": h.score,
                "grade": h.grade,
                "counts": h.counts,
                "fingerprints": h.fingerprints.is_some(),
                "review": h.review.as_ref().map(|r| json!({
                    "answered": r.answered,
                    "signed_off": r.signed_off,
                })),
            })
        })
        .collect();
    let items: Vec<Value> = f
        .items
        .iter()
        .map(|i| {
            let by = f.by_status(&i.id);
            let operator: BTreeMap<&str, &str> = f
                .hosts
                .iter()
                .filter_map(|h| {
                    h.review
                        .as_ref()
                        .and_then(|r| r.operator.get(&i.id))
                        .or_else(|| h.items.get(&i.id).and_then(|x| x.operator.as_ref()))
                        .map(|o| (h.name.as_str(), o.as_str()))
                })
                .collect();
            json!({
                "id": i.id,
                "section": i.section,
                "severity": i.severity,
                "title": i.title,
                "hosts": by,
                "drift": f.drift_set.contains(&i.id),
                "left_out_on": f.left_out.get(&i.id),
                "missing_on": f.missing.get(&i.id),
                "operator": operator,
            })
        })
        .collect();
    let secrets: Vec<Value> = f
        .secret_drift
        .iter()
        .map(|d| match d {
            SecretDrift::Differs {
                role,
                name,
                groups,
                absent,
            } => json!({
                "kind": "differs", "role": role, "name": name, "groups": groups, "absent": absent,
            }),
            SecretDrift::Reused { uses } => json!({
                "kind": "reused",
                "uses": uses.iter().map(|(n, hs)| json!({"name": n, "hosts": hs})).collect::<Vec<_>>(),
            }),
        })
        .collect();
    let not_judged: Vec<Value> = f
        .secrets_not_judged
        .iter()
        .map(|n| match n {
            SecretsNotJudged::NoKey(h) => json!({"why": "no_key", "hosts": h}),
            SecretsNotJudged::KeysDiffer(g) => json!({"why": "keys_differ", "groups": g}),
        })
        .collect();
    json!({
        "schema": super::SCHEMA,
        "kind": "harden-fleet",
        "tool": crate::version::json(),
        "checklist": f.checklist_id,
        "score": (f.score() * 10.0).round() / 10.0,
        "worst_host": f.worst().map(|w| w.name.clone()),
        "fail_on": threshold,
        "exit": f.exit(threshold).code(),
        "hosts": hosts,
        "items": items,
        "drift": f.drift,
        "secrets": {"drift": secrets, "not_judged": not_judged},
        "regressions": f.since.as_ref().map(|s| json!({
            "since": s.display().to_string(),
            "items": f.regressions.iter().map(|r| json!({"host": r.host, "item": r.item, "was": r.was, "now": r.now})).collect::<Vec<_>>(),
            "gone": f.gone,
            "new": f.new_hosts,
        })),
    })
}
