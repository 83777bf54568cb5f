//! Twilio (`provider = "twilio"`): SMS through the Messages resource and voice calls
//! through the Calls resource of Twilio's REST API (2010-04-01), or of a gateway
//! that speaks it (`base_url`).
//!
//! - SMS: `POST /2010-04-01/Accounts/{sid}/Messages.json` with `To`, `From` and/or
//!   `MessagingServiceSid`, `Body`, and `StatusCallback` when callbacks are on.
//!   Accepted is success ([`Settles::OnAccept`]); the status callbacks that follow
//!   are recorded (`delivered`, `undelivered: 30003 …`).
//! - Voice: `POST /2010-04-01/Accounts/{sid}/Calls.json` with inline `Twiml`: one
//!   `<Say>` holding the SSML verifyd renders (the code digit by digit, then once
//!   more), in a voice chosen per language. Success is the call being answered
//!   ([`Settles::OnReport`]), learnt from status callbacks (`reports = "callback"`,
//!   the default when callbacks are on) or by fetching the call
//!   (`reports = "poll"`). A call that is still queued or ringing when its
//!   verification ends is canceled ([`Provider::revoke`]).
//!
//! Credentials: basic auth with the account SID and auth token, or with an API key
//! (`api_key_sid`, `api_key_secret`); callbacks are authenticated with the auth
//! token either way (`X-Twilio-Signature`: base64 HMAC-SHA1 over the URL as Twilio
//! called it, then, for form posts, every parameter's name and value in name order).
//!
//! Twilio's create endpoints take no idempotency key: a send is one POST, and the
//! router decides whether a failed one is tried again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer};

use super::config::{BuildCtx, base_url, required, secret};
use super::http;
use super::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderCost,
    ProviderReport, Receipt, Report, SendError, Settles,
};
use crate::directory::Secret;
use crate::domain::channel::Channel;
use crate::domain::lang::Lang;

pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";
/// Seconds between two fetches of a call's status in poll mode.
pub const DEFAULT_POLL_INTERVAL_SEC: u64 = 3;
/// Twilio refuses a `Twiml` parameter longer than this.
pub const MAX_TWIML: usize = 4000;
/// Twilio rings a number at most this long (`Timeout`).
pub const MAX_RING_SEC: u32 = 600;

/// How a voice call's outcome is learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reports {
    /// Twilio posts status callbacks to `<public_url>/callbacks/<name>`.
    Callback,
    /// verifyd fetches the call every `poll_interval_sec`.
    Poll,
}

/// `provider = "twilio"` under `[[sms]]` or `[[voice]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    pub account_sid: Option<String>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub auth_token: Option<Secret>,
    pub auth_token_env: Option<String>,
    pub api_key_sid: Option<String>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub api_key_secret: Option<Secret>,
    pub api_key_secret_env: Option<String>,
    /// The default sender: a Twilio number in E.164 (or, for SMS, a short code or
    /// an alphanumeric sender ID). A step's `sender_id` overrides it.
    pub from: Option<String>,
    /// SMS only: send through this Messaging Service (it picks the sender when
    /// there is no `from`).
    pub messaging_service_sid: Option<String>,
    pub base_url: Option<String>,
    pub timeout_sec: Option<u64>,
    /// Voice only.
    pub reports: Option<Reports>,
    /// Voice only, with `reports = "poll"`.
    pub poll_interval_sec: Option<u64>,
    /// Voice only: one `<Say voice=…>` for every language, e.g. `Polly.Joanna`.
    pub voice: Option<String>,
    /// Voice only: voices per language code (`de = "Polly.Hans"`), over the
    /// built-in table.
    pub voices: Option<BTreeMap<String, String>>,
}

/// Reads an optional secret setting.
pub(super) fn opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Secret::new))
}

/// A decimal amount such as `-0.00750` as a positive number of millionths.
pub(super) fn decimal_micros(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut micros = 0i64;
    for b in frac.bytes().chain(std::iter::repeat(b'0')).take(6) {
        micros = micros * 10 + i64::from(b - b'0');
    }
    int.checked_mul(1_000_000)?.checked_add(micros)
}

/// A setting that may only be given for some channel.
fn only_for(given: bool, setting: &str, channel: Channel, allowed: Channel) -> Result<(), String> {
    if given && channel != allowed {
        return Err(format!(
            "{setting} applies to {allowed} only, not {channel}"
        ));
    }
    Ok(())
}

