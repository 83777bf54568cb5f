//! verifyd: a self-hosted one-time-code verification service over gRPC.
//!
//! Layout, from the edge inwards:
//! - `cli`: the `verifyd` binary's entry point (parse, log, serve, signals, exit codes)
//! - `config`: the command line (flags and their environment variables)
//! - `app`: wiring, serving, draining
//! - `ingress`: the HTTP listener for providers' delivery callbacks
//! - `webhooks`: signed, durable, retried delivery of events to tenants' endpoints
//! - `datadir`: the data directory's owner lock (one verifyd per `--data-dir`)
//! - `api`: tonic handlers, authentication, protobuf conversion, error mapping
//! - `pb`: generated protobuf and gRPC code only
//! - `engine`: verifications' lifecycle; the pure fallback `machine`, one `driver`
//!   task per pending verification, the watch `hub`, the injectable `clock`
//! - `directory`: tenants, API keys, the admin token
//! - `channels`: the provider interface, routing with failover, the delivery
//!   configuration file, the `sandbox` and one module per real provider
//! - `store`: the storage interface and its backends, `sled` (one node) and
//!   `postgres` (several nodes): compare-and-set records, events, leases, notices
//! - `crypto`: peppered bcrypt hashes and sealed copies of codes
//! - `domain`: pure types and rules shared by all of the above
//!
//! `engine`, `store`, `domain`, `directory` and `channels` never import tonic or
//! the generated types; the pure `engine::machine` imports only `domain`.

pub mod api;
pub mod app;
pub mod channels;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod datadir;
pub mod directory;
pub mod domain;
pub mod engine;
pub mod ingress;
pub mod pb;
pub mod store;
pub mod webhooks;
