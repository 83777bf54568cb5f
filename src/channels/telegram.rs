//! `provider = "telegram-gateway"`: codes sent through the Telegram Gateway API
//! (<https://core.telegram.org/gateway/api>), which delivers them to the Telegram
//! account registered with the phone number, from the "Verification Codes" channel
//! (or the operator's verified channel, `sender_username`).
//!
//! Wire format: `POST {base_url}/<method>` with `Authorization: Bearer <token>` and a
//! JSON body; every answer is `{"ok":true,"result":…}` or `{"ok":false,"error":"…"}`.
//! - send: `sendVerificationMessage` with our own code (so the engine checks it, not
//!   Telegram), `ttl` (the step's timeout, clamped to the API's 30–3600 s; an
//!   undelivered message is refunded after it), `payload` = the send's idempotency
//!   key (`verification_id:step`, echoed in reports), `callback_url` in callback mode.
//!   The answer's `request_id` is the external id; `request_cost` is the price (USD).
//! - reports: delivery is judged by a report (`Settles::OnReport`): `sent` is
//!   progress, `delivered`/`read` a delivery, `expired`/`revoked` a failure. They
//!   arrive as callbacks (`reports = "callback"`, the default when callbacks are
//!   enabled) or by polling `checkVerificationStatus` (`reports = "poll"`).
//! - callbacks are signed: `X-Request-Signature` is the hex HMAC-SHA256, keyed with
//!   SHA-256(token), of `X-Request-Timestamp + "\n" + body`; a timestamp more than
//!   five minutes from now is refused, so a captured report cannot be replayed later.
//! - revoke: `revokeVerificationMessage`, when the verification ended another way.
//!
//! The API has no idempotency key: a retried send is a new message (and a new fee).
//!
//! Errors are strings such as `PHONE_NUMBER_INVALID`, `ACCESS_TOKEN_INVALID`,
//! `BALANCE_NOT_ENOUGH`, `FLOOD_WAIT_<seconds>`; they are classified by what they
//! are about (see [`classify`]), then by the HTTP status.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};

use super::config::{self, BuildCtx};
use super::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderCost,
    ProviderReport, Receipt, Report, SendError, Settles, http,
};
use crate::directory::Secret;

/// The Gateway API's address.
pub const DEFAULT_BASE_URL: &str = "https://gatewayapi.telegram.org";
/// How often a message is polled for in `reports = "poll"` mode, by default.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The `ttl` range the API accepts, in seconds.
pub const TTL_MIN: u32 = 30;
pub const TTL_MAX: u32 = 3600;
/// How far a callback's timestamp may be from now.
pub const CALLBACK_TOLERANCE: Duration = Duration::from_secs(300);
/// The API's limits on `payload` and `callback_url`, in bytes.
const PAYLOAD_MAX: usize = 128;
const CALLBACK_URL_MAX: usize = 256;
/// The currency of `request_cost`.
const CURRENCY: &str = "USD";

/// How reports reach verifyd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reports {
    /// Telegram calls `<public_url>/callbacks/<name>`.
    Callback,
    /// verifyd asks `checkVerificationStatus` every `poll_interval_sec`.
    Poll,
}

/// `provider = "telegram-gateway"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    /// The Gateway API token (account settings of gateway.telegram.org).
    #[serde(default, deserialize_with = "secret")]
    pub token: Option<Secret>,
    pub token_env: Option<String>,
    pub base_url: Option<String>,
    pub reports: Option<Reports>,
    pub poll_interval_sec: Option<u64>,
    /// A verified channel of the same account to send from, instead of the
    /// "Verification Codes" channel.
    pub sender_username: Option<String>,
    pub timeout_sec: Option<u64>,
}

/// Reads an inline secret setting straight into a [`Secret`], so that `Settings`'
/// `Debug` never shows it.
fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Secret::new))
}

/// The total timeout of one call from `timeout_sec`, checked.
fn timeout(v: Option<u64>) -> Result<Duration, String> {
    match v {
        None => Ok(http::TOTAL_TIMEOUT),
        Some(s) if (1..=300).contains(&s) => Ok(Duration::from_secs(s)),
        Some(_) => Err("timeout_sec must be between 1 and 300".into()),
    }
}

