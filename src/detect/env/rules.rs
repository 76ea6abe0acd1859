//! The env rules as data: one row per setting the checklist names. A row
//! says which items it fills, which setting it reads, how it is judged,
//! whether it belongs to a feature that may be absent (a [`Gate`]) and
//! which parent item groups it, and whether its setting is a secret. The
//! item list, the item → setting map of the code-read check, the parents'
//! children and the fingerprinted secrets are all derived from these rows;
//! nothing else in the detector repeats an item id or a setting.
//!
//! Adding a numeric setting is one [`Rule::number`] row here, its item in
//! the checklist (`assets/checklist.toml`), and its tests.
//!
//! Over 600 lines on purpose: this file is the table, one row per setting
//! the checklist names, and reading every rule in one place is its point.

use super::{Judge, aws, cors, formats, secret, url, verify};
use crate::detect::Finding;
use crate::detect::Outcome::{self, Fail, Pass, Warn};
use crate::detect::values::{AUDIT_RETENTION_DAYS, boolean};

/// A range of a numeric setting: values up to `upto` (inclusive, above the
/// previous band) get `outcome`, for the reason `why`.
#[derive(Debug)]
pub struct Band {
    pub upto: u64,
    pub outcome: Outcome,
    pub why: &'static str,
}

const fn band(upto: u64, outcome: Outcome, why: &'static str) -> Band {
    Band { upto, outcome, why }
}

/// The last band: everything above the previous one.
const MORE: u64 = u64::MAX;

/// A feature a project may not have. When none of the settings of the
/// rows it gates is set, those rows are skipped, not failed.
#[derive(Debug, PartialEq, Eq)]
pub struct Gate {
    /// The settings, as evidence names them (`TWILIO_*`).
    pub settings: &'static str,
    /// The feature that is then not configured.
    pub feature: &'static str,
}

const TWILIO: Gate = Gate {
    settings: "TWILIO_*",
    feature: "SMS MFA through Twilio",
};

const AWS: Gate = Gate {
    settings: "AWS_* or S3_*",
    feature: "AWS backup",
};

/// How a row judges its setting.
pub enum Kind {
    /// A whole number judged by bands; `default` is the value the
    /// checklist's code applies when the setting is absent (then a warn),
    /// else absence fails.
    Number {
        unit: &'static str,
        bands: &'static [Band],
        default: Option<u64>,
    },
    /// A boolean that must be true; `unset` is the verdict when it is
    /// absent, and (at least a warn) when it is false; `why` says what
    /// is lost.
    MustBeTrue { unset: Outcome, why: &'static str },
    /// A value with a shape of its own, judged by a function of this
    /// folder; it returns one finding per item of the row.
    Judged(fn(&Judge, &Rule) -> Vec<Finding>),
    /// A parent item: the worst of the rows whose `parent` is this row's
    /// item, then `adjust`ed.
    Group {
        what: &'static str,
        adjust: Option<fn(&Judge, &mut Finding)>,
    },
}

/// What a row's setting holds, for its fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// A plain value.
    Value,
    /// A secret: fingerprinted, so a re-review tells a rotation.
    Secret,
    /// A URL whose password is a secret (fingerprinted as `KEY password`).
    UrlWithPassword,
}

/// One row of the table.
pub struct Rule {
    /// The items it fills; every one gets the row's verdict (or, for a
    /// judged row, its own finding).
    pub items: &'static [&'static str],
    /// The setting it reads; `None` for rules over the whole file.
    pub setting: Option<&'static str>,
    pub kind: Kind,
    pub gate: Option<&'static Gate>,
    /// The parent item that groups this row.
    pub parent: Option<&'static str>,
    pub holds: Holds,
}

