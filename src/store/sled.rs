//! The embedded backend: sled in one directory, for one node. The default, so one
//! command starts a working server with no other setup.
//!
//! Key layout (one sled tree each):
//! - `verifications`: verification id (16 bytes) → record
//! - `active`: tenant ‖ 0x00 ‖ created_at (8 bytes, big-endian) ‖ id → empty; exactly
//!   the verifications that are not final, newest last within a tenant
//! - `events`: verification id ‖ revision (8 bytes, big-endian) → event
//! - `request_ids`: tenant ‖ 0x00 ‖ request id → verification id
//! - `request_ids_by_time`: created_at ‖ tenant ‖ 0x00 ‖ request id → empty (retention)
//! - `finished`: updated_at ‖ id → empty; the final verifications (retention)
//! - `counters`: limit key → counter (`domain::limits`)
//! - `blocks`: tenant ‖ 0x00 ‖ country ‖ 0x00 ‖ prefix → block
//! - `audit`: tenant ‖ 0x00 ‖ at ‖ entry id → entry; `audit_by_time`: at ‖ entry id → tenant
//! - `outbox`: sequence number → event reference (the webhook outbox)
//! - `endpoints`: tenant ‖ 0x00 ‖ endpoint id → webhook endpoint
//! - `deliveries`: delivery id → delivery; with the indexes of pending ones,
//!   `deliveries_due` (endpoint ‖ 0x00 ‖ next attempt ‖ id, so that a claim skips a
//!   busy endpoint's backlog whole) and `deliveries_order` (endpoint ‖ 0x00 ‖
//!   verification ‖ seq → id), and `deliveries_by_time` (tenant ‖ 0x00 ‖ created ‖ id)
//!
//! - `external_ids`: provider ‖ 0x00 ‖ provider's message id → verification id ‖ attempt id
//! - `tenants`: tenant id → record
//! - `api_keys`: SHA-256 of the key → record (the key itself is never stored)
//! - `meta`: `schema_version`, `directory_version`, `admin_token_sha256`, `secrets_check`
//!
//! Delivery leases are in memory: one process is the only node, and a restart (which
//! is what a dead owner means here) starts with none.
//!
//! Every call that touches sled runs on tokio's blocking pool, never on a worker
//! thread. Reads of a verification first ask an in-memory cache of decoded records
//! (bounded, written through by every write: this process is sled's only writer),
//! which answers without touching sled at all. A write returns
//! once it is on disk: sled 0.34's `flush_async` deadlocks under concurrency, so one
//! flusher thread does group commit. A writer enqueues a waiter after its write; the
//! thread takes every queued waiter, calls `flush()` once and wakes them all. A flush
//! that starts after a waiter was queued covers that waiter's write.
//!
//! One process is the only node: `load` names it the owner of everything that is not
//! final, leases are no-ops, and there are no notices from other nodes.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc as std_mpsc};
use std::time::Duration;

use ::sled::Transactional;
use ::sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use tokio::sync::{broadcast, oneshot};
use uuid::Uuid;

use super::codec::{self, decode, encode};
use super::{
    Active, ApiKeyRecord, AuditQuery, Commit, Committed, DeliveryQuery, DirectorySnapshot,
    EventsAfter, FanOut, Inserted, LimitsTx, Loaded, Notice, OutboxEvent, OutboxItem, OutboxRef,
    Purged, Retention, SCHEMA_VERSION, SecretsCheck, Store, StoreError, StoredEvent,
};
use crate::domain::audit::AuditEntry;
use crate::domain::limits::{Block, Counters, Refusal};
use crate::domain::tenant::Tenant;
use crate::domain::verification::{Millis, Verification};
use crate::domain::webhook::{Delivery, DeliveryStatus, Endpoint};

const SCHEMA_KEY: &str = "schema_version";
const DIRECTORY_VERSION_KEY: &str = "directory_version";
const ADMIN_KEY: &str = "admin_token_sha256";
const SECRETS_CHECK_KEY: &str = "secrets_check";

type FlushWaiter = oneshot::Sender<Result<(), String>>;

/// Waits for the store to close: the flusher thread ends once every handle is gone,
/// and it drops the last database handle, which releases sled's lock on the directory.
pub struct Closed(std::thread::JoinHandle<()>);

impl Closed {
    /// Blocks until the store is closed; call it after dropping every handle.
    pub fn wait(self) {
        // A panicked flusher has already released everything it held.
        let _ = self.0.join();
    }
}

struct Trees {
    verifications: ::sled::Tree,
    active: ::sled::Tree,
    events: ::sled::Tree,
    request_ids: ::sled::Tree,
    request_ids_by_time: ::sled::Tree,
    finished: ::sled::Tree,
    external_ids: ::sled::Tree,
    counters: ::sled::Tree,
    blocks: ::sled::Tree,
    audit: ::sled::Tree,
    audit_by_time: ::sled::Tree,
    outbox: ::sled::Tree,
    endpoints: ::sled::Tree,
    deliveries: ::sled::Tree,
    deliveries_due: ::sled::Tree,
    deliveries_order: ::sled::Tree,
    deliveries_by_time: ::sled::Tree,
    tenants: ::sled::Tree,
    api_keys: ::sled::Tree,
    meta: ::sled::Tree,
}

/// sled's page cache. Its default, 1 GiB, let a node with 100,000 verifications in
/// flight grow past 1.2 GiB of memory; hot records are in the record cache anyway.
const SLED_CACHE_BYTES: u64 = 128 * 1024 * 1024;

/// How many decoded verification records the read cache holds.
const RECORD_CACHE: usize = 16_384;

/// What the record cache knows of an id.
#[derive(Clone)]
enum Cached {
    Record(Arc<Verification>),
    /// Deleted by retention: no read may bring it back.
    Gone,
}

/// The decoded records of recent verifications. This process is the only writer of
/// its sled directory and every write of a record refreshes its entry, so a read
/// that finds one here needs neither the blocking pool nor a decode. A newer
/// revision replaces an older one, never the other way round, whatever order the
/// writers and readers that race on an id get here in.
struct RecordCache {
    cache: quick_cache::sync::Cache<Uuid, Cached>,
    // std Mutex: held for one lookup and one insert, never across a store call or
    // an await; striped by id so that unrelated ids do not wait on each other.
    stripes: [Mutex<()>; 16],
}

impl RecordCache {
    fn new() -> Self {
        Self {
            cache: quick_cache::sync::Cache::new(RECORD_CACHE),
            stripes: std::array::from_fn(|_| Mutex::new(())),
        }
    }

