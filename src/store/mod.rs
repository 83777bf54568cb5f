//! Durable state behind one interface, [`Store`], with two backends: embedded
//! [`sled`] (the default, one node) and [`postgres`] (several nodes on one database).
//! The engine, the API and the directory hold a [`SharedStore`] and never see a
//! backend type.
//!
//! The contract every backend keeps (and `tests/store_contract.rs` checks on both):
//! - **Durable on `Ok`.** When a write returns `Ok`, it survives `kill -9`. There is
//!   no separate flush; how a backend gets there (sled's group commit, PostgreSQL's
//!   commit) is its own business.
//! - **Compare-and-set.** A verification is written with [`Store::commit`], which
//!   succeeds only if the stored revision is still the one the writer read. A writer
//!   that lost a race gets [`Committed::Conflict`] with the current record, re-applies
//!   the pure machine to it and tries again, so two writers (tasks or nodes) can
//!   never both apply a transition.
//! - **Limits in the write.** A write's [`LimitsTx`] reads and changes the limit
//!   counters inside the same atomic write; when it refuses ([`Inserted::Refused`],
//!   [`Committed::Refused`]), the write is not made.
//! - **Events with their transition.** The events a commit carries are stored in the
//!   same atomic write, keyed by verification and revision, so a watcher (or a
//!   webhook dispatcher) can fetch what it missed.
//! - **Ownership.** Every verification that is not final has one owner node that
//!   drives it. Nodes renew a lease with [`Store::heartbeat`]; the verifications of a
//!   node whose lease ran out are taken over with [`Store::claim_orphans`], which
//!   bumps their revision, so the old owner's next commit conflicts (fencing).
//! - **Change notices.** [`Store::notices`] tells a node about changes other nodes
//!   made; a single-node backend has none to tell.
//! - No call blocks a tokio worker thread, and none is made while a std `Mutex` is
//!   held (callers keep to that too).

pub mod codec;
pub mod postgres;
pub mod sled;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::limits::{Block, Counters, Refusal};
use crate::domain::tenant::Tenant;
use crate::domain::verification::{EventKind, Millis, Verification};
use crate::domain::webhook::{Delivery, Endpoint};

/// The schema version this build reads and writes. Both backends store it; a store
/// with an older version is migrated on open, one with a newer version is refused.
pub const SCHEMA_VERSION: u32 = 2;

/// A node's identity in a cluster: random per process.
pub type NodeId = String;

/// The store, as the rest of the crate holds it.
pub type SharedStore = Arc<dyn Store>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sled: {0}")]
    Sled(#[from] ::sled::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
    #[error("a stored record could not be decoded: {0}")]
    Decode(String),
    #[error("a stored record has format version {0}, this build reads {v}", v = codec::FORMAT_VERSION)]
    Version(u8),
    #[error(
        "the store's schema is version {found}, newer than this verifyd knows ({SCHEMA_VERSION}); \
         run a newer verifyd, or restore a backup made for this version"
    )]
    SchemaTooNew { found: u32 },
    #[error("migrating the store failed: {0}")]
    Migrate(String),
    #[error("flush failed: {0}")]
    Flush(String),
    #[error("the store's worker is gone")]
    Gone,
}

/// What is stored of an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub key_id: String,
    pub tenant_id: String,
    pub description: String,
    pub created_at: Millis,
    /// What it may do; keys from before scopes existed may do everything.
    #[serde(default)]
    pub scope: KeyScope,
    /// When it stops working (a rotated key's grace period); `None`: never.
    #[serde(default)]
    pub expires_at: Option<Millis>,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyScope {
    /// Every VerifyService call.
    #[default]
    Verify,
    /// GetVerification and WatchStatus only.
    Read,
}

/// The outcome of inserting a new verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// The request id was already used, by this verification.
    Existing(Uuid),
    /// A limit refused it; nothing was written but the counters of a new block.
    Refused(Refusal),
}

