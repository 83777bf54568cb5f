//! The server under test: this very executable, re-executed in its hidden
//! `__serve` mode, which runs `verifyd::cli::run` with ordinary `serve` flags, the
//! product binary's code path. Pinned to one core with `taskset` when there is one.
//! Its resident memory is read from `/proc/<pid>/status`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub const ADMIN_TOKEN: &str = "bench-admin-token-0123456789";
pub const API_KEY: &str = "bench-api-key-0123456789abcdef";
pub const TENANT: &str = "default";

/// How the server is started.
#[derive(Debug, Clone)]
pub struct ServerOpts {
    pub data_dir: PathBuf,
    pub bcrypt_cost: u32,
    pub manual_clock: bool,
    pub database_url: Option<String>,
    pub secrets_file: Option<PathBuf>,
    /// The core to pin to (`taskset -c`), if taskset exists.
    pub core: Option<usize>,
    /// Extra `serve` flags.
    pub extra: Vec<String>,
    /// Extra environment (LD_PRELOAD for `durable`).
    pub env: Vec<(String, String)>,
    /// The tracing filter.
    pub log: String,
}

impl ServerOpts {
    pub fn new(data_dir: PathBuf, bcrypt_cost: u32, core: Option<usize>) -> Self {
        Self {
            data_dir,
            bcrypt_cost,
            manual_clock: false,
            database_url: None,
            secrets_file: None,
            core,
            extra: Vec::new(),
            env: Vec::new(),
            log: "warn".into(),
        }
    }
}

/// A running server process.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub pid: u32,
    pub opts: ServerOpts,
}

pub fn have_taskset() -> bool {
    Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Pins this process (all its threads) to `core`. Call before any runtime starts.
pub fn pin_self(core: usize) -> bool {
    Command::new("taskset")
        .args([
            "-a",
            "-cp",
            &core.to_string(),
            &std::process::id().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Pins a running process (all its threads; children it forks later follow).
pub fn pin_pid(pid: u32, core: usize) -> bool {
    Command::new("taskset")
        .args(["-a", "-cp", &core.to_string(), &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Server {
    /// Starts a server and waits (at most 120 s) for its `listening on` line.
    pub fn start(opts: &ServerOpts) -> anyhow::Result<Server> {
        std::fs::create_dir_all(&opts.data_dir)?;
        let exe = std::env::current_exe().context("finding this executable")?;
        let mut cmd = match opts.core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(core.to_string()).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.arg("__serve")
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--color", "never"])
            .arg("--data-dir")
            .arg(&opts.data_dir)
            .args(["--admin-token", ADMIN_TOKEN])
            .args(["--bootstrap-api-key", API_KEY])
            .args(["--bcrypt-cost", &opts.bcrypt_cost.to_string()])
            .args(["--log", &opts.log])
            // A bench run kills servers with -9 and restarts them at once.
            .args(["--shutdown-grace-sec", "5"]);
        if opts.manual_clock {
            cmd.args(["--clock", "manual"]);
        }
        if let Some(url) = &opts.database_url {
            cmd.args(["--database-url", url]);
        }
        if let Some(s) = &opts.secrets_file {
            cmd.arg("--secrets-file").arg(s);
        }
        cmd.args(&opts.extra);
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        // Settings of the bench's own environment must not leak into the server.
        for (k, _) in std::env::vars() {
            if k.starts_with("VERIFYD_") {
                cmd.env_remove(k);
            }
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(opts.data_dir.join("server.log"))?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        let mut child = cmd.spawn().context("spawning the server")?;
        let pid = child.id();
        let stdout = child.stdout.take().expect("stdout was piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(a) = line.strip_prefix("listening on ") {
                    sent = tx.send(a.trim().to_owned()).is_ok();
                }
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(a) => a.parse().context("parsing the listening address")?,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "the server did not start; its log:\n{}",
                    tail(&opts.data_dir.join("server.log"), 20)
                );
            }
        };
        Ok(Server {
            child,
            addr,
            pid,
            opts: opts.clone(),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Resident and peak resident memory in KiB.
    pub fn rss(&self) -> Rss {
        Rss::of(self.pid)
    }

    /// `kill -9`, and waits for the process to be gone.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits (at most 15 s) for the drain, then -9.
    pub fn stop(mut self) {
        terminate(&mut self.child, Duration::from_secs(15));
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.opts.data_dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Rss {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Rss {
    pub fn of(pid: u32) -> Rss {
        let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            s.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                .unwrap_or(0)
        };
        Rss {
            rss_kib: field("VmRSS:"),
            hwm_kib: field("VmHWM:"),
        }
    }

    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    pub fn hwm_mib(&self) -> f64 {
        self.hwm_kib as f64 / 1024.0
    }
}

/// SIGTERM to `child`, then -9 if it has not exited within `grace`.
pub fn terminate(child: &mut Child, grace: Duration) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let t = Instant::now();
    while t.elapsed() < grace {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// CPU seconds (user + system) a process and its live descendants have used so far
/// (a gunicorn worker is a child of its master); 0 when unknown.
pub fn cpu_secs(pid: u32) -> f64 {
    // pid (comm) state ppid ...: fields after ')' start at state (field 3); ppid is
    // field 4, utime and stime are fields 14 and 15, in clock ticks (100 a second on
    // Linux).
    let read = |pid: u32| -> Option<(u32, f64)> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let (_, rest) = stat.rsplit_once(')')?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        Some((num(1) as u32, (num(11) + num(12)) as f64 / 100.0))
    };
    let Some((_, own)) = read(pid) else {
        return 0.0;
    };
    let mut procs = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok())
                && let Some((ppid, cpu)) = read(p)
            {
                procs.push((p, ppid, cpu));
            }
        }
    }
    let mut total = own;
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(p, ppid, cpu) in &procs {
            if ppid == parent && p != pid {
                total += cpu;
                frontier.push(p);
            }
        }
    }
    total
}

fn tail(p: &Path, n: usize) -> String {
    let s = std::fs::read_to_string(p).unwrap_or_default();
    let lines: Vec<_> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A scratch directory, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(base: &Path, name: &str) -> anyhow::Result<Scratch> {
        let p = base.join(format!(
            "{name}-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        std::fs::create_dir_all(&p)?;
        Ok(Scratch(p))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
