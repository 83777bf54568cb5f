//! The scenarios. Each starts the servers it needs, measures, prints its figures and
//! stops them; every ratio a scenario prints is taken within that scenario's run.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use bytes::Bytes;
use prost::Message;
use tonic_types::StatusExt;
use uuid::Uuid;
use verifyd::pb;

use crate::load::{self, LoadResult, Parts, Pool, closed_loop, open_loop, status_name};
use crate::pg::Pg;
use crate::report::{Report, histogram};
use crate::server::{API_KEY, Scratch, Server, ServerOpts, TENANT};

/// bcrypt cost for the scenarios whose figure is not about hashing (`inflight`'s
/// setup, `durable`), so that the write path they measure is not hidden behind it.
pub const LOW_COST: u32 = 4;

/// What every scenario may use.
pub struct Ctx {
    pub smoke: bool,
    pub duration: Duration,
    pub costs: Vec<u32>,
    pub concurrency: Vec<usize>,
    pub outbox_codes: bool,
    pub watchers: usize,
    pub watch_rate: f64,
    pub inflight: usize,
    pub overload: usize,
    pub work: PathBuf,
    pub server_core: Option<usize>,
    pub pg: Option<Pg>,
    /// An external server instead of our own (only for the scenarios that allow it).
    pub external: Option<External>,
}

/// A server someone else started.
#[derive(Clone)]
pub struct External {
    pub url: String,
    pub pid: Option<u32>,
}

impl Ctx {
    fn default_cost(&self) -> u32 {
        self.costs.first().copied().unwrap_or(6)
    }

    pub fn opts(&self, dir: &Scratch, cost: u32) -> ServerOpts {
        ServerOpts::new(dir.path().join("data"), cost, self.server_core)
    }

    /// The configured server, or the external one.
    fn target(&self, name: &str, cost: u32) -> anyhow::Result<Target> {
        if let Some(e) = &self.external {
            return Ok(Target {
                url: e.url.clone(),
                server: None,
                pid: e.pid,
                _dir: None,
            });
        }
        let dir = Scratch::new(&self.work, name)?;
        let s = Server::start(&self.opts(&dir, cost))?;
        Ok(Target {
            url: s.url(),
            pid: Some(s.pid),
            server: Some(s),
            _dir: Some(dir),
        })
    }

    fn conc(&self) -> usize {
        self.concurrency.iter().copied().max().unwrap_or(16)
    }
}

/// A server to measure, started by us or not.
pub struct Target {
    pub url: String,
    pub server: Option<Server>,
    pub pid: Option<u32>,
    _dir: Option<Scratch>,
}

impl Target {
    fn rss(&self) -> Option<crate::server::Rss> {
        self.pid.map(crate::server::Rss::of)
    }

    fn reset_peak(&self) {
        if let Some(pid) = self.pid {
            let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
        }
    }

    fn stop(self) {
        if let Some(s) = self.server {
            s.stop();
        }
    }
}

/// Measures the server's CPU use over a load: busy seconds per wall second.
pub struct CpuMeter {
    pid: Option<u32>,
    cpu: f64,
    at: Instant,
}

impl CpuMeter {
    pub fn start(pid: Option<u32>) -> Self {
        CpuMeter {
            pid,
            cpu: pid.map_or(0.0, crate::server::cpu_secs),
            at: Instant::now(),
        }
    }

    /// Records `<name>.server_cpu` (1.0 = one core busy all the time).
    pub fn done(self, r: &mut Report, name: &str) {
        if let Some(pid) = self.pid {
            let used = crate::server::cpu_secs(pid) - self.cpu;
            r.fig(
                format!("{name}.server_cpu"),
                used / self.at.elapsed().as_secs_f64(),
                "cores",
            );
        }
    }
}

pub fn errors_note(r: &mut Report, what: &str, res: &LoadResult) {
    if res.error_total() > 0 {
        r.note(format!("{what}: errors {}", res.error_summary()));
    }
}

// ---------------------------------------------------------------------------------
// hash: the raw bcrypt rate at a cost

