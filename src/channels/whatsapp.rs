//! `provider = "whatsapp-cloud"`: codes sent as an approved authentication template
//! with a copy-code button through Meta's WhatsApp Business Cloud API (Graph API).
//!
//! Wire format (developers.facebook.com, "Sending authentication templates"):
//! `POST {base_url}/{api_version}/{phone_number_id}/messages` with
//! `Authorization: Bearer <access_token>` and JSON
//! `{"messaging_product":"whatsapp","recipient_type":"individual","to":<digits>,
//! "type":"template","template":{"name","language":{"code"},"components":[
//! {"type":"body","parameters":[{"type":"text","text":<code>}]},
//! {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":<code>}]}]},
//! "biz_opaque_callback_data":<idempotency key>}`; the code appears twice, as Meta
//! requires. The answer's `messages[0].id` (a `wamid.…`) is the external id.
//! Errors are `{"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}`
//! and are classified by `code` (see [`classify`]), as Meta recommends.
//!
//! WhatsApp reports only by webhook, so callbacks must be enabled. The app's webhook
//! (or the phone number's override) points at `<public_url>/callbacks/<name>`:
//! - `GET` with `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` is Meta's
//!   subscription check: the challenge is echoed when the verify token matches;
//! - `POST` carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app_secret, body)>`
//!   and `messages` changes whose `statuses` say `sent` (progress), `delivered` /
//!   `read` (delivered) or `failed` (with the error's code and title). Incoming
//!   messages and other fields yield no report.
//!
//! The template's language follows the message's: `languages` maps verifyd's codes
//! (`en`, `de`, …) to the template's; by default `en` is `en_US`, `pt` is `pt_PT`
//! (WhatsApp has no plain `pt`), and every other language its two-letter code.
//!
//! The API has no idempotency key: a retried send is a new message.
//! `biz_opaque_callback_data` carries `verification_id:step` for tracing; Meta echoes
//! it in status webhooks.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer};
use sha2::Sha256;

use super::config::{self, BuildCtx};
use super::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderReport, Receipt,
    Report, SendError, Settles, http,
};
use crate::directory::Secret;
use crate::domain::lang::Lang;

/// The Graph API's address.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";
/// The Graph API version used unless `api_version` says otherwise.
pub const DEFAULT_API_VERSION: &str = "v25.0";
/// Meta's limit on the code in an authentication template.
const CODE_MAX: usize = 15;
/// How long a `hub.challenge` may be (Meta sends a number).
const CHALLENGE_MAX: usize = 256;

/// `provider = "whatsapp-cloud"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    /// The business phone number's id (not the number itself).
    pub phone_number_id: Option<String>,
    #[serde(default, deserialize_with = "secret")]
    pub access_token: Option<Secret>,
    pub access_token_env: Option<String>,
    /// The Meta app's secret, which signs webhooks.
    #[serde(default, deserialize_with = "secret")]
    pub app_secret: Option<Secret>,
    pub app_secret_env: Option<String>,
    /// The token entered with the webhook URL in the app's settings.
    #[serde(default, deserialize_with = "secret")]
    pub verify_token: Option<Secret>,
    pub verify_token_env: Option<String>,
    /// The approved authentication template's name.
    pub template: Option<String>,
    /// verifyd language code → the template's language code.
    pub languages: Option<BTreeMap<String, String>>,
    pub api_version: Option<String>,
    pub base_url: Option<String>,
    pub timeout_sec: Option<u64>,
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Secret::new))
}

fn timeout(v: Option<u64>) -> Result<std::time::Duration, String> {
    match v {
        None => Ok(http::TOTAL_TIMEOUT),
        Some(s) if (1..=300).contains(&s) => Ok(std::time::Duration::from_secs(s)),
        Some(_) => Err("timeout_sec must be between 1 and 300".into()),
    }
}

/// The template language used for `lang` when `languages` does not name it.
pub fn default_language(lang: Lang) -> String {
    match lang {
        Lang::En => "en_US".into(),
        Lang::Pt => "pt_PT".into(),
        other => other.code().to_ascii_lowercase(),
    }
}

