//! Keyed fingerprints of the env file's secrets (issue 18), so a fleet can
//! tell whether its hosts share a secret, or reuse one where they must not,
//! without any host revealing it: HMAC-SHA256 under a fleet key every host
//! is handed (`HARDEN_FINGERPRINT_KEY`, or `HARDEN_FINGERPRINT_KEY_FILE`
//! naming a file that holds it), cut to 128 bits. Without the key nothing
//! is fingerprinted: a plain hash of a secret would help whoever reads the
//! report guess it offline.

use std::collections::BTreeMap;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::envfile::EnvFile;

/// The variable that holds the fleet key.
pub const KEY_ENV: &str = "HARDEN_FINGERPRINT_KEY";
/// The variable that names a file holding it (an Ansible task can then
/// copy the key with `no_log` and run harden without it in its arguments).
pub const KEY_FILE_ENV: &str = "HARDEN_FINGERPRINT_KEY_FILE";
/// The shortest key accepted: 128 bits.
pub const MIN_KEY_BYTES: usize = 16;

/// What a report carries: which key (by an id derived from it, never the
/// key) and one fingerprint per secret, by the name it has in the env file
/// (`DATABASE_URL#password` for a password inside a URL).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprints {
    pub key_id: String,
    pub secrets: BTreeMap<String, String>,
    /// What a URL's password is for, by the URL's scheme (`redis`,
    /// `database`, `broker`): a fleet judges reuse by purpose, and a
    /// variable's name (`CELERY_BROKER_URL`) does not always say it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<String, String>,
}

/// The purpose of a URL by its scheme, where the scheme says it.
fn url_kind(scheme: &str) -> Option<&'static str> {
    let s = scheme.to_ascii_lowercase();
    let base = s.split('+').next().unwrap_or(&s);
    match base {
        "redis" | "rediss" => Some("redis"),
        "postgres" | "postgresql" | "mysql" | "mariadb" | "mssql" | "oracle" => Some("database"),
        "amqp" | "amqps" => Some("broker"),
        _ => None,
    }
}

/// The fleet key. Its bytes are never printed, not even by `Debug`.
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

impl Key {
    /// A key from its bytes.
    ///
    /// # Errors
    /// Says how long it is and how long it must be, never what it holds.
    pub fn new(bytes: &[u8], from: &str) -> Result<Key, String> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(format!(
                "{from} holds {} bytes; a fleet key needs at least {MIN_KEY_BYTES} (128 bits), \
                 for example `openssl rand -hex 32`",
                bytes.len()
            ));
        }
        Ok(Key(bytes.to_vec()))
    }

    /// The key from the environment: `HARDEN_FINGERPRINT_KEY`, else the
    /// file `HARDEN_FINGERPRINT_KEY_FILE` names (one line; its newline is
    /// not part of the key). Unset or empty is `None`.
    ///
    /// # Errors
    /// A key too short, or a key file that cannot be read as one.
    pub fn from_env() -> Result<Option<Key>, String> {
        if let Some(v) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
            return Key::new(v.as_encoded_bytes(), KEY_ENV).map(Some);
        }
        let Some(file) = std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let path = Path::new(&file);
        let bytes = crate::util::fsio::read_input(path, 4096, true)
            .map_err(|e| format!("{KEY_FILE_ENV}: cannot read {}: {e}", path.display()))?;
        // Line ends and blank lines after the key are not part of it.
        let mut text = &bytes[..];
        while let [rest @ .., b'\n' | b'\r'] = text {
            text = rest;
        }
        Key::new(text, &format!("{KEY_FILE_ENV} ({})", path.display())).map(Some)
    }

    /// 128 bits of HMAC-SHA256 over a purpose and a value, in hex.
    fn mac(&self, purpose: &[u8], value: &[u8]) -> String {
        let mut m =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        m.update(purpose);
        m.update(&[0]);
        m.update(value);
        let out = m.finalize().into_bytes();
        out[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Names the key without revealing it, so a fleet can tell that two
    /// hosts used the same one.
    pub fn id(&self) -> String {
        self.mac(b"harden fleet key id", b"")
    }

    /// One secret's fingerprint. The purpose string is the same for every
    /// name, so one value used under two names shows as reuse.
    pub fn fingerprint(&self, value: &str) -> String {
        self.mac(b"harden secret", value.as_bytes())
    }
}

/// The fingerprints of an env file's secrets: every variable whose name
/// says it holds one (as the env detector judges them), and the password
/// inside every URL value (a database or Redis URL). Empty values and
/// `${...}` references are left out: they are not the secret.
pub fn of_env(key: &Key, env: &EnvFile) -> Fingerprints {
    let mut secrets = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for e in &env.entries {
        if e.value.is_empty() || e.reference {
            continue;
        }
        if super::env::is_secret_key(&e.key) && !e.value.contains("://") {
            secrets.insert(e.key.clone(), key.fingerprint(&e.value));
        }
        if let Ok(u) = url::Url::parse(&e.value)
            && let Some(p) = u.password()
            && !p.is_empty()
        {
            let p = crate::util::redact::percent_decode(p);
            let name = format!("{}#password", e.key);
            if let Some(k) = url_kind(u.scheme()) {
                kinds.insert(name.clone(), k.to_string());
            }
            secrets.insert(name, key.fingerprint(&p));
        }
    }
    Fingerprints {
        key_id: key.id(),
        secrets,
        kinds,
    }
}
