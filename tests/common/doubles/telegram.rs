//! A stand-in for the Telegram Gateway API (<https://core.telegram.org/gateway/api>)
//! on 127.0.0.1:0.
//!
//! It serves `sendVerificationMessage`, `checkVerificationStatus` and
//! `revokeVerificationMessage` as POSTs with a JSON body and `Authorization: Bearer
//! <token>`, and answers `{"ok":true,"result":…}` or `{"ok":false,"error":"…"}`
//! like the real API. Every request is recorded ([`TelegramDouble::requests`]);
//! anything verifyd should never send (another method, a form body, an unknown
//! parameter, a phone number that is not E.164, a code that is not 4–8 digits, a
//! `ttl` outside 30–3600, a `payload` over 128 bytes, …) is answered with the API's
//! error and kept as a violation, which [`TelegramDouble::assert_clean`] turns into a
//! test failure.
//!
//! How it answers a send is chosen per phone number ([`TelegramDouble::set_for`]) or
//! for all ([`TelegramDouble::set_default`]): see [`Behaviour`]. Polls and
//! revocations can be made to fail with [`TelegramDouble::set_for_method`].
//!
//! Reports are signed exactly as Telegram signs them ([`sign`]): build one with
//! [`TelegramDouble::report`] and hand it to the provider or post it to an ingress,
//! or let [`TelegramDouble::post_reports`] post every pending report to the
//! `callback_url` its message was sent with.
//!
//! ```ignore
//! let tg = TelegramDouble::start().await;
//! tg.set_for("+491701234567", Behaviour::Expire);
//! // … configure base_url = tg.base_url(), token = telegram::TOKEN, send …
//! tg.post_reports().await;   // Telegram calls back: "expired"
//! tg.assert_clean();
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The API token the double accepts unless started with another.
pub const TOKEN: &str = "tg-gateway-test-token-0123456789abcdef";
/// The price of one message, in USD, unless [`TelegramDouble::set_cost`] says otherwise.
pub const COST: f64 = 0.01;

/// What happens to a message sent to a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Accepted, then delivered: reports and polls say `delivered`.
    Deliver,
    /// Accepted, delivered and read: `read`.
    Read,
    /// Accepted, then never delivered: `expired`, fee refunded (a failure that
    /// arrives later, by report).
    Expire,
    /// Accepted; the status stays `sent` and nothing is ever reported.
    Silent,
    /// Refused: HTTP `status` and `{"ok":false,"error":<error>}`.
    Refuse { status: u16, error: String },
    /// HTTP 500 with an HTML body, as a failing front end answers.
    ServerError,
    /// HTTP 429 with `Retry-After` and `{"ok":false,"error":"FLOOD_WAIT_<secs>"}`.
    Flood { retry_after_secs: u64 },
    /// Never answers.
    Hang,
}

impl Behaviour {
    /// A refusal with the API's error string, with HTTP 400 (401 for token errors).
    pub fn refuse(error: &str) -> Self {
        let status = if error.starts_with("ACCESS_TOKEN") {
            401
        } else {
            400
        };
        Behaviour::Refuse {
            status,
            error: error.to_owned(),
        }
    }

    /// The delivery status an accepted message ends in.
    fn outcome(&self) -> Option<&'static str> {
        match self {
            Behaviour::Deliver => Some("delivered"),
            Behaviour::Read => Some("read"),
            Behaviour::Expire => Some("expired"),
            _ => None,
        }
    }
}

/// One request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    /// The path, e.g. `/sendVerificationMessage`.
    pub path: String,
    pub headers: HeaderMap,
    /// The body, parsed as JSON (`Null` if it was not JSON).
    pub json: Value,
}