fn valid_language_code(v: &str) -> bool {
    let (lang, region) = match v.split_once('_') {
        Some((l, r)) => (l, Some(r)),
        None => (v, None),
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=4).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

pub fn build(s: &Settings, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
    if !ctx.callbacks_enabled {
        return Err(
            "WhatsApp reports deliveries only by webhook: set [callbacks] public_url and start \
             verifyd with --callback-listen"
                .into(),
        );
    }
    let phone_number_id = config::required(&s.phone_number_id, "phone_number_id")?;
    if !phone_number_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            "phone_number_id must be the number's id from WhatsApp Manager (digits), not the phone number".into(),
        );
    }
    let access_token = config::secret(
        s.access_token.as_ref(),
        s.access_token_env.as_deref(),
        "access_token",
        ctx.env,
    )?;
    let app_secret = config::secret(
        s.app_secret.as_ref(),
        s.app_secret_env.as_deref(),
        "app_secret",
        ctx.env,
    )?;
    let verify_token = config::secret(
        s.verify_token.as_ref(),
        s.verify_token_env.as_deref(),
        "verify_token",
        ctx.env,
    )?;
    let template = config::required(&s.template, "template")?;
    if template.len() > 512
        || !template
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err("template must be a template name: lower-case letters, digits and '_'".into());
    }
    let mut languages: HashMap<Lang, String> = Lang::ALL
        .iter()
        .map(|&l| (l, default_language(l)))
        .collect();
    for (ours, theirs) in s.languages.iter().flatten() {
        let lang = Lang::from_code(ours).ok_or_else(|| {
            format!("languages: {ours} is not one of verifyd's language codes (en, de, fr, …)")
        })?;
        if !valid_language_code(theirs) {
            return Err(format!(
                "languages.{ours}: {theirs:?} is not a WhatsApp language code such as en_US or de"
            ));
        }
        languages.insert(lang, theirs.clone());
    }
    let version = s.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION);
    let ok_version = version
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        });
    if !ok_version {
        return Err(format!(
            "api_version must be a Graph API version such as {DEFAULT_API_VERSION}"
        ));
    }
    let base = config::base_url(&s.base_url, DEFAULT_BASE_URL, "base_url")?;
    Ok(Arc::new(WhatsappCloud {
        name: ctx.name.clone(),
        messages_url: format!("{base}/{version}/{phone_number_id}/messages"),
        access_token,
        app_secret,
        verify_token,
        template: template.to_owned(),
        languages,
        client: http::client(timeout(s.timeout_sec)?),
    }))
}

/// One configured WhatsApp business phone number.
pub struct WhatsappCloud {
    name: String,
    messages_url: String,
    access_token: Secret,
    app_secret: Secret,
    verify_token: Secret,
    template: String,
    languages: HashMap<Lang, String>,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default)]
    messages: Vec<SentMessage>,
}

#[derive(Deserialize)]
struct SentMessage {
    id: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    code: Option<i64>,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    error_data: Option<ErrorData>,
    #[serde(default)]
    fbtrace_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorData {
    #[serde(default)]
    details: Option<String>,
}

/// What a Graph API error code means for this send (Meta's "WhatsApp error codes").
///
/// - throttling (`4`, `80007`, `130429`, `131056` the pair rate limit) and Meta's own
///   faults (`1`, `2`, `131000`, `131016`, `131057`, `133004`) are transient;
/// - the token and permissions (`0`, `3`, `10`, `190`, `200`–`299`), the account
///   (`368`, `131031`, `131042`, `131045`, `131048` spam limit, `133010`), a wrong
///   phone number id (`33`, or `100` with subcode `33`) and the template (`132000`–`132999`: missing in this
///   language, paused, parameters wrong) mean this provider cannot send now: `Down`;
/// - the recipient or this message (`100`, `131008`, `131009`, `131021`, `131026`
///   undeliverable / not on WhatsApp, `131047`, `131049`, `131050`, `131051`,
///   `130472`, `130497`) is a refusal;
/// - any other code goes by the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Transient,
    Down,
    Rejected,
    ByStatus,
}

fn class_of(code: i64) -> Class {
    match code {
        4 | 80007 | 130429 | 131056 | 1 | 2 | 131000 | 131016 | 131057 | 133004 => Class::Transient,
        0
        | 3
        | 10
        | 190
        | 200..=299
        | 368
        | 131031
        | 131042
        | 131045
        | 131048
        | 133010
        | 33
        | 132000..=132999 => Class::Down,
        100 | 131008 | 131009 | 131021 | 131026 | 131047 | 131049 | 131050 | 131051 | 130472
        | 130497 => Class::Rejected,
        _ => Class::ByStatus,
    }
}

