//! Shared harness: a real verifyd server on 127.0.0.1:0 with a real store and a
//! manual clock, and real gRPC clients that attach the tenant's metadata.
//!
//! The store is sled in a temporary directory, or, with
//! `VERIFYD_TEST_BACKEND=postgres`, a fresh database on the PostgreSQL cluster named
//! by `VERIFYD_TEST_DATABASE_URL` (`scripts/test.sh` starts one and runs every
//! integration test on both backends).
#![allow(dead_code)]

pub mod delivery;
pub mod doubles;
pub mod node;
pub mod pg;
pub mod receiver;

use std::time::Duration;

use futures::StreamExt;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tonic::transport::Channel as GrpcChannel;
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;
use verifyd::app::Running;
use verifyd::config::ServeArgs;
use verifyd::pb;
use verifyd::pb::admin_service_client::AdminServiceClient;
use verifyd::pb::verify_service_client::VerifyServiceClient;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";
pub const API_KEY: &str = "test-api-key-0123456789abcdef";
pub const TENANT: &str = "default";
/// How long a test waits for something the server does on its own. A bound, not a
/// sleep: nothing waits for it to pass.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Sandbox magic numbers: `+3319900` then one digit per channel (telegram,
/// whatsapp, voice, sms): 0 ok, 1 fail, 2 no report, 3 blocked, 4 provider error.
pub fn magic(t: u8, w: u8, v: u8, s: u8) -> String {
    format!("+3319900{t}{w}{v}{s}")
}

pub struct TestServer {
    pub running: Option<Running>,
    pub data: Data,
    pub client: Client,
}

/// Where a server keeps its state: a data directory (sled, secrets, sandbox outbox)
/// and, on PostgreSQL, a database of its own. A restart reuses both.
pub struct Data {
    pub dir: TempDir,
    pub database_url: Option<String>,
}

impl Data {
    /// Fresh state on the backend the tests run on.
    pub async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match pg::backend() {
            pg::Backend::Sled => None,
            pg::Backend::Postgres => Some(pg::fresh_database().await),
        };
        Self { dir, database_url }
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The flags that point a server at this state.
    pub fn flags(&self) -> Vec<String> {
        let mut f = vec![
            "--data-dir".to_owned(),
            self.dir.path().display().to_string(),
        ];
        if let Some(url) = &self.database_url {
            f.push("--database-url".into());
            f.push(url.clone());
            // A restart takes the old process's verifications over once its lease
            // ran out; keep that short so tests need not wait.
            f.push("--lease-ms".into());
            f.push("1000".into());
        }
        f
    }
}

impl Drop for Data {
    fn drop(&mut self) {
        if let Some(url) = self.database_url.take() {
            pg::drop_database(&url);
        }
    }
}