    fn stripe(&self, id: &Uuid) -> std::sync::MutexGuard<'_, ()> {
        let i = usize::from(id.as_bytes()[15]) % self.stripes.len();
        self.stripes[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, id: &Uuid) -> Option<Cached> {
        self.cache.get(id)
    }

    /// Keeps `v` unless a newer revision (or its deletion) is known.
    fn offer(&self, v: &Verification) {
        let _g = self.stripe(&v.id);
        let newer_known = match self.cache.peek(&v.id) {
            Some(Cached::Record(c)) => c.revision >= v.revision,
            Some(Cached::Gone) => true,
            None => false,
        };
        if !newer_known {
            self.cache.insert(v.id, Cached::Record(Arc::new(v.clone())));
        }
    }

    fn forget(&self, id: Uuid) {
        let _g = self.stripe(&id);
        self.cache.insert(id, Cached::Gone);
    }
}

/// The sled backend. Cheap to clone.
#[derive(Clone)]
pub struct SledStore {
    trees: Arc<Trees>,
    records: Arc<RecordCache>,
    node: String,
    path: String,
    // std Mutex: held to send a waiter, never across an await.
    flush_tx: Arc<Mutex<std_mpsc::Sender<FlushWaiter>>>,
    notices: broadcast::Sender<Notice>,
    /// Deliveries leased to this process, until when (by the caller's clock).
    // std Mutex: held inside one blocking call, never across an await.
    leases: Arc<Mutex<std::collections::HashMap<Uuid, Millis>>>,
    /// Where `claim_orphans` goes on; `None` once every active verification was handed out.
    // std Mutex: held inside one blocking call, never across an await.
    claim_cursor: Arc<Mutex<Option<Vec<u8>>>>,
}

fn scoped_key(tenant: &str, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(tenant.len() + 1 + rest.len());
    k.extend_from_slice(tenant.as_bytes());
    k.push(0);
    k.extend_from_slice(rest);
    k
}

fn active_key(v: &Verification) -> Vec<u8> {
    let mut rest = Vec::with_capacity(24);
    rest.extend_from_slice(&(v.created_at.max(0) as u64).to_be_bytes());
    rest.extend_from_slice(v.id.as_bytes());
    scoped_key(&v.tenant_id, &rest)
}

fn event_key(id: Uuid, revision: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(24);
    k.extend_from_slice(id.as_bytes());
    k.extend_from_slice(&revision.to_be_bytes());
    k
}

fn time_key(at: Millis, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + rest.len());
    k.extend_from_slice(&(at.max(0) as u64).to_be_bytes());
    k.extend_from_slice(rest);
    k
}

fn block_key(tenant: &str, country: &str, prefix: &str) -> Vec<u8> {
    let mut rest = country.as_bytes().to_vec();
    rest.push(0);
    rest.extend_from_slice(prefix.as_bytes());
    scoped_key(tenant, &rest)
}

fn audit_key(e: &AuditEntry) -> (Vec<u8>, Vec<u8>) {
    let mut rest = (e.at.max(0) as u64).to_be_bytes().to_vec();
    rest.extend_from_slice(e.id.as_bytes());
    (
        scoped_key(&e.tenant_id, &rest),
        time_key(e.at, e.id.as_bytes()),
    )
}

type TxResult<T> = ::sled::transaction::ConflictableTransactionResult<T, Abort>;

/// Reads the counters of `keys` inside a transaction.
fn read_counters(ct: &TransactionalTree, keys: &[String]) -> TxResult<Counters> {
    let mut c = Counters::new();
    for k in keys {
        let v = match ct.get(k.as_bytes())? {
            Some(b) => decode(&b)?,
            None => Default::default(),
        };
        c.insert(k.clone(), v);
    }
    Ok(c)
}

fn write_counters(ct: &TransactionalTree, c: &Counters) -> TxResult<()> {
    for (k, v) in c {
        ct.insert(k.as_bytes(), encode(v))?;
    }
    Ok(())
}

fn write_audit(
    at: &TransactionalTree,
    bt: &TransactionalTree,
    entries: &[AuditEntry],
) -> TxResult<()> {
    for e in entries {
        let (k, tk) = audit_key(e);
        at.insert(k, encode(e))?;
        bt.insert(tk, e.tenant_id.as_bytes())?;
    }
    Ok(())
}

/// A row of the webhook outbox.
#[derive(serde::Serialize, serde::Deserialize)]
struct OutboxRow {
    tenant_id: String,
    event: OutboxRef,
}

fn due_key(d: &Delivery) -> Vec<u8> {
    scoped_key(
        &d.endpoint_id,
        &time_key(d.next_attempt_at, d.id.as_bytes()),
    )
}

/// How many due deliveries of one endpoint a claim looks at: past them it moves on,
/// so an endpoint whose head is all waiting (on earlier events still being retried)
/// holds up only itself.
const CLAIM_SCAN_PER_ENDPOINT: usize = 1024;

/// The endpoints with pending deliveries, each with the bounds of its part of
/// `deliveries_due`: a skip scan, one seek per endpoint.
fn due_endpoints(due: &::sled::Tree) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut out = Vec::new();
    let mut from: Vec<u8> = Vec::new();
    while let Some((k, _)) = due.range(from.clone()..).next().transpose()? {
        let Some(end) = k.iter().position(|b| *b == 0) else {
            break;
        };
        let ep = k[..end].to_vec();
        from = ep.clone();
        from.push(1); // past every key of this endpoint
        out.push(ep);
    }
    Ok(out)
}

fn order_key(d: &Delivery) -> Vec<u8> {
    let mut rest = d
        .verification_id
        .unwrap_or_else(Uuid::nil)
        .as_bytes()
        .to_vec();
    rest.extend_from_slice(&d.seq.to_be_bytes());
    scoped_key(&d.endpoint_id, &rest)
}

fn by_time_key(d: &Delivery) -> Vec<u8> {
    scoped_key(&d.tenant_id, &time_key(d.created_at, d.id.as_bytes()))
}

/// Writes a delivery and keeps its indexes in step with its status.
fn put_delivery(
    dt: &TransactionalTree,
    due: &TransactionalTree,
    ord: &TransactionalTree,
    d: &Delivery,
) -> TxResult<()> {
    if let Some(old) = dt.get(d.id.as_bytes())? {
        let old: Delivery = decode(&old)?;
        due.remove(due_key(&old))?;
        ord.remove(order_key(&old))?;
    }
    dt.insert(d.id.as_bytes(), encode(d))?;
    if d.status == DeliveryStatus::Pending {
        due.insert(due_key(d), &[] as &[u8])?;
        ord.insert(order_key(d), d.id.as_bytes())?;
    }
    Ok(())
}

