//! The command line: one clap struct, every flag with its environment variable and
//! its default as a named constant. Nothing else in the crate reads the environment.
//! `ServeArgs::validate` runs before any port is bound.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::directory::Secret;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";
pub const DEFAULT_DATA_DIR: &str = "./data";
/// bcrypt cost, chosen by measurement (see the README's "Code hashing" section): with
/// the pepper outside the store, cost 6 costs ~4 ms a hash and keeps a start+check
/// pair well under 10 ms on two cores.
pub const DEFAULT_BCRYPT_COST: u32 = 6;
pub const DEFAULT_VOICE_ANSWER_TIMEOUT_SEC: u64 = 60;
pub const DEFAULT_SEND_TIMEOUT_SEC: u64 = 10;
pub const DEFAULT_WATCH_BUFFER: usize = 1024;
pub const DEFAULT_SHUTDOWN_GRACE_SEC: u64 = 10;
pub const MIN_SECRET_LEN: usize = 16;
pub const DEFAULT_DATABASE_MAX_CONNECTIONS: u32 = 16;
/// How long a node of a cluster owns its verifications without renewing; another
/// node takes them over this long after it died.
pub const DEFAULT_LEASE_MS: u64 = 10_000;
pub const DEFAULT_DIRECTORY_REFRESH_MS: u64 = 2_000;

