//! No secret reaches any output, by any path. Sixteen distinctive secrets
//! are planted in every position an env file, a URL, a server's error text,
//! a hand-edited generated file, a note and a waiver can hold them; then
//! every output harden makes is searched for each secret and for every
//! 8-character window of it (a secret cut by `…` or wrapped at the pane's
//! edge still leaks): stdout and stderr of every command, every `check`
//! and `report` format, the state file and its backup, `diff`, `generate`
//! plans, diffs and messages, and the raw bytes of a PTY session that
//! opens every item's full view. Planted terminal escapes (OSC) never reach
//! an output raw.

mod common;

use std::path::Path;
use std::time::Duration;

use common::servers::{self, redis};
use common::{Pty, WAIT};

/// Distinctive secrets: random-looking, digits and `/` included.
const S: [&str; 18] = [
    "Sk1qV7wZ9xRb4TmL8pYc3HsJ6dFa", // 0 SECRET_KEY
    "Jw2nM5bQ8vC1xZ4kL7hG3tR6yP9s", // 1 JWT_SECRET_KEY
    "pg9Wd/4Lx2Qr7Tn5Vb8Kz3Hm",     // 2 DATABASE_URL password, with a raw /
    "Rd8Kx3Vn6Bq1%0AWz4Lp7Jt2Gm5",  // 3 REDIS_URL password with a newline (echoed back as a space)
    "Tk5Hn8Zq2Wv7Lx4Bp1Rm9Jc6",     // 4 a token alone in the user position
    "Sm3Pw6Qz9Lk2Vx5Bn8Hr1Tg4",     // 5 SMTP_PASSWORD
    "Dn7Sq4Wk1Zx8Lv5Pb2Hm9Rt6",     // 6 SENTRY_DSN user part
    "Qt2Kw9Zn6Lx3Vb8Pm5Hr1Js4",     // 7 token= query value
    "Sg6Hw3Zq8Lk1Vx4Bn7Pm2Rt9",     // 8 Sig= query value
    "Or4Kq7Wz1Lx6Vb9Pn3Hm8Tj2",     // 9 password inside an ALLOWED_HOSTS origin
    "Aw9Ks2Zq5Lx8Vn1Pb4Hm7Rt3",     // 10 AWS_SECRET_ACCESS_KEY
    "Tw1Ak4Zq7Lx2Vn5Pb8Hm3Rj6",     // 11 TWILIO_AUTH_TOKEN
    "St8Ak5Zq2Lx9Vn6Pb3Hm1Rw4",     // 12 STRIPE_API_KEY
    "Am5Qp8Zk3Lx1Vn/4Pb7Hm2Rt",     // 13 AMQP password with a raw /
    "Db2Pw9Zq6Lx3Vn8Pb5Hm1Rk7",     // 14 DB_PASSWORD
    "Oc7Cs4Zq1Lx6Vn9Pb2Hm5Rt8",     // 15 OAUTH_CLIENT_SECRET
    "Ur3Lp6Zq9Kx2Vn5Pb8Hm1Rt4",     // 16 --url user-info
    "Uq8Tk5Zq2Lx7Vn4Pb1Hm6Rs9",     // 17 --url access_token
];

fn env_text(redis_port: u16, pg_port: u16) -> String {
    format!(
        "SECRET_KEY={}\nJWT_SECRET_KEY={}\n\
         DATABASE_URL=postgresql+asyncpg://app:{}@127.0.0.1:{pg_port}/db?ssl=require\n\
         REDIS_URL=redis://default:{}@127.0.0.1:{redis_port}/0\n\
         CACHE_URL=redis://{}@127.0.0.1:6399/1\n\
         SMTP_PASSWORD={}\nSENTRY_DSN=https://{}@o1.ingest.example.test/1\n\
         WEBHOOK_URL=https://hooks.example.test/x?token={}&Sig={}\n\
         ALLOWED_HOSTS=https://app.example.com,https://ops:{}@admin.example.com\n\
         AWS_SECRET_ACCESS_KEY={}\nTWILIO_AUTH_TOKEN={}\nSTRIPE_API_KEY={}\n\
         BROKER_URL=amqp://u:{}@127.0.0.1:5672//\nDB_PASSWORD={}\nOAUTH_CLIENT_SECRET={}\n\
         DEBUG=false\n",
        S[0],
        S[1],
        S[2],
        S[3],
        S[4],
        S[5],
        S[6],
        S[7],
        S[8],
        S[9],
        S[10],
        S[11],
        S[12],
        S[13],
        S[14],
        S[15]
    )
}

