//! The secrets of a generated set: made once, kept across runs whatever
//! their format (unless rotation is asked), masked wherever they are shown.

use rand::RngExt;
use serde::Serialize;

use std::path::Path;

use super::ENV_FILE;
use crate::detect::envfile;

/// Generated secrets. `Debug` never shows them. The default (all empty)
/// is for planning only, when the files are already rendered.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct Secrets {
    pub secret_key: String,
    pub jwt_secret_key: String,
    pub redis_password: String,
    pub database_password: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

/// 32 random bytes from the OS-seeded generator, as 64 hex characters
/// (what `openssl rand -hex 32` prints).
pub fn random_hex32() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Secrets {
    /// Fresh secrets (remembered by the masking path).
    pub fn generate() -> Self {
        let s = Secrets {
            secret_key: random_hex32(),
            jwt_secret_key: random_hex32(),
            redis_password: random_hex32(),
            database_password: random_hex32(),
        };
        s.remember();
        s
    }

    /// The secrets an earlier run (or the operator) wrote to
    /// `OUT/.env.production`, each kept whatever its format: a secret is
    /// never rotated without `--rotate-secrets`. Only the missing ones are
    /// new. Returns the secrets and the names of those kept.
    pub fn kept_or_new(out: &Path) -> (Self, Vec<&'static str>) {
        let mut s = Secrets::generate();
        let mut kept = Vec::new();
        let Ok(file) = envfile::read(&out.join(ENV_FILE)) else {
            s.remember();
            return (s, kept);
        };
        let value = |k: &str| file.value(k).filter(|v| !v.is_empty()).map(str::to_string);
        let pw = |k: &str| {
            file.value(k)
                .and_then(|v| url::Url::parse(v).ok())
                .and_then(|u| u.password().map(crate::util::redact::percent_decode))
                .filter(|p| !p.is_empty())
        };
        for (name, slot, found) in [
            ("SECRET_KEY", &mut s.secret_key, value("SECRET_KEY")),
            (
                "JWT_SECRET_KEY",
                &mut s.jwt_secret_key,
                value("JWT_SECRET_KEY"),
            ),
            ("the Redis password", &mut s.redis_password, pw("REDIS_URL")),
            (
                "the database password",
                &mut s.database_password,
                pw("DATABASE_URL"),
            ),
        ] {
            if let Some(v) = found {
                *slot = v;
                kept.push(name);
            }
        }
        s.remember();
        (s, kept)
    }

    /// Hands every secret to the one masking path.
    pub fn remember(&self) {
        for v in self.all() {
            crate::util::redact::remember(v);
        }
        if !self.redis_password.is_empty() {
            crate::util::redact::remember(&self.redis_acl_hash());
        }
    }

    /// The ACL form of the Redis password: `#` and its SHA-256 in hex, so
    /// redis.conf does not hold the password itself. Masked like a secret
    /// all the same: a kept password chosen by hand could be guessed from it.
    pub fn redis_acl_hash(&self) -> String {
        use sha2::Digest;
        let h = sha2::Sha256::digest(self.redis_password.as_bytes());
        format!(
            "#{}",
            h.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    }

    fn all(&self) -> [&str; 4] {
        [
            &self.secret_key,
            &self.jwt_secret_key,
            &self.redis_password,
            &self.database_password,
        ]
    }

    /// Masks `text` for diffs and messages: these secrets and every other
    /// secret harden knows of, through the one masking path.
    pub fn mask(&self, text: &str) -> String {
        self.remember();
        crate::util::redact::redact(text)
    }

    /// Masks a file that holds secrets (the env file, redis.conf) line by
    /// line first, by key, whatever the secrets' length or quoting; then
    /// as [`Secrets::mask`].
    pub fn mask_file(&self, text: &str) -> String {
        // Whole known secrets first (a password with a space is one
        // secret), then line by line by key.
        crate::util::redact::mask_secret_lines(&self.mask(text))
    }
}
