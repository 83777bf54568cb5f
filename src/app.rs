//! Wiring and lifecycle: open the store (sled, or PostgreSQL with `--database-url`)
//! and the secrets, check that they belong together, bootstrap the directory, start
//! the engine (which takes over the verifications nobody drives), then serve
//! VerifyService, AdminService, gRPC health and reflection (v1 and v1alpha) on a
//! bound listener. `Running::shutdown` drains: health goes NOT_SERVING, new calls are
//! refused with UNAVAILABLE, drivers stop at a safe point, the node hands its
//! verifications back, streams end, the server stops, and the store is closed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::api;
use crate::channels::sandbox::Sandbox;
use crate::channels::{Channels, ReportSink};
use crate::config::{ClockKind, ServeArgs};
use crate::crypto::{Crypto, Secrets};
use crate::directory::{Bootstrap, Directory};
use crate::engine::{Clock, Engine, EngineConfig};
use crate::pb;
use crate::store::{Closer, SecretsCheck};

/// The largest AdminService request (tenant settings with long lists).
const ADMIN_MAX_REQUEST_BYTES: usize = 1024 * 1024;
const SERVICES: [&str; 3] = ["", "verifyd.v1.VerifyService", "verifyd.v1.AdminService"];

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    /// Where provider callbacks are received, with `--callback-listen`.
    pub callback_addr: Option<SocketAddr>,
    ingress: Option<JoinHandle<std::io::Result<()>>>,
    pub engine: Engine,
    /// What a first start created, to show once; `None` on later starts.
    pub bootstrap: Option<Bootstrap>,
    pub resumed: usize,
    sandbox: Arc<Sandbox>,
    health: HealthReporter,
    stop: CancellationToken,
    server: JoinHandle<Result<(), tonic::transport::Error>>,
    grace: Duration,
    store_closer: Closer,
    /// Released last, when `shutdown` returns, after the store has closed.
    _data_dir_lock: crate::datadir::DataDirLock,
}

/// Starts everything on `listener`. `args` must have passed `validate`.
pub async fn start(args: &ServeArgs, listener: TcpListener) -> anyhow::Result<Running> {
    let data_dir_lock = crate::datadir::lock(&args.data_dir)?;
    start_locked(args, listener, data_dir_lock).await
}

