//! The judges of the AWS backup settings: key id and secret (or a role
//! instead), region, buckets, role ARN, and the parent that prefers a
//! role over static keys.

use super::Judge;
use super::rules::Rule;
use crate::detect::Finding;
use crate::detect::Outcome::{Fail, Pass, Warn};
use crate::detect::secrets::{describe, placeholder_reason};
use crate::detect::values::{is_aws_region, is_bucket_name, is_role_arn};

/// The setting naming the backup role, which makes static keys unneeded.
const ROLE: &str = "AWS_BACKUP_ROLE_ARN";
/// The primary bucket, which the replica must differ from.
const PRIMARY: &str = "S3_BACKUP_BUCKET";

/// AWS_ACCESS_KEY_ID: a well-formed key id, or none with a role.
pub fn access_key_id(j: &Judge, r: &Rule) -> Vec<Finding> {
    let f = match j.file.value(r.key()) {
        None => no_static(j, r),
        Some(v)
            if (v.starts_with("AKIA") || v.starts_with("ASIA"))
                && v.len() == 20
                && v.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
        {
            let kind = if v.starts_with("AKIA") {
                "long-term"
            } else {
                "temporary"
            };
            let prefix = &v[..4];
            j.on(
                r,
                Pass,
                format!("AWS_ACCESS_KEY_ID is a well-formed {kind} key id ({prefix}…)"),
            )
        }
        Some(v) => j
            .on(
                r,
                Fail,
                format!(
                    "AWS_ACCESS_KEY_ID is not an access key id (AKIA/ASIA + 16 characters); {}",
                    describe(v)
                ),
            )
            .fix("Copy the key id from IAM, or use an instance role instead."),
    };
    vec![f]
}

/// AWS_SECRET_ACCESS_KEY: 40 base64 characters, or none with a role.
pub fn secret_access_key(j: &Judge, r: &Rule) -> Vec<Finding> {
    let Some(v) = j.file.value(r.key()) else {
        return vec![no_static(j, r)];
    };
    let d = describe(v);
    let f = if let Some(why) = placeholder_reason(v) {
        j.on(r, Fail, format!("AWS_SECRET_ACCESS_KEY is {why} ({d})"))
            .fix("Use an instance role, or a real key from IAM.")
    } else if v.len() == 40
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
    {
        j.on(r, Pass, format!("AWS_SECRET_ACCESS_KEY {d}"))
    } else {
        j.on(
            r,
            Fail,
            format!("AWS_SECRET_ACCESS_KEY {d}; AWS secret keys are 40 base64 characters"),
        )
        .fix("Copy the secret key from IAM, or use an instance role instead.")
    };
    vec![f]
}

/// AWS_REGION: a region name.
pub fn region(j: &Judge, r: &Rule) -> Vec<Finding> {
    j.value_of(r, Fail, "Set AWS_REGION, e.g. eu-west-1.", |v| {
        if is_aws_region(v) {
            j.on(r, Pass, format!("AWS_REGION={v}"))
        } else {
            j.on(
                r,
                Fail,
                format!("AWS_REGION={v:?} is not a region name like eu-west-1"),
            )
            .fix("Set AWS_REGION to a region name.")
        }
    })
}

/// The credentials' parent: static keys in an env file are a warn even
/// when well formed.
pub fn prefer_a_role(j: &Judge, creds: &mut Finding) {
    if creds.outcome == Pass && j.file.get("AWS_ACCESS_KEY_ID").is_some() {
        creds.outcome = Warn;
        creds.evidence.push_str(
            "; static keys in an env file: an instance role or short-lived credentials are safer",
        );
        creds.remediation = "Prefer an IAM role for the backup job over static keys.".into();
    }
}

/// The primary backup bucket: a valid S3 name.
pub fn bucket(j: &Judge, r: &Rule) -> Vec<Finding> {
    let key = r.key();
    j.value_of(r, Fail, &format!("Set {key} to the bucket name."), |v| {
        if is_bucket_name(v) {
            j.on(r, Pass, format!("{key}={v}"))
        } else {
            j.on(
                r,
                Fail,
                format!("{key}={v:?} is not a valid S3 bucket name"),
            )
            .fix("Bucket names are 3-63 lowercase letters, digits, dots and hyphens.")
        }
    })
}

/// The replica bucket: a valid name, and not the primary.
pub fn replication_bucket(j: &Judge, r: &Rule) -> Vec<Finding> {
    let key = r.key();
    let mut found = bucket(j, r);
    for f in &mut found {
        if f.outcome == Pass && j.file.value(key) == j.file.value(PRIMARY) {
            f.outcome = Fail;
            f.evidence = format!("{key} is the same bucket as {PRIMARY}: no replication");
            f.remediation = "Replicate to a bucket in another region.".into();
        }
    }
    found
}

/// AWS_BACKUP_ROLE_ARN: `arn:aws:iam::<12 digits>:role/<name>`.
pub fn role_arn(j: &Judge, r: &Rule) -> Vec<Finding> {
    let fix = "Set AWS_BACKUP_ROLE_ARN=arn:aws:iam::123456789012:role/backup.";
    j.value_of(r, Fail, fix, |v| {
        if is_role_arn(v) {
            j.on(r, Pass, format!("AWS_BACKUP_ROLE_ARN={v}"))
        } else {
            j.on(
                r,
                Fail,
                format!("AWS_BACKUP_ROLE_ARN={v:?} is not arn:aws:iam::<12 digits>:role/<name>"),
            )
            .fix("Copy the role ARN from IAM.")
        }
    })
}

/// An access key or secret the file does not set: fine when a role is
/// named, else a question.
fn no_static(j: &Judge, r: &Rule) -> Finding {
    let (key, shown) = (r.key(), j.shown);
    if j.file.value(ROLE).is_some_and(is_role_arn) {
        Finding::new(
            r.items[0],
            Pass,
            format!("{key} is not in {shown}: credentials come from the role in {ROLE}"),
        )
    } else {
        Finding::new(
            r.items[0],
            Warn,
            format!(
                "{key} is not set in {shown} and no {ROLE} names a role: where do credentials come from?"
            ),
        )
        .fix(format!("Use an IAM role for backups and set {ROLE}."))
    }
}
