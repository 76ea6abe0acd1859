//! Real FastAPI project shapes, each a fixture project under
//! `tests/fixtures/projects/` with a hand-written truth table: the status
//! of each item and the setting its evidence must name. The configuration
//! judged is the one the application runs with: its settings model, its
//! prefix and aliases, its code defaults.

mod common;

use common::projects;

/// `harden check --offline --format json` on a copy of fixture `name`.
fn check(name: &str) -> serde_json::Value {
    check_in(name, "")
}

/// As [`check`], with `--project` on the fixture's folder `sub`. The
/// fixture is a git repository of one commit.
fn check_in(name: &str, sub: &str) -> serde_json::Value {
    let root = projects::repo(name);
    check_dir(&root.path().join(sub))
}

/// `harden check --offline --format json --project DIR`.
fn check_dir(dir: &std::path::Path) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("r.json");
    let o = common::run(
        common::harden()
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .args(["check", "--offline", "--format", "json", "--output"])
            .arg(&report)
            .arg("--project")
            .arg(dir),
    );
    // 0 pass, 1 failing, 3 some check could not run; 2 is an input error.
    assert!(matches!(o.code, 0 | 1 | 3), "{}", o.stderr);
    serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap()
}

/// Asserts each (item, status, text the evidence holds, file the finding
/// points at) of a truth table.
fn assert_truth(report: &serde_json::Value, table: &[(&str, &str, &str, &str)]) {
    let items = report["items"].as_array().unwrap();
    let mut wrong = Vec::new();
    for (id, status, says, file) in table {
        let Some(i) = items.iter().find(|i| i["id"] == *id) else {
            wrong.push(format!("{id}: missing"));
            continue;
        };
        let evidence = i["evidence"].as_str().unwrap_or("");
        let at = i["location"]["file"].as_str().unwrap_or("");
        if i["detected"] != *status || !evidence.contains(says) || at != *file {
            wrong.push(format!(
                "{id}: want {status} saying {says:?} at {file:?}, got {} {evidence:?} at {at:?}",
                i["detected"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// pydantic-settings with `env_prefix="OPS_"` and an aliased database
/// URL; the env file was written from an older README: its unprefixed
/// ALLOWED_HOSTS is not read, and the token lifetime is left to the code.
#[test]
fn a_prefixed_settings_model() {
    let r = check("prefixed");
    assert_truth(
        &r,
        &[
            ("env.secret_key_set", "pass", "OPS_SECRET_KEY set", ".env"),
            (
                "env.secret_key_strong",
                "pass",
                "the application reads OPS_SECRET_KEY (app/core/config.py:10)",
                ".env",
            ),
            (
                "env.access_token_expiry",
                "fail",
                "OPS_ACCESS_TOKEN_EXPIRE_MINUTES is not set in .env: the code default 11520 applies (app/core/config.py:12)",
                "app/core/config.py",
            ),
            (
                "cors.no_dev_origins",
                "fail",
                "development origins in OPS_ALLOWED_HOSTS: localhost, 127.0.0.1",
                "app/core/config.py",
            ),
            (
                "cors.allowed_hosts",
                "fail",
                "ALLOWED_HOSTS at .env:2 is not read (the application reads OPS_ALLOWED_HOSTS)",
                "app/core/config.py",
            ),
            ("verify.debug_off", "pass", "OPS_DEBUG=false", ".env"),
            ("logging.log_level", "pass", "OPS_LOG_LEVEL=INFO", ".env"),
            (
                "database.url_tls",
                "pass",
                "asyncpg with ssl=require",
                ".env",
            ),
            // No Redis client, no REDIS_URL: this project has no Redis.
            (
                "rate_limit.redis_url",
                "absent",
                "no code reads REDIS_URL or a setting playing its part",
                "",
            ),
            (
                "rate_limit.enable_redis",
                "absent",
                "this project does not have it",
                "",
            ),
        ],
    );
    assert!(r["summary"]["absent"].as_u64().unwrap() >= 2);
    // The printed fix names the variable the application reads.
    let items = r["items"].as_array().unwrap();
    let dev = items
        .iter()
        .find(|i| i["id"] == "cors.no_dev_origins")
        .unwrap();
    assert!(
        dev["remediation"]
            .as_str()
            .unwrap()
            .contains("from OPS_ALLOWED_HOSTS"),
        "{}",
        dev["remediation"]
    );
}

/// Settings named by the team's own scheme: tokens are signed with
/// APP_SECRET, the CORS list is CORS_ORIGINS, the database and Redis URLs
/// are DB_DSN and CACHE_URL, debug is DEV_MODE. Each is found by how the
/// code uses it (jwt.encode, CORSMiddleware, create_async_engine,
/// Redis.from_url, FastAPI(debug=)) and judged under its own name.
#[test]
fn settings_found_by_their_use_not_their_name() {
    let r = check("renamed");
    assert_truth(
        &r,
        &[
            ("env.secret_key_set", "pass", "APP_SECRET set", ".env"),
            (
                "env.secret_key_not_default",
                "fail",
                "APP_SECRET signs and checks tokens (jwt) at src/shop/app.py:22",
                ".env",
            ),
            (
                "env.jwt_secret_set",
                "fail",
                "tokens are signed with APP_SECRET",
                "src/shop/settings.py",
            ),
            (
                "cors.no_dev_origins",
                "fail",
                "development origins in CORS_ORIGINS: http://localhost:5173",
                ".env",
            ),
            (
                "database.password_strong",
                "fail",
                "the password equals the user name (DB_DSN connects to the database",
                ".env",
            ),
            ("database.url_tls", "fail", "asyncpg without ssl=", ".env"),
            (
                "rate_limit.redis_url",
                "fail",
                "no password (CACHE_URL connects to Redis (from_url) at src/shop/app.py:18",
                ".env",
            ),
            (
                "verify.debug_off",
                "fail",
                "DEV_MODE=true: tracebacks and internals are shown to clients (DEV_MODE turns on debug mode at src/shop/app.py:9",
                ".env",
            ),
        ],
    );
}

/// The shape of the full-stack FastAPI template, checked in `backend/`:
/// SECRET_KEY left to a default drawn at every start, an 8-day token
/// lifetime from the code, and the database URL a property assembled from
/// POSTGRES_* fields, judged as the code builds it.
#[test]
fn a_template_shaped_project_with_a_split_database_url() {
    let r = check_in("template", "backend");
    assert_truth(
        &r,
        &[
            (
                "env.secret_key_set",
                "fail",
                "the code default secrets.token_urlsafe(32) (app/core/config.py:24) draws a new value at every start",
                "app/core/config.py",
            ),
            (
                "env.jwt_secret_set",
                "fail",
                "tokens are signed with SECRET_KEY (SECRET_KEY signs and checks tokens (jwt) at app/core/security.py:12)",
                "app/core/config.py",
            ),
            (
                "env.access_token_expiry",
                "fail",
                "the code default 11520 applies (app/core/config.py:26)",
                "app/core/config.py",
            ),
            (
                "database.url_tls",
                "fail",
                "postgresql+psycopg://postgres:****@db.internal:5432/app: no sslmode",
                "app/core/db.py",
            ),
            (
                "database.password_strong",
                "fail",
                "assembled as the code builds it from POSTGRES_USER (.env:6), POSTGRES_PASSWORD (.env:7), POSTGRES_SERVER (.env:3)",
                "app/core/db.py",
            ),
        ],
    );
    // The assembled password is judged, never shown.
    assert!(!r.to_string().contains("changethis"));
}

/// The same project as a monorepo seen from `backend/`: the security
/// policy, `.github/` and `.gitignore` are at the repository root, and
/// the frontend tracks a `.env.development` of URLs.
#[test]
fn a_monorepo_judged_from_its_root() {
    let r = check_in("template", "backend");
    assert_truth(
        &r,
        &[
            (
                "incident.security_contact",
                "pass",
                "security contact in SECURITY.md (repository root)",
                "",
            ),
            (
                "deps.automated_scanning",
                "pass",
                "Dependabot for pip (.github/dependabot.yml at the repository root)",
                "",
            ),
            (
                "env.secret_key_not_committed",
                "pass",
                "backend/.env is ignored by .gitignore",
                "",
            ),
            (
                "env.secret_key_not_committed",
                "pass",
                "no real-looking secret (samples, URLs, flags): frontend/.env.development (tracked)",
                "",
            ),
            (
                "external.no_secrets_in_repo",
                "pass",
                "the whole repository, project in backend/",
                "",
            ),
        ],
    );
}

/// A repository whose sample-data `.env` is tracked (fake values), whose
/// HTML test page carries an affiliate id shaped like an AWS key, and
/// whose history holds a deploy env file with real-looking secrets,
/// committed once and removed.
#[test]
fn history_judged_by_content() {
    let (d, secrets) = projects::history();
    let r = check_dir(d.path());
    assert_truth(
        &r,
        &[
            (
                "env.secret_key_not_committed",
                "fail",
                "deploy/prod.env (in history, commit ",
                "",
            ),
            (
                "env.secret_key_not_committed",
                "fail",
                "holds real-looking JWT_SECRET (",
                "",
            ),
            (
                "env.secret_key_not_committed",
                "fail",
                "the password in DATABASE_URL (",
                "",
            ),
            (
                "env.secret_key_not_committed",
                "fail",
                "no real-looking secret (samples, URLs, flags): tests/fixtures/.env (tracked)",
                "",
            ),
            (
                "external.no_secrets_in_repo",
                "fail",
                "deploy/prod.env (in history, commit ",
                "",
            ),
        ],
    );
    let text = r.to_string();
    assert!(
        !text.contains("page.html"),
        "an affiliate id in a query is no key"
    );
    for s in secrets {
        assert!(!text.contains(s), "a history secret reached the report");
    }
}

/// Settings as module constants read with os.getenv: defaults come from
/// the getenv calls (a cast around the call included), and a constant
/// nothing uses any more reads nothing, so its env line has no effect.
#[test]
fn os_getenv_constants_some_never_used() {
    let r = check("getenv");
    assert_truth(
        &r,
        &[
            (
                "env.secret_key_strong",
                "pass",
                "SECRET_KEY set, 64 hex chars",
                ".env",
            ),
            (
                "env.access_token_expiry",
                "warn",
                "the code default \"60\" applies (app/settings.py:6)",
                "app/settings.py",
            ),
            (
                "cors.no_dev_origins",
                "fail",
                "development origins in ALLOWED_HOSTS: localhost (ALLOWED_HOSTS is not set in .env: the code default \"localhost\" applies (app/settings.py:5))",
                "app/settings.py",
            ),
            (
                "logging.log_level",
                "warn",
                "set, but nothing in the code reads LOG_LEVEL: setting it has no effect",
                ".env",
            ),
        ],
    );
}

/// Starlette's Config: casts and defaults read from `config(...)` calls;
/// the code's `default="*"` for the trusted hosts is what runs.
#[test]
fn a_starlette_config() {
    let r = check("starlette");
    assert_truth(
        &r,
        &[
            (
                "env.secret_key_not_default",
                "fail",
                "SECRET_KEY is a `your-…-here` placeholder",
                ".env",
            ),
            (
                "cors.no_dev_origins",
                "fail",
                "development origins in ALLOWED_HOSTS: * (ALLOWED_HOSTS is not set in .env: the code default \"*\" applies (app/config.py:8))",
                "app/config.py",
            ),
            (
                "database.url_tls",
                "unknown",
                "the code default \"sqlite:///./app.db\" applies (app/config.py:9)",
                "app/config.py",
            ),
            ("verify.debug_off", "pass", "DEBUG=False", ".env"),
            // Sessions, not JWTs: no token lifetime, no JWT key.
            (
                "env.access_token_expiry",
                "absent",
                "no code reads ACCESS_TOKEN_EXPIRE_MINUTES",
                "",
            ),
            (
                "env.jwt_secret_set",
                "absent",
                "no code reads JWT_SECRET_KEY",
                "",
            ),
        ],
    );
}

/// `absent` in every format: never a reason to fail, a SARIF note, a
/// JUnit skip; and it leaves the exit code as the rest decides it.
#[test]
fn absent_items_in_each_report_format() {
    let root = projects::copy("starlette");
    let out = tempfile::tempdir().unwrap();
    let (sarif, junit) = (out.path().join("r.sarif"), out.path().join("r.xml"));
    for (fmt, path) in [("sarif", &sarif), ("junit", &junit)] {
        let o = common::run(
            common::harden()
                .env("HARDEN_LOOPBACK_ONLY", "1")
                .args(["check", "--offline", "--format", fmt, "--output"])
                .arg(path)
                .arg("--project")
                .arg(root.path()),
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "env.access_token_expiry")
        .expect("absent items are reported as notes");
    assert_eq!(r["level"], "note");
    assert_eq!(r["properties"]["status"], "absent");
    let junit = std::fs::read_to_string(&junit).unwrap();
    let case = junit
        .split("<testcase")
        .find(|c| c.contains("env.access_token_expiry"))
        .unwrap();
    assert!(case.contains("<skipped message=\"absent"), "{case}");
}

/// A uv project: pinned by its uv.lock, installed frozen by its
/// Dockerfile, scanned by Dependabot's uv ecosystem.
#[test]
fn a_uv_locked_project() {
    let r = check("uvlock");
    assert_truth(
        &r,
        &[
            (
                "deps.pinned",
                "pass",
                "uv.lock locks the dependencies (uv), installed from it at Dockerfile:5",
                "",
            ),
            ("deps.automated_scanning", "pass", "Dependabot for uv", ""),
        ],
    );
}

/// A Poetry project whose image installs with `pip install .`: the lock
/// exists, but production does not install from it.
#[test]
fn a_poetry_project_whose_image_ignores_the_lock() {
    let r = check("poetry");
    assert_truth(
        &r,
        &[(
            "deps.pinned",
            "warn",
            "poetry.lock locks the dependencies, but no Dockerfile or CI workflow installs from it frozen",
            "",
        )],
    );
}

/// A database password equal to the project's name (pyproject's
/// `[tool.poetry].name`) is a default, and the name is not printed: it is
/// the password.
#[test]
fn a_password_that_is_the_project_name() {
    let r = check("poetry");
    assert_truth(
        &r,
        &[(
            "database.password_strong",
            "fail",
            "the password is the project's name",
            ".env",
        )],
    );
    assert!(
        !r.to_string().contains("Billing"),
        "the password reached the report"
    );
}

/// A loopback listener that counts the connections it is sent and closes
/// each at once.
struct Counter {
    port: u16,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Counter {
    fn start() -> Counter {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(c);
            }
        });
        Counter { port, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The live probes aim where the application connects, under its own
/// names (`OPS_` prefix), and never at a host that only a code default
/// names: the operator did not give it, and production may not use it.
#[test]
fn probes_dial_only_hosts_the_env_file_gives() {
    let code_only = Counter::start();
    let given = Counter::start();
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir_all(p.join("app")).unwrap();
    std::fs::write(
        p.join("app/config.py"),
        format!(
            "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\
             class Settings(BaseSettings):\n    \
             model_config = SettingsConfigDict(env_prefix=\"OPS_\")\n    \
             REDIS_URL: str = \"redis://127.0.0.1:{c}/0\"\n    \
             DATABASE_URL: str = \"postgresql://app@127.0.0.1:{c}/app\"\n\n\
             settings = Settings()\n",
            c = code_only.port
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("app/main.py"),
        "import redis\nfrom sqlalchemy import create_engine\nfrom app.config import settings\n\n\
         cache = redis.Redis.from_url(settings.REDIS_URL)\n\
         engine = create_engine(settings.DATABASE_URL)\n",
    )
    .unwrap();
    std::fs::write(
        p.join(".env"),
        format!(
            "OPS_DATABASE_URL=postgresql://app@127.0.0.1:{}/app\n",
            given.port
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("r.json");
    let o = common::run(
        common::harden()
            .args(["check", "--format", "json", "--timeout", "2", "--output"])
            .arg(&report)
            .arg("--pip-audit-json")
            .arg(common::fixture("pip-audit/clean-2x.json"))
            .arg("--project")
            .arg(p),
    );
    assert!(o.code <= 3, "{}", o.stderr);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(code_only.hits(), 0, "a code default's host was dialled");
    assert!(given.hits() >= 1, "the env file's host was not probed");
    assert_truth(
        &r,
        &[(
            "rate_limit.redis_reachable",
            "skipped",
            "OPS_REDIS_URL is not set in the env file: only the code default (app/config.py:5) names a host",
            "",
        )],
    );
}

/// The team's corrections in `.harden/config.toml`: the Starlette app's
/// trusted hosts and database are read under the names the config gives,
/// and Redis, which the config says the project lacks, is absent (its
/// probe dials nothing).
#[test]
fn the_config_corrects_the_mapping() {
    let d = projects::repo("starlette");
    let p = d.path();
    std::fs::create_dir(p.join(".harden")).unwrap();
    std::fs::write(
        p.join(".harden/config.toml"),
        "# ours\n[settings]\nREDIS_URL = \"none\"\nALLOWED_HOSTS = \"TRUSTED_HOSTS\"\nDATABASE_URL = \"DB_DSN\"\n",
    )
    .unwrap();
    let mut env = std::fs::read_to_string(p.join(".env")).unwrap();
    env.push_str("TRUSTED_HOSTS=localhost,*\nDB_DSN=postgresql://app:Xk82mPq9Lr4TzW7v@db.internal/app?sslmode=verify-full\n");
    std::fs::write(p.join(".env"), env).unwrap();
    let r = check_dir(p);
    assert_truth(
        &r,
        &[
            (
                "cors.no_dev_origins",
                "fail",
                "development origins in TRUSTED_HOSTS: localhost, * (TRUSTED_HOSTS is named for this part by the project's config at .harden/config.toml:4; set at .env:3)",
                ".env",
            ),
            ("database.url_tls", "pass", "sslmode=verify-full", ".env"),
            (
                "rate_limit.redis_url",
                "absent",
                ".harden/config.toml:3 says this project has no REDIS_URL setting",
                "",
            ),
        ],
    );
    assert!(
        !r.to_string().contains("Xk82mPq9"),
        "the DSN's password leaked"
    );
}

/// A broken config stops `check` with its line, and nothing is written.
#[test]
fn a_broken_config_says_where() {
    let d = projects::repo("starlette");
    let p = d.path();
    std::fs::create_dir(p.join(".harden")).unwrap();
    for (text, says) in [
        (
            "[settings]\nSECRET_KEY = \"two words\"\n",
            ".harden/config.toml:2: SECRET_KEY = \"two words\" is not a setting name",
        ),
        (
            "[settings]\nREDIS = \"X\"\n",
            ".harden/config.toml:2: [settings] names \"REDIS\", which is not a checklist setting",
        ),
        ("[settings\n", ".harden/config.toml:1: not valid TOML"),
    ] {
        std::fs::write(p.join(".harden/config.toml"), text).unwrap();
        let out = tempfile::tempdir().unwrap();
        let report = out.path().join("r.json");
        let o = common::run(
            common::harden()
                .args(["check", "--offline", "--format", "json", "--output"])
                .arg(&report)
                .arg("--project")
                .arg(p),
        );
        assert_eq!(o.code, 2, "{text:?}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{text:?}: {}", o.stderr);
        assert!(!report.exists());
    }
}

/// The prefixed project with `extra` left at pydantic-settings' default
/// (`forbid`): its README-era unprefixed ALLOWED_HOSTS line is an extra
/// input, which 2.7.1 refuses at start-up and 2.1.0 skipped (before 2.2.0,
/// a prefixed model ignored unprefixed dotenv keys). The evidence says
/// which version and behaviour were assumed.
#[test]
fn extra_keys_judged_by_the_locked_pydantic_settings() {
    for (pin, status, says) in [
        (
            "pydantic-settings==2.7.1",
            "fail",
            "pydantic-settings 2.7.1 (requirements.txt) with extra='forbid' (its default) with that line refuses to start: Settings (app/core/config.py:7) has no field for ALLOWED_HOSTS",
        ),
        (
            "pydantic-settings==2.1.0",
            "fail",
            "pydantic-settings 2.1.0 (requirements.txt) with extra='forbid' (its default) ignores that line",
        ),
        (
            "pydantic-settings>=2",
            "fail",
            "pydantic-settings as of 2.2 or later (no pinned or locked version found) with extra='forbid' (its default) with that line refuses to start",
        ),
    ] {
        let d = projects::repo("prefixed");
        let p = d.path();
        let config = p.join("app/core/config.py");
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace(", extra=\"ignore\"", "");
        std::fs::write(&config, text).unwrap();
        std::fs::write(
            p.join("requirements.txt"),
            format!("fastapi==0.115.6\n{pin}\nPyJWT==2.10.1\n"),
        )
        .unwrap();
        let r = check_dir(p);
        assert_truth(
            &r,
            &[("cors.allowed_hosts", status, says, "app/core/config.py")],
        );
    }
}

/// Redis built from its parts (`Redis(host=…, port=…, password=…)`): the
/// URL is assembled as the client connects and judged as REDIS_URL (a
/// password, but a plain connection to a host off this machine), the
/// password never shown.
#[test]
fn redis_from_its_parts() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::create_dir_all(p.join("app")).unwrap();
    std::fs::write(
        p.join("app/config.py"),
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\
         class Settings(BaseSettings):\n    \
         model_config = SettingsConfigDict(env_file=\".env\")\n    \
         REDIS_HOST: str = \"localhost\"\n    \
         REDIS_PORT: int = 6379\n    \
         REDIS_PASSWORD: str = \"\"\n\n\
         settings = Settings()\n",
    )
    .unwrap();
    std::fs::write(
        p.join("app/main.py"),
        "import redis\nfrom app.config import settings\n\n\
         cache = redis.Redis(host=settings.REDIS_HOST, port=settings.REDIS_PORT, password=settings.REDIS_PASSWORD)\n",
    )
    .unwrap();
    std::fs::write(
        p.join(".env"),
        "REDIS_HOST=cache.internal\nREDIS_PASSWORD=Tq7mW2xK9pL4vR8zN3cB\n",
    )
    .unwrap();
    std::fs::write(p.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(
        p.join("requirements.txt"),
        "fastapi==0.118.0\nredis==6.4.0\n",
    )
    .unwrap();
    projects::git(p, &["init", "-q", "-b", "main"]);
    projects::git(p, &["add", "-A"]);
    projects::git(p, &["commit", "-q", "-m", "import"]);
    let r = check_dir(p);
    assert_truth(
        &r,
        &[
            (
                "rate_limit.redis_url",
                "warn",
                "redis://****@cache.internal:6379: password set, 20 base64-like chars, sha256 4f29…, but no TLS (redis://) (the URL the application connects to Redis (host, port, password) at app/main.py:4; assembled as the code builds it from REDIS_HOST (.env:1), REDIS_PORT (code default, app/config.py:6), REDIS_PASSWORD (.env:2)",
                "app/main.py",
            ),
            // No CORS middleware and no origins setting anywhere: absent,
            // not an open question.
            (
                "cors.no_dev_origins",
                "absent",
                "no code reads ALLOWED_HOSTS or a setting playing its part",
                "",
            ),
        ],
    );
    assert!(!r.to_string().contains("Tq7mW2xK9pL4vR8zN3cB"));
}

/// A secret read under a name that does not say so, named by the config
/// for SECRET_KEY and (carelessly or not) for LOG_LEVEL too: the value is
/// masked in every report format, and its committed copy in an old env
/// file is found although no key name there says secret.
#[test]
fn a_secret_named_by_the_config_is_masked_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let secret = "Hn4Rt7Wq2Zx9Lp3Vb6Mk8Jd1";
    std::fs::create_dir_all(p.join("app")).unwrap();
    std::fs::create_dir_all(p.join(".harden")).unwrap();
    std::fs::write(
        p.join("app/main.py"),
        "import os\nimport jwt\n\nK = os.getenv(\"APP_SIGNING\")\n\n\ndef token():\n    return jwt.encode({}, K)\n",
    )
    .unwrap();
    std::fs::write(p.join("requirements.txt"), "PyJWT==2.10.1\n").unwrap();
    std::fs::write(p.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(
        p.join("old.env.production"),
        format!("APP_SIGNING={secret}\n"),
    )
    .unwrap();
    projects::git(p, &["init", "-q", "-b", "main"]);
    projects::git(p, &["add", "-A"]);
    projects::git(p, &["commit", "-q", "-m", "import"]);
    projects::git(p, &["rm", "-q", "old.env.production"]);
    projects::git(p, &["commit", "-q", "-m", "rm"]);
    std::fs::write(p.join(".env"), format!("APP_SIGNING={secret}\n")).unwrap();
    std::fs::write(
        p.join(".harden/config.toml"),
        "[settings]\nSECRET_KEY = \"APP_SIGNING\"\nLOG_LEVEL = \"APP_SIGNING\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    for format in ["json", "sarif", "markdown", "junit", "text"] {
        let report = out.path().join(format!("r.{format}"));
        let o = common::run(
            common::harden()
                .args(["check", "--offline", "--format", format, "--output"])
                .arg(&report)
                .arg("--project")
                .arg(p),
        );
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(
            !text.contains(secret),
            "{format}: the secret reached the report"
        );
        assert!(!o.stdout.contains(secret) && !o.stderr.contains(secret));
        if format == "json" {
            assert!(
                text.contains("APP_SIGNING=\\\"‹secret›\\\" is not a log level"),
                "{text}"
            );
            let r: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_truth(
                &r,
                &[(
                    "env.secret_key_not_committed",
                    "fail",
                    "old.env.production (in history, commit ",
                    "",
                )],
            );
        }
    }
}
