//! Delivery: the interface every provider implements ([`Provider`]), the routing of a
//! channel's sends over its providers in order with retries, failover and cool-down
//! ([`router`]), and the registry of routes per channel ([`Channels`]).
//!
//! A send hands one message to a provider and returns what it accepted and how its
//! success is judged ([`Settles`]); whether it was delivered arrives later as a
//! [`Report`], from the provider's callback (through the `ingress`), from polling
//! ([`Provider::poll`]), or, for the sandbox, from the backend itself. The engine
//! owns every deadline; a provider only classifies what happened.
//!
//! Providers: the [`sandbox`] (the default for every channel with nothing
//! configured), and one module per real provider, each with its settings, its wire
//! format and its callback authentication.

pub mod config;
pub mod http;
pub mod router;
pub mod sandbox;
pub mod smtp;
pub mod telegram;
pub mod twilio;
pub mod vonage;
pub mod whatsapp;

use std::time::Duration;

use bytes::Bytes;
use uuid::Uuid;

use crate::domain::channel::Channel;
pub use crate::domain::delivery::{
    Accepted, ProviderCost, ProviderTry, Report, SendFailure, Settles,
};
use crate::domain::messages::Rendered;
use crate::domain::verification::Millis;

pub use router::Channels;

/// One message to send. `Debug` hides the code and the texts that carry it.
pub struct Outbound {
    pub verification_id: Uuid,
    pub attempt_id: Uuid,
    /// The index of the step in the routing strategy.
    pub step: usize,
    pub tenant_id: String,
    pub channel: Channel,
    /// E.164 phone number, or email address.
    pub recipient: String,
    pub sender_id: Option<String>,
    /// The language of the texts, for providers that pick a template by language.
    pub lang: crate::domain::lang::Lang,
    pub code: String,
    pub content: Rendered,
    /// When the engine handed it over, by the engine's clock.
    pub sent_at: Millis,
    /// The step's timeout in seconds, for channels that wait for a report (the
    /// message's time to live, the ring time of a call).
    pub timeout_sec: Option<u32>,
    /// `verification_id:step`: a key for providers that deduplicate sends.
    pub idempotency_key: String,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound")
            .field("verification_id", &self.verification_id)
            .field("attempt_id", &self.attempt_id)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// What a provider took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The provider's id for the message or call.
    pub external_id: String,
    pub settles: Settles,
    /// The price the provider reported, if it did.
    pub cost: Option<ProviderCost>,
}

/// Why one provider did not take a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The provider refused this recipient or message (a 4xx, an invalid number): the
    /// step fails at once, and another provider of the channel would not help.
    /// `code` is the provider's error code, kept in the attempt's `error_reason`.
    Rejected { code: String, message: String },
    /// The provider says the recipient is blocked: no other channel may try either.
    Blocked { code: String, message: String },
    /// A fault of the provider or the way to it (5xx, 429, timeout, reset): worth
    /// trying again later, or on the next provider.
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
    /// The provider cannot take messages from us now (bad credentials, a wrong base
    /// URL, an account problem): the next provider may, but trying this one again
    /// within the step would not help.
    Down { message: String },
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Rejected { code, message } | SendError::Blocked { code, message } => {
                if code.is_empty() {
                    write!(f, "{message}")
                } else {
                    write!(f, "{message} (code {code})")
                }
            }
            SendError::Transient { message, .. } | SendError::Down { message } => {
                write!(f, "{message}")
            }
        }
    }
}

/// A provider's callback as the ingress received it.
#[derive(Debug, Clone)]
pub struct CallbackRequest {
    pub method: ::http::Method,
    /// The URL the provider called, as it knows it: the configured public base URL,
    /// then the path and query of the request (Twilio signs exactly this).
    pub public_url: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: ::http::HeaderMap,
    pub body: Bytes,
    /// Now, in unix milliseconds by the wall clock, for freshness checks.
    pub now: Millis,
}

/// What a provider's report is about: its own id for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReport {
    pub external_id: String,
    pub report: Report,
}

/// What a callback asks of the ingress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Reports to route to their attempts (possibly none); answered `200`.
    Reports(Vec<ProviderReport>),
    /// Answer with this status and body and route nothing (a subscription challenge
    /// such as WhatsApp's `hub.challenge`).
    Reply {
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// Missing, stale or wrong signature: answered 401, logged without its body.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// Not a callback this provider sends: answered 400.
    #[error("malformed callback: {0}")]
    Malformed(String),
    /// This provider takes no callbacks: answered 404.
    #[error("this provider takes no callbacks")]
    NotSupported,
}

/// One delivery provider of one or more channels.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The configured name: unique, used in callback URLs and the attempt history.
    fn name(&self) -> &str;

    /// Hands `msg` to the provider. Must not wait for delivery itself. Each call has
    /// its own connect and total timeouts.
    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError>;

    /// How often to ask for the status of an accepted message, for providers
    /// configured to be polled rather than called back; `None` if not.
    fn poll_interval(&self) -> Option<Duration> {
        None
    }

    /// Asks the provider about a message it accepted. `Ok(None)`: nothing decisive yet.
    async fn poll(&self, _external_id: &str) -> Result<Option<Report>, SendError> {
        Ok(None)
    }

    /// Withdraws a message not yet delivered, when the verification ended without it
    /// (verified through another way, canceled, expired). Most providers cannot.
    async fn revoke(&self, _external_id: &str) -> Result<(), SendError> {
        Ok(())
    }

    /// Forgets what it keeps locally from before `before` (retention). Most keep nothing.
    fn purge(&self, _before: Millis) {}

    /// Authenticates and reads a callback addressed to this provider.
    fn callback(&self, _req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        Err(CallbackError::NotSupported)
    }
}

/// A report, addressed to the attempt it is about (for backends that know it, such
/// as the sandbox; provider callbacks carry only the provider's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelReport {
    pub verification_id: Uuid,
    pub attempt_id: Uuid,
    pub report: Report,
}

/// Where in-process backends deliver their reports; the engine routes them. Bounded:
/// a flood of reports makes their senders wait instead of growing memory.
#[derive(Clone)]
pub struct ReportSink {
    tx: tokio::sync::mpsc::Sender<ChannelReport>,
}

/// How many reports may wait for the engine.
pub const REPORT_QUEUE: usize = 1024;

impl ReportSink {
    pub fn new() -> (Self, tokio::sync::mpsc::Receiver<ChannelReport>) {
        let (tx, rx) = tokio::sync::mpsc::channel(REPORT_QUEUE);
        (Self { tx }, rx)
    }

    pub async fn report(&self, r: ChannelReport) {
        // After shutdown nobody listens; a lost report then only means a timeout.
        let _ = self.tx.send(r).await;
    }
}
