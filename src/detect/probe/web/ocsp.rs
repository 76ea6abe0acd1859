//! The OCSP response a server staples, read far enough to say what it
//! claims: the response status, the first certificate's status (good,
//! revoked, unknown) and its next update. The responder's signature is
//! not checked (that needs its certificate, which a stapled response may
//! not carry); the evidence says so. DER read with a bound on every
//! length; anything else is "could not be read".

use time::OffsetDateTime;

/// What a stapled response says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stapled {
    /// `responseStatus` other than successful (0).
    NotSuccessful(u8),
    Good {
        this_update: OffsetDateTime,
        next_update: Option<OffsetDateTime>,
    },
    Revoked,
    Unknown,
    /// A response, but for other certificates.
    NoneForThis,
}

/// One DER element: tag, contents, and the rest after it.
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, x| (a << 8) | usize::from(*x));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed value, in order.
fn children(mut b: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (t, c, rest) = tlv(b)?;
        out.push((t, c));
        b = rest;
        if out.len() > 64 {
            return None;
        }
    }
    Some(out)
}

/// `YYYYMMDDHHMMSSZ` (GeneralizedTime as OCSP writes it).
fn generalized_time(b: &[u8]) -> Option<OffsetDateTime> {
    let s = std::str::from_utf8(b).ok()?;
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        i32::try_from(n(0..4)?).ok()?,
        time::Month::try_from(u8::try_from(n(4..6)?).ok()?).ok()?,
        u8::try_from(n(6..8)?).ok()?,
    )
    .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(n(8..10)?).ok()?,
        u8::try_from(n(10..12)?).ok()?,
        u8::try_from(n(12..14)?).ok()?,
    )
    .ok()?;
    Some(date.with_time(t).assume_utc())
}

/// A serial number as DER writes it, without leading zero bytes.
fn trimmed(serial: &[u8]) -> &[u8] {
    let i = serial
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(serial.len().saturating_sub(1));
    &serial[i..]
}

/// Reads a stapled OCSP response for the certificate with `serial`.
pub fn read(der: &[u8], serial: &[u8]) -> Option<Stapled> {
    let (0x30, resp, _) = tlv(der)? else {
        return None;
    };
    let parts = children(resp)?;
    let (0x0a, status) = *parts.first()? else {
        return None;
    };
    let status = *status.first()?;
    if status != 0 {
        return Some(Stapled::NotSuccessful(status));
    }
    // responseBytes [0] EXPLICIT SEQUENCE { type, OCTET STRING }
    let (0xa0, bytes) = *parts.get(1)? else {
        return None;
    };
    let (0x30, rb, _) = tlv(bytes)? else {
        return None;
    };
    let rb = children(rb)?;
    let (0x04, basic) = *rb.get(1)? else {
        return None;
    };
    let (0x30, basic, _) = tlv(basic)? else {
        return None;
    };
    let (0x30, tbs, _) = tlv(basic)? else {
        return None;
    };
    let tbs = children(tbs)?;
    // version [0] is optional: responses are the first SEQUENCE after
    // the responder id and producedAt (GeneralizedTime, tag 0x18).
    let at = tbs.iter().position(|(t, _)| *t == 0x18)?;
    let (0x30, responses) = *tbs.get(at + 1)? else {
        return None;
    };
    // The SingleResponse whose CertID names this certificate's serial.
    for (t, single) in children(responses)? {
        if t != 0x30 {
            return None;
        }
        let single = children(single)?;
        let (0x30, cert_id) = *single.first()? else {
            return None;
        };
        let (0x02, number) = *children(cert_id)?.get(3)? else {
            return None;
        };
        if trimmed(number) != trimmed(serial) {
            continue;
        }
        let (tag, _) = *single.get(1)?;
        let (0x18, this) = *single.get(2)? else {
            return None;
        };
        let this_update = generalized_time(this)?;
        let next_update = match single.iter().find(|(t, _)| *t == 0xa0) {
            // A nextUpdate that cannot be read makes the answer unreadable.
            Some((_, c)) => Some(generalized_time(tlv(c)?.1)?),
            None => None,
        };
        return Some(match tag {
            0x80 => Stapled::Good {
                this_update,
                next_update,
            },
            0xa1 => Stapled::Revoked,
            0x82 => Stapled::Unknown,
            _ => return None,
        });
    }
    Some(Stapled::NoneForThis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if body.len() < 0x80 {
            v.push(body.len() as u8);
        } else {
            v.push(0x82);
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        }
        v.extend_from_slice(body);
        v
    }

    fn read_one(der: &[u8]) -> Option<Stapled> {
        read(der, &[0, 7])
    }

    fn response(cert_status: &[u8]) -> Vec<u8> {
        let time = enc(0x18, b"20261201000000Z");
        let next = enc(0xa0, &enc(0x18, b"20261208000000Z"));
        let cert_id = enc(
            0x30,
            &[
                enc(0x30, &[]),
                enc(0x04, &[1; 20]),
                enc(0x04, &[2; 20]),
                enc(0x02, &[7]),
            ]
            .concat(),
        );
        let single = enc(
            0x30,
            &[cert_id, cert_status.to_vec(), time.clone(), next].concat(),
        );
        let tbs = enc(
            0x30,
            &[enc(0xa2, &enc(0x04, &[3; 20])), time, enc(0x30, &single)].concat(),
        );
        let basic = enc(0x30, &[tbs, enc(0x30, &[]), enc(0x03, &[0, 1])].concat());
        let bytes = enc(
            0xa0,
            &enc(
                0x30,
                &[
                    enc(0x06, &[1, 3, 6, 1, 5, 5, 7, 48, 1, 1]),
                    enc(0x04, &basic),
                ]
                .concat(),
            ),
        );
        enc(0x30, &[enc(0x0a, &[0]), bytes].concat())
    }

    #[test]
    fn statuses_are_read_and_garbage_is_not() {
        let good = read_one(&response(&[0x80, 0])).unwrap();
        let Stapled::Good {
            next_update: Some(n),
            ..
        } = good
        else {
            panic!("{good:?}")
        };
        assert_eq!(n.date().to_string(), "2026-12-08");
        assert_eq!(
            read_one(&response(&enc(0xa1, &enc(0x18, b"20261130000000Z")))),
            Some(Stapled::Revoked)
        );
        assert_eq!(read_one(&response(&[0x82, 0])), Some(Stapled::Unknown));
        assert_eq!(
            read(&enc(0x30, &enc(0x0a, &[6])), &[7]),
            Some(Stapled::NotSuccessful(6))
        );
        let r = response(&[0x80, 0]);
        for cut in 0..r.len() {
            let _ = read(&r[..cut], &[7]);
        }
        assert_eq!(
            read(b"0\x82 an OCSP response stapled by the test server", &[7]),
            None
        );
        assert_eq!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], &[7]), None);
        // Another certificate's response says nothing of this one.
        assert_eq!(
            read(&response(&[0x80, 0]), &[0, 8]),
            Some(Stapled::NoneForThis)
        );
    }
}
