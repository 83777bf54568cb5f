//! `WatchStatus` streams, as engine-level streams of `WatchItem`s.
//!
//! Both modes subscribe to the tenant's hub channel *before* reading the snapshot,
//! so nothing between the snapshot and the first transition is missed. Per
//! verification, a stream remembers the revision it last showed: a transition at or
//! below it is a duplicate and dropped; a transition whose `from` is above it means
//! something was published out of order or by another node not yet heard from, and
//! the stream first fetches the missing events from the store. So each
//! verification's transitions arrive in order and once, whichever node made them.
//!
//! On `Lagged` (or a hub resync) the stream re-reads the store and sends a fresh
//! snapshot with `resync` set. A stream on one id ends after the transition that
//! makes it final. Every stream ends at shutdown. A store read that fails in the
//! middle of a stream (a gap fill, a resync) ends it with that error, never
//! silently, so the client knows to watch again. Dropping a stream drops its
//! subscription, which frees its slot.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::hub::{Event, HubItem};
use super::{Engine, EngineError, Inner, View};
use crate::domain::verification::Millis;

/// At most this many verifications go into a tenant-wide snapshot.
pub const SNAPSHOT_MAX: usize = 1000;

/// How many verifications that became final a tenant-wide stream remembers, to drop
/// their late duplicates.
const FINISHED_MEMORY: usize = 4096;

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
    /// A number prefix of the tenant was blocked (tenant-wide streams only).
    Blocked(Arc<crate::domain::limits::Block>),
}

/// What a stream does with an event, given the last revision it showed.
enum Next {
    Drop,
    Show,
    /// Fetch the events after the last shown revision first.
    Fill,
}

fn classify(ev: &Event, seen: u64) -> Next {
    if ev.revision() <= seen {
        Next::Drop
    } else if ev.from > seen {
        Next::Fill
    } else {
        Next::Show
    }
}