/// The total timeout of one call, from `timeout_sec`.
pub(super) fn total_timeout(timeout_sec: Option<u64>) -> Result<Duration, String> {
    match timeout_sec {
        None => Ok(http::TOTAL_TIMEOUT),
        Some(0) => Err("timeout_sec must be at least 1".into()),
        Some(s) if s > 300 => Err("timeout_sec must be at most 300".into()),
        Some(s) => Ok(Duration::from_secs(s)),
    }
}

/// The default voice of each language: Amazon Polly standard voices where Polly has
/// the language, Google standard voices elsewhere (both take SSML in `<Say>`).
/// Twilio offers no Croatian voice; Croatian texts are read by the Serbian one.
fn default_voice(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Polly.Joanna",
        Lang::De => "Polly.Vicki",
        Lang::Fr => "Polly.Lea",
        Lang::It => "Polly.Bianca",
        Lang::Es => "Polly.Lucia",
        Lang::Pl => "Polly.Ewa",
        Lang::Nl => "Polly.Lotte",
        Lang::Ro => "Polly.Carmen",
        Lang::Pt => "Polly.Ines",
        Lang::Cs => "Google.cs-CZ-Standard-A",
        Lang::Hu => "Google.hu-HU-Standard-A",
        Lang::Sv => "Polly.Astrid",
        Lang::Da => "Polly.Naja",
        Lang::Fi => "Google.fi-FI-Standard-A",
        Lang::Sk => "Google.sk-SK-Standard-A",
        Lang::Hr => "Google.sr-RS-Standard-A",
        Lang::Tr => "Polly.Filiz",
        Lang::Ru => "Polly.Tatyana",
        Lang::Bg => "Google.bg-BG-Standard-A",
        Lang::Uk => "Google.uk-UA-Standard-A",
    }
}

/// Which voice speaks each language.
#[derive(Debug, Clone, Default)]
struct Voices {
    all: Option<String>,
    per_lang: std::collections::HashMap<Lang, String>,
}

impl Voices {
    fn of(&self, lang: Lang) -> &str {
        self.per_lang
            .get(&lang)
            .or(self.all.as_ref())
            .map_or_else(|| default_voice(lang), String::as_str)
    }
}

/// A voice name goes into an XML attribute: keep it to what Twilio's names use.
fn check_voice(v: &str, setting: &str) -> Result<(), String> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(format!(
            "{setting} must be a Twilio voice name such as Polly.Joanna or Google.de-DE-Standard-A"
        ));
    }
    Ok(())
}

