//! The `verifyd` command line, as a library entry point so that other binaries
//! (`verifyd-bench` re-executes itself into it) run exactly the product's code path:
//! parse and validate the command line, set up logging, bind,
//! serve until SIGTERM or Ctrl-C, drain.
//!
//! An error that stops verifyd is one line `verifyd: ...` on stderr that says what to
//! fix (with `--log-format json`, a failure after the configuration was read is one
//! JSON log event instead; a bad configuration is always the plain line, since the
//! log format may be what is wrong). Exit codes:
//! - `0`: a clean drain after SIGTERM or Ctrl-C; `--help` and `--version`; a
//!   `check-config` whose file would start.
//! - `2`: a bad configuration (flags, environment, or the `--config` file, whose
//!   errors name the provider entry and the missing setting), found before anything
//!   is opened or bound; also a `check-config` that finds one. The message
//!   names the flag (`--voice-answer-timeout-sec 0: must be at least 1 second`) or,
//!   when the value came from the environment, the variable
//!   (`VERIFYD_BCRYPT_COST=99: ...`).
//! - `1`: verifyd could not start, or failed while running. Another verifyd holds
//!   `--data-dir` (the message names the directory and that server's pid); the
//!   `--listen` address is in use, or not an address of this machine (the message
//!   names the address and `--listen`); any other I/O error.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use crate::config::{CheckConfigArgs, Invocation, LogFormat, ParseError, ServeArgs};
use tokio::net::TcpListener;

/// The `verifyd` binary's `main`: runs with the process's arguments.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs verifyd with `argv` (the program name first), as the binary would, and
/// returns its exit code. Sets up the global tracing subscriber: call it once per
/// process.
pub fn run<I, T>(argv: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = match crate::config::parse_command(argv) {
        Ok(Invocation::Serve(args)) => *args,
        Ok(Invocation::CheckConfig(c)) => return check_config(&c),
        // Usage errors (exit 2), and --help / --version (exit 0), as clap prints them.
        Err(ParseError::Clap(e)) => e.exit(),
        Err(ParseError::Config(e)) => {
            eprintln!("verifyd: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&args);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("verifyd: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = args.log_format == LogFormat::Json;
    match rt.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let error = describe(&e);
            if json {
                tracing::error!(%error, "verifyd failed");
            } else {
                eprintln!("verifyd: {error}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `verifyd check-config FILE`: 0 and the routes when the file would start, 2 and
/// what is wrong when it would not.
fn check_config(c: &CheckConfigArgs) -> ExitCode {
    let env = crate::config::process_env();
    match crate::config::load_delivery(&c.file, &env, c.with_callback_listen) {
        Ok((_, channels)) => {
            println!("{}: ok", c.file.display());
            for (channel, providers) in channels.routes() {
                if providers.is_empty() {
                    println!("  {channel}: none (steps on it are refused)");
                } else {
                    println!("  {channel}: {}", providers.join(", "));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("verifyd: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(args: &ServeArgs) {
    let filter = tracing_subscriber::EnvFilter::new(&args.log);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => builder
            .with_ansi(args.ansi(std::io::stderr().is_terminal()))
            .init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

/// An error and its causes on one line, each cause once: some errors (sled's, for
/// one) already repeat their source in their own text.
fn describe(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// A bind error that names the address and the setting it came from, and says what
/// to do about the usual causes.
fn bind_error(args: &ServeArgs, addr: SocketAddr, e: std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    let setting = if args.from_env.iter().any(|id| id == "listen") {
        "--listen, from VERIFYD_LISTEN"
    } else {
        "--listen"
    };
    let what = match e.kind() {
        ErrorKind::AddrInUse => "the address is already in use (another verifyd?); stop what \
             holds it, or choose another --listen (port 0 picks a free one)"
            .to_owned(),
        ErrorKind::AddrNotAvailable => format!(
            "{} is not an address of this machine; choose one that is, such as 127.0.0.1 \
             (this machine only) or 0.0.0.0 (every interface)",
            addr.ip()
        ),
        ErrorKind::PermissionDenied => "permission denied (ports below 1024 need privileges); \
             choose another --listen"
            .to_owned(),
        _ => e.to_string(),
    };
    anyhow::anyhow!("cannot listen on {addr} ({setting}): {what}")
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let signals = StopSignals::install()?;
    // The data dir first: a second server on it is told who holds it, also when it
    // was given the same (busy) address.
    let data_dir_lock = crate::datadir::lock(&args.data_dir)?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| bind_error(&args, args.listen, e))?;
    let running = crate::app::start_locked(&args, listener, data_dir_lock).await?;
    // Secrets go to the terminal once, never to the log.
    let mut out = std::io::stdout().lock();
    if let Some(b) = &running.bootstrap {
        writeln!(out, "First start: created tenant '{}'.", b.tenant_id)?;
        if let Some(k) = &b.api_key {
            writeln!(
                out,
                "  API key of '{}' (shown once): {}",
                b.tenant_id,
                k.expose()
            )?;
        }
        if let Some(t) = &b.admin_token {
            writeln!(out, "  Admin token (shown once):      {}", t.expose())?;
        }
    }
    writeln!(out, "listening on {}", running.addr)?;
    out.flush()?;
    drop(out);
    signals.recv().await?;
    running.shutdown().await
}

/// SIGTERM and Ctrl-C, listened for from creation on.
struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Installs the handlers. Call it before announcing readiness: a SIGTERM sent right
    /// after the `listening on` line must drain, not kill with the default action.
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(mut self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
            Ok(())
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await
    }
}
