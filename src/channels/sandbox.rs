//! The sandbox: the default backend for every channel without a provider. Nothing
//! leaves the machine. Each message lands in an outbox (the last `OUTBOX_CAPACITY`
//! in memory, read by `AdminService.ListSandboxMessages`, and appended to a JSON-lines
//! file in the data directory), and its outcome is chosen by magic recipients, so
//! anyone can watch a fallback happen:
//!
//! Phone numbers `+3319900TWVS` (France's range reserved for fiction) carry one
//! digit per channel: T telegram, W whatsapp, V voice, S sms.
//! - `0` and `5`–`9`: succeeds (confirmed, answered or accepted)
//! - `1`: fails (reported undelivered, not answered, or rejected)
//! - `2`: never reports, so the step times out (for sms: like `0`)
//! - `3`: the number is blocked: the step and the verification fail, no fallback
//! - `4`: the provider cannot be reached: step status ERROR, fallback continues
//!
//! Emails whose local part ends in `+fail`, `+blocked` or `+error` behave like 1, 3, 4.
//! Every other recipient succeeds on every channel.
//!
//! The outbox holds codes in plain text by design; it is never written to the logs.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use uuid::Uuid;

use super::{ChannelReport, Outbound, Provider, Receipt, Report, ReportSink, SendError, Settles};
use crate::domain::channel::Channel;
use crate::domain::verification::Millis;

pub const OUTBOX_CAPACITY: usize = 10_000;
pub const MAGIC_PREFIX: &str = crate::domain::limits::FICTION_PREFIX;

/// What the sandbox does with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Succeed,
    Fail,
    NoReport,
    Blocked,
    ProviderError,
}

impl Behaviour {
    /// The behaviour for a channel and recipient, per the table in the module doc.
    pub fn of(channel: Channel, recipient: &str) -> Self {
        if channel == Channel::Email {
            let local = recipient.rsplit_once('@').map_or("", |(l, _)| l);
            return if local.ends_with("+fail") {
                Self::Fail
            } else if local.ends_with("+blocked") {
                Self::Blocked
            } else if local.ends_with("+error") {
                Self::ProviderError
            } else {
                Self::Succeed
            };
        }
        let digits = match recipient.strip_prefix(MAGIC_PREFIX) {
            Some(d) if d.len() == 4 => d.as_bytes(),
            _ => return Self::Succeed,
        };
        let digit = match channel {
            Channel::Telegram => digits[0],
            Channel::Whatsapp => digits[1],
            Channel::Voice => digits[2],
            _ => digits[3],
        };
        match digit {
            b'1' => Self::Fail,
            b'2' if channel != Channel::Sms => Self::NoReport,
            b'3' => Self::Blocked,
            b'4' => Self::ProviderError,
            _ => Self::Succeed,
        }
    }

    fn outcome(self, channel: Channel) -> &'static str {
        let accepted_only = channel.must_be_last();
        match self {
            Self::Succeed if accepted_only => "accepted",
            Self::Succeed => "delivered",
            Self::Fail if accepted_only => "rejected",
            Self::Fail => "failed",
            Self::NoReport => "no report",
            Self::Blocked => "blocked",
            Self::ProviderError => "provider error",
        }
    }
}

/// One message in the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct SandboxMessage {
    pub verification_id: Uuid,
    pub tenant_id: String,
    pub channel: Channel,
    pub recipient: String,
    pub sender_id: String,
    pub code: String,
    pub text: String,
    pub ssml: String,
    pub subject: String,
    pub html: String,
    pub external_id: String,
    pub outcome: String,
    pub sent_at: Millis,
}

/// Filters for reading the outbox; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct OutboxQuery {
    pub tenant_id: String,
    pub verification_id: Option<Uuid>,
    pub recipient: String,
}

pub struct Sandbox {
    outbox: Mutex<VecDeque<SandboxMessage>>,
    file: Option<Mutex<std::fs::File>>,
    path: Option<PathBuf>,
    sink: ReportSink,
}

