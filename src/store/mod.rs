//! Durable state in embedded sled: verifications, the index of the ones still
//! active, idempotency keys, tenants, API keys and server metadata.
//!
//! Key layout (one sled tree each):
//! - `verifications`: verification id (16 bytes) → record
//! - `active`: tenant id ‖ 0x00 ‖ verification id → empty; exactly the verifications
//!   that are not final, so a restart resumes them without scanning history
//! - `request_ids`: tenant id ‖ 0x00 ‖ request id → verification id
//! - `tenants`: tenant id → record
//! - `api_keys`: SHA-256 of the key → record (the key itself is never stored)
//! - `meta`: `admin_token_sha256` → 32 bytes
//!
//! Every record value starts with a format version byte, then postcard. Binary
//! encoding matters beyond size: no decimal text lands on disk, so a code cannot
//! appear in the store's bytes by coincidence either.
//!
//! Flush discipline: whatever is acknowledged to a client must be flushed first.
//! sled 0.34's `flush_async` deadlocks under concurrency, so one flusher thread does
//! group commit: a writer enqueues a waiter after its write, the thread takes every
//! queued waiter, calls `flush()` once and wakes them all. A flush that starts after a
//! waiter was queued covers that waiter's write.

use std::sync::{Arc, mpsc as std_mpsc};

use serde::{Serialize, de::DeserializeOwned};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::domain::tenant::Tenant;
use crate::domain::verification::{Millis, Verification};

/// Version of the record encoding. Bump it, and add a migration, when a stored
/// struct changes shape.
pub const FORMAT_VERSION: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    #[error("a stored record could not be decoded: {0}")]
    Decode(String),
    #[error("a stored record has format version {0}, this build reads {FORMAT_VERSION}")]
    Version(u8),
    #[error("flush failed: {0}")]
    Flush(String),
}

/// What is stored of an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ApiKeyRecord {
    pub key_id: String,
    pub tenant_id: String,
    pub description: String,
    pub created_at: Millis,
}

/// The outcome of inserting a new verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// The request id was already used, by this verification.
    Existing(Uuid),
}

type FlushWaiter = oneshot::Sender<Result<(), String>>;

/// Handle to the store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// Waits for the store to close: the flusher thread ends once every `Store` clone
/// is gone, and it drops the last database handle, which releases sled's lock.
pub struct Closed(std::thread::JoinHandle<()>);

impl Closed {
    /// Blocks until the store is closed; call it after dropping every `Store`.
    pub fn wait(self) {
        // A panicked flusher has already released everything it held.
        let _ = self.0.join();
    }
}

struct Inner {
    verifications: sled::Tree,
    active: sled::Tree,
    request_ids: sled::Tree,
    tenants: sled::Tree,
    api_keys: sled::Tree,
    meta: sled::Tree,
    flush_tx: std::sync::Mutex<std_mpsc::Sender<FlushWaiter>>,
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    // postcard only fails on types serde cannot describe, which none of ours are.
    out.extend(postcard::to_stdvec(value).expect("records are plain serde data"));
    out
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, rest)) => {
            postcard::from_bytes(rest).map_err(|e| StoreError::Decode(e.to_string()))
        }
        Some((&v, _)) => Err(StoreError::Version(v)),
        None => Err(StoreError::Decode("empty record".into())),
    }
}

fn scoped_key(tenant: &str, rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(tenant.len() + 1 + rest.len());
    k.extend_from_slice(tenant.as_bytes());
    k.push(0);
    k.extend_from_slice(rest);
    k
}

fn tx_err(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}

impl Store {
    /// Opens (or creates) the store in `dir` and starts its flusher thread.
    pub fn open(dir: &std::path::Path) -> Result<(Self, Closed), StoreError> {
        let db = sled::Config::new().path(dir).open()?;
        let (flush_tx, flush_rx) = std_mpsc::channel::<FlushWaiter>();
        let flusher_db = db.clone();
        let thread = std::thread::Builder::new()
            .name("sled-flusher".into())
            .spawn(move || flusher(flusher_db, flush_rx))
            .map_err(|e| StoreError::Flush(e.to_string()))?;
        let store = Self {
            inner: Arc::new(Inner {
                verifications: db.open_tree("verifications")?,
                active: db.open_tree("active")?,
                request_ids: db.open_tree("request_ids")?,
                tenants: db.open_tree("tenants")?,
                api_keys: db.open_tree("api_keys")?,
                meta: db.open_tree("meta")?,
                flush_tx: std::sync::Mutex::new(flush_tx),
            }),
        };
        Ok((store, Closed(thread)))
    }

