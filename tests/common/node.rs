//! Real `verifyd` processes: spawn one with flags, wait for its `listening on` line,
//! kill it with SIGKILL or stop it with SIGTERM.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{ADMIN_TOKEN, API_KEY, Client, PATIENCE};

pub struct Node {
    pub child: Child,
    pub addr: String,
    pub client: Client,
}

impl std::ops::Deref for Node {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// Starts `verifyd serve` on 127.0.0.1:0 with a manual clock, bcrypt cost 4, the
/// harness's admin token and API key, and `flags`.
pub async fn spawn(flags: &[String]) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verifyd"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--clock",
            "manual",
            "--bcrypt-cost",
            "4",
        ])
        .args(["--admin-token", ADMIN_TOKEN, "--bootstrap-api-key", API_KEY])
        .args(flags)
        .env("VERIFYD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn verifyd");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("stdout") {
            if let Some(a) = line.strip_prefix("listening on ") {
                return a.to_owned();
            }
        }
        panic!("verifyd exited before listening");
    })
    .await
    .expect("verifyd starts");
    let client = Client::connect(&addr).await;
    Node {
        child,
        addr,
        client,
    }
}

impl Node {
    /// SIGKILL, and wait until the process is gone.
    pub async fn kill9(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("wait");
    }

    /// SIGTERM, and the exit status once it drained.
    pub async fn sigterm(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("running").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("drains in time")
            .expect("wait")
    }
}
