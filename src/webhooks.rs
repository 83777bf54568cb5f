//! Webhooks: signed, durable, retried delivery of each tenant's events to its
//! endpoints (Standard Webhooks v1), and the endpoints' management.
//!
//! - **Durable.** Every event enters the store's outbox in the same atomic write as
//!   the transition that caused it. A dispatcher on each node fans outbox events out
//!   into deliveries (one per endpoint that wants the event, plus the verification's
//!   own callback URL), taking each event out of the outbox in the same write, and
//!   attempts due deliveries under a lease. A node that dies mid-attempt loses its
//!   leases, and another node (or the restarted one) attempts again: delivery is at
//!   least once, and `webhook-id` lets receivers drop a repeat.
//! - **Retries**: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h
//!   (with jitter). 2xx is success; 410 disables the endpoint; 429 and 503 honour
//!   `Retry-After`; redirects are not followed; each attempt times out after 15 s.
//!   The schedule runs on the engine's clock, so tests move it without waiting.
//! - **Order and isolation.** One verification's events reach an endpoint in order
//!   (the store leases only the first pending one of each pair). Attempts are bounded
//!   in all and per endpoint, so a slow or dead endpoint holds only its own share.
//! - **SSRF guard.** Unless `--allow-private-webhooks`, a URL must not lead to a
//!   loopback, private, link-local, shared, multicast or metadata address: checked
//!   when an endpoint is saved, and again by the resolver of every attempt, which
//!   connects only to the addresses it checked (so a DNS rebinding finds nothing).
//! - **Bodies**: `{"type", "id", "created_at", "data", "payload"}`, where `data` is the
//!   verification as the API shows it in the proto3 JSON mapping (as grpcurl prints
//!   it), never with its code, and `payload` the verification's own payload.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use uuid::Uuid;

use crate::crypto::Crypto;
use crate::directory::{Directory, DirectoryError};
use crate::domain::validate::{FieldViolation, ValidationError, check_url};
use crate::domain::verification::Millis;
use crate::domain::webhook::{
    self, Delivery, DeliveryStatus, Endpoint, EndpointSecret, next_attempt,
};
use crate::engine::{Clock, Engine, View};
use crate::store::{DeliveryQuery, FanOut, OutboxEvent, OutboxItem, SharedStore, StoreError};

/// Each attempt's whole timeout.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a node holds a delivery it is attempting.
const LEASE: Duration = Duration::from_secs(60);
/// How often a node looks for work other nodes made (and for leases that ran out).
const POLL: Duration = Duration::from_secs(1);
/// The longest `Retry-After` honoured.
const RETRY_AFTER_MAX_MS: i64 = 24 * 3600 * 1000;
/// The event types, in the order of the catalogue.
pub const EVENT_TYPES: [&str; 11] = [
    "verify_code.success",
    "verify_code.failed",
    "verify_code.channel.sent",
    "verify_code.channel.success",
    "verify_code.channel.failed",
    "verify_code.channel.updated",
    "verify_code.verified",
    "verify_code.expired",
    "verify_code.max_attempts_reached",
    "verify_code.canceled",
    "verification.blocked",
];

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("webhook endpoint {0} not found")]
    EndpointNotFound(String),
    #[error("webhook delivery {0} not found")]
    DeliveryNotFound(String),
    /// A per-request callback URL without a request-URL endpoint.
    #[error(
        "this tenant takes no per-request callback URLs: create a request-URL webhook endpoint first"
    )]
    CallbackUrlNotAllowed,
}

/// How webhooks are sent.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    pub allow_private: bool,
    /// Attempts at once, in all.
    pub concurrency: usize,
    /// Attempts at once, per endpoint.
    pub per_endpoint: usize,
}

/// The webhooks of a node. Cheap to clone.
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    store: SharedStore,
    directory: Directory,
    crypto: Crypto,
    clock: Clock,
    http: reqwest::Client,
    cfg: WebhookConfig,
    all: Arc<Semaphore>,
    // std Mutex: held to find or make an endpoint's semaphore, never across an await.
    per_endpoint: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Woken when an attempt ends (a slot is free, or an order may move on).
    done: Notify,
}