fn classify(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    error: Option<GraphError>,
) -> SendError {
    let Some(e) = error else {
        return http::failed_status(status, headers, String::new(), String::new());
    };
    let mut message = format!("WhatsApp: {}", e.message);
    if let Some(details) = e
        .error_data
        .and_then(|d| d.details)
        .filter(|d| !d.is_empty())
    {
        message.push_str(&format!(" ({details})"));
    }
    if let Some(trace) = e.fbtrace_id.filter(|t| !t.is_empty()) {
        message.push_str(&format!(" [fbtrace_id {trace}]"));
    }
    let code = e.code.map(|c| c.to_string()).unwrap_or_default();
    let class = match e.code {
        // "Unsupported post request. Object with ID … does not exist": the
        // phone_number_id is wrong (Graph marks it with subcode 33).
        Some(100) if e.error_subcode == Some(33) || e.kind == "GraphMethodException" => Class::Down,
        Some(c) => class_of(c),
        None => Class::ByStatus,
    };
    match class {
        Class::Transient => SendError::Transient {
            message,
            retry_after: http::retry_after(headers),
        },
        Class::Down => SendError::Down { message },
        Class::Rejected => SendError::Rejected { code, message },
        Class::ByStatus => http::failed_status(status, headers, code, message),
    }
}

#[async_trait::async_trait]
impl Provider for WhatsappCloud {
    fn name(&self) -> &str {
        &self.name
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let to = msg.recipient.strip_prefix('+').unwrap_or(&msg.recipient);
        if to.is_empty() || !to.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SendError::Rejected {
                code: "INVALID_RECIPIENT".into(),
                message: "WhatsApp needs a phone number".into(),
            });
        }
        if msg.code.is_empty() || msg.code.chars().count() > CODE_MAX {
            return Err(SendError::Rejected {
                code: "CODE_TOO_LONG".into(),
                message: format!(
                    "WhatsApp authentication templates take codes of up to {CODE_MAX} characters"
                ),
            });
        }
        let language = self
            .languages
            .get(&msg.lang)
            .cloned()
            .unwrap_or_else(|| default_language(msg.lang));
        let code_param = serde_json::json!([{ "type": "text", "text": msg.code }]);
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": {
                "name": self.template,
                "language": { "code": language },
                "components": [
                    { "type": "body", "parameters": code_param },
                    { "type": "button", "sub_type": "url", "index": "0", "parameters": code_param },
                ],
            },
            "biz_opaque_callback_data": msg.idempotency_key,
        });
        let resp = self
            .client
            .post(&self.messages_url)
            .bearer_auth(self.access_token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(|e| http::transport_error(&e))?;
        if !status.is_success() {
            let error = serde_json::from_slice::<ErrorAnswer>(&bytes)
                .ok()
                .map(|a| a.error);
            return Err(classify(status, &headers, error));
        }
        let answer: SendAnswer =
            serde_json::from_slice(&bytes).map_err(|_| SendError::Transient {
                message: "WhatsApp: an unreadable answer".into(),
                retry_after: None,
            })?;
        let id = answer
            .messages
            .into_iter()
            .next()
            .map(|m| m.id)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| SendError::Transient {
                message: "WhatsApp: an answer without a message id".into(),
                retry_after: None,
            })?;
        Ok(Receipt {
            external_id: id,
            settles: Settles::OnReport,
            cost: None,
        })
    }

    fn callback(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        match req.method {
            ::http::Method::GET => self.subscription(req),
            ::http::Method::POST => self.notification(req),
            ref m => Err(CallbackError::Malformed(format!(
                "WhatsApp webhooks are GET or POST, not {m}"
            ))),
        }
    }
}

