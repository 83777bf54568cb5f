//! SMTP (`provider = "smtp"`): email through a relay, with lettre's pooled async
//! transport (tokio, rustls with ring).
//!
//! Each send is one message: `multipart/alternative` with the text and the HTML
//! part (text only if there is no HTML), the subject already in the recipient's
//! language, `Auto-Submitted: auto-generated` (RFC 3834, so that vacation
//! responders stay quiet), and a `Message-ID` made from the verification id and
//! the step, `<{verification_id}.{step}@{domain of from}>`, which is also the
//! receipt's external id: a step sent twice carries the same Message-ID, which
//! lets a mailbox or relay that deduplicates on it drop the copy (SMTP itself has no
//! idempotency key). Accepted is success ([`Settles::OnAccept`]).
//!
//! Security: `starttls` (the default, port 587) upgrades the connection and
//! refuses a server that does not offer STARTTLS; `tls` (port 465) speaks TLS from
//! the first byte; `none` (port 25) is for a relay on the same host or network,
//! and then takes no credentials. Certificates are checked against Mozilla's root
//! set (webpki-roots) plus `ca_file`, a PEM bundle for private relays.
//!
//! Outcomes: 250 is a receipt; a 5xx reply is a refusal of this message with the
//! SMTP code (550 mailbox unavailable, 553 bad address, 554 refused), except the
//! authentication codes (530, 534, 535, 538), which mean the relay will take
//! nothing from us as configured; a 4xx reply, a refused or broken connection, a
//! TLS failure and a timeout are transient.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

use super::config::{BuildCtx, required, secret};
use super::http;
use super::twilio::{opt_secret, total_timeout};
use super::{Outbound, Provider, Receipt, SendError, Settles};
use crate::directory::Secret;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the start, "implicit TLS" (port 465).
    Tls,
    /// No TLS at all: a local relay only (port 25).
    None,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// Connections kept open to the relay, at most.
pub const POOL_SIZE: u32 = 8;
/// An idle pooled connection is closed after this long.
pub const POOL_IDLE: Duration = Duration::from_secs(60);

/// `provider = "smtp"` under `[[email]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: Option<String>,
    #[serde(default, deserialize_with = "opt_secret")]
    pub password: Option<Secret>,
    pub password_env: Option<String>,
    /// The sender mailbox, e.g. `Acme <no-reply@acme.example>`.
    pub from: Option<String>,
    pub reply_to: Option<String>,
    /// A PEM file of CA certificates to trust besides the public roots.
    pub ca_file: Option<String>,
    pub timeout_sec: Option<u64>,
}

