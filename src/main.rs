//! The `verifyd` binary: parse and validate the command line, set up logging, bind,
//! serve until SIGTERM or Ctrl-C, drain. Exit codes: 0 after a clean drain, 2 for a
//! bad configuration, 1 for anything else.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;
use verifyd::config::{Cli, LogFormat, ServeArgs};

fn main() -> ExitCode {
    let args = Cli::parse().into_serve();
    if let Err(e) = args.validate() {
        eprintln!("verifyd: {e}");
        return ExitCode::from(2);
    }
    init_tracing(&args);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("verifyd: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "verifyd failed");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(args: &ServeArgs) {
    let filter = tracing_subscriber::EnvFilter::new(&args.log);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.listen).await?;
    let running = verifyd::app::start(&args, listener).await?;
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
    wait_for_signal().await?;
    running.shutdown().await
}

async fn wait_for_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => {}
            r = tokio::signal::ctrl_c() => r?,
        }
        Ok(())
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