/// [`start`], with the data dir's lock already taken (the binary takes it before it
/// binds `--listen`, so that a second server on one data dir is told so, whatever
/// address it was given).
pub async fn start_locked(
    args: &ServeArgs,
    listener: TcpListener,
    data_dir_lock: crate::datadir::DataDirLock,
) -> anyhow::Result<Running> {
    let callbacks = match args.callback_listen {
        Some(a) => Some(TcpListener::bind(a).await.with_context(|| {
            format!("cannot listen for provider callbacks on {a} (--callback-listen)")
        })?),
        None => None,
    };
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating data dir {}", args.data_dir.display()))?;
    let node = args
        .node_id
        .clone()
        .unwrap_or_else(|| format!("node-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]));
    let backend = args.backend();
    let (store, store_closer) =
        crate::store::open(&backend, &node)
            .await
            .with_context(|| match &backend {
                crate::store::Backend::Sled(p) => format!("opening the store in {}", p.display()),
                crate::store::Backend::Postgres(c) => format!(
                    "opening the store at {} (--database-url)",
                    crate::store::postgres::describe_url(&c.url)
                ),
            })?;
    let secrets = Secrets::load_or_create(&args.secrets_path())?;
    let crypto = Crypto::new(secrets, args.bcrypt_cost);
    if store.check_secrets(&crypto.secrets_check_value()).await? == SecretsCheck::Mismatch {
        anyhow::bail!(
            "the secrets file {} is not the one the data in {} was created with; \
             every node must use the same secrets file (copy it from a node that works)",
            args.secrets_path().display(),
            store.describe()
        );
    }
    let clock = match args.clock {
        ClockKind::System => Clock::System,
        ClockKind::Manual => Clock::manual(),
    };
    let (directory, bootstrap) = Directory::open(
        store.clone(),
        &node,
        args.admin_token.as_ref(),
        args.bootstrap_api_key.as_ref(),
        clock.now(),
    )
    .await?;
    tracing::info!(store = %store.describe(), node = %node, "store open");

    let (sink, reports) = ReportSink::new();
    let sandbox = Arc::new(
        Sandbox::new(sink, Some(args.data_dir.join("sandbox-outbox.jsonl")))
            .context("opening the sandbox outbox")?,
    );
    let channels = match &args.delivery {
        Some(d) => d
            .build(&args.env, sandbox.clone(), args.callback_listen.is_some())
            .map_err(|e| anyhow::anyhow!("--config: {e}"))?,
        None => Channels::new(sandbox.clone()),
    };
    let public_url = args
        .delivery
        .as_ref()
        .and_then(|d| d.callbacks.public_url.clone());
    let engine = Engine::new(
        store,
        node,
        directory,
        crypto,
        channels,
        clock,
        EngineConfig {
            voice_answer_timeout: Duration::from_secs(args.voice_answer_timeout_sec),
            send_timeout: Duration::from_secs(args.send_timeout_sec),
            watch_buffer: args.watch_buffer,
            lease: Duration::from_millis(args.lease_ms),
            directory_refresh: Duration::from_millis(args.directory_refresh_ms),
            check_slowdown_max_ms: args.check_slowdown_max_ms.min(60_000),
            retention: crate::engine::RetentionConfig {
                verifications: Duration::from_secs(
                    u64::from(args.keep_verifications_days) * 86_400,
                ),
                request_ids: Duration::from_secs(u64::from(args.keep_request_ids_hours) * 3600),
                audit: Duration::from_secs(u64::from(args.keep_audit_days) * 86_400),
                outbox: Duration::from_secs(u64::from(args.keep_outbox_days) * 86_400),
                every: Duration::from_secs(args.retention_interval_sec),
            },
        },
    );
    // Providers' health checks: each runs once before the node serves, so that a
    // provider known to be down is not tried first; then in the background.
    let checks = engine.channels().health_checks().len();
    if checks > 0 {
        // Each check's own timeout_sec (at most 60 s) bounds its fetch.
        let http = crate::channels::http::client(Duration::from_secs(60));
        engine.channels().check_health_now(&http).await;
        let (tracker, stop) = engine.tasks();
        engine.channels().spawn_health_checks(http, tracker, stop);
        tracing::info!(checks, "provider health checks running");
    }
    let resumed = engine.start_background(reports).await?;
    if resumed > 0 {
        tracing::info!(resumed, "resumed unfinished verifications");
    }

    let (health, health_service) = tonic_health::server::health_reporter();
    for s in SERVICES {
        health.set_service_status(s, ServingStatus::Serving).await;
    }
    // google.rpc's error details are registered too, so grpcurl prints an error's
    // ErrorInfo and BadRequest instead of base64.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1()?;
    // grpcurl 1.8 and Python's reflection client speak only v1alpha.
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let guard = Arc::new(api::guard::CredentialGuard::new(api::guard::GuardConfig {
        limit: args.bad_credentials_limit,
        window_ms: i64::try_from(args.bad_credentials_window_sec * 1000).unwrap_or(i64::MAX),
        block_ms: i64::try_from(args.bad_credentials_block_sec * 1000).unwrap_or(i64::MAX),
        client_ip_header: args
            .client_ip_header
            .as_ref()
            .map(|h| h.to_ascii_lowercase()),
    }));
    let webhooks = crate::webhooks::Webhooks::new(
        &engine,
        crate::webhooks::WebhookConfig {
            allow_private: args.allow_private_webhooks,
            concurrency: args.webhook_concurrency,
            per_endpoint: args.webhook_endpoint_concurrency,
        },
    );
    webhooks.start();
    let admission = api::admission::Admission::new(
        engine.crypto().clone(),
        api::admission::Limits {
            max_in_flight: args.max_in_flight,
            max_hash_queue: args.max_hash_queue,
            max_watch_streams_per_tenant: args.max_watch_streams_per_tenant,
        },
    );
    // Every request's size is bounded before it is decoded, so no field can make an
    // allocation grow past it.
    let verify = tonic::service::interceptor::InterceptedService::new(
        pb::verify_service_server::VerifyServiceServer::new(api::verify::VerifyApi::new(
            engine.clone(),
            webhooks.clone(),
            admission,
        ))
        .max_decoding_message_size(args.max_request_bytes),
        api::tenant_auth(engine.clone(), guard.clone()),
    );
    let admin = tonic::service::interceptor::InterceptedService::new(
        pb::admin_service_server::AdminServiceServer::new(api::admin::AdminApi::new(
            engine.clone(),
            sandbox.clone(),
            webhooks,
            Duration::from_secs(args.key_rotation_grace_sec),
        ))
        .max_decoding_message_size(ADMIN_MAX_REQUEST_BYTES),
        api::admin_auth(engine.clone(), guard),
    );
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .max_concurrent_streams(Some(args.max_streams_per_connection))
            .http2_max_header_list_size(Some(16 * 1024))
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(verify)
            .add_service(admin)
            .serve_with_incoming_shutdown(incoming(listener), stop.clone().cancelled_owned()),
    );
    tracing::info!(%addr, "serving");
    let (callback_addr, ingress) = match (callbacks, public_url) {
        (Some(l), Some(url)) => {
            let a = l.local_addr()?;
            tracing::info!(addr = %a, public_url = %url, "receiving provider callbacks");
            (
                Some(a),
                Some(crate::ingress::serve(l, engine.clone(), &url, stop.clone())),
            )
        }
        _ => (None, None),
    };
    Ok(Running {
        addr,
        callback_addr,
        ingress,
        engine,
        bootstrap,
        resumed,
        sandbox,
        health,
        stop,
        server,
        grace: args.grace(),
        store_closer,
        _data_dir_lock: data_dir_lock,
    })
}

/// Accepted connections with Nagle's algorithm off: gRPC writes small frames, and
/// Nagle holding them for the peer's delayed ACK adds ~40 ms to every call.
fn incoming(
    listener: TcpListener,
) -> impl futures::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    use futures::StreamExt;
    TcpListenerStream::new(listener).map(|conn| {
        let conn = conn?;
        conn.set_nodelay(true)?;
        Ok(conn)
    })
}

