//! Admission control and stream caps for `VerifyService`: past a configured number
//! of starts and checks in flight, or of bcrypt hashes queued, a new start or check
//! is refused at once with `RESOURCE_EXHAUSTED` (reason `OVERLOADED`, with a
//! `RetryInfo`) instead of queueing for seconds; and a tenant may hold at most so
//! many `WatchStatus` streams. Get, Cancel, Watch and health never wait here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::crypto::Crypto;

/// How long a refused caller is asked to wait before it tries again.
pub const RETRY_AFTER: Duration = Duration::from_millis(250);

/// The limits, from the flags.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Starts and checks being handled at once.
    pub max_in_flight: usize,
    /// bcrypt hashes waiting for a core, beyond those running.
    pub max_hash_queue: usize,
    /// `WatchStatus` streams open at once, per tenant.
    pub max_watch_streams_per_tenant: usize,
}

#[derive(Clone)]
pub struct Admission {
    in_flight: Arc<Semaphore>,
    crypto: Crypto,
    limits: Limits,
    watchers: Arc<Mutex<HashMap<String, usize>>>,
}

/// Held while a start or check is handled.
pub struct Admitted(#[allow(dead_code)] OwnedSemaphorePermit);

/// Held while a watch stream is open; releases its tenant's slot when dropped.
pub struct WatchSlot {
    tenant: String,
    watchers: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for WatchSlot {
    fn drop(&mut self) {
        let mut m = self.watchers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.tenant) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.tenant);
            }
        }
    }
}

fn overloaded(message: &str) -> Status {
    let mut details = ErrorDetails::with_error_info(
        "OVERLOADED",
        super::error::DOMAIN,
        HashMap::<String, String>::new(),
    );
    details.set_retry_info(Some(RETRY_AFTER));
    Status::with_error_details(Code::ResourceExhausted, message, details)
}

impl Admission {
    pub fn new(crypto: Crypto, limits: Limits) -> Self {
        Self {
            in_flight: Arc::new(Semaphore::new(limits.max_in_flight.max(1))),
            crypto,
            limits,
            watchers: Arc::default(),
        }
    }

    /// Admits a start or a check, or refuses it at once.
    pub fn admit(&self) -> Result<Admitted, Status> {
        if self.crypto.hash_backlog() > self.limits.max_hash_queue {
            return Err(overloaded(
                "the server is overloaded (too many codes waiting to be hashed); retry after the RetryInfo delay",
            ));
        }
        match self.in_flight.clone().try_acquire_owned() {
            Ok(p) => Ok(Admitted(p)),
            Err(_) => Err(overloaded(
                "the server is overloaded (too many starts and checks in flight); retry after the RetryInfo delay",
            )),
        }
    }

    /// A slot for one more watch stream of `tenant`, or a refusal.
    pub fn watch_slot(&self, tenant: &str) -> Result<WatchSlot, Status> {
        let mut m = self.watchers.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(tenant.to_owned()).or_default();
        if *n >= self.limits.max_watch_streams_per_tenant {
            let mut details = ErrorDetails::with_error_info(
                "TOO_MANY_WATCHERS",
                super::error::DOMAIN,
                HashMap::<String, String>::new(),
            );
            details.set_retry_info(Some(Duration::from_secs(1)));
            return Err(Status::with_error_details(
                Code::ResourceExhausted,
                format!(
                    "this tenant has {} WatchStatus streams open, the most allowed (--max-watch-streams-per-tenant); close one first",
                    self.limits.max_watch_streams_per_tenant
                ),
                details,
            ));
        }
        *n += 1;
        Ok(WatchSlot {
            tenant: tenant.to_owned(),
            watchers: self.watchers.clone(),
        })
    }
}
