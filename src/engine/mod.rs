//! The verification engine: starting, checking, canceling and watching
//! verifications, and the per-verification driver tasks that run the fallback.
//!
//! Concurrency model: every verification that is still pending has exactly one
//! driver task (an actor). Only the driver changes its record after creation; code
//! checks and cancels are messages to it, so two concurrent correct checks are
//! simply handled one after the other and the second finds the code used. A final
//! verification has no driver; reads and checks of it go to the store, which is the
//! truth. Every change is stored and flushed before it is published or answered.
//!
//! - `machine`: the pure fallback state machine
//! - `driver`: the task that feeds the machine and carries out its effects
//! - `hub` and `watch`: fan-out of transitions to `WatchStatus` streams
//! - `clock`: the injectable source of time

pub mod clock;
mod driver;
pub mod hub;
pub mod machine;
pub mod watch;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::channels::{ChannelReport, Channels, Report};
use crate::crypto::{Crypto, CryptoError};
use crate::directory::Directory;
use crate::domain::code;
use crate::domain::tenant::Tenant;
use crate::domain::validate::{NewVerification, ValidationError, check_code_format};
use crate::domain::verification::{
    Attempt, CheckResult, CodeSecret, DeliveryStatus, State, Verification,
};
use crate::store::{Inserted, Store, StoreError};

pub use clock::Clock;
pub use hub::{Event, Hub};
pub use watch::WatchItem;

/// A verification as the API shows it: the record and, unless erased, its code.
#[derive(Clone)]
pub struct View {
    pub verification: Verification,
    pub code: Option<String>,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("id", &self.verification.id)
            .field("code", &self.code.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("verification not found")]
    NotFound,
    #[error("{0}")]
    FailedPrecondition(String),
    #[error("request_id was already used with a different request")]
    RequestIdReused,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A driver stopped after a store fault (already answered to its caller).
    #[error("driver stopped after a store fault: {0}")]
    Stopped(String),
}

/// Tunables of the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How long a call may ring before voice counts as not answered.
    pub voice_answer_timeout: Duration,
    /// How long a provider may take to accept a send.
    pub send_timeout: Duration,
    /// Transitions buffered per tenant for slow watchers.
    pub watch_buffer: usize,
}

/// A message to a driver.
pub(crate) enum Command {
    Check {
        code: String,
        reply: oneshot::Sender<Result<(CheckResult, View), EngineError>>,
    },
    Cancel {
        reply: oneshot::Sender<Result<View, EngineError>>,
    },
    Report {
        attempt_id: Uuid,
        report: Report,
    },
}

/// Handle to the engine. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    store: Store,
    directory: Directory,
    crypto: Crypto,
    channels: Channels,
    hub: Hub,
    clock: Clock,
    cfg: EngineConfig,
    tracker: TaskTracker,
    shutdown: CancellationToken,
    // std Mutex: held to look up, insert or remove a driver's mailbox, never across
    // an await, so an async mutex would only add cost.
    drivers: Mutex<HashMap<Uuid, mpsc::Sender<Command>>>,
}

/// Mailbox size of a driver. Senders wait when it is full, which bounds the memory
/// a flood of checks against one verification can take.
const MAILBOX: usize = 64;

