//! A stand-in for Meta's WhatsApp Business Cloud API (Graph API) on 127.0.0.1:0.
//!
//! It serves `POST /<version>/<phone_number_id>/messages` for authentication
//! templates with a copy-code button, with `Authorization: Bearer <access token>`,
//! and answers like Graph: `{"messaging_product":"whatsapp","contacts":[…],
//! "messages":[{"id":"wamid.…"}]}` or `{"error":{"message","type","code",
//! "error_data":{"details"},"fbtrace_id"}}`. Every request is recorded
//! ([`WhatsAppDouble::requests`]); a body that is not exactly the authentication
//! template shape Meta documents (both components, the code twice, `index` as the
//! string `"0"`, `to` as digits, no stray fields) is answered `(#100) Invalid
//! parameter` and kept as a violation for [`WhatsAppDouble::assert_clean`]. A
//! template must exist in the language asked for ([`WhatsAppDouble::add_template`];
//! [`TEMPLATE`] exists in verifyd's default languages), or the answer is `132001`.
//!
//! How a send to a number is answered is chosen per number
//! ([`WhatsAppDouble::set_for`]) or for all ([`WhatsAppDouble::set_default`]): see
//! [`Behaviour`]. What happens next arrives by webhook: [`WhatsAppDouble::webhooks_for`]
//! builds the notifications, signed with the app secret exactly as Meta signs
//! (`X-Hub-Signature-256`), and [`WhatsAppDouble::post_webhooks`] posts them to the
//! URL set with [`WhatsAppDouble::set_webhook_url`]; [`WhatsAppDouble::verify_webhook`]
//! makes Meta's `hub.challenge` check.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Response, Uri};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// The business phone number's id the double serves.
pub const PHONE_NUMBER_ID: &str = "106540352242922";
/// The WhatsApp Business Account the notifications come from.
pub const WABA_ID: &str = "102290129340398";
pub const DISPLAY_PHONE_NUMBER: &str = "15550783881";
pub const ACCESS_TOKEN: &str = "EAAJBtestAccessToken0123456789abcdef";
pub const APP_SECRET: &str = "d4f1a6c0b2e94b7d8a1c3e5f7092b4d6";
pub const VERIFY_TOKEN: &str = "verifyd-webhook-verify-token-7f3a";
/// The authentication template that exists from the start.
pub const TEMPLATE: &str = "verification_code";
/// The languages [`TEMPLATE`] exists in: verifyd's defaults, and a few more.
pub const TEMPLATE_LANGUAGES: [&str; 23] = [
    "en_US", "de", "fr", "it", "es", "pl", "nl", "ro", "pt_PT", "cs", "hu", "sv", "da", "fi", "sk",
    "hr", "tr", "ru", "bg", "uk", "en", "en_GB", "pt_BR",
];

/// What happens to a message sent to a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Accepted; webhooks say `sent`, then `delivered`.
    Deliver,
    /// Accepted; `sent`, `delivered`, `read`.
    Read,
    /// Accepted, then not delivered: a `failed` webhook with this error.
    Fail { code: i64, title: String },
    /// Accepted; only `sent` is ever reported.
    Silent,
    /// Refused at once: HTTP `status` and a Graph error with `code`.
    Refuse {
        status: u16,
        code: i64,
        message: String,
        details: String,
    },
    /// HTTP 500, `(#131000) Something went wrong`.
    ServerError,
    /// HTTP 429 with `Retry-After`, `(#130429) Rate limit hit`.
    RateLimited { retry_after_secs: u64 },
    /// Never answers.
    Hang,
}

impl Behaviour {
    /// Accepted, then failed as undeliverable (`131026`), as for a number that is
    /// not on WhatsApp.
    pub fn fail_later() -> Self {
        Behaviour::Fail {
            code: 131026,
            title: "Message undeliverable".into(),
        }
    }

