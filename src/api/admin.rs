//! `AdminService` handlers: tenants, settings, API keys, blocks, the audit log, the
//! sandbox outbox and the manual clock. Every change is durable in the store before
//! it is acknowledged, and every tenant, settings and key change is audited.

use std::sync::Arc;
use std::time::Duration;

use tonic::{Code, Request, Response, Status};

use super::{convert, error};
use crate::channels::sandbox::{OutboxQuery, Sandbox};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::validate::ValidationError;
use crate::domain::webhook::{Delivery, DeliveryStatus, Endpoint};
use crate::engine::Engine;
use crate::pb;
use crate::pb::admin_service_server::AdminService;
use crate::store::{AuditQuery, DeliveryQuery, KeyScope};
use crate::webhooks::Webhooks;

pub struct AdminApi {
    engine: Engine,
    sandbox: Arc<Sandbox>,
    webhooks: Webhooks,
    /// How long a rotated key keeps working, unless the request says.
    rotation_grace: Duration,
}

impl AdminApi {
    pub fn new(
        engine: Engine,
        sandbox: Arc<Sandbox>,
        webhooks: Webhooks,
        rotation_grace: Duration,
    ) -> Self {
        Self {
            engine,
            sandbox,
            webhooks,
            rotation_grace,
        }
    }

    async fn audit(
        &self,
        tenant: &str,
        action: AuditAction,
        subject: &str,
        detail: impl Into<String>,
    ) -> Result<(), Status> {
        let e = AuditEntry::new(
            self.engine.clock().now(),
            tenant,
            "admin",
            action,
            subject,
            detail,
        );
        Ok(self.engine.audit(&[e]).await?)
    }
}

fn scope_from_pb(raw: i32) -> Result<KeyScope, Status> {
    match pb::ApiKeyScope::try_from(raw) {
        Ok(pb::ApiKeyScope::Unspecified | pb::ApiKeyScope::Verify) => Ok(KeyScope::Verify),
        Ok(pb::ApiKeyScope::Read) => Ok(KeyScope::Read),
        Err(_) => Err(error::invalid(&ValidationError::single(
            "scope",
            "must be API_KEY_SCOPE_VERIFY or API_KEY_SCOPE_READ",
        ))),
    }
}

fn scope_to_pb(s: KeyScope) -> pb::ApiKeyScope {
    match s {
        KeyScope::Verify => pb::ApiKeyScope::Verify,
        KeyScope::Read => pb::ApiKeyScope::Read,
    }
}

fn endpoint_to_pb(e: &Endpoint) -> pb::WebhookEndpoint {
    pb::WebhookEndpoint {
        id: e.id.clone(),
        tenant_id: e.tenant_id.clone(),
        url: e.url.clone(),
        for_request_urls: e.for_request_urls,
        events: e.events.clone(),
        description: e.description.clone(),
        disabled: e.disabled.is_some(),
        disabled_reason: e.disabled.clone().unwrap_or_default(),
        created_at: Some(convert::ts(e.created_at)),
        updated_at: Some(convert::ts(e.updated_at)),
        previous_secret_expires_at: e
            .secrets
            .iter()
            .filter_map(|s| s.expires_at)
            .max()
            .map(convert::ts),
    }
}

fn delivery_to_pb(d: &Delivery) -> pb::WebhookDelivery {
    use pb::WebhookDeliveryStatus as P;
    pb::WebhookDelivery {
        id: d.id.to_string(),
        tenant_id: d.tenant_id.clone(),
        endpoint_id: d.endpoint_id.clone(),
        url: d.url.clone(),
        event_id: crate::domain::webhook::msg_id(&d.event_id),
        event_type: d.event_type.clone(),
        verification_id: d.verification_id.map(|v| v.to_string()).unwrap_or_default(),
        status: match d.status {
            DeliveryStatus::Pending => P::Pending,
            DeliveryStatus::Succeeded => P::Succeeded,
            DeliveryStatus::Failed => P::Failed,
            DeliveryStatus::Canceled => P::Canceled,
        } as i32,
        attempts: d.attempts,
        next_attempt_at: (d.status == DeliveryStatus::Pending)
            .then(|| convert::ts(d.next_attempt_at)),
        last_attempt_at: d.last_attempt_at.map(convert::ts),
        last_status_code: d.last_status_code.map(u32::from),
        last_error: d.last_error.clone().unwrap_or_default(),
        created_at: Some(convert::ts(d.created_at)),
    }
}

