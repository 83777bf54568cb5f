//! Vonage, formerly Nexmo (`provider = "vonage"`): SMS through the SMS API,
//! `POST {base}/sms/json`, with the API key and secret in the form body.
//!
//! Accepted is success ([`Settles::OnAccept`]). Every message asks for a delivery
//! receipt at `<public_url>/callbacks/<name>` when callbacks are on; receipts come
//! as a GET with query parameters or as a POST (form or JSON, per the account's
//! settings), and are authenticated one of two ways:
//! - with `signature_secret` (Vonage's "signed messages", enabled on the account):
//!   the `sig` parameter, computed as Vonage documents for `signature_method`, and
//!   a `timestamp` within [`MAX_SKEW_SEC`] of now;
//! - without: the callback URL verifyd hands Vonage carries `?token=`, the hex
//!   HMAC-SHA256 of `"verifyd vonage callback " + name` keyed with the API secret,
//!   and a receipt without that exact token is refused. (Rotating the API secret
//!   therefore refuses receipts of messages sent before the rotation.)
//!
//! The SMS API takes no idempotency key; `client-ref` carries the verification id
//! so that a message can be found in Vonage's dashboard and reports.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Digest as _;

use super::config::{BuildCtx, base_url, required, secret};
use super::http;
use super::twilio::{decimal_micros, opt_secret, total_timeout};
use super::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderCost,
    ProviderReport, Receipt, Report, SendError, Settles,
};
use crate::directory::Secret;

pub const DEFAULT_BASE_URL: &str = "https://rest.nexmo.com";
pub const DEFAULT_PRICE_CURRENCY: &str = "EUR";
/// How far a signed receipt's `timestamp` may be from now, either way.
pub const MAX_SKEW_SEC: i64 = 300;

/// How Vonage signs requests (the account's "signature method").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureMethod {
    /// MD5 of the parameter string followed by the secret (Vonage's default).
    Md5hash,
    /// HMAC-MD5 of the parameter string.
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

/// `provider = "vonage"` under `[[sms]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    pub api_key: Option<String>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub api_secret: Option<Secret>,
    pub api_secret_env: Option<String>,
    /// The default sender: a number or an alphanumeric sender ID. A step's
    /// `sender_id` overrides it.
    pub from: Option<String>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub signature_secret: Option<Secret>,
    pub signature_secret_env: Option<String>,
    pub signature_method: Option<SignatureMethod>,
    /// The account's currency, in which `message-price` is given.
    pub price_currency: Option<String>,
    pub base_url: Option<String>,
    pub timeout_sec: Option<u64>,
}

pub fn build(s: &Settings, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
    let api_key = required(&s.api_key, "api_key")?.to_owned();
    let api_secret = secret(
        s.api_secret.as_ref(),
        s.api_secret_env.as_deref(),
        "api_secret",
        ctx.env,
    )?;
    let from = required(&s.from, "from")?.to_owned();
    check_sender(&from, "from")?;
    let base = base_url(&s.base_url, DEFAULT_BASE_URL, "base_url")?;
    let timeout = total_timeout(s.timeout_sec)?;
    let signing = if s.signature_secret.is_some() || s.signature_secret_env.is_some() {
        let secret = secret(
            s.signature_secret.as_ref(),
            s.signature_secret_env.as_deref(),
            "signature_secret",
            ctx.env,
        )?;
        Some((
            secret,
            s.signature_method.unwrap_or(SignatureMethod::Md5hash),
        ))
    } else {
        if s.signature_method.is_some() {
            return Err("signature_method is given without signature_secret".into());
        }
        None
    };
    let currency = s
        .price_currency
        .as_deref()
        .unwrap_or(DEFAULT_PRICE_CURRENCY)
        .to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("price_currency must be a three-letter ISO 4217 code such as EUR".into());
    }
    let token = callback_token(api_secret.expose(), &ctx.name);
    let callback_url = match (&ctx.callback_url, &signing) {
        _ if !ctx.callbacks_enabled => None,
        (Some(url), Some(_)) => Some(url.clone()),
        (Some(url), None) => Some(format!("{url}?token={token}")),
        (None, _) => None,
    };
    Ok(Arc::new(Vonage {
        name: ctx.name.clone(),
        url: format!("{base}/sms/json"),
        api_key,
        api_secret,
        from,
        signing,
        token,
        currency,
        callback_url,
        client: http::client(timeout),
    }))
}

