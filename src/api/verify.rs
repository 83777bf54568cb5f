//! `VerifyService` handlers: convert, call the engine, convert.

use std::pin::Pin;

use futures::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use super::admission::Admission;
use super::{caller_of, convert};
use crate::domain::validate::validate_start;
use crate::engine::{Engine, EngineError};
use crate::pb;
use crate::pb::verify_service_server::VerifyService;
use crate::store::KeyScope;
use crate::webhooks::Webhooks;

pub struct VerifyApi {
    engine: Engine,
    webhooks: Webhooks,
    admission: Admission,
}

impl VerifyApi {
    pub fn new(engine: Engine, webhooks: Webhooks, admission: Admission) -> Self {
        Self {
            engine,
            webhooks,
            admission,
        }
    }
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchStatusResponse, Status>> + Send>>;

#[tonic::async_trait]
impl VerifyService for VerifyApi {
    async fn start_verification(
        &self,
        req: Request<pb::StartVerificationRequest>,
    ) -> Result<Response<pb::StartVerificationResponse>, Status> {
        let caller = caller_of(&self.engine, &req, "StartVerification", KeyScope::Verify)?;
        let _admitted = self.admission.admit()?;
        let new =
            validate_start(convert::start_input(req.into_inner())).map_err(EngineError::from)?;
        if let Some(url) = &new.callback_url {
            self.webhooks
                .check_request_url(&caller.tenant_id, url)
                .await?;
        }
        let view = self.engine.start(&caller, new).await?;
        Ok(Response::new(pb::StartVerificationResponse {
            verification: Some(convert::verification(&view)),
        }))
    }

    async fn check_code(
        &self,
        req: Request<pb::CheckCodeRequest>,
    ) -> Result<Response<pb::CheckCodeResponse>, Status> {
        let caller = caller_of(&self.engine, &req, "CheckCode", KeyScope::Verify)?;
        let _admitted = self.admission.admit()?;
        let r = req.into_inner();
        let id = convert::parse_id(&r.id)?;
        let (result, view) = self.engine.check(&caller, id, r.code).await?;
        Ok(Response::new(pb::CheckCodeResponse {
            result: convert::check_result_to_pb(result) as i32,
            verification: Some(convert::verification(&view)),
        }))
    }

    async fn get_verification(
        &self,
        req: Request<pb::GetVerificationRequest>,
    ) -> Result<Response<pb::GetVerificationResponse>, Status> {
        let tenant = caller_of(&self.engine, &req, "GetVerification", KeyScope::Read)?.tenant_id;
        let id = convert::parse_id(&req.get_ref().id)?;
        let view = self.engine.get(&tenant, id).await?;
        Ok(Response::new(pb::GetVerificationResponse {
            verification: Some(convert::verification(&view)),
        }))
    }

    async fn cancel_verification(
        &self,
        req: Request<pb::CancelVerificationRequest>,
    ) -> Result<Response<pb::CancelVerificationResponse>, Status> {
        let caller = caller_of(&self.engine, &req, "CancelVerification", KeyScope::Verify)?;
        let id = convert::parse_id(&req.get_ref().id)?;
        let view = self.engine.cancel(&caller, id).await?;
        Ok(Response::new(pb::CancelVerificationResponse {
            verification: Some(convert::verification(&view)),
        }))
    }

    type WatchStatusStream = WatchStream;

    async fn watch_status(
        &self,
        req: Request<pb::WatchStatusRequest>,
    ) -> Result<Response<WatchStream>, Status> {
        let tenant = caller_of(&self.engine, &req, "WatchStatus", KeyScope::Read)?.tenant_id;
        let slot = self.admission.watch_slot(&tenant)?;
        let id = &req.get_ref().id;
        let stream: WatchStream = if id.is_empty() {
            Box::pin(
                self.engine
                    .watch_tenant(&tenant)
                    .await?
                    .map(|item| item.map(convert::watch_item).map_err(Status::from)),
            )
        } else {
            let id = convert::parse_id(id)?;
            Box::pin(
                self.engine
                    .watch_one(&tenant, id)
                    .await?
                    .map(|item| item.map(convert::watch_item).map_err(Status::from)),
            )
        };
        // The slot is given back when the stream is dropped (the client left).
        let stream: WatchStream = Box::pin(stream.map(move |item| {
            let _held = &slot;
            item
        }));
        Ok(Response::new(stream))
    }
}
