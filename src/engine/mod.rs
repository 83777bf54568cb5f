//! The verification engine: starting, checking, canceling and watching
//! verifications, and the per-verification driver tasks that run the fallback.
//!
//! Concurrency model: the store is the truth, and every change to a verification is a
//! compare-and-set write of a new revision ([`Inner::apply`]). A writer that loses a
//! race re-reads the record and applies the pure machine again, so two writers, on
//! one node or on several, never both apply a transition: of two concurrent correct
//! checks, exactly one commits `VERIFIED` and the other re-reads it and answers
//! `NOT_PENDING`.
//!
//! - Checks, cancels and reports are applied by whichever node receives them.
//! - Every verification that is not final has one owner node, and on it one
//!   `driver` task that owns its timers and its sends. After someone else's write
//!   the driver is told to re-read (locally through its mailbox, from another node
//!   through the store's change notices), so a remote check or cancel stops further
//!   sending within a notice's latency.
//! - A node takes over the verifications of a node whose lease ran out, and hands its
//!   own back when it drains.
//!
//! Every change is durable before it is published or answered.
//!
//! - `machine`: the pure fallback state machine
//! - `driver`: the task that feeds the machine and carries out its sends
//! - `hub` and `watch`: fan-out of transitions to `WatchStatus` streams
//! - `clock`: the injectable source of time

pub mod clock;
mod driver;
pub mod hub;
pub mod machine;
pub mod pace;
pub mod watch;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::channels::{ChannelReport, Channels, Report};
use crate::crypto::{Crypto, CryptoError};
use crate::directory::Directory;
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::code;
use crate::domain::limits::{self, Refusal};
use crate::domain::tenant::Tenant;
use crate::domain::validate::{NewVerification, ValidationError, check_code_format};
use crate::domain::verification::{
    Attempt, CheckResult, CodeSecret, DeliveryStatus, State, Verification,
};
use crate::store::{
    Commit, Committed, ExternalRef, Inserted, LimitsTx, Notice, SharedStore, StoreError,
    StoredEvent,
};

pub use clock::Clock;
pub use hub::{Event, Hub, HubItem};
pub use watch::WatchItem;

use machine::{Ctx, Effect, Input};

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

/// Who makes a call: the tenant, and the actor the audit log names
/// (`key:<key id>`, `admin`, `system`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub tenant_id: String,
    pub actor: String,
}

impl Caller {
    pub fn new(tenant_id: impl Into<String>, actor: impl Into<String>) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            actor: actor.into(),
        }
    }
}

/// A start the tenant's policy refuses whatever the timing (a number type, a
/// country): nothing to wait for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The `ErrorInfo` reason.
    pub reason: &'static str,
    /// The field the policy is about, e.g. `phone` or `routing_strategy[1].channel`.
    pub subject: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A limit refused the call; it may succeed after `retry_after_ms`.
    #[error("{}", .0.message)]
    Limited(Refusal),
    /// The tenant's policy refuses it.
    #[error("{}", .0.message)]
    Policy(Policy),
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
    /// How long a node owns its verifications without renewing its lease.
    pub lease: Duration,
    /// How often a node of a cluster re-reads the directory at the latest.
    pub directory_refresh: Duration,
    pub retention: RetentionConfig,
    /// The longest a check is held back as its destination nears the failed-check cap.
    pub check_slowdown_max_ms: u64,
}

/// How long what may be deleted is kept.
#[derive(Debug, Clone)]
pub struct RetentionConfig {
    pub verifications: Duration,
    pub request_ids: Duration,
    pub audit: Duration,
    /// Sandbox messages (memory and outbox file).
    pub outbox: Duration,
    /// How often retention runs.
    pub every: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            verifications: Duration::from_secs(30 * 86_400),
            request_ids: Duration::from_secs(86_400),
            audit: Duration::from_secs(90 * 86_400),
            outbox: Duration::from_secs(7 * 86_400),
            every: Duration::from_secs(3600),
        }
    }
}

/// A message to a driver.
pub(crate) enum Command {
    /// Someone else changed the verification: read it again.
    Refresh,
    /// A provider's report about one of its attempts.
    Report { attempt_id: Uuid, report: Report },
}

/// Handle to the engine. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    store: SharedStore,
    node: String,
    directory: Directory,
    crypto: Crypto,
    channels: Channels,
    hub: Hub,
    clock: Clock,
    cfg: EngineConfig,
    tracker: TaskTracker,
    shutdown: CancellationToken,
    // std Mutex: held to look up, insert or remove a driver's mailbox, never across
    // an await and never around a store call.
    drivers: Mutex<HashMap<Uuid, mpsc::Sender<Command>>>,
    /// When CheckCode answers may leave (see `pace`).
    pace: pace::Pace,
    /// Woken when events enter the webhook outbox.
    outbox: Arc<tokio::sync::Notify>,
}

/// Mailbox size of a driver. Reports wait when it is full; a refresh that finds it
/// full is dropped, since the refreshes already queued will read the same store.
const MAILBOX: usize = 64;

/// How many orphans a node takes over per store call.
const CLAIM_BATCH: usize = 256;

/// Limit counters and ended blocks are kept at least this long after their last
/// event, whatever the verifications' retention: longer than any pumping window.
const COUNTERS_KEPT_AT_LEAST: Duration = Duration::from_secs(8 * 86_400);

