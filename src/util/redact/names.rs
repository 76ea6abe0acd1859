//! Which names hold secrets: setting keys and URL query parameters.

/// Words of a key name (split on `_`, `-`, `.`) that make it a secret
/// wherever they stand, when a word starts with them.
const SECRET_ANYWHERE: &[&str] = &["PASSWORD", "PASSPHRASE", "SECRET", "CREDENTIAL"];

/// Words that make a key a secret only as its last word (`API_KEY`,
/// `GITHUB_TOKEN`, `BASIC_AUTH`), not in `CACHE_KEY_PREFIX`, `TOKEN_TYPE`
/// or `AUTH_USER_MODEL`.
const SECRET_LAST: &[&str] = &[
    "KEY",
    "KEYS",
    "TOKEN",
    "TOKENS",
    "AUTH",
    "PWD",
    "PASSWD",
    "PASS",
    "SALT",
    "APIKEY",
    "DSN",
    "PSK",
    "SK",
    "SIGNATURE",
];

/// Words before the last that, with a secret last word, still name a
/// secret (`PRIVATE_KEY_PEM`, `SIGNING_KEY_B64`).
const SECRET_ENCODINGS: &[&str] = &["PEM", "B64", "BASE64", "HEX", "JSON", "DER"];

/// Last words of key names that name a setting about a secret, not the
/// secret (`ACCESS_TOKEN_EXPIRE_MINUTES`, `AWS_ACCESS_KEY_ID`,
/// `PASSWORD_MIN_LENGTH`).
const NOT_SECRET_LAST: &[&str] = &[
    "EXPIRE",
    "EXPIRES",
    "MINUTES",
    "DAYS",
    "HOURS",
    "SECONDS",
    "TTL",
    "ALGORITHM",
    "ALG",
    "ID",
    "ENABLED",
    "PATH",
    "FILE",
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "PREFIX",
    "TYPE",
    "MODEL",
    "NAME",
    "HOST",
    "PORT",
    "LEVEL",
    "MODE",
    "BACKEND",
    "CLASS",
    "HEADER",
    "SCHEME",
    "ISSUER",
    "AUDIENCE",
    "URL",
    "URI",
    "ENDPOINT",
    "REGION",
    "USER",
    "USERNAME",
    "FIELD",
    "SIZE",
    "COUNT",
    "LIMIT",
    "VERSION",
    "FORMAT",
    "PROVIDER",
    "METHOD",
    "INTERVAL",
    "TIMEOUT",
    "WINDOW",
    "ATTEMPTS",
    "ROTATION",
    "REQUIRED",
    "POLICY",
    "RESET",
];

fn starts_ci(word: &str, prefix: &str) -> bool {
    word.get(..prefix.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(prefix))
}

fn one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// True when a setting named `key` holds a secret. Word by word and
/// without allocating: it runs for every line of every env file read.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    let words = || key.split(['_', '-', '.']).filter(|w| !w.is_empty());
    // A webhook URL is a credential itself (its path is the token).
    if words().any(|w| starts_ci(w, "WEBHOOK")) {
        return true;
    }
    let mut rev = words().rev();
    let last = rev.next().unwrap_or("");
    if one_of(last, NOT_SECRET_LAST) {
        return false;
    }
    let ends = |suffix: &str| {
        key.len() >= suffix.len()
            && key
                .get(key.len() - suffix.len()..)
                .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
    };
    // The word a secret would end on: the last, or the one before an
    // encoding suffix.
    let tail = if one_of(last, SECRET_ENCODINGS) {
        rev.next().unwrap_or("")
    } else {
        last
    };
    ends("PASSWORD")
        || ends("SECRET")
        || one_of(tail, SECRET_LAST)
        || words().any(|w| SECRET_ANYWHERE.iter().any(|p| starts_ci(w, p)))
}

/// Query parameter names that carry secrets (case-insensitive).
const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "token",
    "key",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "auth",
    "sig",
    "signature",
    "client_secret",
    "x-amz-signature",
    "x-amz-credential",
    "code",
    "session",
    "sessionid",
    "jwt",
    "id_token",
    "x-api-key",
];

/// True when a query parameter of this name carries a secret.
pub fn is_secret_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    SECRET_PARAMS.contains(&n.as_str())
        || n.ends_with("_token")
        || n.ends_with("_secret")
        || n.ends_with("_key")
        || n.ends_with("password")
}