/// A message the double accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub request_id: String,
    pub phone_number: String,
    pub code: String,
    pub ttl: Option<u64>,
    pub callback_url: Option<String>,
    pub payload: Option<String>,
    pub sender_username: Option<String>,
    /// The delivery status now: `sent`, `delivered`, `read`, `expired`, `revoked`.
    pub status: String,
    /// Whether [`TelegramDouble::post_reports`] posted its report already.
    pub reported: bool,
}

/// A report signed as Telegram signs it: the headers and the raw body.
#[derive(Debug, Clone)]
pub struct SignedReport {
    /// `X-Request-Timestamp`, unix seconds.
    pub timestamp: i64,
    /// `X-Request-Signature`.
    pub signature: String,
    pub body: Vec<u8>,
}

impl SignedReport {
    /// Signs `body` with `token` at `timestamp`.
    pub fn new(token: &str, timestamp: i64, body: Vec<u8>) -> Self {
        Self {
            timestamp,
            signature: sign(token, timestamp, &body),
            body,
        }
    }

    /// The headers a report comes with.
    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert(
            "x-request-timestamp",
            self.timestamp.to_string().parse().unwrap(),
        );
        h.insert("x-request-signature", self.signature.parse().unwrap());
        h
    }
}

/// `X-Request-Signature`: hex HMAC-SHA256 of `timestamp + "\n" + body`, keyed with
/// SHA-256 of the API token.
pub fn sign(token: &str, timestamp: i64, body: &[u8]) -> String {
    let key = Sha256::digest(token.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b"\n");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Inner {
    default: Behaviour,
    by_phone: HashMap<String, Behaviour>,
    by_method: HashMap<String, Behaviour>,
    requests: Vec<Recorded>,
    messages: Vec<Message>,
    violations: Vec<String>,
    cost: f64,
    next_id: u64,
}

struct Shared {
    token: String,
    // std Mutex: held to read or update the state, never across an await.
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running double. Dropping it stops the server.
pub struct TelegramDouble {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    client: reqwest::Client,
}

impl Drop for TelegramDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TelegramDouble {
    /// Starts a double that accepts [`TOKEN`] and delivers every message.
    pub async fn start() -> Self {
        Self::start_with_token(TOKEN).await
    }

    pub async fn start_with_token(token: &str) -> Self {
        let shared = Arc::new(Shared {
            token: token.to_owned(),
            inner: Mutex::new(Inner {
                default: Behaviour::Deliver,
                by_phone: HashMap::new(),
                by_method: HashMap::new(),
                requests: Vec::new(),
                messages: Vec::new(),
                violations: Vec::new(),
                cost: COST,
                next_id: 1,
            }),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            shared,
            server,
            client: {
                // reqwest here has rustls without a default crypto provider.
                verifyd::channels::http::install_crypto();
                reqwest::Client::new()
            },
        }
    }

    /// `http://127.0.0.1:<port>`, for `base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How sends to numbers without their own behaviour are answered.
    pub fn set_default(&self, b: Behaviour) {
        self.shared.lock().default = b;
    }

    /// How sends to `phone` (E.164) are answered.
    pub fn set_for(&self, phone: &str, b: Behaviour) {
        self.shared.lock().by_phone.insert(phone.to_owned(), b);
    }

    /// How every call of `method` (`sendVerificationMessage`,
    /// `checkVerificationStatus`, `revokeVerificationMessage`) is answered, whatever
    /// the number. Only the refusing behaviours (`Refuse`, `ServerError`, `Flood`,
    /// `Hang`) change anything for polls and revocations.
    pub fn set_for_method(&self, method: &str, b: Behaviour) {
        self.shared.lock().by_method.insert(method.to_owned(), b);
    }

    /// The `request_cost` of accepted messages, in USD.
    pub fn set_cost(&self, usd: f64) {
        self.shared.lock().cost = usd;
    }

    /// Sets a message's delivery status, as Telegram would when it changes.
    pub fn set_status(&self, request_id: &str, status: &str) {
        let mut inner = self.shared.lock();
        let m = inner
            .messages
            .iter_mut()
            .find(|m| m.request_id == request_id)
            .expect("a message the double accepted");
        m.status = status.to_owned();
        m.reported = false;
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Every message accepted, oldest first.
    pub fn messages(&self) -> Vec<Message> {
        self.shared.lock().messages.clone()
    }

    pub fn message(&self, request_id: &str) -> Option<Message> {
        self.messages()
            .into_iter()
            .find(|m| m.request_id == request_id)
    }

    /// What verifyd sent that it should not have, in words.
    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }

    /// Fails the test if any request broke the wire format.
    pub fn assert_clean(&self) {
        let v = self.violations();
        assert!(
            v.is_empty(),
            "Telegram Gateway wire-format violations: {v:#?}"
        );
    }

    /// The report of a message's current status, signed now.
    pub fn report(&self, request_id: &str) -> SignedReport {
        let status = self
            .message(request_id)
            .expect("a message the double accepted")
            .status;
        self.report_with(request_id, &status, now_secs())
    }

    /// A report saying `status` about `request_id`, signed at `timestamp`.
    pub fn report_with(&self, request_id: &str, status: &str, timestamp: i64) -> SignedReport {
        let m = self.message(request_id);
        let cost = self.shared.lock().cost;
        let body = request_status(
            request_id,
            m.as_ref()
                .map_or("+10000000000", |m| m.phone_number.as_str()),
            cost,
            Some(status),
            timestamp,
            m.as_ref().and_then(|m| m.payload.as_deref()),
        );
        SignedReport::new(&self.shared.token, timestamp, body.to_string().into_bytes())
    }

    /// Posts, like Telegram, the report of every accepted message that has a
    /// `callback_url` and a status past `sent` not yet reported. Returns the
    /// `request_id` and the HTTP status of each post (0 if it could not be made).
    pub async fn post_reports(&self) -> Vec<(String, u16)> {
        let due: Vec<(String, String)> = {
            let mut inner = self.shared.lock();
            inner
                .messages
                .iter_mut()
                .filter(|m| !m.reported && m.status != "sent")
                .filter_map(|m| {
                    let url = m.callback_url.clone()?;
                    m.reported = true;
                    Some((m.request_id.clone(), url))
                })
                .collect()
        };
        let mut out = Vec::new();
        for (id, url) in due {
            let r = self.report(&id);
            let status = match self
                .client
                .post(&url)
                .headers(r.headers())
                .body(r.body)
                .send()
                .await
            {
                Ok(resp) => resp.status().as_u16(),
                Err(_) => 0,
            };
            out.push((id, status));
        }
        out
    }
}

/// A `RequestStatus` object.
fn request_status(
    request_id: &str,
    phone: &str,
    cost: f64,
    status: Option<&str>,
    at: i64,
    payload: Option<&str>,
) -> Value {
    let mut v = json!({
        "request_id": request_id,
        "phone_number": phone,
        "request_cost": cost,
    });
    if let Some(s) = status {
        v["delivery_status"] = json!({ "status": s, "updated_at": at });
        if s == "expired" {
            v["is_refunded"] = json!(true);
        }
    }
    if let Some(p) = payload {
        v["payload"] = json!(p);
    }
    v
}

fn answer(status: u16, body: Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn ok(result: Value) -> Response<Body> {
    answer(200, json!({ "ok": true, "result": result }))
}

fn error(status: u16, e: &str) -> Response<Body> {
    answer(status, json!({ "ok": false, "error": e }))
}

/// The answer a refusing behaviour gives, or `None` for the accepting ones.
async fn refusal(b: &Behaviour) -> Option<Response<Body>> {
    match b {
        Behaviour::Refuse { status, error: e } => Some(error(*status, e)),
        Behaviour::ServerError => Some(
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .header("content-type", "text/html")
                .body(Body::from(
                    "<html><body>500 Internal Server Error</body></html>",
                ))
                .unwrap(),
        ),
        Behaviour::Flood { retry_after_secs } => Some(
            Response::builder()
                .status(StatusCode::TOO_MANY_REQUESTS)
                .header("content-type", "application/json")
                .header("retry-after", retry_after_secs.to_string())
                .body(Body::from(
                    json!({ "ok": false, "error": format!("FLOOD_WAIT_{retry_after_secs}") })
                        .to_string(),
                ))
                .unwrap(),
        ),
        Behaviour::Hang => {
            std::future::pending::<()>().await;
            None
        }
        _ => None,
    }
}

/// Checks the parameters' names against `allowed` and the required ones.
fn check_keys(
    body: &Value,
    allowed: &[&str],
    required: &[&str],
    violations: &mut Vec<String>,
) -> bool {
    let Some(obj) = body.as_object() else {
        violations.push(format!("the body is not a JSON object: {body}"));
        return false;
    };
    let mut clean = true;
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            violations.push(format!("unexpected parameter {k}"));
            clean = false;
        }
    }
    for k in required {
        if !obj.contains_key(*k) {
            violations.push(format!("missing parameter {k}"));
            clean = false;
        }
    }
    clean
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
    })
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_owned();
    let api_method = path.trim_start_matches('/').to_owned();
    let mut violations = Vec::new();
    {
        let mut inner = shared.lock();
        inner.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            headers: headers.clone(),
            json: json.clone(),
        });
    }
    let verdict = check_request(
        &shared,
        &method,
        &api_method,
        &headers,
        &body,
        &json,
        &mut violations,
    );
    if !violations.is_empty() {
        shared.lock().violations.extend(violations);
    }
    if let Some(resp) = verdict {
        return resp;
    }
    let by_method = shared.lock().by_method.get(&api_method).cloned();
    match api_method.as_str() {
        "sendVerificationMessage" => send(&shared, &json, by_method).await,
        "checkVerificationStatus" | "revokeVerificationMessage" => {
            if let Some(b) = &by_method
                && let Some(resp) = refusal(b).await
            {
                return resp;
            }
            let id = json["request_id"].as_str().unwrap_or_default().to_owned();
            let mut inner = shared.lock();
            let cost = inner.cost;
            let Some(m) = inner.messages.iter_mut().find(|m| m.request_id == id) else {
                return error(400, "REQUEST_ID_INVALID");
            };
            if api_method == "revokeVerificationMessage" {
                if !matches!(m.status.as_str(), "delivered" | "read") {
                    m.status = "revoked".into();
                    m.reported = false;
                }
                return ok(json!(true));
            }
            ok(request_status(
                &m.request_id,
                &m.phone_number,
                cost,
                Some(&m.status),
                now_secs(),
                m.payload.as_deref(),
            ))
        }
        _ => unreachable!("check_request refuses other methods"),
    }
}