impl Running {
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Drains and stops; returns once the store is closed.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        tracing::info!("draining");
        for s in SERVICES {
            self.health
                .set_service_status(s, ServingStatus::NotServing)
                .await;
        }
        // One grace period for the whole drain, not one per phase.
        let deadline = tokio::time::Instant::now() + self.grace;
        let left = || {
            deadline
                .saturating_duration_since(tokio::time::Instant::now())
                .max(Duration::from_millis(100))
        };
        let drivers_done = self.engine.shutdown(self.grace).await;
        if !drivers_done {
            tracing::warn!("some drivers did not stop within the grace period");
        }
        self.stop.cancel();
        match tokio::time::timeout(left(), self.server).await {
            Ok(joined) => joined.context("server task")?.context("server")?,
            Err(_) => tracing::warn!("calls still running after the grace period were cut"),
        }
        if let Some(ingress) = self.ingress
            && tokio::time::timeout(left(), ingress).await.is_err()
        {
            tracing::warn!("callbacks still running after the grace period were cut");
        }
        // Let go of every handle, then close the store, so that the data directory
        // can be opened again (by a restart in the same process, say).
        drop(self.engine);
        drop(self.sandbox);
        if !self.store_closer.close(self.grace).await {
            tracing::warn!("the store was still in use after the grace period");
        }
        tracing::info!("stopped");
        Ok(())
    }
}
