//! The rules a StartVerification request must follow. Input is the request as the
//! caller sent it (already out of protobuf, nothing checked); output is either a
//! `NewVerification` that every later layer may trust, or every violation at once,
//! each naming its field path the way AIP-193 `BadRequest` wants it. Defaults that
//! change behaviour are filled in here (a telegram or whatsapp step's `timeout_sec`),
//! so the stored record says what is in force.

use std::str::FromStr;

use super::channel::Channel;
use super::lang::Lang;
use super::verification::RoutingStep;

pub const CODE_LEN_MIN: u32 = 4;
pub const CODE_LEN_MAX: u32 = 8;
pub const CODE_LEN_DEFAULT: u32 = 6;
pub const TTL_MIN_SEC: u32 = 60;
pub const TTL_MAX_SEC: u32 = 1800;
pub const TTL_DEFAULT_SEC: u32 = 600;
pub const ATTEMPTS_MIN: u32 = 1;
pub const ATTEMPTS_MAX: u32 = 10;
pub const ATTEMPTS_DEFAULT: u32 = 5;
pub const STEP_TIMEOUT_MIN_SEC: u32 = 30;
pub const STEP_TIMEOUT_MAX_SEC: u32 = 3600;
pub const STEP_TIMEOUT_DEFAULT_SEC: u32 = 30;
pub const PAYLOAD_MAX_BYTES: usize = 4096;
pub const SENDER_ID_MAX_CHARS: usize = 64;
pub const TEMPLATE_MAX_CHARS: usize = 1024;
pub const APP_NAME_MAX_CHARS: usize = 64;
pub const REQUEST_ID_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const CODE_PLACEHOLDER: &str = "{{code}}";

/// A language as requested: unset, known, or a value this server does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangChoice {
    Default,
    Known(Lang),
    Unknown(i32),
}

/// A channel as requested: `Err(raw)` for unset (0) or a value this server does not know.
pub type ChannelChoice = Result<Channel, i32>;

/// One routing step as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub channel: ChannelChoice,
    pub timeout_sec: Option<u32>,
    pub sender_id: Option<String>,
    pub template: Option<String>,
}

/// A StartVerification request as the caller sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartInput {
    pub phone: String,
    pub email: String,
    pub routing_strategy: Vec<StepInput>,
    pub code: Option<String>,
    pub code_length: Option<u32>,
    pub lang: LangChoice,
    pub app_name: String,
    pub payload: String,
    pub is_code_deleted: bool,
    pub ttl_sec: Option<u32>,
    pub max_attempts: Option<u32>,
    pub request_id: String,
    pub callback_url: String,
}

/// A request that passed every rule. Tenant defaults are not applied yet.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewVerification {
    pub phone: String,
    pub email: String,
    pub routing_strategy: Vec<RoutingStep>,
    pub code: Option<String>,
    pub code_length: u32,
    pub lang: Option<Lang>,
    pub app_name: String,
    pub payload: String,
    pub is_code_deleted: bool,
    pub ttl_sec: u32,
    pub max_attempts: u32,
    pub request_id: String,
    /// A per-request webhook URL, checked for syntax only (the tenant's permission
    /// and the address are checked by the webhooks).
    pub callback_url: Option<String>,
}

impl std::fmt::Debug for NewVerification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The custom code must never reach a log through a Debug print.
        f.debug_struct("NewVerification")
            .field("routing_strategy", &self.routing_strategy)
            .field("code", &self.code.as_ref().map(|_| "***"))
            .field("code_length", &self.code_length)
            .field("ttl_sec", &self.ttl_sec)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// One broken rule, with the path of the field that broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// Why a request was refused: the reason for `ErrorInfo` and every violation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .violations.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "))]
pub struct ValidationError {
    /// True when an unset or unknown channel is among the violations.
    pub invalid_channel: bool,
    pub violations: Vec<FieldViolation>,
}

impl ValidationError {
    pub fn single(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            invalid_channel: false,
            violations: vec![FieldViolation {
                field: field.into(),
                description: description.into(),
            }],
        }
    }
}

#[derive(Default)]
struct Violations {
    invalid_channel: bool,
    list: Vec<FieldViolation>,
}

impl Violations {
    fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.list.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }
}