/// Whether an address may receive webhooks when private ones are not allowed.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared (CGNAT)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF assignments
                || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local (fd00:ec2::254 is there)
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8)) // documentation
        }
    }
}

/// A resolver that hands reqwest only addresses that may receive webhooks.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allow || is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                let e: Box<dyn std::error::Error + Send + Sync> = format!(
                    "{} resolves to no address that may receive webhooks (private, loopback or link-local)",
                    name.as_str()
                )
                .into();
                return Err(e);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Why a URL may not receive webhooks, if it may not.
async fn url_refusal(url: &str, allow_private: bool) -> Option<String> {
    if let Err(why) = check_url(url) {
        return Some(why);
    }
    if allow_private {
        return None;
    }
    let u = reqwest::Url::parse(url).ok()?;
    let host = u.host_str()?.trim_start_matches('[').trim_end_matches(']');
    let port = u.port_or_known_default().unwrap_or(443);
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        // A name that does not resolve now may later (DNS set up after the endpoint):
        // the resolver of every attempt checks it again, so let it through here.
        Err(_) => match tokio::net::lookup_host((host, port)).await {
            Ok(a) => a.map(|a| a.ip()).collect(),
            Err(_) => return None,
        },
    };
    if addrs.iter().any(|ip| !is_public(*ip)) {
        return Some(
            "leads to a loopback, private, link-local or metadata address (start the server with --allow-private-webhooks to allow it)"
                .into(),
        );
    }
    None
}

fn ms_to_ts_json(ms: Millis) -> serde_json::Value {
    serde_json::to_value(crate::api::convert::ts(ms)).unwrap_or(serde_json::Value::Null)
}

/// The JSON body of an outbox event, and its type and id.
fn body_of(item: &OutboxItem) -> (String, Uuid, String, Option<Uuid>, Option<String>) {
    match &item.event {
        OutboxEvent::Verification(e) => {
            let view = View {
                verification: e.record.clone(),
                code: None,
            };
            let data = serde_json::to_value(crate::api::convert::verification(&view))
                .unwrap_or(serde_json::Value::Null);
            let id = webhook::event_id(e.record.id, e.revision);
            let body = serde_json::json!({
                "type": e.kind.name(),
                "id": webhook::msg_id(&id),
                "created_at": ms_to_ts_json(e.at),
                "data": data,
                "payload": e.record.payload,
            });
            (
                body.to_string(),
                id,
                e.kind.name().to_owned(),
                Some(e.record.id),
                e.record.callback_url.clone(),
            )
        }
        OutboxEvent::Block(b) => {
            let mut name = b"block".to_vec();
            name.extend_from_slice(
                format!("{}/{}/{}/{}", b.tenant_id, b.country_iso, b.prefix, b.since).as_bytes(),
            );
            let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, &name);
            let data = serde_json::to_value(crate::api::convert::block_to_pb(b))
                .unwrap_or(serde_json::Value::Null);
            let body = serde_json::json!({
                "type": "verification.blocked",
                "id": webhook::msg_id(&id),
                "created_at": ms_to_ts_json(b.since),
                "data": data,
                "payload": "",
            });
            (
                body.to_string(),
                id,
                "verification.blocked".into(),
                None,
                None,
            )
        }
    }
}

/// What an attempt came to.
enum Outcome {
    Delivered(u16),
    /// Retry per the schedule, or at this time.
    Retry {
        code: Option<u16>,
        error: String,
        at: Option<Millis>,
    },
    /// 410 Gone: the receiver wants no more.
    Gone,
}

