//! Delivery channels and what each one promises: whether it confirms delivery,
//! whether anything can fall back after it, and whether it needs a phone number.

use serde::{Deserialize, Serialize};

/// A delivery channel for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Telegram,
    Voice,
    Sms,
    Whatsapp,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Telegram,
        Channel::Voice,
        Channel::Sms,
        Channel::Whatsapp,
        Channel::Email,
    ];

    /// Lower-case name, as used in logs, prices and the sandbox outbox.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Voice => "voice",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
        }
    }

    /// Telegram and WhatsApp report delivery; their step waits `timeout_sec` for it.
    pub fn confirms_delivery(self) -> bool {
        matches!(self, Channel::Telegram | Channel::Whatsapp)
    }

    /// SMS and email succeed when merely accepted, so nothing can fall back after them.
    pub fn must_be_last(self) -> bool {
        matches!(self, Channel::Sms | Channel::Email)
    }

    /// Every channel but email sends to a phone number.
    pub fn needs_phone(self) -> bool {
        !matches!(self, Channel::Email)
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
