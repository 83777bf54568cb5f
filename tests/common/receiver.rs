//! A webhook receiver in another language: `tests/support/webhook_receiver.py`, which
//! verifies every delivery with the `standardwebhooks` package from PyPI. It runs on
//! the Python of `.tools/venv` (`scripts/install-tools.sh python` installs the
//! package there), or on `VERIFYD_TEST_PYTHON`.

use std::process::Stdio;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::PATIENCE;

pub struct Receiver {
    _child: Child,
    pub base: String,
    http: reqwest::Client,
}

/// One request the receiver got, with the library's verdicts: `None` where the
/// library accepted it, else its error.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub path: String,
    pub webhook_id: Option<String>,
    pub webhook_timestamp: Option<String>,
    pub webhook_signature: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
    pub answer: serde_json::Value,
    /// One per secret given to `setup`.
    pub verified: Vec<Option<String>>,
    /// The same, with one character of the body changed.
    pub tampered: Vec<Option<String>>,
    /// The same, with the timestamp ten minutes older.
    pub stale: Vec<Option<String>>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }

    pub fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }
}

fn python() -> String {
    std::env::var("VERIFYD_TEST_PYTHON")
        .unwrap_or_else(|_| format!("{}/.tools/venv/bin/python", env!("CARGO_MANIFEST_DIR")))
}

impl Receiver {
    pub async fn spawn() -> Self {
        let py = python();
        let script = format!(
            "{}/tests/support/webhook_receiver.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = Command::new(&py)
            .arg(&script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {py} ({e}): run `bash scripts/install-tools.sh python` first")
            });
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = tokio::time::timeout(PATIENCE, async {
            while let Some(line) = lines.next_line().await.expect("stdout") {
                if let Some(p) = line.strip_prefix("listening on ") {
                    return p.to_owned();
                }
            }
            panic!("the receiver exited before listening (is standardwebhooks installed in {py}?)");
        })
        .await
        .expect("the receiver starts");
        verifyd::channels::http::install_crypto();
        Self {
            _child: child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The secrets to verify `path`'s deliveries with, and its next answers in order
    /// (status codes, or "hang"); 200 after them.
    pub async fn setup(&self, path: &str, secrets: &[&str], script: serde_json::Value) {
        self.http
            .post(self.url("/_setup"))
            .json(&serde_json::json!({"path": path, "secrets": secrets, "script": script}))
            .send()
            .await
            .expect("setup")
            .error_for_status()
            .expect("setup accepted");
    }

    /// Every request so far, once there are at least `min` (panics after PATIENCE).
    pub async fn log(&self, min: usize) -> Vec<Received> {
        let all: Vec<Received> = self
            .http
            .get(self.url("/_log"))
            .query(&[
                ("min", min.to_string()),
                ("timeout", PATIENCE.as_secs().to_string()),
            ])
            .send()
            .await
            .expect("log")
            .json()
            .await
            .expect("log is JSON");
        assert!(
            all.len() >= min,
            "the receiver got {} requests, not {min}: {all:#?}",
            all.len()
        );
        all
    }

    /// The requests to one path, once there are at least `min` of them.
    pub async fn log_of(&self, path: &str, min: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut seen = 0;
        loop {
            let all = self.log(seen + 1).await;
            let mine: Vec<Received> = all.iter().filter(|r| r.path == path).cloned().collect();
            if mine.len() >= min {
                return mine;
            }
            seen = all.len();
            assert!(
                tokio::time::Instant::now() < deadline,
                "{path} got {} requests, not {min}",
                mine.len()
            );
        }
    }
}