fn u64_of(bytes: Option<::sled::IVec>) -> u64 {
    bytes
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map_or(0, u64::from_be_bytes)
}

enum Abort {
    Conflict(Box<Verification>),
    Refused(Refusal),
    Store(StoreError),
}

fn abort_err(a: Abort) -> StoreError {
    match a {
        Abort::Store(e) => e,
        Abort::Conflict(_) => StoreError::Decode("unexpected conflict".into()),
        Abort::Refused(_) => StoreError::Decode("unexpected refusal".into()),
    }
}

impl From<StoreError> for ConflictableTransactionError<Abort> {
    fn from(e: StoreError) -> Self {
        ConflictableTransactionError::Abort(Abort::Store(e))
    }
}

fn tx_err<T>(e: TransactionError<T>, abort: impl FnOnce(T) -> StoreError) -> StoreError {
    match e {
        TransactionError::Abort(a) => abort(a),
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}

impl SledStore {
    /// Opens (or creates) the store in `dir` for node `node`, migrates an older
    /// schema, and starts the flusher thread.
    pub fn open(dir: &Path, node: &str) -> Result<(Self, Closed), StoreError> {
        let db = open_db(dir)?;
        let trees = Trees {
            verifications: db.open_tree("verifications")?,
            active: db.open_tree("active")?,
            events: db.open_tree("events")?,
            request_ids: db.open_tree("request_ids")?,
            external_ids: db.open_tree("external_ids")?,
            request_ids_by_time: db.open_tree("request_ids_by_time")?,
            finished: db.open_tree("finished")?,
            counters: db.open_tree("counters")?,
            blocks: db.open_tree("blocks")?,
            audit: db.open_tree("audit")?,
            audit_by_time: db.open_tree("audit_by_time")?,
            outbox: db.open_tree("outbox")?,
            endpoints: db.open_tree("endpoints")?,
            deliveries: db.open_tree("deliveries")?,
            deliveries_due: db.open_tree("deliveries_due")?,
            deliveries_order: db.open_tree("deliveries_order")?,
            deliveries_by_time: db.open_tree("deliveries_by_time")?,
            tenants: db.open_tree("tenants")?,
            api_keys: db.open_tree("api_keys")?,
            meta: db.open_tree("meta")?,
        };
        migrate(&trees)?;
        db.flush()?;
        let (flush_tx, flush_rx) = std_mpsc::channel::<FlushWaiter>();
        let flusher_db = db.clone();
        drop(db);
        let thread = std::thread::Builder::new()
            .name("sled-flusher".into())
            .spawn(move || flusher(flusher_db, flush_rx))
            .map_err(|e| StoreError::Flush(e.to_string()))?;
        let store = Self {
            trees: Arc::new(trees),
            records: Arc::new(RecordCache::new()),
            node: node.to_owned(),
            path: dir.display().to_string(),
            flush_tx: Arc::new(Mutex::new(flush_tx)),
            notices: broadcast::channel(1).0,
            claim_cursor: Arc::new(Mutex::new(Some(Vec::new()))),
            leases: Arc::default(),
        };
        Ok((store, Closed(thread)))
    }

    /// Waits until everything written before this call is on disk.
    async fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.flush_tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(tx)
            .map_err(|_| StoreError::Flush("flusher thread is gone".into()))?;
        rx.await
            .map_err(|_| StoreError::Flush("flusher thread is gone".into()))?
            .map_err(StoreError::Flush)
    }

    /// Runs `f` on the blocking pool.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SledStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this))
            .await
            .map_err(|_| StoreError::Gone)?
    }

    /// Runs the write `f` on the blocking pool, then waits until it is on disk.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SledStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let out = self.blocking(f).await?;
        self.flush().await?;
        Ok(out)
    }

    fn owner_of(&self, v: &Verification) -> Option<String> {
        (!v.is_final()).then(|| self.node.clone())
    }

    /// The cached record, if the cache knows the id.
    fn cached(&self, id: Uuid) -> Option<Option<Verification>> {
        match self.records.get(&id)? {
            Cached::Record(v) => Some(Some((*v).clone())),
            Cached::Gone => Some(None),
        }
    }

    fn get(&self, id: Uuid) -> Result<Option<Verification>, StoreError> {
        if let Some(v) = self.cached(id) {
            return Ok(v);
        }
        let v: Option<Verification> = self
            .trees
            .verifications
            .get(id.as_bytes())?
            .map(|b| decode(&b))
            .transpose()?;
        if let Some(v) = &v {
            self.records.offer(v);
        }
        Ok(v)
    }

    /// A directory write: `f` in one transaction with the bump of the directory version.
    fn directory_tx<T>(
        &self,
        tree: &::sled::Tree,
        f: impl Fn(
            &::sled::transaction::TransactionalTree,
        ) -> ::sled::transaction::ConflictableTransactionResult<T, StoreError>,
    ) -> Result<T, StoreError> {
        (tree, &self.trees.meta)
            .transaction(|(t, meta)| {
                let out = f(t)?;
                bump_directory_version(meta)?;
                Ok(out)
            })
            .map_err(|e| tx_err(e, |e| e))
    }
}

fn bump_directory_version(
    meta: &::sled::transaction::TransactionalTree,
) -> ::sled::transaction::ConflictableTransactionResult<(), StoreError> {
    let v = u64_of(meta.get(DIRECTORY_VERSION_KEY)?) + 1;
    meta.insert(DIRECTORY_VERSION_KEY, &v.to_be_bytes())?;
    Ok(())
}

