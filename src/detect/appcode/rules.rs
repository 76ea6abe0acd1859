//! The code rules: an id, the checklist items each informs, how much it
//! matters and why. `harden rules` prints this table; reports keep the
//! item id as the identity of a result (waivers and CI scripts use it).

use crate::checklist::Severity;

/// One code rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub items: &'static [&'static str],
    pub severity: Severity,
    pub rationale: &'static str,
    /// The item belongs to a live probe: the rule decides it only when
    /// the probe did not run (offline, no URL given).
    pub fallback: bool,
}

const fn rule(
    id: &'static str,
    items: &'static [&'static str],
    severity: Severity,
    rationale: &'static str,
) -> Rule {
    Rule {
        id,
        items,
        severity,
        rationale,
        fallback: false,
    }
}

/// A rule over an item a live probe decides when it runs.
const fn fallback(
    id: &'static str,
    items: &'static [&'static str],
    severity: Severity,
    rationale: &'static str,
) -> Rule {
    Rule {
        fallback: true,
        ..rule(id, items, severity, rationale)
    }
}

use Severity::{Critical, Important, Normal};

/// Every code rule, in report order.
pub const RULES: &[Rule] = &[
    rule(
        "cors-credentials-any-origin",
        &["cors.credentials_required"],
        Critical,
        "CORSMiddleware with allow_credentials=True and any origin (\"*\", \".*\" or an unanchored regex) lets every web site read logged-in users' responses.",
    ),
    rule(
        "cors-methods-wildcard",
        &["cors.restrict_methods"],
        Normal,
        "allow_methods=[\"*\"] allows every method cross-origin; the checklist asks for an explicit list.",
    ),
    rule(
        "cors-headers-wildcard",
        &["cors.restrict_headers"],
        Normal,
        "allow_headers=[\"*\"] accepts every request header cross-origin; the checklist asks for an explicit list.",
    ),
    rule(
        "cors-origins-in-code",
        &["cors.origins_match"],
        Important,
        "Origins written into the code are not the configured list: the deployment's ALLOWED_HOSTS then changes nothing.",
    ),
    rule(
        "input-validation",
        &["api.input_validation"],
        Critical,
        "Endpoints that read raw Request or dict bodies skip Pydantic validation; eval, exec, pickle.loads and yaml.load without a safe loader run what a request sends.",
    ),
    rule(
        "sql-built-from-strings",
        &["api.sql_injection_tested"],
        Critical,
        "SQL built with f-strings, % or + and passed to text() or execute() is open to injection; bound parameters are not.",
    ),
    rule(
        "request-size-limit",
        &["api.request_size_limits"],
        Normal,
        "Without a body size limit (nginx client_max_body_size or a middleware) one request can exhaust memory.",
    ),
    rule(
        "password-hashing",
        &["auth.bcrypt"],
        Critical,
        "Passwords hashed with MD5, SHA-1 or SHA-256 (fast hashes) are cracked offline in hours; bcrypt, argon2 or scrypt are made slow on purpose.",
    ),
    rule(
        "account-lockout",
        &["auth.account_lockout"],
        Normal,
        "A counter of failed logins with a lockout or back-off slows password guessing against one account.",
    ),
    rule(
        "secrets-in-image",
        &["env.secrets_not_in_image"],
        Critical,
        "A .env copied into an image, or a secret in ENV or a build ARG, stays readable in the image's layers by anyone who can pull it.",
    ),
    rule(
        "production-start-command",
        &["api.production_server"],
        Important,
        "--reload is a development mode, --forwarded-allow-ips \"*\" lets any client forge its address, and a container without USER runs the server as root.",
    ),
    rule(
        "compose-ports-public",
        &["network.container_ports"],
        Critical,
        "docker-compose ports such as \"6379:6379\" or \"5432:5432\" listen on every interface past UFW (Docker writes its own iptables rules); default passwords are tried first.",
    ),
    fallback(
        "session-cookies",
        &["headers.cookies"],
        Important,
        "Cookies set without Secure leave over plain HTTP, without HttpOnly any injected script reads them; Starlette's set_cookie and SessionMiddleware set neither unless told (the live probe judges the real responses when it runs).",
    ),
    fallback(
        "api-docs-served",
        &["api.docs_hidden"],
        Normal,
        "FastAPI() serves /docs, /redoc and /openapi.json unless openapi_url=None: a public map of every endpoint (the live probe asks the production URL when it runs).",
    ),
    rule(
        "token-verification",
        &["auth.token_verification"],
        Critical,
        "jwt.decode without an algorithm list, with 'none', or with signature or expiry checks off accepts forged or expired tokens; python-jose before 3.4.0 has CVE-2024-33663 and CVE-2024-33664.",
    ),
    rule(
        "rate-limit-auth-routes",
        &["rate_limit.auth_limit"],
        Important,
        "Login, registration and password-reset routes without a rate limit (slowapi, fastapi-limiter) can be brute-forced.",
    ),
    rule(
        "database-pool-size",
        &["database.pool_limits"],
        Normal,
        "An engine without a pool size gets the driver's default per worker process, which can pass the database's connection limit under load.",
    ),
    rule(
        "limiter-in-redis",
        &["rate_limit.redis_limiter"],
        Important,
        "A limiter that counts in memory gives each worker and server its own counters, so the real limit is a multiple of the configured one.",
    ),
    rule(
        "security-headers-set",
        &["headers.middleware"],
        Important,
        "Security headers set by the application or nginx reach every response; the live probe confirms them.",
    ),
    rule(
        "data-rights-routes",
        &["compliance.data_export", "compliance.data_deletion"],
        Normal,
        "GDPR's rights of access and erasure need a way to export and delete a user's data.",
    ),
    rule(
        "secrets-in-logs",
        &["logging.sensitive_masked"],
        Important,
        "A logger call that passes a password, token or secret writes it to every log store it reaches.",
    ),
    rule(
        "auth-events-logged",
        &["logging.auth_attempts"],
        Important,
        "Login attempts that are not logged cannot be monitored or investigated.",
    ),
    rule(
        "log-rotation",
        &["logging.rotation"],
        Normal,
        "Logs that are never rotated fill the disk and stop the service.",
    ),
    rule(
        "security-tests",
        &[
            "testing.authn_bypass",
            "testing.authz_bypass",
            "testing.rate_limiting",
            "testing.cors",
            "testing.input_validation",
            "api.csrf_tested",
            "api.xss_tested",
            "auth.password_reset",
            "auth.session_expiry_tested",
            "auth.mfa_flows_tested",
        ],
        Important,
        "Tests that expect 401, 403, 429, 422 and checked CORS headers keep authentication, authorization, rate limits and validation from regressing.",
    ),
    rule(
        "security-scan-in-ci",
        &["testing.security_scan"],
        Important,
        "A security scanner (Bandit, Semgrep, CodeQL, OWASP ZAP) in CI finds known bad patterns on every change.",
    ),
    rule(
        "documents",
        &[
            "docs.security_architecture",
            "docs.authentication_flow",
            "docs.authorization_model",
            "docs.rate_limiting",
            "docs.incident_response",
            "docs.security_contacts",
            "docs.deployment_steps",
            "docs.rollback",
            "docs.environment_variables",
            "docs.service_dependencies",
            "docs.troubleshooting",
            "incident.procedures",
            "incident.escalation",
            "incident.on_call",
            "incident.categories",
            "incident.roles",
            "compliance.retention_policies",
            "compliance.privacy_policy",
            "compliance.security_controls",
            "compliance.key_management",
            "backup.documented",
            "backup.dr_documented",
            "external.key_management_documented",
            "api.key_management_documented",
            "rate_limit.documented",
        ],
        Normal,
        "The documents the checklist asks for, found in the repository; a document kept elsewhere is answered by hand.",
    ),
];

/// The rule that fills an item.
pub fn for_item(item: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.items.contains(&item))
}