/// Times the server's own hashing (`Crypto::hash_code`: HMAC pepper, then bcrypt on
/// the blocking pool) in this process, one at a time. Returns ms per hash.
pub async fn hash(ctx: &Ctx, r: &mut Report, cost: u32) -> anyhow::Result<f64> {
    use verifyd::crypto::{Crypto, Secrets};
    let dir = Scratch::new(&ctx.work, "hash")?;
    let crypto = Crypto::new(Secrets::load_or_create(&dir.path().join("s.json"))?, cost);
    crypto.hash_code(Uuid::new_v4(), "123456").await?;
    let budget = if ctx.smoke {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(3)
    };
    let t = Instant::now();
    let mut n = 0u32;
    while t.elapsed() < budget || n < 5 {
        crypto.hash_code(Uuid::new_v4(), "123456").await?;
        n += 1;
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    r.fig(format!("hash.cost{cost}.ms"), ms, "ms");
    r.fig(format!("hash.cost{cost}.per_s"), 1000.0 / ms, "1/s");
    Ok(ms)
}

pub async fn hash_all(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    for &c in &ctx.costs {
        hash(ctx, r, c).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// floor: Health/Check, the cheapest call the server answers

async fn floor_on(ctx: &Ctx, r: &mut Report, pool: &Pool, prefix: &str, pid: Option<u32>) -> f64 {
    let p = pool.clone();
    let cpu = CpuMeter::start(pid);
    let res = closed_loop(ctx.conc(), ctx.duration, None, move |w, _| {
        let mut h = p.health(w);
        async move {
            h.check(tonic_health::pb::HealthCheckRequest {
                service: "verifyd.v1.VerifyService".into(),
            })
            .await
            .map_err(|s| status_name(&s))?;
            Ok(Parts::default())
        }
    })
    .await;
    cpu.done(r, prefix);
    errors_note(r, prefix, &res);
    r.fig(format!("{prefix}.per_s"), res.rate(), "1/s");
    r.latency(prefix, &res.hist);
    res.rate()
}

pub async fn floor(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let t = ctx.target("floor", ctx.default_cost())?;
    let pool = Pool::connect(std::slice::from_ref(&t.url), 4).await?;
    floor_on(ctx, r, &pool, "floor", t.pid).await;
    t.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// get: GetVerification against the floor on the same server

pub async fn get(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let t = ctx.target("get", ctx.default_cost())?;
    let pool = Pool::connect(std::slice::from_ref(&t.url), 4).await?;
    pool.lift_limits(TENANT).await?;
    let mut ids = Vec::new();
    for _ in 0..64 {
        let v = pool
            .verify(0)
            .start_verification(pool.req(load::sms_start(None)))
            .await?
            .into_inner()
            .verification
            .context("no verification")?;
        ids.push(v.id);
    }
    let ids = Arc::new(ids);
    let floor = floor_on(ctx, r, &pool, "get.floor", t.pid).await;
    let p = pool.clone();
    let cpu = CpuMeter::start(t.pid);
    let res = closed_loop(ctx.conc(), ctx.duration, None, move |w, n| {
        let mut c = p.verify(w);
        let req = p.req(pb::GetVerificationRequest {
            id: ids[n as usize % ids.len()].clone(),
        });
        async move {
            c.get_verification(req).await.map_err(|s| status_name(&s))?;
            Ok(Parts::default())
        }
    })
    .await;
    cpu.done(r, "get");
    errors_note(r, "get", &res);
    r.fig("get.per_s", res.rate(), "1/s");
    r.latency("get", &res.hist);
    r.fig("get.vs_floor", res.rate() / floor, "ratio");
    t.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// pairs: start, code, check

/// One start+check pair; the code is chosen by us (`custom`) or read back from the
/// sandbox outbox.
pub async fn pair(p: Pool, w: usize, outbox: bool) -> Result<Parts, String> {
    let mut parts = Parts::default();
    let mut c = p.verify(w);
    let code = load::random_code();
    let t = Instant::now();
    let v = c
        .start_verification(p.req(load::sms_start((!outbox).then(|| code.clone()))))
        .await
        .map_err(|s| format!("start:{}", status_name(&s)))?
        .into_inner()
        .verification
        .ok_or("start:empty")?;
    parts.record("start", t);
    let code = if outbox {
        outbox_code(&p, w, &v.id).await?
    } else {
        code
    };
    let t = Instant::now();
    let res = c
        .check_code(p.req(pb::CheckCodeRequest { id: v.id, code }))
        .await
        .map_err(|s| format!("check:{}", status_name(&s)))?
        .into_inner();
    parts.record("check", t);
    if res.result() != pb::CheckResult::Verified {
        return Err(format!("check:{:?}", res.result()));
    }
    Ok(parts)
}

async fn outbox_code(p: &Pool, w: usize, id: &str) -> Result<String, String> {
    let mut admin = p.admin(w);
    for _ in 0..200 {
        let m = admin
            .list_sandbox_messages(p.admin_req(pb::ListSandboxMessagesRequest {
                verification_id: id.to_owned(),
                ..Default::default()
            }))
            .await
            .map_err(|s| format!("outbox:{}", status_name(&s)))?
            .into_inner();
        if let Some(m) = m.messages.last() {
            return Ok(m.code.clone());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("outbox:no message".into())
}

pub async fn pairs(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    for &cost in &ctx.costs {
        let t_hash = hash(ctx, r, cost).await?;
        let t = ctx.target("pairs", cost)?;
        let pool = Pool::connect(std::slice::from_ref(&t.url), 4).await?;
        pool.lift_limits(TENANT).await?;
        let pre = format!("pairs.cost{cost}");
        floor_on(ctx, r, &pool, &format!("{pre}.floor"), t.pid).await;
        let mut peak: f64 = 0.0;
        for &c in &ctx.concurrency {
            let p = pool.clone();
            let outbox = ctx.outbox_codes;
            let res = closed_loop(c, ctx.duration, None, move |w, _| {
                pair(p.clone(), w, outbox)
            })
            .await;
            let name = format!("{pre}.c{c}");
            errors_note(r, &name, &res);
            r.fig(format!("{name}.per_s"), res.rate(), "pairs/s");
            r.fig(
                format!("{name}.vs_one_hash_bound"),
                res.rate() * t_hash / 1000.0,
                "ratio",
            );
            r.latency(&format!("{name}.pair"), &res.hist);
            if let Some(h) = res.parts.get("start") {
                r.latency(&format!("{name}.start"), h);
            }
            peak = peak.max(res.rate());
        }
        // Open loop at half of the peak: the start latency a caller sees at a
        // comfortable load.
        if peak > 0.0 {
            let p = pool.clone();
            let outbox = ctx.outbox_codes;
            let cpu = CpuMeter::start(t.pid);
            let res = open_loop(peak / 2.0, ctx.duration, 10_000, move |n| {
                pair(p.clone(), n as usize, outbox)
            })
            .await;
            let name = format!("{pre}.half_peak");
            cpu.done(r, &name);
            errors_note(r, &name, &res);
            r.fig(format!("{name}.rate"), peak / 2.0, "pairs/s");
            r.fig(format!("{name}.achieved"), res.rate(), "pairs/s");
            if res.dropped > 0 {
                r.fig(
                    format!("{name}.dropped_over_10000_in_flight"),
                    res.dropped as f64,
                    "",
                );
            }
            if let Some(h) = res.parts.get("start") {
                r.latency(&format!("{name}.start"), h);
            }
            r.latency(&format!("{name}.pair_from_planned"), &res.hist);
        }
        t.stop();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// durable: start rate with the flush before each acknowledgement, and without

fn eatmydata() -> Option<PathBuf> {
    let dirs = [
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib",
    ];
    for d in dirs {
        for f in ["libeatmydata.so", "libeatmydata.so.1"] {
            let p = PathBuf::from(d).join(f);
            if p.exists() {
                return Some(p);
            }
        }
    }
    None
}

async fn starts_rate(
    ctx: &Ctx,
    r: &mut Report,
    url: &str,
    name: &str,
    pid: u32,
) -> anyhow::Result<f64> {
    let cpu = CpuMeter::start(Some(pid));
    let pool = Pool::connect(&[url.to_owned()], 4).await?;
    pool.lift_limits(TENANT).await?;
    let p = pool.clone();
    let res = closed_loop(ctx.conc(), ctx.duration, None, move |w, _| {
        let mut c = p.verify(w);
        let req = p.req(load::sms_start(Some(load::random_code())));
        async move {
            c.start_verification(req)
                .await
                .map_err(|s| status_name(&s))?;
            Ok(Parts::default())
        }
    })
    .await;
    cpu.done(r, name);
    errors_note(r, name, &res);
    r.fig(format!("{name}.starts_per_s"), res.rate(), "1/s");
    r.latency(name, &res.hist);
    Ok(res.rate())
}

pub async fn durable(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    r.note(format!(
        "durable: bcrypt cost {LOW_COST}, so that the write path is not hidden behind the hash"
    ));
    let dir = Scratch::new(&ctx.work, "durable")?;
    let s = Server::start(&ctx.opts(&dir, LOW_COST))?;
    let flushed = starts_rate(ctx, r, &s.url(), "durable.sled.flush", s.pid).await?;
    s.stop();
    match eatmydata() {
        Some(lib) => {
            let dir = Scratch::new(&ctx.work, "durable")?;
            let mut o = ctx.opts(&dir, LOW_COST);
            o.env.push(("LD_PRELOAD".into(), lib.display().to_string()));
            let s = Server::start(&o)?;
            let free = starts_rate(ctx, r, &s.url(), "durable.sled.no_fsync", s.pid).await?;
            s.stop();
            r.fig("durable.sled.flush_vs_no_fsync", flushed / free, "ratio");
        }
        None => r.note(
            "durable.sled.no_fsync: skipped (needs libeatmydata, Debian's package eatmydata, \
             which turns fsync into a no-op for the server process)",
        ),
    }
    if let Some(pg) = &ctx.pg {
        if !pg.durable {
            r.note("durable.pg: this PostgreSQL runs with fsync off; its figures say nothing about flushing");
        }
        let mut rates = Vec::new();
        for (label, async_commit) in [("commit", false), ("async_commit", true)] {
            let url = pg.fresh_database(async_commit).await?;
            let dir = Scratch::new(&ctx.work, "durable")?;
            let mut o = ctx.opts(&dir, LOW_COST);
            o.database_url = Some(url);
            let s = Server::start(&o)?;
            rates.push(starts_rate(ctx, r, &s.url(), &format!("durable.pg.{label}"), s.pid).await?);
            s.stop();
        }
        r.fig(
            "durable.pg.commit_vs_async_commit",
            rates[0] / rates[1],
            "ratio",
        );
    } else {
        r.note("durable.pg: skipped (no PostgreSQL: --database-url, or scripts/pg.sh)");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// checks: unknown id, wrong code and expired cost the same (issue 8)

pub async fn checks(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let dir = Scratch::new(&ctx.work, "checks")?;
    let mut o = ctx.opts(&dir, ctx.default_cost());
    o.manual_clock = true;
    let s = Server::start(&o)?;
    let pool = Pool::connect(&[s.url()], 2).await?;
    pool.lift_limits(TENANT).await?;
    let k = if ctx.smoke { 30 } else { 1000 };
    let start = |ttl: Option<u32>| {
        let p = pool.clone();
        async move {
            let mut req = load::sms_start(Some("111111".into()));
            // One destination each: the failed-check cap and its slowdown count per
            // destination, and this measures a check, not the defence.
            req.phone = load::unique_phone();
            req.ttl_sec = ttl;
            req.max_attempts = Some(10);
            p.verify(0).start_verification(p.req(req)).await.map(|v| {
                v.into_inner()
                    .verification
                    .map(|v| v.id)
                    .unwrap_or_default()
            })
        }
    };
    let mut expired = Vec::new();
    for _ in 0..k {
        expired.push(start(Some(60)).await?);
    }
    pool.admin(0)
        .advance_clock(pool.admin_req(pb::AdvanceClockRequest { seconds: 120 }))
        .await?;
    let mut wrong = Vec::new();
    for _ in 0..k {
        wrong.push(start(None).await?);
    }
    // Let the drivers settle the expiries the clock move caused.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut hists: BTreeMap<&str, hdrhistogram::Histogram<u64>> = BTreeMap::new();
    let mut results: BTreeMap<String, u64> = BTreeMap::new();
    let mut c = pool.verify(0);
    let began = Instant::now();
    let mut n_wrong = 0usize;
    let mut i = 0usize;
    // Sequential (one at a time), the kinds interleaved, so that each kind sees the
    // same server state and none waits behind another.
    while began.elapsed() < ctx.duration && n_wrong < wrong.len() * 9 {
        let kind = ["unknown", "wrong", "expired"][i % 3];
        let id = match kind {
            "unknown" => Uuid::new_v4().to_string(),
            "wrong" => {
                n_wrong += 1;
                wrong[n_wrong % wrong.len()].clone()
            }
            _ => expired[i % expired.len()].clone(),
        };
        let t = Instant::now();
        let res = c
            .check_code(pool.req(pb::CheckCodeRequest {
                id,
                code: "222222".into(),
            }))
            .await;
        let us = t.elapsed().as_micros() as u64;
        let outcome = match res {
            Ok(v) => format!("{:?}", v.into_inner().result()),
            Err(s) => status_name(&s),
        };
        *results.entry(format!("{kind}:{outcome}")).or_default() += 1;
        let _ = hists
            .entry(kind)
            .or_insert_with(histogram)
            .record(us.max(1));
        i += 1;
    }
    r.note(format!(
        "checks: outcomes {}",
        results
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let mut medians = Vec::new();
    for (kind, h) in &hists {
        r.latency(&format!("checks.{kind}"), h);
        medians.push(h.value_at_quantile(0.5) as f64);
    }
    let max = medians.iter().copied().fold(f64::MIN, f64::max);
    let min = medians.iter().copied().fold(f64::MAX, f64::min);
    r.fig("checks.median_spread", (max / min - 1.0) * 100.0, "%");
    s.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// watch: many watchers while verifications run

pub async fn watch(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let t = ctx.target("watch", ctx.default_cost())?;
    let n = ctx.watchers;
    // At most 100 streams per connection, well under HTTP/2 servers' usual caps.
    let pool = Pool::connect(std::slice::from_ref(&t.url), n.div_ceil(100) + 2).await?;
    pool.lift_limits(TENANT).await?;
    let rss0 = t.rss();
    let stop = tokio_util::sync::CancellationToken::new();
    let shards: Arc<Vec<Mutex<hdrhistogram::Histogram<u64>>>> =
        Arc::new((0..16).map(|_| Mutex::new(histogram())).collect());
    let opened = Arc::new(AtomicU64::new(0));
    let delivered = Arc::new(AtomicU64::new(0));
    let resyncs = Arc::new(AtomicU64::new(0));
    let refused: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let open_began = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (p, stop) = (pool.clone(), stop.clone());
        let (shards, opened, delivered, resyncs, refused) = (
            shards.clone(),
            opened.clone(),
            delivered.clone(),
            resyncs.clone(),
            refused.clone(),
        );
        tasks.spawn(async move {
            // Connection 0 and 1 stay free for the starts.
            let mut c = p.verify(2 + i);
            let mut stream = match c
                .watch_status(p.req(pb::WatchStatusRequest { id: String::new() }))
                .await
            {
                Ok(s) => s.into_inner(),
                Err(s) => {
                    *refused
                        .lock()
                        .expect("never poisoned")
                        .entry(status_name(&s))
                        .or_default() += 1;
                    return;
                }
            };
            let mut first = true;
            loop {
                let m = tokio::select! {
                    _ = stop.cancelled() => return,
                    m = stream.message() => m,
                };
                let m = match m {
                    Ok(Some(m)) => m,
                    Ok(None) => return,
                    Err(s) => {
                        if first {
                            *refused
                                .lock()
                                .expect("never poisoned")
                                .entry(status_name(&s))
                                .or_default() += 1;
                        }
                        return;
                    }
                };
                if first {
                    first = false;
                    opened.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if m.resync {
                    resyncs.fetch_add(1, Ordering::Relaxed);
                }
                if m.kind() == pb::WatchEventKind::Snapshot {
                    continue;
                }
                if let Some(ts) = m.event_time {
                    let at = Duration::new(ts.seconds.max(0) as u64, ts.nanos.max(0) as u32);
                    let now = SystemTime::now()
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .unwrap_or_default();
                    let us = now.saturating_sub(at).as_micros() as u64;
                    let _ = shards[i % 16]
                        .lock()
                        .expect("never poisoned")
                        .record(us.max(1));
                    delivered.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    let open_deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = opened.load(Ordering::Relaxed)
            + refused
                .lock()
                .expect("never poisoned")
                .values()
                .sum::<u64>();
        if done >= n as u64 || Instant::now() > open_deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    r.fig("watch.watchers", n as f64, "");
    r.fig("watch.opened", opened.load(Ordering::Relaxed) as f64, "");
    let refused_now = refused.lock().expect("never poisoned").clone();
    for (k, v) in &refused_now {
        r.fig(format!("watch.refused.{k}"), *v as f64, "");
    }
    r.fig("watch.open_s", open_began.elapsed().as_secs_f64(), "s");
    let rss1 = t.rss();
    t.reset_peak();
    // Verifications while they watch, at a fixed rate.
    let p = pool.clone();
    let res = open_loop(ctx.watch_rate, ctx.duration, 1000, move |k| {
        let p = p.clone();
        async move {
            let mut c = p.verify(k as usize % 2);
            c.start_verification(p.req(load::sms_start(None)))
                .await
                .map_err(|s| status_name(&s))?;
            Ok(Parts::default())
        }
    })
    .await;
    errors_note(r, "watch.starts", &res);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let rss2 = t.rss();
    stop.cancel();
    while tasks.join_next().await.is_some() {}
    let mut all = histogram();
    for s in shards.iter() {
        let _ = all.add(&*s.lock().expect("never poisoned"));
    }
    r.fig("watch.starts", res.ok as f64, "");
    r.fig(
        "watch.deliveries",
        delivered.load(Ordering::Relaxed) as f64,
        "",
    );
    r.fig("watch.resyncs", resyncs.load(Ordering::Relaxed) as f64, "");
    r.latency("watch.fanout", &all);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss3 = t.rss();
    if let (Some(a), Some(b), Some(c), Some(d)) = (rss0, rss1, rss2, rss3) {
        r.fig("watch.rss_before_mib", a.rss_mib(), "MiB");
        r.fig("watch.rss_watching_mib", b.rss_mib(), "MiB");
        r.fig("watch.rss_peak_mib", c.hwm_mib(), "MiB");
        r.fig("watch.rss_after_close_mib", d.rss_mib(), "MiB");
    }
    t.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// inflight: verifications parked mid-fallback, kill -9, restart

pub async fn inflight(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let n = ctx.inflight;
    r.note(format!(
        "inflight: {n} verifications at bcrypt cost {LOW_COST} (only the setup's speed depends on it)"
    ));
    let dir = Scratch::new(&ctx.work, "inflight")?;
    let mut o = ctx.opts(&dir, LOW_COST);
    o.log = "warn,verifyd::app=info".into();
    let s = Server::start(&o)?;
    let pool = Pool::connect(&[s.url()], 4).await?;
    pool.lift_limits(TENANT).await?;
    let rss0 = s.rss();
    let ids: Arc<Mutex<Vec<String>>> = Arc::default();
    let (p, keep) = (pool.clone(), ids.clone());
    // Telegram never reports on +3319900 2xxx, so each waits out a one-hour step.
    let res = closed_loop(
        32,
        Duration::from_secs(3600),
        Some(n as u64),
        move |w, _| {
            let (p, keep) = (p.clone(), keep.clone());
            async move {
                let phone = format!("+33199002{}", &load::ok_phone()[9..]);
                let req = pb::StartVerificationRequest {
                    phone,
                    routing_strategy: vec![
                        pb::RoutingStep {
                            channel: pb::Channel::Telegram as i32,
                            timeout_sec: Some(3600),
                            ..Default::default()
                        },
                        pb::RoutingStep {
                            channel: pb::Channel::Sms as i32,
                            ..Default::default()
                        },
                    ],
                    ttl_sec: Some(1800),
                    ..Default::default()
                };
                let v = p
                    .verify(w)
                    .start_verification(p.req(req))
                    .await
                    .map_err(|s| status_name(&s))?
                    .into_inner();
                if let Some(v) = v.verification {
                    let mut k = keep.lock().expect("never poisoned");
                    if k.len() < 1000 {
                        k.push(v.id);
                    }
                }
                Ok(Parts::default())
            }
        },
    )
    .await;
    errors_note(r, "inflight.starts", &res);
    r.fig("inflight.parked", res.ok as f64, "");
    r.fig("inflight.starts_per_s", res.rate(), "1/s");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss1 = s.rss();
    r.fig("inflight.rss_idle_before_mib", rss0.rss_mib(), "MiB");
    r.fig("inflight.rss_parked_mib", rss1.rss_mib(), "MiB");
    r.fig(
        "inflight.kib_per_parked",
        (rss1.rss_kib.saturating_sub(rss0.rss_kib)) as f64 / res.ok.max(1) as f64,
        "KiB",
    );
    drop(pool);
    s.kill9();
    let t = Instant::now();
    let s = Server::start(&o)?;
    let resume = t.elapsed();
    let log = s.log();
    let resumed: u64 = log
        .lines()
        .filter_map(|l| l.split("resumed=").nth(1))
        .filter_map(|v| v.split_whitespace().next()?.parse().ok())
        .next_back()
        .unwrap_or(0);
    r.fig("inflight.resumed", resumed as f64, "");
    r.fig("inflight.resume_s", resume.as_secs_f64(), "s");
    let pool = Pool::connect(&[s.url()], 1).await?;
    let sample = ids.lock().expect("never poisoned").clone();
    let mut pending = 0;
    for id in sample.iter().take(100) {
        let v = pool
            .verify(0)
            .get_verification(pool.req(pb::GetVerificationRequest { id: id.clone() }))
            .await?
            .into_inner()
            .verification
            .context("no verification")?;
        if v.state() == pb::VerificationState::Pending {
            pending += 1;
        }
    }
    r.fig(
        "inflight.sample_pending_after_restart",
        f64::from(pending),
        "of 100",
    );
    r.fig("inflight.rss_after_restart_mib", s.rss().rss_mib(), "MiB");
    s.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// overload: many simultaneous starts, and whether health and reads still answer

pub async fn overload(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let t = ctx.target("overload", ctx.default_cost())?;
    let n = ctx.overload;
    let pool = Pool::connect(std::slice::from_ref(&t.url), n.div_ceil(100) + 2).await?;
    pool.lift_limits(TENANT).await?;
    let probe_id = pool
        .verify(0)
        .start_verification(pool.req(load::sms_start(None)))
        .await?
        .into_inner()
        .verification
        .context("no verification")?
        .id;
    let stop = tokio_util::sync::CancellationToken::new();
    // Probes on their own connections (0 and 1), every 100 ms, 1 s deadline.
    let probe = |kind: &'static str| {
        let (p, stop, id) = (pool.clone(), stop.clone(), probe_id.clone());
        tokio::spawn(async move {
            let mut h = histogram();
            let mut misses = 0u64;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tick.tick() => {}
                }
                let t = Instant::now();
                let ok = match kind {
                    "health" => {
                        let mut req = tonic::Request::new(tonic_health::pb::HealthCheckRequest {
                            service: "verifyd.v1.VerifyService".into(),
                        });
                        req.set_timeout(Duration::from_secs(1));
                        tokio::time::timeout(Duration::from_secs(1), p.health(0).check(req))
                            .await
                            .is_ok_and(|r| r.is_ok())
                    }
                    _ => {
                        let mut req = p.req(pb::GetVerificationRequest { id: id.clone() });
                        req.set_timeout(Duration::from_secs(1));
                        tokio::time::timeout(
                            Duration::from_secs(1),
                            p.verify(1).get_verification(req),
                        )
                        .await
                        .is_ok_and(|r| r.is_ok())
                    }
                };
                if ok {
                    let _ = h.record(t.elapsed().as_micros() as u64);
                } else {
                    misses += 1;
                }
            }
            (h, misses)
        })
    };
    let health = probe("health");
    let get = probe("get");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let began = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (p, b) = (pool.clone(), barrier.clone());
        tasks.spawn(async move {
            let mut c = p.verify(2 + i);
            let mut req = p.req(load::sms_start(Some(load::random_code())));
            req.set_timeout(Duration::from_secs(60));
            b.wait().await;
            let t = Instant::now();
            let res = c.start_verification(req).await;
            let us = t.elapsed().as_micros() as u64;
            match res {
                Ok(_) => ("ok".to_owned(), us, false),
                Err(s) => (status_name(&s), us, s.get_details_retry_info().is_some()),
            }
        });
    }
    let mut by: BTreeMap<String, hdrhistogram::Histogram<u64>> = BTreeMap::new();
    let mut retry_info = 0u64;
    while let Some(j) = tasks.join_next().await {
        let (k, us, ri) = j?;
        if ri {
            retry_info += 1;
        }
        let _ = by.entry(k).or_insert_with(histogram).record(us.max(1));
    }
    let total = began.elapsed();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.cancel();
    let (hh, hmiss) = health.await?;
    let (gh, gmiss) = get.await?;
    r.fig("overload.starts", n as f64, "");
    r.fig("overload.all_answered_s", total.as_secs_f64(), "s");
    for (k, h) in &by {
        let k = if k == "ok" { "accepted" } else { k.as_str() };
        r.fig(format!("overload.{k}"), h.len() as f64, "");
        r.latency(&format!("overload.{k}"), h);
    }
    r.fig("overload.shed_with_retry_info", retry_info as f64, "");
    r.fig("overload.health.probes", (hh.len() + hmiss) as f64, "");
    r.fig("overload.health.misses_1s", hmiss as f64, "");
    r.latency("overload.health", &hh);
    r.fig("overload.get.misses_1s", gmiss as f64, "");
    r.latency("overload.get", &gh);
    t.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// flood: malformed and oversized requests; resident memory before, during, after

struct Hostile {
    name: &'static str,
    path: &'static str,
    body: Bytes,
}

fn hostile_bodies() -> Vec<Hostile> {
    let garbage = |n: usize| {
        let mut v = vec![0u8; n];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut v);
        Bytes::from(v)
    };
    let start = "/verifyd.v1.VerifyService/StartVerification";
    let check = "/verifyd.v1.VerifyService/CheckCode";
    let get = "/verifyd.v1.VerifyService/GetVerification";
    // A valid message whose one string is just under tonic's default 4 MiB limit.
    let big_payload = pb::StartVerificationRequest {
        phone: "+33199000000".into(),
        payload: "x".repeat((4 << 20) - 1024),
        routing_strategy: vec![pb::RoutingStep {
            channel: pb::Channel::Sms as i32,
            ..Default::default()
        }],
        ..Default::default()
    }
    .encode_to_vec();
    // 500,000 routing steps in 2 MB on the wire; decoded, each is a struct with
    // three optional fields: the allocation grows with the list.
    let many_steps = pb::StartVerificationRequest {
        phone: "+33199000000".into(),
        routing_strategy: vec![
            pb::RoutingStep {
                channel: pb::Channel::Sms as i32,
                ..Default::default()
            };
            500_000
        ],
        ..Default::default()
    }
    .encode_to_vec();
    let mut truncated = pb::StartVerificationRequest {
        phone: "+33199000000".into(),
        app_name: "a".repeat(1000),
        ..Default::default()
    }
    .encode_to_vec();
    truncated.truncate(500);
    vec![
        Hostile {
            name: "garbage_1k",
            path: start,
            body: garbage(1024),
        },
        Hostile {
            name: "garbage_64k",
            path: check,
            body: garbage(64 << 10),
        },
        Hostile {
            name: "payload_4m",
            path: start,
            body: Bytes::from(big_payload),
        },
        Hostile {
            name: "over_limit_8m",
            path: get,
            body: garbage(8 << 20),
        },
        Hostile {
            name: "steps_500k",
            path: start,
            body: Bytes::from(many_steps),
        },
        Hostile {
            name: "truncated",
            path: start,
            body: Bytes::from(truncated),
        },
    ]
}

pub async fn flood(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let t = ctx.target("flood", ctx.default_cost())?;
    let pool = Pool::connect(std::slice::from_ref(&t.url), 8).await?;
    pool.lift_limits(TENANT).await?;
    // Some ordinary traffic first, so that "idle" is a server that has worked.
    let p = pool.clone();
    closed_loop(4, Duration::from_secs(3600), Some(50), move |w, _| {
        pair(p.clone(), w, false)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = t.rss();
    t.reset_peak();
    let bodies = Arc::new(hostile_bodies());
    // Streams opened and never read while the flood runs.
    let held_n = if ctx.smoke { 50 } else { 1000 };
    let mut held = Vec::new();
    let mut held_refused = 0u64;
    for i in 0..held_n {
        let mut c = pool.verify(i);
        match c
            .watch_status(pool.req(pb::WatchStatusRequest { id: String::new() }))
            .await
        {
            Ok(s) => held.push(s.into_inner()),
            Err(_) => held_refused += 1,
        }
    }
    let codes: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let sampler_stop = tokio_util::sync::CancellationToken::new();
    let sampler = {
        let (pid, stop) = (t.pid, sampler_stop.clone());
        tokio::spawn(async move {
            let mut max = 0u64;
            while !stop.is_cancelled() {
                if let Some(pid) = pid {
                    max = max.max(crate::server::Rss::of(pid).rss_kib);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            max
        })
    };
    let (p, b, cs) = (pool.clone(), bodies.clone(), codes.clone());
    let res = closed_loop(16, ctx.duration, None, move |w, n| {
        let (p, b, cs) = (p.clone(), b.clone(), cs.clone());
        async move {
            let h = &b[n as usize % b.len()];
            let code = crate::raw::call(
                p.channel(w),
                h.path,
                h.body.clone(),
                API_KEY,
                Duration::from_secs(10),
            )
            .await;
            *cs.lock()
                .expect("never poisoned")
                .entry(format!("{}.{code}", h.name))
                .or_default() += 1;
            Ok(Parts::default())
        }
    })
    .await;
    sampler_stop.cancel();
    let sampled_peak = sampler.await?;
    let during = t.rss();
    drop(held);
    let settle = if ctx.smoke { 1 } else { 3 };
    tokio::time::sleep(Duration::from_secs(settle)).await;
    let after = t.rss();
    let alive = pool
        .health(0)
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .is_ok();
    r.fig("flood.requests", res.ok as f64, "");
    r.fig("flood.requests_per_s", res.rate(), "1/s");
    for (k, v) in codes.lock().expect("never poisoned").iter() {
        r.fig(format!("flood.answers.{k}"), *v as f64, "");
    }
    r.fig(
        "flood.held_streams",
        held_n as f64 - held_refused as f64,
        "",
    );
    r.fig("flood.alive_after", if alive { 1.0 } else { 0.0 }, "bool");
    if let (Some(i), Some(d), Some(a)) = (idle, during, after) {
        r.fig("flood.rss_idle_mib", i.rss_mib(), "MiB");
        r.fig(
            "flood.rss_peak_mib",
            (d.hwm_kib.max(sampled_peak)) as f64 / 1024.0,
            "MiB",
        );
        r.fig(format!("flood.rss_after_{settle}s_mib"), a.rss_mib(), "MiB");
        r.fig("flood.after_vs_idle", a.rss_mib() / i.rss_mib(), "ratio");
    }
    t.stop();
    Ok(())
}

// ---------------------------------------------------------------------------------
// cluster: pairs on sled and on PostgreSQL, one node and two (issue 6)

async fn pairs_on(ctx: &Ctx, r: &mut Report, urls: &[String], name: &str) -> anyhow::Result<f64> {
    let pool = Pool::connect(urls, 4.max(urls.len() * 2)).await?;
    let p = pool.clone();
    let outbox = ctx.outbox_codes;
    let c = ctx.conc();
    let res = closed_loop(c, ctx.duration, None, move |w, _| {
        pair(p.clone(), w, outbox)
    })
    .await;
    errors_note(r, name, &res);
    r.fig(format!("{name}.c{c}.per_s"), res.rate(), "pairs/s");
    r.latency(&format!("{name}.c{c}.pair"), &res.hist);
    Ok(res.rate())
}

pub async fn cluster(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let cost = ctx.default_cost();
    let dir = Scratch::new(&ctx.work, "cluster")?;
    let s = Server::start(&ctx.opts(&dir, cost))?;
    Pool::connect(&[s.url()], 1)
        .await?
        .lift_limits(TENANT)
        .await?;
    let sled = pairs_on(ctx, r, &[s.url()], "cluster.sled.n1").await?;
    s.stop();
    let Some(pg) = &ctx.pg else {
        r.note("cluster.pg: skipped (no PostgreSQL: --database-url, or scripts/pg.sh)");
        return Ok(());
    };
    if !pg.durable {
        r.note(
            "cluster.pg: this PostgreSQL runs with fsync off (not comparable with sled's flushes)",
        );
    }
    let mut rates = Vec::new();
    for nodes in [1usize, 2] {
        let url = pg.fresh_database(false).await?;
        let dir = Scratch::new(&ctx.work, "cluster")?;
        let secrets = dir.path().join("secrets.json");
        let mut servers = Vec::new();
        for k in 0..nodes {
            let mut o = ServerOpts::new(dir.path().join(format!("node{k}")), cost, ctx.server_core);
            o.database_url = Some(url.clone());
            o.secrets_file = Some(secrets.clone());
            o.extra = vec!["--node-id".into(), format!("bench-{k}")];
            // The first node creates the secrets file, the schema and the tenant.
            servers.push(Server::start(&o)?);
        }
        let urls: Vec<String> = servers.iter().map(Server::url).collect();
        Pool::connect(&urls[..1], 1)
            .await?
            .lift_limits(TENANT)
            .await?;
        if nodes > 1 {
            // The other nodes read settings changes within --directory-refresh-ms.
            tokio::time::sleep(Duration::from_millis(2500)).await;
        }
        rates.push(pairs_on(ctx, r, &urls, &format!("cluster.pg.n{nodes}")).await?);
        for s in servers {
            s.stop();
        }
    }
    r.fig("cluster.pg_n1_vs_sled_n1", rates[0] / sled, "ratio");
    r.fig("cluster.pg_n2_vs_pg_n1", rates[1] / rates[0], "ratio");
    r.fig("cluster.pg_n2_vs_sled_n1", rates[1] / sled, "ratio");
    Ok(())
}

/// Names of the scenarios, in the order `all` runs them.
pub const ALL: [&str; 11] = [
    "hash", "floor", "get", "pairs", "durable", "checks", "watch", "overload", "flood", "inflight",
    "cluster",
];

/// Scenarios that run only when named: `peers` installs its peers from PyPI and npm.
pub const BY_NAME: [&str; 1] = ["peers"];

/// Scenarios that can run against `--addr`.
pub const EXTERNAL_OK: [&str; 7] = [
    "hash", "floor", "get", "pairs", "watch", "overload", "flood",
];

pub async fn run(name: &str, ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    if ctx.external.is_some() && !EXTERNAL_OK.contains(&name) {
        bail!("{name} starts its own servers; it cannot run against --addr");
    }
    match name {
        "hash" => hash_all(ctx, r).await,
        "floor" => floor(ctx, r).await,
        "get" => get(ctx, r).await,
        "pairs" => pairs(ctx, r).await,
        "durable" => durable(ctx, r).await,
        "checks" => checks(ctx, r).await,
        "watch" => watch(ctx, r).await,
        "overload" => overload(ctx, r).await,
        "flood" => flood(ctx, r).await,
        "inflight" => inflight(ctx, r).await,
        "cluster" => cluster(ctx, r).await,
        "peers" => crate::peers::peers(ctx, r).await,
        other => bail!("unknown scenario {other}; one of: {}", ALL.join(" ")),
    }
}
