//! Tenants, API keys and the admin token: creation, authentication and the
//! first-start bootstrap. The store is the truth; this keeps an in-memory copy of
//! the (small) tables so that authenticating a call costs a hash and a map lookup.
//!
//! Several nodes: a change made here is in this node's copy at once; other nodes
//! reload their copy when the store's directory version moves, which they learn from
//! a notice or, at the latest, from polling it every refresh interval. So a revoked
//! key is refused everywhere within that interval.
//!
//! Keys and tokens are random 256-bit values, so a single SHA-256 is a sound way to
//! store them (a slow hash guards low-entropy passwords, which these are not).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::tenant::{DEFAULT_TENANT, Tenant, TenantSettings, validate_tenant_id};
use crate::domain::validate::ValidationError;
use crate::domain::verification::Millis;
use crate::domain::webhook::Endpoint;
use crate::store::{ApiKeyRecord, DirectorySnapshot, KeyScope, SharedStore, StoreError};

/// A secret string whose `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("tenant {0} already exists")]
    TenantExists(String),
    #[error("tenant {0} not found")]
    TenantNotFound(String),
    #[error("API key {0} not found")]
    KeyNotFound(String),
}

/// What a first start created, to show once on the terminal.
pub struct Bootstrap {
    pub tenant_id: String,
    pub api_key: Option<Secret>,
    pub admin_token: Option<Secret>,
}

