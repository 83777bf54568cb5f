//! The gRPC edge: authentication, the `VerifyService` and `AdminService` handlers,
//! and the conversions between protobuf and the domain. Handlers convert, call the
//! engine or directory, and convert back; `error` is the only place a library error
//! becomes a `tonic::Status`.

pub mod admin;
pub mod admission;
pub mod codec;
pub mod convert;
pub mod error;
pub mod guard;
pub mod verify;

use std::sync::Arc;

use tonic::{Code, Request, Status};

use crate::domain::audit::{AuditAction, AuditEntry};
use crate::engine::{Caller, Engine};
use crate::store::KeyScope;
use guard::{CredentialGuard, Verdict};

/// Who a `VerifyService` call is from, put in the request's extensions by
/// `tenant_auth`.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub tenant_id: String,
    pub key_id: String,
    pub scope: KeyScope,
}

fn bearer<T>(req: &Request<T>) -> Option<&str> {
    let v = req.metadata().get("authorization")?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn unauthenticated(message: &str) -> Status {
    error::status(Code::Unauthenticated, "UNAUTHENTICATED", message)
}

/// Refuses calls from an address that sent too many invalid credentials.
fn guard_check<T>(
    guard: &CredentialGuard,
    engine: &Engine,
    req: &Request<T>,
) -> Result<(), Status> {
    let Some(ip) = guard.client_addr(req.metadata(), req.remote_addr().map(|a| a.ip())) else {
        return Ok(());
    };
    match guard.check(ip, engine.clock().now()) {
        Verdict::Pass => Ok(()),
        Verdict::Blocked { retry_after_ms } => Err(error::limited(
            "TOO_MANY_BAD_CREDENTIALS",
            "this address sent too many invalid credentials; it is refused for a while",
            Some(retry_after_ms),
        )),
    }
}

/// Counts an invalid credential, and records the burst that blocks an address.
fn guard_failed<T>(guard: &CredentialGuard, engine: &Engine, req: &Request<T>, tenant: &str) {
    let Some(ip) = guard.client_addr(req.metadata(), req.remote_addr().map(|a| a.ip())) else {
        return;
    };
    let now = engine.clock().now();
    if guard.failed(ip, now) {
        tracing::warn!(%ip, "a burst of invalid credentials: address refused for a while");
        engine.audit_later(AuditEntry::new(
            now,
            tenant,
            format!("address:{ip}"),
            AuditAction::CredentialsBurst,
            ip.to_string(),
            "too many invalid credentials in a short time; the address is refused for a while",
        ));
    }
}

/// Interceptor for `VerifyService`: `authorization: Bearer <api key>` must be a live
/// key of the tenant named by `x-tenant-id`. While draining, every call is refused;
/// an address that sent too many invalid credentials is refused for a while.
pub fn tenant_auth(
    engine: Engine,
    guard: Arc<CredentialGuard>,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |mut req: Request<()>| {
        if engine.is_shutting_down() {
            return Err(error::unavailable());
        }
        guard_check(&guard, &engine, &req)?;
        let tenant = req
            .metadata()
            .get("x-tenant-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| unauthenticated("missing x-tenant-id metadata"))?;
        let Some(key) = bearer(&req) else {
            guard_failed(&guard, &engine, &req, "");
            return Err(unauthenticated(
                "missing 'authorization: Bearer <api key>' metadata",
            ));
        };
        let now = engine.clock().now();
        let Some((key_id, scope)) = engine.directory().authenticate(key, &tenant, now) else {
            let known = engine.directory().tenant(&tenant).is_some();
            if let Some(ended) = engine.directory().ended_key(key, &tenant, now) {
                engine.audit_later(AuditEntry::new(
                    now,
                    &tenant,
                    format!("key:{ended}"),
                    AuditAction::KeyRefused,
                    ended.clone(),
                    "a key rotated out after its grace period was used",
                ));
            }
            guard_failed(&guard, &engine, &req, if known { &tenant } else { "" });
            return Err(unauthenticated("the API key is not valid for this tenant"));
        };
        req.extensions_mut().insert(Authenticated {
            tenant_id: tenant,
            key_id,
            scope,
        });
        Ok(req)
    }
}

/// Interceptor for `AdminService`: `authorization: Bearer <admin token>`.
pub fn admin_auth(
    engine: Engine,
    guard: Arc<CredentialGuard>,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |req: Request<()>| {
        if engine.is_shutting_down() {
            return Err(error::unavailable());
        }
        guard_check(&guard, &engine, &req)?;
        match bearer(&req) {
            Some(t) if engine.directory().is_admin(t) => Ok(req),
            Some(_) => {
                guard_failed(&guard, &engine, &req, "");
                Err(unauthenticated("the admin token is not valid"))
            }
            None => {
                guard_failed(&guard, &engine, &req, "");
                Err(unauthenticated(
                    "missing 'authorization: Bearer <admin token>' metadata",
                ))
            }
        }
    }
}

/// Who the interceptor authenticated, if their key's scope allows `method`, which
/// needs `need`; a refusal for scope is audited.
pub fn caller_of<T>(
    engine: &Engine,
    req: &Request<T>,
    method: &str,
    need: KeyScope,
) -> Result<Caller, Status> {
    let a = req
        .extensions()
        .get::<Authenticated>()
        .ok_or_else(|| unauthenticated("not authenticated"))?;
    if need == KeyScope::Verify && a.scope == KeyScope::Read {
        engine.audit_later(AuditEntry::new(
            engine.clock().now(),
            &a.tenant_id,
            format!("key:{}", a.key_id),
            AuditAction::ScopeDenied,
            a.key_id.clone(),
            format!("{method} needs a verify key; this one may only read"),
        ));
        return Err(error::status(
            Code::PermissionDenied,
            "INSUFFICIENT_SCOPE",
            "this API key is read-only: it may get and watch verifications, nothing else",
        ));
    }
    Ok(Caller::new(
        a.tenant_id.clone(),
        format!("key:{}", a.key_id),
    ))
}
