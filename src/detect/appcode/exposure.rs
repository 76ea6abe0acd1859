//! FastAPI's interactive documentation as the code configures it:
//! `FastAPI()` serves `/docs`, `/redoc` and `/openapi.json` unless told
//! not to (`openapi_url=None` turns off all three: the documentation
//! pages are only added when there is a schema). `api.docs_hidden`
//! belongs to the live web probe, which asks the production URL; this
//! decides it only when the probe did not run.

use super::Call;
use crate::detect::python::Index;
use crate::detect::{Finding, Outcome};

const ITEM: &str = "api.docs_hidden";

/// The finding the code gives `api.docs_hidden`, when it builds an app.
pub fn docs(index: &Index, why_not_probed: &str) -> Option<Finding> {
    let tail = format!("(from the code; not probed: {why_not_probed})");
    let mut off = Vec::new();
    for f in &index.files {
        for call in &f.calls {
            let c = Call::new(f.src, call);
            if c.name() != "FastAPI" {
                continue;
            }
            let value = |k: &str| c.kwarg(k).map(|v| c.text(v).trim().to_string());
            let loc = c.location();
            let openapi = value("openapi_url");
            if openapi.as_deref() == Some("None") {
                off.push(format!("{} openapi_url=None", c.at()));
                continue;
            }
            // A condition the application evaluates when it starts.
            if let Some(v) = [openapi.clone(), value("docs_url")]
                .into_iter()
                .flatten()
                .find(|v| v.contains(" if ") || v.contains("settings."))
            {
                return Some(
                    Finding::new(
                        ITEM,
                        Outcome::Unknown,
                        format!("{}: FastAPI() decides its documentation at start ({v}); the live probe tells what production serves {tail}", c.at()),
                    )
                    .at(loc.file, loc.line),
                );
            }
            let served: Vec<&str> = [
                ("docs_url", "/docs"),
                ("redoc_url", "/redoc"),
                ("openapi_url", "/openapi.json"),
            ]
            .into_iter()
            .filter(|(k, _)| value(k).as_deref() != Some("None"))
            .map(|(_, p)| p)
            .collect();
            return Some(
                Finding::new(
                    ITEM,
                    Outcome::Warn,
                    format!(
                        "{}: FastAPI() serves {} (not turned off) {tail}",
                        c.at(),
                        served.join(", ")
                    ),
                )
                .fix("FastAPI(docs_url=None, redoc_url=None, openapi_url=None) in production (openapi_url=None alone turns off all three), or put them behind authentication; waive the item if the API is public by design.")
                .at(loc.file, loc.line),
            );
        }
    }
    (!off.is_empty()).then(|| {
        Finding::new(
            ITEM,
            Outcome::Pass,
            format!(
                "no documentation or schema served: {} {tail}",
                off.join("; ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::python::Sources;

    fn finding(code: &str) -> Option<Finding> {
        let s = Sources::from_texts(&[("app/main.py", code)]);
        docs(&Index::new(&s), "offline")
    }

    #[test]
    fn documentation_left_on_warns_and_turned_off_passes() {
        let f = finding("app = FastAPI(title='x')\n").unwrap();
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(
            f.evidence.contains("serves /docs, /redoc, /openapi.json"),
            "{}",
            f.evidence
        );
        let f = finding("app = FastAPI(docs_url=None, redoc_url=None)\n").unwrap();
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(
            f.evidence.contains("serves /openapi.json "),
            "{}",
            f.evidence
        );
        let f = finding("app = FastAPI(openapi_url=None)\n").unwrap();
        assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
        let f = finding("app = FastAPI(openapi_url=None if settings.prod else '/openapi.json')\n")
            .unwrap();
        assert_eq!(f.outcome, Outcome::Unknown, "{}", f.evidence);
        assert!(finding("x = 1\n").is_none());
    }
}