/// A decision on limit counters, run by the store atomically with the write it guards
/// (on sled inside the transaction, which may run it more than once; on PostgreSQL
/// with the counters' rows locked). It reads and changes the counters of `keys`
/// (missing ones start at their default); an `Err` refuses the write.
#[derive(Clone)]
pub struct LimitsTx {
    pub keys: Vec<String>,
    pub decide: Decide,
}

/// The decision of a [`LimitsTx`].
pub type Decide = Arc<dyn Fn(&mut Counters) -> Result<(), Refusal> + Send + Sync>;

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// One tenant's, or (empty) every tenant's.
    pub tenant_id: String,
    /// Only these actions; empty: all.
    pub actions: Vec<AuditAction>,
    /// Entries at or after this time.
    pub since: Option<Millis>,
    /// Entries before this time.
    pub before: Option<Millis>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// How long what may be deleted is kept, and from when (see [`Store::purge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Verifications final (and unchanged) since before this time, with their events
    /// and provider ids.
    pub verifications_before: Millis,
    /// Idempotency keys made before this time.
    pub request_ids_before: Millis,
    /// Audit entries made before this time.
    pub audit_before: Millis,
    /// Limit counters with nothing after this time (see `Counter::last_relevant`),
    /// and pumping blocks that ended before it.
    pub counters_before: Millis,
}

/// What a purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub verifications: u64,
    pub request_ids: u64,
    pub audit: u64,
    pub counters: u64,
    pub blocks: u64,
}

/// One transition as stored: what happened, to which step, when, and the record as
/// it was right after it (without the code's secrets: see [`StoredEvent::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub kind: EventKind,
    pub step: Option<u32>,
    pub at: Millis,
    /// The record's revision right after this transition; unique per verification.
    pub revision: u64,
    pub record: Verification,
}

impl StoredEvent {
    /// An event of `record`, stripped of the code hash and its sealed copy: events are
    /// kept after the code is erased, and must not keep it alive.
    pub fn new(kind: EventKind, step: Option<usize>, record: &Verification) -> Self {
        let mut record = record.clone();
        record.secret = Default::default();
        Self {
            kind,
            step: step.map(|s| s as u32),
            at: record.updated_at,
            revision: record.revision,
            record,
        }
    }
}

/// An entry of the index from a provider's message id to the attempt it carried, so
/// that a callback that names only the provider's id reaches its attempt, on any node
/// and after a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRef {
    pub provider: String,
    pub external_id: String,
    pub verification_id: Uuid,
    pub attempt_id: Uuid,
}

/// A compare-and-set write of one verification.
pub struct Commit<'a> {
    /// The new record; its `revision` is the new revision.
    pub record: &'a Verification,
    /// The revision the writer read; the write fails if the stored one differs.
    pub expected_revision: u64,
    /// The transitions this write makes, stored in the same atomic write.
    pub events: &'a [StoredEvent],
    /// Whether `events` also enter the webhook outbox (in the same atomic write).
    /// False when no endpoint of the tenant could want them: the tenant has none
    /// and the verification names no `callback_url`.
    pub webhooks: bool,
    /// New entries of the provider-id index, written in the same atomic write.
    pub external_refs: &'a [ExternalRef],
    /// Limit counters this write changes (a delivery that ended, a charge, a check),
    /// and the decision that may refuse it (a check against a locked destination).
    pub limits: Option<LimitsTx>,
    /// Audit entries of this write (a failed check), in the same atomic write.
    pub audit: &'a [AuditEntry],
    /// The node making the write, for the change notice other nodes get.
    pub origin: &'a str,
}

/// The outcome of a [`Commit`].
#[derive(Debug)]
pub enum Committed {
    Done,
    /// Someone else wrote first: here is what is stored now, and who owns it.
    Conflict(Box<Loaded>),
    /// The write's [`LimitsTx`] decided against it, on the counters as they are in
    /// the write's own transaction; nothing was written.
    Refused(Refusal),
}