impl Webhooks {
    pub fn new(engine: &Engine, cfg: WebhookConfig) -> Self {
        crate::channels::http::install_crypto();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("verifyd-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: cfg.allow_private,
            }))
            .build()
            .expect("a client with rustls and fixed options builds");
        Self {
            inner: Arc::new(Inner {
                store: engine.store().clone(),
                directory: engine.directory().clone(),
                crypto: engine.crypto().clone(),
                clock: engine.clock().clone(),
                engine: engine.clone(),
                http,
                all: Arc::new(Semaphore::new(cfg.concurrency.max(1))),
                per_endpoint: Mutex::default(),
                done: Notify::new(),
                cfg,
            }),
        }
    }

    /// Starts the dispatcher, tracked by the engine's tasks and stopped with them.
    pub fn start(&self) {
        let (tracker, _) = self.inner.engine.tasks();
        let this = self.clone();
        tracker.spawn(async move { this.dispatch().await });
    }

    async fn dispatch(self) {
        let inner = &self.inner;
        let (tracker, stop) = inner.engine.tasks();
        let (tracker, stop) = (tracker.clone(), stop.clone());
        let outbox = inner.engine.outbox_signal();
        loop {
            if let Err(e) = self.fan_out().await {
                tracing::warn!(error = %e, "webhook fan-out failed; trying again shortly");
            }
            let free = inner.all.available_permits();
            if free > 0 {
                let busy = self.busy_endpoints();
                match inner
                    .store
                    .claim_deliveries(
                        inner.engine.node(),
                        inner.clock.now(),
                        LEASE,
                        free,
                        inner.cfg.per_endpoint.max(1),
                        &busy,
                    )
                    .await
                {
                    Ok(due) => {
                        for d in due {
                            let slots = self.endpoint_slots(&d.endpoint_id);
                            let (Ok(all), Ok(mine)) = (
                                inner.all.clone().try_acquire_owned(),
                                slots.try_acquire_owned(),
                            ) else {
                                // No room after all: hand it back for a later round.
                                let _ = inner.store.finish_delivery(&d).await;
                                continue;
                            };
                            let this = self.clone();
                            let stop = stop.clone();
                            tracker.spawn(async move {
                                // A drain does not wait for receivers: an attempt cut
                                // short is attempted again (at least once), by this
                                // node after a restart or by another one.
                                tokio::select! {
                                    _ = this.attempt(d) => {}
                                    _ = stop.cancelled() => {}
                                }
                                drop((all, mine));
                            });
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not claim webhook deliveries"),
                }
            }
            // What is due now and was not started waits for a slot or for an earlier
            // event of its verification: an attempt ending wakes this loop. Only a
            // delivery due later is worth a timer (a due one would spin it).
            let next = inner
                .store
                .next_delivery_due(inner.clock.now())
                .await
                .ok()
                .flatten();
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = outbox.notified() => {}
                _ = inner.done.notified() => {}
                _ = inner.clock.sleep_until(next.unwrap_or(Millis::MAX)), if next.is_some() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Fans the outbox out into deliveries until it is empty.
    async fn fan_out(&self) -> Result<(), StoreError> {
        let inner = self.inner.clone();
        let f: FanOut = Arc::new(move |item: &OutboxItem| {
            let (body, event_id, event_type, verification_id, callback) = body_of(item);
            let endpoints = inner.directory.endpoints(&item.tenant_id);
            let now = inner.clock.now();
            let delivery = |endpoint_id: &str, url: &str| Delivery {
                id: Uuid::new_v4(),
                seq: item.seq,
                tenant_id: item.tenant_id.clone(),
                endpoint_id: endpoint_id.to_owned(),
                url: url.to_owned(),
                verification_id,
                event_id,
                event_type: event_type.clone(),
                body: body.clone(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_attempt_at: None,
                last_status_code: None,
                last_error: None,
                created_at: now,
            };
            let mut out: Vec<Delivery> = endpoints
                .iter()
                .filter(|e| !e.for_request_urls && e.wants(&event_type))
                .map(|e| delivery(&e.id, &e.url))
                .collect();
            if let Some(url) = callback
                && let Some(e) = endpoints
                    .iter()
                    .find(|e| e.for_request_urls && e.wants(&event_type))
            {
                out.push(delivery(&e.id, &url));
            }
            out
        });
        while self.inner.store.fan_out(256, f.clone()).await? == 256 {}
        Ok(())
    }

    fn endpoint_slots(&self, endpoint: &str) -> Arc<Semaphore> {
        let mut m = self
            .inner
            .per_endpoint
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        m.entry(endpoint.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.inner.cfg.per_endpoint.max(1))))
            .clone()
    }

    /// The endpoints with no free attempt slot.
    fn busy_endpoints(&self) -> Vec<String> {
        self.inner
            .per_endpoint
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, s)| s.available_permits() == 0)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// One attempt of one delivery (its slots taken), and its outcome stored.
    async fn attempt(&self, mut d: Delivery) {
        let inner = &self.inner;
        let endpoint = inner.directory.endpoint(&d.tenant_id, &d.endpoint_id);
        let outcome = match &endpoint {
            Some(e) if e.disabled.is_none() => self.post(&d, e).await,
            _ => {
                d.status = DeliveryStatus::Canceled;
                d.last_error = Some("the endpoint was disabled or deleted".into());
                self.finish(&d).await;
                return;
            }
        };
        let now = inner.clock.now();
        d.attempts += 1;
        d.last_attempt_at = Some(now);
        match outcome {
            Outcome::Delivered(code) => {
                d.status = DeliveryStatus::Succeeded;
                d.last_status_code = Some(code);
                d.last_error = None;
            }
            Outcome::Gone => {
                d.status = DeliveryStatus::Failed;
                d.last_status_code = Some(410);
                d.last_error = Some("410 Gone: the endpoint is disabled".into());
                if let Some(e) = endpoint {
                    self.disable(&e, "the receiver answered 410 Gone").await;
                }
            }
            Outcome::Retry { code, error, at } => {
                d.last_status_code = code;
                d.last_error = Some(error);
                match at.or_else(|| next_attempt(d.attempts, now)) {
                    Some(t) if (d.attempts as usize) < webhook::SCHEDULE_SEC.len() => {
                        d.next_attempt_at = t;
                    }
                    _ => d.status = DeliveryStatus::Failed,
                }
            }
        }
        tracing::info!(
            tenant_id = %d.tenant_id,
            endpoint = %d.endpoint_id,
            event = %d.event_type,
            attempts = d.attempts,
            status = ?d.status,
            code = ?d.last_status_code,
            "webhook attempt"
        );
        self.finish(&d).await;
    }

    async fn finish(&self, d: &Delivery) {
        if let Err(e) = self.inner.store.finish_delivery(d).await {
            tracing::warn!(error = %e, "could not store a webhook attempt; its lease will run out and it is tried again");
        }
        self.inner.done.notify_one();
    }

    /// The POST itself: signed by every live secret of the endpoint.
    async fn post(&self, d: &Delivery, e: &Endpoint) -> Outcome {
        let inner = &self.inner;
        if !inner.cfg.allow_private
            && let Some(why) = url_refusal(&d.url, false).await
        {
            return Outcome::Retry {
                code: None,
                error: format!("refused: the URL {why}"),
                at: None,
            };
        }
        let now = inner.clock.now();
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.as_secs() as i64);
        let msg_id = webhook::msg_id(&d.event_id);
        let signatures: Vec<String> = e
            .secrets
            .iter()
            .filter(|s| s.expires_at.is_none_or(|t| t > now))
            .filter_map(|s| inner.crypto.open_bytes(e.id.as_bytes(), &s.sealed).ok())
            .filter_map(|raw| webhook::secret_key(std::str::from_utf8(&raw).ok()?))
            .map(|key| webhook::sign(&key, &msg_id, timestamp, &d.body))
            .collect();
        let sent = inner
            .http
            .post(&d.url)
            .header("content-type", "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(d.body.clone())
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(err) => {
                let what = if err.is_timeout() {
                    "timed out after 15 s".to_owned()
                } else {
                    format!("could not be sent: {err}")
                };
                return Outcome::Retry {
                    code: None,
                    error: what,
                    at: None,
                };
            }
        };
        let code = resp.status().as_u16();
        match code {
            200..=299 => Outcome::Delivered(code),
            410 => Outcome::Gone,
            429 | 503 => {
                let at = crate::channels::http::retry_after(resp.headers()).map(|w| {
                    now + i64::try_from(w.as_millis())
                        .unwrap_or(RETRY_AFTER_MAX_MS)
                        .min(RETRY_AFTER_MAX_MS)
                });
                Outcome::Retry {
                    code: Some(code),
                    error: format!("the receiver answered {code}"),
                    at,
                }
            }
            300..=399 => Outcome::Retry {
                code: Some(code),
                error: format!("the receiver answered {code}; redirects are not followed"),
                at: None,
            },
            _ => Outcome::Retry {
                code: Some(code),
                error: format!("the receiver answered {code}"),
                at: None,
            },
        }
    }

    async fn disable(&self, e: &Endpoint, why: &str) {
        let mut changed = e.clone();
        changed.disabled = Some(why.to_owned());
        changed.updated_at = self.inner.clock.now();
        match self.inner.directory.put_endpoint(changed).await {
            Ok(_) => {
                tracing::warn!(tenant_id = %e.tenant_id, endpoint = %e.id, why, "webhook endpoint disabled");
                let _ = self
                    .inner
                    .store
                    .cancel_deliveries(&e.tenant_id, &e.id)
                    .await;
            }
            Err(err) => tracing::warn!(error = %err, "could not disable a webhook endpoint"),
        }
    }

    // ---- Management, for AdminService.

    fn seal(&self, endpoint_id: &str, secret: &str, now: Millis) -> EndpointSecret {
        EndpointSecret {
            sealed: self
                .inner
                .crypto
                .seal_bytes(endpoint_id.as_bytes(), secret.as_bytes()),
            created_at: now,
            expires_at: None,
        }
    }

    async fn check_endpoint_fields(
        &self,
        url: &str,
        for_request_urls: bool,
        events: &[String],
        description: &str,
    ) -> Result<(), WebhookError> {
        let mut v = Vec::new();
        if for_request_urls {
            if !url.is_empty() {
                v.push(("url", "must be empty for a request-URL endpoint".to_owned()));
            }
        } else if url.is_empty() {
            v.push(("url", "is required".to_owned()));
        } else if let Some(why) = url_refusal(url, self.inner.cfg.allow_private).await {
            v.push(("url", why));
        }
        for e in events {
            if !EVENT_TYPES.contains(&e.as_str()) {
                v.push((
                    "events",
                    format!("{e} is not an event type (see the README's \"Webhooks\")"),
                ));
            }
        }
        if description.chars().count() > 256 {
            v.push(("description", "must be at most 256 characters".to_owned()));
        }
        if v.is_empty() {
            return Ok(());
        }
        Err(ValidationError {
            invalid_channel: false,
            violations: v
                .into_iter()
                .map(|(field, description)| FieldViolation {
                    field: field.into(),
                    description,
                })
                .collect(),
        }
        .into())
    }

    /// Adds an endpoint; returns it and its secret, which is not kept in the clear.
    pub async fn create_endpoint(
        &self,
        tenant: &str,
        url: &str,
        events: Vec<String>,
        description: &str,
        for_request_urls: bool,
    ) -> Result<(Arc<Endpoint>, String), WebhookError> {
        self.check_endpoint_fields(url, for_request_urls, &events, description)
            .await?;
        let now = self.inner.clock.now();
        let id = format!("we_{}", &Uuid::new_v4().simple().to_string()[..16]);
        let secret = webhook::new_secret();
        let e = Endpoint {
            secrets: vec![self.seal(&id, &secret, now)],
            id,
            tenant_id: tenant.to_owned(),
            url: url.to_owned(),
            for_request_urls,
            events,
            description: description.to_owned(),
            disabled: None,
            created_at: now,
            updated_at: now,
        };
        Ok((self.inner.directory.put_endpoint(e).await?, secret))
    }

    pub fn endpoints(&self, tenant: &str) -> Result<Vec<Arc<Endpoint>>, WebhookError> {
        if self.inner.directory.tenant(tenant).is_none() {
            return Err(DirectoryError::TenantNotFound(tenant.into()).into());
        }
        Ok(self.inner.directory.endpoints(tenant))
    }

    fn endpoint(&self, tenant: &str, id: &str) -> Result<Arc<Endpoint>, WebhookError> {
        self.inner
            .directory
            .endpoint(tenant, id)
            .ok_or_else(|| WebhookError::EndpointNotFound(id.into()))
    }

    /// Changes an endpoint; unset fields keep their value.
    pub async fn update_endpoint(
        &self,
        tenant: &str,
        id: &str,
        url: Option<String>,
        events: Option<Vec<String>>,
        description: Option<String>,
        disabled: Option<bool>,
    ) -> Result<Arc<Endpoint>, WebhookError> {
        let old = self.endpoint(tenant, id)?;
        let mut e = (*old).clone();
        if let Some(u) = url {
            e.url = u;
        }
        if let Some(ev) = events {
            e.events = ev;
        }
        if let Some(d) = description {
            e.description = d;
        }
        self.check_endpoint_fields(&e.url, e.for_request_urls, &e.events, &e.description)
            .await?;
        let disabling = disabled == Some(true) && e.disabled.is_none();
        match disabled {
            Some(true) if e.disabled.is_none() => e.disabled = Some("disabled by an admin".into()),
            Some(false) => e.disabled = None,
            _ => {}
        }
        e.updated_at = self.inner.clock.now();
        let e = self.inner.directory.put_endpoint(e).await?;
        if disabling {
            self.inner.store.cancel_deliveries(tenant, id).await?;
        }
        Ok(e)
    }

    pub async fn delete_endpoint(&self, tenant: &str, id: &str) -> Result<(), WebhookError> {
        if !self.inner.directory.delete_endpoint(tenant, id).await? {
            return Err(WebhookError::EndpointNotFound(id.into()));
        }
        Ok(())
    }

    /// A new secret; the old ones sign until `grace` from now.
    pub async fn rotate_secret(
        &self,
        tenant: &str,
        id: &str,
        grace: Duration,
    ) -> Result<(Arc<Endpoint>, String), WebhookError> {
        let now = self.inner.clock.now();
        let until = now + i64::try_from(grace.as_millis()).unwrap_or(i64::MAX / 2);
        let mut e = (*self.endpoint(tenant, id)?).clone();
        e.secrets.retain(|s| s.expires_at.is_none_or(|t| t > now));
        for s in &mut e.secrets {
            s.expires_at = Some(s.expires_at.map_or(until, |t| t.min(until)));
        }
        let secret = webhook::new_secret();
        e.secrets.push(self.seal(&e.id, &secret, now));
        e.updated_at = now;
        Ok((self.inner.directory.put_endpoint(e).await?, secret))
    }

    pub async fn deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, WebhookError> {
        Ok(self.inner.store.list_deliveries(q).await?)
    }

    /// Makes a delivery pending again, from the start of the schedule.
    pub async fn redeliver(&self, tenant: &str, id: Uuid) -> Result<Delivery, WebhookError> {
        let mut d = match self.inner.store.get_delivery(id).await? {
            Some(d) if d.tenant_id == tenant => d,
            _ => return Err(WebhookError::DeliveryNotFound(id.to_string())),
        };
        d.status = DeliveryStatus::Pending;
        d.attempts = 0;
        d.next_attempt_at = self.inner.clock.now();
        d.last_error = None;
        self.inner.store.finish_delivery(&d).await?;
        // Acknowledged to the caller: on disk first.
        self.inner.store.sync().await?;
        self.inner.done.notify_one();
        Ok(d)
    }

    /// Whether a verification of `tenant` may give `url` as its callback URL.
    pub async fn check_request_url(&self, tenant: &str, url: &str) -> Result<(), WebhookError> {
        let allowed = self
            .inner
            .directory
            .endpoints(tenant)
            .iter()
            .any(|e| e.for_request_urls && e.disabled.is_none());
        if !allowed {
            return Err(WebhookError::CallbackUrlNotAllowed);
        }
        if let Some(why) = url_refusal(url, self.inner.cfg.allow_private).await {
            return Err(ValidationError::single("callback_url", why).into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::dns::Resolve;

    #[test]
    fn private_and_metadata_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "151.101.1.69"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[tokio::test]
    async fn every_attempt_resolves_through_the_guard() {
        // A name that resolves to loopback at attempt time (DNS rebinding) finds no
        // address to connect to; allowed, it does.
        let name = || "localhost".parse::<reqwest::dns::Name>().unwrap();
        let guarded = GuardedResolver {
            allow_private: false,
        };
        let err = guarded.resolve(name()).await.err().expect("refused");
        assert!(err.to_string().contains("may receive webhooks"), "{err}");
        let open = GuardedResolver {
            allow_private: true,
        };
        assert!(open.resolve(name()).await.unwrap().next().is_some());
        assert!(url_refusal("http://localhost:1/x", false).await.is_some());
        assert!(url_refusal("http://localhost:1/x", true).await.is_none());
    }
}
