//! Webhooks, as data and pure rules: a tenant's endpoints and their secrets, the
//! deliveries of events to them, the retry schedule, and Standard Webhooks signing.
//!
//! An event's `id` is derived from what it is about (the verification and the
//! revision of its transition, or the block), so every node and every retry names
//! it the same: it is the `webhook-id` receivers deduplicate on.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::verification::Millis;

/// A secret of an endpoint, sealed with the server's sealing key (the store never
/// holds it in the clear); `expires_at` is set on the old secret during a rotation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSecret {
    pub sealed: Vec<u8>,
    pub created_at: Millis,
    pub expires_at: Option<Millis>,
}

impl std::fmt::Debug for EndpointSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointSecret")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Where a tenant's events go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// `we_` and 16 hex digits.
    pub id: String,
    pub tenant_id: String,
    /// The URL events are posted to; empty for a request-URL endpoint.
    pub url: String,
    /// A template for per-request callback URLs (`StartVerificationRequest.callback_url`):
    /// its events filter and secrets apply to them. Its presence is what allows them.
    pub for_request_urls: bool,
    /// Event types it receives; empty: all.
    pub events: Vec<String>,
    pub description: String,
    /// Why it is disabled (by an admin, or a 410 Gone), if it is.
    pub disabled: Option<String>,
    pub secrets: Vec<EndpointSecret>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Endpoint {
    pub fn wants(&self, event_type: &str) -> bool {
        self.disabled.is_none()
            && (self.events.is_empty() || self.events.iter().any(|e| e == event_type))
    }
}

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer.
    Succeeded,
    /// Every attempt of the schedule failed, or the answer said never (410).
    Failed,
    /// Its endpoint was disabled or deleted before it got through.
    Canceled,
}

/// One event to one endpoint (or to one per-request callback URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    /// The outbox order of the event; deliveries of one verification to one
    /// endpoint are attempted in this order.
    pub seq: u64,
    pub tenant_id: String,
    /// The endpoint, or the request-URL endpoint whose secrets sign it.
    pub endpoint_id: String,
    /// Where it goes (the endpoint's URL when the event fanned out, or the
    /// verification's callback URL).
    pub url: String,
    pub verification_id: Option<Uuid>,
    /// The event's id: `webhook-id`.
    pub event_id: Uuid,
    pub event_type: String,
    /// The JSON body, the same on every attempt.
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Millis,
    pub last_attempt_at: Option<Millis>,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: Millis,
}

/// The waits before each attempt: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
/// 14 h, 20 h and 24 h (Standard Webhooks' schedule, as Svix uses it).
pub const SCHEDULE_SEC: [i64; 10] = [
    0,
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
];

/// When attempt `n` (0-based) is due, given when the previous one ended; `None`
/// once the schedule is done. Waits of a minute or more get up to ±10 % jitter, so
/// that receivers coming back are not hit by every retry at once.
pub fn next_attempt(n: u32, after: Millis) -> Option<Millis> {
    let wait = *SCHEDULE_SEC.get(n as usize)? * 1000;
    let jitter = if wait >= 60_000 {
        rand::rng().random_range(-(wait / 10)..=wait / 10)
    } else {
        0
    };
    Some(after + wait + jitter)
}

/// `whsec_` and base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill(&mut b);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(b)
    )
}

/// The key bytes of a `whsec_` secret.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let b64 = secret.strip_prefix("whsec_")?;
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// `v1,<base64 HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")>`.
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// The `webhook-id` of an event.
pub fn msg_id(id: &Uuid) -> String {
    format!("msg_{}", id.simple())
}

/// The id of the event a verification's transition to `revision` makes.
pub fn event_id(verification_id: Uuid, revision: u64) -> Uuid {
    let mut name = verification_id.as_bytes().to_vec();
    name.extend_from_slice(&revision.to_be_bytes());
    Uuid::new_v5(&Uuid::NAMESPACE_OID, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_and_its_jitter() {
        assert_eq!(next_attempt(0, 1000), Some(1000));
        assert_eq!(next_attempt(1, 1000), Some(6000));
        let t = next_attempt(2, 0).unwrap();
        assert!((270_000..=330_000).contains(&t), "{t}");
        assert!(next_attempt(9, 0).is_some());
        assert_eq!(next_attempt(10, 0), None);
    }

    #[test]
    fn signing_follows_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(new_secret().starts_with("whsec_"));
        assert_eq!(secret_key(&new_secret()).unwrap().len(), 32);
        assert_ne!(event_id(Uuid::nil(), 1), event_id(Uuid::nil(), 2));
    }
}