impl Rule {
    const fn new(
        items: &'static [&'static str],
        setting: Option<&'static str>,
        kind: Kind,
    ) -> Rule {
        Rule {
            items,
            setting,
            kind,
            gate: None,
            parent: None,
            holds: Holds::Value,
        }
    }

    const fn number(
        items: &'static [&'static str],
        setting: &'static str,
        unit: &'static str,
        default: Option<u64>,
        bands: &'static [Band],
    ) -> Rule {
        Rule::new(
            items,
            Some(setting),
            Kind::Number {
                unit,
                bands,
                default,
            },
        )
    }

    const fn must_be_true(
        items: &'static [&'static str],
        setting: &'static str,
        unset: Outcome,
        why: &'static str,
    ) -> Rule {
        Rule::new(items, Some(setting), Kind::MustBeTrue { unset, why })
    }

    const fn judged(
        items: &'static [&'static str],
        setting: Option<&'static str>,
        judge: fn(&Judge, &Rule) -> Vec<Finding>,
    ) -> Rule {
        Rule::new(items, setting, Kind::Judged(judge))
    }

    const fn group(
        item: &'static [&'static str],
        what: &'static str,
        adjust: Option<fn(&Judge, &mut Finding)>,
    ) -> Rule {
        Rule::new(item, None, Kind::Group { what, adjust })
    }

    const fn gated(mut self, gate: &'static Gate) -> Rule {
        self.gate = Some(gate);
        self
    }

    const fn under(mut self, parent: &'static str) -> Rule {
        self.parent = Some(parent);
        self
    }

    /// The setting is a secret.
    const fn secret(mut self) -> Rule {
        self.holds = Holds::Secret;
        self
    }

    /// The setting is a URL whose password is a secret.
    const fn url_with_password(mut self) -> Rule {
        self.holds = Holds::UrlWithPassword;
        self
    }

    /// The setting's name (empty for whole-file rules).
    pub fn key(&self) -> &'static str {
        self.setting.unwrap_or("")
    }
}

