//! The verification record and its statuses: the one shape that the engine
//! mutates, the store persists and the API converts. Plain data, no I/O.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::channel::Channel;
use super::delivery::{ProviderCost, ProviderTry};
use super::lang::Lang;

/// Unix time in milliseconds. Every time in the domain is one of these, handed in
/// by the engine's clock, so that rules can be tested without waiting.
pub type Millis = i64;

/// The only currency prices are kept in.
pub const CURRENCY: &str = "EUR";

/// Delivery status of a whole verification or of one channel attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    New,
    InProgress,
    Success,
    Failed,
    Error,
}

impl DeliveryStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Success | Self::Failed | Self::Error)
    }
}

/// Where a verification stands for code checking. Everything but `Pending` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Pending,
    Verified,
    Expired,
    MaxAttemptsReached,
    Canceled,
}

/// The answer to one code check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    Verified,
    Incorrect,
    Expired,
    MaxAttemptsReached,
    NotPending,
}

/// One step of a routing strategy, as validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingStep {
    pub channel: Channel,
    /// Only set on channels that confirm delivery; `None` means the default.
    pub timeout_sec: Option<u32>,
    pub sender_id: Option<String>,
    pub template: Option<String>,
}

/// One try to deliver on one channel. Created as `New` with the verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: Uuid,
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub sent_at: Option<Millis>,
    pub processed_at: Option<Millis>,
    pub external_id: Option<String>,
    pub cost: Option<i64>,
    pub error_reason: Option<String>,
    /// When waiting for this attempt's success signal ends. Stored, so that a
    /// restarted server keeps the same deadline.
    pub deadline: Option<Millis>,
    /// The configured name of the provider that carried (or last tried) it.
    #[serde(default)]
    pub provider: Option<String>,
    /// The price the provider reported, beside the tenant's tariff in `cost`.
    #[serde(default)]
    pub provider_cost: Option<ProviderCost>,
    /// The provider's last word on the message ("delivered", "undelivered: 30003", …).
    #[serde(default)]
    pub provider_status: Option<String>,
    /// Every provider tried for this step, in order.
    #[serde(default)]
    pub tries: Vec<ProviderTry>,
}

impl Attempt {
    /// A step not reached yet.
    pub fn new(channel: Channel) -> Self {
        Self {
            id: Uuid::new_v4(),
            channel,
            status: DeliveryStatus::New,
            sent_at: None,
            processed_at: None,
            external_id: None,
            cost: None,
            error_reason: None,
            deadline: None,
            provider: None,
            provider_cost: None,
            provider_status: None,
            tries: Vec::new(),
        }
    }
}

/// The secrets of a code. Neither field holds the code in plain text.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSecret {
    /// bcrypt over a peppered HMAC of the code; see `crypto`.
    pub hash: String,
    /// The code sealed with a key kept outside the store; erased by `is_code_deleted`.
    pub sealed: Option<Vec<u8>>,
}

impl std::fmt::Debug for CodeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeSecret(***)")
    }
}

/// The full record of one verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub id: Uuid,
    pub tenant_id: String,
    pub phone: String,
    pub email: String,
    pub code_length: u32,
    pub lang: Lang,
    pub app_name: String,
    pub payload: String,
    pub routing_strategy: Vec<RoutingStep>,
    pub status: DeliveryStatus,
    pub delivered_channel: Option<Channel>,
    pub cost: Option<i64>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub expires_at: Millis,
    pub history: Vec<Attempt>,
    pub is_code_deleted: bool,
    pub state: State,
    pub attempts_remaining: u32,
    pub max_attempts: u32,
    pub request_id: String,
    /// The recipient phone number's country (ISO 3166-1 alpha-2), or empty.
    #[serde(default)]
    pub country_iso: String,
    /// Where this verification's webhook events also go, if the caller asked.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// HMAC of the request that created it, to tell a retry from a reused request id.
    pub request_fingerprint: Vec<u8>,
    /// Bumped on every stored change; watchers use it to drop transitions that a
    /// snapshot already shows.
    pub revision: u64,
    pub secret: CodeSecret,
}

impl Verification {
    /// Final for checking: nothing will change any more.
    pub fn is_final(&self) -> bool {
        self.state != State::Pending
    }

    /// The recipient address for a channel.
    pub fn recipient(&self, channel: Channel) -> &str {
        if channel.needs_phone() {
            &self.phone
        } else {
            &self.email
        }
    }

    /// The attempt that is in progress, if any.
    pub fn current_attempt(&self) -> Option<usize> {
        self.history
            .iter()
            .position(|a| a.status == DeliveryStatus::InProgress)
    }
}

/// A transition as watchers and (later) webhooks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Success,
    Failed,
    ChannelSent,
    ChannelSuccess,
    ChannelFailed,
    ChannelUpdated,
    Verified,
    Expired,
    MaxAttemptsReached,
    Canceled,
}

impl EventKind {
    /// The webhook-style event name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Success => "verify_code.success",
            Self::Failed => "verify_code.failed",
            Self::ChannelSent => "verify_code.channel.sent",
            Self::ChannelSuccess => "verify_code.channel.success",
            Self::ChannelFailed => "verify_code.channel.failed",
            Self::ChannelUpdated => "verify_code.channel.updated",
            Self::Verified => "verify_code.verified",
            Self::Expired => "verify_code.expired",
            Self::MaxAttemptsReached => "verify_code.max_attempts_reached",
            Self::Canceled => "verify_code.canceled",
        }
    }

    /// The kinds that make a verification final; always the last of their batch.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Verified | Self::Expired | Self::MaxAttemptsReached | Self::Canceled
        )
    }
}