    /// Refused with Meta's HTTP status and message for `code`.
    pub fn refuse(code: i64) -> Self {
        let (status, message, details) = match code {
            190 => (
                401,
                "Invalid OAuth access token - Cannot parse access token",
                "",
            ),
            10 => (
                403,
                "(#10) Application does not have permission for this action",
                "",
            ),
            200 => (403, "(#200) Permissions error", ""),
            368 => (
                403,
                "(#368) Temporarily blocked for policies violations",
                "",
            ),
            100 => (400, "(#100) Invalid parameter", "Invalid parameter"),
            131009 => (
                400,
                "(#131009) Parameter value is not valid",
                "Recipient phone number not valid",
            ),
            131026 => (
                400,
                "(#131026) Message undeliverable",
                "Unable to deliver message: the recipient phone number is not a WhatsApp phone number",
            ),
            131047 => (400, "(#131047) Re-engagement message", ""),
            131051 => (400, "(#131051) Unsupported message type", ""),
            131056 => (
                400,
                "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time",
            ),
            130429 => (400, "(#130429) Rate limit hit", ""),
            80007 => (400, "(#80007) Rate limit issues", ""),
            132001 => (
                404,
                "(#132001) Template name does not exist in the translation",
                "",
            ),
            _ => (400, "(#0) An error", ""),
        };
        Behaviour::Refuse {
            status,
            code,
            message: message.to_owned(),
            details: details.to_owned(),
        }
    }

    /// The statuses reported after acceptance, in order.
    fn statuses(&self) -> Vec<&'static str> {
        match self {
            Behaviour::Deliver => vec!["sent", "delivered"],
            Behaviour::Read => vec!["sent", "delivered", "read"],
            Behaviour::Fail { .. } => vec!["failed"],
            Behaviour::Silent => vec!["sent"],
            _ => vec![],
        }
    }
}

/// One request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    /// The body, parsed as JSON (`Null` if it was not JSON).
    pub json: Value,
}

/// A message the double accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `wamid.…`
    pub id: String,
    /// Digits, as sent in `to`.
    pub to: String,
    pub template: String,
    pub language: String,
    pub code: String,
    pub biz_opaque_callback_data: Option<String>,
    pub behaviour: Behaviour,
    /// How many of its webhooks [`WhatsAppDouble::post_webhooks`] posted.
    pub posted: usize,
}

/// A webhook notification signed as Meta signs it.
#[derive(Debug, Clone)]
pub struct SignedWebhook {
    /// `X-Hub-Signature-256`, `sha256=<hex>`.
    pub signature: String,
    pub body: Vec<u8>,
}

impl SignedWebhook {
    pub fn new(app_secret: &str, body: Vec<u8>) -> Self {
        Self {
            signature: sign(app_secret, &body),
            body,
        }
    }

    /// The headers a notification comes with.
    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert("x-hub-signature-256", self.signature.parse().unwrap());
        h
    }
}

/// `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed
/// with the app secret.
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The query of Meta's subscription check.
pub fn subscription_query(verify_token: &str, challenge: &str) -> String {
    serde_urlencoded::to_string([
        ("hub.mode", "subscribe"),
        ("hub.challenge", challenge),
        ("hub.verify_token", verify_token),
    ])
    .unwrap()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A notification of `value` (a `messages` change), as Meta wraps it.
pub fn envelope(value: Value) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": WABA_ID,
            "changes": [{ "value": value, "field": "messages" }],
        }],
    })
}

fn metadata() -> Value {
    json!({
        "display_phone_number": DISPLAY_PHONE_NUMBER,
        "phone_number_id": PHONE_NUMBER_ID,
    })
}

/// One `statuses` item.
pub fn status_item(id: &str, status: &str, recipient: &str, error: Option<(i64, &str)>) -> Value {
    let mut s = json!({
        "id": id,
        "status": status,
        "timestamp": now_secs().to_string(),
        "recipient_id": recipient,
    });
    if status != "failed" {
        s["conversation"] = json!({
            "id": "c0ffee0123456789abcdef0123456789",
            "origin": { "type": "authentication" },
        });
        s["pricing"] = json!({
            "billable": true,
            "pricing_model": "PMP",
            "category": "authentication",
            "type": "regular",
        });
    }
    if let Some((code, title)) = error {
        s["errors"] = json!([{
            "code": code,
            "title": title,
            "message": title,
            "error_data": { "details": format!("{title} (the double)") },
        }]);
    }
    s
}

struct Inner {
    default: Behaviour,
    by_number: HashMap<String, Behaviour>,
    templates: HashMap<String, HashSet<String>>,
    requests: Vec<Recorded>,
    messages: Vec<Message>,
    violations: Vec<String>,
    webhook_url: Option<String>,
    next_id: u64,
}

