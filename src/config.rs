//! The command line: one clap struct, every flag with its environment variable and
//! its default as a named constant. Nothing else in the crate reads the environment.
//! `ServeArgs::validate` runs before any port is bound.
//!
//! `parse_from` is the binary's entry: it parses, remembers which settings came from
//! an environment variable, and validates, so that every configuration error names
//! what the person must fix: the flag (`--voice-answer-timeout-sec 0: ...`) or, when
//! the value came from the environment, the variable (`VERIFYD_BCRYPT_COST=99: ...`).
//! Secret values are never repeated in a message.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

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
    Serve(Box<ServeArgs>),
    /// Validate a delivery configuration file (what `serve --config FILE` would
    /// load) without starting anything; prints the providers of each channel.
    CheckConfig(CheckConfigArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckConfigArgs {
    /// The TOML file to check.
    pub file: PathBuf,

    /// Check as if `serve` had `--callback-listen`: callbacks need it, and a file
    /// with `[callbacks] public_url` needs it too.
    #[arg(long)]
    pub with_callback_listen: bool,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Serve(Box<ServeArgs>),
    CheckConfig(CheckConfigArgs),
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

/// When the text log on stderr is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Only when stderr is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always, even into a file or a pipe (and despite NO_COLOR).
    Always,
    /// Never.
    Never,
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

    /// When to colour the text log: `auto` colours only when stderr is a terminal and
    /// NO_COLOR (https://no-color.org) is unset or empty; `always`; `never`. JSON logs
    /// are never coloured.
    #[arg(long, env = "VERIFYD_COLOR", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The NO_COLOR convention, read through clap like every other setting: set and
    /// not empty, `--color auto` writes no colour.
    #[arg(long = "no-color", env = "NO_COLOR", hide = true, value_name = "ANY")]
    pub no_color: Option<String>,

    /// Invalid credentials (API keys, admin tokens) from one client address, within
    /// --bad-credentials-window-sec, after which that address is refused for
    /// --bad-credentials-block-sec. 0 turns the defence off.
    #[arg(long, env = "VERIFYD_BAD_CREDENTIALS_LIMIT", default_value_t = 10)]
    pub bad_credentials_limit: u32,

    /// See --bad-credentials-limit, in seconds.
    #[arg(long, env = "VERIFYD_BAD_CREDENTIALS_WINDOW_SEC", default_value_t = 60)]
    pub bad_credentials_window_sec: u64,

    /// How long an address that sent too many invalid credentials is refused, in seconds.
    #[arg(long, env = "VERIFYD_BAD_CREDENTIALS_BLOCK_SEC", default_value_t = 300)]
    pub bad_credentials_block_sec: u64,

    /// Behind a load balancer: the header that carries the client's address (its
    /// right-most address is used, the one the balancer appended), e.g.
    /// `x-forwarded-for`. Without it, the peer address. Only set it when every call
    /// comes through the balancer.
    #[arg(long, env = "VERIFYD_CLIENT_IP_HEADER", value_name = "HEADER")]
    pub client_ip_header: Option<String>,

    /// The longest a CheckCode answer is held back as its destination nears the
    /// failed-check cap (it grows from 0 after ten failures), in milliseconds.
    #[arg(long, env = "VERIFYD_CHECK_SLOWDOWN_MAX_MS", default_value_t = 2000)]
    pub check_slowdown_max_ms: u64,

    /// Let webhook URLs lead to loopback, private and link-local addresses (tests,
    /// on-premises receivers). Off, such URLs are refused when an endpoint is saved
    /// and at every delivery.
    #[arg(long, env = "VERIFYD_ALLOW_PRIVATE_WEBHOOKS")]
    pub allow_private_webhooks: bool,

    /// Webhook attempts in flight at once, in all.
    #[arg(long, env = "VERIFYD_WEBHOOK_CONCURRENCY", default_value_t = 64)]
    pub webhook_concurrency: usize,

    /// Webhook attempts in flight at once to one endpoint, so that a slow or dead
    /// endpoint holds no more than that.
    #[arg(
        long,
        env = "VERIFYD_WEBHOOK_ENDPOINT_CONCURRENCY",
        default_value_t = 8
    )]
    pub webhook_endpoint_concurrency: usize,

    /// Starts and checks handled at once by this node; past it, new ones get
    /// RESOURCE_EXHAUSTED (reason OVERLOADED, with RetryInfo) at once.
    #[arg(long, env = "VERIFYD_MAX_IN_FLIGHT", default_value_t = 512)]
    pub max_in_flight: usize,

    /// Code hashes (bcrypt) waiting for a core; past it, new starts and checks get
    /// RESOURCE_EXHAUSTED (reason OVERLOADED) at once instead of queueing.
    #[arg(long, env = "VERIFYD_MAX_HASH_QUEUE", default_value_t = 64)]
    pub max_hash_queue: usize,

    /// WatchStatus streams one tenant may hold open on this node.
    #[arg(
        long,
        env = "VERIFYD_MAX_WATCH_STREAMS_PER_TENANT",
        default_value_t = 10_000
    )]
    pub max_watch_streams_per_tenant: usize,

    /// HTTP/2 streams (calls) open at once on one client connection.
    #[arg(
        long,
        env = "VERIFYD_MAX_STREAMS_PER_CONNECTION",
        default_value_t = 1024
    )]
    pub max_streams_per_connection: u32,

    /// The largest VerifyService request, in bytes (AdminService takes up to 1 MiB).
    #[arg(long, env = "VERIFYD_MAX_REQUEST_BYTES", default_value_t = 65_536)]
    pub max_request_bytes: usize,

    /// How long a rotated API key keeps working, in seconds, unless RotateApiKey says.
    #[arg(long, env = "VERIFYD_KEY_ROTATION_GRACE_SEC", default_value_t = 86_400)]
    pub key_rotation_grace_sec: u64,

    /// How long final verifications (with their events) are kept, in days.
    #[arg(long, env = "VERIFYD_KEEP_VERIFICATIONS_DAYS", default_value_t = 30)]
    pub keep_verifications_days: u32,

    /// How long idempotency keys (request ids) are honoured, in hours.
    #[arg(long, env = "VERIFYD_KEEP_REQUEST_IDS_HOURS", default_value_t = 24)]
    pub keep_request_ids_hours: u32,

    /// How long audit entries are kept, in days.
    #[arg(long, env = "VERIFYD_KEEP_AUDIT_DAYS", default_value_t = 90)]
    pub keep_audit_days: u32,

    /// How long sandbox messages are kept (memory and outbox file), in days.
    #[arg(long, env = "VERIFYD_KEEP_OUTBOX_DAYS", default_value_t = 7)]
    pub keep_outbox_days: u32,

    /// How often retention deletes what it no longer keeps, in seconds.
    #[arg(long, env = "VERIFYD_RETENTION_INTERVAL_SEC", default_value_t = 3600)]
    pub retention_interval_sec: u64,

    /// Delivery providers per channel, a TOML file (see the README's "Going to
    /// production"); validated before anything starts. Without it, every channel
    /// goes to the sandbox.
    #[arg(long, env = "VERIFYD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address of the HTTP listener for provider callbacks (delivery reports). The
    /// URL handed to providers is `[callbacks] public_url` of `--config`.
    #[arg(long, env = "VERIFYD_CALLBACK_LISTEN", value_name = "ADDR")]
    pub callback_listen: Option<SocketAddr>,

    /// The ids of the settings whose value came from their environment variable, so
    /// that an error names the variable rather than the flag. Filled by `parse_from`.
    #[arg(skip)]
    pub from_env: Vec<String>,

    /// The delivery configuration from `--config`, parsed and checked by `validate`.
    #[arg(skip)]
    pub delivery: Option<crate::channels::config::DeliveryConfig>,

    /// The environment, where provider settings name their secrets. Filled by
    /// `parse_from`.
    #[arg(skip)]
    pub env: crate::channels::config::Env,
}