/// The checks every request passes before its method runs: the answer to give
/// instead, if one fails.
fn check_request(
    shared: &Shared,
    method: &Method,
    api_method: &str,
    headers: &HeaderMap,
    body: &Bytes,
    json: &Value,
    violations: &mut Vec<String>,
) -> Option<Response<Body>> {
    if !matches!(
        api_method,
        "sendVerificationMessage" | "checkVerificationStatus" | "revokeVerificationMessage"
    ) {
        violations.push(format!("unknown method {api_method}"));
        return Some(error(404, "METHOD_NOT_FOUND"));
    }
    if method != Method::POST {
        violations.push(format!("{api_method} was called with {method}, not POST"));
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/json") {
        violations.push(format!(
            "{api_method}: content-type {content_type:?}, not application/json"
        ));
        return Some(error(400, "BAD_REQUEST"));
    }
    if json.is_null() {
        violations.push(format!(
            "{api_method}: the body is not JSON: {:?}",
            String::from_utf8_lossy(body)
        ));
        return Some(error(400, "BAD_REQUEST"));
    }
    if json.get("access_token").is_some() {
        violations.push("the token went in the body, not the Authorization header".into());
    }
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth.is_empty() {
        return Some(error(401, "ACCESS_TOKEN_REQUIRED"));
    }
    if auth != format!("Bearer {}", shared.token) {
        return Some(error(401, "ACCESS_TOKEN_INVALID"));
    }
    None
}

