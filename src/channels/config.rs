//! The delivery configuration file (`--config`, TOML): which providers serve each
//! channel, in order; their settings; the public base URL handed to providers for
//! callbacks; and failover tuning. Secrets are given inline (`auth_token = "…"`) or,
//! better, named as environment variables (`auth_token_env = "TWILIO_AUTH_TOKEN"`).
//! Everything is validated before any port is bound, and `verifyd check-config` runs
//! the same validation; an incomplete provider is named with the missing setting.
//!
//! ```toml
//! [callbacks]
//! public_url = "https://verifyd.example.com"   # + /callbacks/<provider name>
//!
//! [[sms]]
//! provider = "twilio"
//! account_sid = "AC0123456789abcdef0123456789abcdef"
//! auth_token_env = "TWILIO_AUTH_TOKEN"
//! from = "+15005550006"
//! ```
//!
//! A channel with no entry goes to the sandbox.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::Provider;
use super::router::{Channels, Failover};
use super::sandbox::Sandbox;
use crate::directory::Secret;
use crate::domain::channel::Channel;

/// The environment, as read once by `config`; providers look their secrets up here.
/// `Debug` shows no value: many are secrets.
#[derive(Clone, Default)]
pub struct Env(HashMap<String, String>);

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Env({} variables)", self.0.len())
    }
}

impl Env {
    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(vars.into_iter().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// A secret setting: `inline` or the variable named by `env_name`; `setting` is the
/// inline setting's name, for the message when neither is given.
pub fn secret(
    inline: Option<&Secret>,
    env_name: Option<&str>,
    setting: &str,
    env: &Env,
) -> Result<Secret, String> {
    match (inline, env_name) {
        (Some(_), Some(_)) => Err(format!("give {setting} or {setting}_env, not both")),
        (Some(s), None) if !s.expose().is_empty() => Ok(s.clone()),
        (_, Some(name)) => env.get(name).map(Secret::new).ok_or_else(|| {
            format!("{setting}_env names the environment variable {name}, which is not set")
        }),
        _ => Err(format!(
            "{setting} is missing: set {setting}_env to the name of an environment variable that holds it"
        )),
    }
}

/// A required plain setting.
pub fn required<'a>(v: &'a Option<String>, setting: &str) -> Result<&'a str, String> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{setting} is missing"))
}

/// A base URL: `http://` or `https://`, without a trailing slash.
pub fn base_url(v: &Option<String>, default: &str, setting: &str) -> Result<String, String> {
    let url = v.as_deref().unwrap_or(default).trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("{setting} must start with https:// or http://"));
    }
    Ok(url.to_owned())
}

/// What building a provider can use.
pub struct BuildCtx<'a> {
    pub channel: Channel,
    /// The entry's name: unique, in callback URLs and attempts' histories.
    pub name: String,
    pub env: &'a Env,
    /// `<public_url>/callbacks/<name>`, if `[callbacks] public_url` is set.
    pub callback_url: Option<String>,
    /// Whether callbacks can reach this server: a public URL and `--callback-listen`.
    pub callbacks_enabled: bool,
    pub sandbox: Arc<Sandbox>,
}

/// `[callbacks]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbacksConfig {
    /// The base URL providers reach this server's `--callback-listen` at.
    pub public_url: Option<String>,
}

/// `[failover]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailoverConfig {
    pub faults_before_cooldown: Option<u32>,
    pub cooldown_sec: Option<u64>,
    pub max_tries: Option<u32>,
}

/// `provider = "sandbox"`: the built-in sandbox, by name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    pub name: Option<String>,
}

/// One provider entry; `provider = "…"` picks its kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "provider", rename_all = "kebab-case")]
pub enum ProviderSettings {
    Sandbox(SandboxSettings),
    TelegramGateway(super::telegram::Settings),
    WhatsappCloud(super::whatsapp::Settings),
    Twilio(super::twilio::Settings),
    Vonage(super::vonage::Settings),
    Smtp(super::smtp::Settings),
}