/// What a check's pacing needs to know of it.
#[derive(Default)]
struct CheckTiming {
    /// It compared the code of a live verification: a sample for the pace.
    compared: bool,
    /// The slowdown of a destination near its lock, which comes on top of the pace.
    slowed: Duration,
}

/// A committed change: the record as stored, and what the change function returned.
pub(crate) struct Applied<R> {
    pub v: Verification,
    pub out: R,
}

impl Engine {
    pub fn new(
        store: SharedStore,
        node: String,
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
                node,
                directory,
                crypto,
                channels,
                clock,
                cfg,
                tracker: TaskTracker::new(),
                shutdown: CancellationToken::new(),
                drivers: Mutex::default(),
                pace: pace::Pace::default(),
                outbox: Arc::default(),
            }),
        }
    }

    /// Takes over the verifications nobody drives (on sled: every one that is not
    /// final), and starts the background tasks: report routing, change notices,
    /// and on a shared store the lease, takeover and directory loop. Call once,
    /// before serving. Returns how many verifications it resumed.
    pub async fn start_background(
        &self,
        mut reports: mpsc::Receiver<ChannelReport>,
    ) -> Result<usize, EngineError> {
        let inner = &self.inner;
        if inner.store.is_shared() {
            inner.store.heartbeat(&inner.node, inner.cfg.lease).await?;
        }
        let resumed = inner.claim_all().await?;

        let engine = self.clone();
        let shutdown = inner.shutdown.clone();
        inner.tracker.spawn(async move {
            loop {
                let r = tokio::select! {
                    _ = shutdown.cancelled() => break,
                    r = reports.recv() => match r { Some(r) => r, None => break },
                };
                engine
                    .report(r.verification_id, r.attempt_id, r.report)
                    .await;
            }
        });

        let engine = self.clone();
        let notices = inner.store.notices();
        inner
            .tracker
            .spawn(async move { engine.inner.follow_notices(notices).await });

        if inner.store.is_shared() {
            let engine = self.clone();
            inner
                .tracker
                .spawn(async move { engine.inner.maintain().await });
        }
        let engine = self.clone();
        inner.tracker.spawn(async move {
            let mut every = tokio::time::interval(engine.inner.cfg.retention.every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = engine.inner.shutdown.cancelled() => return,
                    _ = every.tick() => {
                        if let Err(e) = engine.purge_now().await {
                            tracing::warn!(error = %e, "retention failed; it runs again later");
                        }
                    }
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

    pub fn store(&self) -> &SharedStore {
        &self.inner.store
    }

    pub fn directory(&self) -> &Directory {
        &self.inner.directory
    }

    /// Woken whenever events enter the webhook outbox.
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.inner.outbox.clone()
    }

    /// Hashing, checking and sealing of codes and other secrets.
    pub fn crypto(&self) -> &Crypto {
        &self.inner.crypto
    }

    /// The task tracker and shutdown signal, for the engine's companions (webhooks).
    pub fn tasks(&self) -> (&TaskTracker, &CancellationToken) {
        (&self.inner.tracker, &self.inner.shutdown)
    }

    /// This node's id in the cluster.
    pub fn node(&self) -> &str {
        &self.inner.node
    }

    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutdown.is_cancelled()
    }

    /// Stops every driver at a safe point and waits for them, at most `grace`, then
    /// hands this node's verifications back so other nodes take them over at once.
    /// Returns whether every driver stopped in time.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.inner.shutdown.cancel();
        self.inner.tracker.close();
        let stopped = tokio::time::timeout(grace, self.inner.tracker.wait())
            .await
            .is_ok();
        if let Err(e) = self.inner.store.release(&self.inner.node).await {
            tracing::warn!(error = %e, "could not hand the verifications back; others take them over when the lease runs out");
        }
        stopped
    }

    /// Creates a verification, stores it durably, then starts its driver. The
    /// tenant's defences run first: number types and geo permissions refuse without
    /// writing anything; the limits (starts per destination, deliveries at once, daily
    /// spend, the pumping block) are decided by the store in the same atomic write
    /// as the insert, so they hold across nodes.
    pub async fn start(&self, caller: &Caller, req: NewVerification) -> Result<View, EngineError> {
        let inner = &self.inner;
        let tenant_id = caller.tenant_id.as_str();
        if inner.shutdown.is_cancelled() {
            return Err(EngineError::ShuttingDown);
        }
        let tenant = inner.tenant(tenant_id);
        let limits = &tenant.settings.limits;
        let now = inner.clock.now();
        let fingerprint = inner.crypto.fingerprint(
            &postcard::to_stdvec(&req).expect("a validated request is plain serde data"),
        );
        if !req.request_id.is_empty()
            && let Some(id) = inner.store.find_request(tenant_id, &req.request_id).await?
        {
            return inner.replay(id, &fingerprint).await;
        }
        let channels: Vec<_> = req.routing_strategy.iter().map(|s| s.channel).collect();
        if let Some((i, ch)) = channels
            .iter()
            .enumerate()
            .find(|(_, c)| !inner.channels.routed(**c))
        {
            return Err(EngineError::Policy(Policy {
                reason: "CHANNEL_NOT_CONFIGURED",
                subject: format!("routing_strategy[{i}].channel"),
                message: format!(
                    "{ch} has no provider in this server's delivery config (--config); route only configured channels"
                ),
            }));
        }
        let uses_phone = channels.iter().any(|c| c.needs_phone());
        let phone = uses_phone
            .then(|| limits::phone_facts(&req.phone))
            .flatten();
        if uses_phone {
            if let Some(t) = limits::number_type(&req.phone)
                && limits.refused_number_types.contains(&t)
            {
                let refusal = Policy {
                    reason: "NUMBER_TYPE_NOT_ALLOWED",
                    subject: "phone".into(),
                    message: format!(
                        "{} numbers are refused for this tenant (toll fraud goes through them)",
                        t.as_str()
                    ),
                };
                inner.audit_refusal(caller, &refusal.message, now).await;
                return Err(EngineError::Policy(refusal));
            }
            if let Some(p) = &phone
                && let Some((i, ch)) = limits::geo_refusal(limits, &channels, &p.country_iso)
            {
                let refusal = Policy {
                    reason: "COUNTRY_NOT_ALLOWED",
                    subject: format!("routing_strategy[{i}].channel"),
                    message: format!(
                        "{ch} may not send to {} for this tenant (geo permissions)",
                        p.country_iso
                    ),
                };
                inner.audit_refusal(caller, &refusal.message, now).await;
                return Err(EngineError::Policy(refusal));
            }
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
            country_iso: phone
                .as_ref()
                .map(|p| p.country_iso.clone())
                .unwrap_or_default(),
            callback_url: req.callback_url,
            request_fingerprint: fingerprint.clone(),
            revision: 1,
            secret: CodeSecret {
                hash,
                sealed: Some(sealed),
            },
        };
        let facts = limits::StartFacts {
            tenant_id: tenant_id.to_owned(),
            destinations: destinations(&v),
            phone,
            now,
        };
        let decide_limits = limits.clone();
        let keys = limits::start_keys(&facts);
        let admission = LimitsTx {
            keys,
            decide: Arc::new(move |c| limits::admit_start(&decide_limits, &facts, c)),
        };
        match inner
            .store
            .insert_verification(&v, &inner.node, Some(admission))
            .await?
        {
            Inserted::New => {}
            // A concurrent retry won the race; answer with its verification.
            Inserted::Existing(first) => return inner.replay(first, &fingerprint).await,
            Inserted::Refused(refusal) => {
                inner.refused(caller, &v, &refusal, now).await;
                return Err(EngineError::Limited(refusal));
            }
        }
        let id = v.id;
        tracing::info!(verification_id = %v.id, tenant_id, steps = v.history.len(), "verification started");
        // Answer once the first step was handed to its channel, like a carrier API
        // does: the caller sees that step's real status, and a rejected first channel
        // has already fallen back. Everything before this point is durable, so a
        // crash while waiting loses nothing.
        let (tx, rx) = oneshot::channel();
        inner.spawn_driver(v, Some(tx));
        let limit = inner.cfg.send_timeout + Duration::from_secs(1);
        match tokio::time::timeout(limit, rx).await {
            Ok(Ok(view)) => Ok(view),
            // The provider is still thinking: answer with what is stored now.
            _ => Ok(inner.view(&inner.load(tenant_id, id).await?)),
        }
    }

    /// Reads one verification of the tenant.
    pub async fn get(&self, tenant_id: &str, id: Uuid) -> Result<View, EngineError> {
        let v = self.inner.load(tenant_id, id).await?;
        Ok(View {
            code: self.inner.code_of(&v),
            verification: v,
        })
    }

    /// Checks a code. A wrong code is a result, and costs an attempt durably.
    ///
    /// An unknown id, another tenant's id, a wrong code and an expired or locked
    /// verification cannot be told apart by the answer's timing: every check does
    /// one comparison of the code (against the sealed copy, the hash, or a decoy)
    /// and one durable write (the check's commit, or an audit entry), and an answer
    /// other than VERIFIED leaves no earlier than the pace allows (see `pace`; a
    /// VERIFIED answer gives itself away by its content). A destination with too
    /// many consecutive failures is locked, and answers slow down as it nears the
    /// lock. A malformed code is refused at once: it says nothing about any id.
    pub async fn check(
        &self,
        caller: &Caller,
        id: Uuid,
        code: String,
    ) -> Result<(CheckResult, View), EngineError> {
        check_code_format(&code).map_err(|why| ValidationError::single("code", why))?;
        let started = tokio::time::Instant::now();
        let mut timing = CheckTiming::default();
        let out = self.check_unpaced(caller, id, code, &mut timing).await;
        let pace = &self.inner.pace;
        if timing.compared {
            pace.record(started.elapsed().saturating_sub(timing.slowed));
        }
        // A verified answer says what it is in its content: only the answers that
        // must look alike wait.
        if !matches!(out, Ok((CheckResult::Verified, _))) {
            tokio::time::sleep_until(pace.release_at(started) + timing.slowed).await;
        }
        out
    }

    async fn check_unpaced(
        &self,
        caller: &Caller,
        id: Uuid,
        code: String,
        timing: &mut CheckTiming,
    ) -> Result<(CheckResult, View), EngineError> {
        let inner = &self.inner;
        let now = inner.clock.now();
        let v = match inner.load(&caller.tenant_id, id).await {
            Ok(v) => v,
            Err(EngineError::NotFound) => {
                inner.crypto.decoy_check(&code);
                let e = AuditEntry::new(
                    now,
                    &caller.tenant_id,
                    &caller.actor,
                    AuditAction::CheckUnknown,
                    id.to_string(),
                    "no verification of this tenant has this id",
                );
                inner.store.append_audit(&[e]).await?;
                return Err(EngineError::NotFound);
            }
            Err(e) => return Err(e),
        };
        let tenant = inner.tenant(&caller.tenant_id);
        let limits = tenant.settings.limits.clone();
        let dests = destinations(&v);
        let keys: Vec<String> = dests
            .iter()
            .map(|d| limits::failed_checks_key(&v.tenant_id, d))
            .collect();
        let counters = inner.store.counters(&keys).await?;
        let failures = counters.values().map(|c| c.n).max().unwrap_or(0);
        let d: Vec<&str> = dests.iter().map(String::as_str).collect();
        if let Some(refusal) =
            limits::destinations_lockout(&limits, &v.tenant_id, &d, &counters, now)
        {
            inner.crypto.decoy_check(&code);
            return Err(inner.check_locked(caller, v.id, refusal, now).await);
        }
        let slow = limits::check_slowdown_ms(&limits, failures, inner.cfg.check_slowdown_max_ms);
        if slow > 0 {
            timing.slowed = Duration::from_millis(slow);
            tokio::time::sleep(timing.slowed).await;
        }
        // Compare once, against the record as first read. That is sound for every
        // retry: a record the machine settles without comparing (final, expired, out
        // of attempts) never becomes comparable again, and the code never changes.
        let mut probe = v.clone();
        if now >= probe.expires_at {
            let _ = machine::step(&mut probe, Input::Tick, &inner.ctx(&tenant.settings));
        }
        let settled = machine::precheck(&probe);
        let matched = match settled {
            Some(_) => {
                inner.crypto.decoy_check(&code);
                false
            }
            None => {
                timing.compared = true;
                inner
                    .crypto
                    .matches(v.id, &code, &v.secret.hash, v.secret.sealed.as_deref())
                    .await?
            }
        };
        let vid = v.id;
        let applied = inner
            .apply_as(v, &caller.actor, |v, ctx| {
                let mut fx = expire_if_due(v, ctx);
                let (result, more) = machine::apply_check(v, matched, ctx);
                fx.extend(more);
                (result, fx)
            })
            .await;
        let applied = match applied {
            // Wrong codes checked at the same time locked the destination between
            // the read above and this check's write.
            Err(EngineError::Limited(refusal)) => {
                return Err(inner.check_locked(caller, vid, refusal, now).await);
            }
            other => other?,
        };
        let result = applied.out;
        match result {
            CheckResult::Incorrect => {
                tracing::info!(verification_id = %id, attempts_remaining = applied.v.attempts_remaining, "incorrect code");
            }
            CheckResult::Verified => tracing::info!(verification_id = %id, "code verified"),
            other => {
                // Settled without a change: the audit entry is this check's write.
                let why = match other {
                    CheckResult::Expired => "the verification had expired",
                    CheckResult::MaxAttemptsReached => "no attempts were left",
                    _ => "the verification was no longer pending",
                };
                let e = AuditEntry::new(
                    now,
                    &caller.tenant_id,
                    &caller.actor,
                    AuditAction::CheckFailed,
                    id.to_string(),
                    why,
                );
                inner.store.append_audit(&[e]).await?;
                tracing::info!(verification_id = %id, ?result, "code checked");
            }
        }
        Ok((result, inner.view(&applied.v)))
    }

    /// Cancels a pending verification.
    pub async fn cancel(&self, caller: &Caller, id: Uuid) -> Result<View, EngineError> {
        let inner = &self.inner;
        let v = inner.load(&caller.tenant_id, id).await?;
        let applied = inner
            .apply_as(v, &caller.actor, |v, ctx| {
                let mut fx = expire_if_due(v, ctx);
                match machine::step(v, Input::Cancel, ctx) {
                    Ok(more) => {
                        fx.extend(more);
                        (true, fx)
                    }
                    Err(_) => (false, fx),
                }
            })
            .await?;
        if !applied.out {
            return Err(not_pending(&applied.v));
        }
        tracing::info!(verification_id = %id, "verification canceled");
        Ok(inner.view(&applied.v))
    }

    /// Routes a provider's callback report, which names only the provider's id for
    /// the message, to its attempt. Returns whether the id was known.
    pub async fn report_external(
        &self,
        provider: &str,
        external_id: &str,
        report: Report,
    ) -> Result<bool, EngineError> {
        let Some((id, attempt_id)) = self.inner.store.find_attempt(provider, external_id).await?
        else {
            return Ok(false);
        };
        self.report(id, attempt_id, report).await;
        Ok(true)
    }

    /// Deletes what retention no longer keeps, now (the background task does it every
    /// `retention.every`).
    pub async fn purge_now(&self) -> Result<crate::store::Purged, EngineError> {
        let r = &self.inner.cfg.retention;
        let now = self.inner.clock.now();
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let purged = self
            .inner
            .store
            .purge(crate::store::Retention {
                verifications_before: now.saturating_sub(ms(r.verifications)),
                request_ids_before: now.saturating_sub(ms(r.request_ids)),
                audit_before: now.saturating_sub(ms(r.audit)),
                // Never inside a pumping window (at most 7 days), whatever the
                // verifications' retention.
                counters_before: now
                    .saturating_sub(ms(r.verifications.max(COUNTERS_KEPT_AT_LEAST))),
            })
            .await?;
        for c in crate::domain::channel::Channel::ALL {
            for p in self.inner.channels.providers(c) {
                p.purge(now.saturating_sub(ms(r.outbox)));
            }
        }
        if purged != crate::store::Purged::default() {
            tracing::info!(
                verifications = purged.verifications,
                request_ids = purged.request_ids,
                audit = purged.audit,
                counters = purged.counters,
                blocks = purged.blocks,
                "retention deleted what it no longer keeps"
            );
        }
        Ok(purged)
    }

    /// Writes audit entries.
    pub async fn audit(&self, entries: &[AuditEntry]) -> Result<(), EngineError> {
        Ok(self.inner.store.append_audit(entries).await?)
    }

    /// Writes an audit entry in the background (from where nothing may wait).
    pub fn audit_later(&self, entry: AuditEntry) {
        let store = self.inner.store.clone();
        self.inner.tracker.spawn(async move {
            if let Err(e) = store.append_audit(&[entry]).await {
                tracing::warn!(error = %e, "could not write an audit entry");
            }
        });
    }

    pub async fn list_audit(
        &self,
        q: &crate::store::AuditQuery,
    ) -> Result<Vec<AuditEntry>, EngineError> {
        Ok(self.inner.store.list_audit(q).await?)
    }

    /// The blocks still in force: a tenant's, or every tenant's.
    pub async fn blocks(&self, tenant: &str) -> Result<Vec<limits::Block>, EngineError> {
        let now = self.inner.clock.now();
        let mut all = self.inner.store.blocks(tenant).await?;
        all.retain(|b| b.until > now);
        Ok(all)
    }

    /// Lifts a block; `false` if there was none.
    pub async fn lift_block(
        &self,
        tenant: &str,
        country: &str,
        prefix: &str,
    ) -> Result<bool, EngineError> {
        let lifted = self.inner.store.lift_block(tenant, country, prefix).await?;
        if lifted {
            let e = AuditEntry::new(
                self.inner.clock.now(),
                tenant,
                "admin",
                AuditAction::PrefixUnblocked,
                format!("{country} {prefix}"),
                "lifted by an admin",
            );
            self.audit(&[e]).await?;
        }
        Ok(lifted)
    }

    /// The channels and their providers.
    pub fn channels(&self) -> &Channels {
        &self.inner.channels
    }

    /// Applies a provider's report about an attempt: through the verification's
    /// driver if this node has it (which keeps "sent" before "delivered"), else
    /// directly in the store, telling the owner.
    pub async fn report(&self, verification_id: Uuid, attempt_id: Uuid, report: Report) {
        let inner = &self.inner;
        let report = match inner.driver(verification_id) {
            Some(tx) => match tx.send(Command::Report { attempt_id, report }).await {
                Ok(()) => return,
                // The driver exited meanwhile.
                Err(mpsc::error::SendError(Command::Report { report, .. })) => report,
                Err(_) => return,
            },
            None => report,
        };
        inner
            .apply_report(verification_id, attempt_id, report)
            .await;
    }
}

