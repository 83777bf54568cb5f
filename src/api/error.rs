//! The one place where an error of the library becomes a `tonic::Status`
//! (AIP-193): every status carries an `ErrorInfo` with domain `verifyd` and an
//! UPPER_SNAKE reason; field problems add `BadRequest` violations. Internal faults
//! are logged here and reach the client only as a generic INTERNAL.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::directory::DirectoryError;
use crate::domain::validate::ValidationError;
use crate::engine::EngineError;
use crate::webhooks::WebhookError;

pub const DOMAIN: &str = "verifyd";

/// A status with an `ErrorInfo` of `reason`.
pub fn status(code: Code, reason: &str, message: impl Into<String>) -> Status {
    let details = ErrorDetails::with_error_info(reason, DOMAIN, HashMap::new());
    Status::with_error_details(code, message, details)
}

pub fn invalid(e: &ValidationError) -> Status {
    let reason = if e.invalid_channel {
        "INVALID_CHANNEL"
    } else {
        "VALIDATION_FAILED"
    };
    let mut details = ErrorDetails::with_error_info(reason, DOMAIN, HashMap::new());
    for v in &e.violations {
        details.add_bad_request_violation(v.field.clone(), v.description.clone());
    }
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: {e}"),
        details,
    )
}

fn internal(what: &dyn std::fmt::Display) -> Status {
    tracing::error!(error = %what, "internal error");
    status(
        Code::Internal,
        "INTERNAL",
        "internal error; see the server log",
    )
}

/// RESOURCE_EXHAUSTED for a limit, with a `RetryInfo` of the real time to wait.
pub fn limited(reason: &str, message: impl Into<String>, retry_after_ms: Option<i64>) -> Status {
    let mut details = ErrorDetails::with_error_info(reason, DOMAIN, HashMap::new());
    if let Some(ms) = retry_after_ms {
        let ms = u64::try_from(ms.max(1)).unwrap_or(1);
        details.set_retry_info(Some(std::time::Duration::from_millis(ms)));
    }
    Status::with_error_details(Code::ResourceExhausted, message, details)
}

pub fn unavailable() -> Status {
    status(
        Code::Unavailable,
        "SHUTTING_DOWN",
        "the server is shutting down; retry on another instance or after restart",
    )
}

impl From<EngineError> for Status {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Limited(r) => limited(r.reason, r.message, r.retry_after_ms),
            EngineError::Policy(p) => {
                let mut details = ErrorDetails::with_error_info(p.reason, DOMAIN, HashMap::new());
                details.add_precondition_failure_violation(p.reason, p.subject, p.message.clone());
                Status::with_error_details(Code::FailedPrecondition, p.message, details)
            }
            EngineError::Invalid(v) => invalid(&v),
            EngineError::NotFound => status(Code::NotFound, "NOT_FOUND", "verification not found"),
            EngineError::FailedPrecondition(m) => {
                status(Code::FailedPrecondition, "NOT_PENDING", m)
            }
            EngineError::RequestIdReused => status(
                Code::AlreadyExists,
                "REQUEST_ID_REUSED",
                "request_id was already used with a different request",
            ),
            EngineError::ShuttingDown => unavailable(),
            EngineError::Store(e) => internal(&e),
            EngineError::Crypto(e) => internal(&e),
        }
    }
}

impl From<WebhookError> for Status {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::Invalid(v) => invalid(&v),
            WebhookError::Directory(d) => d.into(),
            WebhookError::Store(e) => internal(&e),
            WebhookError::EndpointNotFound(_) => {
                status(Code::NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND", e.to_string())
            }
            WebhookError::DeliveryNotFound(_) => {
                status(Code::NotFound, "WEBHOOK_DELIVERY_NOT_FOUND", e.to_string())
            }
            WebhookError::CallbackUrlNotAllowed => {
                let message = e.to_string();
                let mut details = ErrorDetails::with_error_info(
                    "CALLBACK_URL_NOT_ALLOWED",
                    DOMAIN,
                    HashMap::new(),
                );
                details.add_precondition_failure_violation(
                    "CALLBACK_URL_NOT_ALLOWED",
                    "callback_url",
                    message.clone(),
                );
                Status::with_error_details(Code::FailedPrecondition, message, details)
            }
        }
    }
}

impl From<DirectoryError> for Status {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::Invalid(v) => invalid(&v),
            DirectoryError::TenantExists(_) => {
                status(Code::AlreadyExists, "TENANT_EXISTS", e.to_string())
            }
            DirectoryError::TenantNotFound(_) => {
                status(Code::NotFound, "TENANT_NOT_FOUND", e.to_string())
            }
            DirectoryError::KeyNotFound(_) => {
                status(Code::NotFound, "API_KEY_NOT_FOUND", e.to_string())
            }
            DirectoryError::Store(e) => internal(&e),
        }
    }
}
