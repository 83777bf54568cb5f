//! Load: gRPC clients over several HTTP/2 connections, a closed loop (N workers,
//! each issuing its next call when the last one answered: the maximum rate) and an
//! open loop (calls at a fixed arrival rate, each latency measured from its planned
//! start, so a slow server cannot hide its queue: no coordinated omission).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::Rng;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status};
use verifyd::pb;
use verifyd::pb::admin_service_client::AdminServiceClient;
use verifyd::pb::verify_service_client::VerifyServiceClient;

use crate::report::histogram;
use crate::server::{ADMIN_TOKEN, API_KEY, TENANT};

/// Connections to one or more servers, used round-robin.
#[derive(Clone)]
pub struct Pool {
    channels: Arc<Vec<Channel>>,
    bearer: MetadataValue<tonic::metadata::Ascii>,
    admin: MetadataValue<tonic::metadata::Ascii>,
    tenant: MetadataValue<tonic::metadata::Ascii>,
}

impl Pool {
    /// `connections` HTTP/2 connections, spread over `urls`.
    pub async fn connect(urls: &[String], connections: usize) -> anyhow::Result<Pool> {
        Self::connect_as(urls, connections, API_KEY, TENANT, ADMIN_TOKEN).await
    }

    pub async fn connect_as(
        urls: &[String],
        connections: usize,
        api_key: &str,
        tenant: &str,
        admin_token: &str,
    ) -> anyhow::Result<Pool> {
        let mut channels = Vec::new();
        for i in 0..connections.max(urls.len()) {
            let url = &urls[i % urls.len()];
            let ch = Endpoint::from_shared(url.clone())?
                .tcp_nodelay(true)
                .connect_timeout(Duration::from_secs(5))
                .connect()
                .await?;
            channels.push(ch);
        }
        Ok(Pool {
            channels: Arc::new(channels),
            bearer: format!("Bearer {api_key}").parse()?,
            admin: format!("Bearer {admin_token}").parse()?,
            tenant: tenant.parse()?,
        })
    }

    pub fn channel(&self, i: usize) -> Channel {
        self.channels[i % self.channels.len()].clone()
    }

    pub fn verify(&self, i: usize) -> VerifyServiceClient<Channel> {
        VerifyServiceClient::new(self.channel(i)).max_decoding_message_size(64 << 20)
    }

    pub fn admin(&self, i: usize) -> AdminServiceClient<Channel> {
        AdminServiceClient::new(self.channel(i)).max_decoding_message_size(64 << 20)
    }

    pub fn health(&self, i: usize) -> tonic_health::pb::health_client::HealthClient<Channel> {
        tonic_health::pb::health_client::HealthClient::new(self.channel(i))
    }

    /// A VerifyService request with the tenant's credentials.
    pub fn req<T>(&self, m: T) -> Request<T> {
        let mut r = Request::new(m);
        r.metadata_mut()
            .insert("authorization", self.bearer.clone());
        r.metadata_mut().insert("x-tenant-id", self.tenant.clone());
        r
    }

    /// An AdminService request with the admin token.
    pub fn admin_req<T>(&self, m: T) -> Request<T> {
        let mut r = Request::new(m);
        r.metadata_mut().insert("authorization", self.admin.clone());
        r
    }

    /// Lifts the tenant's limits that would otherwise decide throughput figures:
    /// starts per destination, verifications in delivery at once and the pumping
    /// block. Everything else (the failed-check cap among it) is kept as it is.
    pub async fn lift_limits(&self, tenant: &str) -> anyhow::Result<()> {
        let mut admin = self.admin(0);
        let t = admin
            .get_tenant(self.admin_req(pb::GetTenantRequest {
                tenant_id: tenant.into(),
            }))
            .await?
            .into_inner()
            .tenant
            .ok_or_else(|| anyhow::anyhow!("GetTenant returned no tenant"))?;
        let mut settings = t.settings.unwrap_or_default();
        let mut limits = settings.limits.unwrap_or_default();
        limits.starts_per_destination_per_hour = Some(0);
        limits.concurrent_in_delivery = Some(0);
        let mut pumping = limits.pumping.unwrap_or_default();
        pumping.disabled = true;
        limits.pumping = Some(pumping);
        settings.limits = Some(limits);
        admin
            .update_tenant_settings(self.admin_req(pb::UpdateTenantSettingsRequest {
                tenant_id: tenant.into(),
                settings: Some(settings),
            }))
            .await?;
        Ok(())
    }
}

/// A phone number of the sandbox's fiction range on which every channel succeeds
/// (each of the four channel digits is 0 or 5-9).
pub fn ok_phone() -> String {
    let mut rng = rand::rng();
    let d = |rng: &mut rand::rngs::ThreadRng| [0u8, 5, 6, 7, 8, 9][rng.random_range(0..6)];
    format!(
        "+3319900{}{}{}{}",
        d(&mut rng),
        d(&mut rng),
        d(&mut rng),
        d(&mut rng)
    )
}

/// A French mobile number outside the fiction range, one of 10⁷: the sandbox
/// delivers to it, and two calls practically never share a destination.
pub fn unique_phone() -> String {
    format!("+3361{:07}", rand::rng().random_range(0..10_000_000u32))
}