pub fn build(s: &Settings, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
    let channel = ctx.channel;
    let account_sid = required(&s.account_sid, "account_sid")?;
    if !account_sid
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("account_sid may hold only letters, digits, '-' and '_'".into());
    }
    let base = base_url(&s.base_url, DEFAULT_BASE_URL, "base_url")?;
    let timeout = total_timeout(s.timeout_sec)?;
    only_for(
        s.messaging_service_sid.is_some(),
        "messaging_service_sid",
        channel,
        Channel::Sms,
    )?;
    for (given, setting) in [
        (s.reports.is_some(), "reports"),
        (s.poll_interval_sec.is_some(), "poll_interval_sec"),
        (s.voice.is_some(), "voice"),
        (s.voices.is_some(), "voices"),
    ] {
        only_for(given, setting, channel, Channel::Voice)?;
    }

    // Basic auth: an API key if one is given, else the account and its auth token.
    let api_key = match (&s.api_key_sid, &s.api_key_secret, &s.api_key_secret_env) {
        (None, None, None) => None,
        (None, _, _) => return Err("api_key_secret is given without api_key_sid".into()),
        (Some(sid), inline, env_name) => {
            let secret = secret(
                inline.as_ref(),
                env_name.as_deref(),
                "api_key_secret",
                ctx.env,
            )?;
            Some((
                required(&Some(sid.clone()), "api_key_sid")?.to_owned(),
                secret,
            ))
        }
    };
    let token_given = s.auth_token.is_some() || s.auth_token_env.is_some();

    let reports = match channel {
        Channel::Voice => Some(match s.reports {
            Some(Reports::Callback) if !ctx.callbacks_enabled => {
                return Err("reports = \"callback\" needs [callbacks] public_url and --callback-listen; or set reports = \"poll\"".into());
            }
            Some(r) => r,
            None if ctx.callbacks_enabled => Reports::Callback,
            None => Reports::Poll,
        }),
        Channel::Sms => None,
        other => return Err(format!("twilio does not serve {other}")),
    };
    let callback_url = match channel {
        Channel::Voice if reports == Some(Reports::Callback) => ctx.callback_url.clone(),
        Channel::Sms if ctx.callbacks_enabled => ctx.callback_url.clone(),
        _ => None,
    };
    // The auth token signs callbacks, so it is needed whenever callbacks come,
    // and for basic auth when there is no API key.
    let auth_token = if api_key.is_none() || callback_url.is_some() || token_given {
        Some(secret(
            s.auth_token.as_ref(),
            s.auth_token_env.as_deref(),
            "auth_token",
            ctx.env,
        )?)
    } else {
        None
    };
    let basic = match (&api_key, &auth_token) {
        (Some((sid, secret)), _) => (sid.clone(), secret.clone()),
        (None, Some(token)) => (account_sid.to_owned(), token.clone()),
        (None, None) => return Err("auth_token is missing".into()),
    };

    let from = s
        .from
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    match channel {
        Channel::Sms if from.is_none() && s.messaging_service_sid.is_none() => {
            return Err(
                "from is missing: give from (a Twilio number) or messaging_service_sid".into(),
            );
        }
        Channel::Voice => {
            let f = required(&s.from, "from")?;
            if !is_e164(f) {
                return Err(
                    "from must be a phone number in E.164 form, such as +15005550006".into(),
                );
            }
        }
        _ => {}
    }
    if let Some(ms) = &s.messaging_service_sid
        && (ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err("messaging_service_sid must be letters and digits (MG…)".into());
    }

    let poll = match reports {
        Some(Reports::Poll) => match s.poll_interval_sec.unwrap_or(DEFAULT_POLL_INTERVAL_SEC) {
            0 => return Err("poll_interval_sec must be at least 1".into()),
            n => Some(Duration::from_secs(n)),
        },
        _ => {
            if s.poll_interval_sec.is_some() {
                return Err("poll_interval_sec applies only with reports = \"poll\"".into());
            }
            None
        }
    };

    let mut voices = Voices::default();
    if let Some(v) = &s.voice {
        check_voice(v, "voice")?;
        voices.all = Some(v.clone());
    }
    for (code, v) in s.voices.iter().flatten() {
        let lang = Lang::from_code(code).ok_or_else(|| {
            format!(
                "voices.{code}: not a language verifyd speaks (use two-letter codes such as de)"
            )
        })?;
        check_voice(v, &format!("voices.{code}"))?;
        voices.per_lang.insert(lang, v.clone());
    }

    Ok(Arc::new(Twilio {
        name: ctx.name.clone(),
        channel,
        account_url: format!("{base}/2010-04-01/Accounts/{account_sid}"),
        basic,
        auth_token,
        from,
        messaging_service_sid: s.messaging_service_sid.clone(),
        callback_url,
        poll,
        voices,
        client: http::client(timeout),
    }))
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

pub struct Twilio {
    name: String,
    channel: Channel,
    /// `{base}/2010-04-01/Accounts/{sid}`.
    account_url: String,
    /// Basic auth user and password.
    basic: (String, Secret),
    /// Signs callbacks; absent only with an API key and no callbacks.
    auth_token: Option<Secret>,
    from: Option<String>,
    messaging_service_sid: Option<String>,
    /// Sent as `StatusCallback` when set.
    callback_url: Option<String>,
    poll: Option<Duration>,
    voices: Voices,
    client: reqwest::Client,
}

/// What Twilio answers to a create or fetch.
#[derive(Debug, Deserialize)]
struct Resource {
    sid: Option<String>,
    status: Option<String>,
    price: Option<String>,
    price_unit: Option<String>,
}

/// Twilio's error body.
#[derive(Debug, Default, Deserialize)]
struct ApiError {
    code: Option<i64>,
    message: Option<String>,
}

/// Error codes that mean our configuration (sender, service, account) is wrong:
/// no message will go through this provider until someone fixes it.
const CONFIG_CODES: &[i64] = &[
    20003, // authentication failed
    20005, // account not active
    20008, // test credentials cannot do this
    21210, // From (caller ID) not verified for this account
    21212, // invalid From number
    21213, // From is required
    21606, // From is not an SMS-capable number of this account
    21603, // From is required
    21659, // From is not a Twilio number
    21701, // messaging service invalid
    21702, // messaging service invalid
    21703, // messaging service has no numbers
    21704, // messaging service has no numbers
    21705, // messaging service invalid
];