struct Shared {
    access_token: String,
    // std Mutex: held to read or update the state, never across an await.
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running double. Dropping it stops the server.
pub struct WhatsAppDouble {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    client: reqwest::Client,
}

impl Drop for WhatsAppDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl WhatsAppDouble {
    /// Starts a double for [`PHONE_NUMBER_ID`] that accepts [`ACCESS_TOKEN`] and
    /// delivers every message.
    pub async fn start() -> Self {
        let templates = HashMap::from([(
            TEMPLATE.to_owned(),
            TEMPLATE_LANGUAGES.iter().map(|l| l.to_string()).collect(),
        )]);
        let shared = Arc::new(Shared {
            access_token: ACCESS_TOKEN.to_owned(),
            inner: Mutex::new(Inner {
                default: Behaviour::Deliver,
                by_number: HashMap::new(),
                templates,
                requests: Vec::new(),
                messages: Vec::new(),
                violations: Vec::new(),
                webhook_url: None,
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
        // reqwest here has rustls without a default crypto provider.
        verifyd::channels::http::install_crypto();
        Self {
            addr,
            shared,
            server,
            client: reqwest::Client::new(),
        }
    }

    /// `http://127.0.0.1:<port>`, for `base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_default(&self, b: Behaviour) {
        self.shared.lock().default = b;
    }

    /// How sends to `number` (E.164 or digits) are answered.
    pub fn set_for(&self, number: &str, b: Behaviour) {
        let digits = number.trim_start_matches('+').to_owned();
        self.shared.lock().by_number.insert(digits, b);
    }

    /// Makes a template exist (approved) in `languages`.
    pub fn add_template(&self, name: &str, languages: &[&str]) {
        let mut inner = self.shared.lock();
        let set = inner.templates.entry(name.to_owned()).or_default();
        set.extend(languages.iter().map(|l| l.to_string()));
    }

    /// Where [`Self::post_webhooks`] posts, e.g. `<public_url>/callbacks/<name>`.
    pub fn set_webhook_url(&self, url: &str) {
        self.shared.lock().webhook_url = Some(url.to_owned());
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    pub fn messages(&self) -> Vec<Message> {
        self.shared.lock().messages.clone()
    }

    pub fn message(&self, id: &str) -> Option<Message> {
        self.messages().into_iter().find(|m| m.id == id)
    }

    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }

    /// Fails the test if any request broke the wire format.
    pub fn assert_clean(&self) {
        let v = self.violations();
        assert!(
            v.is_empty(),
            "WhatsApp Cloud API wire-format violations: {v:#?}"
        );
    }

    /// A signed notification with one status of message `id`.
    pub fn status_webhook(&self, id: &str, status: &str) -> SignedWebhook {
        let to = self
            .message(id)
            .map_or_else(|| "15550000000".to_owned(), |m| m.to);
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(),
            "statuses": [status_item(id, status, &to, None)],
        });
        SignedWebhook::new(APP_SECRET, envelope(value).to_string().into_bytes())
    }

    /// A signed `failed` notification of message `id` with this error.
    pub fn failed_webhook(&self, id: &str, code: i64, title: &str) -> SignedWebhook {
        let to = self
            .message(id)
            .map_or_else(|| "15550000000".to_owned(), |m| m.to);
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(),
            "statuses": [status_item(id, "failed", &to, Some((code, title)))],
        });
        SignedWebhook::new(APP_SECRET, envelope(value).to_string().into_bytes())
    }

    /// A signed notification of an incoming text message (no status in it).
    pub fn incoming_message_webhook(&self, from: &str, text: &str) -> SignedWebhook {
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": metadata(),
            "contacts": [{ "profile": { "name": "Kerry Fisher" }, "wa_id": from }],
            "messages": [{
                "from": from,
                "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQURCNTg1QTg3QzQ3NTAzOEE2NgA=",
                "timestamp": now_secs().to_string(),
                "text": { "body": text },
                "type": "text",
            }],
        });
        SignedWebhook::new(APP_SECRET, envelope(value).to_string().into_bytes())
    }

    /// Every notification message `id` gets, in order, as its behaviour says.
    pub fn webhooks_for(&self, id: &str) -> Vec<SignedWebhook> {
        let m = self.message(id).expect("a message the double accepted");
        m.behaviour
            .statuses()
            .into_iter()
            .map(|s| match (&m.behaviour, s) {
                (Behaviour::Fail { code, title }, "failed") => {
                    self.failed_webhook(id, *code, title)
                }
                _ => self.status_webhook(id, s),
            })
            .collect()
    }

    /// Posts, like Meta, every notification not posted yet to the webhook URL.
    /// Returns the message id, the status and the HTTP status of each post (0 if
    /// it could not be made).
    pub async fn post_webhooks(&self) -> Vec<(String, String, u16)> {
        let url = self
            .shared
            .lock()
            .webhook_url
            .clone()
            .expect("set_webhook_url first");
        let due: Vec<(String, usize)> = {
            let mut inner = self.shared.lock();
            inner
                .messages
                .iter_mut()
                .map(|m| {
                    let from = m.posted;
                    m.posted = m.behaviour.statuses().len();
                    (m.id.clone(), from)
                })
                .collect()
        };
        let mut out = Vec::new();
        for (id, from) in due {
            let statuses = self.message(&id).unwrap().behaviour.statuses();
            for (hook, status) in self.webhooks_for(&id).into_iter().zip(statuses).skip(from) {
                let code = match self
                    .client
                    .post(&url)
                    .headers(hook.headers())
                    .body(hook.body)
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((id.clone(), status.to_owned(), code));
            }
        }
        out
    }

    /// Meta's check when the webhook URL is saved: a GET with the verify token and a
    /// challenge. Returns the HTTP status and the body.
    pub async fn verify_webhook(&self, verify_token: &str, challenge: &str) -> (u16, String) {
        let url = self
            .shared
            .lock()
            .webhook_url
            .clone()
            .expect("set_webhook_url first");
        let r = self
            .client
            .get(format!(
                "{url}?{}",
                subscription_query(verify_token, challenge)
            ))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    }
}