/// Every 8-character window of every secret (and the secret itself).
fn leaks(what: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for s in S {
        let chars: Vec<char> = s.chars().collect();
        for w in chars.windows(8) {
            let w: String = w.iter().collect();
            if text.contains(&w) {
                found.push(format!("{what}: {w} (of {s})"));
                break;
            }
        }
    }
    found
}

/// An OSC sequence that would retitle the terminal.
const OSC: &str = "\u{1b}]0;pwned\u{7}";

fn run(args: &[&str], cwd: &Path) -> (i32, String) {
    let r = common::run(common::harden().args(args).current_dir(cwd));
    (r.code, r.both())
}

#[test]
fn no_planted_secret_reaches_any_output() {
    // A Redis whose AUTH is renamed away: it answers AUTH with an error
    // that quotes the password back.
    let r = redis("rename-command AUTH \"\"");
    let pg = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let pg_port = pg.local_addr().unwrap().port();
    drop(pg); // refused: the PostgreSQL probe fails fast
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join(".env"), env_text(r.port, pg_port)).unwrap();
    std::fs::write(p.join("requirements.txt"), "fastapi==0.115.0\n").unwrap();
    // A pip-audit report whose text carries a terminal escape.
    let pa = p.join("pa.json");
    std::fs::write(
        &pa,
        format!(
            r#"{{"dependencies":[{{"name":"fastapi","version":"0.115.0","vulns":[{{"id":"GHSA-x{}","fix_versions":["0.116.0"],"aliases":[],"description":"bad {}"}}]}}],"fixes":[]}}"#,
            OSC.replace('\u{1b}', "\\u001b").replace('\u{7}', "\\u0007"),
            OSC.replace('\u{1b}', "\\u001b").replace('\u{7}', "\\u0007"),
        ),
    )
    .unwrap();
    let mut outputs: Vec<(String, String)> = Vec::new();

    // check, every format, files and stdout.
    let args = [
        "check",
        "--project",
        ".",
        "--pip-audit-json",
        "pa.json",
        "--fail-on",
        "any",
        "--format",
        "json",
        "--output",
        "r.json",
        "--format",
        "sarif",
        "--output",
        "r.sarif",
        "--format",
        "junit",
        "--output",
        "r.xml",
        "--format",
        "markdown",
        "--output",
        "r.md",
        "--format",
        "text",
    ];
    let (code, out) = run(&args, p);
    assert_eq!(code, 1, "{out}");
    outputs.push(("check stdout+stderr".into(), out));
    for f in ["r.json", "r.sarif", "r.xml", "r.md"] {
        outputs.push((
            format!("check {f}"),
            std::fs::read_to_string(p.join(f)).unwrap(),
        ));
    }
    let json: serde_json::Value = serde_json::from_str(&outputs[1].1).unwrap();
    let item = |id: &str| {
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    // The probes ran: the Redis error came back (and was masked), the
    // origin with credentials fails.
    let reach = item("rate_limit.redis_reachable");
    assert!(
        reach["evidence"]
            .as_str()
            .unwrap()
            .contains("unknown command"),
        "{reach}"
    );
    assert_eq!(item("cors.allowed_hosts")["status"], "fail");
    assert!(!json["connections"].as_array().unwrap().is_empty());
    outputs.push((
        "list-probes".into(),
        run(&["check", "--project", ".", "--list-probes"], p).1,
    ));

    // --url with credentials and a token: refused without echoing them.
    let url = format!(
        "https://monitor:{}@127.0.0.1:9/health?access_token={}",
        S[16], S[17]
    );
    let (code, out) = run(&["check", "--project", ".", "--url", &url], p);
    assert_eq!(code, 2, "{out}");
    outputs.push(("--url refusal".into(), out));

    // A waiver whose reason holds a secret: refused.
    std::fs::write(
        p.join("w.toml"),
        format!("[[waiver]]\nitem = \"tls.hsts_preload\"\nreason = \"key is {}\"\nowner = \"ops\"\nexpires = \"2099-01-01\"\n", S[0]),
    )
    .unwrap();
    let (code, out) = run(
        &[
            "check",
            "--offline",
            "--project",
            ".",
            "--waivers",
            "w.toml",
        ],
        p,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("holds a secret of this review"), "{out}");
    outputs.push(("waiver refusal".into(), out));

    // The wizard in a PTY: every item's full view, and a note that holds a
    // secret (refused).
    let checklist = harden::checklist::load_embedded().unwrap();
    let project = p.display().to_string();
    let mut pty = Pty::harden(
        &[
            "--project",
            &project,
            "--pip-audit-json",
            pa.to_str().unwrap(),
        ],
        100,
        30,
    );
    pty.wait_for("Who is answering?", WAIT);
    pty.send(b"\r");
    pty.wait_for("y accept", WAIT);
    // Let the probes finish.
    std::thread::sleep(Duration::from_secs(3));
    let gap = Duration::from_millis(4);
    pty.keys("e", gap);
    pty.wait_for("Note for", WAIT);
    pty.keys(&format!("rotated from {}\r", S[5]), gap);
    pty.wait_for("holds a secret of this review", WAIT);
    pty.send(b"\x1b");
    std::thread::sleep(Duration::from_millis(100));
    pty.keys("g", gap);
    for section in &checklist.sections {
        for _ in 0..section.items.len() {
            pty.send(b"\r");
            std::thread::sleep(gap);
            pty.keys("jjjjjjjjjjjjjjjjjjjj", Duration::from_millis(1));
            pty.send(b"\x1b");
            std::thread::sleep(gap);
            pty.keys("j", gap);
        }
        pty.keys("]", gap);
    }
    pty.keys("v", gap);
    // The keys above are thousands; on a loaded machine the wizard is still
    // working through them. The overview on screen means it has.
    pty.wait_for("┏ Overview", Duration::from_secs(120));
    pty.keys("q", gap);
    let _ = pty.wait_exit(WAIT);
    let raw = String::from_utf8_lossy(&pty.output()).into_owned();
    assert!(raw.contains("Detected"), "the session showed detections");
    assert!(
        !raw.contains(OSC) && !raw.contains("\u{1b}]0;pwned"),
        "an OSC from the pip-audit report reached the terminal"
    );
    outputs.push(("PTY bytes".into(), raw));

    // The state, its backup, every report format, and diff.
    let state = p.join(".harden/state.toml");
    outputs.push(("state".into(), std::fs::read_to_string(&state).unwrap()));
    outputs.push((
        "state.bak".into(),
        std::fs::read_to_string(p.join(".harden/state.toml.bak")).unwrap_or_default(),
    ));
    for f in ["markdown", "html", "json"] {
        let (code, out) = run(&["report", "--project", ".", "--format", f], p);
        assert_eq!(code, 0, "{out}");
        outputs.push((format!("report {f}"), out));
    }
    let (_, out) = run(&["diff", ".harden/state.toml.bak", ".harden/state.toml"], p);
    outputs.push(("diff".into(), out));

    // generate over a hand-edited .env.production holding secrets harden
    // did not generate: plan, rotation plan, write.
    let out_dir = p.join("gen");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(
        out_dir.join(".env.production"),
        format!(
            "SECRET_KEY={}\nJWT_SECRET_KEY={}\nSMTP_PASSWORD={}\nREDIS_URL=redis://optibid:{}@127.0.0.1:6379/0\nDATABASE_URL=postgresql+asyncpg://optibid_app:{}@127.0.0.1:5432/optibid?ssl=verify-full\n",
            S[0], S[1], S[5], S[3], S[14]
        ),
    )
    .unwrap();
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    let a = answers.to_str().unwrap();
    for extra in [&[][..], &["--rotate-secrets"][..], &["--yes"][..]] {
        let mut args = vec!["generate", "--answers", a, "--out", "gen"];
        args.extend(extra);
        let (_, out) = run(&args, p);
        assert!(out.contains(".env.production"), "{out}");
        outputs.push((format!("generate {extra:?}"), out));
    }
    // Kept, not rotated, without --rotate-secrets.
    let written = std::fs::read_to_string(out_dir.join(".env.production")).unwrap();
    assert!(
        written.contains(&format!("SECRET_KEY={}", S[0])),
        "an existing secret was rotated"
    );

    let mut all = Vec::new();
    for (what, text) in &outputs {
        all.extend(leaks(what, text));
        if what != "PTY bytes" && text.contains('\u{1b}') {
            all.push(format!("{what}: a raw ESC"));
        }
    }
    assert!(all.is_empty(), "leaks:\n{}", all.join("\n"));
    drop(r);
    let _ = servers::free_port();
}

