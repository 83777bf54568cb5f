//! Benchmark harness: prints numbers, asserts nothing. Run with
//! `cargo bench --bench service` (release profile). It measures, in one run:
//! 1. bcrypt cost: time per peppered hash at each cost, on this machine;
//! 2. end-to-end start+check pairs per second and their latency, through a real gRPC
//!    client against an in-process server (sandbox, sled in a temp dir, every write
//!    flushed), at bcrypt costs 4, 6 (the default) and 10, and at concurrency 1 and 32;
//! 3. resident memory per pending verification (a driver task and its record).
//!
//! Compare ratios within one run; absolute numbers move with the machine's load.

use std::time::Instant;

use futures::future::join_all;
use hdrhistogram::Histogram;
use tokio::net::TcpListener;
use tonic::Request;
use verifyd::crypto::{Crypto, Secrets};
use verifyd::pb;
use verifyd::pb::verify_service_client::VerifyServiceClient;

const ADMIN: &str = "bench-admin-token-0123456789";
const KEY: &str = "bench-api-key-0123456789abcdef";

fn req<T>(m: T) -> Request<T> {
    let mut r = Request::new(m);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {KEY}").parse().unwrap());
    r.metadata_mut()
        .insert("x-tenant-id", "default".parse().unwrap());
    r
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn server(cost: u32) -> (verifyd::app::Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let argv = [
        "verifyd",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--admin-token",
        ADMIN,
        "--bootstrap-api-key",
        KEY,
        "--clock",
        "manual",
        "--log",
        "warn",
    ];
    let mut argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    argv.extend([
        "--bcrypt-cost".into(),
        cost.to_string(),
        "--data-dir".into(),
        dir.path().display().to_string(),
    ]);
    let args = verifyd::config::parse_from(argv).expect("bench flags are valid");
    let listener = TcpListener::bind(args.listen).await.unwrap();
    (verifyd::app::start(&args, listener).await.unwrap(), dir)
}

fn start_req() -> pb::StartVerificationRequest {
    pb::StartVerificationRequest {
        phone: "+33199000000".into(),
        routing_strategy: vec![pb::RoutingStep {
            channel: pb::Channel::Sms as i32,
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Start+check pairs through gRPC: returns pairs/s and the pair latency histogram (µs).
async fn pairs(cost: u32, concurrency: usize, total: usize) -> (f64, Histogram<u64>) {
    let (running, _dir) = server(cost).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let per_task = total / concurrency;
    let began = Instant::now();
    let hists = join_all((0..concurrency).map(|_| {
        let mut c = VerifyServiceClient::new(channel.clone());
        async move {
            let mut h = Histogram::<u64>::new(3).unwrap();
            for _ in 0..per_task {
                let t = Instant::now();
                let v = c
                    .start_verification(req(start_req()))
                    .await
                    .unwrap()
                    .into_inner()
                    .verification
                    .unwrap();
                let r = c
                    .check_code(req(pb::CheckCodeRequest {
                        id: v.id,
                        code: v.code.unwrap(),
                    }))
                    .await
                    .unwrap()
                    .into_inner();
                assert_eq!(r.result(), pb::CheckResult::Verified);
                h.record(t.elapsed().as_micros() as u64).unwrap();
            }
            h
        }
    }))
    .await;
    let secs = began.elapsed().as_secs_f64();
    let mut all = Histogram::<u64>::new(3).unwrap();
    for h in hists {
        all.add(h).unwrap();
    }
    running.shutdown().await.unwrap();
    ((per_task * concurrency) as f64 / secs, all)
}

#[tokio::main]
async fn main() {
    println!(
        "verifyd benchmark ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    println!("\n## bcrypt over the peppered HMAC, one hash on the blocking pool");
    let dir = tempfile::tempdir().unwrap();
    let mut base = 0.0;
    for cost in [4u32, 6, 8, 10, 12] {
        let c = Crypto::new(
            Secrets::load_or_create(&dir.path().join("s.json")).unwrap(),
            cost,
        );
        let n = if cost >= 10 { 5 } else { 40 };
        let t = Instant::now();
        for _ in 0..n {
            c.hash_code(uuid::Uuid::new_v4(), "123456").await.unwrap();
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
        if cost == 4 {
            base = ms;
        }
        println!(
            "cost {cost:>2}: {ms:>8.2} ms/hash  ({:>5.1}x cost 4)",
            ms / base
        );
    }

    println!("\n## start+check pairs through gRPC (sandbox SMS, every write flushed)");
    println!(
        "{:>5} {:>12} {:>10} {:>10} {:>10}",
        "cost", "concurrency", "pairs/s", "p50 ms", "p99 ms"
    );
    let mut results = Vec::new();
    for (cost, conc, total) in [(4, 1, 200), (4, 32, 1024), (6, 32, 1024), (10, 32, 128)] {
        let (rate, h) = pairs(cost, conc, total).await;
        println!(
            "{cost:>5} {conc:>12} {rate:>10.0} {:>10.2} {:>10.2}",
            h.value_at_quantile(0.5) as f64 / 1000.0,
            h.value_at_quantile(0.99) as f64 / 1000.0
        );
        results.push(((cost, conc), rate));
    }
    let rate = |k| {
        results
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, r)| *r)
            .unwrap()
    };
    println!(
        "ratio cost 4 / cost 6 at concurrency 32:  {:.2}",
        rate((4, 32)) / rate((6, 32))
    );
    println!(
        "ratio cost 6 / cost 10 at concurrency 32: {:.2}",
        rate((6, 32)) / rate((10, 32))
    );
    println!(
        "ratio concurrency 32 / 1 at cost 4 (group commit): {:.2}",
        rate((4, 32)) / rate((4, 1))
    );

    println!("\n## memory per pending verification (driver task + record)");
    let (running, _dir) = server(4).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    // Telegram that never reports: every verification stays pending with a live driver.
    let pending = pb::StartVerificationRequest {
        phone: "+33199002000".into(),
        routing_strategy: vec![pb::RoutingStep {
            channel: pb::Channel::Telegram as i32,
            ..Default::default()
        }],
        ..Default::default()
    };
    let warm = rss_kib();
    let n = 5_000;
    let t = Instant::now();
    for _ in 0..(n / 100) {
        join_all((0..100).map(|_| {
            let mut c = VerifyServiceClient::new(channel.clone());
            let r = pending.clone();
            async move { c.start_verification(req(r)).await.unwrap() }
        }))
        .await;
    }
    let after = rss_kib();
    println!(
        "{n} pending verifications started in {:.2} s; RSS {} -> {} KiB: {:.1} KiB each",
        t.elapsed().as_secs_f64(),
        warm,
        after,
        (after.saturating_sub(warm)) as f64 / n as f64
    );
    let t = Instant::now();
    running.shutdown().await.unwrap();
    println!(
        "shutdown with {n} live drivers: {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