pub fn build(s: &Settings, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
    let token = config::secret(s.token.as_ref(), s.token_env.as_deref(), "token", ctx.env)?;
    let base = config::base_url(&s.base_url, DEFAULT_BASE_URL, "base_url")?;
    let reports = match (s.reports, ctx.callbacks_enabled) {
        (Some(r), _) => r,
        (None, true) => Reports::Callback,
        (None, false) => Reports::Poll,
    };
    let callback_url = match reports {
        Reports::Poll => None,
        Reports::Callback => {
            let url = ctx
                .callback_url
                .clone()
                .filter(|_| ctx.callbacks_enabled)
                .ok_or(
                    "reports = \"callback\" needs callbacks: set [callbacks] public_url and start \
                 verifyd with --callback-listen, or use reports = \"poll\"",
                )?;
            if url.len() > CALLBACK_URL_MAX {
                return Err(format!(
                    "the callback URL {url} is longer than the {CALLBACK_URL_MAX} bytes Telegram takes: shorten [callbacks] public_url or the name"
                ));
            }
            Some(url)
        }
    };
    let poll_interval = match (reports, s.poll_interval_sec) {
        (_, Some(0)) => return Err("poll_interval_sec must be at least 1".into()),
        (Reports::Callback, Some(_)) => {
            return Err(
                "poll_interval_sec is set, but reports go by callback (the default when \
                        callbacks are enabled): set reports = \"poll\" or drop poll_interval_sec"
                    .into(),
            );
        }
        (Reports::Callback, None) => None,
        (Reports::Poll, v) => Some(v.map_or(DEFAULT_POLL_INTERVAL, Duration::from_secs)),
    };
    let sender_username = match &s.sender_username {
        None => None,
        Some(u) => {
            let u = u.strip_prefix('@').unwrap_or(u);
            if u.is_empty()
                || u.len() > 32
                || !u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(
                    "sender_username must be a Telegram username: up to 32 letters, digits or '_'"
                        .into(),
                );
            }
            Some(u.to_owned())
        }
    };
    let hmac_key: [u8; 32] = Sha256::digest(token.expose().as_bytes()).into();
    Ok(Arc::new(TelegramGateway {
        name: ctx.name.clone(),
        token,
        hmac_key,
        base,
        client: http::client(timeout(s.timeout_sec)?),
        callback_url,
        poll_interval,
        sender_username,
    }))
}

/// One configured Telegram Gateway account.
pub struct TelegramGateway {
    name: String,
    token: Secret,
    /// SHA-256 of the token: the key callbacks are signed with.
    hmac_key: [u8; 32],
    base: String,
    client: reqwest::Client,
    /// Set in callback mode.
    callback_url: Option<String>,
    /// Set in poll mode.
    poll_interval: Option<Duration>,
    sender_username: Option<String>,
}

/// `sendVerificationMessage`'s parameters (the API takes JSON).
#[derive(serde::Serialize)]
struct SendRequest<'a> {
    phone_number: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<&'a str>,
    payload: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender_username: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct ByRequestId<'a> {
    request_id: &'a str,
}

/// Every answer.
#[derive(Deserialize)]
struct Answer<T> {
    ok: bool,
    result: Option<T>,
    error: Option<String>,
}

/// `RequestStatus`, in answers and callbacks.
#[derive(Debug, Deserialize)]
struct RequestStatus {
    request_id: String,
    #[serde(default)]
    request_cost: Option<f64>,
    #[serde(default)]
    is_refunded: Option<bool>,
    #[serde(default)]
    delivery_status: Option<DeliveryStatus>,
}

#[derive(Debug, Deserialize)]
struct DeliveryStatus {
    status: String,
}

/// What a delivery status means for the attempt.
fn report_of(status: &RequestStatus) -> Option<Report> {
    let d = status.delivery_status.as_ref()?;
    let refunded = if status.is_refunded == Some(true) {
        " (fee refunded)"
    } else {
        ""
    };
    Some(match d.status.as_str() {
        "delivered" | "read" => Report::Delivered,
        "expired" => Report::Failed(format!(
            "expired: not delivered within its time to live{refunded}"
        )),
        "revoked" => Report::Failed(format!("revoked: the message was withdrawn{refunded}")),
        other => Report::Progress(other.to_owned()),
    })
}