/// Every env rule, in the order findings are produced (a parent after the
/// rows it groups).
pub const RULES: &[Rule] = &[
    Rule::judged(
        &[
            "env.secret_key_set",
            "env.secret_key_not_default",
            "env.secret_key_strong",
        ],
        Some("SECRET_KEY"),
        secret::secret_key,
    )
    .secret(),
    Rule::judged(
        &["env.jwt_secret_set"],
        Some("JWT_SECRET_KEY"),
        secret::jwt_secret,
    )
    .secret(),
    Rule::judged(
        &["env.jwt_algorithm"],
        Some("JWT_ALGORITHM"),
        formats::jwt_algorithm,
    ),
    Rule::number(
        &["env.access_token_expiry"],
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        "minutes",
        Some(30),
        &[
            band(
                0,
                Fail,
                "0 minutes: tokens expire at once or never, depending on the code",
            ),
            band(30, Pass, "within the checklist's default of 30"),
            band(1440, Warn, "longer than the checklist's default of 30"),
            band(
                MORE,
                Fail,
                "over a day: a stolen access token stays valid too long",
            ),
        ],
    ),
    Rule::number(
        &["env.refresh_token_expiry"],
        "REFRESH_TOKEN_EXPIRE_DAYS",
        "days",
        Some(7),
        &[
            band(0, Fail, "0 days"),
            band(7, Pass, "within the checklist's default of 7"),
            band(30, Warn, "longer than the checklist's default of 7"),
            band(MORE, Fail, "over 30 days"),
        ],
    ),
    Rule::judged(
        &["cors.allowed_hosts", "cors.no_dev_origins"],
        Some("ALLOWED_HOSTS"),
        cors::judge,
    ),
    Rule::must_be_true(
        &["rate_limit.enable_redis"],
        "ENABLE_REDIS",
        Fail,
        "rate limits stay in memory, per process",
    ),
    Rule::judged(&["rate_limit.redis_url"], Some("REDIS_URL"), url::redis_url).url_with_password(),
    Rule::judged(
        &[
            "database.url_tls",
            "database.sslmode_require",
            "database.password_strong",
        ],
        Some("DATABASE_URL"),
        url::database_url,
    )
    .url_with_password(),
    Rule::judged(
        &["auth.mfa_issuer_name"],
        Some("MFA_ISSUER_NAME"),
        formats::mfa_issuer,
    )
    .under("auth.mfa_settings"),
    Rule::number(
        &["auth.mfa_backup_codes_count"],
        "MFA_BACKUP_CODES_COUNT",
        "codes",
        None,
        &[
            band(0, Fail, "no backup codes: a lost phone locks the user out"),
            band(4, Warn, "few backup codes"),
            band(20, Pass, "a usual number"),
            band(MORE, Warn, "many backup codes widen the target"),
        ],
    )
    .under("auth.mfa_settings"),
    Rule::number(
        &["auth.mfa_rate_limit_attempts"],
        "MFA_RATE_LIMIT_ATTEMPTS",
        "attempts",
        None,
        &[
            band(0, Fail, "0 attempts"),
            band(10, Pass, "limits guessing of 6-digit codes"),
            band(
                MORE,
                Warn,
                "more than 10 attempts per window helps code guessing",
            ),
        ],
    )
    .under("auth.mfa_settings"),
    Rule::number(
        &["auth.mfa_rate_limit_window"],
        "MFA_RATE_LIMIT_WINDOW_MINUTES",
        "minutes",
        None,
        &[
            band(0, Fail, "a 0-minute window limits nothing"),
            band(MORE, Pass, "set"),
        ],
    )
    .under("auth.mfa_settings"),
    Rule::group(&["auth.mfa_settings"], "MFA settings", None),
    Rule::judged(
        &["auth.twilio_account_sid"],
        Some("TWILIO_ACCOUNT_SID"),
        formats::twilio_account_sid,
    )
    .gated(&TWILIO)
    .under("auth.twilio"),
    Rule::judged(
        &["auth.twilio_auth_token"],
        Some("TWILIO_AUTH_TOKEN"),
        formats::twilio_auth_token,
    )
    .secret()
    .gated(&TWILIO)
    .under("auth.twilio"),
    Rule::judged(
        &["auth.twilio_phone_number"],
        Some("TWILIO_PHONE_NUMBER"),
        formats::twilio_phone_number,
    )
    .gated(&TWILIO)
    .under("auth.twilio"),
    Rule::group(&["auth.twilio"], "Twilio settings", None).gated(&TWILIO),
    Rule::number(
        &["auth.session_timeout"],
        "SESSION_TIMEOUT_MINUTES",
        "minutes",
        None,
        &[
            band(0, Fail, "0 minutes"),
            band(60, Pass, "an hour or less"),
            band(480, Warn, "longer than an hour"),
            band(MORE, Fail, "longer than a working day"),
        ],
    ),
    Rule::number(
        &["auth.max_concurrent_sessions"],
        "MAX_CONCURRENT_SESSIONS",
        "sessions",
        None,
        &[
            band(
                0,
                Fail,
                "0 sessions: nobody can log in, or no limit, depending on the code",
            ),
            band(10, Pass, "limited"),
            band(MORE, Warn, "more than 10 concurrent sessions per user"),
        ],
    ),
    Rule::number(
        &["auth.trusted_device_days"],
        "TRUSTED_DEVICE_DAYS",
        "days",
        None,
        &[
            band(30, Pass, "30 days or less"),
            band(90, Warn, "longer than 30 days"),
            band(MORE, Fail, "longer than 90 days"),
        ],
    ),
    Rule::must_be_true(
        &["logging.audit_enabled"],
        "AUDIT_LOG_ENABLED",
        Fail,
        "no audit trail",
    ),
    Rule::must_be_true(
        &["logging.audit_encrypted", "compliance.audit_log_encryption"],
        "AUDIT_LOG_ENCRYPTED",
        Fail,
        "audit logs are stored in clear",
    ),
    Rule::number(
        &["logging.audit_retention"],
        "AUDIT_LOG_RETENTION_DAYS",
        "days",
        None,
        &[
            band(
                AUDIT_RETENTION_DAYS as u64 - 1,
                Fail,
                "less than the 7 years (2555 days) the checklist asks",
            ),
            band(MORE, Pass, "at least 7 years (2555 days)"),
        ],
    ),
    Rule::judged(
        &["logging.log_level"],
        Some("LOG_LEVEL"),
        formats::log_level,
    ),
    Rule::must_be_true(
        &["compliance.gdpr_mode"],
        "GDPR_COMPLIANCE",
        Warn,
        "GDPR mode is off (required if the platform processes EU personal data)",
    ),
    Rule::must_be_true(
        &["compliance.soc2_mode"],
        "SOC2_COMPLIANCE",
        Warn,
        "SOC2 mode is off (required if SOC2 applies)",
    ),
    Rule::number(
        &["backup.retention_days"],
        "BACKUP_RETENTION_DAYS",
        "days",
        None,
        &[
            band(6, Fail, "less than a week of backups"),
            band(29, Warn, "less than 30 days of backups"),
            band(MORE, Pass, "30 days or more"),
        ],
    ),
    Rule::must_be_true(
        &["backup.cross_region"],
        "CROSS_REGION_REPLICATION",
        Fail,
        "a regional outage takes the backups with it",
    ),
    Rule::number(
        &["backup.dr_rto"],
        "DR_RTO_MINUTES",
        "minutes",
        Some(120),
        &[
            band(0, Fail, "an RTO of 0 is not a plan"),
            band(120, Pass, "within the checklist's 120"),
            band(MORE, Warn, "longer than the checklist's 120"),
        ],
    ),
    Rule::number(
        &["backup.dr_rpo"],
        "DR_RPO_MINUTES",
        "minutes",
        Some(60),
        &[
            band(0, Warn, "an RPO of 0 needs synchronous replication"),
            band(60, Pass, "within the checklist's 60"),
            band(MORE, Warn, "longer than the checklist's 60"),
        ],
    ),
    Rule::judged(
        &["backup.aws_access_key_id"],
        Some("AWS_ACCESS_KEY_ID"),
        aws::access_key_id,
    )
    .gated(&AWS)
    .under("backup.aws_credentials"),
    Rule::judged(
        &["backup.aws_secret_access_key"],
        Some("AWS_SECRET_ACCESS_KEY"),
        aws::secret_access_key,
    )
    .secret()
    .gated(&AWS)
    .under("backup.aws_credentials"),
    Rule::judged(&["backup.aws_region"], Some("AWS_REGION"), aws::region)
        .gated(&AWS)
        .under("backup.aws_credentials"),
    Rule::group(
        &["backup.aws_credentials"],
        "AWS credentials",
        Some(aws::prefer_a_role),
    )
    .gated(&AWS),
    Rule::judged(&["backup.s3_bucket"], Some("S3_BACKUP_BUCKET"), aws::bucket).gated(&AWS),
    Rule::judged(
        &["backup.s3_replication_bucket"],
        Some("S3_BACKUP_REPLICATION_BUCKET"),
        aws::replication_bucket,
    )
    .gated(&AWS),
    Rule::judged(
        &["backup.role_arn"],
        Some("AWS_BACKUP_ROLE_ARN"),
        aws::role_arn,
    )
    .gated(&AWS),
    Rule::judged(
        &["verify.no_default_credentials"],
        None,
        verify::no_default_credentials,
    ),
    Rule::judged(&["verify.debug_off"], Some("DEBUG"), verify::debug_off),
    Rule::judged(&["verify.env_reviewed"], None, verify::env_reviewed),
];