fn answer(status: u16, body: Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn graph_error(status: u16, kind: &str, code: i64, message: &str, details: &str) -> Response<Body> {
    let mut e = json!({
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "AazWx3fb1E2cVf3q7s0LZ9Q",
    });
    if !details.is_empty() {
        e["error_data"] = json!({ "messaging_product": "whatsapp", "details": details });
    }
    answer(status, json!({ "error": e }))
}

fn invalid_parameter(details: &str) -> Response<Body> {
    graph_error(
        400,
        "OAuthException",
        100,
        "(#100) Invalid parameter",
        details,
    )
}

/// The answer a refusing behaviour gives, or `None` for the accepting ones.
async fn refusal(b: &Behaviour) -> Option<Response<Body>> {
    match b {
        Behaviour::Refuse {
            status,
            code,
            message,
            details,
        } => Some(graph_error(
            *status,
            "OAuthException",
            *code,
            message,
            details,
        )),
        Behaviour::ServerError => Some(graph_error(
            500,
            "OAuthException",
            131000,
            "(#131000) Something went wrong",
            "",
        )),
        Behaviour::RateLimited { retry_after_secs } => {
            let mut r = graph_error(
                429,
                "OAuthException",
                130429,
                "(#130429) Rate limit hit",
                "Cloud API message throughput has been reached",
            );
            r.headers_mut()
                .insert("retry-after", retry_after_secs.to_string().parse().unwrap());
            Some(r)
        }
        Behaviour::Hang => {
            std::future::pending::<()>().await;
            None
        }
        _ => None,
    }
}

fn is_version(v: &str) -> bool {
    v.strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
}

/// The keys of `v`, if it is an object with exactly `keys`.
fn exact_keys(v: &Value, keys: &[&str], what: &str, violations: &mut Vec<String>) -> bool {
    let Some(obj) = v.as_object() else {
        violations.push(format!("{what} is not an object: {v}"));
        return false;
    };
    let mut have: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = keys.to_vec();
    have.sort_unstable();
    want.sort_unstable();
    if have != want {
        violations.push(format!("{what} has fields {have:?}, not {want:?}"));
        return false;
    }
    true
}

/// Checks the authentication-template body; the code and language on success.
fn check_body(json: &Value, v: &mut Vec<String>) -> Option<(String, String, String, String)> {
    let obj = json.as_object()?;
    let mut keys = vec![
        "messaging_product",
        "recipient_type",
        "to",
        "type",
        "template",
    ];
    if obj.contains_key("biz_opaque_callback_data") {
        keys.push("biz_opaque_callback_data");
    }
    if !exact_keys(json, &keys, "the body", v) {
        return None;
    }
    let mut ok = true;
    let mut expect = |field: &str, want: &str, v: &mut Vec<String>| {
        if json[field] != want {
            v.push(format!("{field} is {}, not {want:?}", json[field]));
            ok = false;
        }
    };
    expect("messaging_product", "whatsapp", v);
    expect("recipient_type", "individual", v);
    expect("type", "template", v);
    let to = json["to"].as_str().unwrap_or_default().to_owned();
    if !(7..=15).contains(&to.len()) || !to.bytes().all(|b| b.is_ascii_digit()) {
        v.push(format!("to is {}, not the number's digits", json["to"]));
        ok = false;
    }
    if let Some(data) = obj.get("biz_opaque_callback_data")
        && data.as_str().is_none_or(|s| s.len() > 512)
    {
        v.push(format!(
            "biz_opaque_callback_data {data} is not a string of up to 512"
        ));
        ok = false;
    }
    let t = &json["template"];
    if !exact_keys(t, &["name", "language", "components"], "template", v)
        || !exact_keys(&t["language"], &["code"], "template.language", v)
    {
        return None;
    }
    let name = t["name"].as_str().unwrap_or_default().to_owned();
    let language = t["language"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let components = t["components"].as_array().cloned().unwrap_or_default();
    let code = components
        .first()
        .and_then(|c| c["parameters"][0]["text"].as_str())
        .unwrap_or_default()
        .to_owned();
    let param = json!([{ "type": "text", "text": code }]);
    let want = json!([
        { "type": "body", "parameters": param },
        { "type": "button", "sub_type": "url", "index": "0", "parameters": param },
    ]);
    if t["components"] != want {
        v.push(format!(
            "template.components is {}, not the copy-code shape {want}",
            t["components"]
        ));
        ok = false;
    }
    if code.is_empty() || code.chars().count() > 15 {
        v.push(format!("the code {code:?} is not 1 to 15 characters"));
        ok = false;
    }
    ok.then_some((to, name, language, code))
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
    shared.lock().requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        headers: headers.clone(),
        json: json.clone(),
    });
    let mut v = Vec::new();
    let resp = messages(&shared, &method, &path, &headers, &json, &mut v).await;
    if !v.is_empty() {
        shared.lock().violations.extend(v);
    }
    resp
}

