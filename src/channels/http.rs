//! What every HTTP provider shares: a client with connect and total timeouts that
//! follows no redirects, the reading of `Retry-After`, and the classification of an
//! answer into accepted, refused (permanent) or transient.

use std::time::{Duration, SystemTime};

use super::SendError;

/// Connect timeout of every outbound call.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Total timeout of every outbound call, unless a provider's settings say otherwise.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP client for provider calls: rustls with the system's roots, HTTP/1.1 and 2,
/// no redirects (a redirect is an answer, not something to follow with credentials),
/// and the given timeouts.
pub fn client(total: Duration) -> reqwest::Client {
    install_crypto();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(total)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("verifyd/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with rustls and fixed options builds")
}

/// rustls needs one process-wide crypto provider; verifyd uses ring (no C toolchain
/// beyond what ring needs, and a faster build than aws-lc).
pub fn install_crypto() {
    // Fails only if one is installed already, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `Retry-After` as seconds or an HTTP date; `None` if absent or unreadable.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate_parse(v)?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn httpdate_parse(v: &str) -> Option<SystemTime> {
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (the form servers must send).
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as u64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), for years after 1970.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = (y - era * 400) as u64;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe as i64 - 719_468;
    let secs = u64::try_from(days).ok()? * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// A failed answer: 429 and 5xx are transient (with their `Retry-After`), 408 too;
/// 401, 403, 404 and 405 mean the provider will not take anything from us as
/// configured (credentials, base URL); any other status is a refusal of this
/// message, with the provider's code if `code` found one.
pub fn failed_status(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    code: String,
    message: String,
) -> SendError {
    let message = if message.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {message}")
    };
    if status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
    {
        SendError::Transient {
            message,
            retry_after: retry_after(headers),
        }
    } else if matches!(status.as_u16(), 401 | 403 | 404 | 405) {
        SendError::Down { message }
    } else {
        SendError::Rejected { code, message }
    }
}

/// A call that got no answer: refused, reset, timed out. Always transient.
pub fn transport_error(e: &reqwest::Error) -> SendError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    // reqwest's error text names the URL; it never holds credentials, which go in
    // headers and bodies.
    SendError::Transient {
        message: format!("the call to the provider {what}: {e}"),
        retry_after: None,
    }
}

/// Compares two byte strings in constant time (for signatures).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past");
        assert_eq!(
            httpdate_parse("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480))
        );
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn statuses() {
        let h = reqwest::header::HeaderMap::new();
        assert!(matches!(
            failed_status(
                reqwest::StatusCode::SERVICE_UNAVAILABLE,
                &h,
                String::new(),
                String::new()
            ),
            SendError::Transient { .. }
        ));
        assert!(matches!(
            failed_status(reqwest::StatusCode::BAD_REQUEST, &h, "21211".into(), "bad To".into()),
            SendError::Rejected { code, .. } if code == "21211"
        ));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