impl Engine {
    /// Watches one verification. NotFound (for it or another tenant's id) is
    /// returned before the stream starts.
    pub async fn watch_one(
        &self,
        tenant_id: &str,
        id: Uuid,
    ) -> Result<impl Stream<Item = Result<WatchItem, EngineError>> + Send + 'static, EngineError>
    {
        let inner = self.inner.clone();
        let mut sub = inner.hub.subscribe(tenant_id);
        let first = inner.load(tenant_id, id).await?;
        let tenant_id = tenant_id.to_owned();
        let shutdown = inner.shutdown.clone();
        Ok(async_stream::stream! {
            let mut seen = first.revision;
            let done = first.is_final();
            yield Ok(WatchItem::Snapshot { view: Some(Box::new(inner.view(&first))), active: vec![], active_total: 0, resync: false, at: inner.clock.now() });
            if done {
                return;
            }
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = sub.recv() => r,
                };
                let events = match r {
                    Ok(HubItem::Event(ev)) if ev.view.verification.id == id => {
                        match classify(&ev, seen) {
                            Next::Drop => continue,
                            Next::Show => vec![ev],
                            Next::Fill => match inner.events_since(id, seen).await {
                                Ok(events) => events,
                                Err(e) => {
                                    yield Err(e);
                                    return;
                                }
                            },
                        }
                    }
                    Ok(HubItem::Event(_)) | Ok(HubItem::Blocked(_)) => continue,
                    Ok(HubItem::Resync) | Err(RecvError::Lagged(_)) => {
                        let v = match inner.load(&tenant_id, id).await {
                            Ok(v) => v,
                            Err(e) => {
                                yield Err(e);
                                return;
                            }
                        };
                        seen = v.revision;
                        let done = v.is_final();
                        yield Ok(WatchItem::Snapshot { view: Some(Box::new(inner.view(&v))), active: vec![], active_total: 0, resync: true, at: inner.clock.now() });
                        if done {
                            return;
                        }
                        continue;
                    }
                    Err(RecvError::Closed) => return,
                };
                for ev in events {
                    if ev.revision() <= seen {
                        continue;
                    }
                    seen = ev.revision();
                    let last = ev.kind.is_final();
                    yield Ok(WatchItem::Event(ev));
                    if last {
                        return;
                    }
                }
            }
        })
    }

    /// Watches every verification of the tenant.
    pub async fn watch_tenant(
        &self,
        tenant_id: &str,
    ) -> Result<impl Stream<Item = Result<WatchItem, EngineError>> + Send + 'static, EngineError>
    {
        let inner = self.inner.clone();
        let mut sub = inner.hub.subscribe(tenant_id);
        let tenant_id = tenant_id.to_owned();
        let shutdown = inner.shutdown.clone();
        let (active, active_total, mut seen) = tenant_snapshot(&inner, &tenant_id).await?;
        Ok(async_stream::stream! {
            yield Ok(WatchItem::Snapshot { view: None, active, active_total, resync: false, at: inner.clock.now() });
            let mut finished = Finished::default();
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = sub.recv() => r,
                };
                let events = match r {
                    Ok(HubItem::Blocked(b)) => {
                        yield Ok(WatchItem::Blocked(b));
                        continue;
                    }
                    Ok(HubItem::Event(ev)) => {
                        let id = ev.view.verification.id;
                        if finished.contains(&id) {
                            continue;
                        }
                        match seen.get(&id) {
                            // First news of a verification the snapshot did not show:
                            // nothing earlier was promised about it.
                            None => vec![ev],
                            Some(&s) => match classify(&ev, s) {
                                Next::Drop => continue,
                                Next::Show => vec![ev],
                                Next::Fill => match inner.events_since(id, s).await {
                                    Ok(events) => events,
                                    Err(e) => {
                                        yield Err(e);
                                        return;
                                    }
                                },
                            },
                        }
                    }
                    Ok(HubItem::Resync) | Err(RecvError::Lagged(_)) => {
                        let (active, active_total, s) = match tenant_snapshot(&inner, &tenant_id).await {
                            Ok(snapshot) => snapshot,
                            Err(e) => {
                                yield Err(e);
                                return;
                            }
                        };
                        seen = s;
                        finished = Finished::default();
                        yield Ok(WatchItem::Snapshot { view: None, active, active_total, resync: true, at: inner.clock.now() });
                        continue;
                    }
                    Err(RecvError::Closed) => return,
                };
                for ev in events {
                    let id = ev.view.verification.id;
                    if seen.get(&id).is_some_and(|&s| ev.revision() <= s) || finished.contains(&id) {
                        continue;
                    }
                    if ev.kind.is_final() {
                        seen.remove(&id);
                        finished.insert(id);
                    } else {
                        seen.insert(id, ev.revision());
                    }
                    yield Ok(WatchItem::Event(ev));
                }
            }
        })
    }
}

/// A tenant snapshot: the views to send (oldest first), how many verifications are
/// active, and the revision each view shows.
async fn tenant_snapshot(
    inner: &Arc<Inner>,
    tenant_id: &str,
) -> Result<(Vec<View>, usize, HashMap<Uuid, u64>), EngineError> {
    let active = inner.store.active(tenant_id, SNAPSHOT_MAX).await?;
    let seen = active.newest.iter().map(|v| (v.id, v.revision)).collect();
    let views = active.newest.iter().rev().map(|v| inner.view(v)).collect();
    Ok((views, active.total, seen))
}

/// The verifications a stream saw become final, the most recent `FINISHED_MEMORY`.
#[derive(Default)]
struct Finished {
    order: VecDeque<Uuid>,
    set: HashSet<Uuid>,
}

impl Finished {
    fn contains(&self, id: &Uuid) -> bool {
        self.set.contains(id)
    }

    fn insert(&mut self, id: Uuid) {
        if self.set.insert(id) {
            self.order.push_back(id);
            if self.order.len() > FINISHED_MEMORY
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }
}