/// An event id as the API shows it (`msg_` and 32 hex digits), or a plain UUID.
fn parse_event_id(s: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(s.strip_prefix("msg_").unwrap_or(s)).ok()
}

fn millis(t: &Option<crate::pb::wkt::Timestamp>) -> Option<i64> {
    t.as_ref()
        .map(|t| t.seconds.saturating_mul(1000) + i64::from(t.nanos / 1_000_000))
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    async fn create_tenant(
        &self,
        req: Request<pb::CreateTenantRequest>,
    ) -> Result<Response<pb::CreateTenantResponse>, Status> {
        let r = req.into_inner();
        let settings = convert::settings_from_pb(r.settings).map_err(|e| error::invalid(&e))?;
        let t = self
            .engine
            .directory()
            .create_tenant(&r.tenant_id, settings, self.engine.clock().now())
            .await?;
        tracing::info!(tenant_id = %t.id, "tenant created");
        self.audit(&t.id, AuditAction::TenantCreated, &t.id, "created")
            .await?;
        Ok(Response::new(pb::CreateTenantResponse {
            tenant: Some(convert::tenant_to_pb(&t)),
        }))
    }

    async fn get_tenant(
        &self,
        req: Request<pb::GetTenantRequest>,
    ) -> Result<Response<pb::GetTenantResponse>, Status> {
        let id = &req.get_ref().tenant_id;
        let t = self.engine.directory().tenant(id).ok_or_else(|| {
            Status::from(crate::directory::DirectoryError::TenantNotFound(id.clone()))
        })?;
        Ok(Response::new(pb::GetTenantResponse {
            tenant: Some(convert::tenant_to_pb(&t)),
        }))
    }

    async fn list_tenants(
        &self,
        _req: Request<pb::ListTenantsRequest>,
    ) -> Result<Response<pb::ListTenantsResponse>, Status> {
        Ok(Response::new(pb::ListTenantsResponse {
            tenants: self
                .engine
                .directory()
                .list_tenants()
                .iter()
                .map(|t| convert::tenant_to_pb(t))
                .collect(),
        }))
    }

    async fn update_tenant_settings(
        &self,
        req: Request<pb::UpdateTenantSettingsRequest>,
    ) -> Result<Response<pb::UpdateTenantSettingsResponse>, Status> {
        let r = req.into_inner();
        let settings = convert::settings_from_pb(r.settings).map_err(|e| error::invalid(&e))?;
        let t = self
            .engine
            .directory()
            .update_settings(&r.tenant_id, settings)
            .await?;
        tracing::info!(tenant_id = %t.id, "tenant settings updated");
        self.audit(
            &t.id,
            AuditAction::SettingsChanged,
            &t.id,
            "settings replaced",
        )
        .await?;
        Ok(Response::new(pb::UpdateTenantSettingsResponse {
            tenant: Some(convert::tenant_to_pb(&t)),
        }))
    }

    async fn create_api_key(
        &self,
        req: Request<pb::CreateApiKeyRequest>,
    ) -> Result<Response<pb::CreateApiKeyResponse>, Status> {
        let r = req.into_inner();
        let (key_id, key) = self
            .engine
            .directory()
            .create_api_key(
                &r.tenant_id,
                &r.description,
                scope_from_pb(r.scope)?,
                self.engine.clock().now(),
            )
            .await?;
        tracing::info!(tenant_id = %r.tenant_id, key_id = %key_id, "API key issued");
        self.audit(&r.tenant_id, AuditAction::KeyCreated, &key_id, "issued")
            .await?;
        Ok(Response::new(pb::CreateApiKeyResponse {
            key_id,
            api_key: key.expose().to_owned(),
        }))
    }

    async fn list_api_keys(
        &self,
        req: Request<pb::ListApiKeysRequest>,
    ) -> Result<Response<pb::ListApiKeysResponse>, Status> {
        let keys = self
            .engine
            .directory()
            .list_api_keys(&req.get_ref().tenant_id)?;
        Ok(Response::new(pb::ListApiKeysResponse {
            keys: keys
                .into_iter()
                .map(|k| pb::ApiKeyInfo {
                    key_id: k.key_id,
                    tenant_id: k.tenant_id,
                    description: k.description,
                    created_at: Some(convert::ts(k.created_at)),
                    scope: scope_to_pb(k.scope) as i32,
                    expires_at: k.expires_at.map(convert::ts),
                })
                .collect(),
        }))
    }

    async fn revoke_api_key(
        &self,
        req: Request<pb::RevokeApiKeyRequest>,
    ) -> Result<Response<pb::RevokeApiKeyResponse>, Status> {
        let r = req.into_inner();
        self.engine
            .directory()
            .revoke_api_key(&r.tenant_id, &r.key_id)
            .await?;
        tracing::info!(tenant_id = %r.tenant_id, key_id = %r.key_id, "API key revoked");
        self.audit(&r.tenant_id, AuditAction::KeyRevoked, &r.key_id, "revoked")
            .await?;
        Ok(Response::new(pb::RevokeApiKeyResponse {}))
    }

    async fn rotate_api_key(
        &self,
        req: Request<pb::RotateApiKeyRequest>,
    ) -> Result<Response<pb::RotateApiKeyResponse>, Status> {
        let r = req.into_inner();
        let grace = match r.grace_sec {
            Some(g) if g > 30 * 86_400 => {
                return Err(error::invalid(&ValidationError::single(
                    "grace_sec",
                    "must be at most 2592000",
                )));
            }
            Some(g) => Duration::from_secs(u64::from(g)),
            None => self.rotation_grace,
        };
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        let (key_id, key, until) = self
            .engine
            .directory()
            .rotate_api_key(&r.tenant_id, &r.key_id, grace_ms, self.engine.clock().now())
            .await?;
        tracing::info!(tenant_id = %r.tenant_id, old = %r.key_id, new = %key_id, "API key rotated");
        self.audit(
            &r.tenant_id,
            AuditAction::KeyRotated,
            &r.key_id,
            format!("replaced by {key_id}; works until {until}"),
        )
        .await?;
        Ok(Response::new(pb::RotateApiKeyResponse {
            key_id,
            api_key: key.expose().to_owned(),
            old_key_expires_at: Some(convert::ts(until)),
        }))
    }

    async fn list_blocks(
        &self,
        req: Request<pb::ListBlocksRequest>,
    ) -> Result<Response<pb::ListBlocksResponse>, Status> {
        let blocks = self.engine.blocks(&req.get_ref().tenant_id).await?;
        Ok(Response::new(pb::ListBlocksResponse {
            blocks: blocks.iter().map(convert::block_to_pb).collect(),
        }))
    }

    async fn lift_block(
        &self,
        req: Request<pb::LiftBlockRequest>,
    ) -> Result<Response<pb::LiftBlockResponse>, Status> {
        let r = req.into_inner();
        if !self
            .engine
            .lift_block(&r.tenant_id, &r.country_iso, &r.prefix)
            .await?
        {
            return Err(error::status(
                Code::NotFound,
                "BLOCK_NOT_FOUND",
                format!(
                    "no block of tenant {} for {} {}",
                    r.tenant_id, r.country_iso, r.prefix
                ),
            ));
        }
        tracing::info!(tenant_id = %r.tenant_id, country = %r.country_iso, prefix = %r.prefix, "block lifted");
        Ok(Response::new(pb::LiftBlockResponse {}))
    }

    async fn list_audit_entries(
        &self,
        req: Request<pb::ListAuditEntriesRequest>,
    ) -> Result<Response<pb::ListAuditEntriesResponse>, Status> {
        let r = req.into_inner();
        let mut actions = Vec::new();
        for (i, a) in r.actions.iter().enumerate() {
            match AuditAction::ALL.iter().find(|x| x.name() == a) {
                Some(x) => actions.push(*x),
                None => {
                    return Err(error::invalid(&ValidationError::single(
                        format!("actions[{i}]"),
                        "is not an audit action (see AuditEntry.action)",
                    )));
                }
            }
        }
        if r.page_size > 1000 {
            return Err(error::invalid(&ValidationError::single(
                "page_size",
                "must be at most 1000",
            )));
        }
        let q = AuditQuery {
            tenant_id: r.tenant_id,
            actions,
            since: millis(&r.since),
            before: millis(&r.before),
            limit: if r.page_size == 0 {
                100
            } else {
                r.page_size as usize
            },
        };
        let entries = self.engine.list_audit(&q).await?;
        Ok(Response::new(pb::ListAuditEntriesResponse {
            entries: entries
                .into_iter()
                .map(|e| pb::AuditEntry {
                    id: e.id.to_string(),
                    time: Some(convert::ts(e.at)),
                    tenant_id: e.tenant_id,
                    actor: e.actor,
                    action: e.action.name().into(),
                    subject: e.subject,
                    detail: e.detail,
                })
                .collect(),
        }))
    }

    async fn create_webhook_endpoint(
        &self,
        req: Request<pb::CreateWebhookEndpointRequest>,
    ) -> Result<Response<pb::CreateWebhookEndpointResponse>, Status> {
        let r = req.into_inner();
        let (e, secret) = self
            .webhooks
            .create_endpoint(
                &r.tenant_id,
                &r.url,
                r.events,
                &r.description,
                r.for_request_urls,
            )
            .await?;
        tracing::info!(tenant_id = %e.tenant_id, endpoint = %e.id, "webhook endpoint created");
        self.audit(
            &e.tenant_id,
            AuditAction::SettingsChanged,
            &e.id,
            "webhook endpoint created",
        )
        .await?;
        Ok(Response::new(pb::CreateWebhookEndpointResponse {
            endpoint: Some(endpoint_to_pb(&e)),
            secret,
        }))
    }

    async fn list_webhook_endpoints(
        &self,
        req: Request<pb::ListWebhookEndpointsRequest>,
    ) -> Result<Response<pb::ListWebhookEndpointsResponse>, Status> {
        let all = self.webhooks.endpoints(&req.get_ref().tenant_id)?;
        Ok(Response::new(pb::ListWebhookEndpointsResponse {
            endpoints: all.iter().map(|e| endpoint_to_pb(e)).collect(),
        }))
    }

    async fn update_webhook_endpoint(
        &self,
        req: Request<pb::UpdateWebhookEndpointRequest>,
    ) -> Result<Response<pb::UpdateWebhookEndpointResponse>, Status> {
        let r = req.into_inner();
        let e = self
            .webhooks
            .update_endpoint(
                &r.tenant_id,
                &r.id,
                r.url,
                r.events.map(|e| e.events),
                r.description,
                r.disabled,
            )
            .await?;
        self.audit(
            &e.tenant_id,
            AuditAction::SettingsChanged,
            &e.id,
            "webhook endpoint changed",
        )
        .await?;
        Ok(Response::new(pb::UpdateWebhookEndpointResponse {
            endpoint: Some(endpoint_to_pb(&e)),
        }))
    }

    async fn delete_webhook_endpoint(
        &self,
        req: Request<pb::DeleteWebhookEndpointRequest>,
    ) -> Result<Response<pb::DeleteWebhookEndpointResponse>, Status> {
        let r = req.into_inner();
        self.webhooks.delete_endpoint(&r.tenant_id, &r.id).await?;
        self.audit(
            &r.tenant_id,
            AuditAction::SettingsChanged,
            &r.id,
            "webhook endpoint deleted",
        )
        .await?;
        Ok(Response::new(pb::DeleteWebhookEndpointResponse {}))
    }

    async fn rotate_webhook_secret(
        &self,
        req: Request<pb::RotateWebhookSecretRequest>,
    ) -> Result<Response<pb::RotateWebhookSecretResponse>, Status> {
        let r = req.into_inner();
        let grace = match r.grace_sec {
            Some(g) if g > 30 * 86_400 => {
                return Err(error::invalid(&ValidationError::single(
                    "grace_sec",
                    "must be at most 2592000",
                )));
            }
            Some(g) => Duration::from_secs(u64::from(g)),
            None => Duration::from_secs(86_400),
        };
        let (e, secret) = self
            .webhooks
            .rotate_secret(&r.tenant_id, &r.id, grace)
            .await?;
        self.audit(
            &e.tenant_id,
            AuditAction::SettingsChanged,
            &e.id,
            "webhook secret rotated",
        )
        .await?;
        Ok(Response::new(pb::RotateWebhookSecretResponse {
            endpoint: Some(endpoint_to_pb(&e)),
            secret,
        }))
    }

    async fn list_webhook_deliveries(
        &self,
        req: Request<pb::ListWebhookDeliveriesRequest>,
    ) -> Result<Response<pb::ListWebhookDeliveriesResponse>, Status> {
        let r = req.into_inner();
        if r.page_size > 1000 {
            return Err(error::invalid(&ValidationError::single(
                "page_size",
                "must be at most 1000",
            )));
        }
        let event_id = match r.event_id.as_str() {
            "" => None,
            s => match parse_event_id(s) {
                Some(id) => Some(id),
                None => return Ok(Response::new(Default::default())),
            },
        };
        let q = DeliveryQuery {
            tenant_id: r.tenant_id,
            endpoint_id: (!r.endpoint_id.is_empty()).then_some(r.endpoint_id),
            event_id,
            before: millis(&r.before),
            limit: if r.page_size == 0 {
                100
            } else {
                r.page_size as usize
            },
        };
        let all = self.webhooks.deliveries(&q).await?;
        Ok(Response::new(pb::ListWebhookDeliveriesResponse {
            deliveries: all.iter().map(delivery_to_pb).collect(),
        }))
    }

    async fn redeliver_webhook(
        &self,
        req: Request<pb::RedeliverWebhookRequest>,
    ) -> Result<Response<pb::RedeliverWebhookResponse>, Status> {
        let r = req.into_inner();
        let Ok(id) = uuid::Uuid::parse_str(&r.delivery_id) else {
            let e = crate::domain::validate::ValidationError::single(
                "delivery_id",
                "must be a delivery's id (a UUID)",
            );
            return Err(crate::api::error::invalid(&e));
        };
        let d = self.webhooks.redeliver(&r.tenant_id, id).await?;
        Ok(Response::new(pb::RedeliverWebhookResponse {
            delivery: Some(delivery_to_pb(&d)),
        }))
    }

    async fn list_sandbox_messages(
        &self,
        req: Request<pb::ListSandboxMessagesRequest>,
    ) -> Result<Response<pb::ListSandboxMessagesResponse>, Status> {
        let r = req.into_inner();
        let verification_id = match r.verification_id.as_str() {
            "" => None,
            s => match uuid::Uuid::parse_str(s) {
                Ok(id) => Some(id),
                // No message can belong to something that is not a verification id.
                Err(_) => return Ok(Response::new(Default::default())),
            },
        };
        let messages = self.sandbox.messages(&OutboxQuery {
            tenant_id: r.tenant_id,
            verification_id,
            recipient: r.recipient,
        });
        Ok(Response::new(pb::ListSandboxMessagesResponse {
            messages: messages
                .into_iter()
                .map(|m| pb::SandboxMessage {
                    verification_id: m.verification_id.to_string(),
                    tenant_id: m.tenant_id,
                    channel: convert::channel_to_pb(m.channel) as i32,
                    recipient: m.recipient,
                    sender_id: m.sender_id,
                    code: m.code,
                    text: m.text,
                    ssml: m.ssml,
                    subject: m.subject,
                    html: m.html,
                    external_id: m.external_id,
                    outcome: m.outcome,
                    sent_at: Some(convert::ts(m.sent_at)),
                })
                .collect(),
        }))
    }

    async fn advance_clock(
        &self,
        req: Request<pb::AdvanceClockRequest>,
    ) -> Result<Response<pb::AdvanceClockResponse>, Status> {
        let secs = req.get_ref().seconds;
        if !(1..=86_400).contains(&secs) {
            return Err(error::invalid(
                &crate::domain::validate::ValidationError::single(
                    "seconds",
                    "must be between 1 and 86400",
                ),
            ));
        }
        let now = self
            .engine
            .clock()
            .advance(Duration::from_secs(u64::from(secs)))
            .ok_or_else(|| {
                error::status(
                    Code::FailedPrecondition,
                    "CLOCK_NOT_MANUAL",
                    "the server runs on the system clock; start it with --clock manual",
                )
            })?;
        Ok(Response::new(pb::AdvanceClockResponse {
            now: Some(convert::ts(now)),
        }))
    }
}
