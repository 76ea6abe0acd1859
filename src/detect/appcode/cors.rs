//! `CORSMiddleware` as the code adds it: credentials with any origin,
//! wildcard methods and headers, origins written into the code. An
//! argument that is a setting is judged with the value the application
//! runs with (the effective `ALLOWED_HOSTS`).

use super::{Call, Ctx, is_true, literal_strings, string_value};
use crate::detect::{Finding, Outcome};

/// What the origins argument comes to.
enum Origins {
    /// Written in the code.
    Literal(Vec<String>),
    /// A setting; its effective value when the env file gives one.
    Setting(String, Option<Vec<String>>),
    /// Not given: no origin is allowed.
    None,
}

/// The origins the application is configured with: the effective
/// `ALLOWED_HOSTS` (whatever setting the code reads it under).
fn configured(ctx: &Ctx) -> Option<Vec<String>> {
    let v = ctx.effective?.value("ALLOWED_HOSTS")?;
    Some(
        crate::detect::values::allowed_hosts(v)
            .into_iter()
            .map(String::from)
            .collect(),
    )
}

fn origins(ctx: &Ctx, call: &Call) -> Origins {
    let Some(n) = call.kwarg("allow_origins") else {
        return Origins::None;
    };
    if let Some(v) = literal_strings(call.src, n) {
        return Origins::Literal(v);
    }
    Origins::Setting(call.text(n).to_string(), configured(ctx))
}