/// Checks every rule and returns the request ready for the engine.
pub fn validate_start(input: StartInput) -> Result<NewVerification, ValidationError> {
    let mut v = Violations::default();
    let steps = validate_steps(&input.routing_strategy, &mut v);

    let needs_phone = steps.iter().any(|s| s.channel.needs_phone());
    let needs_email = steps.iter().any(|s| !s.channel.needs_phone());
    if input.phone.is_empty() {
        if needs_phone {
            v.add(
                "phone",
                "required when a phone channel is in the routing strategy",
            );
        }
    } else if let Err(why) = check_phone(&input.phone) {
        v.add("phone", why);
    }
    if input.email.is_empty() {
        if needs_email {
            v.add(
                "email",
                "required when the email channel is in the routing strategy",
            );
        }
    } else if let Err(why) = check_email(&input.email) {
        v.add("email", why);
    }

    let mut code_length = input.code_length.unwrap_or(CODE_LEN_DEFAULT);
    if let Some(len) = input.code_length
        && !(CODE_LEN_MIN..=CODE_LEN_MAX).contains(&len)
    {
        v.add(
            "code_length",
            format!("must be between {CODE_LEN_MIN} and {CODE_LEN_MAX}"),
        );
    }
    if let Some(code) = &input.code {
        match check_code_format(code) {
            Err(why) => v.add("code", why),
            Ok(()) => {
                let len = code.len() as u32;
                match input.code_length {
                    Some(l) if l != len => v.add(
                        "code_length",
                        format!("is {l} but the custom code has {len} digits"),
                    ),
                    _ => code_length = len,
                }
            }
        }
    }

    let lang = match input.lang {
        LangChoice::Default => None,
        LangChoice::Known(l) => Some(l),
        LangChoice::Unknown(raw) => {
            v.add("lang", format!("unknown language value {raw}"));
            None
        }
    };
    if input.app_name.chars().count() > APP_NAME_MAX_CHARS {
        v.add(
            "app_name",
            format!("must be at most {APP_NAME_MAX_CHARS} characters"),
        );
    } else if has_control(&input.app_name) {
        v.add("app_name", "must not contain control characters");
    }
    if input.payload.len() > PAYLOAD_MAX_BYTES {
        v.add(
            "payload",
            format!("must be at most {PAYLOAD_MAX_BYTES} bytes"),
        );
    }
    let ttl_sec = input.ttl_sec.unwrap_or(TTL_DEFAULT_SEC);
    if !(TTL_MIN_SEC..=TTL_MAX_SEC).contains(&ttl_sec) {
        v.add(
            "ttl_sec",
            format!("must be between {TTL_MIN_SEC} and {TTL_MAX_SEC}"),
        );
    }
    let max_attempts = input.max_attempts.unwrap_or(ATTEMPTS_DEFAULT);
    if !(ATTEMPTS_MIN..=ATTEMPTS_MAX).contains(&max_attempts) {
        v.add(
            "max_attempts",
            format!("must be between {ATTEMPTS_MIN} and {ATTEMPTS_MAX}"),
        );
    }
    if input.request_id.chars().count() > REQUEST_ID_MAX_CHARS {
        v.add(
            "request_id",
            format!("must be at most {REQUEST_ID_MAX_CHARS} characters"),
        );
    } else if has_control(&input.request_id) {
        v.add("request_id", "must not contain control characters");
    }

    let callback_url = if input.callback_url.is_empty() {
        None
    } else {
        match check_url(&input.callback_url) {
            Ok(()) => Some(input.callback_url.clone()),
            Err(why) => {
                v.add("callback_url", why);
                None
            }
        }
    };
    if !v.list.is_empty() {
        return Err(ValidationError {
            invalid_channel: v.invalid_channel,
            violations: v.list,
        });
    }
    Ok(NewVerification {
        phone: input.phone,
        email: input.email,
        routing_strategy: steps,
        code: input.code,
        code_length,
        lang,
        app_name: input.app_name,
        payload: input.payload,
        is_code_deleted: input.is_code_deleted,
        ttl_sec,
        max_attempts,
        request_id: input.request_id,
        callback_url,
    })
}

/// The longest webhook URL accepted.
pub const URL_MAX_CHARS: usize = 2048;

/// An absolute http or https URL with a host, without credentials or a fragment.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > URL_MAX_CHARS {
        return Err(format!("must be at most {URL_MAX_CHARS} characters"));
    }
    let u = reqwest::Url::parse(url).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("must not carry credentials".into());
    }
    if u.fragment().is_some() {
        return Err("must not have a fragment".into());
    }
    Ok(())
}