impl Engine {
    pub fn new(
        store: Store,
        directory: Directory,
        crypto: Crypto,
        channels: Channels,
        clock: Clock,
        cfg: EngineConfig,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                hub: Hub::new(cfg.watch_buffer),
                store,
                directory,
                crypto,
                channels,
                clock,
                cfg,
                tracker: TaskTracker::new(),
                shutdown: CancellationToken::new(),
                drivers: Mutex::default(),
            }),
        }
    }

    /// Resumes every verification that is not final, and starts routing channel
    /// reports to drivers. Call once, before serving.
    pub fn start_background(
        &self,
        mut reports: mpsc::UnboundedReceiver<ChannelReport>,
    ) -> Result<usize, EngineError> {
        let ids = self.inner.store.active_ids(None)?;
        let mut resumed = 0;
        for id in ids {
            if let Some(v) = self.inner.store.get_verification(id)?
                && !v.is_final()
            {
                self.inner.spawn_driver(v, None);
                resumed += 1;
            }
        }
        let engine = self.clone();
        let shutdown = self.inner.shutdown.clone();
        self.inner.tracker.spawn(async move {
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => break,
                    r = reports.recv() => match r { Some(r) => r, None => break },
                };
                if let Some(tx) = engine.inner.driver(r.verification_id) {
                    let _ = tx
                        .send(Command::Report {
                            attempt_id: r.attempt_id,
                            report: r.report,
                        })
                        .await;
                }
            }
        });
        Ok(resumed)
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn directory(&self) -> &Directory {
        &self.inner.directory
    }

    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutdown.is_cancelled()
    }

    /// Stops every driver at a safe point and waits for them, at most `grace`.
    /// What they had stored is resumed by the next start.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.inner.shutdown.cancel();
        self.inner.tracker.close();
        tokio::time::timeout(grace, self.inner.tracker.wait())
            .await
            .is_ok()
    }

    /// Creates a verification, stores it durably, then starts its driver.
    pub async fn start(&self, tenant_id: &str, req: NewVerification) -> Result<View, EngineError> {
        let inner = &self.inner;
        if inner.shutdown.is_cancelled() {
            return Err(EngineError::ShuttingDown);
        }
        let tenant = inner.tenant(tenant_id);
        let fingerprint = inner.crypto.fingerprint(
            &postcard::to_stdvec(&req).expect("a validated request is plain serde data"),
        );
        if !req.request_id.is_empty()
            && let Some(id) = inner.store.find_request(tenant_id, &req.request_id)?
        {
            inner.store.flush().await?;
            return inner.replay(id, &fingerprint);
        }
        let id = Uuid::new_v4();
        let code = req
            .code
            .clone()
            .unwrap_or_else(|| code::generate(req.code_length));
        let hash = inner.crypto.hash_code(id, &code).await?;
        let sealed = inner.crypto.seal(id, &code);
        drop(code);
        let now = inner.clock.now();
        let v = Verification {
            id,
            tenant_id: tenant_id.to_owned(),
            phone: req.phone,
            email: req.email,
            code_length: req.code_length,
            lang: req
                .lang
                .or(tenant.settings.default_lang)
                .unwrap_or_default(),
            app_name: if req.app_name.is_empty() {
                tenant.settings.default_app_name.clone()
            } else {
                req.app_name
            },
            payload: req.payload,
            history: req
                .routing_strategy
                .iter()
                .map(|s| Attempt::new(s.channel))
                .collect(),
            routing_strategy: req.routing_strategy,
            status: DeliveryStatus::New,
            delivered_channel: None,
            cost: None,
            created_at: now,
            updated_at: now,
            expires_at: now + i64::from(req.ttl_sec) * 1000,
            is_code_deleted: req.is_code_deleted,
            state: State::Pending,
            attempts_remaining: req.max_attempts,
            max_attempts: req.max_attempts,
            request_id: req.request_id,
            request_fingerprint: fingerprint.clone(),
            revision: 1,
            secret: CodeSecret {
                hash,
                sealed: Some(sealed),
            },
        };
        match inner.store.insert_verification(&v)? {
            Inserted::New => {}
            Inserted::Existing(first) => {
                // A concurrent retry won the race; answer with its verification.
                inner.store.flush().await?;
                return inner.replay(first, &fingerprint);
            }
        }
        inner.store.flush().await?;
        let stored = inner.view(&v);
        tracing::info!(verification_id = %v.id, tenant_id, steps = v.history.len(), "verification started");
        // Answer once the first step was handed to its channel, like a carrier API
        // does: the caller sees that step's real status, and a rejected first channel
        // has already fallen back. Everything before this point is durable, so a
        // crash while waiting loses nothing.
        let (tx, rx) = oneshot::channel();
        inner.spawn_driver(v, Some(tx));
        let limit = inner.cfg.send_timeout + Duration::from_secs(1);
        Ok(match tokio::time::timeout(limit, rx).await {
            Ok(Ok(view)) => view,
            _ => stored,
        })
    }

    /// Reads one verification of the tenant.
    pub fn get(&self, tenant_id: &str, id: Uuid) -> Result<View, EngineError> {
        let v = self.inner.load(tenant_id, id)?;
        Ok(self.inner.view(&v))
    }

    /// Checks a code. A wrong code is a result, and costs an attempt durably.
    pub async fn check(
        &self,
        tenant_id: &str,
        id: Uuid,
        code: String,
    ) -> Result<(CheckResult, View), EngineError> {
        check_code_format(&code).map_err(|why| ValidationError::single("code", why))?;
        self.inner.load(tenant_id, id)?;
        let sent = self
            .inner
            .command(id, |reply| Command::Check { code, reply })
            .await;
        match sent {
            Some(rx) => rx.await.map_err(|_| EngineError::ShuttingDown)?,
            None => self
                .inner
                .check_without_driver(&self.inner.load(tenant_id, id)?),
        }
    }

    /// Cancels a pending verification.
    pub async fn cancel(&self, tenant_id: &str, id: Uuid) -> Result<View, EngineError> {
        self.inner.load(tenant_id, id)?;
        match self
            .inner
            .command(id, |reply| Command::Cancel { reply })
            .await
        {
            Some(rx) => rx.await.map_err(|_| EngineError::ShuttingDown)?,
            None => Err(cancel_without_driver(&self.inner.load(tenant_id, id)?)),
        }
    }
}

