//! `peers`: verifyd's start+check pairs against two plaintext HTTP peers set up from
//! their registries by `scripts/bench-peers.sh` (django-phone-verify on PyPI,
//! better-auth on npm, each on SQLite), in one run, on the same core, driven by this
//! process with the same closed loop, so that the ratios mean something on a noisy
//! machine. The peers' wire protocol is written at the top of that script; this file
//! follows it.
//!
//! The peers keep their codes in plain text; verifyd computes a peppered bcrypt hash
//! of every code (one per pair). The ratio is what a user of each gets per core.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::load::{Parts, Pool, closed_loop};
use crate::report::Report;
use crate::scenarios::{Ctx, errors_note, pair};
use crate::server::{Scratch, Server, TENANT};

/// The peers, by the names `bench-peers.sh` knows them: django-phone-verify tuned for
/// one core (gunicorn, one gthread worker), the same on gunicorn's defaults (one sync
/// worker), and better-auth.
pub const PEERS: [&str; 3] = ["django", "django-sync", "better-auth"];

/// django-phone-verify's sandbox code (`BENCH_SECURITY_CODE` in the peer's settings).
const DJANGO_CODE: &str = "246810";

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/bench-peers.sh")
}

/// One peer server, started by `bench-peers.sh serve` (which execs it, so the pid
/// is the server's) and killed when dropped.
struct Peer {
    child: Child,
    url: String,
}