impl Sandbox {
    /// A sandbox that also appends every message to `outbox_file`, if given.
    pub fn new(sink: ReportSink, outbox_file: Option<PathBuf>) -> std::io::Result<Self> {
        let path = outbox_file.clone();
        let file = match outbox_file {
            Some(p) => {
                let mut opts = std::fs::OpenOptions::new();
                opts.create(true).append(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                Some(Mutex::new(opts.open(p)?))
            }
            None => None,
        };
        Ok(Self {
            outbox: Mutex::new(VecDeque::new()),
            file,
            path,
            sink,
        })
    }

    /// The messages that match `q`, oldest first.
    pub fn messages(&self, q: &OutboxQuery) -> Vec<SandboxMessage> {
        let outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        outbox
            .iter()
            .filter(|m| q.tenant_id.is_empty() || m.tenant_id == q.tenant_id)
            .filter(|m| q.verification_id.is_none_or(|id| m.verification_id == id))
            .filter(|m| q.recipient.is_empty() || m.recipient == q.recipient)
            .cloned()
            .collect()
    }

    fn record(&self, m: SandboxMessage) {
        if let Some(f) = &self.file
            && let Ok(mut line) = serde_json::to_vec(&m)
        {
            line.push(b'\n');
            let mut f = f.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = f.write_all(&line) {
                tracing::warn!(error = %e, "could not append to the sandbox outbox file");
            }
        }
        // std Mutex: held for a push, never across an await.
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        if outbox.len() == OUTBOX_CAPACITY {
            outbox.pop_front();
        }
        outbox.push_back(m);
    }
}

impl Sandbox {
    /// Forgets messages sent before `before`: in memory, and in the outbox file,
    /// which is rewritten with the rest (under its lock, so no line is lost).
    pub fn purge_before(&self, before: Millis) {
        {
            let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
            while outbox.front().is_some_and(|m| m.sent_at < before) {
                outbox.pop_front();
            }
        }
        let (Some(f), Some(path)) = (&self.file, &self.path) else {
            return;
        };
        let mut f = f.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let keep: Vec<&str> = text
            .lines()
            .filter(|l| {
                serde_json::from_str::<serde_json::Value>(l)
                    .ok()
                    .and_then(|v| v.get("sent_at")?.as_i64())
                    .is_none_or(|t| t >= before)
            })
            .collect();
        if keep.len() == text.lines().count() {
            return;
        }
        let tmp = path.with_extension("jsonl.tmp");
        let mut body = keep.join("\n");
        if !body.is_empty() {
            body.push('\n');
        }
        let rewritten = std::fs::write(&tmp, body).and_then(|()| std::fs::rename(&tmp, path));
        match rewritten.and_then(|()| std::fs::OpenOptions::new().append(true).open(path)) {
            Ok(reopened) => *f = reopened,
            Err(e) => tracing::warn!(error = %e, "could not trim the sandbox outbox file"),
        }
    }
}

/// The name the sandbox has in attempts' histories.
pub const NAME: &str = "sandbox";

#[async_trait::async_trait]
impl Provider for Sandbox {
    fn name(&self) -> &str {
        NAME
    }

    fn purge(&self, before: Millis) {
        self.purge_before(before);
    }

    async fn send(&self, msg: &Outbound) -> Result<Receipt, SendError> {
        let behaviour = Behaviour::of(msg.channel, &msg.recipient);
        let external_id = format!("sbx_{}", Uuid::new_v4().simple());
        self.record(SandboxMessage {
            verification_id: msg.verification_id,
            tenant_id: msg.tenant_id.clone(),
            channel: msg.channel,
            recipient: msg.recipient.clone(),
            sender_id: msg.sender_id.clone().unwrap_or_default(),
            code: msg.code.clone(),
            text: msg.content.text.clone(),
            ssml: msg.content.ssml.clone().unwrap_or_default(),
            subject: msg.content.subject.clone().unwrap_or_default(),
            html: msg.content.html.clone().unwrap_or_default(),
            external_id: external_id.clone(),
            outcome: behaviour.outcome(msg.channel).into(),
            sent_at: msg.sent_at,
        });
        // SMS and email succeed when accepted; the others on a report.
        let reports_later = !msg.channel.must_be_last();
        let report = |report| ChannelReport {
            verification_id: msg.verification_id,
            attempt_id: msg.attempt_id,
            report,
        };
        let sandbox = |message: &str| (String::new(), format!("sandbox: {message}"));
        match behaviour {
            Behaviour::Blocked => {
                let (code, message) = sandbox("the number is blocked by the carrier");
                return Err(SendError::Blocked { code, message });
            }
            Behaviour::ProviderError => {
                return Err(SendError::Down {
                    message: "sandbox: the provider could not be reached".into(),
                });
            }
            Behaviour::Fail if !reports_later => {
                let (code, message) = sandbox("the provider rejected the message");
                return Err(SendError::Rejected { code, message });
            }
            Behaviour::Fail => {
                self.sink
                    .report(report(Report::Failed(if msg.channel == Channel::Voice {
                        "sandbox: the call was not answered".into()
                    } else {
                        "sandbox: the message was not delivered".into()
                    })))
                    .await
            }
            Behaviour::Succeed if reports_later => {
                self.sink.report(report(Report::Delivered)).await
            }
            Behaviour::Succeed | Behaviour::NoReport => {}
        }
        Ok(Receipt {
            external_id,
            settles: if reports_later {
                Settles::OnReport
            } else {
                Settles::OnAccept
            },
            cost: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_digits() {
        let n = "+33199002134";
        assert_eq!(Behaviour::of(Channel::Telegram, n), Behaviour::NoReport);
        assert_eq!(Behaviour::of(Channel::Whatsapp, n), Behaviour::Fail);
        assert_eq!(Behaviour::of(Channel::Voice, n), Behaviour::Blocked);
        assert_eq!(Behaviour::of(Channel::Sms, n), Behaviour::ProviderError);
        assert_eq!(
            Behaviour::of(Channel::Sms, "+33199000002"),
            Behaviour::Succeed
        );
        assert_eq!(
            Behaviour::of(Channel::Telegram, "+12025550123"),
            Behaviour::Succeed
        );
        assert_eq!(
            Behaviour::of(Channel::Email, "ada+fail@example.com"),
            Behaviour::Fail
        );
        assert_eq!(
            Behaviour::of(Channel::Email, "ada@example.com"),
            Behaviour::Succeed
        );
    }
}