#[derive(Debug, Parser)]
#[command(
    name = "verifyd",
    version,
    about = "Self-hosted one-time-code verification service (gRPC)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve VerifyService, AdminService, gRPC health and reflection.
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockKind {
    /// The wall clock.
    System,
    /// Time moves only by AdminService.AdvanceClock (tests and demos).
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
#[command(args_override_self = true)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed
    /// as `listening on ADDR` on stdout).
    #[arg(long, env = "VERIFYD_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Directory for the sled store (`<dir>/sled`), the secrets file and the sandbox
    /// outbox. Created if missing.
    #[arg(long, env = "VERIFYD_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,

    /// PostgreSQL URL, e.g. `postgres://verifyd:password@db.internal:5432/verifyd`.
    /// Every node given the same database (and the same secrets file) serves the
    /// same verifications. Without it, the store is sled in `--data-dir`.
    #[arg(long, env = "VERIFYD_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,

    /// The most connections this node opens to PostgreSQL.
    #[arg(long, env = "VERIFYD_DATABASE_MAX_CONNECTIONS", default_value_t = DEFAULT_DATABASE_MAX_CONNECTIONS)]
    pub database_max_connections: u32,

    /// On PostgreSQL: how long this node owns its verifications without renewing its
    /// lease, in milliseconds; other nodes take them over this long after it died.
    #[arg(long, env = "VERIFYD_LEASE_MS", default_value_t = DEFAULT_LEASE_MS)]
    pub lease_ms: u64,

    /// On PostgreSQL: how often, at the latest, this node re-reads tenants, keys and
    /// settings changed through other nodes, in milliseconds.
    #[arg(long, env = "VERIFYD_DIRECTORY_REFRESH_MS", default_value_t = DEFAULT_DIRECTORY_REFRESH_MS)]
    pub directory_refresh_ms: u64,

    /// This node's name in a cluster (letters, digits, '.', '_', '-'; at most 64).
    /// [default: random at each start]
    #[arg(long, env = "VERIFYD_NODE_ID")]
    pub node_id: Option<String>,

    /// File with the code pepper and the sealing key, created (mode 0600) if missing.
    /// Keep it apart from the store's backups. [default: <data-dir>/secrets.json]
    #[arg(long, env = "VERIFYD_SECRETS_FILE")]
    pub secrets_file: Option<PathBuf>,

    /// Admin token for AdminService (min 16 characters). Without it, a random token
    /// is created on first start and printed once.
    #[arg(long, env = "VERIFYD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,

    /// API key of the `default` tenant created on first start (min 16 characters).
    /// Without it, a random key is created and printed once. On later starts it is
    /// added to `default` if missing.
    #[arg(long, env = "VERIFYD_BOOTSTRAP_API_KEY", hide_env_values = true)]
    pub bootstrap_api_key: Option<Secret>,

    /// bcrypt cost for code hashes (4-16).
    #[arg(long, env = "VERIFYD_BCRYPT_COST", default_value_t = DEFAULT_BCRYPT_COST,
          value_parser = clap::value_parser!(u32).range(4..=16))]
    pub bcrypt_cost: u32,

    /// Time source: `system`, or `manual` (moves only by AdminService.AdvanceClock;
    /// for tests and demos, never for production).
    #[arg(long, env = "VERIFYD_CLOCK", value_enum, default_value_t = ClockKind::System)]
    pub clock: ClockKind,

    /// How long a voice call may ring before the step counts as not answered, in seconds.
    #[arg(long, env = "VERIFYD_VOICE_ANSWER_TIMEOUT_SEC", default_value_t = DEFAULT_VOICE_ANSWER_TIMEOUT_SEC)]
    pub voice_answer_timeout_sec: u64,

    /// How long a provider may take to accept a send, in seconds.
    #[arg(long, env = "VERIFYD_SEND_TIMEOUT_SEC", default_value_t = DEFAULT_SEND_TIMEOUT_SEC)]
    pub send_timeout_sec: u64,

    /// Transitions buffered per tenant for WatchStatus; a watcher further behind gets
    /// a fresh snapshot instead of the transitions it missed.
    #[arg(long, env = "VERIFYD_WATCH_BUFFER", default_value_t = DEFAULT_WATCH_BUFFER)]
    pub watch_buffer: usize,

    /// On SIGTERM, how long to wait for running calls and drivers before exiting, in seconds.
    #[arg(long, env = "VERIFYD_SHUTDOWN_GRACE_SEC", default_value_t = DEFAULT_SHUTDOWN_GRACE_SEC)]
    pub shutdown_grace_sec: u64,

    /// Log filter, in tracing's EnvFilter syntax (e.g. `info`, `verifyd=debug`).
    #[arg(long, env = "VERIFYD_LOG", default_value = "info")]
    pub log: String,

    /// Log format on stderr.
    #[arg(long, env = "VERIFYD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// A configuration that cannot work; reported before anything starts.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ServeArgs {
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, s) in [
            ("--admin-token", &self.admin_token),
            ("--bootstrap-api-key", &self.bootstrap_api_key),
        ] {
            if let Some(s) = s {
                let v = s.expose();
                if v.len() < MIN_SECRET_LEN
                    || v.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(ConfigError(format!(
                        "{name} must be at least {MIN_SECRET_LEN} characters without spaces"
                    )));
                }
            }
        }
        if self.watch_buffer == 0 || self.watch_buffer > 1 << 20 {
            return Err(ConfigError(
                "--watch-buffer must be between 1 and 1048576".into(),
            ));
        }
        if self.send_timeout_sec == 0 || self.voice_answer_timeout_sec == 0 {
            return Err(ConfigError("timeouts must be at least 1 second".into()));
        }
        if let Some(url) = &self.database_url {
            let u = url.expose();
            if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                return Err(ConfigError(
                    "--database-url must be a postgres:// or postgresql:// URL".into(),
                ));
            }
        }
        if !(1..=1000).contains(&self.database_max_connections) {
            return Err(ConfigError(
                "--database-max-connections must be between 1 and 1000".into(),
            ));
        }
        if !(300..=600_000).contains(&self.lease_ms) {
            return Err(ConfigError(
                "--lease-ms must be between 300 and 600000".into(),
            ));
        }
        if !(50..=600_000).contains(&self.directory_refresh_ms) {
            return Err(ConfigError(
                "--directory-refresh-ms must be between 50 and 600000".into(),
            ));
        }
        if let Some(n) = &self.node_id
            && (n.is_empty()
                || n.len() > 64
                || !n
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
        {
            return Err(ConfigError(
                "--node-id must be 1 to 64 letters, digits, '.', '_' or '-'".into(),
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .map_err(|e| ConfigError(format!("--log: {e}")))?;
        Ok(())
    }

    pub fn secrets_path(&self) -> PathBuf {
        self.secrets_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secrets.json"))
    }

    pub fn sled_path(&self) -> PathBuf {
        self.data_dir.join("sled")
    }

    /// The store this configuration selects.
    pub fn backend(&self) -> crate::store::Backend {
        match &self.database_url {
            Some(url) => crate::store::Backend::Postgres(crate::store::postgres::PgConfig {
                url: url.expose().to_owned(),
                max_connections: self.database_max_connections,
                connect_timeout: Duration::from_secs(10),
            }),
            None => crate::store::Backend::Sled(self.sled_path()),
        }
    }

    pub fn grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_sec)
    }
}

impl Cli {
    pub fn into_serve(self) -> ServeArgs {
        match self.command {
            Command::Serve(a) => a,
        }
    }
}