fn sha256(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Directory {
    store: SharedStore,
    /// This node, named as the origin of the changes it makes.
    node: String,
    // std RwLock: held for a map lookup or a swap only, never across an await.
    state: Arc<RwLock<Cached>>,
    /// Serialises this node's directory writes with reloads, so that a reload that
    /// read the store before a local write cannot put the copy back behind it.
    writing: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Cached {
    tenants: HashMap<String, Arc<Tenant>>,
    /// Webhook endpoints, by tenant.
    endpoints: HashMap<String, Vec<Arc<Endpoint>>>,
    keys: HashMap<[u8; 32], ApiKeyRecord>,
    admin: Option<[u8; 32]>,
    version: u64,
}

impl Cached {
    fn from_snapshot(s: DirectorySnapshot) -> Self {
        Self {
            tenants: s
                .tenants
                .into_iter()
                .map(|t| (t.id.clone(), Arc::new(t)))
                .collect(),
            keys: s.api_keys.into_iter().collect(),
            endpoints: s.endpoints.into_iter().fold(HashMap::new(), |mut m, e| {
                m.entry(e.tenant_id.clone())
                    .or_insert_with(Vec::new)
                    .push(Arc::new(e));
                m
            }),
            admin: s.admin_token_sha256,
            version: s.version,
        }
    }
}

impl Directory {
    /// Loads every tenant and key, and on an empty store creates the `default`
    /// tenant with an API key and the admin token. Given values win over random
    /// ones; a given admin token replaces the stored one, and a given API key is
    /// added to `default` if it is not there yet (so restarts with the same flags work).
    /// Of several nodes starting at once on an empty store, one creates `default`.
    pub async fn open(
        store: SharedStore,
        node: &str,
        admin_token: Option<&Secret>,
        bootstrap_api_key: Option<&Secret>,
        now: Millis,
    ) -> Result<(Self, Option<Bootstrap>), DirectoryError> {
        let snapshot = store.load_directory().await?;
        let dir = Self {
            store,
            node: node.to_owned(),
            state: Arc::new(RwLock::new(Cached::from_snapshot(snapshot))),
            writing: Arc::default(),
        };
        let mut shown = None;
        let empty = dir.read().tenants.is_empty();
        let first_start = empty
            && match dir
                .create_tenant(DEFAULT_TENANT, TenantSettings::default(), now)
                .await
            {
                Ok(_) => true,
                // Another node of the cluster was first.
                Err(DirectoryError::TenantExists(_)) => {
                    dir.reload().await?;
                    false
                }
                Err(e) => return Err(e),
            };
        if first_start {
            let (api_key, generated_key) = match bootstrap_api_key {
                Some(k) => (k.clone(), false),
                None => (Secret(format!("vfd_{}", random_hex(32))), true),
            };
            dir.add_key(DEFAULT_TENANT, &api_key, "bootstrap key", now)
                .await?;
            let (token, generated_token) = match admin_token {
                Some(t) => (t.clone(), false),
                None => (Secret(format!("vfa_{}", random_hex(32))), true),
            };
            dir.set_admin_token(&token).await?;
            shown = Some(Bootstrap {
                tenant_id: DEFAULT_TENANT.into(),
                api_key: generated_key.then_some(api_key),
                admin_token: generated_token.then_some(token),
            });
        } else {
            if let Some(t) = admin_token
                && !dir.is_admin(t.expose())
            {
                dir.set_admin_token(t).await?;
            }
            if let Some(k) = bootstrap_api_key {
                let known = dir.read().keys.contains_key(&sha256(k.expose()));
                if !known && dir.tenant(DEFAULT_TENANT).is_some() {
                    dir.add_key(DEFAULT_TENANT, k, "bootstrap key", now).await?;
                }
            }
        }
        Ok((dir, shown))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Cached> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Cached> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Reloads the copy from the store if the store's directory version moved.
    /// Returns whether it reloaded.
    pub async fn refresh(&self) -> Result<bool, DirectoryError> {
        let version = self.store.directory_version().await?;
        if version == self.read().version {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    async fn reload(&self) -> Result<(), DirectoryError> {
        let _writing = self.writing.lock().await;
        let snapshot = self.store.load_directory().await?;
        *self.write() = Cached::from_snapshot(snapshot);
        Ok(())
    }

    async fn set_admin_token(&self, token: &Secret) -> Result<(), DirectoryError> {
        let h = sha256(token.expose());
        let _writing = self.writing.lock().await;
        self.store.set_admin_token_hash(&h, &self.node).await?;
        self.write().admin = Some(h);
        Ok(())
    }

    async fn add_key(
        &self,
        tenant_id: &str,
        key: &Secret,
        description: &str,
        now: Millis,
    ) -> Result<String, DirectoryError> {
        self.add_key_scoped(tenant_id, key, description, KeyScope::Verify, now)
            .await
    }

    async fn add_key_scoped(
        &self,
        tenant_id: &str,
        key: &Secret,
        description: &str,
        scope: KeyScope,
        now: Millis,
    ) -> Result<String, DirectoryError> {
        let rec = ApiKeyRecord {
            key_id: format!("key_{}", random_hex(8)),
            tenant_id: tenant_id.into(),
            description: description.into(),
            created_at: now,
            scope,
            expires_at: None,
        };
        let h = sha256(key.expose());
        let _writing = self.writing.lock().await;
        self.store.put_api_key(&h, &rec, &self.node).await?;
        self.write().keys.insert(h, rec.clone());
        Ok(rec.key_id)
    }

    /// The key's id and scope, if `api_key` is a live key of `tenant_id` at `now`.
    pub fn authenticate(
        &self,
        api_key: &str,
        tenant_id: &str,
        now: Millis,
    ) -> Option<(String, KeyScope)> {
        self.read()
            .keys
            .get(&sha256(api_key))
            .filter(|rec| rec.tenant_id == tenant_id && rec.expires_at.is_none_or(|t| t > now))
            .map(|rec| (rec.key_id.clone(), rec.scope))
    }

    /// The id of the tenant's key `api_key` if it exists but no longer works: rotated
    /// out after its grace period (a revoked key is deleted).
    pub fn ended_key(&self, api_key: &str, tenant_id: &str, now: Millis) -> Option<String> {
        self.read()
            .keys
            .get(&sha256(api_key))
            .filter(|rec| rec.tenant_id == tenant_id && rec.expires_at.is_some_and(|t| t <= now))
            .map(|rec| rec.key_id.clone())
    }

    pub fn is_admin(&self, token: &str) -> bool {
        self.read().admin.is_some_and(|h| h == sha256(token))
    }

    pub fn tenant(&self, id: &str) -> Option<Arc<Tenant>> {
        self.read().tenants.get(id).cloned()
    }

    /// Whether the tenant has any webhook endpoint, disabled ones included (a
    /// disabled endpoint may be enabled again, and its deliveries then go on).
    pub fn has_endpoints(&self, tenant: &str) -> bool {
        self.read()
            .endpoints
            .get(tenant)
            .is_some_and(|e| !e.is_empty())
    }

    /// A tenant's webhook endpoints, oldest first.
    pub fn endpoints(&self, tenant: &str) -> Vec<Arc<Endpoint>> {
        let mut all = self
            .read()
            .endpoints
            .get(tenant)
            .cloned()
            .unwrap_or_default();
        all.sort_by_key(|e| (e.created_at, e.id.clone()));
        all
    }

    pub fn endpoint(&self, tenant: &str, id: &str) -> Option<Arc<Endpoint>> {
        self.read()
            .endpoints
            .get(tenant)?
            .iter()
            .find(|e| e.id == id)
            .cloned()
    }

    /// Stores an endpoint (new or changed) and keeps it in this node's copy.
    pub async fn put_endpoint(&self, e: Endpoint) -> Result<Arc<Endpoint>, DirectoryError> {
        if self.tenant(&e.tenant_id).is_none() {
            return Err(DirectoryError::TenantNotFound(e.tenant_id));
        }
        let _writing = self.writing.lock().await;
        self.store.put_endpoint(&e, &self.node).await?;
        let e = Arc::new(e);
        let mut state = self.write();
        let list = state.endpoints.entry(e.tenant_id.clone()).or_default();
        list.retain(|x| x.id != e.id);
        list.push(e.clone());
        Ok(e)
    }

    /// Deletes an endpoint; whether it existed.
    pub async fn delete_endpoint(&self, tenant: &str, id: &str) -> Result<bool, DirectoryError> {
        let _writing = self.writing.lock().await;
        let existed = self.store.delete_endpoint(tenant, id, &self.node).await?;
        if let Some(list) = self.write().endpoints.get_mut(tenant) {
            list.retain(|x| x.id != id);
        }
        Ok(existed)
    }

    pub fn list_tenants(&self) -> Vec<Arc<Tenant>> {
        let mut all: Vec<_> = self.read().tenants.values().cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    pub async fn create_tenant(
        &self,
        id: &str,
        settings: TenantSettings,
        now: Millis,
    ) -> Result<Arc<Tenant>, DirectoryError> {
        validate_tenant_id(id)?;
        settings.validate()?;
        let t = Tenant {
            id: id.into(),
            settings,
            created_at: now,
        };
        let _writing = self.writing.lock().await;
        if !self.store.create_tenant(&t, &self.node).await? {
            return Err(DirectoryError::TenantExists(id.into()));
        }
        Ok(self.cache(t))
    }

    pub async fn update_settings(
        &self,
        id: &str,
        settings: TenantSettings,
    ) -> Result<Arc<Tenant>, DirectoryError> {
        settings.validate()?;
        let _writing = self.writing.lock().await;
        let old = self
            .tenant(id)
            .ok_or_else(|| DirectoryError::TenantNotFound(id.into()))?;
        let t = Tenant {
            settings,
            ..(*old).clone()
        };
        self.store.put_tenant(&t, &self.node).await?;
        Ok(self.cache(t))
    }

    fn cache(&self, t: Tenant) -> Arc<Tenant> {
        let t = Arc::new(t);
        self.write().tenants.insert(t.id.clone(), t.clone());
        t
    }

    /// Issues a new key; returns its id and the key, which is not kept. Keys are
    /// `vfd_` and 256 random bits in hex, stored as their SHA-256.
    pub async fn create_api_key(
        &self,
        tenant_id: &str,
        description: &str,
        scope: KeyScope,
        now: Millis,
    ) -> Result<(String, Secret), DirectoryError> {
        if self.tenant(tenant_id).is_none() {
            return Err(DirectoryError::TenantNotFound(tenant_id.into()));
        }
        if description.chars().count() > 128 {
            return Err(
                ValidationError::single("description", "must be at most 128 characters").into(),
            );
        }
        let key = Secret(format!("vfd_{}", random_hex(32)));
        let id = self
            .add_key_scoped(tenant_id, &key, description, scope, now)
            .await?;
        Ok((id, key))
    }

    /// Replaces a key with a new one of the same scope and description; the old one
    /// works until `now + grace_ms`. Returns the new id, the new key and that time.
    pub async fn rotate_api_key(
        &self,
        tenant_id: &str,
        key_id: &str,
        grace_ms: i64,
        now: Millis,
    ) -> Result<(String, Secret, Millis), DirectoryError> {
        let (hash, old) = self
            .read()
            .keys
            .iter()
            .find(|(_, r)| r.tenant_id == tenant_id && r.key_id == key_id)
            .map(|(h, r)| (*h, r.clone()))
            .ok_or_else(|| DirectoryError::KeyNotFound(key_id.into()))?;
        let key = Secret(format!("vfd_{}", random_hex(32)));
        let new_id = self
            .add_key_scoped(tenant_id, &key, &old.description, old.scope, now)
            .await?;
        let until = now.saturating_add(grace_ms);
        let retiring = ApiKeyRecord {
            expires_at: Some(old.expires_at.map_or(until, |t| t.min(until))),
            ..old
        };
        let _writing = self.writing.lock().await;
        self.store.put_api_key(&hash, &retiring, &self.node).await?;
        let expires = retiring.expires_at.unwrap_or(until);
        self.write().keys.insert(hash, retiring);
        Ok((new_id, key, expires))
    }

    pub fn list_api_keys(&self, tenant_id: &str) -> Result<Vec<ApiKeyRecord>, DirectoryError> {
        if self.tenant(tenant_id).is_none() {
            return Err(DirectoryError::TenantNotFound(tenant_id.into()));
        }
        let mut out: Vec<_> = self
            .read()
            .keys
            .values()
            .filter(|r| r.tenant_id == tenant_id)
            .cloned()
            .collect();
        out.sort_by_key(|r| r.created_at);
        Ok(out)
    }

    pub async fn revoke_api_key(
        &self,
        tenant_id: &str,
        key_id: &str,
    ) -> Result<(), DirectoryError> {
        let _writing = self.writing.lock().await;
        let hash = self
            .read()
            .keys
            .iter()
            .find(|(_, r)| r.tenant_id == tenant_id && r.key_id == key_id)
            .map(|(h, _)| *h)
            .ok_or_else(|| DirectoryError::KeyNotFound(key_id.into()))?;
        self.store.remove_api_key(&hash, &self.node).await?;
        self.write().keys.remove(&hash);
        Ok(())
    }
}
