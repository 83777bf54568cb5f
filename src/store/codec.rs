//! Record encoding shared by both backends: a format version byte, then the record.
//!
//! - Version 2 (written now): MessagePack with named fields (`rmp-serde`). Named
//!   fields let a later build add a field with `#[serde(default)]` and still read
//!   every record written before, without a migration.
//! - Version 1 (read only, for migrating old sled stores): postcard, whose layout is
//!   positional, so it is read through the frozen shapes in [`v1`].
//!
//! Both are binary: no decimal text lands on disk for numbers, so a code cannot appear
//! in the store's bytes by coincidence of a counter or a timestamp either.

use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

/// The version of the encoding this build writes.
pub const FORMAT_VERSION: u8 = 2;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    // MessagePack only fails on types serde cannot describe, which none of ours are.
    rmp_serde::encode::write_named(&mut out, value).expect("records are plain serde data");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, rest)) => {
            rmp_serde::from_slice(rest).map_err(|e| StoreError::Decode(e.to_string()))
        }
        Some((&v, _)) => Err(StoreError::Version(v)),
        None => Err(StoreError::Decode("empty record".into())),
    }
}

/// The shapes that format version 1 stored, frozen, and their conversion to today's.
pub mod v1 {
    use serde::Deserialize;
    use uuid::Uuid;

    use crate::domain::channel::Channel;
    use crate::domain::lang::Lang;
    use crate::domain::tenant as t;
    use crate::domain::verification::{self as dv, DeliveryStatus, Millis, State};
    use crate::store::{ApiKeyRecord, StoreError};

    fn decode<T: for<'a> Deserialize<'a>>(bytes: &[u8]) -> Result<T, StoreError> {
        match bytes.split_first() {
            Some((1, rest)) => {
                postcard::from_bytes(rest).map_err(|e| StoreError::Decode(e.to_string()))
            }
            Some((&v, _)) => Err(StoreError::Version(v)),
            None => Err(StoreError::Decode("empty record".into())),
        }
    }

    #[derive(Deserialize)]
    struct RoutingStep {
        channel: Channel,
        timeout_sec: Option<u32>,
        sender_id: Option<String>,
        template: Option<String>,
    }

    #[derive(Deserialize)]
    struct Attempt {
        id: Uuid,
        channel: Channel,
        status: DeliveryStatus,
        sent_at: Option<Millis>,
        processed_at: Option<Millis>,
        external_id: Option<String>,
        cost: Option<i64>,
        error_reason: Option<String>,
        deadline: Option<Millis>,
    }

    #[derive(Deserialize)]
    struct CodeSecret {
        hash: String,
        sealed: Option<Vec<u8>>,
    }

    #[derive(Deserialize)]
    struct Verification {
        id: Uuid,
        tenant_id: String,
        phone: String,
        email: String,
        code_length: u32,
        lang: Lang,
        app_name: String,
        payload: String,
        routing_strategy: Vec<RoutingStep>,
        status: DeliveryStatus,
        delivered_channel: Option<Channel>,
        cost: Option<i64>,
        created_at: Millis,
        updated_at: Millis,
        expires_at: Millis,
        history: Vec<Attempt>,
        is_code_deleted: bool,
        state: State,
        attempts_remaining: u32,
        max_attempts: u32,
        request_id: String,
        request_fingerprint: Vec<u8>,
        revision: u64,
        secret: CodeSecret,
    }

    #[derive(Deserialize)]
    struct TenantSettings {
        prices: Vec<(Channel, i64)>,
        blocked_numbers: Vec<String>,
        sms_filters: Vec<String>,
        default_app_name: String,
        default_lang: Option<Lang>,
    }

    #[derive(Deserialize)]
    struct Tenant {
        id: String,
        settings: TenantSettings,
        created_at: Millis,
    }

    #[derive(Deserialize)]
    struct ApiKey {
        key_id: String,
        tenant_id: String,
        description: String,
        created_at: Millis,
    }

    pub fn verification(bytes: &[u8]) -> Result<dv::Verification, StoreError> {
        let v: Verification = decode(bytes)?;
        let country_iso = crate::domain::limits::phone_facts(&v.phone)
            .map(|p| p.country_iso)
            .unwrap_or_default();
        Ok(dv::Verification {
            id: v.id,
            tenant_id: v.tenant_id,
            phone: v.phone,
            email: v.email,
            code_length: v.code_length,
            lang: v.lang,
            app_name: v.app_name,
            payload: v.payload,
            routing_strategy: v
                .routing_strategy
                .into_iter()
                .map(|s| dv::RoutingStep {
                    channel: s.channel,
                    timeout_sec: s.timeout_sec,
                    sender_id: s.sender_id,
                    template: s.template,
                })
                .collect(),
            status: v.status,
            delivered_channel: v.delivered_channel,
            cost: v.cost,
            created_at: v.created_at,
            updated_at: v.updated_at,
            expires_at: v.expires_at,
            history: v
                .history
                .into_iter()
                .map(|a| dv::Attempt {
                    id: a.id,
                    channel: a.channel,
                    status: a.status,
                    sent_at: a.sent_at,
                    processed_at: a.processed_at,
                    external_id: a.external_id,
                    cost: a.cost,
                    error_reason: a.error_reason,
                    deadline: a.deadline,
                    ..dv::Attempt::new(a.channel)
                })
                .collect(),
            is_code_deleted: v.is_code_deleted,
            state: v.state,
            attempts_remaining: v.attempts_remaining,
            max_attempts: v.max_attempts,
            country_iso,
            callback_url: None,
            request_id: v.request_id,
            request_fingerprint: v.request_fingerprint,
            revision: v.revision,
            secret: dv::CodeSecret {
                hash: v.secret.hash,
                sealed: v.secret.sealed,
            },
        })
    }

    pub fn tenant(bytes: &[u8]) -> Result<t::Tenant, StoreError> {
        let x: Tenant = decode(bytes)?;
        Ok(t::Tenant {
            id: x.id,
            created_at: x.created_at,
            settings: t::TenantSettings {
                prices: x.settings.prices,
                blocked_numbers: x.settings.blocked_numbers,
                sms_filters: x.settings.sms_filters,
                default_app_name: x.settings.default_app_name,
                default_lang: x.settings.default_lang,
                limits: Default::default(),
            },
        })
    }

    pub fn api_key(bytes: &[u8]) -> Result<ApiKeyRecord, StoreError> {
        let k: ApiKey = decode(bytes)?;
        Ok(ApiKeyRecord {
            key_id: k.key_id,
            tenant_id: k.tenant_id,
            description: k.description,
            created_at: k.created_at,
            scope: Default::default(),
            expires_at: None,
        })
    }
}
