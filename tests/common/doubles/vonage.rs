//! A stand-in for Vonage's SMS API on 127.0.0.1:0: `POST /sms/json`, as verifyd's
//! `vonage` provider uses it, and the delivery receipts Vonage sends back.
//!
//! - Every request is checked (method, path, form content type, `api_key` and
//!   `api_secret`, the known parameters and their values: `to` in digits without
//!   `+`, `type=unicode` exactly when the text is not GSM-7, a URL as `callback`…);
//!   what Vonage refuses is refused with Vonage's answer (HTTP 200 and a non-zero
//!   `status`), anything else off is listed by [`VonageDouble::problems`]. Every
//!   request is recorded ([`VonageDouble::requests`]).
//! - What happens to a message is set globally or per recipient ([`Behaviour`]):
//!   accepted then delivered, refused with a status code, accepted then failed,
//!   accepted and silent, 500, 429 with `Retry-After`, or no answer at all.
//! - The delivery receipts of a message are built as Vonage sends them: to the
//!   `callback` URL the provider gave, as a GET with query parameters or a POST
//!   with a form or JSON body ([`ReceiptFormat`]), signed with the account's
//!   signature secret and method when one is set ([`VonageDouble::set_signing`]),
//!   at a chosen time ([`VonageDouble::receipts_at`]); they can be posted
//!   ([`VonageDouble::post_receipts`]), or go on their own after each send
//!   ([`VonageDouble::set_auto_receipts`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Digest as _;

/// What the double does with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Status 0; the receipt says `delivered`.
    Accept,
    /// HTTP 200 with this non-zero `status` and `error-text`.
    Refuse { status: String, error_text: String },
    /// Status 0, then a receipt with this status (`failed`, `expired`,
    /// `rejected`) and `err-code`.
    FailLater { status: String, err_code: String },
    /// Status 0; the only receipt is `accepted`.
    Silent,
    /// HTTP 500.
    ServerError,
    /// HTTP 429 with `Retry-After: <secs>`.
    TooMany { retry_after_sec: u64 },
    /// Takes the request and never answers.
    Hang,
}

impl Behaviour {
    /// A refusal with Vonage's wording for the status code.
    pub fn refuse(status: &str) -> Self {
        let text = match status {
            "1" => "Throughput Rate Exceeded - please wait [ 30 ] and retry",
            "2" => "Missing to param",
            "3" => "Invalid to param",
            "4" => "Bad Credentials",
            "5" => "Internal Error",
            "6" => "Unroutable message - rejected",
            "7" => "Number barred.",
            "8" => "Partner account barred.",
            "9" => "Partner quota exceeded.",
            "15" => "Illegal Sender Address - rejected",
            "29" => "Non White-listed Destination - rejected",
            "33" => "Number de-activated.",
            _ => "Invalid Message",
        };
        Behaviour::Refuse {
            status: status.to_owned(),
            error_text: text.to_owned(),
        }
    }
}

/// How Vonage delivers receipts (the account's "HTTP method" setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptFormat {
    Get,
    PostForm,
    PostJson,
}

/// Vonage's signature methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigMethod {
    Md5hash,
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

/// One send request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub content_type: Option<String>,
    pub form: Vec<(String, String)>,
}

impl Recorded {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn names(&self) -> Vec<&str> {
        self.form.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// A delivery receipt as Vonage would send it.
#[derive(Debug, Clone)]
pub struct ReceiptCallback {
    pub method: Method,
    /// The full URL; for a GET, with the receipt's parameters in its query.
    pub url: String,
    pub content_type: Option<&'static str>,
    pub body: String,
    /// The receipt's parameters (signature ones included).
    pub params: Vec<(String, String)>,
}

impl ReceiptCallback {
    /// The query part of `url`, without `?`.
    pub fn query(&self) -> String {
        self.url
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default()
    }

    /// The URL without its query.
    pub fn path_url(&self) -> String {
        self.url.split('?').next().unwrap_or_default().to_owned()
    }

    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = self.content_type {
            h.insert("content-type", ct.parse().expect("ascii"));
        }
        h
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The same receipt with a parameter changed (signature left as it was).
    pub fn tampered(&self, name: &str, value: &str) -> Self {
        let mut params = self.params.clone();
        for (k, v) in &mut params {
            if k == name {
                *v = value.to_owned();
            }
        }
        let base = self.path_url();
        let token: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(&self.query())
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k == "token")
                .collect();
        encode(
            self.method.clone(),
            self.content_type,
            &base,
            &token,
            params,
        )
    }

    /// The same receipt with a parameter removed.
    pub fn without(&self, name: &str) -> Self {
        let params: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| k != name)
            .cloned()
            .collect();
        let token: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(&self.query())
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k == "token")
                .collect();
        encode(
            self.method.clone(),
            self.content_type,
            &self.path_url(),
            &token,
            params,
        )
    }
}

