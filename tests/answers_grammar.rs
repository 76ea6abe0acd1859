//! No answer can program a generated file: a table of hostile values
//! across every answer key, each refused by `harden generate` with exit 2,
//! the key and its line named, and nothing written; free text that the
//! formats can quote is escaped, and the generated files still pass the
//! real tools.

mod common;

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = include_str!("../examples/answers.toml");

/// The example with `key` of `[section]` set to `value` (TOML).
fn with(section: &str, key: &str, value: &str) -> String {
    let mut inside = false;
    let mut done = false;
    let mut out = String::new();
    for line in EXAMPLE.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == format!("[{section}]");
        }
        if inside && !done && t.starts_with(&format!("{key} =")) {
            out.push_str(&format!("{key} = {value}\n"));
            done = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(done, "no {section}.{key} in the example");
    out
}

fn line_of(text: &str, section: &str, key: &str) -> usize {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == format!("[{section}]");
        }
        if inside && t.starts_with(&format!("{key} =")) {
            return i + 1;
        }
    }
    panic!("{section}.{key} not found")
}

/// (section, key, hostile TOML value, what it tried)
const HOSTILE: &[(&str, &str, &str, &str)] = &[
    (
        "app",
        "listen_https",
        r#""443 ssl; location /x { alias /etc/; } #""#,
        "nginx location serving /etc",
    ),
    (
        "app",
        "listen_http",
        r#""80 default_server""#,
        "an extra listen parameter",
    ),
    ("app", "listen_http", "0", "port 0"),
    (
        "domains",
        "api",
        r#""api.example.com; location / { root /; }""#,
        "nginx directive",
    ),
    (
        "domains",
        "api",
        r#""*.example.com""#,
        "wildcard server_name",
    ),
    (
        "domains",
        "api",
        r#""api.example.com\ninclude /etc/nginx/evil.conf;""#,
        "newline",
    ),
    (
        "app",
        "upstream",
        r#""127.0.0.1:8000; } server { listen 9; root /""#,
        "nginx block",
    ),
    (
        "app",
        "upstream",
        r#""unix:/tmp/app.sock""#,
        "not host:port",
    ),
    ("app", "max_body", r#""1m; root /""#, "nginx directive"),
    ("app", "max_body", r#""10mb""#, "not a size"),
    (
        "tls",
        "certificate",
        r#""/etc/cert.pem; root /""#,
        "nginx directive",
    ),
    (
        "tls",
        "certificate",
        r#""/etc/ssl/$ssl_server_name.pem""#,
        "nginx variable",
    ),
    ("tls", "key", r#""/etc/k{ey}.pem""#, "braces"),
    ("tls", "key", r#""relative/key.pem""#, "relative path"),
    (
        "redis",
        "data_dir",
        r#""/var/lib/redis\nuser evil on nopass ~* +@all""#,
        "extra ACL user",
    ),
    ("redis", "data_dir", r#""/var/lib/../../etc""#, "dot-dot"),
    (
        "redis",
        "host",
        r#""127.0.0.1\nuser default on nopass""#,
        "newline",
    ),
    ("redis", "user", r#""app on nopass ~* +@all""#, "ACL rules"),
    ("redis", "port", "0", "port 0"),
    (
        "domains",
        "origins",
        r#"["https://app.example.com\", __import__('os').system('id'), \""]"#,
        "Python code",
    ),
    (
        "domains",
        "origins",
        r#"["http://app.example.com"]"#,
        "plain http",
    ),
    (
        "domains",
        "origins",
        r#"["https://user:pw@app.example.com"]"#,
        "credentials",
    ),
    (
        "domains",
        "origins",
        r#"["https://app.example.com/path"]"#,
        "a path",
    ),
    ("domains", "origins", "[]", "no origin"),
    (
        "project",
        "name",
        r#""Name\n    server { listen 81; }""#,
        "newline into a comment",
    ),
    (
        "project",
        "name",
        r#""OptiBid\u001b]0;pwned\u0007""#,
        "terminal escape",
    ),
    ("project", "slug", r#""x;y""#, "nginx separator"),
    ("project", "slug", r#""X""#, "upper case"),
    (
        "project",
        "slug",
        r#""1abc""#,
        "an nginx regex capture ($1abc)",
    ),
    (
        "logging",
        "directory",
        r#""/var/log/x {\n postrotate\n curl http://127.0.0.1/x | sh\n endscript\n}\n/var/log/y""#,
        "logrotate postrotate",
    ),
    ("logging", "directory", r#""/var/log/#x""#, "comment"),
    ("logging", "level", r#""INFO\nuser""#, "newline"),
    (
        "ci",
        "requirements",
        r#""requirements.txt; curl http://127.0.0.1/x | sh""#,
        "shell injection",
    ),
    ("ci", "requirements", r#""-r /etc/passwd""#, "an option"),
    (
        "ci",
        "requirements",
        r#""../../etc/passwd""#,
        "outside the project",
    ),
    ("database", "host", r#""db@evil.test""#, "user-info"),
    ("database", "name", r#""db?sslmode=disable""#, "URL query"),
    ("database", "user", r#""u:pw""#, "password in the user"),
    ("database", "port", "0", "port 0"),
    ("mfa", "issuer", "\"Iss\\u0007uer\"", "control character"),
    ("incident", "on_call", r#""x\r\ny""#, "CRLF"),
    (
        "incident",
        "escalation",
        r#"["ok", "bad\nline"]"#,
        "newline",
    ),
    (
        "incident",
        "security_contact",
        r#""javascript:alert(1)""#,
        "not mail or https",
    ),
    ("backup", "region", r#""eu-west-1\n""#, "newline"),
    ("backup", "bucket", r#""Bucket With Space""#, "not a bucket"),
    // Normalised by the URL parser into a development origin.
    (
        "domains",
        "origins",
        r#"["https://2130706433"]"#,
        "127.0.0.1 as a number",
    ),
    (
        "domains",
        "origins",
        r#"["https://0x7f.1"]"#,
        "127.0.0.1 in hex",
    ),
    ("domains", "origins", r#"["https://0"]"#, "0.0.0.0"),
    (
        "domains",
        "origins",
        r#"["https://ｌｏｃａｌｈｏｓｔ"]"#,
        "full-width localhost",
    ),
    (
        "domains",
        "origins",
        r#"["https://app.localhost."]"#,
        "trailing dot",
    ),
    // Accepted values that would change what the file means.
    ("redis", "host", r#""0.0.0.0""#, "every interface"),
    ("redis", "host", r#""8.8.8.8""#, "a public address"),
    (
        "redis",
        "host",
        r#""redis.internal""#,
        "a name bind cannot take",
    ),
    ("app", "max_body", r#""0""#, "no body size limit"),
    ("backup", "retention_days", "0", "no backups kept"),
    ("dr", "rto_minutes", "0", "an RTO of 0"),
    ("database", "driver", r#""mysql""#, "not a driver"),
    ("database", "tls", r#""disable""#, "TLS off"),
    (
        "backup",
        "role_arn",
        r#""arn:aws:iam::123456789012:role/x\nextra""#,
        "newline",
    ),
    (
        "backup",
        "replication_bucket",
        r#""optibid-backups-eu-west-1""#,
        "the same bucket",
    ),
    ("logging", "audit_retention_days", "90", "under 7 years"),
];

#[test]
fn every_hostile_answer_is_refused_naming_its_key_and_line_and_nothing_is_written() {
    assert!(HOSTILE.len() >= 30);
    let keys: std::collections::BTreeSet<String> = HOSTILE
        .iter()
        .map(|(s, k, ..)| format!("{s}.{k}"))
        .collect();
    assert!(keys.len() >= 30, "{} keys", keys.len());
    let dir = tempfile::tempdir().unwrap();
    for (section, key, value, what) in HOSTILE {
        let text = with(section, key, value);
        let answers = dir.path().join("answers.toml");
        std::fs::write(&answers, &text).unwrap();
        let out = dir.path().join("out");
        let o = common::run(
            common::harden()
                .args(["generate", "--yes", "--answers"])
                .arg(&answers)
                .arg("--out")
                .arg(&out),
        );
        let err = o.stderr.as_str();
        assert_eq!(
            Some(o.code),
            Some(2),
            "{section}.{key} ({what}) accepted: {err}"
        );
        assert!(
            err.contains(&format!("{section}.{key}")),
            "{section}.{key} ({what}) not named: {err}"
        );
        let line = line_of(&text, section, key);
        assert!(
            err.contains(&format!("answers.toml:{line}:")),
            "{section}.{key} ({what}): line {line} not named: {err}"
        );
        assert!(
            !out.exists(),
            "{section}.{key} ({what}): something was written"
        );
        assert!(!err.contains('\u{1b}'), "a raw escape reached stderr");
    }
}

#[test]
fn hostile_answers_are_refused_in_the_library_too() {
    // The wizard's answers form goes through the same grammar.
    for (section, key, value, what) in HOSTILE {
        let e = harden::answers::parse(&with(section, key, value), "a.toml").unwrap_err();
        assert!(
            e.message.contains(&format!("{section}.{key}")),
            "{what}: {e}"
        );
    }
}

#[test]
fn quotes_in_free_text_are_escaped_for_each_format_not_refused() {
    let name = r#"Acme \"\"\" + __import__('os').system('id') + \"\"\" {x}; $y # z"#;
    let text = with("project", "name", &format!("\"{name}\"")).replace(
        "on_call = \"PagerDuty service optibid-primary\"",
        "on_call = \"it's \\\"ops\\\"; rm -rf / #\"",
    );
    let a = harden::answers::parse(&text, "a.toml").unwrap();
    let secrets = harden::generate::Secrets::generate();
    let files = harden::generate::render(&a, &secrets, "2026-01-01").unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        let p = dir.path().join(f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.content).unwrap();
    }
    // The middleware compiles, and its docstring holds the name as text:
    // no call was injected.
    let mw = dir.path().join("app/security_middleware.py");
    let script = format!(
        "import ast,sys\nt=ast.parse(open({:?}).read())\nd=ast.get_docstring(t)\nassert {:?} in d, d\ncalls=[n.func.attr for n in ast.walk(t) if isinstance(n,ast.Call) and isinstance(n.func,ast.Attribute)]\nassert 'system' not in calls, calls\nprint('ok')",
        mw.display().to_string(),
        a.project.name
    );
    let o = common::run(Command::new("python3").arg("-c").arg(&script));
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The env file reads the issuer-like text back unchanged.
    let env = harden::detect::envfile::read(&dir.path().join(".env.production")).unwrap();
    assert!(env.issues.is_empty(), "{:?}", env.issues);
    // Markdown runbooks escape it.
    let ir = std::fs::read_to_string(dir.path().join("docs/incident-response.md")).unwrap();
    assert!(ir.contains("it's \"ops\"; rm -rf / \\#"), "{ir}");
    // Comments hold it on one line.
    let nginx = std::fs::read_to_string(dir.path().join("nginx/site.conf")).unwrap();
    let comment = nginx
        .lines()
        .find(|l| l.contains("nginx site of the"))
        .unwrap();
    assert!(comment.starts_with("# "), "{comment}");
    assert!(Path::new(&mw).exists());
}

#[test]
fn idna_hosts_are_written_in_ascii() {
    let text = with("domains", "api", "\"API.Bücher.example\"").replace(
        "\"https://app.example.com\", ",
        "\"https://App.Bücher.example\", ",
    );
    let a = harden::answers::parse(&text, "a.toml").unwrap();
    assert_eq!(a.domains.api, "api.xn--bcher-kva.example");
    assert_eq!(a.domains.origins[0], "https://app.xn--bcher-kva.example");
}
