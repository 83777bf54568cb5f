//! Webhook isolation benchmark: prints numbers, asserts nothing. Run with
//! `cargo bench --bench webhooks` (release profile).
//!
//! One in-process server (sandbox, sled in a temp dir, bcrypt cost 4) posts to local
//! receivers: two endpoints that answer at once, and a third that answers at once
//! in the first phase and, in the second, accepts every request and never answers. Each phase starts 1,000
//! verifications (3 events each) at 100 a second, open loop, and measures the healthy endpoints' delivery
//! latency: from the event's `created_at` (its commit) to its arrival. The ratio of
//! the two phases' percentiles, taken in one run, is the figure: a dead endpoint
//! should cost the healthy ones nothing.
//!
//! `VERIFYD_BENCH_WEBHOOK_VERIFICATIONS` and `VERIFYD_BENCH_WEBHOOK_RATE` change the
//! count per phase and the arrival rate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use hdrhistogram::Histogram;
use tokio::net::TcpListener;
use tonic::Request;
use verifyd::pb;
use verifyd::pb::admin_service_client::AdminServiceClient;
use verifyd::pb::verify_service_client::VerifyServiceClient;

const ADMIN: &str = "bench-admin-token-0123456789";
const KEY: &str = "bench-api-key-0123456789abcdef";
const EVENTS_PER_VERIFICATION: usize = 3; // channel.sent, channel.success, success

fn req<T>(m: T) -> Request<T> {
    let mut r = Request::new(m);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {KEY}").parse().unwrap());
    r.metadata_mut()
        .insert("x-tenant-id", "default".parse().unwrap());
    r
}

fn admin<T>(m: T) -> Request<T> {
    let mut r = Request::new(m);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {ADMIN}").parse().unwrap());
    r
}

/// What each receiver path got: (webhook-id, latency in µs).
#[derive(Default)]
struct Seen {
    by_path: Mutex<HashMap<String, Vec<(String, u64)>>>,
}

