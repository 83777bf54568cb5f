//! The fallback state machine: pure, in the manner of quinn-proto. It takes a
//! verification record, one input and the current time, changes the record and
//! returns effects (events to publish). No I/O, no clock, no tasks: the driver feeds
//! it and carries the effects out.
//!
//! What to send is state, not an effect: the attempt in progress that no provider has
//! accepted yet ([`awaiting_send`]) is waiting to be handed to its channel. Whoever
//! drives the verification sends it, which also covers a send that was in flight when
//! a node died, and a step that another node's write started.
//!
//! Invariants it keeps:
//! - at most one attempt is `InProgress`, and it is the earliest attempt not `New`
//!   after the finished ones;
//! - delivery ends exactly once (success, failed or error), and that is when the
//!   cost is set and, with `is_code_deleted`, the sealed code erased;
//! - a final state (verified, expired, max attempts, canceled) stops delivery: the
//!   attempt in progress is closed and no further step starts;
//! - every change bumps `revision` and `updated_at`.

use crate::domain::channel::Channel;
use crate::domain::delivery::{Accepted, ProviderTry, Report, SendFailure, Settles};
use crate::domain::tenant::TenantSettings;
use crate::domain::validate::STEP_TIMEOUT_DEFAULT_SEC;
use crate::domain::verification::{
    CheckResult, DeliveryStatus, EventKind, Millis, State, Verification,
};

/// What the machine needs to know besides the record.
pub struct Ctx<'a> {
    pub now: Millis,
    pub settings: &'a TenantSettings,
    /// How long a voice call may ring before it counts as not answered.
    pub voice_answer_timeout_ms: i64,
}

/// How long a step whose provider settles on a report waits for it, when the step
/// itself has no timeout (an SMS provider with delivery receipts, say).
pub const REPORT_TIMEOUT_DEFAULT_MS: i64 = STEP_TIMEOUT_DEFAULT_SEC as i64 * 1000;

/// Something that happened to a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Start delivery, or pick it up again after a restart.
    Resume,
    /// A provider accepted the send of attempt `attempt`.
    Sent { attempt: usize, accepted: Accepted },
    /// The providers refused or could not take the send; `tries` says who was tried.
    SendFailed {
        attempt: usize,
        failure: SendFailure,
        tries: Vec<ProviderTry>,
    },
    /// A later report about an accepted send.
    Report { attempt: usize, report: Report },
    /// Time passed; the machine looks at its deadlines.
    Tick,
    /// The caller canceled.
    Cancel,
}

