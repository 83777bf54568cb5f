//! PostgreSQL for the scenarios that compare stores: a server given by URL, or a
//! throwaway durable cluster started with the repository's `scripts/pg.sh` (and
//! pinned to the server's core, since the database is part of the server side).
//! Each measurement gets a database of its own.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};
use sqlx::Connection;

pub struct Pg {
    /// A superuser URL (its database is used only to create others).
    pub url: String,
    /// Whether the server flushes (fsync on).
    pub durable: bool,
    /// The cluster we started, stopped on drop.
    started: Option<PathBuf>,
}

impl Pg {
    pub fn given(url: String, durable: bool) -> Pg {
        Pg {
            url,
            durable,
            started: None,
        }
    }

    /// Starts a durable cluster with `scripts/pg.sh`, if the script is there.
    pub fn start(work: &std::path::Path, core: Option<usize>) -> anyhow::Result<Pg> {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg.sh");
        if !script.exists() {
            bail!("{} is missing", script.display());
        }
        let dir = work.join(format!(
            "pg-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        let out = Command::new("bash")
            .arg(&script)
            .arg("start")
            .arg(&dir)
            .arg("--durable")
            .output()
            .context("running scripts/pg.sh")?;
        if !out.status.success() {
            bail!(
                "scripts/pg.sh start failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if let Some(core) = core {
            pin_cluster(&dir.join("data/postmaster.pid"), core);
        }
        Ok(Pg {
            url,
            durable: true,
            started: Some(dir),
        })
    }

    /// A new empty database on this server; its URL, with asynchronous commits
    /// (`synchronous_commit=off`: no flush before the acknowledgement) if asked.
    pub async fn fresh_database(&self, async_commit: bool) -> anyhow::Result<String> {
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let mut c = sqlx::PgConnection::connect(&self.url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await?;
        c.close().await?;
        let (base, query) = match self.url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (self.url.as_str(), None),
        };
        let base = match base.rfind('/') {
            Some(i) if i > "postgres://".len() => &base[..i],
            _ => base,
        };
        let mut url = format!("{base}/{name}");
        let mut params: Vec<String> = query.map(|q| vec![q.to_owned()]).unwrap_or_default();
        if async_commit {
            params.push("options=-c%20synchronous_commit%3Doff".into());
        }
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
        Ok(url)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Some(dir) = &self.started {
            let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg.sh");
            let _ = Command::new("bash")
                .arg(script)
                .arg("stop")
                .arg(dir)
                .output();
        }
    }
}

/// Pins the postmaster and every process it has forked so far (its later children
/// inherit the postmaster's affinity).
fn pin_cluster(pidfile: &std::path::Path, core: usize) {
    let Some(pm) = std::fs::read_to_string(pidfile)
        .ok()
        .and_then(|s| s.lines().next()?.trim().parse::<u32>().ok())
    else {
        return;
    };
    let mut pids = vec![pm];
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if ppid == Some(pm) {
                pids.push(pid);
            }
        }
    }
    for pid in pids {
        crate::server::pin_pid(pid, core);
    }
}