fn encode(
    method: Method,
    content_type: Option<&'static str>,
    base: &str,
    token: &[(String, String)],
    params: Vec<(String, String)>,
) -> ReceiptCallback {
    let mut query: Vec<(String, String)> = token.to_vec();
    let body;
    if method == Method::GET {
        query.extend(params.iter().cloned());
        body = String::new();
    } else if content_type == Some("application/json") {
        let map: serde_json::Map<String, serde_json::Value> = params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
            .collect();
        body = serde_json::Value::Object(map).to_string();
    } else {
        body = serde_urlencoded::to_string(&params).expect("pairs encode");
    }
    let url = if query.is_empty() {
        base.to_owned()
    } else {
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(&query).expect("pairs encode")
        )
    };
    ReceiptCallback {
        method,
        url,
        content_type,
        body,
        params,
    }
}

/// Vonage's signature over `params` (without `sig`): `&k=v` pairs in name order,
/// `&` and `=` in values replaced by `_`; MD5 of that and the secret, or an HMAC
/// of it keyed with the secret. HMACs come in upper-case hex, MD5 in lower case.
pub fn sign(secret: &str, method: SigMethod, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().filter(|(k, _)| k != "sig").collect();
    sorted.sort();
    let mut s = String::new();
    for (k, v) in sorted {
        s.push('&');
        s.push_str(k);
        s.push('=');
        s.push_str(&v.replace(['&', '='], "_"));
    }
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &str, data: &str) -> String {
        let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key.as_bytes()).expect("any key");
        m.update(data.as_bytes());
        hex::encode_upper(m.finalize().into_bytes())
    }
    match method {
        SigMethod::Md5hash => hex::encode(md5::Md5::digest(format!("{s}{secret}").as_bytes())),
        SigMethod::Md5 => mac::<Hmac<md5::Md5>>(secret, &s),
        SigMethod::Sha1 => mac::<Hmac<sha1::Sha1>>(secret, &s),
        SigMethod::Sha256 => mac::<Hmac<sha2::Sha256>>(secret, &s),
        SigMethod::Sha512 => mac::<Hmac<sha2::Sha512>>(secret, &s),
    }
}

/// GSM 03.38 (default alphabet and extension table).
const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\u{0c}^{}\\[~]|€";

struct Message {
    id: String,
    to: String,
    from: String,
    client_ref: Option<String>,
    callback: Option<String>,
    behaviour: Behaviour,
}

struct Inner {
    api_key: String,
    api_secret: String,
    default: Behaviour,
    per_recipient: HashMap<String, Behaviour>,
    price: Option<String>,
    parts: usize,
    signing: Option<(String, SigMethod)>,
    format: ReceiptFormat,
    auto: bool,
    requests: Vec<Recorded>,
    problems: Vec<String>,
    messages: Vec<Message>,
    next: u64,
}

