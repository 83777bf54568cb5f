//! `WatchStatus` streams, as engine-level streams of `WatchItem`s.
//!
//! Both modes subscribe to the tenant's hub channel *before* reading the snapshot,
//! so nothing between the snapshot and the first transition is missed; transitions
//! the snapshot already shows (revision not newer) are dropped. On `Lagged`, the
//! stream re-reads the store and sends a fresh snapshot with `resync` set. A stream
//! on one id ends after the transition that makes it final. Every stream ends at
//! shutdown. Dropping a stream drops its subscription, which frees its slot.

use std::collections::HashMap;
use std::sync::Arc;

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::hub::Event;
use super::{Engine, EngineError, View};
use crate::domain::verification::Millis;

/// At most this many verifications go into a tenant-wide snapshot.
pub const SNAPSHOT_MAX: usize = 1000;

/// A tenant snapshot: the views to send, how many are active, and the revision of
/// every active verification (to drop transitions the snapshot already shows).
type TenantSnapshot = (Vec<View>, usize, HashMap<Uuid, u64>);

/// One message of a watch stream.
#[derive(Debug, Clone)]
pub enum WatchItem {
    /// The current state: of one verification (`view`), or of every active
    /// verification of the tenant (`active`).
    Snapshot {
        view: Option<Box<View>>,
        active: Vec<View>,
        /// How many verifications are active; more than `active` holds if capped.
        active_total: usize,
        resync: bool,
        at: Millis,
    },
    /// A transition.
    Event(Arc<Event>),
}

impl Engine {
    /// Watches one verification. NotFound (for it or another tenant's id) is
    /// returned before the stream starts.
    pub fn watch_one(
        &self,
        tenant_id: &str,
        id: Uuid,
    ) -> Result<impl Stream<Item = WatchItem> + Send + 'static, EngineError> {
        let inner = self.inner.clone();
        let mut sub = inner.hub.subscribe(tenant_id);
        let first = inner.load(tenant_id, id)?;
        let tenant_id = tenant_id.to_owned();
        let shutdown = inner.shutdown.clone();
        Ok(async_stream::stream! {
            let mut seen = first.revision;
            let done = first.is_final();
            yield WatchItem::Snapshot { view: Some(Box::new(inner.view(&first))), active: vec![], active_total: 0, resync: false, at: inner.clock.now() };
            if done {
                return;
            }
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = sub.recv() => r,
                };
                match r {
                    Ok(ev) if ev.view.verification.id == id => {
                        if ev.view.verification.revision <= seen {
                            continue;
                        }
                        let last = ev.kind.is_final();
                        yield WatchItem::Event(ev);
                        if last {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        let Ok(v) = inner.load(&tenant_id, id) else { return };
                        seen = v.revision;
                        let done = v.is_final();
                        yield WatchItem::Snapshot { view: Some(Box::new(inner.view(&v))), active: vec![], active_total: 0, resync: true, at: inner.clock.now() };
                        if done {
                            return;
                        }
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        })
    }

    /// Watches every verification of the tenant.
    pub fn watch_tenant(
        &self,
        tenant_id: &str,
    ) -> Result<impl Stream<Item = WatchItem> + Send + 'static, EngineError> {
        let inner = self.inner.clone();
        let mut sub = inner.hub.subscribe(tenant_id);
        let tenant_id = tenant_id.to_owned();
        let shutdown = inner.shutdown.clone();
        // Every active verification is read, for the revisions that later events are
        // compared with; only the newest SNAPSHOT_MAX go into the message.
        let snapshot = move |inner: &Arc<super::Inner>| -> Result<TenantSnapshot, EngineError> {
            let mut active = Vec::new();
            let mut seen = HashMap::new();
            for id in inner.store.active_ids(Some(&tenant_id))? {
                if let Some(v) = inner.store.get_verification(id)? {
                    seen.insert(id, v.revision);
                    active.push(v);
                }
            }
            let total = active.len();
            active.sort_by_key(|v| std::cmp::Reverse(v.created_at));
            active.truncate(SNAPSHOT_MAX);
            active.reverse();
            Ok((active.iter().map(|v| inner.view(v)).collect(), total, seen))
        };
        let (active, active_total, mut seen) = snapshot(&inner)?;
        Ok(async_stream::stream! {
            yield WatchItem::Snapshot { view: None, active, active_total, resync: false, at: inner.clock.now() };
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = sub.recv() => r,
                };
                match r {
                    Ok(ev) => {
                        let v = &ev.view.verification;
                        if seen.get(&v.id).is_some_and(|&r| v.revision <= r) {
                            continue;
                        }
                        if ev.kind.is_final() {
                            seen.remove(&v.id);
                        }
                        yield WatchItem::Event(ev);
                    }
                    Err(RecvError::Lagged(_)) => {
                        let Ok((active, active_total, s)) = snapshot(&inner) else { return };
                        seen = s;
                        yield WatchItem::Snapshot { view: None, active, active_total, resync: true, at: inner.clock.now() };
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        })
    }
}