async fn receive(
    State(seen): State<Arc<Seen>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::http::StatusCode {
    let arrived = SystemTime::now();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let created = v["created_at"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| SystemTime::UNIX_EPOCH + Duration::from_micros(t.timestamp_micros() as u64));
    let latency = created
        .and_then(|c| arrived.duration_since(c).ok())
        .map_or(0, |d| d.as_micros() as u64);
    let id = headers
        .get("webhook-id")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    seen.by_path
        .lock()
        .unwrap()
        .entry(uri.path().to_owned())
        .or_default()
        .push((id, latency));
    if uri.path() == "/hang" {
        std::future::pending::<()>().await;
    }
    axum::http::StatusCode::NO_CONTENT
}

async fn receivers(seen: Arc<Seen>) -> String {
    let app = axum::Router::new()
        .route("/{*path}", post(receive))
        .with_state(seen);
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    format!("http://{addr}")
}

async fn endpoint(c: &mut AdminServiceClient<tonic::transport::Channel>, url: String) -> String {
    c.create_webhook_endpoint(admin(pb::CreateWebhookEndpointRequest {
        tenant_id: "default".into(),
        url,
        ..Default::default()
    }))
    .await
    .unwrap()
    .into_inner()
    .endpoint
    .unwrap()
    .id
}

/// Starts `n` verifications at `rate` per second (open loop: each start at its
/// time, whatever the others do), then waits until every healthy path got its events.
async fn phase(
    channel: &tonic::transport::Channel,
    seen: &Seen,
    healthy: &[&str],
    n: usize,
    rate: f64,
) -> (Histogram<u64>, f64) {
    seen.by_path.lock().unwrap().clear();
    let began = Instant::now();
    let t0 = tokio::time::Instant::now();
    let mut starts = tokio::task::JoinSet::new();
    for i in 0..n {
        tokio::time::sleep_until(t0 + Duration::from_secs_f64(i as f64 / rate)).await;
        let mut c = VerifyServiceClient::new(channel.clone());
        starts.spawn(async move {
            c.start_verification(req(pb::StartVerificationRequest {
                phone: "+33199000000".into(),
                routing_strategy: vec![pb::RoutingStep {
                    channel: pb::Channel::Sms as i32,
                    ..Default::default()
                }],
                ..Default::default()
            }))
            .await
            .unwrap();
        });
    }
    while starts.join_next().await.is_some() {}
    let want = n * EVENTS_PER_VERIFICATION;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = {
            let m = seen.by_path.lock().unwrap();
            healthy
                .iter()
                .all(|p| m.get(*p).map_or(0, Vec::len) >= want)
        };
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = began.elapsed().as_secs_f64();
    let mut h = Histogram::<u64>::new(3).unwrap();
    let m = seen.by_path.lock().unwrap();
    for p in healthy {
        for (_, us) in m.get(*p).into_iter().flatten() {
            h.record((*us).max(1)).unwrap();
        }
    }
    (h, secs)
}

fn line(what: &str, h: &Histogram<u64>, secs: f64) {
    println!(
        "webhooks: {what}: {} deliveries in {secs:.2} s, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        h.len(),
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("VERIFYD_BENCH_WEBHOOK_VERIFICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let rate: f64 = std::env::var("VERIFYD_BENCH_WEBHOOK_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    let dir = tempfile::tempdir().unwrap();
    let argv: Vec<String> = [
        "verifyd",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--admin-token",
        ADMIN,
        "--bootstrap-api-key",
        KEY,
        "--log",
        "warn",
        "--bcrypt-cost",
        "4",
        "--allow-private-webhooks",
        "--data-dir",
        &dir.path().display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let args = verifyd::config::parse_from(argv).expect("bench flags are valid");
    let listener = TcpListener::bind(args.listen).await.unwrap();
    let running = verifyd::app::start(&args, listener).await.unwrap();
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let seen = Arc::new(Seen::default());
    let base = receivers(seen.clone()).await;
    let mut a = AdminServiceClient::new(channel.clone());
    endpoint(&mut a, format!("{base}/a")).await;
    endpoint(&mut a, format!("{base}/b")).await;
    // A third endpoint, healthy in the first phase, so that both phases fan every
    // event out to three endpoints: only the third one's behaviour differs.
    let third = endpoint(&mut a, format!("{base}/c")).await;
    println!(
        "webhooks: {n} verifications per phase at {rate}/s, {} events each, to 2 endpoints that answer at once and a third that does (first phase) or never answers (second) (defaults: --webhook-concurrency 64, --webhook-endpoint-concurrency 8)",
        EVENTS_PER_VERIFICATION
    );
    let (without, s1) = phase(&channel, &seen, &["/a", "/b"], n, rate).await;
    line("without a hanging endpoint", &without, s1);
    a.update_webhook_endpoint(admin(pb::UpdateWebhookEndpointRequest {
        tenant_id: "default".into(),
        id: third,
        disabled: Some(true),
        ..Default::default()
    }))
    .await
    .unwrap();
    endpoint(&mut a, format!("{base}/hang")).await;
    let (with, s2) = phase(&channel, &seen, &["/a", "/b"], n, rate).await;
    line("with one endpoint that never answers", &with, s2);
    let hung = seen
        .by_path
        .lock()
        .unwrap()
        .get("/hang")
        .map_or(0, Vec::len);
    println!("webhooks: the hanging endpoint holds {hung} requests open (its share of slots)");
    println!(
        "webhooks: ratio with/without: p50 {:.2}x, p99 {:.2}x",
        with.value_at_quantile(0.5) as f64 / without.value_at_quantile(0.5).max(1) as f64,
        with.value_at_quantile(0.99) as f64 / without.value_at_quantile(0.99).max(1) as f64
    );
    // A drain cuts the hanging attempts short (they would be attempted again).
    running.shutdown().await.unwrap();
}