pub struct VonageDouble {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for VonageDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl VonageDouble {
    /// A double of the account with this key and secret; accepts everything,
    /// prices nothing and sends receipts as unsigned GETs until told otherwise.
    pub async fn start(api_key: &str, api_secret: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            api_key: api_key.to_owned(),
            api_secret: api_secret.to_owned(),
            default: Behaviour::Accept,
            per_recipient: HashMap::new(),
            price: None,
            parts: 1,
            signing: None,
            format: ReceiptFormat::Get,
            auto: false,
            requests: Vec::new(),
            problems: Vec::new(),
            messages: Vec::new(),
            next: 0,
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("bound");
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            inner,
            server,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_behaviour(&self, b: Behaviour) {
        self.lock().default = b;
    }

    /// For messages to `recipient` (digits, with or without `+`).
    pub fn set_behaviour_for(&self, recipient: &str, b: Behaviour) {
        self.lock()
            .per_recipient
            .insert(recipient.trim_start_matches('+').to_owned(), b);
    }

    /// `message-price` of each part, e.g. `"0.03330000"`.
    pub fn set_price(&self, price: Option<&str>) {
        self.lock().price = price.map(str::to_owned);
    }

    /// How many parts each message is split into.
    pub fn set_parts(&self, n: usize) {
        self.lock().parts = n.max(1);
    }

    /// Sign receipts with this signature secret and method.
    pub fn set_signing(&self, signing: Option<(&str, SigMethod)>) {
        self.lock().signing = signing.map(|(s, m)| (s.to_owned(), m));
    }

    pub fn set_receipt_format(&self, f: ReceiptFormat) {
        self.lock().format = f;
    }

    /// Post each message's receipts on their own, right after answering it.
    pub fn set_auto_receipts(&self, on: bool) {
        self.lock().auto = on;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    pub fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }

    /// The message ids handed out, oldest first (every part of every message).
    pub fn message_ids(&self) -> Vec<String> {
        self.lock().messages.iter().map(|m| m.id.clone()).collect()
    }

    /// The receipts of `message_id` as Vonage would send them at `unix_sec`;
    /// empty if the send had no `callback`.
    pub fn receipts_at(&self, message_id: &str, unix_sec: i64) -> Vec<ReceiptCallback> {
        let g = self.lock();
        match g.messages.iter().find(|m| m.id == message_id) {
            Some(m) => build_receipts(&g, m, unix_sec),
            None => Vec::new(),
        }
    }

    /// Any receipt, built and signed as Vonage would: `params` plus, when signing,
    /// `timestamp`, `nonce` and `sig`.
    pub fn receipt(&self, url: &str, params: &[(&str, &str)], unix_sec: i64) -> ReceiptCallback {
        let g = self.lock();
        let params = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        finish(&g, url, params, unix_sec)
    }

    /// Posts `message_id`'s receipts to its callback URL; returns the statuses.
    pub async fn post_receipts(&self, message_id: &str) -> Vec<u16> {
        post_all(self.receipts_at(message_id, now_sec())).await
    }
}

fn now_sec() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

async fn post_all(receipts: Vec<ReceiptCallback>) -> Vec<u16> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for r in receipts {
        let mut req = client
            .request(r.method.clone(), &r.url)
            .headers(r.headers());
        if r.method != Method::GET {
            req = req.body(r.body.clone());
        }
        out.push(req.send().await.map(|x| x.status().as_u16()).unwrap_or(0));
    }
    out
}

/// Adds the signature (if any) and encodes the receipt for the URL it goes to.
fn finish(
    g: &Inner,
    url: &str,
    mut params: Vec<(String, String)>,
    unix_sec: i64,
) -> ReceiptCallback {
    if let Some((secret, method)) = &g.signing {
        params.push(("timestamp".into(), unix_sec.to_string()));
        params.push(("nonce".into(), format!("{:016x}", rand::random::<u64>())));
        let sig = sign(secret, *method, &params);
        params.push(("sig".into(), sig));
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_owned(), q.to_owned()),
        None => (url.to_owned(), String::new()),
    };
    let token: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap_or_default();
    let (method, ct) = match g.format {
        ReceiptFormat::Get => (Method::GET, None),
        ReceiptFormat::PostForm => (Method::POST, Some("application/x-www-form-urlencoded")),
        ReceiptFormat::PostJson => (Method::POST, Some("application/json")),
    };
    encode(method, ct, &base, &token, params)
}

fn build_receipts(g: &Inner, m: &Message, unix_sec: i64) -> Vec<ReceiptCallback> {
    let Some(url) = &m.callback else {
        return Vec::new();
    };
    let receipt = |status: &str, err_code: &str| -> ReceiptCallback {
        let mut p = vec![
            ("msisdn".to_owned(), m.to.clone()),
            ("to".to_owned(), m.from.clone()),
            ("network-code".to_owned(), "26201".to_owned()),
            ("messageId".to_owned(), m.id.clone()),
            (
                "price".to_owned(),
                g.price.clone().unwrap_or_else(|| "0.00000000".into()),
            ),
            ("status".to_owned(), status.to_owned()),
            ("scts".to_owned(), "2401011200".to_owned()),
            ("err-code".to_owned(), err_code.to_owned()),
            ("api-key".to_owned(), g.api_key.clone()),
            (
                "message-timestamp".to_owned(),
                "2024-01-01 12:00:00".to_owned(),
            ),
        ];
        if let Some(r) = &m.client_ref {
            p.push(("client-ref".into(), r.clone()));
        }
        finish(g, url, p, unix_sec)
    };
    match &m.behaviour {
        Behaviour::Accept => vec![receipt("accepted", "0"), receipt("delivered", "0")],
        Behaviour::FailLater { status, err_code } => {
            vec![receipt("accepted", "0"), receipt(status, err_code)]
        }
        Behaviour::Silent => vec![receipt("accepted", "0")],
        _ => Vec::new(),
    }
}