/// Secrets a hand-edited `.env.production` holds in every quoting and
/// length: double quotes with `\n`, `\"`, `\\` escapes, a one-line PEM,
/// a multi-line PEM, a control character, a 7-character key, `*_PASS` and
/// `*_PASSPHRASE` names, and a redis.conf with a short password.
#[test]
fn a_hand_edited_generated_set_never_shows_its_secrets_in_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    std::fs::create_dir_all(out.join("redis")).unwrap();
    let planted = [
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        "Pw\\\"Quote8Secret",
        "Back\\\\slashSecret99",
        "Ct14NN\u{1}NNcontrolled",
        "Sh0rt7x",
        "Rp7GGGGnotmatched",
        "Gp8HHHHpassphrase",
        "MultiLineKeyBody42xyz",
        "Rpw4567",
    ];
    std::fs::write(
        out.join(".env.production"),
        format!(
            "SECRET_KEY={}\nJWT_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"\nSMTP_PASSWORD=\"{}\"\nMAIL_PASSWORD=\"{}\"\nCTRL_SECRET=\"{}\"\nREDIS_PASS={}\nGPG_PASSPHRASE={}\nSIGNING_KEY=\"-----BEGIN KEY-----\n{}\n-----END KEY-----\"\nREDIS_URL=redis://optibid:{}@127.0.0.1:6379/0\n",
            planted[4], planted[0], planted[1], planted[2], planted[3], planted[5], planted[6], planted[7], planted[8]
        ),
    )
    .unwrap();
    std::fs::write(
        out.join("redis/redis.conf"),
        format!(
            "user optibid on >{} ~* +@all\nREQUIREPASS UpperCaseReqPass1\ntls-key-file-pass TlsKeyPassphrase77\nuser repl on '>SingleQuotedPw55' ~* +@all\nUSER upper on >UpperUserPw44\n",
            planted[8]
        ),
    )
    .unwrap();
    // A kept Redis password with a space, a URL password with an unencoded
    // #, and keys loaders accept in odd spellings.
    let mut env = std::fs::read_to_string(out.join(".env.production")).unwrap();
    env = env.replace(
        &format!("REDIS_URL=redis://optibid:{}@", planted[8]),
        "REDIS_URL=redis://optibid:LEAKA1%20LEAKBBBBBBBBBBBB@",
    );
    env.push_str("CACHE_URL=redis://:p#ssWordHash4321@127.0.0.1:6379/0\n'QUOTED_PASSWORD'=LongQuotedKey02\nMY-PASSWORD=LongDashKey03\nexport  SMTP_PASS=Pw1a\n");
    std::fs::write(out.join(".env.production"), env).unwrap();
    let more = [
        "UpperCaseReqPass1",
        "TlsKeyPassphrase77",
        "SingleQuotedPw55",
        "UpperUserPw44",
        "LEAKA1",
        "LEAKBBBB",
        "ssWordHash4321",
        "LongQuotedKey02",
        "LongDashKey03",
        "=Pw1a",
    ];
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    for extra in [&[][..], &["--rotate-secrets"][..]] {
        let mut args = vec![
            "generate",
            "--answers",
            answers.to_str().unwrap(),
            "--out",
            "gen",
        ];
        args.extend(extra);
        let (code, text) = run(&args, dir.path());
        assert_eq!(code, 0, "{text}");
        assert!(
            text.contains("-SMTP_PASSWORD="),
            "the old lines are in the diff: {text}"
        );
        for m in more {
            assert!(!text.contains(m), "{extra:?}: {m:?} in the plan:\n{text}");
        }
        for p in planted {
            let raw = p.replace("\\\"", "\"").replace("\\\\", "\\");
            for s in [
                p,
                raw.as_str(),
                "MIIEvQIB",
                "Quote8Se",
                "slashSec",
                "NNcontro",
                "MultiLin",
            ] {
                assert!(!text.contains(s), "{extra:?}: {s:?} in the plan:\n{text}");
            }
        }
    }
}