/// Recipient codes that mean the person asked not to be contacted.
const BLOCKED_CODES: &[i64] = &[
    21610, // the recipient replied STOP: unsubscribed
];

/// Texts for the delivery error codes Twilio reports in status callbacks.
fn delivery_error_text(code: &str) -> &'static str {
    match code {
        "30001" => "queue overflow",
        "30002" => "account suspended",
        "30003" => "unreachable destination handset",
        "30004" => "message blocked",
        "30005" => "unknown destination handset",
        "30006" => "landline or unreachable carrier",
        "30007" => "filtered by the carrier",
        "30008" => "unknown error",
        "30009" => "missing segment",
        "30010" => "message price exceeds max price",
        "30034" => "unregistered 10DLC sender",
        _ => "",
    }
}

impl Twilio {
    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Result<reqwest::Response, SendError> {
        self.client
            .post(url)
            .basic_auth(&self.basic.0, Some(self.basic.1.expose()))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| http::transport_error(&e))
    }

    async fn get(&self, url: &str) -> Result<reqwest::Response, SendError> {
        self.client
            .get(url)
            .basic_auth(&self.basic.0, Some(self.basic.1.expose()))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| http::transport_error(&e))
    }

    /// Reads a 2xx resource, or classifies the failure.
    async fn resource(resp: reqwest::Response) -> Result<Resource, SendError> {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| http::transport_error(&e))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| SendError::Transient {
                message: format!("{status} with a body that is not a Twilio resource: {e}"),
                retry_after: None,
            });
        }
        let err: ApiError = serde_json::from_slice(&body).unwrap_or_default();
        Err(classify(status, &headers, err))
    }

    fn sender<'a>(&'a self, msg: &'a Outbound) -> Option<&'a str> {
        msg.sender_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self.from.as_deref())
    }

    async fn send_sms(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let mut form: Vec<(&str, &str)> = vec![("To", &msg.recipient)];
        if let Some(from) = self.sender(msg) {
            form.push(("From", from));
        }
        if let Some(ms) = &self.messaging_service_sid {
            form.push(("MessagingServiceSid", ms));
        }
        form.push(("Body", &msg.content.text));
        if let Some(cb) = &self.callback_url {
            form.push(("StatusCallback", cb));
        }
        let url = format!("{}/Messages.json", self.account_url);
        let r = Self::resource(self.post(&url, &form).await?).await?;
        receipt(r, Settles::OnAccept)
    }

    async fn send_call(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let twiml = self.twiml(msg);
        if twiml.len() > MAX_TWIML {
            return Err(SendError::Rejected {
                code: "twiml-too-long".into(),
                message: format!(
                    "the spoken message makes {} characters of TwiML; Twilio takes at most {MAX_TWIML}",
                    twiml.len()
                ),
            });
        }
        let from = self.sender(msg).unwrap_or_default();
        let ring = msg
            .timeout_sec
            .map(|t| t.clamp(1, MAX_RING_SEC).to_string());
        let mut form: Vec<(&str, &str)> =
            vec![("To", &msg.recipient), ("From", from), ("Twiml", &twiml)];
        if let Some(ring) = &ring {
            form.push(("Timeout", ring));
        }
        if let Some(cb) = &self.callback_url {
            form.push(("StatusCallback", cb));
            // Several events are sent as the parameter repeated, as Twilio's own
            // libraries do.
            for event in ["initiated", "ringing", "answered", "completed"] {
                form.push(("StatusCallbackEvent", event));
            }
            form.push(("StatusCallbackMethod", "POST"));
        }
        let url = format!("{}/Calls.json", self.account_url);
        let r = Self::resource(self.post(&url, &form).await?).await?;
        receipt(r, Settles::OnReport)
    }

    /// `<Response><Say voice=… language=…>` + the SSML's inner markup + `</Say></Response>`.
    fn twiml(&self, msg: &Outbound) -> String {
        let voice = self.voices.of(msg.lang);
        let (ssml_lang, inner) = match msg.content.ssml.as_deref().and_then(speak_parts) {
            Some((lang, inner)) => (lang, inner.to_owned()),
            None => (None, xml_escape(&msg.content.text)),
        };
        // Google voices carry their locale in the name and must be given it;
        // other voices take the message's language.
        let language = voice
            .strip_prefix("Google.")
            .and_then(|rest| {
                let mut parts = rest.splitn(3, '-');
                match (parts.next(), parts.next()) {
                    (Some(l), Some(r)) => Some(format!("{l}-{r}")),
                    _ => None,
                }
            })
            .or(ssml_lang.map(str::to_owned));
        let mut out = String::from("<Response><Say voice=\"");
        out.push_str(&xml_escape(voice));
        out.push('"');
        if let Some(l) = language {
            out.push_str(" language=\"");
            out.push_str(&xml_escape(&l));
            out.push('"');
        }
        out.push('>');
        out.push_str(&inner);
        out.push_str("</Say></Response>");
        out
    }

    fn verify(
        &self,
        req: &CallbackRequest,
        params: &[(String, String)],
    ) -> Result<(), CallbackError> {
        let Some(token) = &self.auth_token else {
            return Err(CallbackError::NotSupported);
        };
        let given = req
            .headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| CallbackError::BadSignature("no X-Twilio-Signature header".into()))?;
        let expected = signature(token.expose(), &req.public_url, params);
        if !http::constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(CallbackError::BadSignature(
                "X-Twilio-Signature does not match".into(),
            ));
        }
        Ok(())
    }
}