/// The phone number and email address a verification sends to.
fn destinations(v: &Verification) -> Vec<String> {
    let mut d = Vec::new();
    if v.routing_strategy.iter().any(|s| s.channel.needs_phone()) && !v.phone.is_empty() {
        d.push(v.phone.clone());
    }
    if v.routing_strategy.iter().any(|s| !s.channel.needs_phone()) && !v.email.is_empty() {
        d.push(v.email.clone());
    }
    d
}

/// What a change from `before` to `next` does to the limit counters, and the audit
/// entries it makes, both stored in the change's own write.
/// A check's write is refused if its destination is locked out by then.
fn consequences(
    before: &Verification,
    next: &Verification,
    actor: &str,
    ctx: &Ctx,
) -> (Option<LimitsTx>, Vec<AuditEntry>) {
    let now = ctx.now;
    let cost = |v: &Verification| v.history.iter().filter_map(|a| a.cost).sum::<i64>();
    let failed_check = next.attempts_remaining < before.attempts_remaining;
    let verified = before.state != State::Verified && next.state == State::Verified;
    // Test traffic was not counted at its start (see `limits::admit_start`); only
    // the failed-check lockout applies to it.
    let counted = !destinations(next)
        .iter()
        .all(|d| limits::is_test_destination(d));
    let adjust = limits::Adjust {
        delivery_ended: counted && !before.status.is_final() && next.status.is_final(),
        charged: if counted {
            cost(next) - cost(before)
        } else {
            0
        },
        failed_check,
        verified,
    };
    let mut audit = Vec::new();
    if failed_check {
        let detail = if next.state == State::MaxAttemptsReached {
            "wrong code; no attempts left: locked".to_owned()
        } else {
            format!("wrong code; {} attempts left", next.attempts_remaining)
        };
        audit.push(AuditEntry::new(
            now,
            &next.tenant_id,
            actor,
            AuditAction::CheckFailed,
            next.id.to_string(),
            detail,
        ));
    }
    if adjust.is_empty() {
        return (None, audit);
    }
    let tenant = next.tenant_id.clone();
    let dests = destinations(next);
    let phone = limits::phone_facts(&next.phone).filter(|_| counted && !next.phone.is_empty());
    let d: Vec<&str> = dests.iter().map(String::as_str).collect();
    let keys = limits::adjust_keys(&tenant, &d, phone.as_ref(), &adjust, now);
    let lockout = (failed_check || verified).then(|| ctx.settings.limits.clone());
    let tx = LimitsTx {
        keys,
        decide: Arc::new(move |c| {
            let d: Vec<&str> = dests.iter().map(String::as_str).collect();
            if let Some(l) = &lockout
                && let Some(refusal) = limits::destinations_lockout(l, &tenant, &d, c, now)
            {
                return Err(refusal);
            }
            limits::apply_adjust(&tenant, &d, phone.as_ref(), &adjust, now, c);
            Ok(())
        }),
    };
    (Some(tx), audit)
}