/// A webhook notification, as far as verifyd reads it.
#[derive(Deserialize)]
struct Notification {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    field: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct MessagesValue {
    #[serde(default)]
    statuses: Vec<Status>,
}

#[derive(Deserialize)]
struct Status {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<StatusError>,
}

#[derive(Deserialize)]
struct StatusError {
    code: Option<i64>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn report_of(s: &Status) -> Report {
    match s.status.as_str() {
        "delivered" | "read" => Report::Delivered,
        "failed" => {
            let mut why = String::from("failed");
            if let Some(e) = s.errors.first() {
                if let Some(code) = e.code {
                    why.push_str(&format!(": {code}"));
                }
                if let Some(text) = e
                    .title
                    .as_deref()
                    .or(e.message.as_deref())
                    .filter(|t| !t.is_empty())
                {
                    why.push_str(if e.code.is_some() { " " } else { ": " });
                    why.push_str(text);
                }
            }
            Report::Failed(why)
        }
        other => Report::Progress(other.to_owned()),
    }
}

impl WhatsappCloud {
    /// Meta's `hub.challenge` check when the webhook URL is saved.
    fn subscription(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        let query: Vec<(String, String)> = serde_urlencoded::from_str(&req.query)
            .map_err(|_| CallbackError::Malformed("an unreadable query".into()))?;
        let get = |k: &str| {
            query
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.as_str())
        };
        if get("hub.mode") != Some("subscribe") {
            return Err(CallbackError::Malformed(
                "a GET is a subscription check, with hub.mode=subscribe".into(),
            ));
        }
        let token = get("hub.verify_token").unwrap_or_default();
        if !http::constant_time_eq(token.as_bytes(), self.verify_token.expose().as_bytes()) {
            return Err(CallbackError::BadSignature(
                "hub.verify_token does not match verify_token".into(),
            ));
        }
        let challenge = get("hub.challenge")
            .filter(|c| !c.is_empty() && c.len() <= CHALLENGE_MAX)
            .ok_or_else(|| CallbackError::Malformed("no usable hub.challenge".into()))?;
        Ok(CallbackOutcome::Reply {
            status: 200,
            content_type: "text/plain",
            body: challenge.to_owned(),
        })
    }

    /// A signed notification: statuses of the messages sent.
    fn notification(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        let header = req
            .headers
            .get("x-hub-signature-256")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| CallbackError::BadSignature("no X-Hub-Signature-256".into()))?;
        let given = header
            .trim()
            .strip_prefix("sha256=")
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| {
                CallbackError::BadSignature("X-Hub-Signature-256 is not sha256=<hex>".into())
            })?;
        let mut mac = Hmac::<Sha256>::new_from_slice(self.app_secret.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(&req.body);
        if !http::constant_time_eq(&mac.finalize().into_bytes(), &given) {
            return Err(CallbackError::BadSignature(
                "X-Hub-Signature-256 does not match".into(),
            ));
        }
        let n: Notification = serde_json::from_slice(&req.body)
            .map_err(|e| CallbackError::Malformed(format!("not a webhook notification: {e}")))?;
        let mut reports = Vec::new();
        if n.object != "whatsapp_business_account" {
            // Signed by our app but about something else: nothing to route.
            return Ok(CallbackOutcome::Reports(reports));
        }
        for change in n.entry.iter().flat_map(|e| &e.changes) {
            if change.field != "messages" {
                continue;
            }
            let value = MessagesValue::deserialize(&change.value)
                .map_err(|e| CallbackError::Malformed(format!("a messages change: {e}")))?;
            reports.extend(value.statuses.iter().map(|s| ProviderReport {
                external_id: s.id.clone(),
                report: report_of(s),
            }));
        }
        Ok(CallbackOutcome::Reports(reports))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(class_of(131026), Class::Rejected);
        assert_eq!(class_of(130429), Class::Transient);
        assert_eq!(class_of(131056), Class::Transient);
        assert_eq!(class_of(80007), Class::Transient);
        assert_eq!(class_of(190), Class::Down);
        assert_eq!(class_of(10), Class::Down);
        assert_eq!(class_of(200), Class::Down);
        assert_eq!(class_of(132001), Class::Down);
        assert_eq!(class_of(999_999), Class::ByStatus);
    }

    #[test]
    fn languages() {
        assert_eq!(default_language(Lang::En), "en_US");
        assert_eq!(default_language(Lang::De), "de");
        assert_eq!(default_language(Lang::Pt), "pt_PT");
        assert_eq!(default_language(Lang::Uk), "uk");
        for ok in ["en", "en_US", "pt_BR", "zh_CN", "fil"] {
            assert!(valid_language_code(ok), "{ok}");
        }
        for bad in ["", "EN", "e", "en-US", "en_", "english"] {
            assert!(!valid_language_code(bad), "{bad}");
        }
    }
}
