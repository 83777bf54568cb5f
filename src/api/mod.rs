//! The gRPC edge: authentication, the `VerifyService` and `AdminService` handlers,
//! and the conversions between protobuf and the domain. Handlers convert, call the
//! engine or directory, and convert back; `error` is the only place a library error
//! becomes a `tonic::Status`.

pub mod admin;
pub mod convert;
pub mod error;
pub mod verify;

use tonic::{Code, Request, Status};

use crate::directory::Directory;
use crate::engine::Engine;

/// The authenticated tenant of a `VerifyService` call, put in the request's
/// extensions by `tenant_auth`.
#[derive(Debug, Clone)]
pub struct TenantId(pub String);

fn bearer<T>(req: &Request<T>) -> Option<&str> {
    let v = req.metadata().get("authorization")?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn unauthenticated(message: &str) -> Status {
    error::status(Code::Unauthenticated, "UNAUTHENTICATED", message)
}

/// Interceptor for `VerifyService`: `authorization: Bearer <api key>` must be a live
/// key of the tenant named by `x-tenant-id`. While draining, every call is refused.
pub fn tenant_auth(
    engine: Engine,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |mut req: Request<()>| {
        if engine.is_shutting_down() {
            return Err(error::unavailable());
        }
        let directory: &Directory = engine.directory();
        let tenant = req
            .metadata()
            .get("x-tenant-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| unauthenticated("missing x-tenant-id metadata"))?;
        let key = bearer(&req)
            .ok_or_else(|| unauthenticated("missing 'authorization: Bearer <api key>' metadata"))?;
        if !directory.authenticate(key, &tenant) {
            return Err(unauthenticated("the API key is not valid for this tenant"));
        }
        req.extensions_mut().insert(TenantId(tenant));
        Ok(req)
    }
}

/// Interceptor for `AdminService`: `authorization: Bearer <admin token>`.
pub fn admin_auth(
    engine: Engine,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |req: Request<()>| {
        if engine.is_shutting_down() {
            return Err(error::unavailable());
        }
        match bearer(&req) {
            Some(t) if engine.directory().is_admin(t) => Ok(req),
            Some(_) => Err(unauthenticated("the admin token is not valid")),
            None => Err(unauthenticated(
                "missing 'authorization: Bearer <admin token>' metadata",
            )),
        }
    }
}

/// The tenant the interceptor authenticated.
pub fn tenant_of<T>(req: &Request<T>) -> Result<String, Status> {
    req.extensions()
        .get::<TenantId>()
        .map(|t| t.0.clone())
        .ok_or_else(|| unauthenticated("not authenticated"))
}
