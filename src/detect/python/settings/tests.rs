//! Unit tests of [`super`]: settings found in the shapes real FastAPI
//! applications use.

use super::*;

fn find<'a>(s: &'a Settings, name: &str) -> &'a Setting {
    s.settings
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} not found in {:#?}", s.settings))
}

#[test]
fn a_template_style_settings_model() {
    let s = discover(&Sources::from_texts(&[
        (
            "app/core/config.py",
            r#"
import secrets
from pydantic_settings import BaseSettings, SettingsConfigDict

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file="../.env", env_ignore_empty=True, extra="ignore")
    API_V1_STR: str = "/api/v1"
    SECRET_KEY: str = secrets.token_urlsafe(32)
    # 60 minutes * 24 hours * 8 days = 8 days
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8
    POSTGRES_SERVER: str
    POSTGRES_PASSWORD: str = ""
    FIRST_SUPERUSER_PASSWORD: str = "changethis"
    UNUSED_FLAG: bool = False

settings = Settings()  # type: ignore
"#,
        ),
        (
            "app/core/security.py",
            "from app.core.config import settings\nALGORITHM = 'HS256'\ndef make(d):\n    return jwt.encode(d, settings.SECRET_KEY, algorithm=ALGORITHM)\nTTL = settings.ACCESS_TOKEN_EXPIRE_MINUTES\n",
        ),
        (
            "app/core/db.py",
            "engine = create_engine(f'postgresql://{settings.POSTGRES_SERVER}/{settings.POSTGRES_PASSWORD}')\n",
        ),
        ("tests/test_x.py", "settings.UNUSED_FLAG\n"),
    ]));
    assert_eq!(s.models.len(), 1);
    let m = &s.models[0];
    assert_eq!((m.class.as_str(), m.env_prefix.as_str()), ("Settings", ""));
    assert_eq!(m.env_file, ["../.env"]);
    assert_eq!(m.extra.as_deref(), Some("ignore"));
    let ttl = find(&s, "ACCESS_TOKEN_EXPIRE_MINUTES");
    assert_eq!(ttl.default, Some(Value::Int(11520)));
    assert_eq!(ttl.env, ["ACCESS_TOKEN_EXPIRE_MINUTES"]);
    assert_eq!(ttl.at(), "app/core/config.py:10");
    assert_eq!(ttl.used, [(PathBuf::from("app/core/security.py"), 5)]);
    let key = find(&s, "SECRET_KEY");
    assert_eq!(
        key.default,
        Some(Value::Expr("secrets.token_urlsafe(32)".into()))
    );
    assert!(!key.used.is_empty());
    assert_eq!(find(&s, "POSTGRES_SERVER").default, None, "required");
    assert_eq!(
        find(&s, "FIRST_SUPERUSER_PASSWORD").default,
        Some(Value::Str("changethis".into()))
    );
    assert!(
        find(&s, "UNUSED_FLAG").used.is_empty(),
        "a use in a test does not count"
    );
    assert!(
        s.reading("secret_key").any(|x| x.name == "SECRET_KEY"),
        "case-insensitive"
    );
}

