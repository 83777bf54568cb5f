//! Fan-out of transitions to this node's `WatchStatus` streams, one bounded broadcast
//! channel per tenant (in the manner of neon's storage_broker).
//!
//! Delivery semantics: a transition is published only after it is stored. It reaches
//! the hub from this node's own commits at once, and from other nodes' commits through
//! the store's change notices. Publications are not ordered across writers (a check on
//! one node and the driver on another may commit one after the other and publish the
//! other way round), so every event carries `from`, the revision the verification had
//! before the transition: a stream that sees `from` above what it last showed fetches
//! the missing events from the store first, and drops what it already showed. A
//! watcher that falls more than the buffer behind loses transitions; its stream
//! notices (`Lagged`) and sends a fresh snapshot instead. `resync_all` makes every
//! stream do the same, for when change notices may have been lost. A `Subscription`
//! unregisters itself on drop, so a disconnected watcher frees its slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use crate::domain::limits::Block;
use crate::domain::verification::{EventKind, Millis};

use super::View;

/// One published transition.
#[derive(Debug)]
pub struct Event {
    pub kind: EventKind,
    /// The step a channel event is about.
    pub step: Option<usize>,
    pub at: Millis,
    /// The verification's revision before this transition.
    pub from: u64,
    pub view: Arc<View>,
}

impl Event {
    /// The verification's revision right after this transition.
    pub fn revision(&self) -> u64 {
        self.view.verification.revision
    }
}

/// What a subscription receives.
#[derive(Debug, Clone)]
pub enum HubItem {
    Event(Arc<Event>),
    /// A number prefix of the tenant was blocked ("verification.blocked").
    Blocked(Arc<Block>),
    /// Transitions may have been missed: read the store again.
    Resync,
}

#[derive(Clone)]
pub struct Hub {
    // std Mutex: held to look up or insert a sender, never across an await.
    tenants: Arc<Mutex<HashMap<String, broadcast::Sender<HubItem>>>>,
    capacity: usize,
    /// The number of open watch streams, for operators and for tests that wait for
    /// a disconnect to be noticed.
    watchers: Arc<watch::Sender<usize>>,
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        Self {
            tenants: Arc::default(),
            capacity: capacity.max(1),
            watchers: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Follows the number of open watch streams.
    pub fn watchers(&self) -> watch::Receiver<usize> {
        self.watchers.subscribe()
    }

    /// Whether anyone on this node watches the tenant.
    pub fn is_watched(&self, tenant: &str) -> bool {
        self.tenants
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(tenant)
    }

    /// Sends transitions to the tenant's watchers, if it has any.
    pub fn publish(&self, tenant: &str, events: impl IntoIterator<Item = Arc<Event>>) {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = tenants.get(tenant) {
            for e in events {
                // An error only means nobody is subscribed right now.
                let _ = tx.send(HubItem::Event(e));
            }
        }
    }

    /// Tells the tenant's watchers of a new block.
    pub fn publish_block(&self, tenant: &str, block: Arc<Block>) {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = tenants.get(tenant) {
            let _ = tx.send(HubItem::Blocked(block));
        }
    }

    /// Tells every watcher to read the store again.
    pub fn resync_all(&self) {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        for tx in tenants.values() {
            let _ = tx.send(HubItem::Resync);
        }
    }

    pub fn subscribe(&self, tenant: &str) -> Subscription {
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let rx = tenants
            .entry(tenant.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe();
        self.watchers.send_modify(|n| *n += 1);
        Subscription {
            rx: Some(rx),
            hub: self.clone(),
            tenant: tenant.to_owned(),
        }
    }
}

/// A watcher's place in its tenant's channel.
pub struct Subscription {
    rx: Option<broadcast::Receiver<HubItem>>,
    hub: Hub,
    tenant: String,
}

impl Subscription {
    pub async fn recv(&mut self) -> Result<HubItem, broadcast::error::RecvError> {
        match &mut self.rx {
            Some(rx) => rx.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut tenants = self.hub.tenants.lock().unwrap_or_else(|p| p.into_inner());
        drop(self.rx.take());
        if tenants
            .get(&self.tenant)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            tenants.remove(&self.tenant);
        }
        self.hub.watchers.send_modify(|n| *n -= 1);
    }
}