impl SledStore {
    /// Deletes what retention no longer keeps (see `Store::purge`).
    fn purge_now(&self, r: Retention) -> Result<Purged, StoreError> {
        let t = &self.trees;
        let mut p = Purged::default();
        let before = |at: Millis| time_key(at, &[]);
        for item in t.finished.range(..before(r.verifications_before)) {
            let (k, _) = item?;
            let id = Uuid::from_slice(k.get(8..).unwrap_or_default())
                .map_err(|e| StoreError::Decode(e.to_string()))?;
            if let Some(v) = self.get(id)? {
                for a in &v.history {
                    if let (Some(provider), Some(ext)) = (&a.provider, &a.external_id) {
                        t.external_ids
                            .remove(scoped_key(provider, ext.as_bytes()))?;
                    }
                }
                for ev in t.events.scan_prefix(id.as_bytes()).keys() {
                    t.events.remove(ev?)?;
                }
                if !v.request_id.is_empty() {
                    let rk = scoped_key(&v.tenant_id, v.request_id.as_bytes());
                    if t.request_ids
                        .get(&rk)?
                        .is_some_and(|b| b.as_ref() == id.as_bytes())
                    {
                        t.request_ids.remove(&rk)?;
                        t.request_ids_by_time.remove(time_key(v.created_at, &rk))?;
                    }
                }
                t.verifications.remove(id.as_bytes())?;
                self.records.forget(id);
                p.verifications += 1;
            }
            t.finished.remove(k)?;
        }
        for item in t.request_ids_by_time.range(..before(r.request_ids_before)) {
            let (k, _) = item?;
            t.request_ids.remove(k.get(8..).unwrap_or_default())?;
            t.request_ids_by_time.remove(k)?;
            p.request_ids += 1;
        }
        for item in t.deliveries_by_time.iter() {
            let (k, _) = item?;
            let raw = k.get(k.len().saturating_sub(16)..).unwrap_or_default();
            let Some(b) = t.deliveries.get(raw)? else {
                t.deliveries_by_time.remove(k)?;
                continue;
            };
            let d: Delivery = decode(&b)?;
            if d.status != DeliveryStatus::Pending && d.created_at < r.verifications_before {
                t.deliveries.remove(raw)?;
                t.deliveries_by_time.remove(k)?;
            }
        }
        for item in t.audit_by_time.range(..before(r.audit_before)) {
            let (k, tenant) = item?;
            let mut key = scoped_key(
                &String::from_utf8_lossy(&tenant),
                k.get(..8).unwrap_or_default(),
            );
            key.extend_from_slice(k.get(8..).unwrap_or_default());
            t.audit.remove(key)?;
            t.audit_by_time.remove(k)?;
            p.audit += 1;
        }
        // Each removal only if the value is still the one read: a start or check
        // that touched it meanwhile keeps it.
        for item in t.counters.iter() {
            let (k, b) = item?;
            let c: crate::domain::limits::Counter = decode(&b)?;
            if c.last_relevant() < r.counters_before
                && t.counters
                    .compare_and_swap(&k, Some(&b), None::<&[u8]>)?
                    .is_ok()
            {
                p.counters += 1;
            }
        }
        for item in t.blocks.iter() {
            let (k, b) = item?;
            let block: Block = decode(&b)?;
            if block.until < r.counters_before
                && t.blocks
                    .compare_and_swap(&k, Some(&b), None::<&[u8]>)?
                    .is_ok()
            {
                p.blocks += 1;
            }
        }
        Ok(p)
    }
}

/// Brings the trees to `SCHEMA_VERSION`. Every step is idempotent, and the version is
/// written last, so a migration that a crash interrupted runs again from the start.
fn migrate(t: &Trees) -> Result<(), StoreError> {
    let stored = t
        .meta
        .get(SCHEMA_KEY)?
        .and_then(|b| <[u8; 4]>::try_from(b.as_ref()).ok())
        .map(u32::from_be_bytes);
    let version = match stored {
        Some(v) => v,
        // Schema 1 had no version key; a store with no tenants at all is new.
        None if t.tenants.is_empty() && t.verifications.is_empty() => SCHEMA_VERSION,
        None => 1,
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found: version });
    }
    if version < 2 {
        tracing::info!(from = version, to = 2, "migrating the sled store");
        // Records: postcard (format 1) to MessagePack (format 2).
        for item in t.verifications.iter() {
            let (k, b) = item?;
            if b.first() == Some(&1) {
                t.verifications
                    .insert(k, encode(&codec::v1::verification(&b)?))?;
            }
        }
        for item in t.tenants.iter() {
            let (k, b) = item?;
            if b.first() == Some(&1) {
                t.tenants.insert(k, encode(&codec::v1::tenant(&b)?))?;
            }
        }
        for item in t.api_keys.iter() {
            let (k, b) = item?;
            if b.first() == Some(&1) {
                t.api_keys.insert(k, encode(&codec::v1::api_key(&b)?))?;
            }
        }
        // The active index gained the creation time, for newest-first reads.
        t.active.clear()?;
        for item in t.verifications.iter() {
            let (_, b) = item?;
            let v: Verification = decode(&b)?;
            if !v.is_final() {
                t.active.insert(active_key(&v), &[] as &[u8])?;
            }
        }
    }
    t.meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
    Ok(())
}