/// The error for a cancel no driver will carry out.
fn cancel_without_driver(v: &Verification) -> EngineError {
    if v.is_final() {
        not_pending(v)
    } else {
        EngineError::ShuttingDown
    }
}

fn not_pending(v: &Verification) -> EngineError {
    let state = match v.state {
        State::Pending => "pending",
        State::Verified => "verified",
        State::Expired => "expired",
        State::MaxAttemptsReached => "locked after too many attempts",
        State::Canceled => "canceled",
    };
    EngineError::FailedPrecondition(format!("the verification is already {state}"))
}

/// Default settings, for a verification whose tenant record is missing (tenants are
/// never deleted; this only guards against a store edited by hand).
static UNKNOWN_TENANT: std::sync::LazyLock<Arc<Tenant>> = std::sync::LazyLock::new(|| {
    Arc::new(Tenant {
        id: String::new(),
        settings: Default::default(),
        created_at: 0,
    })
});

impl Inner {
    fn tenant(&self, id: &str) -> Arc<Tenant> {
        self.directory
            .tenant(id)
            .unwrap_or_else(|| UNKNOWN_TENANT.clone())
    }

    /// Loads a verification of `tenant_id`. Another tenant's id is NotFound, exactly
    /// like an id that does not exist.
    fn load(&self, tenant_id: &str, id: Uuid) -> Result<Verification, EngineError> {
        match self.store.get_verification(id)? {
            Some(v) if v.tenant_id == tenant_id => Ok(v),
            _ => Err(EngineError::NotFound),
        }
    }

    fn view(&self, v: &Verification) -> View {
        let code = v.secret.sealed.as_ref().and_then(|s| match self.crypto.open(v.id, s) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::error!(verification_id = %v.id, error = %e, "stored code cannot be opened");
                None
            }
        });
        View {
            verification: v.clone(),
            code,
        }
    }

    /// A check no driver will answer: settled from the record if it is final, else the
    /// server is shutting down.
    fn check_without_driver(&self, v: &Verification) -> Result<(CheckResult, View), EngineError> {
        match machine::precheck(v) {
            Some(r) if v.is_final() => Ok((r, self.view(v))),
            _ => Err(EngineError::ShuttingDown),
        }
    }

    fn replay(&self, id: Uuid, fingerprint: &[u8]) -> Result<View, EngineError> {
        let v = self
            .store
            .get_verification(id)?
            .ok_or(EngineError::NotFound)?;
        if v.request_fingerprint != fingerprint {
            return Err(EngineError::RequestIdReused);
        }
        Ok(self.view(&v))
    }

    /// The mailbox of a verification's driver, starting the driver if the
    /// verification is pending and has none (e.g. it was being resumed). `None` for a
    /// final verification, or while shutting down.
    fn driver(self: &Arc<Self>, id: Uuid) -> Option<mpsc::Sender<Command>> {
        let mut drivers = self.drivers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = drivers.get(&id) {
            return Some(tx.clone());
        }
        if self.shutdown.is_cancelled() {
            return None;
        }
        let v = self.store.get_verification(id).ok().flatten()?;
        if v.is_final() {
            return None;
        }
        Some(driver::spawn(self, v, &mut drivers, None))
    }

    fn spawn_driver(self: &Arc<Self>, v: Verification, first_send: Option<oneshot::Sender<View>>) {
        let mut drivers = self.drivers.lock().unwrap_or_else(|p| p.into_inner());
        if !drivers.contains_key(&v.id) {
            driver::spawn(self, v, &mut drivers, first_send);
        }
    }

    /// Sends a command to the driver and returns where its answer will arrive;
    /// `None` when there is no driver to answer.
    async fn command<T>(
        self: &Arc<Self>,
        id: Uuid,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Option<oneshot::Receiver<T>> {
        let tx = self.driver(id)?;
        let (reply, rx) = oneshot::channel();
        // A driver answers every command it accepted, even while it exits, so a
        // failed send is the only case that needs the store.
        tx.send(make(reply)).await.ok()?;
        Some(rx)
    }
}