impl std::ops::Deref for TestServer {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// gRPC clients of one server, with the default tenant's credentials.
pub struct Client {
    pub channel: GrpcChannel,
}

pub fn args(data: &Data, extra: &[&str]) -> ServeArgs {
    let mut argv: Vec<String> = [
        "verifyd",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--admin-token",
        ADMIN_TOKEN,
        "--bootstrap-api-key",
        API_KEY,
        "--clock",
        "manual",
        "--bcrypt-cost",
        "4",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    argv.extend(data.flags());
    argv.extend(extra.iter().map(|s| s.to_string()));
    match verifyd::config::parse_from(argv) {
        Ok(a) => a,
        Err(e) => panic!("test config is valid: {e:?}"),
    }
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    pub async fn start_with(extra: &[&str]) -> Self {
        Self::start_in(Data::fresh().await, extra).await
    }

    /// Starts a server on existing state.
    pub async fn start_in(data: Data, extra: &[&str]) -> Self {
        let a = args(&data, extra);
        let listener = TcpListener::bind(a.listen).await.expect("bind");
        let running = verifyd::app::start(&a, listener)
            .await
            .expect("server starts");
        let client = Client::connect(&running.addr.to_string()).await;
        Self {
            running: Some(running),
            data,
            client,
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("server is running")
    }

    /// Moves the server's manual clock forward.
    pub fn advance(&self, secs: u64) {
        self.running()
            .engine
            .clock()
            .advance(Duration::from_secs(secs))
            .expect("manual clock");
    }

    pub async fn stop(mut self) -> Data {
        if let Some(r) = self.running.take() {
            r.shutdown().await.expect("clean shutdown");
        }
        self.data
    }
}

impl Client {
    pub async fn connect(addr: &str) -> Self {
        let channel = GrpcChannel::from_shared(format!("http://{addr}"))
            .expect("uri")
            .connect()
            .await
            .expect("connect");
        Self { channel }
    }

    pub fn verify(&self) -> VerifyServiceClient<GrpcChannel> {
        VerifyServiceClient::new(self.channel.clone())
    }

    pub fn admin(&self) -> AdminServiceClient<GrpcChannel> {
        AdminServiceClient::new(self.channel.clone())
    }

    /// Moves the server's manual clock forward, through the admin API.
    pub async fn advance_clock(&self, secs: u32) {
        self.admin()
            .advance_clock(admin_req(pb::AdvanceClockRequest { seconds: secs }))
            .await
            .expect("manual clock");
    }

    pub async fn start_v(
        &self,
        r: pb::StartVerificationRequest,
    ) -> Result<pb::Verification, Status> {
        let resp = self.verify().start_verification(req(r)).await?;
        Ok(resp.into_inner().verification.expect("verification"))
    }

    pub async fn get(&self, id: &str) -> pb::Verification {
        self.verify()
            .get_verification(req(pb::GetVerificationRequest { id: id.into() }))
            .await
            .expect("get")
            .into_inner()
            .verification
            .expect("verification")
    }

    pub async fn check(&self, id: &str, code: &str) -> Result<pb::CheckCodeResponse, Status> {
        Ok(self
            .verify()
            .check_code(req(pb::CheckCodeRequest {
                id: id.into(),
                code: code.into(),
            }))
            .await?
            .into_inner())
    }

    /// Waits, through WatchStatus, until `pred` holds for the verification.
    pub async fn wait_for(
        &self,
        id: &str,
        what: &str,
        pred: impl Fn(&pb::Verification) -> bool,
    ) -> pb::Verification {
        self.wait_for_as(id, API_KEY, TENANT, what, pred).await
    }

    /// `wait_for` with another tenant's credentials.
    pub async fn wait_for_as(
        &self,
        id: &str,
        key: &str,
        tenant: &str,
        what: &str,
        pred: impl Fn(&pb::Verification) -> bool,
    ) -> pb::Verification {
        let mut stream = self
            .verify()
            .watch_status(req_as(
                pb::WatchStatusRequest { id: id.into() },
                key,
                tenant,
            ))
            .await
            .expect("watch")
            .into_inner();
        let fut = async {
            while let Some(msg) = stream.next().await {
                let v = msg
                    .expect("stream item")
                    .verification
                    .expect("verification");
                if pred(&v) {
                    return Some(v);
                }
            }
            None
        };
        match tokio::time::timeout(PATIENCE, fut).await {
            Ok(Some(v)) => v,
            Ok(None) => panic!("stream ended before {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }

    /// Waits until delivery finished (success, failed or error).
    pub async fn wait_delivery_done(&self, id: &str) -> pb::Verification {
        self.wait_for(id, "delivery to finish", |v| {
            v.status >= pb::DeliveryStatus::Success as i32
        })
        .await
    }

    /// Waits until some attempt is in progress and accepted (has an external id).
    pub async fn wait_sent(&self, id: &str, attempt: usize) -> pb::Verification {
        self.wait_for(id, "the step to be sent", |v| {
            v.history[attempt].status == pb::DeliveryStatus::InProgress as i32
                && !v.history[attempt].external_id.is_empty()
        })
        .await
    }

    /// How many messages the sandbox holds in all.
    pub async fn sandbox_count(&self) -> usize {
        self.admin()
            .list_sandbox_messages(admin_req(pb::ListSandboxMessagesRequest::default()))
            .await
            .expect("outbox")
            .into_inner()
            .messages
            .len()
    }

    pub async fn sandbox_messages(&self, id: &str) -> Vec<pb::SandboxMessage> {
        self.admin()
            .list_sandbox_messages(admin_req(pb::ListSandboxMessagesRequest {
                verification_id: id.into(),
                ..Default::default()
            }))
            .await
            .expect("outbox")
            .into_inner()
            .messages
    }
}

/// A request with the default tenant's credentials.
pub fn req<T>(msg: T) -> Request<T> {
    req_as(msg, API_KEY, TENANT)
}

pub fn req_as<T>(msg: T, key: &str, tenant: &str) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut().insert(
        "authorization",
        format!("Bearer {key}").parse().expect("ascii"),
    );
    r.metadata_mut()
        .insert("x-tenant-id", tenant.parse().expect("ascii"));
    r
}

pub fn admin_req<T>(msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut().insert(
        "authorization",
        format!("Bearer {ADMIN_TOKEN}").parse().expect("ascii"),
    );
    r
}

pub fn step(channel: pb::Channel) -> pb::RoutingStep {
    pb::RoutingStep {
        channel: channel as i32,
        ..Default::default()
    }
}

pub fn start_req(phone: &str, channels: &[pb::Channel]) -> pb::StartVerificationRequest {
    pb::StartVerificationRequest {
        phone: phone.into(),
        routing_strategy: channels.iter().map(|c| step(*c)).collect(),
        app_name: "Acme".into(),
        ..Default::default()
    }
}

/// The reason from the status's ErrorInfo, and the field paths of its BadRequest.
pub fn details(s: &Status) -> (String, Vec<String>) {
    let d = s.get_error_details();
    let reason = d
        .error_info()
        .map(|i| {
            assert_eq!(i.domain, "verifyd");
            i.reason.clone()
        })
        .unwrap_or_default();
    let fields = d
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default();
    (reason, fields)
}

pub fn assert_status(s: &Status, code: Code, reason: &str) {
    assert_eq!(s.code(), code, "{s:?}");
    assert_eq!(details(s).0, reason, "{s:?}");
}

/// Waits, within PATIENCE, until `probe` holds.
pub async fn until<F: std::future::Future<Output = bool>>(
    what: &str,
    mut probe: impl FnMut() -> F,
) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !probe().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::task::yield_now().await;
    }
}

pub fn statuses(v: &pb::Verification) -> Vec<pb::DeliveryStatus> {
    v.history.iter().map(|a| a.status()).collect()
}
