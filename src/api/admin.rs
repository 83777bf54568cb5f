//! `AdminService` handlers: tenants, settings, API keys, the sandbox outbox and the
//! manual clock. Every change is durable in the store before it is acknowledged.

use std::sync::Arc;
use std::time::Duration;

use tonic::{Code, Request, Response, Status};

use super::{convert, error};
use crate::channels::sandbox::{OutboxQuery, Sandbox};
use crate::engine::Engine;
use crate::pb;
use crate::pb::admin_service_server::AdminService;

pub struct AdminApi {
    engine: Engine,
    sandbox: Arc<Sandbox>,
}

impl AdminApi {
    pub fn new(engine: Engine, sandbox: Arc<Sandbox>) -> Self {
        Self { engine, sandbox }
    }
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
            .create_api_key(&r.tenant_id, &r.description, self.engine.clock().now())
            .await?;
        tracing::info!(tenant_id = %r.tenant_id, key_id = %key_id, "API key issued");
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
        Ok(Response::new(pb::RevokeApiKeyResponse {}))
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