/// The token a callback URL carries when receipts are not signed.
pub fn callback_token(api_secret: &str, name: &str) -> String {
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(api_secret.as_bytes()).expect("any key length");
    mac.update(b"verifyd vonage callback ");
    mac.update(name.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A sender: digits (a number, `+` allowed) or an alphanumeric sender ID of at most
/// 11 characters.
fn check_sender(s: &str, setting: &str) -> Result<(), String> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    let number =
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
    let alnum = (1..=11).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-' || b == b'.');
    if number || alnum {
        Ok(())
    } else {
        Err(format!(
            "{setting} must be a phone number or an alphanumeric sender ID of at most 11 characters"
        ))
    }
}

pub struct Vonage {
    name: String,
    /// `{base}/sms/json`.
    url: String,
    api_key: String,
    api_secret: Secret,
    from: String,
    signing: Option<(Secret, SignatureMethod)>,
    /// Required in the callback URL when receipts are not signed.
    token: String,
    currency: String,
    callback_url: Option<String>,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
struct SendResponse {
    #[serde(default)]
    messages: Vec<Part>,
}

/// One part of a sent message (long texts are sent in several).
#[derive(Debug, Deserialize)]
struct Part {
    status: Option<String>,
    #[serde(rename = "message-id")]
    message_id: Option<String>,
    #[serde(rename = "message-price")]
    message_price: Option<String>,
    #[serde(rename = "error-text")]
    error_text: Option<String>,
}

/// Vonage's send status codes, classified.
fn classify(status: &str, text: &str) -> SendError {
    let message = if text.is_empty() {
        format!("Vonage status {status}")
    } else {
        format!("Vonage status {status}: {text}")
    };
    match status {
        // Throttled; internal error; too many existing binds.
        "1" | "5" | "10" => SendError::Transient {
            message,
            retry_after: if status == "1" {
                Some(Duration::from_secs(1))
            } else {
                None
            },
        },
        // Invalid credentials; account barred; out of credit; account not enabled
        // for HTTP; invalid signature; invalid callback URL; signature and secret
        // both given.
        "4" | "8" | "9" | "11" | "14" | "23" | "32" => SendError::Down { message },
        // The number is on the block list (e.g. it replied STOP).
        "7" => SendError::Blocked {
            code: status.to_owned(),
            message,
        },
        // Missing or invalid parameters; unroutable; too long; invalid sender;
        // invalid network code; destination not allowed (trial); number
        // deactivated; and anything else.
        _ => SendError::Rejected {
            code: status.to_owned(),
            message,
        },
    }
}

/// GSM 03.38: the default alphabet and its extension table. A text with anything
/// else goes as `type=unicode`.
const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\u{0c}^{}\\[~]|€";

pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| GSM7.contains(c))
}

/// Texts of the `err-code` of delivery receipts.
fn receipt_error_text(code: &str) -> &'static str {
    match code {
        "1" => "unknown",
        "2" => "absent subscriber (temporary)",
        "3" => "absent subscriber (permanent)",
        "4" => "call barred by user",
        "5" => "portability error",
        "6" => "anti-spam rejection",
        "7" => "handset busy",
        "8" => "network error",
        "9" => "illegal number",
        "10" => "illegal message",
        "11" => "unroutable",
        "12" => "destination unreachable",
        "13" => "subscriber age restriction",
        "14" => "number blocked by carrier",
        "15" => "prepaid insufficient funds",
        "16" => "gateway quota exceeded",
        "50" => "entity filter",
        "51" => "header filter",
        "52" => "content filter",
        "53" => "consent filter",
        "54" => "regulation error",
        "99" => "general error",
        _ => "",
    }
}

fn receipt_report(status: &str, err_code: Option<&str>) -> Report {
    match status {
        "delivered" => Report::Delivered,
        "expired" | "failed" | "rejected" => {
            let mut why = status.to_owned();
            if let Some(code) = err_code.filter(|c| !c.is_empty()) {
                why.push_str(": err-code ");
                why.push_str(code);
                let text = receipt_error_text(code);
                if !text.is_empty() {
                    why.push(' ');
                    why.push_str(text);
                }
            }
            Report::Failed(why)
        }
        other => Report::Progress(other.to_owned()),
    }
}