fn vonage_status(status: &str, text: &str) -> Response {
    let body = serde_json::json!({
        "message-count": "1",
        "messages": [{ "status": status, "error-text": text }],
    });
    ([("content-type", "application/json")], body.to_string()).into_response()
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let rec = Recorded {
        method: method.clone(),
        path: uri.path().to_owned(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        form: form.clone(),
    };
    let decided = {
        let mut g = inner.lock().unwrap_or_else(|p| p.into_inner());
        g.requests.push(rec.clone());
        decide(&mut g, &rec)
    };
    match decided {
        Some(r) => r,
        None => {
            std::future::pending::<()>().await;
            unreachable!()
        }
    }
}

/// The answer, or `None` to hang.
fn decide(g: &mut Inner, rec: &Recorded) -> Option<Response> {
    if rec.method != Method::POST || rec.path != "/sms/json" {
        g.problems
            .push(format!("unexpected request {} {}", rec.method, rec.path));
        return Some((StatusCode::NOT_FOUND, "not found").into_response());
    }
    let ct = rec.content_type.clone().unwrap_or_default();
    if !ct.starts_with("application/x-www-form-urlencoded") {
        g.problems.push(format!("content type {ct:?}, not a form"));
    }
    const KNOWN: &[&str] = &[
        "api_key",
        "api_secret",
        "from",
        "to",
        "text",
        "type",
        "callback",
        "status-report-req",
        "client-ref",
    ];
    for name in rec.names() {
        if !KNOWN.contains(&name) {
            g.problems.push(format!("unexpected parameter {name}"));
        }
        if rec.form.iter().filter(|(k, _)| k == name).count() > 1 {
            g.problems.push(format!("{name} given more than once"));
        }
    }
    let get = |n: &str| rec.get(n).filter(|v| !v.is_empty());
    if get("api_key") != Some(g.api_key.as_str())
        || get("api_secret") != Some(g.api_secret.as_str())
    {
        return Some(vonage_status("4", "Bad Credentials"));
    }
    let Some(to) = get("to") else {
        return Some(vonage_status("2", "Missing to param"));
    };
    if !to.bytes().all(|b| b.is_ascii_digit()) || !(7..=15).contains(&to.len()) {
        g.problems
            .push(format!("to {to:?} is not digits without +"));
        return Some(vonage_status("3", "Invalid to param"));
    }
    let Some(from) = get("from") else {
        return Some(vonage_status("2", "Missing from param"));
    };
    if from.starts_with('+') {
        g.problems.push(format!("from {from:?} has a +"));
    }
    let Some(text) = get("text") else {
        return Some(vonage_status("2", "Missing text param"));
    };
    let gsm = text.chars().all(|c| GSM7.contains(c));
    match get("type") {
        None | Some("text") if !gsm => g
            .problems
            .push("a text outside GSM-7 without type=unicode".into()),
        Some("unicode") if gsm => g.problems.push("type=unicode for a GSM-7 text".into()),
        None | Some("text") | Some("unicode") => {}
        Some(t) => g.problems.push(format!("type {t:?}")),
    }
    if let Some(cb) = get("callback")
        && !(cb.starts_with("https://") || cb.starts_with("http://"))
    {
        g.problems.push(format!("callback {cb:?} is not a URL"));
    }
    if let Some(s) = get("status-report-req")
        && s != "1"
        && s != "0"
    {
        g.problems.push(format!("status-report-req {s:?}"));
    }
    if get("client-ref").is_some_and(|r| r.len() > 100) {
        g.problems
            .push("client-ref longer than 100 characters".into());
    }
    let behaviour = g
        .per_recipient
        .get(to)
        .cloned()
        .unwrap_or_else(|| g.default.clone());
    match &behaviour {
        Behaviour::Refuse { status, error_text } => return Some(vonage_status(status, error_text)),
        Behaviour::ServerError => {
            return Some(
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
            );
        }
        Behaviour::TooMany { retry_after_sec } => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                [("content-type", "application/json")],
                r#"{"type":"https://developer.nexmo.com/api-errors#throttled","title":"Too Many Requests","detail":"Throttled"}"#,
            )
                .into_response();
            r.headers_mut().insert(
                "retry-after",
                retry_after_sec.to_string().parse().expect("digits"),
            );
            return Some(r);
        }
        Behaviour::Hang => return None,
        _ => {}
    }
    let mut parts = Vec::new();
    let mut receipts = Vec::new();
    for _ in 0..g.parts {
        g.next += 1;
        let id = format!("{:016X}", 0x0A00_0000_0000_0000u64 + g.next);
        let m = Message {
            id: id.clone(),
            to: to.to_owned(),
            from: from.to_owned(),
            client_ref: get("client-ref").map(str::to_owned),
            callback: get("callback").map(str::to_owned),
            behaviour: behaviour.clone(),
        };
        if g.auto {
            receipts.extend(build_receipts(g, &m, now_sec()));
        }
        g.messages.push(m);
        let mut part = serde_json::json!({
            "to": to,
            "message-id": id,
            "status": "0",
            "remaining-balance": "3.14159265",
            "network": "26201",
        });
        if let Some(p) = &g.price {
            part["message-price"] = p.clone().into();
        }
        if let Some(r) = get("client-ref") {
            part["client-ref"] = r.into();
        }
        parts.push(part);
    }
    if !receipts.is_empty() {
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            post_all(receipts).await;
        });
    }
    let body = serde_json::json!({
        "message-count": parts.len().to_string(),
        "messages": parts,
    });
    Some(([("content-type", "application/json")], body.to_string()).into_response())
}