async fn send(shared: &Shared, json: &Value, by_method: Option<Behaviour>) -> Response<Body> {
    let mut v = Vec::new();
    let allowed = [
        "phone_number",
        "code",
        "ttl",
        "callback_url",
        "payload",
        "sender_username",
    ];
    if !check_keys(json, &allowed, &["phone_number", "code", "payload"], &mut v) {
        shared.lock().violations.extend(v);
        return error(400, "BAD_REQUEST");
    }
    let phone = json["phone_number"].as_str().unwrap_or_default().to_owned();
    let code = json["code"].as_str().unwrap_or_default().to_owned();
    let mut refuse = None;
    if !is_e164(&phone) {
        v.push(format!(
            "phone_number {:?} is not E.164",
            json["phone_number"]
        ));
        refuse = Some("PHONE_NUMBER_INVALID");
    }
    if !(4..=8).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        v.push(format!("code {:?} is not 4 to 8 digits", json["code"]));
        refuse = Some("CODE_INVALID");
    }
    let ttl = match json.get("ttl") {
        None => None,
        Some(t) => match t.as_u64().filter(|t| (30..=3600).contains(t)) {
            Some(t) => Some(t),
            None => {
                v.push(format!("ttl {t} is not an integer from 30 to 3600"));
                refuse = Some("TTL_INVALID");
                None
            }
        },
    };
    let text = |k: &str, max: usize, v: &mut Vec<String>| match json.get(k) {
        None => None,
        Some(Value::String(s)) if s.len() <= max => Some(s.clone()),
        Some(other) => {
            v.push(format!(
                "{k} {other} is not a string of at most {max} bytes"
            ));
            None
        }
    };
    let callback_url = text("callback_url", 256, &mut v);
    if let Some(u) = &callback_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        v.push(format!("callback_url {u:?} is not a URL"));
        refuse = Some("CALLBACK_URL_INVALID");
    }
    let payload = text("payload", 128, &mut v);
    if json.get("payload").is_some() && payload.is_none() {
        refuse = Some("PAYLOAD_INVALID");
    }
    let sender_username = text("sender_username", 32, &mut v);
    if json.get("sender_username").is_some() && sender_username.is_none() {
        refuse = Some("SENDER_USERNAME_INVALID");
    }
    if !v.is_empty() {
        shared.lock().violations.extend(v);
    }
    if let Some(e) = refuse {
        return error(400, e);
    }
    let behaviour = by_method.unwrap_or_else(|| {
        let inner = shared.lock();
        inner
            .by_phone
            .get(&phone)
            .cloned()
            .unwrap_or_else(|| inner.default.clone())
    });
    if let Some(resp) = refusal(&behaviour).await {
        return resp;
    }
    let mut inner = shared.lock();
    let request_id = format!("{:016x}", 0x5eed_0000_0000_0000u64 + inner.next_id);
    inner.next_id += 1;
    let status = behaviour.outcome().unwrap_or("sent");
    let cost = inner.cost;
    inner.messages.push(Message {
        request_id: request_id.clone(),
        phone_number: phone.clone(),
        code,
        ttl,
        callback_url,
        payload: payload.clone(),
        sender_username,
        status: status.into(),
        reported: false,
    });
    // The answer to a send shows the message just sent; what follows comes later.
    let mut result = request_status(
        &request_id,
        &phone,
        cost,
        Some("sent"),
        now_secs(),
        payload.as_deref(),
    );
    result["remaining_balance"] = json!(100.0);
    ok(result)
}