pub fn build(s: &Settings, ctx: &BuildCtx) -> Result<Arc<dyn Provider>, String> {
    let host = required(&s.host, "host")?.to_owned();
    if host.contains(['/', ':', ' ']) && host.parse::<std::net::Ipv6Addr>().is_err() {
        return Err("host must be a host name or an IP address, without scheme or port".into());
    }
    let security = s.security.unwrap_or_default();
    let port = match s.port {
        Some(0) => return Err("port must be from 1 to 65535".into()),
        Some(p) => p,
        None => security.default_port(),
    };
    let timeout = total_timeout(s.timeout_sec)?;
    let from: Mailbox = required(&s.from, "from")?.parse().map_err(|e| {
        format!("from must be a mailbox such as \"Acme <no-reply@acme.example>\": {e}")
    })?;
    let reply_to = match s.reply_to.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(
            r.parse::<Mailbox>()
                .map_err(|e| format!("reply_to must be a mailbox: {e}"))?,
        ),
        None => None,
    };
    let password_given = s.password.is_some() || s.password_env.is_some();
    let credentials = match (&s.username, password_given) {
        (None, false) => None,
        (Some(u), true) if !u.is_empty() => {
            let p = secret(
                s.password.as_ref(),
                s.password_env.as_deref(),
                "password",
                ctx.env,
            )?;
            Some(Credentials::new(u.clone(), p.expose().to_owned()))
        }
        (Some(_), _) => {
            return Err("username is given without password: give both or neither".into());
        }
        (None, true) => {
            return Err("password is given without username: give both or neither".into());
        }
    };
    if security == Security::None && credentials.is_some() {
        return Err("username and password need security = \"starttls\" or \"tls\": with \"none\" they would cross the network in clear".into());
    }

    let tls = match security {
        Security::None => {
            if s.ca_file.is_some() {
                return Err("ca_file needs security = \"starttls\" or \"tls\"".into());
            }
            Tls::None
        }
        Security::Starttls | Security::Tls => {
            let mut params = TlsParameters::builder(host.clone());
            if let Some(path) = &s.ca_file {
                let pem = std::fs::read(path).map_err(|e| format!("ca_file {path}: {e}"))?;
                if !pem
                    .windows(b"-----BEGIN CERTIFICATE-----".len())
                    .any(|w| w == b"-----BEGIN CERTIFICATE-----")
                {
                    return Err(format!("ca_file {path}: no PEM certificate in it"));
                }
                let cert =
                    Certificate::from_pem(&pem).map_err(|e| format!("ca_file {path}: {e}"))?;
                params = params.add_root_certificate(cert);
            }
            http::install_crypto();
            let params = params
                .build_rustls()
                .map_err(|e| format!("TLS settings for {host}: {e}"))?;
            if security == Security::Tls {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };

    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
        .port(port)
        .tls(tls)
        .timeout(Some(timeout))
        .pool_config(
            PoolConfig::new()
                .max_size(POOL_SIZE)
                .idle_timeout(POOL_IDLE),
        );
    if let Some(c) = credentials {
        builder = builder
            .credentials(c)
            .authentication(vec![Mechanism::Plain, Mechanism::Login]);
    }
    Ok(Arc::new(Smtp {
        name: ctx.name.clone(),
        relay: format!("{host}:{port}"),
        from,
        reply_to,
        timeout,
        builder,
        transport: OnceLock::new(),
    }))
}

pub struct Smtp {
    name: String,
    /// `host:port`, for messages.
    relay: String,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    timeout: Duration,
    builder: lettre::transport::smtp::AsyncSmtpTransportBuilder,
    /// Built on first use: its pool runs a cleanup task, which needs the runtime.
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
}

/// SMTP replies that mean our credentials or account are not accepted.
const AUTH_CODES: &[&str] = &["530", "534", "535", "538"];

impl Smtp {
    fn transport(&self) -> &AsyncSmtpTransport<Tokio1Executor> {
        self.transport.get_or_init(|| self.builder.clone().build())
    }

    /// `<{verification_id}.{step}@{domain of from}>`.
    pub fn message_id(&self, msg: &Outbound) -> String {
        format!(
            "<{}.{}@{}>",
            msg.verification_id.simple(),
            msg.step,
            self.from.email.domain()
        )
    }

    fn message(&self, msg: &Outbound, message_id: &str) -> Result<Message, SendError> {
        let to: Mailbox = msg.recipient.parse().map_err(|e| SendError::Rejected {
            code: "invalid-recipient".into(),
            message: format!("not an email address: {e}"),
        })?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.content.subject.clone().unwrap_or_default())
            .message_id(Some(message_id.to_owned()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ));
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        let built = match &msg.content.html {
            Some(html) => b.multipart(MultiPart::alternative_plain_html(
                msg.content.text.clone(),
                html.clone(),
            )),
            None => b.singlepart(SinglePart::plain(msg.content.text.clone())),
        };
        built.map_err(|e| SendError::Rejected {
            code: "invalid-message".into(),
            message: format!("the message cannot be built: {e}"),
        })
    }

    fn classify(&self, e: &lettre::transport::smtp::Error) -> SendError {
        let at = &self.relay;
        match e.status() {
            Some(code) => {
                let code = code.to_string();
                let message = format!("{at}: {e}");
                if AUTH_CODES.contains(&code.as_str()) {
                    SendError::Down { message }
                } else if e.is_permanent() {
                    SendError::Rejected { code, message }
                } else {
                    SendError::Transient {
                        message,
                        retry_after: None,
                    }
                }
            }
            // No reply code: the relay does not offer what the settings need
            // (STARTTLS, an authentication mechanism) is ours to fix; everything
            // else is the way to the relay failing.
            None if e.is_client() => SendError::Down {
                message: format!("{at}: {e}"),
            },
            None => SendError::Transient {
                message: format!("{at}: {e}"),
                retry_after: None,
            },
        }
    }
}

#[async_trait::async_trait]
impl Provider for Smtp {
    fn name(&self) -> &str {
        &self.name
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let message_id = self.message_id(msg);
        let message = self.message(msg, &message_id)?;
        let envelope: Envelope = message.envelope().clone();
        let raw = message.formatted();
        // lettre's timeout bounds each step; this bounds the whole exchange.
        match tokio::time::timeout(self.timeout, self.transport().send_raw(&envelope, &raw)).await {
            Err(_) => Err(SendError::Transient {
                message: format!(
                    "{}: no answer within {} s",
                    self.relay,
                    self.timeout.as_secs()
                ),
                retry_after: None,
            }),
            Ok(Err(e)) => Err(self.classify(&e)),
            Ok(Ok(_)) => Ok(Receipt {
                external_id: message_id,
                settles: Settles::OnAccept,
                cost: None,
            }),
        }
    }
}