/// Twilio's request signature: base64 HMAC-SHA1 keyed with the auth token over the
/// URL, then each parameter's name and value, in name order (values in order too,
/// for a repeated name).
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `xml:lang` and the inner markup of a `<speak …>…</speak>` document.
fn speak_parts(ssml: &str) -> Option<(Option<&str>, &str)> {
    let rest = ssml.trim().strip_prefix("<speak")?;
    let open_end = rest.find('>')?;
    let attrs = &rest[..open_end];
    let inner = rest[open_end + 1..].strip_suffix("</speak>")?;
    let lang = attrs
        .split_once("xml:lang=\"")
        .and_then(|(_, v)| v.split_once('"'))
        .map(|(v, _)| v);
    Some((lang, inner))
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn receipt(r: Resource, settles: Settles) -> Result<Receipt, SendError> {
    let external_id = r
        .sid
        .filter(|s| !s.is_empty())
        .ok_or(SendError::Transient {
            message: "Twilio accepted the request but returned no sid".into(),
            retry_after: None,
        })?;
    let cost = match (r.price.as_deref().and_then(decimal_micros), r.price_unit) {
        (Some(micros), Some(unit)) if !unit.is_empty() => Some(ProviderCost {
            currency: unit.to_ascii_uppercase(),
            micros,
        }),
        _ => None,
    };
    Ok(Receipt {
        external_id,
        settles,
        cost,
    })
}

/// A failed answer, by Twilio's error code where it says more than the status.
fn classify(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    err: ApiError,
) -> SendError {
    let code = err.code.map(|c| c.to_string()).unwrap_or_default();
    let message = err.message.unwrap_or_default();
    match err.code {
        Some(c) if BLOCKED_CODES.contains(&c) => SendError::Blocked {
            code,
            message: format!("{status}: {message}"),
        },
        Some(c) if CONFIG_CODES.contains(&c) => SendError::Down {
            message: format!("{status}: {message} (code {code})"),
        },
        Some(20429) => SendError::Transient {
            message: format!("{status}: {message} (code {code})"),
            retry_after: http::retry_after(headers),
        },
        _ => http::failed_status(status, headers, code, message),
    }
}

/// A message status, as callbacks and fetches give it.
fn message_report(status: &str, error_code: Option<&str>) -> Report {
    match status {
        "delivered" | "read" => Report::Delivered,
        "undelivered" | "failed" | "canceled" => {
            let mut why = status.to_owned();
            if let Some(code) = error_code.filter(|c| !c.is_empty() && *c != "0") {
                why.push_str(": ");
                why.push_str(code);
                let text = delivery_error_text(code);
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

/// A call status. Success is the call being answered: `in-progress`, and
/// `completed`, which Twilio gives only to calls that were answered (unanswered
/// ones end `no-answer`, `busy`, `failed` or `canceled`).
fn call_report(status: &str) -> Report {
    match status {
        "in-progress" | "answered" | "completed" => Report::Delivered,
        "busy" | "no-answer" | "failed" | "canceled" => Report::Failed(status.to_owned()),
        other => Report::Progress(other.to_owned()),
    }
}

#[async_trait::async_trait]
impl Provider for Twilio {
    fn name(&self) -> &str {
        &self.name
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        match self.channel {
            Channel::Voice => self.send_call(msg).await,
            _ => self.send_sms(msg).await,
        }
    }

    fn poll_interval(&self) -> Option<Duration> {
        self.poll
    }

    async fn poll(&self, external_id: &str) -> Result<Option<Report>, SendError> {
        let resource = if self.channel == Channel::Voice {
            "Calls"
        } else {
            "Messages"
        };
        let url = format!(
            "{}/{resource}/{}.json",
            self.account_url,
            path_segment(external_id)
        );
        let r = Self::resource(self.get(&url).await?).await?;
        let status = r.status.unwrap_or_default();
        let report = if self.channel == Channel::Voice {
            call_report(&status)
        } else {
            message_report(&status, None)
        };
        Ok(match report {
            Report::Progress(_) => None,
            decisive => Some(decisive),
        })
    }

    /// Cancels a call that is still queued or ringing; Twilio leaves a call that
    /// was answered alone (`Status=canceled`), so nobody is cut off mid-sentence.
    async fn revoke(&self, external_id: &str) -> Result<(), SendError> {
        if self.channel != Channel::Voice {
            return Ok(());
        }
        let url = format!(
            "{}/Calls/{}.json",
            self.account_url,
            path_segment(external_id)
        );
        match Self::resource(self.post(&url, &[("Status", "canceled")]).await?).await {
            Ok(_) => Ok(()),
            // Already answered or over: nothing left to withdraw.
            Err(SendError::Rejected { .. } | SendError::Blocked { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn callback(&self, req: &CallbackRequest) -> Result<CallbackOutcome, CallbackError> {
        let params: Vec<(String, String)> = if req.method == ::http::Method::POST {
            serde_urlencoded::from_bytes(&req.body)
                .map_err(|e| CallbackError::Malformed(format!("not a form body: {e}")))?
        } else {
            Vec::new()
        };
        // For a GET, the parameters are in the URL, which the signature covers.
        self.verify(req, &params)?;
        let fields: Vec<(String, String)> = if req.method == ::http::Method::POST {
            params
        } else {
            serde_urlencoded::from_str(&req.query)
                .map_err(|e| CallbackError::Malformed(format!("bad query: {e}")))?
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let report = if let Some(call) = field("CallSid").filter(|_| self.channel == Channel::Voice)
        {
            let status = field("CallStatus")
                .ok_or_else(|| CallbackError::Malformed("no CallStatus".into()))?;
            ProviderReport {
                external_id: call.to_owned(),
                report: call_report(status),
            }
        } else if let Some(sid) = field("MessageSid").or(field("SmsSid")) {
            let status = field("MessageStatus")
                .or(field("SmsStatus"))
                .ok_or_else(|| CallbackError::Malformed("no MessageStatus".into()))?;
            ProviderReport {
                external_id: sid.to_owned(),
                report: message_report(status, field("ErrorCode")),
            }
        } else {
            return Err(CallbackError::Malformed(
                if self.channel == Channel::Voice {
                    "no CallSid".into()
                } else {
                    "no MessageSid".into()
                },
            ));
        };
        Ok(CallbackOutcome::Reports(vec![report]))
    }
}

/// A sid as one path segment (sids are letters and digits; anything else is
/// percent-encoded rather than trusted).
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal_micros("-0.00750"), Some(7_500));
        assert_eq!(decimal_micros("0.0333"), Some(33_300));
        assert_eq!(decimal_micros("1"), Some(1_000_000));
        assert_eq!(decimal_micros("12.3456789"), Some(12_345_678));
        assert_eq!(decimal_micros(".5"), Some(500_000));
        assert_eq!(decimal_micros(""), None);
        assert_eq!(decimal_micros("abc"), None);
        assert_eq!(decimal_micros("1.2.3"), None);
    }

    #[test]
    fn speak_is_unwrapped() {
        let (lang, inner) =
            speak_parts(r#"<speak xml:lang="de-DE">Hallo <break time="1s"/></speak>"#).unwrap();
        assert_eq!(lang, Some("de-DE"));
        assert_eq!(inner, r#"Hallo <break time="1s"/>"#);
        assert!(speak_parts("plain words").is_none());
    }

    /// The example of Twilio's webhook security guide.
    #[test]
    fn signature_matches_twilios_example() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }

    #[test]
    fn e164() {
        assert!(is_e164("+15005550006"));
        assert!(!is_e164("15005550006"));
        assert!(!is_e164("+1500abc"));
    }
}