/// The string Vonage signs: every parameter but `sig`, by name, as `&name=value`,
/// with `&` and `=` in values replaced by `_`.
fn signing_string(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().filter(|(k, _)| k != "sig").collect();
    sorted.sort();
    let mut out = String::new();
    for (k, v) in sorted {
        out.push('&');
        out.push_str(k);
        out.push('=');
        out.push_str(&v.replace(['&', '='], "_"));
    }
    out
}

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> String {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Vonage's signature of `params` (lower-case hex).
pub fn signature(secret: &str, method: SignatureMethod, params: &[(String, String)]) -> String {
    let data = signing_string(params);
    let key = secret.as_bytes();
    match method {
        SignatureMethod::Md5hash => {
            let mut h = md5::Md5::new();
            h.update(data.as_bytes());
            h.update(key);
            hex::encode(h.finalize())
        }
        SignatureMethod::Md5 => hmac_hex::<Hmac<md5::Md5>>(key, data.as_bytes()),
        SignatureMethod::Sha1 => hmac_hex::<Hmac<sha1::Sha1>>(key, data.as_bytes()),
        SignatureMethod::Sha256 => hmac_hex::<Hmac<sha2::Sha256>>(key, data.as_bytes()),
        SignatureMethod::Sha512 => hmac_hex::<Hmac<sha2::Sha512>>(key, data.as_bytes()),
    }
}

/// The parameters of a receipt: the query of a GET, the form or JSON body of a POST.
fn receipt_params(req: &CallbackRequest) -> Result<Vec<(String, String)>, CallbackError> {
    let query: Vec<(String, String)> = serde_urlencoded::from_str(&req.query)
        .map_err(|e| CallbackError::Malformed(format!("bad query: {e}")))?;
    if req.method == ::http::Method::GET {
        return Ok(query);
    }
    let json = req
        .headers
        .get(::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"))
        || req.body.trim_ascii_start().starts_with(b"{");
    let mut params = if json {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&req.body)
            .map_err(|e| CallbackError::Malformed(format!("not a JSON object: {e}")))?;
        object
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                serde_json::Value::Number(n) => Some((k, n.to_string())),
                serde_json::Value::Bool(b) => Some((k, b.to_string())),
                _ => None,
            })
            .collect()
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&req.body)
            .map_err(|e| CallbackError::Malformed(format!("not a form body: {e}")))?
    };
    // The token rides in the query of a POST.
    params.extend(query.into_iter().filter(|(k, _)| k == "token"));
    Ok(params)
}

impl Vonage {
    fn verify(
        &self,
        req: &CallbackRequest,
        params: &[(String, String)],
    ) -> Result<(), CallbackError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        match &self.signing {
            Some((secret, method)) => {
                let sig = get("sig")
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| CallbackError::BadSignature("no sig parameter".into()))?;
                let ts: i64 = get("timestamp")
                    .and_then(|t| t.trim().parse().ok())
                    .ok_or_else(|| CallbackError::BadSignature("no timestamp parameter".into()))?;
                let now = req.now.div_euclid(1000);
                if (now - ts).abs() > MAX_SKEW_SEC {
                    return Err(CallbackError::BadSignature(format!(
                        "timestamp {ts} is more than {MAX_SKEW_SEC} s from now"
                    )));
                }
                let signed: Vec<(String, String)> = params
                    .iter()
                    .filter(|(k, _)| k != "token")
                    .cloned()
                    .collect();
                let expected = signature(secret.expose(), *method, &signed);
                if !http::constant_time_eq(sig.to_ascii_lowercase().as_bytes(), expected.as_bytes())
                {
                    return Err(CallbackError::BadSignature("sig does not match".into()));
                }
                Ok(())
            }
            None => {
                let token = get("token")
                    .ok_or_else(|| CallbackError::BadSignature("no token in the URL".into()))?;
                if !http::constant_time_eq(token.as_bytes(), self.token.as_bytes()) {
                    return Err(CallbackError::BadSignature("wrong token in the URL".into()));
                }
                Ok(())
            }
        }
    }
}

