//! What delivery reports back to the fallback machine: why a send failed, and what a
//! provider said later about a message it accepted. Plain data shared by the machine
//! (which decides) and the channel backends (which observe).

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// The provider refused this message or recipient; the next step may work.
    Rejected(String),
    /// The provider says the recipient is blocked; no other channel may try.
    Blocked(String),
    /// The provider could not be reached or failed internally (a system fault).
    ProviderError(String),
}

/// What a provider reports about an accepted message, later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Delivered (telegram, whatsapp) or answered (voice).
    Delivered,
    /// Not delivered, or not answered.
    Failed(String),
    /// A status that decides nothing yet (e.g. "ringing").
    Progress(String),
}