#[test]
fn prefixes_aliases_inner_config_and_inheritance() {
    let s = discover(&Sources::from_texts(&[(
        "svc/settings.py",
        r#"
from pydantic import Field, AliasChoices
from pydantic_settings import BaseSettings

class Base(BaseSettings):
    class Config:
        env_prefix = "SVC_"
        case_sensitive = True
    debug: bool = False

class AppSettings(Base):
    jwt_secret: str = Field("dev-secret", alias="APP_SECRET")
    token_ttl: int = Field(default=30 * 60)
    db_url: str = Field(..., validation_alias=AliasChoices("DATABASE_URL", "DB_URL"))
    allowed_hosts: list[str] = ["localhost"]

class NotSettings(BaseModel):
    secret: str = "x"

cfg = AppSettings()
print(cfg.jwt_secret, cfg.token_ttl, cfg.db_url, cfg.debug)
"#,
    )]));
    let classes: Vec<&str> = s.models.iter().map(|m| m.class.as_str()).collect();
    assert_eq!(classes, ["Base", "AppSettings"]);
    assert!(
        s.models
            .iter()
            .all(|m| m.env_prefix == "SVC_" && m.case_sensitive)
    );
    assert_eq!(find(&s, "debug").env, ["SVC_debug"]);
    let jwt = find(&s, "jwt_secret");
    assert_eq!(
        jwt.env,
        ["APP_SECRET"],
        "an alias is read without the prefix"
    );
    assert_eq!(jwt.default, Some(Value::Str("dev-secret".into())));
    assert_eq!(find(&s, "token_ttl").default, Some(Value::Int(1800)));
    let db = find(&s, "db_url");
    assert_eq!(db.env, ["DATABASE_URL", "DB_URL"]);
    assert_eq!(db.default, None);
    assert!(find(&s, "allowed_hosts").used.is_empty());
    assert!(
        !s.settings.iter().any(|x| x.name == "secret"),
        "a BaseModel is not settings"
    );
    assert!(s.reading("SVC_debug").next().is_some());
    assert!(s.reading("svc_debug").next().is_none(), "case-sensitive");
}

#[test]
fn starlette_config_and_os_environ() {
    let s = discover(&Sources::from_texts(&[
        (
            "app/config.py",
            r#"
import os
from starlette.config import Config
from starlette.datastructures import Secret

config = Config(".env")
DEBUG = config("DEBUG", cast=bool, default=False)
SECRET_KEY = config("SECRET_KEY", cast=Secret)
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
NEVER_USED = os.environ.get("NEVER_USED", "x")
TIMEOUT = int(os.getenv("TIMEOUT", "30"))
os.environ["WRITTEN"] = "1"
"#,
        ),
        (
            "app/main.py",
            "from app.config import DEBUG, SECRET_KEY\nimport app.config as c\napp = Starlette(debug=DEBUG)\nr = Redis.from_url(c.REDIS_URL)\nkey = os.environ['API_KEY']\nprint(TIMEOUT)\n",
        ),
    ]));
    let debug = find(&s, "DEBUG");
    assert_eq!(debug.origin, Origin::Starlette);
    assert_eq!(debug.ty.as_deref(), Some("bool"));
    assert_eq!(debug.default, Some(Value::Bool(false)));
    assert!(!debug.used.is_empty());
    assert_eq!(find(&s, "SECRET_KEY").default, None);
    let redis = find(&s, "REDIS_URL");
    assert_eq!(redis.origin, Origin::Environ);
    assert_eq!(
        redis.default,
        Some(Value::Str("redis://localhost:6379/0".into()))
    );
    assert_eq!(redis.used, [(PathBuf::from("app/main.py"), 4)]);
    assert!(
        find(&s, "NEVER_USED").used.is_empty(),
        "kept in a constant nobody reads"
    );
    assert_eq!(find(&s, "TIMEOUT").default, Some(Value::Str("30".into())));
    let inline = s.reading("API_KEY").next().unwrap();
    assert_eq!(
        (inline.name.as_str(), inline.default.clone()),
        ("key", None)
    );
    assert!(
        s.reading("WRITTEN").next().is_none(),
        "a write is not a read"
    );
}

#[test]
fn control_characters_in_code_never_reach_a_name_or_a_default() {
    let s = discover(&Sources::from_texts(&[(
        "app/c.py",
        "class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"\x1b[31mX_\")\n    KEY: str = os.getenv(\"\x07\")\n    OTHER: str = make(\"\x1b]0;t\x07\")\n",
    )]));
    for st in &s.settings {
        let shown = format!("{:?} {:?}", st.env, st.default.as_ref().map(Value::shown));
        assert!(
            st.env
                .iter()
                .all(|e| e.chars().all(|c| c.is_ascii_graphic())),
            "{shown}"
        );
        if let Some(Value::Expr(e)) = &st.default {
            assert!(!e.chars().any(char::is_control), "{shown}");
        }
    }
    assert_eq!(find(&s, "KEY").env, ["?[31mX_KEY"]);
}
