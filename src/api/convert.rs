//! Conversions between the protobuf messages and the domain types. No rules live
//! here: unknown enum values pass through to validation, which names the field.

use crate::pb::wkt::Timestamp;
use uuid::Uuid;

use crate::domain::channel::Channel;
use crate::domain::lang::Lang;
use crate::domain::limits::{Block, Limits, NumberType, Pumping};
use crate::domain::tenant::{Tenant, TenantSettings};
use crate::domain::validate::{LangChoice, StartInput, StepInput, ValidationError};
use crate::domain::verification::{
    Attempt, CheckResult, DeliveryStatus, EventKind, Millis, RoutingStep, State,
};
use crate::engine::{View, WatchItem};
use crate::pb;

pub fn ts(ms: Millis) -> Timestamp {
    Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

pub fn channel_from_pb(raw: i32) -> Result<Channel, i32> {
    match pb::Channel::try_from(raw) {
        Ok(pb::Channel::Telegram) => Ok(Channel::Telegram),
        Ok(pb::Channel::Voice) => Ok(Channel::Voice),
        Ok(pb::Channel::Sms) => Ok(Channel::Sms),
        Ok(pb::Channel::Whatsapp) => Ok(Channel::Whatsapp),
        Ok(pb::Channel::Email) => Ok(Channel::Email),
        _ => Err(raw),
    }
}

pub fn channel_to_pb(c: Channel) -> pb::Channel {
    match c {
        Channel::Telegram => pb::Channel::Telegram,
        Channel::Voice => pb::Channel::Voice,
        Channel::Sms => pb::Channel::Sms,
        Channel::Whatsapp => pb::Channel::Whatsapp,
        Channel::Email => pb::Channel::Email,
    }
}

/// Proto `Lang` values are 1 + the position in `Lang::ALL`.
pub fn lang_from_pb(raw: i32) -> LangChoice {
    match raw {
        0 => LangChoice::Default,
        n => usize::try_from(n - 1)
            .ok()
            .and_then(|i| Lang::ALL.get(i).copied())
            .map_or(LangChoice::Unknown(raw), LangChoice::Known),
    }
}

pub fn lang_to_pb(l: Lang) -> i32 {
    Lang::ALL
        .iter()
        .position(|x| *x == l)
        .map_or(0, |i| i as i32 + 1)
}

fn status_to_pb(s: DeliveryStatus) -> pb::DeliveryStatus {
    match s {
        DeliveryStatus::New => pb::DeliveryStatus::New,
        DeliveryStatus::InProgress => pb::DeliveryStatus::InProgress,
        DeliveryStatus::Success => pb::DeliveryStatus::Success,
        DeliveryStatus::Failed => pb::DeliveryStatus::Failed,
        DeliveryStatus::Error => pb::DeliveryStatus::Error,
    }
}

fn state_to_pb(s: State) -> pb::VerificationState {
    match s {
        State::Pending => pb::VerificationState::Pending,
        State::Verified => pb::VerificationState::Verified,
        State::Expired => pb::VerificationState::Expired,
        State::MaxAttemptsReached => pb::VerificationState::MaxAttemptsReached,
        State::Canceled => pb::VerificationState::Canceled,
    }
}

pub fn check_result_to_pb(r: CheckResult) -> pb::CheckResult {
    match r {
        CheckResult::Verified => pb::CheckResult::Verified,
        CheckResult::Incorrect => pb::CheckResult::Incorrect,
        CheckResult::Expired => pb::CheckResult::Expired,
        CheckResult::MaxAttemptsReached => pb::CheckResult::MaxAttemptsReached,
        CheckResult::NotPending => pb::CheckResult::NotPending,
    }
}

fn event_to_pb(k: EventKind) -> pb::WatchEventKind {
    match k {
        EventKind::Success => pb::WatchEventKind::Success,
        EventKind::Failed => pb::WatchEventKind::Failed,
        EventKind::ChannelSent => pb::WatchEventKind::ChannelSent,
        EventKind::ChannelSuccess => pb::WatchEventKind::ChannelSuccess,
        EventKind::ChannelFailed => pb::WatchEventKind::ChannelFailed,
        EventKind::ChannelUpdated => pb::WatchEventKind::ChannelUpdated,
        EventKind::Verified => pb::WatchEventKind::Verified,
        EventKind::Expired => pb::WatchEventKind::Expired,
        EventKind::MaxAttemptsReached => pb::WatchEventKind::MaxAttemptsReached,
        EventKind::Canceled => pb::WatchEventKind::Canceled,
    }
}

pub fn start_input(r: pb::StartVerificationRequest) -> StartInput {
    StartInput {
        phone: r.phone,
        email: r.email,
        routing_strategy: r
            .routing_strategy
            .into_iter()
            .map(|s| StepInput {
                channel: channel_from_pb(s.channel),
                timeout_sec: s.timeout_sec,
                sender_id: s.sender_id,
                template: s.template,
            })
            .collect(),
        code: r.code,
        code_length: r.code_length,
        lang: lang_from_pb(r.lang),
        app_name: r.app_name,
        payload: r.payload,
        is_code_deleted: r.is_code_deleted,
        ttl_sec: r.ttl_sec,
        max_attempts: r.max_attempts,
        request_id: r.request_id,
        callback_url: r.callback_url,
    }
}

/// An id from a request. Empty is a bad request; anything that is not a UUID
/// cannot name a verification, so it is NotFound like any unknown id.
pub fn parse_id(id: &str) -> Result<Uuid, crate::engine::EngineError> {
    if id.is_empty() {
        return Err(ValidationError::single("id", "is required").into());
    }
    Uuid::parse_str(id).map_err(|_| crate::engine::EngineError::NotFound)
}

fn step_to_pb(s: &RoutingStep) -> pb::RoutingStep {
    pb::RoutingStep {
        channel: channel_to_pb(s.channel) as i32,
        // Validation stores the timeout in force; a record stored before it did shows
        // the default that the machine applies to it.
        timeout_sec: s.timeout_sec.or(s
            .channel
            .confirms_delivery()
            .then_some(crate::domain::validate::STEP_TIMEOUT_DEFAULT_SEC)),
        sender_id: s.sender_id.clone(),
        template: s.template.clone(),
    }
}

fn attempt_to_pb(a: &Attempt) -> pb::ChannelAttempt {
    pb::ChannelAttempt {
        id: a.id.to_string(),
        channel: channel_to_pb(a.channel) as i32,
        status: status_to_pb(a.status) as i32,
        processed_at: a.processed_at.map(ts),
        external_id: a.external_id.clone().unwrap_or_default(),
        cost: a.cost,
        error_reason: a.error_reason.clone().unwrap_or_default(),
        sent_at: a.sent_at.map(ts),
        deadline: a.deadline.map(ts),
        provider: a.provider.clone().unwrap_or_default(),
        provider_cost: a.provider_cost.as_ref().map(|c| pb::ProviderCost {
            currency: c.currency.clone(),
            micros: c.micros,
        }),
        provider_status: a.provider_status.clone().unwrap_or_default(),
        tries: a
            .tries
            .iter()
            .map(|t| pb::ProviderTry {
                provider: t.provider.clone(),
                time: Some(ts(t.at)),
                outcome: t.outcome.clone(),
            })
            .collect(),
    }
}

pub fn verification(view: &View) -> pb::Verification {
    let v = &view.verification;
    pb::Verification {
        id: v.id.to_string(),
        tenant_id: v.tenant_id.clone(),
        phone: v.phone.clone(),
        email: v.email.clone(),
        code: view.code.clone(),
        code_length: v.code_length,
        lang: lang_to_pb(v.lang),
        routing_strategy: v.routing_strategy.iter().map(step_to_pb).collect(),
        status: status_to_pb(v.status) as i32,
        delivered_channel: v.delivered_channel.map_or(0, |c| channel_to_pb(c) as i32),
        cost: v.cost,
        currency: crate::domain::verification::CURRENCY.into(),
        payload: v.payload.clone(),
        created_at: Some(ts(v.created_at)),
        updated_at: Some(ts(v.updated_at)),
        expires_at: Some(ts(v.expires_at)),
        history: v.history.iter().map(attempt_to_pb).collect(),
        is_code_deleted: v.is_code_deleted,
        state: state_to_pb(v.state) as i32,
        attempts_remaining: v.attempts_remaining,
        app_name: v.app_name.clone(),
        request_id: v.request_id.clone(),
        country_iso: v.country_iso.clone(),
        callback_url: v.callback_url.clone().unwrap_or_default(),
    }
}

pub fn watch_item(item: WatchItem) -> pb::WatchStatusResponse {
    match item {
        WatchItem::Snapshot {
            view,
            active,
            active_total,
            resync,
            at,
        } => pb::WatchStatusResponse {
            active_total: u32::try_from(active_total).unwrap_or(u32::MAX),
            kind: pb::WatchEventKind::Snapshot as i32,
            event: "snapshot".into(),
            verification: view.as_deref().map(verification),
            active_verifications: active.iter().map(verification).collect(),
            event_time: Some(ts(at)),
            resync,
            step_index: None,
            channel: 0,
            block: None,
        },
        WatchItem::Event(e) => pb::WatchStatusResponse {
            active_total: 0,
            step_index: e.step.map(|i| i as u32),
            channel: e
                .step
                .and_then(|i| e.view.verification.history.get(i))
                .map_or(0, |a| channel_to_pb(a.channel) as i32),
            kind: event_to_pb(e.kind) as i32,
            event: e.kind.name().into(),
            verification: Some(verification(&e.view)),
            active_verifications: Vec::new(),
            event_time: Some(ts(e.at)),
            resync: false,
            block: None,
        },
        WatchItem::Blocked(b) => pb::WatchStatusResponse {
            kind: pb::WatchEventKind::Blocked as i32,
            event: "verification.blocked".into(),
            event_time: Some(ts(b.since)),
            block: Some(block_to_pb(&b)),
            ..Default::default()
        },
    }
}

pub fn block_to_pb(b: &Block) -> pb::Block {
    pb::Block {
        tenant_id: b.tenant_id.clone(),
        country_iso: b.country_iso.clone(),
        prefix: b.prefix.clone(),
        since: Some(ts(b.since)),
        until: Some(ts(b.until)),
        strikes: b.strikes,
        sends: b.sends,
        verified: b.verified,
    }
}

fn number_type_from_pb(raw: i32) -> Option<NumberType> {
    use pb::NumberType as P;
    Some(match P::try_from(raw).ok()? {
        P::PremiumRate => NumberType::PremiumRate,
        P::SharedCost => NumberType::SharedCost,
        P::TollFree => NumberType::TollFree,
        P::Uan => NumberType::Uan,
        P::Pager => NumberType::Pager,
        P::Voicemail => NumberType::Voicemail,
        P::Voip => NumberType::Voip,
        P::PersonalNumber => NumberType::PersonalNumber,
        P::FixedLine => NumberType::FixedLine,
        P::Mobile => NumberType::Mobile,
        P::Unspecified => return None,
    })
}

fn number_type_to_pb(t: NumberType) -> pb::NumberType {
    use pb::NumberType as P;
    match t {
        NumberType::PremiumRate => P::PremiumRate,
        NumberType::SharedCost => P::SharedCost,
        NumberType::TollFree => P::TollFree,
        NumberType::Uan => P::Uan,
        NumberType::Pager => P::Pager,
        NumberType::Voicemail => P::Voicemail,
        NumberType::Voip => P::Voip,
        NumberType::PersonalNumber => P::PersonalNumber,
        NumberType::FixedLine => P::FixedLine,
        NumberType::Mobile => P::Mobile,
    }
}

/// Limits from an admin request: unset fields take their defaults.
fn limits_from_pb(l: Option<pb::TenantLimits>) -> Result<Limits, ValidationError> {
    let d = Limits::default();
    let Some(l) = l else { return Ok(d) };
    let mut refused = d.refused_number_types.clone();
    if let Some(t) = l.refused_number_types {
        refused.clear();
        for (i, raw) in t.types.iter().enumerate() {
            match number_type_from_pb(*raw) {
                Some(t) if !refused.contains(&t) => refused.push(t),
                Some(_) => {
                    return Err(ValidationError::single(
                        format!("settings.limits.refused_number_types.types[{i}]"),
                        "is listed twice",
                    ));
                }
                None => {
                    return Err(ValidationError::single(
                        format!("settings.limits.refused_number_types.types[{i}]"),
                        "must be a known number type",
                    ));
                }
            }
        }
    }
    let mut geo = Vec::new();
    for (i, g) in l.geo_permissions.into_iter().enumerate() {
        let Ok(c) = channel_from_pb(g.channel) else {
            let mut e = ValidationError::single(
                format!("settings.limits.geo_permissions[{i}].channel"),
                "must be CHANNEL_SMS, CHANNEL_VOICE or CHANNEL_WHATSAPP",
            );
            e.invalid_channel = true;
            return Err(e);
        };
        geo.push((c, g.allowed_countries));
    }
    let pumping = match l.pumping {
        None => d.pumping.clone(),
        Some(p) => Pumping {
            enabled: !p.disabled,
            window_sec: p.window_sec.unwrap_or(d.pumping.window_sec),
            min_sends: p.min_sends.unwrap_or(d.pumping.min_sends),
            min_conversion_percent: p
                .min_conversion_percent
                .unwrap_or(d.pumping.min_conversion_percent),
            block_sec: p.block_sec.unwrap_or(d.pumping.block_sec),
        },
    };
    Ok(Limits {
        starts_per_destination_per_hour: l
            .starts_per_destination_per_hour
            .unwrap_or(d.starts_per_destination_per_hour),
        concurrent_in_delivery: l.concurrent_in_delivery.unwrap_or(d.concurrent_in_delivery),
        failed_checks_per_destination: l
            .failed_checks_per_destination
            .unwrap_or(d.failed_checks_per_destination),
        failed_checks_lockout_sec: l
            .failed_checks_lockout_sec
            .unwrap_or(d.failed_checks_lockout_sec),
        daily_spend_cap_cents: l.daily_spend_cap_cents,
        refused_number_types: refused,
        geo_permissions: geo,
        pumping,
        safe_list: l.safe_list,
    })
}

/// Limits as the API shows them: every value in force, defaults included.
fn limits_to_pb(l: &Limits) -> pb::TenantLimits {
    pb::TenantLimits {
        starts_per_destination_per_hour: Some(l.starts_per_destination_per_hour),
        concurrent_in_delivery: Some(l.concurrent_in_delivery),
        failed_checks_per_destination: Some(l.failed_checks_per_destination),
        failed_checks_lockout_sec: Some(l.failed_checks_lockout_sec),
        daily_spend_cap_cents: l.daily_spend_cap_cents,
        refused_number_types: Some(pb::NumberTypes {
            types: l
                .refused_number_types
                .iter()
                .map(|t| number_type_to_pb(*t) as i32)
                .collect(),
        }),
        geo_permissions: l
            .geo_permissions
            .iter()
            .map(|(c, countries)| pb::GeoPermission {
                channel: channel_to_pb(*c) as i32,
                allowed_countries: countries.clone(),
            })
            .collect(),
        pumping: Some(pb::PumpingProtection {
            disabled: !l.pumping.enabled,
            window_sec: Some(l.pumping.window_sec),
            min_sends: Some(l.pumping.min_sends),
            min_conversion_percent: Some(l.pumping.min_conversion_percent),
            block_sec: Some(l.pumping.block_sec),
        }),
        safe_list: l.safe_list.clone(),
    }
}

/// Settings from an admin request; unknown channels and languages are violations.
pub fn settings_from_pb(s: Option<pb::TenantSettings>) -> Result<TenantSettings, ValidationError> {
    let s = s.unwrap_or_default();
    let mut prices = Vec::with_capacity(s.prices.len());
    for (i, p) in s.prices.iter().enumerate() {
        match channel_from_pb(p.channel) {
            Ok(c) => prices.push((c, p.price_cents)),
            Err(_) => {
                let mut e = ValidationError::single(
                    format!("settings.prices[{i}].channel"),
                    "must be a known channel",
                );
                e.invalid_channel = true;
                return Err(e);
            }
        }
    }
    let default_lang = match lang_from_pb(s.default_lang) {
        LangChoice::Default => None,
        LangChoice::Known(l) => Some(l),
        LangChoice::Unknown(_) => {
            return Err(ValidationError::single(
                "settings.default_lang",
                "unknown language",
            ));
        }
    };
    Ok(TenantSettings {
        prices,
        blocked_numbers: s.blocked_numbers,
        sms_filters: s.sms_filters,
        default_app_name: s.default_app_name,
        default_lang,
        limits: limits_from_pb(s.limits)?,
    })
}

pub fn tenant_to_pb(t: &Tenant) -> pb::Tenant {
    let s = &t.settings;
    pb::Tenant {
        id: t.id.clone(),
        settings: Some(pb::TenantSettings {
            prices: s
                .price_list()
                .into_iter()
                .map(|(c, p)| pb::ChannelPrice {
                    channel: channel_to_pb(c) as i32,
                    price_cents: p,
                })
                .collect(),
            blocked_numbers: s.blocked_numbers.clone(),
            sms_filters: s.sms_filters.clone(),
            default_app_name: s.default_app_name.clone(),
            default_lang: s.default_lang.map_or(0, lang_to_pb),
            limits: Some(limits_to_pb(&s.limits)),
        }),
        created_at: Some(ts(t.created_at)),
    }
}