pub fn random_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// One SMS step to a number where it succeeds, with a code chosen by the caller.
pub fn sms_start(code: Option<String>) -> pb::StartVerificationRequest {
    pb::StartVerificationRequest {
        phone: ok_phone(),
        routing_strategy: vec![pb::RoutingStep {
            channel: pb::Channel::Sms as i32,
            ..Default::default()
        }],
        code,
        ..Default::default()
    }
}

/// What a closed or open loop measured.
pub struct LoadResult {
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
    pub elapsed: Duration,
    /// Latency of successful operations, µs.
    pub hist: Histogram<u64>,
    /// Extra histograms an operation recorded by name (e.g. the start of a pair).
    pub parts: BTreeMap<&'static str, Histogram<u64>>,
    /// Open loop: operations not issued because too many were in flight.
    pub dropped: u64,
}

impl LoadResult {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    pub fn error_total(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn error_summary(&self) -> String {
        self.errors
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Per-operation recorder of named sub-latencies.
#[derive(Default)]
pub struct Parts(Vec<(&'static str, u64)>);

impl Parts {
    pub fn record(&mut self, name: &'static str, since: Instant) {
        self.0.push((name, since.elapsed().as_micros() as u64));
    }
}

pub fn status_name(s: &Status) -> String {
    let c = s.code();
    if c == Code::Unknown && s.message().is_empty() {
        "UNKNOWN".into()
    } else {
        format!("{c:?}")
    }
}

struct Acc {
    ok: u64,
    errors: BTreeMap<String, u64>,
    hist: Histogram<u64>,
    parts: BTreeMap<&'static str, Histogram<u64>>,
}

impl Acc {
    fn new() -> Self {
        Acc {
            ok: 0,
            errors: BTreeMap::new(),
            hist: histogram(),
            parts: BTreeMap::new(),
        }
    }

    fn record(&mut self, r: Result<Parts, String>, micros: u64) {
        match r {
            Ok(parts) => {
                self.ok += 1;
                let _ = self.hist.record(micros.max(1));
                for (name, v) in parts.0 {
                    let _ = self
                        .parts
                        .entry(name)
                        .or_insert_with(histogram)
                        .record(v.max(1));
                }
            }
            Err(e) => *self.errors.entry(e).or_default() += 1,
        }
    }

    fn merge(&mut self, o: Acc) {
        self.ok += o.ok;
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
        let _ = self.hist.add(o.hist);
        for (k, h) in o.parts {
            let _ = self.parts.entry(k).or_insert_with(histogram).add(h);
        }
    }
}

/// `workers` tasks, each running `op(worker, n)` back to back until `duration` is
/// over (or, with `max_ops`, until that many were issued in all).
pub async fn closed_loop<F, Fut>(
    workers: usize,
    duration: Duration,
    max_ops: Option<u64>,
    op: F,
) -> LoadResult
where
    F: Fn(usize, u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Parts, String>> + Send + 'static,
{
    let began = Instant::now();
    let deadline = began + duration;
    let issued = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for w in 0..workers {
        let op = op.clone();
        let issued = issued.clone();
        tasks.push(tokio::spawn(async move {
            let mut acc = Acc::new();
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let n = issued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if max_ops.is_some_and(|m| n >= m) {
                    break;
                }
                let t = Instant::now();
                let r = op(w, n).await;
                acc.record(r, t.elapsed().as_micros() as u64);
            }
            acc
        }));
    }
    let mut all = Acc::new();
    for t in tasks {
        if let Ok(acc) = t.await {
            all.merge(acc);
        }
    }
    LoadResult {
        ok: all.ok,
        errors: all.errors,
        elapsed: began.elapsed(),
        hist: all.hist,
        parts: all.parts,
        dropped: 0,
    }
}

/// Calls at `rate` per second for `duration`, each as its own task; at most
/// `max_in_flight` at once (the rest are counted as dropped). Latency runs from each
/// call's planned start.
pub async fn open_loop<F, Fut>(
    rate: f64,
    duration: Duration,
    max_in_flight: usize,
    op: F,
) -> LoadResult
where
    F: Fn(u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Parts, String>> + Send + 'static,
{
    let began = Instant::now();
    let acc = Arc::new(Mutex::new(Acc::new()));
    let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let mut dropped = 0;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let planned = began + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(planned.into()).await;
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            dropped += 1;
            continue;
        };
        let op = op.clone();
        let acc = acc.clone();
        tasks.spawn(async move {
            let r = op(n).await;
            let micros = planned.elapsed().as_micros() as u64;
            acc.lock().expect("no panics while held").record(r, micros);
            drop(permit);
        });
        // Reap finished tasks as we go so the set stays small.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = began.elapsed();
    let acc = Arc::try_unwrap(acc)
        .ok()
        .expect("every task is done")
        .into_inner()
        .expect("no panics while held");
    LoadResult {
        ok: acc.ok,
        errors: acc.errors,
        elapsed,
        hist: acc.hist,
        parts: acc.parts,
        dropped,
    }
}
