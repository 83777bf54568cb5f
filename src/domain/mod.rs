//! Pure types and rules of the domain: verifications, channels, tenants, request
//! validation, code generation and message texts. Nothing here does I/O, reads a
//! clock or knows about gRPC; the engine and the API build on it.

pub mod audit;
pub mod channel;
pub mod code;
pub mod delivery;
pub mod lang;
pub mod limits;
pub mod messages;
pub mod tenant;
pub mod validate;
pub mod verification;
pub mod webhook;