impl ProviderSettings {
    /// The kind, as written after `provider =`.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderSettings::Sandbox(_) => "sandbox",
            ProviderSettings::TelegramGateway(_) => "telegram-gateway",
            ProviderSettings::WhatsappCloud(_) => "whatsapp-cloud",
            ProviderSettings::Twilio(_) => "twilio",
            ProviderSettings::Vonage(_) => "vonage",
            ProviderSettings::Smtp(_) => "smtp",
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            ProviderSettings::Sandbox(s) => s.name.as_deref(),
            ProviderSettings::TelegramGateway(s) => s.name.as_deref(),
            ProviderSettings::WhatsappCloud(s) => s.name.as_deref(),
            ProviderSettings::Twilio(s) => s.name.as_deref(),
            ProviderSettings::Vonage(s) => s.name.as_deref(),
            ProviderSettings::Smtp(s) => s.name.as_deref(),
        }
    }

    /// Which channels this kind can serve.
    fn serves(&self, channel: Channel) -> bool {
        matches!(
            (self, channel),
            (ProviderSettings::Sandbox(_), _)
                | (ProviderSettings::TelegramGateway(_), Channel::Telegram)
                | (ProviderSettings::WhatsappCloud(_), Channel::Whatsapp)
                | (ProviderSettings::Twilio(_), Channel::Sms | Channel::Voice)
                | (ProviderSettings::Vonage(_), Channel::Sms)
                | (ProviderSettings::Smtp(_), Channel::Email)
        )
    }

    fn build(&self, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
        match self {
            ProviderSettings::Sandbox(_) => Ok(ctx.sandbox.clone()),
            ProviderSettings::TelegramGateway(s) => super::telegram::build(s, ctx),
            ProviderSettings::WhatsappCloud(s) => super::whatsapp::build(s, ctx),
            ProviderSettings::Twilio(s) => super::twilio::build(s, ctx),
            ProviderSettings::Vonage(s) => super::vonage::build(s, ctx),
            ProviderSettings::Smtp(s) => super::smtp::build(s, ctx),
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    #[serde(default)]
    pub callbacks: CallbacksConfig,
    #[serde(default)]
    pub failover: FailoverConfig,
    #[serde(default)]
    pub telegram: Vec<ProviderSettings>,
    #[serde(default)]
    pub voice: Vec<ProviderSettings>,
    #[serde(default)]
    pub sms: Vec<ProviderSettings>,
    #[serde(default)]
    pub whatsapp: Vec<ProviderSettings>,
    #[serde(default)]
    pub email: Vec<ProviderSettings>,
    /// `[[health_check]]`: providers whose status page decides whether to try them.
    #[serde(default)]
    pub health_check: Vec<HealthCheckConfig>,
}

/// One `[[health_check]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckConfig {
    /// The provider entry it judges (its `name`, or its default name).
    pub name: String,
    /// Fetched with GET; a 2xx answer means healthy.
    pub url: String,
    /// Seconds between fetches [30; 1 to 3600].
    pub interval_sec: Option<u64>,
    /// Seconds a fetch may take [5; 1 to 60].
    pub timeout_sec: Option<u64>,
}