impl Peer {
    fn start(name: &str, core: Option<usize>) -> anyhow::Result<Peer> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("bash")
            .arg(script())
            .args(["serve", name, &port.to_string()])
            .env(
                "PEER_CORE",
                core.map_or("none".to_owned(), |c| c.to_string()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting the {name} peer"))?;
        let mut peer = Peer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(st)) = peer.child.try_wait() {
                bail!("the {name} peer exited before listening ({st})");
            }
            if t.elapsed() > Duration::from_secs(120) {
                bail!("the {name} peer did not listen within 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(peer)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // SIGTERM lets the peer remove its temp dir; -9 if it does not go.
        crate::server::terminate(&mut self.child, Duration::from_secs(10));
    }
}

/// Phone numbers the peers accept, never two pairs in flight on one: `+1201` and
/// the seven digits of 2,000,000 + n.
static NEXT_NUMBER: AtomicU64 = AtomicU64::new(0);

fn peer_phone() -> String {
    let n = NEXT_NUMBER.fetch_add(1, Ordering::Relaxed) % 8_000_000;
    format!("+1201{:07}", 2_000_000 + n)
}

fn http_client(conns: usize) -> reqwest::Client {
    verifyd::channels::http::install_crypto();
    reqwest::Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(conns)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a plain HTTP client builds")
}

/// POSTs `body` as JSON; an error (`what:timeout`, `what:io`, `what:<status>`) unless
/// the answer is a 2xx.
async fn post(
    c: &reqwest::Client,
    url: String,
    body: serde_json::Value,
    what: &str,
) -> Result<reqwest::Response, String> {
    let r = c
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("{what}:{}", if e.is_timeout() { "timeout" } else { "io" }))?;
    if !r.status().is_success() {
        return Err(format!("{what}:{}", r.status().as_u16()));
    }
    Ok(r)
}

/// One pair against a peer, as `bench-peers.sh` describes it.
async fn peer_pair(
    c: reqwest::Client,
    base: Arc<String>,
    peer: &'static str,
) -> Result<Parts, String> {
    let mut parts = Parts::default();
    let phone = peer_phone();
    let t = Instant::now();
    match peer {
        "django" | "django-sync" => {
            let r = post(
                &c,
                format!("{base}/api/phone/register"),
                serde_json::json!({ "phone_number": phone }),
                "start",
            )
            .await?;
            let v: serde_json::Value = r.json().await.map_err(|_| "start:body")?;
            let token = v["session_token"]
                .as_str()
                .ok_or("start:no token")?
                .to_owned();
            parts.record("start", t);
            let t = Instant::now();
            let r = post(
                &c,
                format!("{base}/api/phone/verify"),
                serde_json::json!({
                    "phone_number": phone,
                    "session_token": token,
                    "security_code": DJANGO_CODE,
                }),
                "check",
            )
            .await?;
            let _ = r.bytes().await;
            parts.record("check", t);
        }
        _ => {
            let r = post(
                &c,
                format!("{base}/api/auth/phone-number/send-otp"),
                serde_json::json!({ "phoneNumber": phone }),
                "start",
            )
            .await?;
            let code = r
                .headers()
                .get("x-bench-otp")
                .and_then(|v| v.to_str().ok())
                .ok_or("start:no code")?
                .to_owned();
            let _ = r.bytes().await;
            parts.record("start", t);
            let t = Instant::now();
            let r = post(
                &c,
                format!("{base}/api/auth/phone-number/consume-otp"),
                serde_json::json!({ "phoneNumber": phone, "code": code }),
                "check",
            )
            .await?;
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            parts.record("check", t);
            if v["status"] != serde_json::Value::Bool(true) {
                return Err("check:not verified".into());
            }
        }
    }
    Ok(parts)
}

/// Installs the peers (idempotent; the first time compiles better-sqlite3).
fn setup() -> anyhow::Result<()> {
    let st = Command::new("bash")
        .arg(script())
        .arg("setup")
        .stdout(Stdio::null())
        .status()
        .context("running bench-peers.sh setup")?;
    if !st.success() {
        bail!("bench-peers.sh setup failed ({st})");
    }
    Ok(())
}

pub async fn peers(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    if ctx.external.is_some() {
        bail!("peers starts its own servers");
    }
    setup()?;
    let conns = ctx.concurrency.iter().copied().max().unwrap_or(16);
    let client = http_client(conns);
    // Interleaved per concurrency: verifyd at each cost, then each peer, so that a
    // slow minute of the machine hits every contestant alike.
    let mut servers = Vec::new();
    for &cost in &ctx.costs {
        let dir = Scratch::new(&ctx.work, "peers")?;
        let s = Server::start(&ctx.opts(&dir, cost))?;
        let pool = Pool::connect(std::slice::from_ref(&s.url()), 4).await?;
        pool.lift_limits(TENANT).await?;
        servers.push((cost, s, pool, dir));
    }
    let mut peers = Vec::new();
    for name in PEERS {
        peers.push((name, Peer::start(name, ctx.server_core)?));
    }
    for &c in &ctx.concurrency {
        let mut best_peer: f64 = 0.0;
        let mut ours = Vec::new();
        for (cost, s, pool, _) in &servers {
            let p = pool.clone();
            let outbox = ctx.outbox_codes;
            let cpu = crate::scenarios::CpuMeter::start(Some(s.pid));
            let res = closed_loop(c, ctx.duration, None, move |w, _| {
                pair(p.clone(), w, outbox)
            })
            .await;
            let name = format!("peers.verifyd.cost{cost}.c{c}");
            cpu.done(r, &name);
            errors_note(r, &name, &res);
            r.fig(format!("{name}.per_s"), res.rate(), "pairs/s");
            r.latency(&format!("{name}.pair"), &res.hist);
            ours.push((*cost, res.rate()));
        }
        for (name, peer) in &peers {
            let base = Arc::new(peer.url.clone());
            let cl = client.clone();
            let pname: &'static str = name;
            let cpu = crate::scenarios::CpuMeter::start(Some(peer.pid()));
            let res = closed_loop(c, ctx.duration, None, move |_, _| {
                peer_pair(cl.clone(), base.clone(), pname)
            })
            .await;
            let fig = format!("peers.{}.c{c}", name.replace('-', "_"));
            cpu.done(r, &fig);
            errors_note(r, &fig, &res);
            r.fig(format!("{fig}.per_s"), res.rate(), "pairs/s");
            r.latency(&format!("{fig}.pair"), &res.hist);
            best_peer = best_peer.max(res.rate());
        }
        if best_peer > 0.0 {
            for (cost, rate) in ours {
                r.fig(
                    format!("peers.cost{cost}.c{c}.vs_best_peer"),
                    rate / best_peer,
                    "ratio",
                );
            }
        }
    }
    drop(peers);
    for (_, s, _, _) in servers {
        s.stop();
    }
    Ok(())
}
