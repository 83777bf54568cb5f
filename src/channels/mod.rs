//! Delivery: the interface every channel backend implements, and the registry that
//! picks a backend per channel. A send hands one message to a provider and returns
//! its external id; whether it was delivered arrives later as a `Report` through the
//! `ReportSink` (a provider callback or poll). The engine owns every timeout.
//!
//! Backends today: the `sandbox`, used for every channel that has no provider
//! configured. Real providers plug in here later, one file each.

pub mod sandbox;

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::domain::channel::Channel;
pub use crate::domain::delivery::{Report, SendFailure};
use crate::domain::messages::Rendered;

/// One message to send. `Debug` hides the code and the texts that carry it.
pub struct Outbound {
    pub verification_id: Uuid,
    pub attempt_id: Uuid,
    pub tenant_id: String,
    pub channel: Channel,
    pub recipient: String,
    pub sender_id: Option<String>,
    pub code: String,
    pub content: Rendered,
    /// When the engine handed it over, by the engine's clock.
    pub sent_at: crate::domain::verification::Millis,
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

/// A provider accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub external_id: String,
}

/// A report, addressed to the attempt it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelReport {
    pub verification_id: Uuid,
    pub attempt_id: Uuid,
    pub report: Report,
}

/// Where backends deliver their reports; the engine routes them to the driver.
#[derive(Clone)]
pub struct ReportSink {
    tx: mpsc::UnboundedSender<ChannelReport>,
}

impl ReportSink {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<ChannelReport>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }

    pub fn report(&self, r: ChannelReport) {
        // After shutdown nobody listens; a lost report then only means a timeout.
        let _ = self.tx.send(r);
    }
}

/// A delivery backend for one or more channels.
pub trait Backend: Send + Sync {
    /// Hands `msg` to the provider. Must not wait for delivery itself.
    fn send<'a>(&'a self, msg: &'a Outbound) -> BoxFuture<'a, Result<Receipt, SendFailure>>;
}

/// Which backend serves which channel.
#[derive(Clone)]
pub struct Channels {
    backends: HashMap<Channel, Arc<dyn Backend>>,
    fallback: Arc<dyn Backend>,
}

impl Channels {
    /// Every channel goes to `fallback` unless `set` gives it another backend.
    pub fn new(fallback: Arc<dyn Backend>) -> Self {
        Self {
            backends: HashMap::new(),
            fallback,
        }
    }

    pub fn set(&mut self, channel: Channel, backend: Arc<dyn Backend>) {
        self.backends.insert(channel, backend);
    }

    pub fn backend(&self, channel: Channel) -> &Arc<dyn Backend> {
        self.backends.get(&channel).unwrap_or(&self.fallback)
    }
}