impl DeliveryConfig {
    /// Reads and parses `path`; a syntax error names the file, line and column.
    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--config {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("--config {}: {e}", path.display()))
    }

    /// Parses the file's text. An error names the line and column and says what is
    /// wrong, but never quotes the line: it may hold a secret.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| {
            let msg = e.message().trim_end();
            match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!("line {line}, column {col}: {msg}")
                }
                None => msg.to_owned(),
            }
        })
    }

    fn entries(&self) -> [(Channel, &Vec<ProviderSettings>); 5] {
        [
            (Channel::Telegram, &self.telegram),
            (Channel::Voice, &self.voice),
            (Channel::Sms, &self.sms),
            (Channel::Whatsapp, &self.whatsapp),
            (Channel::Email, &self.email),
        ]
    }

    /// Builds every provider and the routes. `callbacks_listen`: whether
    /// `--callback-listen` is given. Errors name the entry and the setting.
    pub fn build(
        &self,
        env: &Env,
        sandbox: Arc<Sandbox>,
        callbacks_listen: bool,
    ) -> Result<Channels, String> {
        let public = match &self.callbacks.public_url {
            Some(u) => Some(base_url(&Some(u.clone()), "", "[callbacks] public_url")?),
            None => None,
        };
        if public.is_some() != callbacks_listen {
            return Err(if callbacks_listen {
                "--callback-listen is set but [callbacks] public_url is not: providers would not know where to call".into()
            } else {
                "[callbacks] public_url is set but --callback-listen is not: nothing would receive the callbacks".into()
            });
        }
        // Default names: the kind, or kind-channel where a kind serves several channels.
        let mut kinds: HashMap<&str, usize> = HashMap::new();
        for (_, list) in self.entries() {
            for e in list.iter() {
                *kinds.entry(e.kind()).or_default() += 1;
            }
        }
        let mut names = HashSet::new();
        let mut channels = Channels::new(sandbox.clone());
        // A delivery config says where each channel goes: one it leaves out is not
        // silently the sandbox (list `provider = "sandbox"` to mean that).
        channels.refuse_unrouted();
        let f = &self.failover;
        let defaults = Failover::default();
        channels.set_failover(Failover {
            faults_before_cooldown: f
                .faults_before_cooldown
                .unwrap_or(defaults.faults_before_cooldown)
                .max(1),
            cooldown: f
                .cooldown_sec
                .map_or(defaults.cooldown, Duration::from_secs),
            max_tries: f.max_tries.unwrap_or(defaults.max_tries).max(1),
        });
        for (channel, list) in self.entries() {
            let mut providers = Vec::new();
            for (i, e) in list.iter().enumerate() {
                let at = format!("{channel}[{i}] ({})", e.kind());
                if !e.serves(channel) {
                    return Err(format!("{at}: this provider does not serve {channel}"));
                }
                let name = match e.name() {
                    Some(n) => n.to_owned(),
                    None if kinds[e.kind()] == 1 => e.kind().to_owned(),
                    None => format!("{}-{channel}", e.kind()),
                };
                if name.is_empty()
                    || name.len() > 64
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(format!(
                        "{at}: name must be 1 to 64 letters, digits, '-' or '_'"
                    ));
                }
                if !names.insert(name.clone()) && e.kind() != "sandbox" {
                    return Err(format!(
                        "{at}: the name {name} is taken; give each entry its own name"
                    ));
                }
                let ctx = BuildCtx {
                    channel,
                    callback_url: public.as_ref().map(|p| format!("{p}/callbacks/{name}")),
                    callbacks_enabled: public.is_some(),
                    name,
                    env,
                    sandbox: sandbox.clone(),
                };
                providers.push(
                    e.build(&ctx)
                        .map_err(|why| format!("{at} \"{}\": {why}", ctx.name))?,
                );
            }
            if !providers.is_empty() {
                channels.set(channel, providers);
            }
        }
        let mut checked = HashSet::new();
        for (i, h) in self.health_check.iter().enumerate() {
            let at = format!("health_check[{i}]");
            if !names.contains(&h.name) {
                return Err(format!("{at}: no provider entry is named {}", h.name));
            }
            if !checked.insert(h.name.clone()) {
                return Err(format!("{at}: {} already has a health check", h.name));
            }
            let url = base_url(&Some(h.url.clone()), "", &format!("{at}: url"))?;
            let interval = h.interval_sec.unwrap_or(30);
            let timeout = h.timeout_sec.unwrap_or(5);
            if !(1..=3600).contains(&interval) || !(1..=60).contains(&timeout) {
                return Err(format!(
                    "{at}: interval_sec must be 1 to 3600 and timeout_sec 1 to 60"
                ));
            }
            channels.add_health_check(super::router::HealthCheck {
                provider: h.name.clone(),
                url,
                interval: Duration::from_secs(interval),
                timeout: Duration::from_secs(timeout),
            });
        }
        Ok(channels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_names_the_place_but_never_quotes_the_line() {
        let text = "[[sms]]\nprovider = \"twilio\"\nauth_token = \"s3cr3t-token-value\n";
        let e = DeliveryConfig::parse(text).unwrap_err();
        assert!(e.starts_with("line 3, column "), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
        let e = DeliveryConfig::parse("[[sms]]\nauth_token = 7\nnope = \n").unwrap_err();
        assert!(e.starts_with("line 3, column 8: "), "{e}");
    }
}