/// A verification with its owner.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub record: Verification,
    /// The node that drives it; `None` when nobody does (final, or handed back).
    pub owner: Option<NodeId>,
}

/// The verifications of a tenant that are not final.
#[derive(Debug, Clone, Default)]
pub struct Active {
    /// The newest, newest first, at most the limit asked for.
    pub newest: Vec<Verification>,
    /// How many there are in all.
    pub total: usize,
}

/// What [`Store::events_after`] found.
#[derive(Debug, Clone, Default)]
pub struct EventsAfter {
    /// Events with a revision above the one asked for, oldest first.
    pub events: Vec<StoredEvent>,
    /// The verification as stored now, if it exists.
    pub current: Option<Verification>,
}

/// What the webhook outbox holds of an event: enough to find it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutboxRef {
    /// A stored event of a verification (see [`Store::events_after`]).
    Event {
        verification_id: Uuid,
        revision: u64,
    },
    /// A number prefix that was blocked.
    Block(Block),
}

/// An event of the outbox, read for fanning out to a tenant's endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// The outbox's order: deliveries of one verification to one endpoint are
    /// attempted in it.
    pub seq: u64,
    pub tenant_id: String,
    pub event: OutboxEvent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxEvent {
    Verification(Box<StoredEvent>),
    Block(Block),
}

/// The fan-out of one outbox event into deliveries, run by the store atomically with
/// taking the event out of the outbox.
pub type FanOut = Arc<dyn Fn(&OutboxItem) -> Vec<Delivery> + Send + Sync>;

/// Which deliveries to list.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub tenant_id: String,
    /// Only this endpoint's.
    pub endpoint_id: Option<String>,
    /// Only this event's.
    pub event_id: Option<Uuid>,
    /// Made before this time (paging back).
    pub before: Option<Millis>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// Everything the directory keeps in memory.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    pub tenants: Vec<Tenant>,
    /// Every tenant's webhook endpoints.
    pub endpoints: Vec<Endpoint>,
    pub api_keys: Vec<([u8; 32], ApiKeyRecord)>,
    pub admin_token_sha256: Option<[u8; 32]>,
    /// Bumped by every directory write; cheap to poll.
    pub version: u64,
}

/// What the store said about the secrets' check value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretsCheck {
    /// The store had none; this one is now stored.
    Stored,
    Matches,
    /// The store was created with other secrets.
    Mismatch,
}

/// A change made by another node (or a sign that some may have been missed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A verification moved from revision `from` to `to`.
    Changed {
        origin: NodeId,
        tenant: String,
        id: Uuid,
        from: u64,
        to: u64,
    },
    /// A tenant, key, settings or the admin token changed.
    Directory { origin: NodeId },
    /// A node handed its verifications back (drain); they can be claimed now.
    Released { origin: NodeId },
    /// The notice channel was interrupted: anything may have been missed.
    Lost,
}

/// Which backend to open.
#[derive(Debug, Clone)]
pub enum Backend {
    /// sled in this directory.
    Sled(std::path::PathBuf),
    Postgres(postgres::PgConfig),
}

/// What closing a store takes, after the last [`SharedStore`] handle is dropped.
pub enum Closer {
    Sled(sled::Closed),
    Postgres(postgres::PgStore, tokio_util::sync::CancellationToken),
}

impl Closer {
    /// Closes the store; waits at most `grace`. Call it after dropping every handle.
    pub async fn close(self, grace: Duration) -> bool {
        match self {
            Closer::Sled(closed) => {
                tokio::time::timeout(grace, tokio::task::spawn_blocking(move || closed.wait()))
                    .await
                    .is_ok()
            }
            Closer::Postgres(pg, listener) => {
                listener.cancel();
                tokio::time::timeout(grace, pg.close()).await.is_ok()
            }
        }
    }
}

