//! A stand-in for Twilio's REST API (2010-04-01) on 127.0.0.1:0: the Messages and
//! Calls resources of one account, as verifyd's `twilio` provider uses them.
//!
//! - `POST /2010-04-01/Accounts/{sid}/Messages.json` and `…/Calls.json` create a
//!   message or a call; `GET …/Messages/{sid}.json` and `…/Calls/{sid}.json` fetch
//!   one; `POST …/Calls/{sid}.json` with `Status=canceled` cancels a call.
//! - Every request is checked (method, path, basic auth with the account's auth
//!   token or an allowed API key, form content type, known parameters and their
//!   values); what Twilio would refuse is refused with Twilio's error body, and
//!   anything else off is listed by [`TwilioDouble::problems`], which tests assert
//!   to be empty. Every request is recorded ([`TwilioDouble::requests`]).
//! - What happens to a message or call is set globally or per recipient
//!   ([`Behaviour`]): accepted (then delivered / answered), refused with a Twilio
//!   error code, accepted then failed, accepted and silent, 500, 429 with
//!   `Retry-After`, or no answer at all.
//! - The status callbacks Twilio would send for a message or call are built and
//!   signed exactly as Twilio signs them ([`TwilioDouble::callbacks`]); they can be
//!   posted to the `StatusCallback` URL the provider gave
//!   ([`TwilioDouble::post_callbacks`]), by hand or on their own after each create
//!   ([`TwilioDouble::set_auto_callbacks`]).
//! - Fetching a resource walks it through its statuses, one step per fetch (a
//!   call: `queued`, `ringing`, `in-progress`, `completed`), so a poller sees it
//!   progress; [`TwilioDouble::set_status`] forces one.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// What the double does with a create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// 201; the message is delivered, the call answered and completed.
    Accept,
    /// Twilio's error body with this HTTP status and error code.
    Refuse {
        status: u16,
        code: i64,
        message: String,
    },
    /// 201, then the message or call fails: for a message, `undelivered` with
    /// `error_code`; for a call, `status` (`busy`, `no-answer`, `failed`, `canceled`).
    FailLater {
        status: String,
        error_code: Option<String>,
    },
    /// 201 and nothing after: the message stays `sent`, the call keeps ringing.
    Silent,
    /// 500 with Twilio's error body.
    ServerError,
    /// 429 with code 20429 and `Retry-After: <secs>`.
    TooMany { retry_after_sec: u64 },
    /// Takes the request and never answers.
    Hang,
}

impl Behaviour {
    /// A refusal as Twilio words it for the common codes.
    pub fn refuse(code: i64) -> Self {
        let (status, message) = match code {
            21211 => (400, "The 'To' number is not a valid phone number."),
            21408 => (
                400,
                "Permission to send an SMS has not been enabled for the region indicated by the 'To' number.",
            ),
            21610 => (400, "Attempt to send to unsubscribed recipient"),
            21614 => (400, "'To' number is not a valid mobile number"),
            21215 => (400, "Geo Permission configuration is not permitting call"),
            20003 => (401, "Authenticate"),
            20404 => (404, "The requested resource was not found"),
            _ => (400, "Invalid request"),
        };
        Behaviour::Refuse {
            status,
            code,
            message: message.to_owned(),
        }
    }
}

/// Which resource a request was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Message,
    Call,
}

/// One request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    /// The basic-auth user name (the account SID or an API key SID).
    pub auth_user: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    /// Form parameters in order, repeated names included.
    pub form: Vec<(String, String)>,
}

impl Recorded {
    /// The first value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn names(&self) -> Vec<&str> {
        self.form.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// A callback as Twilio would send it: POST to `url`, a form body, signed.
#[derive(Debug, Clone)]
pub struct SignedCallback {
    pub url: String,
    pub params: Vec<(String, String)>,
    /// `X-Twilio-Signature`.
    pub signature: String,
}

impl SignedCallback {
    /// The form body.
    pub fn body(&self) -> String {
        serde_urlencoded::to_string(&self.params).expect("pairs of strings encode")
    }

    /// The query part of `url`, without `?`.
    pub fn query(&self) -> String {
        self.url
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default()
    }

