//! What delivery reports back to the fallback machine: what a provider accepted (and
//! how its success is judged), why a send failed, and what a provider said later
//! about a message it accepted. Plain data shared by the machine (which decides) and
//! the channel backends (which observe).

use serde::{Deserialize, Serialize};

use super::verification::Millis;

/// How a provider's success is judged. A property of the provider, not of the
/// channel: an SMS provider with delivery receipts could settle on its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Settles {
    /// Accepted is success (SMS, email: nothing more is promised).
    OnAccept,
    /// Success is a later report (a delivery confirmation, an answered call) before
    /// the step's deadline.
    OnReport,
}

/// A price a provider reported, in its currency, in millionths of the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCost {
    /// ISO 4217, upper case.
    pub currency: String,
    pub micros: i64,
}

/// One try of one provider within a step, for the attempt's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderTry {
    pub provider: String,
    pub at: Millis,
    /// "accepted", or what went wrong ("503 Service Unavailable", "skipped: cooling
    /// down after 3 faults", …).
    pub outcome: String,
}

/// A provider took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's id for the message or call (may be empty if it gives none).
    pub external_id: String,
    /// The configured name of the provider that took it.
    pub provider: String,
    pub settles: Settles,
    pub cost: Option<ProviderCost>,
    /// Every provider tried for this send, in order, the last one included.
    pub tries: Vec<ProviderTry>,
}

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// The provider refused this message or recipient; the next step may work.
    Rejected(String),
    /// The provider says the recipient is blocked; no other channel may try.
    Blocked(String),
    /// No provider could take it: unreachable, failing, or out of time (a system fault).
    ProviderError(String),
}

/// What a provider reports about an accepted message, later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Delivered (telegram, whatsapp, sms with receipts) or answered (voice).
    Delivered,
    /// Not delivered, or not answered; the provider's words and code.
    Failed(String),
    /// A status that decides nothing yet (e.g. "ringing", "sent").
    Progress(String),
}