/// An `allow_origin_regex` that matches any origin: empty, `.*`, or
/// without `^…$` anchors.
fn regex_any(re: &str) -> Option<&'static str> {
    let r = re.trim();
    if r.is_empty() || r == ".*" || r == ".+" || r == "^.*$" || r == "https?://.*" {
        return Some("matches every origin");
    }
    if !r.ends_with('$') {
        return Some("is not anchored with $, so https://app.example.com.evil.test matches too");
    }
    None
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    // `app.add_middleware(CORSMiddleware, …)` or `Middleware(CORSMiddleware, …)`.
    let cors: Vec<&Call> = ctx
        .calls
        .iter()
        .filter(|c| {
            matches!(c.name(), "add_middleware" | "Middleware")
                && c.positional()
                    .first()
                    .is_some_and(|a| c.text(*a).ends_with("CORSMiddleware"))
        })
        .collect();
    let items = [
        "cors.credentials_required",
        "cors.restrict_methods",
        "cors.restrict_headers",
        "cors.origins_match",
    ];
    let Some(call) = cors.first() else {
        return items
            .iter()
            .map(|id| {
                Finding::new(
                    id,
                    Outcome::Absent,
                    "no CORSMiddleware in the application's code: browsers refuse every cross-origin request",
                )
            })
            .collect();
    };
    let at = call.at();
    let loc = call.location();
    let with = |f: Finding| f.at(loc.file.clone(), loc.line);
    let mut out = Vec::new();

    // Credentials with any origin.
    let creds = is_true(call.src, call.kwarg("allow_credentials"));
    let regex = call
        .kwarg("allow_origin_regex")
        .and_then(|n| string_value(call.src, n));
    let o = origins(ctx, call);
    let star = match &o {
        Origins::Literal(v) => v.iter().any(|x| x == "*"),
        Origins::Setting(_, Some(v)) => v.iter().any(|x| x == "*"),
        _ => false,
    };
    let regex_problem = regex.as_deref().and_then(regex_any);
    let f = match (creds, star, regex_problem) {
        (true, true, _) => Finding::new(
            "cors.credentials_required",
            Outcome::Fail,
            format!(
                "{at}: CORSMiddleware allows credentials with allow_origins \"*\"{}: any site can make logged-in requests",
                match &o {
                    Origins::Setting(name, _) => format!(" (the effective value of {name})"),
                    _ => String::new(),
                }
            ),
        )
        .fix("List the front-end origins explicitly (https://app.example.com) in the setting CORSMiddleware reads, or set allow_credentials=False."),
        (true, false, Some(why)) => Finding::new(
            "cors.credentials_required",
            if regex.as_deref().is_some_and(|r| r.trim() == ".*" || r.trim().is_empty()) {
                Outcome::Fail
            } else {
                Outcome::Warn
            },
            format!(
                "{at}: CORSMiddleware allows credentials, and allow_origin_regex {:?} {why}",
                regex.clone().unwrap_or_default()
            ),
        )
        .fix("Anchor the regex (^https://(app|www)\\.example\\.com$) or list the origins in allow_origins."),
        (true, false, None) => Finding::new(
            "cors.credentials_required",
            Outcome::Pass,
            format!("{at}: credentials are allowed only for the listed origins"),
        ),
        (false, _, _) => Finding::new(
            "cors.credentials_required",
            Outcome::Pass,
            format!("{at}: CORSMiddleware does not allow credentials (allow_credentials is not True)"),
        ),
    };
    out.push(with(f));

    // Methods and headers.
    for (kw, item, what) in [
        ("allow_methods", "cors.restrict_methods", "method"),
        ("allow_headers", "cors.restrict_headers", "header"),
    ] {
        let f = match call.kwarg(kw) {
            Some(n) => match literal_strings(call.src, n) {
                Some(v) if v.iter().any(|x| x == "*") => Finding::new(
                    item,
                    Outcome::Warn,
                    format!("{at}: {kw}=[\"*\"] allows every {what} cross-origin"),
                )
                .fix(format!(
                    "List the {what}s the front end uses, e.g. {kw}={}",
                    if what == "method" {
                        "[\"GET\", \"POST\", \"PUT\", \"DELETE\"]"
                    } else {
                        "[\"Authorization\", \"Content-Type\"]"
                    }
                )),
                Some(v) => Finding::new(
                    item,
                    Outcome::Pass,
                    format!("{at}: {kw} lists {}", v.join(", ")),
                ),
                None => Finding::new(
                    item,
                    Outcome::Unknown,
                    format!("{at}: {kw} is {}, not a literal list", call.text(n)),
                ),
            },
            None => Finding::new(
                item,
                Outcome::Pass,
                format!("{at}: {kw} is not given, so Starlette's narrow default applies"),
            ),
        };
        out.push(with(f));
    }

    // Origins written into the code.
    let f = match &o {
        Origins::Literal(v) => {
            match configured(ctx) {
                Some(c) if sorted(&c) == sorted(v) => Finding::new(
                    "cors.origins_match",
                    Outcome::Pass,
                    format!("{at}: the origins in the code are the configured ALLOWED_HOSTS"),
                ),
                _ => Finding::new(
                    "cors.origins_match",
                    Outcome::Warn,
                    format!(
                        "{at}: allow_origins is written into the code ({}); the deployment's configured list changes nothing",
                        v.join(", ")
                    ),
                )
                .fix("Read the origins from a setting (allow_origins=settings.ALLOWED_HOSTS) and set them per environment."),
            }
        }
        Origins::Setting(name, _) => Finding::new(
            "cors.origins_match",
            Outcome::Pass,
            format!("{at}: allow_origins comes from the setting {name}, set per deployment"),
        ),
        Origins::None => Finding::new(
            "cors.origins_match",
            Outcome::Warn,
            format!("{at}: CORSMiddleware is added without allow_origins: no origin is allowed"),
        )
        .fix("Pass allow_origins=settings.ALLOWED_HOSTS."),
    };
    out.push(with(f));
    out
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v: Vec<String> = v
        .iter()
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;
    use crate::detect::Outcome::*;

    const HEAD: &str = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom app.config import settings\napp = FastAPI()\n";

    fn cors(
        args: &str,
        env: Option<&str>,
    ) -> std::collections::BTreeMap<String, crate::detect::Finding> {
        let code = format!("{HEAD}app.add_middleware(CORSMiddleware, {args})\n");
        findings(&[("app/main.py", &code)], env)
    }

    #[test]
    fn credentials_with_any_origin_fail_and_explicit_origins_pass() {
        let f = cors("allow_origins=[\"*\"], allow_credentials=True", None);
        assert_eq!(f["cors.credentials_required"].outcome, Fail);
        assert!(
            f["cors.credentials_required"]
                .evidence
                .starts_with("app/main.py:5:")
        );
        assert_eq!(
            f["cors.credentials_required"]
                .location
                .as_ref()
                .unwrap()
                .line,
            5
        );
        // The setting is judged with what the application runs with.
        let f = cors(
            "allow_origins=settings.CORS_ORIGINS, allow_credentials=True",
            Some("ALLOWED_HOSTS=*\n"),
        );
        assert_eq!(f["cors.credentials_required"].outcome, Fail);
        assert!(
            f["cors.credentials_required"]
                .evidence
                .contains("effective value of settings.CORS_ORIGINS")
        );
        let f = cors(
            "allow_origins=settings.CORS_ORIGINS, allow_credentials=True",
            Some("ALLOWED_HOSTS=https://app.shop.test\n"),
        );
        assert_eq!(f["cors.credentials_required"].outcome, Pass);
        let f = cors(
            "allow_origins=[\"https://app.shop.test\"], allow_credentials=True",
            None,
        );
        assert_eq!(f["cors.credentials_required"].outcome, Pass);
        let f = cors("allow_origins=[\"*\"]", None);
        assert_eq!(
            f["cors.credentials_required"].outcome, Pass,
            "no credentials"
        );
    }

    #[test]
    fn origin_regexes_are_judged() {
        let f = cors("allow_origin_regex=\".*\", allow_credentials=True", None);
        assert_eq!(f["cors.credentials_required"].outcome, Fail);
        let f = cors(
            "allow_origin_regex=r\"https://.*\\.shop\\.test\", allow_credentials=True",
            None,
        );
        assert_eq!(f["cors.credentials_required"].outcome, Warn);
        let f = cors(
            "allow_origin_regex=r\"^https://(app|www)\\.shop\\.test$\", allow_credentials=True",
            None,
        );
        assert_eq!(f["cors.credentials_required"].outcome, Pass);
    }

    #[test]
    fn wildcard_methods_and_headers_warn_and_lists_pass() {
        let f = cors(
            "allow_origins=[\"https://a.test\"], allow_methods=[\"*\"], allow_headers=[\"*\"]",
            None,
        );
        assert_eq!(f["cors.restrict_methods"].outcome, Warn);
        assert_eq!(f["cors.restrict_headers"].outcome, Warn);
        let f = cors(
            "allow_origins=[\"https://a.test\"], allow_methods=[\"GET\", \"POST\"], allow_headers=[\"Authorization\"]",
            None,
        );
        assert_eq!(f["cors.restrict_methods"].outcome, Pass);
        assert_eq!(f["cors.restrict_headers"].outcome, Pass);
    }

    #[test]
    fn origins_in_code_warn_unless_they_are_the_configured_list() {
        let f = cors(
            "allow_origins=[\"https://a.test\"]",
            Some("ALLOWED_HOSTS=https://b.test\n"),
        );
        assert_eq!(f["cors.origins_match"].outcome, Warn);
        let f = cors(
            "allow_origins=[\"https://a.test\"]",
            Some("ALLOWED_HOSTS=https://a.test\n"),
        );
        assert_eq!(f["cors.origins_match"].outcome, Pass);
        let f = cors("allow_origins=settings.ALLOWED_HOSTS", None);
        assert_eq!(f["cors.origins_match"].outcome, Pass);
    }

    #[test]
    fn no_cors_middleware_is_absent_not_a_failure() {
        let f = findings(&[("app/main.py", HEAD)], None);
        assert_eq!(f["cors.credentials_required"].outcome, Absent);
    }
}