    /// Waits until everything written before this call is on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        {
            // A std Mutex: held only to clone-send, never across an await.
            let sender = self
                .inner
                .flush_tx
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            sender
                .send(tx)
                .map_err(|_| StoreError::Flush("flusher thread is gone".into()))?;
        }
        rx.await
            .map_err(|_| StoreError::Flush("flusher thread is gone".into()))?
            .map_err(StoreError::Flush)
    }

    /// Inserts a new verification, its active index entry and its request id, in one
    /// transaction. If the request id is taken, nothing is written.
    pub fn insert_verification(&self, v: &Verification) -> Result<Inserted, StoreError> {
        let i = &self.inner;
        let record = encode(v);
        let active_key = scoped_key(&v.tenant_id, v.id.as_bytes());
        let req_key =
            (!v.request_id.is_empty()).then(|| scoped_key(&v.tenant_id, v.request_id.as_bytes()));
        (&i.verifications, &i.active, &i.request_ids)
            .transaction(|(vt, at, rt)| {
                if let Some(k) = &req_key {
                    if let Some(existing) = rt.get(k)? {
                        let id = Uuid::from_slice(&existing).map_err(|e| {
                            ConflictableTransactionError::Abort(StoreError::Decode(e.to_string()))
                        })?;
                        return Ok(Inserted::Existing(id));
                    }
                    rt.insert(k.as_slice(), v.id.as_bytes().as_slice())?;
                }
                vt.insert(v.id.as_bytes().as_slice(), record.as_slice())?;
                if !v.is_final() {
                    at.insert(active_key.as_slice(), &[] as &[u8])?;
                }
                Ok(Inserted::New)
            })
            .map_err(tx_err)
    }

    /// Stores a changed verification and keeps the active index in step.
    pub fn put_verification(&self, v: &Verification) -> Result<(), StoreError> {
        let i = &self.inner;
        let record = encode(v);
        let active_key = scoped_key(&v.tenant_id, v.id.as_bytes());
        let is_final = v.is_final();
        (&i.verifications, &i.active)
            .transaction(|(vt, at)| {
                vt.insert(v.id.as_bytes().as_slice(), record.as_slice())?;
                if is_final {
                    at.remove(active_key.as_slice())?;
                } else {
                    at.insert(active_key.as_slice(), &[] as &[u8])?;
                }
                Ok(())
            })
            .map_err(tx_err)
    }

    pub fn get_verification(&self, id: Uuid) -> Result<Option<Verification>, StoreError> {
        self.inner
            .verifications
            .get(id.as_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Ids of the verifications that are not final: of one tenant, or of all.
    pub fn active_ids(&self, tenant: Option<&str>) -> Result<Vec<Uuid>, StoreError> {
        let iter = match tenant {
            Some(t) => self.inner.active.scan_prefix(scoped_key(t, &[])),
            None => self.inner.active.iter(),
        };
        let mut ids = Vec::new();
        for item in iter {
            let (k, _) = item?;
            let raw = k.get(k.len().saturating_sub(16)..).unwrap_or_default();
            ids.push(Uuid::from_slice(raw).map_err(|e| StoreError::Decode(e.to_string()))?);
        }
        Ok(ids)
    }

    pub fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.inner.tenants.insert(t.id.as_bytes(), encode(t))?;
        Ok(())
    }

    /// Inserts a tenant unless one with that id exists; returns whether it did.
    pub fn create_tenant(&self, t: &Tenant) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .tenants
            .compare_and_swap(t.id.as_bytes(), None as Option<&[u8]>, Some(encode(t)))?
            .is_ok())
    }

    pub fn get_tenant(&self, id: &str) -> Result<Option<Tenant>, StoreError> {
        self.inner
            .tenants
            .get(id.as_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }

    pub fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.inner.tenants.iter().map(|r| decode(&r?.1)).collect()
    }

    pub fn put_api_key(&self, key_sha256: &[u8], rec: &ApiKeyRecord) -> Result<(), StoreError> {
        self.inner.api_keys.insert(key_sha256, encode(rec))?;
        Ok(())
    }

    pub fn get_api_key(&self, key_sha256: &[u8]) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.inner
            .api_keys
            .get(key_sha256)?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Every stored API key with the SHA-256 it is stored under.
    pub fn api_keys(&self) -> Result<Vec<(Vec<u8>, ApiKeyRecord)>, StoreError> {
        self.inner
            .api_keys
            .iter()
            .map(|r| {
                let (k, v) = r?;
                Ok((k.to_vec(), decode(&v)?))
            })
            .collect()
    }

    pub fn remove_api_key(&self, key_sha256: &[u8]) -> Result<(), StoreError> {
        self.inner.api_keys.remove(key_sha256)?;
        Ok(())
    }

    pub fn admin_token_hash(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .inner
            .meta
            .get("admin_token_sha256")?
            .map(|v| v.to_vec()))
    }

    pub fn set_admin_token_hash(&self, hash: &[u8]) -> Result<(), StoreError> {
        self.inner.meta.insert("admin_token_sha256", hash)?;
        Ok(())
    }
}

fn flusher(db: sled::Db, rx: std_mpsc::Receiver<FlushWaiter>) {
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

impl Store {
    /// The verification a tenant's request id created, if any.
    pub fn find_request(&self, tenant: &str, request_id: &str) -> Result<Option<Uuid>, StoreError> {
        self.inner
            .request_ids
            .get(scoped_key(tenant, request_id.as_bytes()))?
            .map(|b| Uuid::from_slice(&b).map_err(|e| StoreError::Decode(e.to_string())))
            .transpose()
    }
}
