//! The one HTTP listener for every provider's callbacks (`--callback-listen`):
//! `GET|POST /callbacks/<provider name>`.
//!
//! - The provider authenticates and reads the callback ([`Provider::callback`]): a bad
//!   signature is answered 401, logged without its body, and changes nothing; a body
//!   it cannot read is 400; a provider that takes no callbacks is 404.
//! - Each report names only the provider's id for the message; the store's index
//!   leads it to its attempt, on whichever node drives it. A callback can overtake
//!   the commit of its own acceptance, so an unknown id is looked up again a few
//!   times before the callback is acknowledged and ignored (as one for a finished
//!   attempt is: the machine ignores what no longer matters, so duplicates are
//!   harmless).
//! - Bounded: bodies are at most [`BODY_LIMIT`], at most [`CONCURRENCY`] callbacks
//!   are read and handled at once (the rest wait before their bodies are read: a
//!   flood slows the ingress down instead of growing memory), and reports reach
//!   drivers through bounded mailboxes.
//!
//! `GET /healthz` answers 200 for load balancers in front of the ingress.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::channels::{CallbackError, CallbackOutcome, CallbackRequest, ProviderReport};
use crate::engine::Engine;

/// The largest callback body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;
/// How many callbacks are handled at once.
pub const CONCURRENCY: usize = 64;
/// How often, and how far apart, an unknown provider id is looked up again.
const LOOKUPS: u32 = 5;
const LOOKUP_GAP: Duration = Duration::from_millis(200);

#[derive(Clone)]
struct Ingress {
    engine: Engine,
    /// The base URL providers call, without a trailing slash.
    public_url: Arc<str>,
    permits: Arc<Semaphore>,
}

/// Serves the ingress on `listener` until `stop`.
pub fn serve(
    listener: TcpListener,
    engine: Engine,
    public_url: &str,
    stop: CancellationToken,
) -> JoinHandle<std::io::Result<()>> {
    let state = Ingress {
        engine,
        public_url: public_url.trim_end_matches('/').into(),
        permits: Arc::new(Semaphore::new(CONCURRENCY)),
    };
    let app = axum::Router::new()
        .route("/callbacks/{name}", any(callback))
        // The permit is taken before the body is read (the handler's extractor reads
        // it), so at most CONCURRENCY bodies are in memory at once.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), admit))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    })
}

fn wall_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Holds one of the ingress's permits while a callback is read and handled; the
/// rest wait, unread.
async fn admit(
    State(st): State<Ingress>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Ok(_permit) = st.permits.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    next.run(req).await
}

async fn callback(
    State(st): State<Ingress>,
    Path(name): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(provider) = st.engine.channels().provider(&name) else {
        return (StatusCode::NOT_FOUND, "no such provider\n").into_response();
    };
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let req = CallbackRequest {
        method,
        public_url: format!("{}{path_and_query}", st.public_url),
        query: uri.query().unwrap_or("").to_owned(),
        headers,
        body,
        now: wall_now(),
    };
    match provider.callback(&req) {
        Err(CallbackError::BadSignature(why)) => {
            tracing::warn!(provider = %name, why, "callback refused: bad signature");
            (StatusCode::UNAUTHORIZED, "bad signature\n").into_response()
        }
        Err(CallbackError::Malformed(why)) => {
            tracing::warn!(provider = %name, why, "callback refused: malformed");
            (StatusCode::BAD_REQUEST, "malformed callback\n").into_response()
        }
        Err(CallbackError::NotSupported) => {
            (StatusCode::NOT_FOUND, "this provider takes no callbacks\n").into_response()
        }
        Ok(CallbackOutcome::Reply {
            status,
            content_type,
            body,
        }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [(header::CONTENT_TYPE, content_type)],
            body,
        )
            .into_response(),
        Ok(CallbackOutcome::Reports(reports)) => {
            for r in reports {
                if let Err(status) = route(&st.engine, &name, r).await {
                    return status.into_response();
                }
            }
            (StatusCode::OK, "ok\n").into_response()
        }
    }
}

/// Hands one report to its attempt. A store fault is answered 503, so that a
/// provider that retries callbacks tries again.
async fn route(engine: &Engine, provider: &str, r: ProviderReport) -> Result<(), StatusCode> {
    for lookup in 0..LOOKUPS {
        match engine
            .report_external(provider, &r.external_id, r.report.clone())
            .await
        {
            Ok(true) => return Ok(()),
            Ok(false) if lookup + 1 < LOOKUPS => tokio::time::sleep(LOOKUP_GAP).await,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(provider, error = %e, "a callback could not be applied");
                return Err(StatusCode::SERVICE_UNAVAILABLE);
            }
        }
    }
    tracing::info!(
        provider,
        "callback for an unknown message; acknowledged and ignored"
    );
    Ok(())
}
