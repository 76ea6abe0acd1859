//! Authentication as the code implements it: how passwords are hashed,
//! whether failed logins are counted, whether the login routes are rate
//! limited.

use super::Ctx;
use crate::detect::python::Field as _;
use crate::detect::{Finding, Outcome};

/// Route paths and handler names that authenticate or create accounts.
fn is_auth_route(route: &str, name: &str) -> bool {
    let r = route.to_ascii_lowercase();
    let n = name.to_ascii_lowercase();
    [
        "login", "token", "signin", "sign-in", "register", "signup", "sign-up", "password", "reset",
    ]
    .iter()
    .any(|k| r.contains(k) || n.contains(k))
}

fn hashing(ctx: &Ctx) -> Finding {
    let item = "auth.bcrypt";
    let all = &ctx.calls;
    // A fast hash over something named like a password.
    for c in all {
        let callee = c.callee();
        if [
            "hashlib.md5",
            "hashlib.sha1",
            "hashlib.sha256",
            "hashlib.sha512",
            "md5",
            "sha1",
            "sha256",
        ]
        .contains(&callee)
        {
            let args = c.text(c.node).to_ascii_lowercase();
            if args.contains("password") || args.contains("passwd") || args.contains("pwd") {
                let loc = c.location();
                return Finding::new(
                    item,
                    Outcome::Fail,
                    format!("{}: passwords are hashed with {callee}, a fast hash cracked offline in hours", c.at()),
                )
                .fix("Hash passwords with bcrypt (passlib CryptContext(schemes=[\"bcrypt\"]) or the bcrypt package) or argon2 (pwdlib, argon2-cffi).")
                .at(loc.file, loc.line);
            }
        }
    }
    for c in all {
        let text = c.text(c.node);
        let scheme = match c.name() {
            "CryptContext" => ["bcrypt", "argon2", "scrypt"]
                .into_iter()
                .find(|s| text.contains(&format!("\"{s}\"")) || text.contains(&format!("'{s}'"))),
            "hashpw" | "gensalt" => Some("bcrypt"),
            "PasswordHasher" | "PasswordHash" => Some("argon2"),
            "scrypt" if c.callee().contains("hashlib") => Some("scrypt"),
            _ => None,
        };
        if let Some(s) = scheme {
            let loc = c.location();
            let note = if s == "bcrypt" {
                ""
            } else {
                " (as slow on purpose as bcrypt, and stronger against GPUs)"
            };
            return Finding::new(
                item,
                Outcome::Pass,
                format!("{}: passwords are hashed with {s}{note}", c.at()),
            )
            .at(loc.file, loc.line);
        }
    }
    Finding::new(
        item,
        Outcome::Unknown,
        "no password hashing found in the code (looked for passlib, bcrypt, argon2, pwdlib and hashlib)",
    )
}

fn lockout(ctx: &Ctx) -> Finding {
    let item = "auth.account_lockout";
    let names = [
        "failed_login_attempts",
        "failed_attempts",
        "login_attempts",
        "locked_until",
        "lockout",
        "is_locked",
    ];
    for src in ctx.sources.app() {
        let lower = src.text.to_ascii_lowercase();
        if let Some(n) = names.iter().find(|n| lower.contains(*n)) {
            let line = lower[..lower.find(n).unwrap_or(0)].matches('\n').count() + 1;
            return Finding::new(
                item,
                Outcome::Pass,
                format!(
                    "{}:{line}: failed logins are counted ({n})",
                    src.path.display()
                ),
            )
            .at(src.path.display().to_string(), line);
        }
    }
    Finding::new(
        item,
        Outcome::Absent,
        "no failed-login counter or lockout found in the code (looked for failed_attempts, locked_until, lockout)",
    )
}