/// A [`Kind::Number`] row: absent, a whole number in its bands, or not a
/// whole number.
pub fn number(
    j: &Judge,
    rule: &Rule,
    unit: &str,
    bands: &[Band],
    default: Option<u64>,
) -> Vec<Finding> {
    let key = rule.key();
    let item = rule.items[0];
    let f = match j.file.value(key) {
        None => {
            let (outcome, why) = match default {
                Some(d) => (Warn, format!("the code default ({d} {unit}) applies")),
                None => (Fail, "nothing sets it".to_string()),
            };
            Finding::new(
                item,
                outcome,
                format!("{key} is not set in {}: {why}", j.shown),
            )
            .fix(format!("Set {key} explicitly."))
        }
        Some(v) => match v.parse::<u64>() {
            Ok(n) => {
                let b = bands
                    .iter()
                    .find(|b| n <= b.upto)
                    .unwrap_or(&bands[bands.len() - 1]);
                let mut f = j.at(key, item, b.outcome, format!("{key}={n} {unit}: {}", b.why));
                if b.outcome != Pass {
                    f = f.fix(format!("Review {key}."));
                }
                f
            }
            Err(_) => j
                .at(
                    key,
                    item,
                    Fail,
                    format!("{key} is not a whole number of {unit}: {v:?}"),
                )
                .fix(format!("Set {key} to a whole number of {unit}.")),
        },
    };
    copies(rule, f)
}