/// Opens (creating or migrating as needed) the store for node `node`.
pub async fn open(backend: &Backend, node: &str) -> Result<(SharedStore, Closer), StoreError> {
    match backend {
        Backend::Sled(dir) => {
            // Opening reads, migrates and flushes: off the async workers.
            let (dir, node) = (dir.clone(), node.to_owned());
            let (s, closed) =
                tokio::task::spawn_blocking(move || sled::SledStore::open(&dir, &node))
                    .await
                    .map_err(|_| StoreError::Gone)??;
            Ok((Arc::new(s), Closer::Sled(closed)))
        }
        Backend::Postgres(cfg) => {
            let stop = tokio_util::sync::CancellationToken::new();
            let s = postgres::PgStore::open(cfg, stop.clone()).await?;
            Ok((Arc::new(s.clone()), Closer::Postgres(s, stop)))
        }
    }
}

/// The storage interface. See the module documentation for the contract.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Where the data lives, for the log (never with a password).
    fn describe(&self) -> String;

    /// Whether other nodes may share this store (PostgreSQL) or not (sled).
    fn is_shared(&self) -> bool;

    /// Inserts a new verification owned by `owner`, its request id if it has one,
    /// in one atomic write. If the tenant's request id is taken, nothing is written.
    async fn insert_verification(
        &self,
        v: &Verification,
        owner: &str,
        limits: Option<LimitsTx>,
    ) -> Result<Inserted, StoreError>;

    /// The counters of `keys` (missing ones at their default).
    async fn counters(&self, keys: &[String]) -> Result<Counters, StoreError>;

    /// The blocked prefixes of a tenant (every tenant's for an empty id), still in
    /// force at `now` or not.
    async fn blocks(&self, tenant: &str) -> Result<Vec<Block>, StoreError>;

    /// Lifts a block: the prefix may be sent to again, its counts start afresh (the
    /// number of earlier blocks stays, so a repeat blocks longer). Returns whether
    /// there was one.
    async fn lift_block(
        &self,
        tenant: &str,
        country: &str,
        prefix: &str,
    ) -> Result<bool, StoreError>;

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;

    async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// Deletes what retention no longer keeps. Idempotent; any node may run it.
    async fn purge(&self, r: Retention) -> Result<Purged, StoreError>;

    async fn get_verification(&self, id: Uuid) -> Result<Option<Verification>, StoreError>;

    /// The verification with its owner.
    async fn load(&self, id: Uuid) -> Result<Option<Loaded>, StoreError>;

    /// Compare-and-set write of a verification and its events.
    async fn commit(&self, c: Commit<'_>) -> Result<Committed, StoreError>;

    /// The tenant's verifications that are not final: the newest `limit` of them,
    /// newest first, and how many there are.
    async fn active(&self, tenant: &str, limit: usize) -> Result<Active, StoreError>;

    /// A verification's events with a revision above `after`, and its current record.
    async fn events_after(&self, id: Uuid, after: u64) -> Result<EventsAfter, StoreError>;

    /// The attempt a provider's message id belongs to: (verification id, attempt id).
    async fn find_attempt(
        &self,
        provider: &str,
        external_id: &str,
    ) -> Result<Option<(Uuid, Uuid)>, StoreError>;

    /// The verification a tenant's request id created, if any.
    async fn find_request(
        &self,
        tenant: &str,
        request_id: &str,
    ) -> Result<Option<Uuid>, StoreError>;

    /// Renews `node`'s lease for `lease` from now (by the store's clock).
    async fn heartbeat(&self, node: &str, lease: Duration) -> Result<(), StoreError>;

    /// Takes over at most `limit` verifications that are not final and whose owner is
    /// gone (no owner, or one whose lease ran out), bumping their revision. On sled,
    /// where the opening process is the only node, the first calls return every
    /// verification that is not final, and later ones nothing.
    async fn claim_orphans(
        &self,
        node: &str,
        limit: usize,
    ) -> Result<Vec<Verification>, StoreError>;

    /// Hands `node`'s verifications back and ends its lease (graceful drain).
    async fn release(&self, node: &str) -> Result<(), StoreError>;

    /// Changes made by other nodes. A receiver that lags gets `Lagged`, which means
    /// the same as [`Notice::Lost`].
    fn notices(&self) -> broadcast::Receiver<Notice>;

    /// Tenants, API keys and the admin token hash.
    async fn load_directory(&self) -> Result<DirectorySnapshot, StoreError>;

    /// The directory's version (see [`DirectorySnapshot::version`]).
    async fn directory_version(&self) -> Result<u64, StoreError>;

    /// Inserts a tenant unless one with that id exists; returns whether it did.
    async fn create_tenant(&self, t: &Tenant, origin: &str) -> Result<bool, StoreError>;

    async fn put_tenant(&self, t: &Tenant, origin: &str) -> Result<(), StoreError>;

    async fn put_api_key(
        &self,
        key_sha256: &[u8; 32],
        rec: &ApiKeyRecord,
        origin: &str,
    ) -> Result<(), StoreError>;

    async fn remove_api_key(&self, key_sha256: &[u8; 32], origin: &str) -> Result<(), StoreError>;

    async fn set_admin_token_hash(&self, hash: &[u8; 32], origin: &str) -> Result<(), StoreError>;

    /// Compares `value` with the secrets' check value stored with the data, storing
    /// it if there is none yet. Only a check value is ever stored, never a key.
    async fn check_secrets(&self, value: &[u8]) -> Result<SecretsCheck, StoreError>;

    /// Creates or replaces a webhook endpoint (a directory write).
    async fn put_endpoint(&self, e: &Endpoint, origin: &str) -> Result<(), StoreError>;

    /// Deletes an endpoint and cancels its pending deliveries; whether it existed.
    async fn delete_endpoint(
        &self,
        tenant: &str,
        id: &str,
        origin: &str,
    ) -> Result<bool, StoreError>;

    /// Takes at most `limit` of the oldest events out of the webhook outbox and
    /// stores the deliveries `f` makes of each, in one atomic write per batch, so an
    /// event is fanned out once, by one node. Returns how many it took.
    /// Like `finish_delivery`, not necessarily on disk when it returns: a fan-out lost
    /// in a crash leaves its events in the outbox, to be fanned out again.
    async fn fan_out(&self, limit: usize, f: FanOut) -> Result<usize, StoreError>;

    /// Leases at most `limit` pending deliveries due at `now` to `node` for
    /// `lease`: the first pending delivery of each (endpoint, verification) only, so
    /// that one verification's events reach an endpoint in order; at most
    /// `per_endpoint` per endpoint, and none to the endpoints in `busy`, so that one
    /// slow endpoint cannot crowd out the others. A lease also ends as soon as its
    /// node's heartbeat lease does (a dead node's attempts are taken over at once).
    async fn claim_deliveries(
        &self,
        node: &str,
        now: Millis,
        lease: Duration,
        limit: usize,
        per_endpoint: usize,
        busy: &[String],
    ) -> Result<Vec<Delivery>, StoreError>;

    /// When the first pending delivery due after `after` is due, if any (those due
    /// already wait for a slot, not for a time).
    async fn next_delivery_due(&self, after: Millis) -> Result<Option<Millis>, StoreError>;

    /// Stores an attempt's outcome and ends the delivery's lease. Not necessarily on
    /// disk when it returns (see `sync`): an outcome lost in a crash only means the
    /// attempt is made again, which at-least-once delivery allows.
    async fn finish_delivery(&self, d: &Delivery) -> Result<(), StoreError>;

    /// Waits until every write made so far is on disk (for what is acknowledged after
    /// `finish_delivery` or `fan_out`, such as a redelivery).
    async fn sync(&self) -> Result<(), StoreError>;

    async fn get_delivery(&self, id: Uuid) -> Result<Option<Delivery>, StoreError>;

    async fn list_deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError>;

    /// Cancels the pending deliveries to an endpoint (disabled or deleted).
    async fn cancel_deliveries(&self, tenant: &str, endpoint_id: &str) -> Result<u64, StoreError>;
}