/// The provider ids that `next` gained over `before`, for the store's index.
fn new_external_refs(before: &Verification, next: &Verification) -> Vec<ExternalRef> {
    next.history
        .iter()
        .zip(&before.history)
        .filter(|(n, b)| b.external_id.is_none() && n.external_id.is_some())
        .filter_map(|(n, _)| {
            Some(ExternalRef {
                provider: n.provider.clone()?,
                external_id: n.external_id.clone().filter(|e| !e.is_empty())?,
                verification_id: next.id,
                attempt_id: n.id,
            })
        })
        .collect()
}

/// Expiry comes before anything else a caller asks of a verification.
fn expire_if_due(v: &mut Verification, ctx: &Ctx) -> Vec<Effect> {
    if ctx.now >= v.expires_at {
        machine::step(v, Input::Tick, ctx).unwrap_or_default()
    } else {
        Vec::new()
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

    fn ctx<'a>(&self, settings: &'a crate::domain::tenant::TenantSettings) -> Ctx<'a> {
        let voice = self.cfg.voice_answer_timeout.as_millis();
        Ctx {
            now: self.clock.now(),
            settings,
            voice_answer_timeout_ms: i64::try_from(voice).unwrap_or(i64::MAX),
        }
    }

    /// Loads a verification of `tenant_id`. Another tenant's id is NotFound, exactly
    /// like an id that does not exist.
    async fn load(&self, tenant_id: &str, id: Uuid) -> Result<Verification, EngineError> {
        match self.store.get_verification(id).await? {
            Some(v) if v.tenant_id == tenant_id => Ok(v),
            _ => Err(EngineError::NotFound),
        }
    }

    fn view(&self, v: &Verification) -> View {
        View {
            code: self.code_of(v),
            verification: v.clone(),
        }
    }

    fn code_of(&self, v: &Verification) -> Option<String> {
        let sealed = v.secret.sealed.as_ref()?;
        match self.crypto.open(v.id, sealed) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::error!(verification_id = %v.id, error = %e, "stored code cannot be opened");
                None
            }
        }
    }

    async fn replay(&self, id: Uuid, fingerprint: &[u8]) -> Result<View, EngineError> {
        let v = self
            .store
            .get_verification(id)
            .await?
            .ok_or(EngineError::NotFound)?;
        if v.request_fingerprint != fingerprint {
            return Err(EngineError::RequestIdReused);
        }
        Ok(self.view(&v))
    }

    /// Applies `change` to `v` and commits it as the next revision; on a conflict,
    /// applies it again to the record that won, until a commit succeeds. Then
    /// publishes the events and tells the owner's driver, unless the writer is the
    /// driver itself (`as_driver`). Returns `None` when a driver finds that another
    /// node took the verification over.
    async fn apply<R>(
        self: &Arc<Self>,
        mut v: Verification,
        as_driver: bool,
        actor: &str,
        mut change: impl FnMut(&mut Verification, &Ctx) -> (R, Vec<Effect>),
    ) -> Result<Option<Applied<R>>, EngineError> {
        loop {
            let tenant = self.tenant(&v.tenant_id);
            let ctx = self.ctx(&tenant.settings);
            let before = v.revision;
            let mut next = v.clone();
            let (out, fx) = change(&mut next, &ctx);
            if next.revision == before {
                return Ok(Some(Applied { v: next, out }));
            }
            let events: Vec<StoredEvent> = fx
                .iter()
                .filter_map(|e| match e {
                    Effect::Emit { kind, step, record } => {
                        Some(StoredEvent::new(*kind, *step, record))
                    }
                    Effect::Revoke { .. } => None,
                })
                .collect();
            let external_refs = new_external_refs(&v, &next);
            let (limits, audit) = consequences(&v, &next, actor, &ctx);
            let commit = Commit {
                record: &next,
                expected_revision: before,
                events: &events,
                // Events no endpoint could want stay out of the outbox. Across
                // nodes, an endpoint just created elsewhere is known here within
                // the directory refresh interval.
                webhooks: next.callback_url.is_some()
                    || self.directory.has_endpoints(&next.tenant_id),
                external_refs: &external_refs,
                limits,
                audit: &audit,
                origin: &self.node,
            };
            match self.store.commit(commit).await? {
                Committed::Done => {
                    self.publish(&next, before, &fx);
                    self.revoke(&next, &fx);
                    if !as_driver {
                        self.poke(next.id);
                    }
                    return Ok(Some(Applied { v: next, out }));
                }
                Committed::Refused(refusal) => return Err(EngineError::Limited(refusal)),
                Committed::Conflict(current) => {
                    let mine = current.owner.as_deref() == Some(self.node.as_str());
                    if as_driver && !mine && !current.record.is_final() {
                        return Ok(None);
                    }
                    v = current.record;
                }
            }
        }
    }

    /// `apply` by someone other than the driver (a check, a cancel, a report).
    async fn apply_as<R>(
        self: &Arc<Self>,
        v: Verification,
        actor: &str,
        change: impl FnMut(&mut Verification, &Ctx) -> (R, Vec<Effect>),
    ) -> Result<Applied<R>, EngineError> {
        Ok(self
            .apply(v, false, actor, change)
            .await?
            .expect("only a driver can lose ownership"))
    }

    /// Records a check of the caller's verification `id` refused by the failed-check
    /// lockout; the error to answer.
    async fn check_locked(
        &self,
        caller: &Caller,
        id: Uuid,
        refusal: Refusal,
        now: crate::domain::verification::Millis,
    ) -> EngineError {
        let e = AuditEntry::new(
            now,
            &caller.tenant_id,
            &caller.actor,
            AuditAction::CheckLocked,
            id.to_string(),
            refusal.message.clone(),
        );
        match self.store.append_audit(&[e]).await {
            Ok(()) => EngineError::Limited(refusal),
            Err(e) => e.into(),
        }
    }

    /// Records a start the policy refused.
    async fn audit_refusal(
        &self,
        caller: &Caller,
        why: &str,
        now: crate::domain::verification::Millis,
    ) {
        let e = AuditEntry::new(
            now,
            &caller.tenant_id,
            &caller.actor,
            AuditAction::StartRefused,
            "",
            why,
        );
        if let Err(e) = self.store.append_audit(&[e]).await {
            tracing::warn!(error = %e, "could not write an audit entry");
        }
    }

    /// Records a start a limit refused, and a block it made.
    async fn refused(
        &self,
        caller: &Caller,
        v: &Verification,
        r: &Refusal,
        now: crate::domain::verification::Millis,
    ) {
        let mut entries = vec![AuditEntry::new(
            now,
            &caller.tenant_id,
            &caller.actor,
            AuditAction::StartRefused,
            "",
            format!("{}: {}", r.reason, r.message),
        )];
        if let Some(b) = &r.new_block {
            tracing::warn!(tenant_id = %b.tenant_id, country = %b.country_iso, prefix = %b.prefix, sends = b.sends, verified = b.verified, "prefix blocked for SMS pumping");
            entries.push(AuditEntry::new(
                now,
                &caller.tenant_id,
                "system",
                AuditAction::PrefixBlocked,
                format!("{} {}", b.country_iso, b.prefix),
                format!(
                    "{} sends and {} verified in the window; blocked until {} (block {})",
                    b.sends, b.verified, b.until, b.strikes
                ),
            ));
            self.hub
                .publish_block(&v.tenant_id, Arc::new((**b).clone()));
            self.outbox.notify_one();
        }
        if let Err(e) = self.store.append_audit(&entries).await {
            tracing::warn!(error = %e, "could not write an audit entry");
        }
    }

    /// Applies a report without a driver (the verification is driven elsewhere, or
    /// final, in which case the machine ignores it).
    async fn apply_report(self: &Arc<Self>, id: Uuid, attempt_id: Uuid, report: Report) {
        let v = match self.store.get_verification(id).await {
            Ok(Some(v)) => v,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(verification_id = %id, error = %e, "a provider report was not applied");
                return;
            }
        };
        let Some(attempt) = v.history.iter().position(|a| a.id == attempt_id) else {
            return;
        };
        let r = self
            .apply_as(v, "system", |v, ctx| {
                let input = Input::Report {
                    attempt,
                    report: report.clone(),
                };
                ((), machine::step(v, input, ctx).unwrap_or_default())
            })
            .await;
        if let Err(e) = r {
            tracing::warn!(verification_id = %id, error = %e, "a provider report was not applied");
        }
    }

    /// Carries out a commit's withdrawals of messages, in the background: the
    /// verification is already final, and a provider that fails to withdraw only
    /// leaves a message that can no longer be used.
    fn revoke(self: &Arc<Self>, committed: &Verification, fx: &[Effect]) {
        for e in fx {
            let Effect::Revoke {
                attempt,
                provider,
                external_id,
            } = e
            else {
                continue;
            };
            let Some(p) = self.channels.provider(provider) else {
                continue;
            };
            let (id, attempt, external_id) = (committed.id, *attempt, external_id.clone());
            self.tracker.spawn(async move {
                match p.revoke(&external_id).await {
                    Ok(()) => tracing::info!(verification_id = %id, attempt, provider = p.name(), "message withdrawn"),
                    Err(e) => tracing::warn!(verification_id = %id, attempt, provider = p.name(), error = %e, "could not withdraw the message"),
                }
            });
        }
    }

    /// Publishes a commit's events to this node's watchers.
    fn publish(&self, committed: &Verification, before: u64, fx: &[Effect]) {
        if !fx.iter().any(|e| matches!(e, Effect::Emit { .. })) {
            return;
        }
        // With the code erased by now, no event may carry it either.
        let code = self.code_of(committed);
        let mut from = before;
        let events: Vec<_> = fx
            .iter()
            .filter_map(|e| match e {
                Effect::Emit { kind, step, record } => Some((kind, step, record)),
                Effect::Revoke { .. } => None,
            })
            .map(|(kind, step, record)| {
                tracing::info!(verification_id = %record.id, event = kind.name(), ?step, "transition");
                let e = Arc::new(Event {
                    kind: *kind,
                    step: *step,
                    at: record.updated_at,
                    from,
                    view: Arc::new(View {
                        verification: (**record).clone(),
                        code: code.clone(),
                    }),
                });
                from = record.revision;
                e
            })
            .collect();
        self.hub.publish(&committed.tenant_id, events);
        self.outbox.notify_one();
    }

    /// A verification's stored events after revision `after`, as hub events.
    async fn events_since(&self, id: Uuid, after: u64) -> Result<Vec<Arc<Event>>, EngineError> {
        let found = self.store.events_after(id, after).await?;
        let code = found.current.as_ref().and_then(|v| self.code_of(v));
        let mut from = after;
        Ok(found
            .events
            .into_iter()
            .map(|e| {
                let ev = Arc::new(Event {
                    kind: e.kind,
                    step: e.step.map(|s| s as usize),
                    at: e.at,
                    from,
                    view: Arc::new(View {
                        verification: e.record,
                        code: code.clone(),
                    }),
                });
                from = e.revision;
                ev
            })
            .collect())
    }

    /// The mailbox of this node's driver of `id`, if it has one.
    fn driver(&self, id: Uuid) -> Option<mpsc::Sender<Command>> {
        self.drivers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    /// Tells this node's driver of `id`, if any, that the verification changed.
    fn poke(&self, id: Uuid) {
        if let Some(tx) = self.driver(id) {
            // A full mailbox already holds a refresh or a report that will read the
            // store after this change.
            let _ = tx.try_send(Command::Refresh);
        }
    }

    fn spawn_driver(self: &Arc<Self>, v: Verification, first_send: Option<oneshot::Sender<View>>) {
        let mut drivers = self.drivers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = drivers.get(&v.id) {
            let _ = tx.try_send(Command::Refresh);
            return;
        }
        if self.shutdown.is_cancelled() {
            return;
        }
        driver::spawn(self, v, &mut drivers, first_send);
    }

    /// Takes over every orphan the store hands out; returns how many.
    async fn claim_all(self: &Arc<Self>) -> Result<usize, EngineError> {
        let mut claimed = 0;
        loop {
            if self.shutdown.is_cancelled() {
                return Ok(claimed);
            }
            let batch = self.store.claim_orphans(&self.node, CLAIM_BATCH).await?;
            if batch.is_empty() {
                return Ok(claimed);
            }
            claimed += batch.len();
            for v in batch {
                if !v.is_final() {
                    tracing::info!(verification_id = %v.id, "taking the verification over");
                    self.spawn_driver(v, None);
                }
            }
        }
    }

    /// Follows other nodes' changes until shutdown.
    async fn follow_notices(self: &Arc<Self>, mut rx: broadcast::Receiver<Notice>) {
        loop {
            let notice = tokio::select! {
                _ = self.shutdown.cancelled() => return,
                n = rx.recv() => n,
            };
            match notice {
                Ok(Notice::Changed {
                    origin,
                    tenant,
                    id,
                    from,
                    ..
                }) if origin != self.node => {
                    self.poke(id);
                    if self.hub.is_watched(&tenant) {
                        match self.events_since(id, from).await {
                            Ok(events) => self.hub.publish(&tenant, events),
                            Err(e) => {
                                tracing::warn!(error = %e, "could not read another node's transitions; watchers resync");
                                self.hub.resync_all();
                            }
                        }
                    }
                }
                Ok(Notice::Directory { origin }) if origin != self.node => {
                    if let Err(e) = self.directory.refresh().await {
                        tracing::warn!(error = %e, "could not reload the directory");
                    }
                }
                Ok(Notice::Released { origin }) if origin != self.node => {
                    if let Err(e) = self.claim_all().await {
                        tracing::warn!(error = %e, "could not take over released verifications");
                    }
                }
                Ok(Notice::Lost) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.resync().await;
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// After notices may have been lost: watchers, drivers and the directory read
    /// the store again.
    async fn resync(self: &Arc<Self>) {
        self.hub.resync_all();
        let ids: Vec<Uuid> = self
            .drivers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .copied()
            .collect();
        for id in ids {
            self.poke(id);
        }
        if let Err(e) = self.directory.refresh().await {
            tracing::warn!(error = %e, "could not reload the directory");
        }
    }

    /// On a shared store: renew the lease, take over orphans, and re-read the
    /// directory, until shutdown.
    async fn maintain(self: &Arc<Self>) {
        let mut lease = tokio::time::interval(self.cfg.lease / 3);
        let mut directory = tokio::time::interval(self.cfg.directory_refresh);
        lease.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        directory.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => return,
                _ = lease.tick() => {
                    if let Err(e) = self.store.heartbeat(&self.node, self.cfg.lease).await {
                        tracing::warn!(error = %e, "could not renew the lease");
                        continue;
                    }
                    if let Err(e) = self.claim_all().await {
                        tracing::warn!(error = %e, "could not take over orphaned verifications");
                    }
                }
                _ = directory.tick() => {
                    if let Err(e) = self.directory.refresh().await {
                        tracing::warn!(error = %e, "could not reload the directory");
                    }
                }
            }
        }
    }
}