/// A state note written by hand (or by an older harden) that holds the
/// env file's secret is masked by `report`, which reads the env file too.
#[test]
fn report_masks_a_hand_written_note_holding_an_env_secret() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join(".env"),
        format!(
            "SECRET_KEY={}\nDATABASE_URL=postgresql://app:Db4DDDD)paren99@db.internal:5432/x\n",
            S[0]
        ),
    )
    .unwrap();
    let c = harden::checklist::load_embedded().unwrap();
    let mut st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    st.items.insert(
        "env.secret_key_set".into(),
        harden::state::ItemRecord {
            status: harden::state::OperatorStatus::Done,
            note: Some(format!(
                "old key was {}; db Db4DDDD)paren99 <img src=x onerror=alert(1)>",
                S[0]
            )),
            ..Default::default()
        },
    );
    harden::state::store::save(&p.join(".harden/state.toml"), &st).unwrap();
    for f in ["markdown", "html", "json"] {
        let (code, out) = run(&["report", "--project", ".", "--format", f], p);
        assert_eq!(code, 0, "{out}");
        assert!(leaks(f, &out).is_empty(), "{:?}", leaks(f, &out));
        assert!(!out.contains("Db4DDDD)paren99"), "{f}: {out}");
        if f != "json" {
            assert!(!out.contains("<img"), "{f}: a note's HTML is live: {out}");
        }
    }
}