fn auth_rate_limit(ctx: &Ctx) -> Finding {
    let item = "rate_limit.auth_limit";
    let mut limited = Vec::new();
    let mut open = Vec::new();
    for (src, def, route) in &ctx.routes {
        let (src, def) = (*src, *def);
        {
            let name = def.field("name").map_or("", |n| src.text_of(n));
            if !is_auth_route(route, name) {
                continue;
            }
            // The decorators and the signature of the whole definition.
            let whole = def.parent().map_or("", |p| src.text_of(p));
            let head = whole.split(':').take(2).collect::<Vec<_>>().join(":");
            let has_limit = whole.contains(".limit(")
                || head.contains("RateLimiter(")
                || whole.contains("Depends(RateLimiter");
            let at = format!("{route} at {}", src.at(def));
            if has_limit {
                limited.push(at);
            } else {
                open.push(at);
            }
        }
    }
    match (limited.len(), open.len()) {
        (0, 0) => Finding::new(
            item,
            Outcome::Unknown,
            "no login, registration or password-reset route found in the code",
        ),
        (_, 0) => Finding::new(
            item,
            Outcome::Pass,
            format!("every authentication route is rate limited: {}", limited.join("; ")),
        ),
        (_, _) => Finding::new(
            item,
            Outcome::Fail,
            format!("authentication routes without a rate limit: {}", open.join("; ")),
        )
        .fix("Decorate them with slowapi's @limiter.limit(\"5/minute\") (and a request: Request parameter), or add dependencies=[Depends(RateLimiter(times=5, minutes=1))] with fastapi-limiter."),
    }
}

/// Why a `jwt.decode` call accepts tokens it should not, if it does.
fn weak_decode(c: &super::Call) -> Option<String> {
    let pos = c.positional();
    // PyJWT and python-jose both take `algorithms` third.
    let algorithms = c.kwarg("algorithms").or_else(|| pos.get(2).copied());
    let Some(alg) = algorithms else {
        return Some("no algorithms=[...]: the token's own header picks how it is checked".into());
    };
    let alg_text = c.text(alg);
    if alg_text.contains("get_unverified_header") {
        return Some("the algorithm list is read from the token's own header: the token picks how it is checked".into());
    }
    if alg_text.trim() == "None" {
        return Some("algorithms=None: the token's own header picks how it is checked".into());
    }
    if alg_text.to_ascii_lowercase().contains("\"none\"")
        || alg_text.to_ascii_lowercase().contains("'none'")
    {
        return Some(format!(
            "algorithms={alg_text} accepts unsigned tokens ('none')"
        ));
    }
    if let Some(opts) = c.kwarg("options").or_else(|| pos.get(3).copied()) {
        let t: String = c
            .text(opts)
            .chars()
            .filter(|ch| !ch.is_whitespace())
            .collect();
        for (flag, what) in [
            (
                "verify_signature",
                "the signature is not checked: anyone can make a token",
            ),
            (
                "verify_exp",
                "expiry is not checked: a token is good forever",
            ),
        ] {
            // {"flag": False} and dict(flag=False).
            let off = ['"', '\'']
                .iter()
                .any(|q| t.contains(&format!("{q}{flag}{q}:False")))
                || t.contains(&format!("{flag}=False"));
            if off {
                return Some(format!("options {flag}: False: {what}"));
            }
        }
    }
    if c.kwarg("verify").is_some_and(|v| c.text(v) == "False") {
        return Some("verify=False: the signature is not checked: anyone can make a token".into());
    }
    None
}