/// What the driver must do after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Publish a transition (after the record is stored), with the record exactly as
    /// it was right after this transition, and the step it is about, if any.
    Emit {
        kind: EventKind,
        step: Option<usize>,
        record: Box<Verification>,
    },
    /// Ask the provider to withdraw a message it accepted for an attempt that the end
    /// of the verification closed before the message was delivered.
    Revoke {
        attempt: usize,
        provider: String,
        external_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MachineError {
    #[error("the verification is already {0:?}")]
    NotPending(State),
}

/// When the driver must next feed `Input::Tick`: the earlier of expiry and the
/// deadline of the attempt in progress. `None` once the verification is final.
pub fn next_deadline(v: &Verification) -> Option<Millis> {
    if v.is_final() {
        return None;
    }
    let step = v
        .current_attempt()
        .and_then(|i| v.history[i].deadline)
        .unwrap_or(Millis::MAX);
    Some(step.min(v.expires_at))
}

/// The attempt that is in progress but not yet accepted by a provider: the one the
/// driver must hand to its channel (again, after a restart or a takeover).
pub fn awaiting_send(v: &Verification) -> Option<usize> {
    if v.is_final() {
        return None;
    }
    v.current_attempt()
        .filter(|&i| v.history[i].external_id.is_none())
}

/// Applies one input. Errors only for a cancel of a final verification.
pub fn step(v: &mut Verification, input: Input, ctx: &Ctx) -> Result<Vec<Effect>, MachineError> {
    let mut fx = Vec::new();
    match input {
        Input::Resume => resume(v, ctx, &mut fx),
        Input::Sent { attempt, accepted } => on_sent(v, attempt, accepted, ctx, &mut fx),
        Input::SendFailed {
            attempt,
            failure,
            tries,
        } => {
            if is_current(v, attempt) {
                let a = &mut v.history[attempt];
                a.provider = tries.last().map(|t| t.provider.clone());
                a.tries.extend(tries);
                match failure {
                    SendFailure::Rejected(why) => {
                        fail_attempt(v, attempt, DeliveryStatus::Failed, why, ctx, &mut fx)
                    }
                    SendFailure::ProviderError(why) => {
                        fail_attempt(v, attempt, DeliveryStatus::Error, why, ctx, &mut fx)
                    }
                    SendFailure::Blocked(why) => block(v, attempt, why, ctx, &mut fx),
                }
            }
        }
        Input::Report { attempt, report } => on_report(v, attempt, report, ctx, &mut fx),
        Input::Tick => tick(v, ctx, &mut fx),
        Input::Cancel => {
            if v.is_final() {
                return Err(MachineError::NotPending(v.state));
            }
            end_delivery_early(v, "verification canceled", ctx, &mut fx);
            v.state = State::Canceled;
            emit(v, ctx, &mut fx, EventKind::Canceled, None);
        }
    }
    Ok(fx)
}

/// The answer a check gets without comparing the code, if there is one. Call it
/// after `Input::Tick`, so that a verification past `expires_at` is already expired.
pub fn precheck(v: &Verification) -> Option<CheckResult> {
    match v.state {
        State::Pending if v.attempts_remaining == 0 => Some(CheckResult::MaxAttemptsReached),
        State::Pending => None,
        State::Verified | State::Canceled => Some(CheckResult::NotPending),
        State::Expired => Some(CheckResult::Expired),
        State::MaxAttemptsReached => Some(CheckResult::MaxAttemptsReached),
    }
}

/// Applies the result of comparing a code, for a verification `precheck` let through.
pub fn apply_check(v: &mut Verification, matched: bool, ctx: &Ctx) -> (CheckResult, Vec<Effect>) {
    let mut fx = Vec::new();
    if let Some(r) = precheck(v) {
        return (r, fx);
    }
    if matched {
        // The person typed the code, so the step in flight evidently delivered it,
        // or another did: a message still on its way is withdrawn.
        if let Some(i) = v.current_attempt() {
            revoke(v, i, &mut fx);
            succeed_attempt(
                v,
                i,
                Some("code verified before the delivery report"),
                ctx,
                &mut fx,
            );
        }
        v.state = State::Verified;
        emit(v, ctx, &mut fx, EventKind::Verified, None);
        (CheckResult::Verified, fx)
    } else {
        v.attempts_remaining = v.attempts_remaining.saturating_sub(1);
        touch(v, ctx);
        if v.attempts_remaining == 0 {
            end_delivery_early(v, "maximum check attempts reached", ctx, &mut fx);
            v.state = State::MaxAttemptsReached;
            emit(v, ctx, &mut fx, EventKind::MaxAttemptsReached, None);
        }
        (CheckResult::Incorrect, fx)
    }
}

fn touch(v: &mut Verification, ctx: &Ctx) {
    v.revision += 1;
    v.updated_at = ctx.now;
}

/// Records a transition: a new revision, and a copy of the record as it is now, so
/// each event shows exactly its own transition even when one input causes several.
fn emit(
    v: &mut Verification,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
    kind: EventKind,
    step: Option<usize>,
) {
    touch(v, ctx);
    fx.push(Effect::Emit {
        kind,
        step,
        record: Box::new(v.clone()),
    });
}

fn is_current(v: &Verification, attempt: usize) -> bool {
    !v.is_final()
        && v.history
            .get(attempt)
            .is_some_and(|a| a.status == DeliveryStatus::InProgress)
}

fn resume(v: &mut Verification, ctx: &Ctx, fx: &mut Vec<Effect>) {
    if v.is_final() {
        return;
    }
    if ctx.now >= v.expires_at {
        return tick(v, ctx, fx);
    }
    match v.status {
        DeliveryStatus::New => start_attempt(v, 0, ctx, fx),
        DeliveryStatus::InProgress => {
            // A send that was in flight when the server stopped stays awaiting: whether
            // the provider got it is unknown, and sending again risks a duplicate
            // message where not sending risks none at all. A duplicate is the lesser
            // harm for a code the person is waiting for. An accepted send waits for
            // its report, so only the deadline matters.
            tick(v, ctx, fx);
        }
        _ => {}
    }
}

fn tick(v: &mut Verification, ctx: &Ctx, fx: &mut Vec<Effect>) {
    if v.is_final() {
        return;
    }
    if ctx.now >= v.expires_at {
        end_delivery_early(v, "verification expired", ctx, fx);
        v.state = State::Expired;
        emit(v, ctx, fx, EventKind::Expired, None);
        return;
    }
    if let Some(i) = v.current_attempt() {
        let a = &v.history[i];
        if let (Some(deadline), Some(sent_at)) = (a.deadline, a.sent_at)
            && ctx.now >= deadline
        {
            let secs = (deadline - sent_at) / 1000;
            let why = if a.channel == Channel::Voice {
                format!("call not answered within {secs}s")
            } else {
                format!("no delivery report within {secs}s")
            };
            fail_attempt(v, i, DeliveryStatus::Failed, why, ctx, fx);
        }
    }
}

fn start_attempt(v: &mut Verification, i: usize, ctx: &Ctx, fx: &mut Vec<Effect>) {
    let step = v.routing_strategy[i].clone();
    let recipient = v.recipient(step.channel).to_owned();
    if let Some(why) = ctx.settings.restriction(step.channel, &recipient) {
        // An account restriction is a decision about the recipient, not about the
        // channel: trying another channel would defeat it, so there is no fallback.
        let a = &mut v.history[i];
        a.status = DeliveryStatus::Failed;
        a.processed_at = Some(ctx.now);
        a.cost = Some(0);
        a.error_reason = Some(why);
        emit(v, ctx, fx, EventKind::ChannelFailed, Some(i));
        finish_delivery(v, DeliveryStatus::Failed, ctx, fx);
        return;
    }
    let timeout_ms = match step.channel {
        c if c.confirms_delivery() => {
            Some(i64::from(step.timeout_sec.unwrap_or(STEP_TIMEOUT_DEFAULT_SEC)) * 1000)
        }
        Channel::Voice => Some(ctx.voice_answer_timeout_ms),
        _ => None,
    };
    let a = &mut v.history[i];
    a.status = DeliveryStatus::InProgress;
    a.sent_at = Some(ctx.now);
    a.processed_at = Some(ctx.now);
    a.cost = Some(ctx.settings.price(step.channel));
    a.deadline = timeout_ms.map(|t| ctx.now + t);
    v.status = DeliveryStatus::InProgress;
    touch(v, ctx);
}

fn on_sent(v: &mut Verification, i: usize, accepted: Accepted, ctx: &Ctx, fx: &mut Vec<Effect>) {
    let Some(a) = v.history.get_mut(i) else {
        return;
    };
    if a.external_id.is_some() {
        // A second acceptance of the same step (a resend after a restart): the
        // first one stands.
        return;
    }
    a.external_id = Some(accepted.external_id.clone());
    a.provider = Some(accepted.provider.clone());
    a.provider_cost = accepted.cost;
    a.tries.extend(accepted.tries);
    if !is_current(v, i) {
        touch(v, ctx);
        // Accepted after the verification ended: withdraw it.
        if v.is_final() {
            fx.push(Effect::Revoke {
                attempt: i,
                provider: accepted.provider,
                external_id: accepted.external_id,
            });
        }
        return;
    }
    v.history[i].processed_at = Some(ctx.now);
    emit(v, ctx, fx, EventKind::ChannelSent, Some(i));
    match accepted.settles {
        Settles::OnAccept => succeed_attempt(v, i, None, ctx, fx),
        Settles::OnReport => {
            let a = &mut v.history[i];
            if a.deadline.is_none() {
                a.deadline = Some(ctx.now + REPORT_TIMEOUT_DEFAULT_MS);
                touch(v, ctx);
            }
        }
    }
}

fn on_report(v: &mut Verification, i: usize, report: Report, ctx: &Ctx, fx: &mut Vec<Effect>) {
    if is_current(v, i) {
        match report {
            Report::Delivered => succeed_attempt(v, i, None, ctx, fx),
            Report::Failed(why) => {
                v.history[i].provider_status = Some(why.clone());
                fail_attempt(v, i, DeliveryStatus::Failed, why, ctx, fx)
            }
            Report::Progress(status) => {
                v.history[i].provider_status = Some(status);
                emit(v, ctx, fx, EventKind::ChannelUpdated, Some(i));
            }
        }
        return;
    }
    // A receipt about a message whose step already succeeded on acceptance (an SMS
    // later reported undelivered, say): recorded as an update, without reopening
    // anything. Other late reports change nothing.
    let settled_on_accept = v
        .history
        .get(i)
        .is_some_and(|a| a.status == DeliveryStatus::Success && a.external_id.is_some());
    if v.is_final() || !settled_on_accept {
        return;
    }
    let status = match report {
        Report::Delivered => "delivered".to_owned(),
        Report::Failed(why) => why,
        Report::Progress(s) => s,
    };
    if v.history[i].provider_status.as_deref() == Some(status.as_str()) {
        return;
    }
    v.history[i].provider_status = Some(status);
    v.history[i].processed_at = Some(ctx.now);
    emit(v, ctx, fx, EventKind::ChannelUpdated, Some(i));
}

fn succeed_attempt(
    v: &mut Verification,
    i: usize,
    note: Option<&str>,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) {
    let a = &mut v.history[i];
    a.status = DeliveryStatus::Success;
    a.processed_at = Some(ctx.now);
    a.deadline = None;
    a.error_reason = note.map(str::to_owned);
    v.delivered_channel = Some(a.channel);
    emit(v, ctx, fx, EventKind::ChannelSuccess, Some(i));
    finish_delivery(v, DeliveryStatus::Success, ctx, fx);
}

fn fail_attempt(
    v: &mut Verification,
    i: usize,
    status: DeliveryStatus,
    why: String,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) {
    let a = &mut v.history[i];
    a.status = status;
    a.processed_at = Some(ctx.now);
    a.deadline = None;
    a.error_reason = Some(why);
    emit(v, ctx, fx, EventKind::ChannelFailed, Some(i));
    if i + 1 < v.history.len() {
        touch(v, ctx);
        start_attempt(v, i + 1, ctx, fx);
    } else {
        // Out of steps. A provider fault on the last step is an error, so operators
        // can tell "our side broke" from "the recipient could not be reached".
        let overall = if status == DeliveryStatus::Error {
            DeliveryStatus::Error
        } else {
            DeliveryStatus::Failed
        };
        finish_delivery(v, overall, ctx, fx);
    }
}

fn block(v: &mut Verification, i: usize, why: String, ctx: &Ctx, fx: &mut Vec<Effect>) {
    let a = &mut v.history[i];
    a.status = DeliveryStatus::Failed;
    a.processed_at = Some(ctx.now);
    a.deadline = None;
    a.error_reason = Some(why);
    emit(v, ctx, fx, EventKind::ChannelFailed, Some(i));
    finish_delivery(v, DeliveryStatus::Failed, ctx, fx);
}

/// The withdrawal of attempt `i`'s message, if a provider accepted one.
fn revoke(v: &Verification, i: usize, fx: &mut Vec<Effect>) {
    let a = &v.history[i];
    if let (Some(provider), Some(external_id)) = (&a.provider, &a.external_id) {
        fx.push(Effect::Revoke {
            attempt: i,
            provider: provider.clone(),
            external_id: external_id.clone(),
        });
    }
}

/// Closes delivery before it ended by itself (cancel, expiry, max attempts).
fn end_delivery_early(v: &mut Verification, why: &str, ctx: &Ctx, fx: &mut Vec<Effect>) {
    if v.status.is_final() {
        return;
    }
    if let Some(i) = v.current_attempt() {
        revoke(v, i, fx);
        let a = &mut v.history[i];
        a.status = DeliveryStatus::Failed;
        a.processed_at = Some(ctx.now);
        a.deadline = None;
        a.error_reason = Some(why.to_owned());
        emit(v, ctx, fx, EventKind::ChannelFailed, Some(i));
    }
    finish_delivery(v, DeliveryStatus::Failed, ctx, fx);
}

fn finish_delivery(v: &mut Verification, status: DeliveryStatus, ctx: &Ctx, fx: &mut Vec<Effect>) {
    v.status = status;
    v.cost = Some(v.history.iter().filter_map(|a| a.cost).sum());
    if v.is_code_deleted {
        v.secret.sealed = None;
    }
    touch(v, ctx);
    let kind = if status == DeliveryStatus::Success {
        EventKind::Success
    } else {
        EventKind::Failed
    };
    emit(v, ctx, fx, kind, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lang::Lang;
    use crate::domain::verification::{Attempt, CodeSecret, RoutingStep};
    use uuid::Uuid;

    const T0: Millis = 1_000_000;

    fn record(channels: &[Channel]) -> Verification {
        Verification {
            id: Uuid::new_v4(),
            tenant_id: "t".into(),
            phone: "+33199000000".into(),
            email: String::new(),
            code_length: 6,
            lang: Lang::En,
            app_name: String::new(),
            payload: String::new(),
            routing_strategy: channels
                .iter()
                .map(|&channel| RoutingStep {
                    channel,
                    timeout_sec: None,
                    sender_id: None,
                    template: None,
                })
                .collect(),
            status: DeliveryStatus::New,
            delivered_channel: None,
            cost: None,
            created_at: T0,
            updated_at: T0,
            expires_at: T0 + 600_000,
            history: channels
                .iter()
                .map(|&channel| Attempt::new(channel))
                .collect(),
            is_code_deleted: true,
            state: State::Pending,
            attempts_remaining: 2,
            max_attempts: 2,
            request_id: String::new(),
            country_iso: String::new(),
            callback_url: None,
            request_fingerprint: Vec::new(),
            revision: 0,
            secret: CodeSecret {
                hash: "h".into(),
                sealed: Some(vec![1]),
            },
        }
    }

    fn ctx(now: Millis, settings: &TenantSettings) -> Ctx<'_> {
        Ctx {
            now,
            settings,
            voice_answer_timeout_ms: 60_000,
        }
    }

    /// The acceptance of attempt `attempt` by a provider that judges success the way
    /// the sandbox does for that channel.
    fn sent(v: &Verification, attempt: usize, id: &str) -> Input {
        let settles = if v.history[attempt].channel.must_be_last() {
            Settles::OnAccept
        } else {
            Settles::OnReport
        };
        Input::Sent {
            attempt,
            accepted: Accepted {
                external_id: id.into(),
                provider: "p".into(),
                settles,
                cost: None,
                tries: vec![],
            },
        }
    }

    fn emitted(fx: &[Effect]) -> Vec<EventKind> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Emit { kind, .. } => Some(*kind),
                Effect::Revoke { .. } => None,
            })
            .collect()
    }

    #[test]
    fn timeout_falls_back_then_sms_succeeds_on_accept() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Telegram, Channel::Sms]);
        let fx = step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        assert!(fx.is_empty());
        assert_eq!(awaiting_send(&v), Some(0));
        assert_eq!(next_deadline(&v), Some(T0 + 30_000));
        let input = sent(&v, 0, "x");
        let fx = step(&mut v, input, &ctx(T0 + 5, &s)).unwrap();
        assert_eq!(emitted(&fx), vec![EventKind::ChannelSent]);
        // Before the deadline nothing happens.
        assert!(
            step(&mut v, Input::Tick, &ctx(T0 + 29_999, &s))
                .unwrap()
                .is_empty()
        );
        let fx = step(&mut v, Input::Tick, &ctx(T0 + 30_000, &s)).unwrap();
        assert_eq!(emitted(&fx), vec![EventKind::ChannelFailed]);
        assert_eq!(awaiting_send(&v), Some(1));
        // The event shows its own transition: telegram failed, sms not started yet.
        let Effect::Emit {
            record,
            step: about,
            ..
        } = &fx[0]
        else {
            panic!("not an event: {:?}", fx[0])
        };
        assert_eq!(*about, Some(0));
        assert_eq!(record.history[1].status, DeliveryStatus::New);
        assert_eq!(v.history[1].status, DeliveryStatus::InProgress);
        let input = sent(&v, 1, "y");
        let fx = step(&mut v, input, &ctx(T0 + 30_001, &s)).unwrap();
        assert_eq!(
            emitted(&fx),
            vec![
                EventKind::ChannelSent,
                EventKind::ChannelSuccess,
                EventKind::Success
            ]
        );
        assert_eq!(v.status, DeliveryStatus::Success);
        assert_eq!(v.delivered_channel, Some(Channel::Sms));
        assert_eq!(v.cost, Some(1 + 8));
        assert_eq!(
            v.secret.sealed, None,
            "is_code_deleted erases on completion"
        );
    }

    #[test]
    fn late_report_after_timeout_is_ignored() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Whatsapp, Channel::Voice]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        step(&mut v, Input::Tick, &ctx(T0 + 30_000, &s)).unwrap();
        let rev = v.revision;
        let fx = step(
            &mut v,
            Input::Report {
                attempt: 0,
                report: Report::Delivered,
            },
            &ctx(T0 + 30_001, &s),
        )
        .unwrap();
        assert!(fx.is_empty());
        assert_eq!(v.revision, rev);
        assert_eq!(v.history[1].status, DeliveryStatus::InProgress);
    }

    #[test]
    fn restriction_fails_without_fallback() {
        let s = TenantSettings {
            sms_filters: vec!["+33*".into()],
            ..Default::default()
        };
        let mut v = record(&[Channel::Sms]);
        let fx = step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        assert_eq!(
            emitted(&fx),
            vec![EventKind::ChannelFailed, EventKind::Failed]
        );
        assert_eq!(v.status, DeliveryStatus::Failed);
        assert_eq!(v.cost, Some(0));
    }

    #[test]
    fn provider_error_on_last_step_is_error() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Sms]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        step(
            &mut v,
            Input::SendFailed {
                attempt: 0,
                failure: SendFailure::ProviderError("down".into()),
                tries: vec![],
            },
            &ctx(T0, &s),
        )
        .unwrap();
        assert_eq!(v.status, DeliveryStatus::Error);
        assert_eq!(v.history[0].status, DeliveryStatus::Error);
    }

    #[test]
    fn check_paths() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Telegram]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        let (r, fx) = apply_check(&mut v, false, &ctx(T0, &s));
        assert_eq!(r, CheckResult::Incorrect);
        assert!(fx.is_empty());
        let (r, fx) = apply_check(&mut v, false, &ctx(T0, &s));
        assert_eq!(r, CheckResult::Incorrect);
        assert_eq!(
            emitted(&fx),
            vec![
                EventKind::ChannelFailed,
                EventKind::Failed,
                EventKind::MaxAttemptsReached
            ]
        );
        assert_eq!(precheck(&v), Some(CheckResult::MaxAttemptsReached));
        // Locked: no deadline is left, and time passing starts nothing.
        assert_eq!(next_deadline(&v), None);
        assert!(
            step(&mut v, Input::Tick, &ctx(T0 + 600_000, &s))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn verified_mid_delivery_closes_the_attempt_as_success() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Telegram, Channel::Sms]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        let (r, fx) = apply_check(&mut v, true, &ctx(T0 + 1, &s));
        assert_eq!(r, CheckResult::Verified);
        assert_eq!(
            emitted(&fx),
            vec![
                EventKind::ChannelSuccess,
                EventKind::Success,
                EventKind::Verified
            ]
        );
        assert_eq!(next_deadline(&v), None);
        assert_eq!(v.history[1].status, DeliveryStatus::New);
    }

    #[test]
    fn expiry_and_cancel() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Telegram]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        let fx = step(&mut v, Input::Tick, &ctx(T0 + 600_000, &s)).unwrap();
        assert_eq!(emitted(&fx).last(), Some(&EventKind::Expired));
        assert_eq!(precheck(&v), Some(CheckResult::Expired));
        assert!(step(&mut v, Input::Cancel, &ctx(T0, &s)).is_err());

        let mut v = record(&[Channel::Telegram, Channel::Sms]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        let fx = step(&mut v, Input::Cancel, &ctx(T0 + 1, &s)).unwrap();
        assert_eq!(
            emitted(&fx),
            vec![
                EventKind::ChannelFailed,
                EventKind::Failed,
                EventKind::Canceled
            ]
        );
        assert_eq!(v.cost, Some(1));
        // Canceled: the telegram deadline is gone and time passing sends no SMS.
        assert_eq!(next_deadline(&v), None);
        assert!(
            step(&mut v, Input::Tick, &ctx(T0 + 60_000, &s))
                .unwrap()
                .is_empty()
        );
        assert_eq!(v.history[1].status, DeliveryStatus::New);

        let mut v = record(&[Channel::Telegram]);
        let fx = step(&mut v, Input::Cancel, &ctx(T0, &s)).unwrap();
        assert_eq!(emitted(&fx), vec![EventKind::Failed, EventKind::Canceled]);
        assert_eq!(v.cost, Some(0));
    }

    #[test]
    fn resume_resends_a_send_that_was_in_flight() {
        let s = TenantSettings::default();
        let mut v = record(&[Channel::Telegram, Channel::Sms]);
        step(&mut v, Input::Resume, &ctx(T0, &s)).unwrap();
        let fx = step(&mut v, Input::Resume, &ctx(T0 + 10, &s)).unwrap();
        assert!(fx.is_empty());
        assert_eq!(
            awaiting_send(&v),
            Some(0),
            "not accepted yet: send it again"
        );
        let input = sent(&v, 0, "e");
        step(&mut v, input, &ctx(T0 + 20, &s)).unwrap();
        // Accepted before the restart: resume waits out the stored deadline.
        assert!(
            step(&mut v, Input::Resume, &ctx(T0 + 40, &s))
                .unwrap()
                .is_empty()
        );
        assert_eq!(awaiting_send(&v), None);
        step(&mut v, Input::Resume, &ctx(T0 + 30_000, &s)).unwrap();
        assert_eq!(awaiting_send(&v), Some(1));
    }
}