/// Terminal control characters in a state's notes, waiver reasons and
/// operator (a state file is committed, so it is input) never reach a
/// report or `check` output raw.
#[test]
fn control_characters_from_a_state_reach_no_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join(".env"), "DEBUG=false\n").unwrap();
    let c = harden::checklist::load_embedded().unwrap();
    let mut st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    st.operator = Some(format!("op{OSC}"));
    st.items.insert(
        "env.secret_key_set".into(),
        harden::state::ItemRecord {
            status: harden::state::OperatorStatus::Done,
            note: Some(format!("note{OSC}\u{9b}31mred\u{202e}")),
            by: Some(format!("by{OSC}")),
            ..Default::default()
        },
    );
    st.items.insert(
        "tls.hsts_preload".into(),
        harden::state::ItemRecord {
            status: harden::state::OperatorStatus::Waived,
            waiver: Some(harden::state::Waiver {
                reason: format!("later{OSC}"),
                owner: "ops\u{1b}[2J".to_string(),
                expires: None,
            }),
            ..Default::default()
        },
    );
    harden::state::store::save(&p.join(".harden/state.toml"), &st).unwrap();
    let mut outputs = Vec::new();
    for f in ["markdown", "html", "json"] {
        outputs.push((
            format!("report {f}"),
            run(&["report", "--project", ".", "--format", f], p),
        ));
    }
    for f in ["text", "markdown", "json", "sarif", "junit"] {
        outputs.push((
            format!("check {f}"),
            run(&["check", "--offline", "--project", ".", "--format", f], p),
        ));
    }
    for (what, (code, out)) in &outputs {
        assert_ne!(*code, 2, "{what}: {out}");
        for bad in ['\u{1b}', '\u{9b}', '\u{7}', '\u{202e}'] {
            assert!(!out.contains(bad), "{what}: a raw {bad:?}");
        }
    }
    // And they were there to be escaped: the report shows the note.
    assert!(outputs[0].1.1.contains("note"), "{}", outputs[0].1.1);
}