/// Classifies a refusal: `error` is the API's error string, if the answer had one.
///
/// - flood control (`FLOOD_WAIT_<n>`, `TOO_MANY_REQUESTS`) is transient, after
///   `Retry-After` or the `<n>` seconds;
/// - the token, the balance, the account and our own settings (`ACCESS_TOKEN_*`,
///   `BALANCE_NOT_ENOUGH`, `SENDER_*`, `CALLBACK_URL_*`) mean this provider cannot
///   send anything now: `Down`;
/// - anything about the number (`PHONE_NUMBER_INVALID`, `PHONE_NUMBER_NOT_FOUND`:
///   not on Telegram, `PHONE_NUMBER_BANNED`, …) is a refusal of the recipient;
/// - otherwise the HTTP status decides (5xx transient, 401/403 down, other refusals
///   of this message rejected, with the error as code).
fn classify(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    error: Option<&str>,
) -> SendError {
    let Some(error) = error.filter(|e| !e.is_empty()) else {
        return http::failed_status(status, headers, String::new(), String::new());
    };
    let e = error.to_ascii_uppercase();
    let message = format!("Telegram Gateway: {error}");
    if e.starts_with("FLOOD") || e.contains("TOO_MANY_REQUESTS") || e.contains("RATE_LIMIT") {
        let wait = e
            .rsplit('_')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .map(Duration::from_secs);
        return SendError::Transient {
            message,
            retry_after: http::retry_after(headers).or(wait),
        };
    }
    if e.starts_with("ACCESS_TOKEN")
        || e.contains("TOKEN_INVALID")
        || e.contains("BALANCE")
        || e.starts_with("ACCOUNT")
        || e.starts_with("SENDER")
        || e.starts_with("CALLBACK_URL")
    {
        return SendError::Down { message };
    }
    if e.starts_with("PHONE") {
        return SendError::Rejected {
            code: error.to_owned(),
            message,
        };
    }
    if status.is_success() {
        // `ok: false` under a 200: a refusal of this request.
        return SendError::Rejected {
            code: error.to_owned(),
            message,
        };
    }
    http::failed_status(status, headers, error.to_owned(), message)
}

impl TelegramGateway {
    /// Calls `method` and returns its `result`, or the classified refusal.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, SendError> {
        let resp = self
            .client
            .post(format!("{}/{method}", self.base))
            .bearer_auth(self.token.expose())
            .json(body)
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(|e| http::transport_error(&e))?;
        match serde_json::from_slice::<Answer<T>>(&bytes) {
            Ok(Answer {
                ok: true,
                result: Some(r),
                ..
            }) if status.is_success() => Ok(r),
            Ok(Answer {
                ok: false, error, ..
            }) => Err(classify(status, &headers, error.as_deref())),
            Ok(_) if status.is_success() => Err(SendError::Transient {
                message: format!("Telegram Gateway {method}: an answer without a result"),
                retry_after: None,
            }),
            _ if status.is_success() => Err(SendError::Transient {
                message: format!("Telegram Gateway {method}: an unreadable answer"),
                retry_after: None,
            }),
            _ => Err(classify(status, &headers, None)),
        }
    }
}