/// The process's environment, for provider secrets named in `--config`. The one
/// place besides clap that reads it.
pub fn process_env() -> crate::channels::config::Env {
    crate::channels::config::Env::new(std::env::vars())
}

/// Loads and checks a delivery configuration file: parsed, every provider built (no
/// network), every secret found.
pub fn load_delivery(
    file: &std::path::Path,
    env: &crate::channels::config::Env,
    callback_listen: bool,
) -> Result<
    (
        crate::channels::config::DeliveryConfig,
        crate::channels::Channels,
    ),
    ConfigError,
> {
    use crate::channels::{ReportSink, sandbox::Sandbox};
    let cfg = crate::channels::config::DeliveryConfig::from_file(file).map_err(ConfigError)?;
    let sandbox = Sandbox::new(ReportSink::new().0, None)
        .map_err(|e| ConfigError(format!("the sandbox: {e}")))?;
    let built = cfg
        .build(env, std::sync::Arc::new(sandbox), callback_listen)
        .map_err(|e| ConfigError(format!("--config {}: {e}", file.display())))?;
    Ok((cfg, built))
}

/// Parses the command line (the program name first) into what it asks for.
pub fn parse_command<I, T>(argv: I) -> Result<Invocation, ParseError>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
    let is_check = argv
        .get(1)
        .is_some_and(|a| a.to_str() == Some("check-config"));
    if !is_check {
        return parse_from(argv).map(|a| Invocation::Serve(Box::new(a)));
    }
    let cli = Cli::try_parse_from(&argv).map_err(ParseError::Clap)?;
    match cli.command {
        Command::CheckConfig(c) => Ok(Invocation::CheckConfig(c)),
        Command::Serve(a) => Ok(Invocation::Serve(a)),
    }
}