/// A version's numbers (`3.3.0` is [3, 3, 0]); text after them is left.
fn version_numbers(v: &str) -> Vec<u64> {
    let mut n: Vec<u64> = v
        .trim()
        .split('.')
        .map_while(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    // 3.4 is 3.4.0.
    while n.len() < 3 {
        n.push(0);
    }
    n
}

/// True for a call of a JWT library's `decode`: `jwt.decode`,
/// `jose.jwt.decode`, or `decode` imported from one (`from jwt import
/// decode`); not `.decode('utf-8')` on bytes a JWT call returned.
fn is_jwt_decode(c: &super::Call) -> bool {
    if c.name() != "decode" {
        return false;
    }
    match c.callee().rsplit_once('.') {
        Some((obj, _)) => {
            let last = obj.rsplit('.').next().unwrap_or(obj).to_ascii_lowercase();
            !obj.contains(['(', '['])
                && matches!(last.as_str(), "jwt" | "pyjwt" | "jose_jwt" | "jws")
        }
        None => ["from jwt import", "from jose.jwt import"]
            .iter()
            .any(|imp| {
                c.src
                    .text
                    .lines()
                    .any(|l| l.trim_start().starts_with(imp) && l.contains("decode"))
            }),
    }
}

fn token_verification(ctx: &Ctx) -> Finding {
    let item = "auth.token_verification";
    let decodes: Vec<&super::Call> = ctx.calls.iter().filter(|c| is_jwt_decode(c)).collect();
    for c in &decodes {
        if let Some(why) = weak_decode(c) {
            let loc = c.location();
            return Finding::new(item, Outcome::Fail, format!("{}: {}(): {why}", c.at(), c.callee()))
                .fix("jwt.decode(token, key, algorithms=[\"HS256\"]) with the default options (signature and expiry checked).")
                .at(loc.file, loc.line);
        }
    }
    // python-jose before 3.4.0: CVE-2024-33663 and CVE-2024-33664.
    let uses_jose = ctx
        .sources
        .app()
        .any(|s| s.text.contains("from jose") || s.text.contains("import jose"));
    let jose = crate::detect::deps::locked_version(ctx.project, "python-jose");
    if let Some((v, file)) = &jose
        && !v.trim().is_empty()
        && version_numbers(v) < vec![3, 4, 0]
    {
        return Finding::new(
            item,
            Outcome::Fail,
            format!("{file} installs python-jose {v}: before 3.4.0 it has CVE-2024-33663 (algorithm confusion with ECDSA keys) and CVE-2024-33664 (a crafted token exhausts memory)"),
        )
        .fix("Upgrade to python-jose>=3.4.0, or move to PyJWT (pyjwt>=2.8).");
    }
    if decodes.is_empty() {
        return Finding::new(
            item,
            Outcome::Absent,
            "no jwt.decode call in the code (the application may not use JSON Web Tokens)",
        );
    }
    let library = match (&jose, uses_jose) {
        (Some((v, file)), _) => format!("; python-jose {v} ({file})"),
        (None, true) => {
            "; python-jose is imported but its version is not pinned: check it is 3.4.0 or later"
                .into()
        }
        (None, false) => String::new(),
    };
    let first = decodes[0];
    Finding::new(
        item,
        Outcome::Pass,
        format!(
            "{} jwt.decode call(s), each with an explicit algorithm list and the signature and expiry checked (first at {}){library}",
            decodes.len(),
            first.at()
        ),
    )
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    vec![
        hashing(ctx),
        lockout(ctx),
        auth_rate_limit(ctx),
        token_verification(ctx),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::tests::one;
    use crate::detect::Outcome::*;

    #[test]
    fn token_checks_that_accept_forged_or_expired_tokens_fail() {
        let item = "auth.token_verification";
        for (call, why) in [
            ("jwt.decode(t, KEY)", "no algorithms"),
            ("jwt.decode(t, KEY, algorithms=None)", "algorithms=None"),
            ("jwt.decode(t, KEY, algorithms=['HS256', 'none'])", "'none'"),
            (
                "jwt.decode(t, KEY, algorithms=['HS256'], options={'verify_signature': False})",
                "verify_signature",
            ),
            (
                "jwt.decode(t, KEY, algorithms=['HS256'], options={\"verify_exp\": False})",
                "verify_exp",
            ),
            (
                "jwt.decode(t, KEY, verify=False, algorithms=['HS256'])",
                "verify=False",
            ),
        ] {
            let f = one(
                &format!("import jwt\ndef check(t):\n    return {call}\n"),
                item,
            );
            assert_eq!(f.outcome, Fail, "{call}");
            assert!(f.evidence.contains(why), "{call}: {}", f.evidence);
            assert!(f.evidence.starts_with("app/main.py:3:"), "{}", f.evidence);
        }
        for call in [
            "jwt.decode(t, KEY, algorithms=['HS256'])",
            "jwt.decode(t, KEY, ['HS256'])",
            "jwt.decode(t, KEY, algorithms=[settings.ALGORITHM], options={'verify_aud': False})",
        ] {
            let f = one(
                &format!("from jose import jwt\ndef check(t):\n    return {call}\n"),
                item,
            );
            assert_eq!(f.outcome, Pass, "{call}: {}", f.evidence);
        }
        assert_eq!(one("x = base64.decode(y)\n", item).outcome, Absent);
        // Bytes a JWT call returned, decoded to text: not a token check.
        assert_eq!(
            one(
                "t = jwt.encode(p, k, algorithm='HS256').decode('utf-8')\n",
                item
            )
            .outcome,
            Absent
        );
        assert_eq!(one("s = jwt_token.decode('utf-8')\n", item).outcome, Absent);
        for (code, why) in [
            (
                "from jwt import decode\nc = decode(t, k)\n",
                "no algorithms",
            ),
            (
                "c = jwt.decode(t, k, algorithms=[jwt.get_unverified_header(t)['alg']])\n",
                "own header",
            ),
            (
                "c = jwt.decode(t, k, algorithms=['HS256'], options=dict(verify_signature=False))\n",
                "verify_signature",
            ),
        ] {
            let f = one(code, item);
            assert_eq!(f.outcome, Fail, "{code}");
            assert!(f.evidence.contains(why), "{code}: {}", f.evidence);
        }
    }

    #[test]
    fn versions_compare_by_their_numbers() {
        use super::version_numbers as v;
        assert!(v("3.3.0") < v("3.4.0"));
        assert!(v("3.10") > v("3.4.0"));
        assert!(v("3.4.0rc1") >= v("3.4.0"));
        assert_eq!(v("2"), [2, 0, 0]);
        assert!(v("3.4") >= v("3.4.0"));
        assert!(v(" 3.5.0") > v("3.4.0"));
    }

    #[test]
    fn fast_hashes_fail_and_slow_ones_pass() {
        let bad = "import hashlib\ndef store(password):\n    return hashlib.sha256(password.encode()).hexdigest()\n";
        let f = one(bad, "auth.bcrypt");
        assert_eq!(f.outcome, Fail);
        assert!(f.evidence.contains("app/main.py:3"), "{}", f.evidence);
        let good = "from passlib.context import CryptContext\npwd = CryptContext(schemes=[\"bcrypt\"], deprecated=\"auto\")\n";
        assert_eq!(one(good, "auth.bcrypt").outcome, Pass);
        let argon = "from argon2 import PasswordHasher\nph = PasswordHasher()\n";
        let f = one(argon, "auth.bcrypt");
        assert_eq!(f.outcome, Pass);
        assert!(f.evidence.contains("argon2"));
        // A file checksum is not a password hash.
        let other =
            "import hashlib\ndef etag(body):\n    return hashlib.sha256(body).hexdigest()\n";
        assert_eq!(one(other, "auth.bcrypt").outcome, Unknown);
    }

    #[test]
    fn a_lockout_counter_passes_and_none_is_absent() {
        let good = "class User:\n    failed_login_attempts: int = 0\n    locked_until = None\n";
        assert_eq!(one(good, "auth.account_lockout").outcome, Pass);
        assert_eq!(one("x = 1\n", "auth.account_lockout").outcome, Absent);
    }

    #[test]
    fn login_routes_need_a_rate_limit() {
        let bad = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post(\"/auth/login\")\nasync def login(form: LoginIn):\n    return {}\n";
        let f = one(bad, "rate_limit.auth_limit");
        assert_eq!(f.outcome, Fail);
        assert!(
            f.evidence.contains("POST /auth/login at app/main.py:4"),
            "{}",
            f.evidence
        );
        let slowapi = "@router.post(\"/auth/login\")\n@limiter.limit(\"5/minute\")\nasync def login(request: Request, form: LoginIn):\n    return {}\n";
        assert_eq!(one(slowapi, "rate_limit.auth_limit").outcome, Pass);
        let limiter = "@router.post(\"/token\", dependencies=[Depends(RateLimiter(times=5, minutes=1))])\nasync def token(form: LoginIn):\n    return {}\n";
        assert_eq!(one(limiter, "rate_limit.auth_limit").outcome, Pass);
        let none = "@router.get(\"/items\")\nasync def items():\n    return []\n";
        assert_eq!(one(none, "rate_limit.auth_limit").outcome, Unknown);
    }
}