#[async_trait::async_trait]
impl Provider for TelegramGateway {
    fn name(&self) -> &str {
        &self.name
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        // The API takes only codes of 4 to 8 digits; verifyd's codes are such, but a
        // different one must not go out as something else.
        if !(4..=8).contains(&msg.code.len()) || !msg.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SendError::Rejected {
                code: "CODE_INVALID".into(),
                message: "Telegram Gateway takes only codes of 4 to 8 digits".into(),
            });
        }
        let mut payload = msg.idempotency_key.as_str();
        if payload.len() > PAYLOAD_MAX {
            let mut end = PAYLOAD_MAX;
            while !payload.is_char_boundary(end) {
                end -= 1;
            }
            payload = &payload[..end];
        }
        let req = SendRequest {
            phone_number: &msg.recipient,
            code: &msg.code,
            ttl: msg.timeout_sec.map(|t| t.clamp(TTL_MIN, TTL_MAX)),
            callback_url: self.callback_url.as_deref(),
            payload,
            sender_username: self.sender_username.as_deref(),
        };
        let status: RequestStatus = self.call("sendVerificationMessage", &req).await?;
        let cost = status
            .request_cost
            .filter(|c| c.is_finite() && *c >= 0.0)
            .map(|c| ProviderCost {
                currency: CURRENCY.into(),
                micros: (c * 1_000_000.0).round() as i64,
            });
        Ok(Receipt {
            external_id: status.request_id,
            settles: Settles::OnReport,
            cost,
        })
    }

    fn poll_interval(&self) -> Option<Duration> {
        self.poll_interval
    }

    async fn poll(&self, external_id: &str) -> Result<Option<Report>, SendError> {
        let status: RequestStatus = self
            .call(
                "checkVerificationStatus",
                &ByRequestId {
                    request_id: external_id,
                },
            )
            .await?;
        Ok(report_of(&status).filter(|r| !matches!(r, Report::Progress(_))))
    }

    async fn revoke(&self, external_id: &str) -> Result<(), SendError> {
        let revoked: bool = self
            .call(
                "revokeVerificationMessage",
                &ByRequestId {
                    request_id: external_id,
                },
            )
            .await?;
        if revoked {
            Ok(())
        } else {
            Err(SendError::Rejected {
                code: String::new(),
                message: "Telegram Gateway did not take the revocation".into(),
            })
        }
    }

    fn callback(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        if req.method != ::http::Method::POST {
            return Err(CallbackError::Malformed(format!(
                "Telegram reports are POSTs, not {}",
                req.method
            )));
        }
        let header = |name: &str| {
            req.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let ts_text = header("x-request-timestamp")
            .ok_or_else(|| CallbackError::BadSignature("no X-Request-Timestamp".into()))?;
        let signature = header("x-request-signature")
            .ok_or_else(|| CallbackError::BadSignature("no X-Request-Signature".into()))?;
        let given = hex::decode(signature)
            .map_err(|_| CallbackError::BadSignature("X-Request-Signature is not hex".into()))?;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.hmac_key).expect("HMAC takes a key of any length");
        mac.update(ts_text.as_bytes());
        mac.update(b"\n");
        mac.update(&req.body);
        let expected = mac.finalize().into_bytes();
        if !http::constant_time_eq(&expected, &given) {
            return Err(CallbackError::BadSignature(
                "X-Request-Signature does not match".into(),
            ));
        }
        let ts: i64 = ts_text.parse().map_err(|_| {
            CallbackError::BadSignature("X-Request-Timestamp is not a number".into())
        })?;
        let tolerance = CALLBACK_TOLERANCE.as_secs() as i64;
        if (req.now.div_euclid(1000) - ts).abs() > tolerance {
            return Err(CallbackError::BadSignature(format!(
                "stale: X-Request-Timestamp {ts} is more than {tolerance} s from now"
            )));
        }
        let status: RequestStatus = serde_json::from_slice(&req.body)
            .map_err(|e| CallbackError::Malformed(format!("not a RequestStatus: {e}")))?;
        Ok(CallbackOutcome::Reports(
            report_of(&status)
                .map(|report| ProviderReport {
                    external_id: status.request_id,
                    report,
                })
                .into_iter()
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    #[test]
    fn classification() {
        let h = HeaderMap::new();
        let bad = StatusCode::BAD_REQUEST;
        assert!(matches!(
            classify(bad, &h, Some("PHONE_NUMBER_INVALID")),
            SendError::Rejected { code, .. } if code == "PHONE_NUMBER_INVALID"
        ));
        assert!(matches!(
            classify(StatusCode::OK, &h, Some("PHONE_NUMBER_NOT_FOUND")),
            SendError::Rejected { .. }
        ));
        for down in [
            "ACCESS_TOKEN_INVALID",
            "ACCESS_TOKEN_REQUIRED",
            "BALANCE_NOT_ENOUGH",
        ] {
            assert!(
                matches!(classify(bad, &h, Some(down)), SendError::Down { .. }),
                "{down}"
            );
        }
        assert_eq!(
            classify(bad, &h, Some("FLOOD_WAIT_17")),
            SendError::Transient {
                message: "Telegram Gateway: FLOOD_WAIT_17".into(),
                retry_after: Some(Duration::from_secs(17))
            }
        );
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, &h, Some("SOMETHING_ODD")),
            SendError::Transient { .. }
        ));
        assert!(matches!(
            classify(bad, &h, Some("CODE_INVALID")),
            SendError::Rejected { code, .. } if code == "CODE_INVALID"
        ));
        assert!(matches!(
            classify(StatusCode::INTERNAL_SERVER_ERROR, &h, None),
            SendError::Transient { .. }
        ));
    }

    #[test]
    fn statuses() {
        let of = |s: &str| {
            report_of(&RequestStatus {
                request_id: "r".into(),
                request_cost: None,
                is_refunded: Some(true),
                delivery_status: Some(DeliveryStatus { status: s.into() }),
            })
        };
        assert_eq!(of("sent"), Some(Report::Progress("sent".into())));
        assert_eq!(of("delivered"), Some(Report::Delivered));
        assert_eq!(of("read"), Some(Report::Delivered));
        assert!(
            matches!(of("expired"), Some(Report::Failed(m)) if m.starts_with("expired") && m.contains("refunded"))
        );
        assert!(matches!(of("revoked"), Some(Report::Failed(m)) if m.starts_with("revoked")));
    }
}