/// What stops the command line from being used: a clap error (usage, `--help`,
/// `--version`; print it with `clap::Error::exit`), or a configuration error.
#[derive(Debug)]
pub enum ParseError {
    Clap(clap::Error),
    Config(ConfigError),
}

/// Parses `argv` (the program name first), maps a bad value from an environment
/// variable to an error that names the variable, and validates.
pub fn parse_from<I, T>(argv: I) -> Result<ServeArgs, ParseError>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
    let matches = Cli::command()
        .try_get_matches_from(&argv)
        .map_err(|e| env_error(e, &argv))?;
    let cli = Cli::from_arg_matches(&matches).map_err(ParseError::Clap)?;
    let Some(mut args) = cli.into_serve() else {
        return Err(ParseError::Config(ConfigError(
            "expected the serve command".into(),
        )));
    };
    args.env = process_env();
    if let Some((_, sub)) = matches.subcommand() {
        args.from_env = sub
            .ids()
            .filter(|id| sub.value_source(id.as_str()) == Some(ValueSource::EnvVariable))
            .map(|id| id.as_str().to_owned())
            .collect();
    }
    args.validate().map_err(ParseError::Config)?;
    if let Some(file) = &args.config {
        let setting = if args.from_env.iter().any(|id| id == "config") {
            "VERIFYD_CONFIG"
        } else {
            "--config"
        };
        args.delivery = Some(
            load_delivery(file, &args.env, args.callback_listen.is_some())
                .map_err(|e| ConfigError(e.0.replacen("--config", setting, 1)))
                .map_err(ParseError::Config)?
                .0,
        );
    } else if args.callback_listen.is_some() {
        return Err(ParseError::Config(ConfigError(
            "--callback-listen needs --config with [callbacks] public_url: providers must know where to call"
                .into(),
        )));
    }
    Ok(args)
}

/// The serve subcommand's argument with this id.
fn serve_arg(id: &str) -> Option<clap::Arg> {
    Cli::command()
        .find_subcommand("serve")?
        .get_arguments()
        .find(|a| a.get_id() == id)
        .cloned()
}

/// A clap error about a bad value, rewritten to name the environment variable when
/// that is where the value came from. Clap reads the command line before the
/// environment, and an error about an argument the command line did not give can only
/// come from its variable; to know for sure, the parse is repeated without that
/// argument's variable and must no longer fail on that argument.
fn env_error(e: clap::Error, argv: &[std::ffi::OsString]) -> ParseError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        e.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return ParseError::Clap(e);
    }
    let invalid_arg = |e: &clap::Error| match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split_whitespace().next().map(str::to_owned),
        _ => None,
    };
    let Some(flag) = invalid_arg(&e) else {
        return ParseError::Clap(e);
    };
    let Some(arg) = Cli::command()
        .find_subcommand("serve")
        .and_then(|c| {
            c.get_arguments()
                .find(|a| a.get_long().is_some_and(|l| flag == format!("--{l}")))
        })
        .cloned()
    else {
        return ParseError::Clap(e);
    };
    let Some(env) = arg.get_env().map(|v| v.to_string_lossy().into_owned()) else {
        return ParseError::Clap(e);
    };
    let id = arg.get_id().clone();
    let retry = Cli::command()
        .mut_subcommand("serve", |c| c.mut_arg(id, |a| a.env(None)))
        .try_get_matches_from(argv);
    if let Err(again) = &retry
        && invalid_arg(again).as_deref() == Some(flag.as_str())
    {
        return ParseError::Clap(e); // the command line's own value is bad
    }
    let problem = match e.kind() {
        ErrorKind::InvalidValue => match e.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(valid)) => format!("must be one of {}", valid.join(", ")),
            _ => "invalid value".to_owned(),
        },
        _ => std::error::Error::source(&e)
            .map_or_else(|| "invalid value".to_owned(), |s| s.to_string()),
    };
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) if !arg.is_hide_env_values_set() => format!("={v}"),
        _ => String::new(),
    };
    ParseError::Config(ConfigError(format!(
        "{env}{value}: {problem} (the variable sets {flag}; fix it or unset it)"
    )))
}