fn validate_steps(input: &[StepInput], v: &mut Violations) -> Vec<RoutingStep> {
    if input.is_empty() {
        v.add("routing_strategy", "must have at least one step");
    }
    let mut steps = Vec::with_capacity(input.len());
    let mut seen: Vec<Channel> = Vec::new();
    for (i, step) in input.iter().enumerate() {
        let field = |name: &str| format!("routing_strategy[{i}].{name}");
        let channel = match step.channel {
            Ok(c) => c,
            Err(0) => {
                v.invalid_channel = true;
                v.add(field("channel"), "must be set");
                continue;
            }
            Err(raw) => {
                v.invalid_channel = true;
                v.add(field("channel"), format!("unknown channel value {raw}"));
                continue;
            }
        };
        if seen.contains(&channel) {
            v.add(
                field("channel"),
                format!("{channel} appears more than once in the strategy"),
            );
        }
        seen.push(channel);
        if channel.must_be_last() && i + 1 != input.len() {
            v.add(
                field("channel"),
                format!("{channel} succeeds when merely accepted, so it can only be the last step"),
            );
        }
        if let Some(t) = step.timeout_sec {
            if !channel.confirms_delivery() {
                v.add(
                    field("timeout_sec"),
                    format!("{channel} does not confirm delivery, so it takes no timeout"),
                );
            } else if !(STEP_TIMEOUT_MIN_SEC..=STEP_TIMEOUT_MAX_SEC).contains(&t) {
                v.add(
                    field("timeout_sec"),
                    format!("must be between {STEP_TIMEOUT_MIN_SEC} and {STEP_TIMEOUT_MAX_SEC}"),
                );
            }
        }
        if let Some(s) = &step.sender_id
            && (s.is_empty() || s.chars().count() > SENDER_ID_MAX_CHARS || has_control(s))
        {
            v.add(
                field("sender_id"),
                format!("must be 1 to {SENDER_ID_MAX_CHARS} printable characters"),
            );
        }
        if let Some(t) = &step.template {
            if t.chars().count() > TEMPLATE_MAX_CHARS {
                v.add(
                    field("template"),
                    format!("must be at most {TEMPLATE_MAX_CHARS} characters"),
                );
            } else if !t.contains(CODE_PLACEHOLDER) {
                v.add(field("template"), "must contain {{code}}");
            } else if t.chars().any(|c| c.is_control() && c != '\n') {
                v.add(
                    field("template"),
                    "must not contain control characters other than newline",
                );
            }
        }
        steps.push(RoutingStep {
            channel,
            // The timeout in force, not only the one asked for: the record and every
            // answer show what applies. Filled deterministically, so a retry with the
            // same request_id still matches its fingerprint.
            timeout_sec: if channel.confirms_delivery() {
                Some(step.timeout_sec.unwrap_or(STEP_TIMEOUT_DEFAULT_SEC))
            } else {
                step.timeout_sec
            },
            sender_id: step.sender_id.clone(),
            template: step.template.clone(),
        });
    }
    steps
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A phone number must be strict E.164 and a number that really exists in the
/// numbering plan of its country.
pub fn check_phone(phone: &str) -> Result<(), String> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if digits.is_empty()
        || digits.len() > 15
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("must be E.164: '+' then up to 15 digits, e.g. +33199001234".into());
    }
    match phonenumber::parse(None, phone) {
        Ok(n) if phonenumber::is_valid(&n) => Ok(()),
        _ => Err("is not a valid phone number".into()),
    }
}

pub fn check_email(email: &str) -> Result<(), String> {
    if email.len() > EMAIL_MAX_CHARS {
        return Err(format!("must be at most {EMAIL_MAX_CHARS} characters"));
    }
    match email_address::EmailAddress::from_str(email) {
        // Display names ("Ada <ada@x>") parse too; only a bare address is an address.
        Ok(a) if a.email() == email && a.domain().contains('.') => Ok(()),
        _ => Err("is not a valid email address".into()),
    }
}

/// A code is 4 to 8 ASCII digits.
pub fn check_code_format(code: &str) -> Result<(), String> {
    let len = code.len() as u32;
    if !(CODE_LEN_MIN..=CODE_LEN_MAX).contains(&len) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("must be {CODE_LEN_MIN} to {CODE_LEN_MAX} digits"));
    }
    Ok(())
}