/// Opens sled's database. sled's own background threads let go of its file lock a
/// moment after the last handle of a closed store drops, so a reopen in the same
/// process (a restart in tests) may find it still held: it is tried again for a
/// few seconds. Another process is kept out before this, by the data dir's lock.
fn open_db(dir: &Path) -> Result<::sled::Db, StoreError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match ::sled::Config::new()
            .path(dir)
            .cache_capacity(SLED_CACHE_BYTES)
            .open()
        {
            Err(::sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

fn flusher(db: ::sled::Db, rx: std_mpsc::Receiver<FlushWaiter>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let result = db.flush().map(|_| ()).map_err(|e| e.to_string());
        for waiter in batch {
            // A waiter whose caller went away needs no answer.
            let _ = waiter.send(result.clone());
        }
    }
}

#[async_trait::async_trait]
impl Store for SledStore {
    fn describe(&self) -> String {
        format!("sled in {}", self.path)
    }

    fn is_shared(&self) -> bool {
        false
    }

    async fn insert_verification(
        &self,
        v: &Verification,
        _owner: &str,
        limits: Option<LimitsTx>,
    ) -> Result<Inserted, StoreError> {
        let v = v.clone();
        self.write(move |s| {
            let t = &s.trees;
            let record = encode(&v);
            let active = active_key(&v);
            let req_key = (!v.request_id.is_empty())
                .then(|| scoped_key(&v.tenant_id, v.request_id.as_bytes()));
            (
                &t.verifications,
                &t.active,
                &t.request_ids,
                &t.request_ids_by_time,
                &t.counters,
                &t.blocks,
                &t.outbox,
            )
                .transaction(|(vt, at, rt, rtt, ct, bt, ot)| {
                    if let Some(k) = &req_key
                        && let Some(existing) = rt.get(k)?
                    {
                        let raw = existing.get(..16).unwrap_or_default();
                        let id =
                            Uuid::from_slice(raw).map_err(|e| StoreError::Decode(e.to_string()))?;
                        return Ok(Inserted::Existing(id));
                    }
                    if let Some(l) = &limits {
                        let mut c = read_counters(ct, &l.keys)?;
                        if let Err(refusal) = (l.decide)(&mut c) {
                            if let Some(b) = &refusal.new_block {
                                write_counters(ct, &c)?;
                                bt.insert(
                                    block_key(&b.tenant_id, &b.country_iso, &b.prefix),
                                    encode(b),
                                )?;
                                let row = OutboxRow {
                                    tenant_id: b.tenant_id.clone(),
                                    event: OutboxRef::Block((**b).clone()),
                                };
                                ot.insert(&ot.generate_id()?.to_be_bytes(), encode(&row))?;
                            }
                            return Ok(Inserted::Refused(refusal));
                        }
                        write_counters(ct, &c)?;
                    }
                    if let Some(k) = &req_key {
                        rt.insert(k.as_slice(), v.id.as_bytes().as_slice())?;
                        rtt.insert(time_key(v.created_at, k), &[] as &[u8])?;
                    }
                    vt.insert(v.id.as_bytes().as_slice(), record.as_slice())?;
                    if !v.is_final() {
                        at.insert(active.as_slice(), &[] as &[u8])?;
                    }
                    Ok(Inserted::New)
                })
                .map_err(|e| tx_err(e, abort_err))
                .inspect(|done| {
                    if matches!(done, Inserted::New) {
                        s.records.offer(&v);
                    }
                })
        })
        .await
    }

    async fn counters(&self, keys: &[String]) -> Result<Counters, StoreError> {
        let keys = keys.to_vec();
        self.blocking(move |s| {
            let mut c = Counters::new();
            for k in keys {
                let v = match s.trees.counters.get(k.as_bytes())? {
                    Some(b) => decode(&b)?,
                    None => Default::default(),
                };
                c.insert(k, v);
            }
            Ok(c)
        })
        .await
    }

    async fn blocks(&self, tenant: &str) -> Result<Vec<Block>, StoreError> {
        let prefix = if tenant.is_empty() {
            Vec::new()
        } else {
            scoped_key(tenant, &[])
        };
        self.blocking(move |s| {
            s.trees
                .blocks
                .scan_prefix(prefix)
                .values()
                .map(|b| decode(&b?))
                .collect()
        })
        .await
    }

    async fn lift_block(
        &self,
        tenant: &str,
        country: &str,
        prefix: &str,
    ) -> Result<bool, StoreError> {
        let key = block_key(tenant, country, prefix);
        let counter = crate::domain::limits::pumping_key(tenant, country, prefix);
        self.write(move |s| {
            (&s.trees.blocks, &s.trees.counters)
                .transaction(|(bt, ct)| {
                    let had = bt.remove(key.as_slice())?.is_some();
                    if let Some(b) = ct.get(counter.as_bytes())? {
                        let mut c: crate::domain::limits::Counter = decode(&b)?;
                        c.until = 0;
                        c.times.clear();
                        c.marks.clear();
                        ct.insert(counter.as_bytes(), encode(&c))?;
                    }
                    Ok(had)
                })
                .map_err(|e| tx_err(e, abort_err))
        })
        .await
    }

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let entries = entries.to_vec();
        self.write(move |s| {
            (&s.trees.audit, &s.trees.audit_by_time)
                .transaction(|(at, bt)| write_audit(at, bt, &entries))
                .map_err(|e| tx_err(e, abort_err))
        })
        .await
    }

    async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let q = q.clone();
        self.blocking(move |s| {
            let wanted = |e: &AuditEntry| {
                (q.actions.is_empty() || q.actions.contains(&e.action))
                    && q.since.is_none_or(|t| e.at >= t)
                    && q.before.is_none_or(|t| e.at < t)
            };
            let mut out = Vec::new();
            let limit = q.limit.max(1);
            if q.tenant_id.is_empty() {
                for item in s.trees.audit_by_time.iter().rev() {
                    let (k, tenant) = item?;
                    let Some(id_raw) = k.get(8..) else { continue };
                    let mut key = scoped_key(
                        &String::from_utf8_lossy(&tenant),
                        k.get(..8).unwrap_or_default(),
                    );
                    key.extend_from_slice(id_raw);
                    if let Some(b) = s.trees.audit.get(key)? {
                        let e: AuditEntry = decode(&b)?;
                        if wanted(&e) {
                            out.push(e);
                        }
                    }
                    if out.len() == limit {
                        break;
                    }
                }
            } else {
                for item in s
                    .trees
                    .audit
                    .scan_prefix(scoped_key(&q.tenant_id, &[]))
                    .values()
                    .rev()
                {
                    let e: AuditEntry = decode(&item?)?;
                    if wanted(&e) {
                        out.push(e);
                    }
                    if out.len() == limit {
                        break;
                    }
                }
            }
            Ok(out)
        })
        .await
    }

    async fn purge(&self, r: Retention) -> Result<Purged, StoreError> {
        self.write(move |s| s.purge_now(r)).await
    }

    async fn get_verification(&self, id: Uuid) -> Result<Option<Verification>, StoreError> {
        // From the record cache when it has the id: no blocking pool, no decode.
        if let Some(v) = self.cached(id) {
            return Ok(v);
        }
        self.blocking(move |s| s.get(id)).await
    }

    async fn load(&self, id: Uuid) -> Result<Option<Loaded>, StoreError> {
        let loaded = |s: &SledStore, v: Option<Verification>| {
            v.map(|record| Loaded {
                owner: s.owner_of(&record),
                record,
            })
        };
        if let Some(v) = self.cached(id) {
            return Ok(loaded(self, v));
        }
        self.blocking(move |s| Ok(loaded(s, s.get(id)?))).await
    }

    async fn commit(&self, c: Commit<'_>) -> Result<Committed, StoreError> {
        let v = c.record.clone();
        let expected = c.expected_revision;
        let events: Vec<(Vec<u8>, Vec<u8>)> = c
            .events
            .iter()
            .map(|e| (event_key(v.id, e.revision), encode(e)))
            .collect();
        let refs: Vec<(Vec<u8>, Vec<u8>)> = c
            .external_refs
            .iter()
            .map(|r| {
                let mut val = r.verification_id.as_bytes().to_vec();
                val.extend_from_slice(r.attempt_id.as_bytes());
                (scoped_key(&r.provider, r.external_id.as_bytes()), val)
            })
            .collect();
        let limits = c.limits.clone();
        let audit = c.audit.to_vec();
        let revisions: Vec<u64> = if c.webhooks {
            c.events.iter().map(|e| e.revision).collect()
        } else {
            Vec::new()
        };
        let outcome = self
            .blocking(move |s| {
                let t = &s.trees;
                let record = encode(&v);
                let active = active_key(&v);
                let finished = time_key(v.updated_at, v.id.as_bytes());
                let trees = (
                    &t.verifications,
                    &t.active,
                    &t.events,
                    &t.external_ids,
                    &t.counters,
                    &t.audit,
                    &t.audit_by_time,
                    &t.finished,
                    &t.outbox,
                );
                let done = trees.transaction(|(vt, at, et, xt, ct, aut, abt, ft, ot)| {
                    let current: Verification = match vt.get(v.id.as_bytes())? {
                        Some(b) => decode(&b)?,
                        None => {
                            return Err(StoreError::Decode(
                                "commit of an unknown verification".into(),
                            )
                            .into());
                        }
                    };
                    if current.revision != expected {
                        return Err(ConflictableTransactionError::Abort(Abort::Conflict(
                            Box::new(current),
                        )));
                    }
                    if let Some(l) = &limits {
                        let mut c = read_counters(ct, &l.keys)?;
                        if let Err(refusal) = (l.decide)(&mut c) {
                            return Err(ConflictableTransactionError::Abort(Abort::Refused(
                                refusal,
                            )));
                        }
                        write_counters(ct, &c)?;
                    }
                    vt.insert(v.id.as_bytes().as_slice(), record.as_slice())?;
                    if v.is_final() {
                        at.remove(active.as_slice())?;
                        if !current.is_final() {
                            ft.insert(finished.as_slice(), &[] as &[u8])?;
                        }
                    } else {
                        at.insert(active.as_slice(), &[] as &[u8])?;
                    }
                    for (k, e) in &events {
                        et.insert(k.as_slice(), e.as_slice())?;
                    }
                    for revision in &revisions {
                        let row = OutboxRow {
                            tenant_id: v.tenant_id.clone(),
                            event: OutboxRef::Event {
                                verification_id: v.id,
                                revision: *revision,
                            },
                        };
                        ot.insert(&ot.generate_id()?.to_be_bytes(), encode(&row))?;
                    }
                    for (k, r) in &refs {
                        xt.insert(k.as_slice(), r.as_slice())?;
                    }
                    write_audit(aut, abt, &audit)?;
                    Ok(())
                });
                match done {
                    Ok(()) => {
                        s.records.offer(&v);
                        Ok(Committed::Done)
                    }
                    Err(TransactionError::Abort(Abort::Conflict(current))) => {
                        Ok(Committed::Conflict(Box::new(Loaded {
                            owner: s.owner_of(&current),
                            record: *current,
                        })))
                    }
                    Err(TransactionError::Abort(Abort::Refused(r))) => Ok(Committed::Refused(r)),
                    Err(TransactionError::Abort(Abort::Store(e))) => Err(e),
                    Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
                }
            })
            .await?;
        if matches!(outcome, Committed::Done) {
            self.flush().await?;
        }
        Ok(outcome)
    }

    async fn active(&self, tenant: &str, limit: usize) -> Result<Active, StoreError> {
        let prefix = scoped_key(tenant, &[]);
        self.blocking(move |s| {
            let mut total = 0;
            let mut newest = Vec::new();
            for item in s.trees.active.scan_prefix(&prefix).keys().rev() {
                let k = item?;
                total += 1;
                if newest.len() < limit {
                    let raw = k.get(k.len().saturating_sub(16)..).unwrap_or_default();
                    let id =
                        Uuid::from_slice(raw).map_err(|e| StoreError::Decode(e.to_string()))?;
                    if let Some(v) = s.get(id)? {
                        newest.push(v);
                    }
                }
            }
            Ok(Active { newest, total })
        })
        .await
    }

    async fn events_after(&self, id: Uuid, after: u64) -> Result<EventsAfter, StoreError> {
        self.blocking(move |s| {
            let from = event_key(id, after.saturating_add(1));
            let to = event_key(id, u64::MAX);
            let events = s
                .trees
                .events
                .range(from..=to)
                .values()
                .map(|b| decode::<StoredEvent>(&b?))
                .collect::<Result<_, _>>()?;
            Ok(EventsAfter {
                events,
                current: s.get(id)?,
            })
        })
        .await
    }

    async fn find_attempt(
        &self,
        provider: &str,
        external_id: &str,
    ) -> Result<Option<(Uuid, Uuid)>, StoreError> {
        let key = scoped_key(provider, external_id.as_bytes());
        self.blocking(move |s| {
            let Some(b) = s.trees.external_ids.get(key)? else {
                return Ok(None);
            };
            let bad = |e: uuid::Error| StoreError::Decode(e.to_string());
            let (v, a) = b.split_at(16.min(b.len()));
            Ok(Some((
                Uuid::from_slice(v).map_err(bad)?,
                Uuid::from_slice(a).map_err(bad)?,
            )))
        })
        .await
    }

    async fn find_request(
        &self,
        tenant: &str,
        request_id: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let key = scoped_key(tenant, request_id.as_bytes());
        let found = self
            .blocking(move |s| {
                s.trees
                    .request_ids
                    .get(key)?
                    .map(|b| Uuid::from_slice(&b).map_err(|e| StoreError::Decode(e.to_string())))
                    .transpose()
            })
            .await?;
        if found.is_some() {
            // The first call may still be waiting for its flush; a replay must not
            // answer with what could yet be lost.
            self.flush().await?;
        }
        Ok(found)
    }

    async fn heartbeat(&self, _node: &str, _lease: Duration) -> Result<(), StoreError> {
        Ok(())
    }

    async fn claim_orphans(
        &self,
        _node: &str,
        limit: usize,
    ) -> Result<Vec<Verification>, StoreError> {
        self.blocking(move |s| {
            // The cursor is copied out and written back: no lock is held while sled
            // reads. Only the resume scan at start-up calls this, one call at a time.
            let Some(after) = s
                .claim_cursor
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
            else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            let mut last = None;
            let mut next = None;
            for item in s.trees.active.range(after.clone()..).keys() {
                let k = item?;
                if k.as_ref() == after.as_slice() {
                    continue;
                }
                if out.len() == limit.max(1) {
                    next = last;
                    break;
                }
                let raw = k.get(k.len().saturating_sub(16)..).unwrap_or_default();
                let id = Uuid::from_slice(raw).map_err(|e| StoreError::Decode(e.to_string()))?;
                if let Some(v) = s.get(id)? {
                    out.push(v);
                }
                last = Some(k.to_vec());
            }
            *s.claim_cursor.lock().unwrap_or_else(|p| p.into_inner()) = next;
            Ok(out)
        })
        .await
    }

    async fn release(&self, _node: &str) -> Result<(), StoreError> {
        Ok(())
    }

    fn notices(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    async fn load_directory(&self) -> Result<DirectorySnapshot, StoreError> {
        self.blocking(|s| {
            let t = &s.trees;
            let tenants = t
                .tenants
                .iter()
                .values()
                .map(|b| decode(&b?))
                .collect::<Result<_, _>>()?;
            let mut api_keys = Vec::new();
            for item in t.api_keys.iter() {
                let (k, b) = item?;
                if let Ok(h) = <[u8; 32]>::try_from(k.as_ref()) {
                    api_keys.push((h, decode(&b)?));
                }
            }
            let endpoints = t
                .endpoints
                .iter()
                .values()
                .map(|b| decode(&b?))
                .collect::<Result<_, _>>()?;
            let admin_token_sha256 = t
                .meta
                .get(ADMIN_KEY)?
                .and_then(|b| <[u8; 32]>::try_from(b.as_ref()).ok());
            Ok(DirectorySnapshot {
                tenants,
                endpoints,
                api_keys,
                admin_token_sha256,
                version: u64_of(t.meta.get(DIRECTORY_VERSION_KEY)?),
            })
        })
        .await
    }

    async fn directory_version(&self) -> Result<u64, StoreError> {
        self.blocking(|s| Ok(u64_of(s.trees.meta.get(DIRECTORY_VERSION_KEY)?)))
            .await
    }

    async fn create_tenant(&self, t: &Tenant, _origin: &str) -> Result<bool, StoreError> {
        let t = t.clone();
        self.write(move |s| {
            let record = encode(&t);
            s.directory_tx(&s.trees.tenants, |tt| {
                if tt.get(t.id.as_bytes())?.is_some() {
                    return Ok(false);
                }
                tt.insert(t.id.as_bytes(), record.as_slice())?;
                Ok(true)
            })
        })
        .await
    }

    async fn put_tenant(&self, t: &Tenant, _origin: &str) -> Result<(), StoreError> {
        let t = t.clone();
        self.write(move |s| {
            let record = encode(&t);
            s.directory_tx(&s.trees.tenants, |tt| {
                tt.insert(t.id.as_bytes(), record.as_slice())?;
                Ok(())
            })
        })
        .await
    }

    async fn put_api_key(
        &self,
        key_sha256: &[u8; 32],
        rec: &ApiKeyRecord,
        _origin: &str,
    ) -> Result<(), StoreError> {
        let (h, record) = (*key_sha256, encode(rec));
        self.write(move |s| {
            s.directory_tx(&s.trees.api_keys, |kt| {
                kt.insert(&h, record.as_slice())?;
                Ok(())
            })
        })
        .await
    }

    async fn remove_api_key(&self, key_sha256: &[u8; 32], _origin: &str) -> Result<(), StoreError> {
        let h = *key_sha256;
        self.write(move |s| {
            s.directory_tx(&s.trees.api_keys, |kt| {
                kt.remove(&h)?;
                Ok(())
            })
        })
        .await
    }

    async fn set_admin_token_hash(&self, hash: &[u8; 32], _origin: &str) -> Result<(), StoreError> {
        let h = *hash;
        self.write(move |s| {
            s.trees
                .meta
                .transaction(|mt| {
                    mt.insert(ADMIN_KEY, &h)?;
                    bump_directory_version(mt)
                })
                .map_err(|e| tx_err(e, |e| e))
        })
        .await
    }

    async fn check_secrets(&self, value: &[u8]) -> Result<SecretsCheck, StoreError> {
        let value = value.to_vec();
        self.write(move |s| {
            let meta = &s.trees.meta;
            match meta.compare_and_swap(
                SECRETS_CHECK_KEY,
                None as Option<&[u8]>,
                Some(value.as_slice()),
            )? {
                Ok(()) => Ok(SecretsCheck::Stored),
                Err(cas) if cas.current.as_deref() == Some(value.as_slice()) => {
                    Ok(SecretsCheck::Matches)
                }
                Err(_) => Ok(SecretsCheck::Mismatch),
            }
        })
        .await
    }

    async fn put_endpoint(&self, e: &Endpoint, _origin: &str) -> Result<(), StoreError> {
        let (key, record) = (scoped_key(&e.tenant_id, e.id.as_bytes()), encode(e));
        self.write(move |s| {
            s.directory_tx(&s.trees.endpoints, |et| {
                et.insert(key.as_slice(), record.as_slice())?;
                Ok(())
            })
        })
        .await
    }

    async fn delete_endpoint(
        &self,
        tenant: &str,
        id: &str,
        _origin: &str,
    ) -> Result<bool, StoreError> {
        let key = scoped_key(tenant, id.as_bytes());
        let existed = self
            .write(move |s| {
                s.directory_tx(&s.trees.endpoints, |et| {
                    Ok(et.remove(key.as_slice())?.is_some())
                })
            })
            .await?;
        if existed {
            self.cancel_deliveries(tenant, id).await?;
        }
        Ok(existed)
    }

    async fn fan_out(&self, limit: usize, f: FanOut) -> Result<usize, StoreError> {
        // Not flushed: the transaction is atomic, and a lost one leaves its events in
        // the outbox (at least once). One transaction for the whole batch: each sled
        // transaction writes (and syncs) its own log entry. Only this node's
        // dispatcher fans out, one call at a time, so the rows read are still there.
        self.blocking(move |s| {
            let t = &s.trees;
            let mut taken: Vec<::sled::IVec> = Vec::new();
            let mut deliveries: Vec<Delivery> = Vec::new();
            for item in t.outbox.iter().take(limit) {
                let (k, b) = item?;
                let row: OutboxRow = decode(&b)?;
                let seq = u64_of(Some(k.clone()));
                let event = match row.event {
                    OutboxRef::Event {
                        verification_id,
                        revision,
                    } => match t.events.get(event_key(verification_id, revision))? {
                        Some(e) => Some(OutboxEvent::Verification(Box::new(decode(&e)?))),
                        // Purged meanwhile: nothing to deliver.
                        None => None,
                    },
                    OutboxRef::Block(b) => Some(OutboxEvent::Block(b)),
                };
                if let Some(event) = event {
                    deliveries.extend(f(&OutboxItem {
                        seq,
                        tenant_id: row.tenant_id,
                        event,
                    }));
                }
                taken.push(k);
            }
            if taken.is_empty() {
                return Ok(0);
            }
            (
                &t.outbox,
                &t.deliveries,
                &t.deliveries_due,
                &t.deliveries_order,
                &t.deliveries_by_time,
            )
                .transaction(|(ot, dt, due, ord, bt)| {
                    for d in &deliveries {
                        put_delivery(dt, due, ord, d)?;
                        bt.insert(by_time_key(d), &[] as &[u8])?;
                    }
                    for k in &taken {
                        ot.remove(k)?;
                    }
                    Ok(())
                })
                .map_err(|e| tx_err(e, abort_err))?;
            Ok(taken.len())
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        _node: &str,
        now: Millis,
        lease: Duration,
        limit: usize,
        per_endpoint: usize,
        busy: &[String],
    ) -> Result<Vec<Delivery>, StoreError> {
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        let busy = busy.to_vec();
        self.blocking(move |s| {
            let t = &s.trees;
            // The leases in force are copied out, so that no lock is held while sled
            // reads; the claim itself is decided under the lock at the end.
            let leases: std::collections::HashSet<Uuid> = {
                let mut l = s.leases.lock().unwrap_or_else(|p| p.into_inner());
                l.retain(|_, until| *until > now);
                l.keys().copied().collect()
            };
            // The first claimable ones of each endpoint that is not busy, then the
            // earliest of them all.
            let mut candidates: Vec<Delivery> = Vec::new();
            for ep in due_endpoints(&t.deliveries_due)? {
                let name = String::from_utf8_lossy(&ep).into_owned();
                if busy.contains(&name) {
                    continue;
                }
                let lo = scoped_key(&name, &[]);
                let hi = scoped_key(&name, &time_key(now.saturating_add(1), &[]));
                let mut mine = 0;
                for item in t
                    .deliveries_due
                    .range(lo..hi)
                    .keys()
                    .take(CLAIM_SCAN_PER_ENDPOINT)
                {
                    if mine >= per_endpoint {
                        break;
                    }
                    let k = item?;
                    let id =
                        Uuid::from_slice(k.get(k.len().saturating_sub(16)..).unwrap_or_default())
                            .map_err(|e| StoreError::Decode(e.to_string()))?;
                    if leases.contains(&id) {
                        continue;
                    }
                    let Some(b) = t.deliveries.get(id.as_bytes())? else {
                        continue;
                    };
                    let d: Delivery = decode(&b)?;
                    // Only the first pending delivery of its verification to its endpoint.
                    if let Some(vid) = d.verification_id {
                        let mut prefix = scoped_key(&d.endpoint_id, &[]);
                        prefix.extend_from_slice(vid.as_bytes());
                        let first = t.deliveries_order.scan_prefix(&prefix).values().next();
                        if let Some(first) = first
                            && first?.as_ref() != id.as_bytes()
                        {
                            continue;
                        }
                    }
                    mine += 1;
                    candidates.push(d);
                }
            }
            candidates.sort_by_key(|d| d.next_attempt_at);
            let mut leases = s.leases.lock().unwrap_or_else(|p| p.into_inner());
            // A claim that ran meanwhile keeps what it took.
            candidates.retain(|d| leases.get(&d.id).is_none_or(|&until| until <= now));
            candidates.truncate(limit);
            for d in &candidates {
                leases.insert(d.id, now.saturating_add(lease_ms));
            }
            Ok(candidates)
        })
        .await
    }

    async fn next_delivery_due(&self, after: Millis) -> Result<Option<Millis>, StoreError> {
        self.blocking(move |s| {
            let due = &s.trees.deliveries_due;
            let mut next: Option<Millis> = None;
            for ep in due_endpoints(due)? {
                let name = String::from_utf8_lossy(&ep).into_owned();
                let lo = scoped_key(&name, &time_key(after.saturating_add(1), &[]));
                let mut hi = ep.clone();
                hi.push(1);
                if let Some(k) = due.range(lo..hi).keys().next().transpose()? {
                    let at = k
                        .get(ep.len() + 1..ep.len() + 9)
                        .and_then(|b| <[u8; 8]>::try_from(b).ok())
                        .map(|b| u64::from_be_bytes(b) as i64);
                    next = match (next, at) {
                        (Some(n), Some(a)) => Some(n.min(a)),
                        (n, a) => n.or(a),
                    };
                }
            }
            Ok(next)
        })
        .await
    }

    async fn finish_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        let d = d.clone();
        // Not flushed: a lost outcome means one more attempt (at least once).
        self.blocking(move |s| {
            let t = &s.trees;
            (&t.deliveries, &t.deliveries_due, &t.deliveries_order)
                .transaction(|(dt, due, ord)| put_delivery(dt, due, ord, &d))
                .map_err(|e| tx_err(e, abort_err))?;
            s.leases
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&d.id);
            Ok(())
        })
        .await
    }

    async fn sync(&self) -> Result<(), StoreError> {
        self.flush().await
    }

    async fn get_delivery(&self, id: Uuid) -> Result<Option<Delivery>, StoreError> {
        self.blocking(move |s| {
            s.trees
                .deliveries
                .get(id.as_bytes())?
                .map(|b| decode(&b))
                .transpose()
        })
        .await
    }

    async fn list_deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError> {
        let q = q.clone();
        self.blocking(move |s| {
            let mut out = Vec::new();
            for item in s
                .trees
                .deliveries_by_time
                .scan_prefix(scoped_key(&q.tenant_id, &[]))
                .keys()
                .rev()
            {
                let k = item?;
                let raw = k.get(k.len().saturating_sub(16)..).unwrap_or_default();
                let Some(b) = s.trees.deliveries.get(raw)? else {
                    continue;
                };
                let d: Delivery = decode(&b)?;
                if q.endpoint_id.as_ref().is_some_and(|e| *e != d.endpoint_id)
                    || q.event_id.is_some_and(|e| e != d.event_id)
                    || q.before.is_some_and(|t| d.created_at >= t)
                {
                    continue;
                }
                out.push(d);
                if out.len() >= q.limit.max(1) {
                    break;
                }
            }
            Ok(out)
        })
        .await
    }

    async fn cancel_deliveries(&self, _tenant: &str, endpoint_id: &str) -> Result<u64, StoreError> {
        let prefix = scoped_key(endpoint_id, &[]);
        self.write(move |s| {
            let t = &s.trees;
            let mut n = 0;
            let ids: Vec<::sled::IVec> = t
                .deliveries_order
                .scan_prefix(&prefix)
                .values()
                .collect::<Result<_, _>>()?;
            for id in ids {
                let Some(b) = t.deliveries.get(&id)? else {
                    continue;
                };
                let mut d: Delivery = decode(&b)?;
                d.status = DeliveryStatus::Canceled;
                d.last_error = Some("the endpoint was disabled or deleted".into());
                (&t.deliveries, &t.deliveries_due, &t.deliveries_order)
                    .transaction(|(dt, due, ord)| put_delivery(dt, due, ord, &d))
                    .map_err(|e| tx_err(e, abort_err))?;
                n += 1;
            }
            Ok(n)
        })
        .await
    }
}