#[async_trait::async_trait]
impl Provider for Vonage {
    fn name(&self) -> &str {
        &self.name
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let to = msg.recipient.strip_prefix('+').unwrap_or(&msg.recipient);
        let from = msg
            .sender_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.from);
        // Numbers go without their `+`; sender IDs as they are.
        let from = match from.strip_prefix('+') {
            Some(d) if d.bytes().all(|b| b.is_ascii_digit()) => d,
            _ => from,
        };
        let client_ref = msg.verification_id.to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("api_key", &self.api_key),
            ("api_secret", self.api_secret.expose()),
            ("from", from),
            ("to", to),
            ("text", &msg.content.text),
        ];
        if !is_gsm7(&msg.content.text) {
            form.push(("type", "unicode"));
        }
        if let Some(cb) = &self.callback_url {
            form.push(("callback", cb));
            form.push(("status-report-req", "1"));
        }
        form.push(("client-ref", &client_ref));

        let resp = self
            .client
            .post(&self.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| http::transport_error(&e))?;
        if !status.is_success() {
            #[derive(Deserialize, Default)]
            struct Problem {
                title: Option<String>,
                detail: Option<String>,
                #[serde(rename = "error-text")]
                error_text: Option<String>,
            }
            let p: Problem = serde_json::from_slice(&body).unwrap_or_default();
            let text = [p.title, p.detail, p.error_text]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            return Err(http::failed_status(status, &headers, String::new(), text));
        }
        let r: SendResponse = serde_json::from_slice(&body).map_err(|e| SendError::Transient {
            message: format!("{status} with a body that is not an SMS API answer: {e}"),
            retry_after: None,
        })?;
        if r.messages.is_empty() {
            return Err(SendError::Transient {
                message: format!("{status} without messages"),
                retry_after: None,
            });
        }
        if let Some(bad) = r.messages.iter().find(|p| p.status.as_deref() != Some("0")) {
            return Err(classify(
                bad.status.as_deref().unwrap_or("?"),
                bad.error_text.as_deref().unwrap_or_default(),
            ));
        }
        let external_id = r.messages[0]
            .message_id
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or(SendError::Transient {
                message: "Vonage accepted the message but returned no message-id".into(),
                retry_after: None,
            })?;
        let prices: Option<Vec<i64>> = r
            .messages
            .iter()
            .map(|p| p.message_price.as_deref().and_then(decimal_micros))
            .collect();
        let cost = prices.map(|p| ProviderCost {
            currency: self.currency.clone(),
            micros: p.iter().sum(),
        });
        Ok(Receipt {
            external_id,
            settles: Settles::OnAccept,
            cost,
        })
    }

    fn callback(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        let params = receipt_params(req)?;
        self.verify(req, &params)?;
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let id = get("messageId").ok_or_else(|| CallbackError::Malformed("no messageId".into()))?;
        let status = get("status").ok_or_else(|| CallbackError::Malformed("no status".into()))?;
        Ok(CallbackOutcome::Reports(vec![ProviderReport {
            external_id: id.to_owned(),
            report: receipt_report(status, get("err-code")),
        }]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7() {
        assert!(is_gsm7(
            "Your Acme code is 123456. {Don't} share it: €5 ^_^"
        ));
        assert!(!is_gsm7("Ваш код 123456"));
        assert!(!is_gsm7("Kód: 123456 – ěšč"));
        assert!(!is_gsm7("code 💥"));
    }

    #[test]
    fn signing_string_replaces_separators() {
        let p = vec![
            ("b".to_string(), "x=y&z".to_string()),
            ("a".to_string(), "1".to_string()),
            ("sig".to_string(), "ignored".to_string()),
        ];
        assert_eq!(signing_string(&p), "&a=1&b=x_y_z");
    }

    #[test]
    fn md5hash_is_md5_of_string_and_secret() {
        let p = vec![("a".to_string(), "1".to_string())];
        let mut h = md5::Md5::new();
        h.update(b"&a=1secret");
        assert_eq!(
            signature("secret", SignatureMethod::Md5hash, &p),
            hex::encode(h.finalize())
        );
    }
}