async fn messages(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    json: &Value,
    v: &mut Vec<String>,
) -> Response<Body> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let [version, id, "messages"] = parts[..] else {
        v.push(format!("unknown path {path}"));
        return graph_error(400, "OAuthException", 2500, "Unknown path components", "");
    };
    if !is_version(version) {
        v.push(format!("{version} is not a Graph API version"));
        return graph_error(400, "OAuthException", 2500, "Unknown path components", "");
    }
    if method != Method::POST {
        v.push(format!("{method} {path}, not POST"));
        return graph_error(400, "OAuthException", 100, "(#100) Unsupported method", "");
    }
    let auth = headers
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {}", shared.access_token) {
        return graph_error(
            401,
            "OAuthException",
            190,
            "Invalid OAuth access token - Cannot parse access token",
            "",
        );
    }
    if id != PHONE_NUMBER_ID {
        // Graph's answer for an id that is not ours, with its subcode.
        return answer(
            400,
            json!({ "error": {
                "message": format!("Unsupported post request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."),
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
                "fbtrace_id": "AazWx3fb1E2cVf3q7s0LZ9Q",
            } }),
        );
    }
    let content_type = headers
        .get("content-type")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/json") {
        v.push(format!(
            "content-type {content_type:?}, not application/json"
        ));
        return invalid_parameter("the body must be JSON");
    }
    let Some((to, name, language, code)) = check_body(json, v) else {
        if v.is_empty() {
            v.push(format!("the body is not a JSON object: {json}"));
        }
        return invalid_parameter("the body is not an authentication template message");
    };
    let exists = shared
        .lock()
        .templates
        .get(&name)
        .is_some_and(|langs| langs.contains(&language));
    if !exists {
        return graph_error(
            404,
            "OAuthException",
            132001,
            "(#132001) Template name does not exist in the translation",
            &format!("template name ({name}) does not exist in {language}"),
        );
    }
    let behaviour = {
        let inner = shared.lock();
        inner
            .by_number
            .get(&to)
            .cloned()
            .unwrap_or_else(|| inner.default.clone())
    };
    if let Some(r) = refusal(&behaviour).await {
        return r;
    }
    let mut inner = shared.lock();
    let id = format!(
        "wamid.HBgL{to}FQIAERgS{:016X}{:04}AA==",
        0x5eed_cafe_u64 + inner.next_id,
        inner.next_id
    );
    inner.next_id += 1;
    inner.messages.push(Message {
        id: id.clone(),
        to: to.clone(),
        template: name,
        language,
        code,
        biz_opaque_callback_data: json["biz_opaque_callback_data"].as_str().map(str::to_owned),
        behaviour,
        posted: 0,
    });
    answer(
        200,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": to, "wa_id": to }],
            "messages": [{ "id": id }],
        }),
    )
}
