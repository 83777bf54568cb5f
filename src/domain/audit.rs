//! The audit log's entries: who did what, when, to which tenant's what. Never a code,
//! a key or a secret: subjects are ids (a verification, an API key's public id, a
//! number prefix), details are words.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::verification::Millis;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// A wrong code was checked.
    CheckFailed,
    /// A check was refused: the destination is locked after too many failures.
    CheckLocked,
    /// A check named an id that is not the tenant's (unknown, or another tenant's).
    CheckUnknown,
    /// A start was refused by a limit or a defence.
    StartRefused,
    /// A number prefix was blocked for SMS pumping.
    PrefixBlocked,
    /// An admin lifted a block.
    PrefixUnblocked,
    /// A client address was refused after a burst of invalid credentials.
    CredentialsBurst,
    TenantCreated,
    SettingsChanged,
    KeyCreated,
    KeyRevoked,
    KeyRotated,
    /// A key rotated out after its grace period was used.
    KeyRefused,
    /// A key called a method its scope does not allow (a read key starting, say).
    ScopeDenied,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::CheckFailed,
        AuditAction::CheckLocked,
        AuditAction::CheckUnknown,
        AuditAction::StartRefused,
        AuditAction::PrefixBlocked,
        AuditAction::PrefixUnblocked,
        AuditAction::CredentialsBurst,
        AuditAction::TenantCreated,
        AuditAction::SettingsChanged,
        AuditAction::KeyCreated,
        AuditAction::KeyRevoked,
        AuditAction::KeyRotated,
        AuditAction::KeyRefused,
        AuditAction::ScopeDenied,
    ];

    /// The dotted name used on the wire and in logs.
    pub fn name(self) -> &'static str {
        match self {
            AuditAction::CheckFailed => "check.failed",
            AuditAction::CheckLocked => "check.locked",
            AuditAction::CheckUnknown => "check.unknown_id",
            AuditAction::StartRefused => "start.refused",
            AuditAction::PrefixBlocked => "prefix.blocked",
            AuditAction::PrefixUnblocked => "prefix.unblocked",
            AuditAction::CredentialsBurst => "credentials.burst",
            AuditAction::TenantCreated => "tenant.created",
            AuditAction::SettingsChanged => "tenant.settings_changed",
            AuditAction::KeyCreated => "key.created",
            AuditAction::KeyRevoked => "key.revoked",
            AuditAction::KeyRotated => "key.rotated",
            AuditAction::KeyRefused => "key.refused",
            AuditAction::ScopeDenied => "call.denied",
        }
    }
}

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: Millis,
    /// The tenant concerned; empty for a client address refused before it named one.
    pub tenant_id: String,
    /// Who: `key:<key id>`, `admin`, `system`, or `address:<ip>`.
    pub actor: String,
    pub action: AuditAction,
    /// What: a verification id, a key id, a prefix, an address.
    pub subject: String,
    /// Why or how, in words.
    pub detail: String,
}

impl AuditEntry {
    pub fn new(
        at: Millis,
        tenant_id: &str,
        actor: impl Into<String>,
        action: AuditAction,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            at,
            tenant_id: tenant_id.to_owned(),
            actor: actor.into(),
            action,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}