/// A configuration that cannot work; reported before anything starts.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ServeArgs {
    /// Checks what clap's types cannot. Each error names the flag, or the variable
    /// when the value came from the environment (see `parse_from`).
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (id, s) in [
            ("admin_token", &self.admin_token),
            ("bootstrap_api_key", &self.bootstrap_api_key),
        ] {
            if let Some(s) = s {
                let v = s.expose();
                if v.len() < MIN_SECRET_LEN
                    || v.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(self.bad(
                        id,
                        None,
                        format!("must be at least {MIN_SECRET_LEN} characters without spaces"),
                    ));
                }
            }
        }
        if self.watch_buffer == 0 || self.watch_buffer > 1 << 20 {
            return Err(self.bad(
                "watch_buffer",
                Some(self.watch_buffer.to_string()),
                "must be between 1 and 1048576",
            ));
        }
        for (id, secs) in [
            ("voice_answer_timeout_sec", self.voice_answer_timeout_sec),
            ("send_timeout_sec", self.send_timeout_sec),
        ] {
            if secs == 0 {
                return Err(self.bad(id, Some(secs.to_string()), "must be at least 1 second"));
            }
        }
        for (id, v) in [
            (
                "bad_credentials_window_sec",
                self.bad_credentials_window_sec,
            ),
            ("bad_credentials_block_sec", self.bad_credentials_block_sec),
        ] {
            if v == 0 {
                return Err(self.bad(id, Some(v.to_string()), "must be at least 1"));
            }
        }
        if let Some(h) = &self.client_ip_header
            && tonic::metadata::MetadataKey::<tonic::metadata::Ascii>::from_bytes(
                h.to_ascii_lowercase().as_bytes(),
            )
            .is_err()
        {
            return Err(self.bad("client_ip_header", Some(h.clone()), "not a header name"));
        }
        let ranges: [(&str, u64, u64, u64); 10] = [
            (
                "webhook_concurrency",
                self.webhook_concurrency as u64,
                1,
                10_000,
            ),
            (
                "webhook_endpoint_concurrency",
                self.webhook_endpoint_concurrency as u64,
                1,
                1_000,
            ),
            ("max_in_flight", self.max_in_flight as u64, 1, u64::MAX),
            (
                "max_watch_streams_per_tenant",
                self.max_watch_streams_per_tenant as u64,
                1,
                u64::MAX,
            ),
            (
                "max_streams_per_connection",
                u64::from(self.max_streams_per_connection),
                1,
                u64::MAX,
            ),
            (
                "max_request_bytes",
                self.max_request_bytes as u64,
                4_096,
                16 * 1024 * 1024,
            ),
            (
                "key_rotation_grace_sec",
                self.key_rotation_grace_sec,
                0,
                30 * 86_400,
            ),
            (
                "database_max_connections",
                u64::from(self.database_max_connections),
                1,
                1000,
            ),
            ("lease_ms", self.lease_ms, 300, 600_000),
            (
                "directory_refresh_ms",
                self.directory_refresh_ms,
                50,
                600_000,
            ),
        ];
        for (id, v, lo, hi) in ranges {
            if !(lo..=hi).contains(&v) {
                let problem = if hi == u64::MAX {
                    format!("must be at least {lo}")
                } else {
                    format!("must be between {lo} and {hi}")
                };
                return Err(self.bad(id, Some(v.to_string()), problem));
            }
        }
        for (id, v) in [
            (
                "keep_verifications_days",
                u64::from(self.keep_verifications_days),
            ),
            (
                "keep_request_ids_hours",
                u64::from(self.keep_request_ids_hours),
            ),
            ("keep_audit_days", u64::from(self.keep_audit_days)),
            ("keep_outbox_days", u64::from(self.keep_outbox_days)),
            ("retention_interval_sec", self.retention_interval_sec),
        ] {
            if v == 0 {
                return Err(self.bad(id, Some(v.to_string()), "must be at least 1"));
            }
        }
        if let Some(url) = &self.database_url {
            let u = url.expose();
            if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                // No value: the URL may carry a password.
                return Err(self.bad(
                    "database_url",
                    None,
                    "must be a postgres:// or postgresql:// URL",
                ));
            }
        }
        if let Some(n) = &self.node_id
            && (n.is_empty()
                || n.len() > 64
                || !n
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
        {
            return Err(self.bad(
                "node_id",
                Some(n.clone()),
                "must be 1 to 64 letters, digits, '.', '_' or '-'",
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .map_err(|e| self.bad("log", Some(format!("{:?}", self.log)), e))?;
        Ok(())
    }

    /// A configuration error about the setting `id` (a field name): `--flag VALUE:
    /// problem`, or `VARIABLE=VALUE: problem (...)` when the value came from the
    /// environment. `value` is `None` for secrets.
    fn bad(&self, id: &str, value: Option<String>, problem: impl std::fmt::Display) -> ConfigError {
        let arg = serve_arg(id);
        let flag = arg
            .as_ref()
            .and_then(|a| a.get_long())
            .map_or_else(|| id.to_owned(), |l| format!("--{l}"));
        let env = arg
            .as_ref()
            .and_then(|a| a.get_env())
            .map(|e| e.to_string_lossy().into_owned());
        ConfigError(match (env, self.from_env.iter().any(|f| f == id)) {
            (Some(env), true) => {
                let value = value.map(|v| format!("={v}")).unwrap_or_default();
                format!("{env}{value}: {problem} (the variable sets {flag}; fix it or unset it)")
            }
            _ => {
                let value = value.map(|v| format!(" {v}")).unwrap_or_default();
                format!("{flag}{value}: {problem}")
            }
        })
    }

    /// Whether the text log gets ANSI colours, given whether stderr is a terminal.
    pub fn ansi(&self, stderr_is_terminal: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stderr_is_terminal && self.no_color.as_deref().is_none_or(str::is_empty)
            }
        }
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
    /// The serve arguments, if this is the serve command.
    pub fn into_serve(self) -> Option<ServeArgs> {
        match self.command {
            Command::Serve(a) => Some(*a),
            Command::CheckConfig(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(extra: &[&str]) -> Result<ServeArgs, ParseError> {
        parse_from(["verifyd", "serve"].iter().chain(extra))
    }

    fn config_error(extra: &[&str]) -> String {
        match parse(extra) {
            Err(ParseError::Config(e)) => e.to_string(),
            other => panic!("want a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn each_bad_flag_is_named_with_its_value() {
        assert_eq!(
            config_error(&["--voice-answer-timeout-sec", "0"]),
            "--voice-answer-timeout-sec 0: must be at least 1 second"
        );
        assert_eq!(
            config_error(&["--send-timeout-sec", "0"]),
            "--send-timeout-sec 0: must be at least 1 second"
        );
        assert_eq!(
            config_error(&["--watch-buffer", "0"]),
            "--watch-buffer 0: must be between 1 and 1048576"
        );
        assert!(config_error(&["--log", "[["]).starts_with("--log \"[[\": "));
    }

    #[test]
    fn a_bad_secret_is_named_but_never_repeated() {
        let msg = config_error(&["--admin-token", "short secret"]);
        assert_eq!(
            msg,
            "--admin-token: must be at least 16 characters without spaces"
        );
    }

    #[test]
    fn a_bad_value_on_the_command_line_stays_clap_s_error() {
        match parse(&["--bcrypt-cost", "99"]) {
            Err(ParseError::Clap(e)) => {
                assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
                assert!(e.to_string().contains("--bcrypt-cost"), "{e}");
            }
            other => panic!("want clap's error, got {other:?}"),
        }
    }

    #[test]
    fn the_readme_examples_parse() {
        let a = parse(&["--log", "verifyd=debug", "--color", "never"]).expect("valid");
        assert_eq!(a.log, "verifyd=debug");
        assert!(a.from_env.iter().all(|id| id != "log"));
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        let mut a = parse(&[]).expect("defaults are valid");
        a.no_color = None;
        assert!(a.ansi(true));
        assert!(!a.ansi(false));
        a.no_color = Some(String::new());
        assert!(a.ansi(true), "an empty NO_COLOR is unset");
        a.no_color = Some("1".into());
        assert!(!a.ansi(true));
        a.color = ColorChoice::Always;
        assert!(
            a.ansi(false),
            "--color always wins over NO_COLOR and a pipe"
        );
        a.color = ColorChoice::Never;
        assert!(!a.ansi(true));
    }
}