/// A [`Kind::MustBeTrue`] row.
pub fn must_be_true(j: &Judge, rule: &Rule, unset: Outcome, why: &str) -> Vec<Finding> {
    let key = rule.key();
    let item = rule.items[0];
    let f = match j.file.value(key) {
        None => {
            let mut f = j.missing(key, item, unset, &format!("Set {key}=true."));
            f.evidence = format!("{}: {why}", f.evidence);
            f
        }
        Some(v) => match boolean(v) {
            Some(true) => j.at(key, item, Pass, format!("{key}={v}")),
            Some(false) => j
                .at(key, item, unset.worst(Warn), format!("{key}={v}: {why}"))
                .fix(format!("Set {key}=true.")),
            None => j
                .at(key, item, Fail, format!("{key}={v:?} is not a boolean"))
                .fix(format!("Set {key}=true.")),
        },
    };
    copies(rule, f)
}

/// The row's finding for its first item, copied to the others.
fn copies(rule: &Rule, f: Finding) -> Vec<Finding> {
    let mut out = vec![f.clone()];
    for id in &rule.items[1..] {
        let mut g = f.clone();
        g.item = (*id).to_string();
        out.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_value_in_order() {
        for r in RULES {
            if let Kind::Number { bands, .. } = &r.kind {
                assert!(
                    bands.windows(2).all(|w| w[0].upto < w[1].upto),
                    "{}: bands out of order",
                    r.key()
                );
                assert_eq!(bands.last().map(|b| b.upto), Some(MORE), "{}", r.key());
            }
        }
    }

    #[test]
    fn secrets_are_declared_by_their_rows() {
        let secret: Vec<&str> = RULES
            .iter()
            .filter(|r| r.holds == Holds::Secret)
            .filter_map(|r| r.setting)
            .collect();
        assert_eq!(
            secret,
            [
                "SECRET_KEY",
                "JWT_SECRET_KEY",
                "TWILIO_AUTH_TOKEN",
                "AWS_SECRET_ACCESS_KEY"
            ]
        );
        for r in RULES.iter().filter(|r| r.holds == Holds::Secret) {
            assert!(
                r.setting.is_some_and(super::super::is_secret_key),
                "{:?} holds a secret, so the masking path must treat its key as one",
                r.setting
            );
        }
    }

    #[test]
    fn parents_and_gates_name_rows_of_the_table() {
        for r in RULES {
            if let Some(p) = r.parent {
                let parent = RULES.iter().find(|x| x.items == [p]).expect(p);
                assert!(matches!(parent.kind, Kind::Group { .. }), "{p}");
                assert_eq!(parent.gate, r.gate, "{p}: a parent shares its rows' gate");
            }
        }
    }

    #[test]
    fn a_number_is_judged_by_its_band() {
        let j = |text: &str| super::super::tests::run(text)["auth.session_timeout"].clone();
        assert_eq!(j("SESSION_TIMEOUT_MINUTES=60\n").outcome, Pass);
        assert_eq!(j("SESSION_TIMEOUT_MINUTES=61\n").outcome, Warn);
        assert_eq!(j("SESSION_TIMEOUT_MINUTES=481\n").outcome, Fail);
        assert_eq!(j("SESSION_TIMEOUT_MINUTES=0\n").outcome, Fail);
        let f = j("SESSION_TIMEOUT_MINUTES=soon\n");
        assert_eq!(f.outcome, Fail);
        assert_eq!(
            f.evidence,
            "SESSION_TIMEOUT_MINUTES is not a whole number of minutes: \"soon\""
        );
        let f = j("");
        assert_eq!(
            (f.outcome, f.evidence.as_str()),
            (
                Fail,
                "SESSION_TIMEOUT_MINUTES is not set in .env: nothing sets it"
            )
        );
    }
}