    /// The headers Twilio sends with it.
    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "content-type",
            "application/x-www-form-urlencoded".parse().expect("ascii"),
        );
        h.insert(
            "x-twilio-signature",
            self.signature.parse().expect("base64 is ascii"),
        );
        h.insert(
            "i-twilio-idempotency-token",
            uuid_like().parse().expect("ascii"),
        );
        h
    }

    /// The same callback with a parameter changed (and the old signature).
    pub fn tampered(&self, name: &str, value: &str) -> Self {
        let mut c = self.clone();
        for (k, v) in &mut c.params {
            if k == name {
                *v = value.to_owned();
            }
        }
        c
    }
}

fn uuid_like() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Twilio's signature: base64 HMAC-SHA1 with the auth token over the URL and then
/// every parameter's name and value, sorted by name.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(&k);
        data.push_str(&v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

struct Resource {
    kind: Kind,
    sid: String,
    to: String,
    from: String,
    status_callback: Option<String>,
    behaviour: Behaviour,
    /// The statuses a fetch walks through; `step` is the current one.
    script: Vec<&'static str>,
    step: usize,
    forced: Option<String>,
}

impl Resource {
    fn status(&self) -> String {
        self.forced
            .clone()
            .unwrap_or_else(|| self.script[self.step].to_owned())
    }
}

struct Inner {
    account_sid: String,
    auth_token: String,
    api_keys: Vec<(String, String)>,
    default: Behaviour,
    per_recipient: HashMap<String, Behaviour>,
    price: Option<(String, String)>,
    requests: Vec<Recorded>,
    problems: Vec<String>,
    resources: Vec<Resource>,
    auto_callbacks: bool,
    next: u64,
}

pub struct TwilioDouble {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TwilioDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

impl TwilioDouble {
    /// A double of the account `account_sid` whose auth token is `auth_token`; it
    /// accepts everything until told otherwise.
    pub async fn start(account_sid: &str, auth_token: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            api_keys: Vec::new(),
            default: Behaviour::Accept,
            per_recipient: HashMap::new(),
            price: None,
            requests: Vec::new(),
            problems: Vec::new(),
            resources: Vec::new(),
            auto_callbacks: false,
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

    /// The base URL to configure (`base_url`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Also accept basic auth with this API key.
    pub fn allow_api_key(&self, sid: &str, secret: &str) {
        self.lock()
            .api_keys
            .push((sid.to_owned(), secret.to_owned()));
    }

    /// What to do with every recipient without a behaviour of its own.
    pub fn set_behaviour(&self, b: Behaviour) {
        self.lock().default = b;
    }

    /// What to do with messages and calls to `recipient` (E.164).
    pub fn set_behaviour_for(&self, recipient: &str, b: Behaviour) {
        self.lock().per_recipient.insert(recipient.to_owned(), b);
    }

    /// Report this price (e.g. `("-0.00750", "USD")`) in create answers.
    pub fn set_price(&self, price: Option<(&str, &str)>) {
        self.lock().price = price.map(|(p, u)| (p.to_owned(), u.to_owned()));
    }

    /// Post each resource's callbacks to its `StatusCallback` on its own, right
    /// after answering its create.
    pub fn set_auto_callbacks(&self, on: bool) {
        self.lock().auto_callbacks = on;
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// Create requests for messages or calls.
    pub fn creates(&self, kind: Kind) -> Vec<Recorded> {
        let suffix = match kind {
            Kind::Message => "/Messages.json",
            Kind::Call => "/Calls.json",
        };
        self.requests()
            .into_iter()
            .filter(|r| r.method == Method::POST && r.path.ends_with(suffix))
            .collect()
    }

    /// Wire-format deviations seen so far (empty when the client behaved).
    pub fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }

    /// The sids created so far, oldest first.
    pub fn sids(&self) -> Vec<String> {
        self.lock()
            .resources
            .iter()
            .map(|r| r.sid.clone())
            .collect()
    }

    /// Forces the status a fetch of `sid` returns.
    pub fn set_status(&self, sid: &str, status: &str) {
        if let Some(r) = self.lock().resources.iter_mut().find(|r| r.sid == sid) {
            r.forced = Some(status.to_owned());
        }
    }

    /// The current status of `sid`, as a fetch would see it (without advancing).
    pub fn status(&self, sid: &str) -> Option<String> {
        self.lock()
            .resources
            .iter()
            .find(|r| r.sid == sid)
            .map(Resource::status)
    }

    /// The status callbacks Twilio would send about `sid`, in order, signed;
    /// empty if the create had no `StatusCallback`.
    pub fn callbacks(&self, sid: &str) -> Vec<SignedCallback> {
        let inner = self.lock();
        let Some(r) = inner.resources.iter().find(|r| r.sid == sid) else {
            return Vec::new();
        };
        build_callbacks(&inner, r)
    }

    /// Builds a signed callback to `url` with these parameters, as Twilio would.
    pub fn signed(&self, url: &str, params: &[(&str, &str)]) -> SignedCallback {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signature = sign(&self.lock().auth_token, url, &params);
        SignedCallback {
            url: url.to_owned(),
            params,
            signature,
        }
    }

    /// Posts `sid`'s callbacks to its `StatusCallback` URL, in order; returns the
    /// HTTP statuses verifyd answered.
    pub async fn post_callbacks(&self, sid: &str) -> Vec<u16> {
        post_all(self.callbacks(sid)).await
    }
}

async fn post_all(callbacks: Vec<SignedCallback>) -> Vec<u16> {
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for c in callbacks {
        let status = client
            .post(&c.url)
            .headers(c.headers())
            .body(c.body())
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        statuses.push(status);
    }
    statuses
}

fn build_callbacks(inner: &Inner, r: &Resource) -> Vec<SignedCallback> {
    let Some(url) = &r.status_callback else {
        return Vec::new();
    };
    let base = |status_name: &str, status: &str| -> Vec<(String, String)> {
        let mut p = vec![
            ("AccountSid".to_owned(), inner.account_sid.clone()),
            ("ApiVersion".to_owned(), "2010-04-01".to_owned()),
            ("From".to_owned(), r.from.clone()),
            ("To".to_owned(), r.to.clone()),
        ];
        match r.kind {
            Kind::Message => {
                p.push(("MessageSid".into(), r.sid.clone()));
                p.push(("SmsSid".into(), r.sid.clone()));
                p.push(("SmsStatus".into(), status.to_owned()));
                p.push((status_name.into(), status.to_owned()));
            }
            Kind::Call => {
                p.push(("CallSid".into(), r.sid.clone()));
                p.push(("Called".into(), r.to.clone()));
                p.push(("Caller".into(), r.from.clone()));
                p.push(("Direction".into(), "outbound-api".into()));
                p.push(("CallbackSource".into(), "call-progress-events".into()));
                p.push((status_name.into(), status.to_owned()));
            }
        }
        p
    };
    let mut out = Vec::new();
    let mut push = |mut params: Vec<(String, String)>, seq: usize| {
        if r.kind == Kind::Call {
            params.push(("SequenceNumber".into(), seq.to_string()));
        }
        let signature = sign(&inner.auth_token, url, &params);
        out.push(SignedCallback {
            url: url.clone(),
            params,
            signature,
        });
    };
    match (r.kind, &r.behaviour) {
        (Kind::Message, Behaviour::Accept) => {
            push(base("MessageStatus", "sent"), 0);
            push(base("MessageStatus", "delivered"), 1);
        }
        (Kind::Message, Behaviour::FailLater { status, error_code }) => {
            push(base("MessageStatus", "sent"), 0);
            let mut p = base("MessageStatus", status);
            if let Some(code) = error_code {
                p.push(("ErrorCode".into(), code.clone()));
            }
            push(p, 1);
        }
        (Kind::Message, Behaviour::Silent) => push(base("MessageStatus", "sent"), 0),
        (Kind::Call, Behaviour::Accept) => {
            push(base("CallStatus", "initiated"), 0);
            push(base("CallStatus", "ringing"), 1);
            push(base("CallStatus", "in-progress"), 2);
            let mut p = base("CallStatus", "completed");
            p.push(("CallDuration".into(), "14".into()));
            push(p, 3);
        }
        (Kind::Call, Behaviour::FailLater { status, .. }) => {
            push(base("CallStatus", "initiated"), 0);
            push(base("CallStatus", "ringing"), 1);
            let mut p = base("CallStatus", status);
            p.push(("CallDuration".into(), "0".into()));
            push(p, 2);
        }
        (Kind::Call, Behaviour::Silent) => {
            push(base("CallStatus", "initiated"), 0);
            push(base("CallStatus", "ringing"), 1);
        }
        _ => {}
    }
    out
}

fn twilio_error(status: u16, code: i64, message: &str) -> Response {
    let body = serde_json::json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    });
    (
        StatusCode::from_u16(status).expect("a valid status"),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn basic_user(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let b64 = v.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let form: Vec<(String, String)> = if method == Method::POST {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    } else {
        Vec::new()
    };
    let auth = basic_user(&headers);
    let rec = Recorded {
        method: method.clone(),
        path: uri.path().to_owned(),
        auth_user: auth.as_ref().map(|(u, _)| u.clone()),
        content_type: header("content-type"),
        accept: header("accept"),
        form: form.clone(),
    };
    let (behaviour, reply) = {
        let mut g = inner.lock().unwrap_or_else(|p| p.into_inner());
        g.requests.push(rec.clone());
        decide(&mut g, &method, &uri, &headers, auth, &form)
    };
    if let Some(reply) = reply {
        return reply;
    }
    match behaviour {
        Some(Behaviour::Hang) => {
            std::future::pending::<()>().await;
            unreachable!()
        }
        _ => twilio_error(500, 20500, "An internal server error has occurred"),
    }
}

/// Checks and answers a request. `(Some(Hang), None)` means: never answer.
fn decide(
    g: &mut Inner,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    auth: Option<(String, String)>,
    form: &[(String, String)],
) -> (Option<Behaviour>, Option<Response>) {
    let path = uri.path();
    let prefix = format!("/2010-04-01/Accounts/{}/", g.account_sid);
    let Some(rest) = path.strip_prefix(&prefix) else {
        g.problems.push(format!("unexpected path {path}"));
        return (
            None,
            Some(twilio_error(
                404,
                20404,
                "The requested resource was not found",
            )),
        );
    };
    // Authentication, as Twilio: the account SID and its token, or an API key.
    let authed = match &auth {
        Some((u, p)) if *u == g.account_sid => *p == g.auth_token,
        Some((u, p)) => g.api_keys.iter().any(|(k, s)| k == u && s == p),
        None => false,
    };
    if !authed {
        return (None, Some(twilio_error(401, 20003, "Authenticate")));
    }
    if headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| !a.contains("json") && !a.contains("*/*"))
    {
        g.problems.push("Accept does not take JSON".into());
    }
    if *method == Method::POST {
        let ct = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !ct.starts_with(FORM) {
            g.problems
                .push(format!("POST {path} with content type {ct:?}, not a form"));
        }
    }
    let get = |n: &str| {
        form.iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let count = |n: &str| form.iter().filter(|(k, _)| k == n).count();

    match (method.clone(), rest) {
        (Method::POST, "Messages.json") | (Method::POST, "Calls.json") => {
            let kind = if rest == "Messages.json" {
                Kind::Message
            } else {
                Kind::Call
            };
            let allowed: &[&str] = match kind {
                Kind::Message => &[
                    "To",
                    "From",
                    "MessagingServiceSid",
                    "Body",
                    "StatusCallback",
                ],
                Kind::Call => &[
                    "To",
                    "From",
                    "Twiml",
                    "Timeout",
                    "StatusCallback",
                    "StatusCallbackEvent",
                    "StatusCallbackMethod",
                ],
            };
            for (k, _) in form {
                if !allowed.contains(&k.as_str()) {
                    g.problems.push(format!("{rest}: unexpected parameter {k}"));
                }
            }
            for (k, _) in form {
                if k != "StatusCallbackEvent" && count(k) > 1 {
                    g.problems.push(format!("{rest}: {k} given more than once"));
                }
            }
            let Some(to) = get("To") else {
                return match kind {
                    Kind::Message => (
                        None,
                        Some(twilio_error(400, 21604, "A 'To' phone number is required.")),
                    ),
                    Kind::Call => (
                        None,
                        Some(twilio_error(400, 21201, "No 'To' number is specified")),
                    ),
                };
            };
            if !is_e164(to) {
                g.problems.push(format!("To {to:?} is not E.164"));
                return (
                    None,
                    Some(twilio_error(
                        400,
                        21211,
                        "The 'To' number is not a valid phone number.",
                    )),
                );
            }
            match kind {
                Kind::Message => {
                    if get("Body").is_none() {
                        return (
                            None,
                            Some(twilio_error(400, 21602, "Message body is required.")),
                        );
                    }
                    if get("From").is_none() && get("MessagingServiceSid").is_none() {
                        return (
                            None,
                            Some(twilio_error(
                                400,
                                21603,
                                "A 'From' phone number is required.",
                            )),
                        );
                    }
                }
                Kind::Call => {
                    if get("From").is_none() {
                        return (
                            None,
                            Some(twilio_error(400, 21213, "No 'From' number is specified")),
                        );
                    }
                    match get("Twiml") {
                        None => {
                            return (
                                None,
                                Some(twilio_error(400, 21205, "Url parameter is required.")),
                            );
                        }
                        Some(t) => {
                            if !(t.starts_with("<Response>") && t.ends_with("</Response>")) {
                                g.problems.push(format!("Twiml is not a <Response>: {t}"));
                            }
                            if t.chars().count() > 4000 {
                                return (
                                    None,
                                    Some(twilio_error(
                                        400,
                                        21236,
                                        "Twiml exceeds the 4000 characters limit",
                                    )),
                                );
                            }
                        }
                    }
                    if let Some(t) = get("Timeout")
                        && !t.parse::<u32>().is_ok_and(|n| (1..=600).contains(&n))
                    {
                        return (None, Some(twilio_error(400, 21208, "Invalid Timeout")));
                    }
                    let events = form
                        .iter()
                        .filter(|(k, _)| k == "StatusCallbackEvent")
                        .map(|(_, v)| v.as_str());
                    for e in events {
                        if !["initiated", "ringing", "answered", "completed"].contains(&e) {
                            g.problems
                                .push(format!("unknown StatusCallbackEvent {e:?}"));
                        }
                    }
                    if let Some(m) = get("StatusCallbackMethod")
                        && m != "POST"
                        && m != "GET"
                    {
                        g.problems.push(format!("StatusCallbackMethod {m:?}"));
                    }
                    if get("StatusCallback").is_none()
                        && (count("StatusCallbackEvent") > 0
                            || get("StatusCallbackMethod").is_some())
                    {
                        g.problems
                            .push("StatusCallbackEvent or Method without StatusCallback".into());
                    }
                }
            }
            if let Some(cb) = get("StatusCallback")
                && !(cb.starts_with("http://") || cb.starts_with("https://"))
            {
                g.problems
                    .push(format!("StatusCallback {cb:?} is not a URL"));
            }
            let behaviour = g
                .per_recipient
                .get(to)
                .cloned()
                .unwrap_or_else(|| g.default.clone());
            match &behaviour {
                Behaviour::Refuse {
                    status,
                    code,
                    message,
                } => return (None, Some(twilio_error(*status, *code, message))),
                Behaviour::ServerError => {
                    return (
                        None,
                        Some(twilio_error(
                            500,
                            20500,
                            "An internal server error has occurred",
                        )),
                    );
                }
                Behaviour::TooMany { retry_after_sec } => {
                    let mut r = twilio_error(429, 20429, "Too Many Requests");
                    r.headers_mut().insert(
                        "retry-after",
                        retry_after_sec.to_string().parse().expect("digits"),
                    );
                    return (None, Some(r));
                }
                Behaviour::Hang => return (Some(Behaviour::Hang), None),
                _ => {}
            }
            g.next += 1;
            let prefix = if kind == Kind::Message { "SM" } else { "CA" };
            let sid = format!("{prefix}{:032x}", g.next);
            let script: Vec<&'static str> = match (kind, &behaviour) {
                (Kind::Message, Behaviour::Accept) => vec!["queued", "sent", "delivered"],
                (Kind::Message, Behaviour::FailLater { .. }) => {
                    vec!["queued", "sent", "undelivered"]
                }
                (Kind::Message, _) => vec!["queued", "sent"],
                (Kind::Call, Behaviour::Accept) => {
                    vec!["queued", "ringing", "in-progress", "completed"]
                }
                (Kind::Call, Behaviour::FailLater { status, .. }) => {
                    let end: &'static str = match status.as_str() {
                        "busy" => "busy",
                        "failed" => "failed",
                        "canceled" => "canceled",
                        _ => "no-answer",
                    };
                    vec!["queued", "ringing", end]
                }
                (Kind::Call, _) => vec!["queued", "ringing"],
            };
            let from = get("From")
                .map(str::to_owned)
                .unwrap_or_else(|| "+15005550006".to_owned());
            let res = Resource {
                kind,
                sid: sid.clone(),
                to: to.to_owned(),
                from: from.clone(),
                status_callback: get("StatusCallback").map(str::to_owned),
                behaviour,
                script,
                step: 0,
                forced: None,
            };
            if g.auto_callbacks {
                let callbacks = build_callbacks(g, &res);
                tokio::spawn(async move {
                    // After the create's answer has left.
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    post_all(callbacks).await;
                });
            }
            let body = resource_json(g, &res, &res.status(), get("Body"));
            g.resources.push(res);
            (
                None,
                Some(
                    (
                        StatusCode::CREATED,
                        [("content-type", "application/json")],
                        body.to_string(),
                    )
                        .into_response(),
                ),
            )
        }
        (m, rest)
            if rest.ends_with(".json")
                && (rest.starts_with("Messages/") || rest.starts_with("Calls/")) =>
        {
            let (collection, sid) = rest
                .trim_end_matches(".json")
                .split_once('/')
                .expect("checked above");
            let Some(idx) = g.resources.iter().position(|r| {
                r.sid == sid && (r.kind == Kind::Message) == (collection == "Messages")
            }) else {
                return (
                    None,
                    Some(twilio_error(
                        404,
                        20404,
                        "The requested resource was not found",
                    )),
                );
            };
            if m == Method::GET {
                let r = &mut g.resources[idx];
                let status = r.status();
                if r.forced.is_none() && r.step + 1 < r.script.len() {
                    r.step += 1;
                }
                let r = &g.resources[idx];
                let body = resource_json(g, r, &status, None);
                return (
                    None,
                    Some(
                        ([("content-type", "application/json")], body.to_string()).into_response(),
                    ),
                );
            }
            if m == Method::POST && collection == "Calls" {
                for (k, _) in form {
                    if k != "Status" {
                        g.problems
                            .push(format!("call update: unexpected parameter {k}"));
                    }
                }
                let r = &mut g.resources[idx];
                match get("Status") {
                    Some("canceled") => {
                        if matches!(r.status().as_str(), "queued" | "ringing") {
                            r.forced = Some("canceled".into());
                        }
                    }
                    Some("completed") => r.forced = Some("completed".into()),
                    other => {
                        let other = other.map(str::to_owned);
                        g.problems
                            .push(format!("call update with Status {other:?}"));
                        return (None, Some(twilio_error(400, 21218, "Invalid Status")));
                    }
                }
                let r = &g.resources[idx];
                let body = resource_json(g, r, &r.status(), None);
                return (
                    None,
                    Some(
                        ([("content-type", "application/json")], body.to_string()).into_response(),
                    ),
                );
            }
            g.problems.push(format!("{m} {path}"));
            (None, Some(twilio_error(405, 20004, "Method not allowed")))
        }
        (m, _) => {
            g.problems.push(format!("unexpected request {m} {path}"));
            (
                None,
                Some(twilio_error(
                    404,
                    20404,
                    "The requested resource was not found",
                )),
            )
        }
    }
}

fn resource_json(g: &Inner, r: &Resource, status: &str, body: Option<&str>) -> serde_json::Value {
    let (price, unit) = match &g.price {
        Some((p, u)) => (
            serde_json::Value::from(p.clone()),
            serde_json::Value::from(u.clone()),
        ),
        None => (serde_json::Value::Null, serde_json::Value::from("USD")),
    };
    let collection = if r.kind == Kind::Message {
        "Messages"
    } else {
        "Calls"
    };
    let mut v = serde_json::json!({
        "sid": r.sid,
        "account_sid": g.account_sid,
        "to": r.to,
        "from": r.from,
        "status": status,
        "price": price,
        "price_unit": unit,
        "api_version": "2010-04-01",
        "uri": format!("/2010-04-01/Accounts/{}/{collection}/{}.json", g.account_sid, r.sid),
    });
    if let Some(b) = body {
        v["body"] = b.into();
        v["num_segments"] = "1".into();
        v["direction"] = "outbound-api".into();
    }
    if r.kind == Kind::Call {
        v["direction"] = "outbound-api".into();
        v["duration"] = serde_json::Value::Null;
    }
    v
}
