//! `verifyd-bench`: the benchmark harness (see docs/BENCHMARKS.md).
//!
//! `cargo run --release --bin verifyd-bench -- SCENARIO...` starts its own servers:
//! this executable re-executed in a hidden `__serve` mode that runs
//! `verifyd::cli::run`, the product binary's entry point, with ordinary `serve`
//! flags. The server is pinned to core 0 and the load driver (this process) to
//! core 1 with `taskset` when it exists. Every figure is one line
//! `name value unit`; `--json FILE` writes them all, with the medians over
//! `--reps` interleaved repetitions (A B C A B C ...).
//!
//! Scenarios: hash floor get pairs durable checks watch overload flood inflight
//! cluster, or `all`; and `peers` (verifyd against django-phone-verify and
//! better-auth, installed by `scripts/bench-peers.sh`), which `all` leaves out
//! because it installs from PyPI and npm. `--smoke` runs each for about a second at
//! tiny sizes and asserts nothing about speed: only that every scenario runs and
//! prints.

mod load;
mod peers;
mod pg;
mod raw;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "verifyd-bench",
    about = "verifyd's benchmark harness: scenarios against servers it starts itself"
)]
struct Opt {
    /// Scenarios to run, in order (`all` for these: hash floor get pairs durable
    /// checks watch overload flood inflight cluster), and `peers`, which only runs
    /// when named (it installs django-phone-verify and better-auth).
    #[arg(required = true)]
    scenarios: Vec<String>,

    /// Seconds, tiny sizes, no figure means anything: for CI.
    #[arg(long)]
    smoke: bool,

    /// Seconds each measured loop runs [default: 20; 1 with --smoke].
    #[arg(long)]
    duration: Option<f64>,

    /// Repetitions of the whole scenario list, interleaved; medians are printed.
    #[arg(long, default_value_t = 1)]
    reps: usize,

    /// bcrypt costs for `pairs` (and `hash`); the first is used by every other scenario.
    #[arg(long = "cost", value_delimiter = ',', default_values_t = [6u32])]
    costs: Vec<u32>,

    /// Closed-loop concurrencies for `pairs`; the largest is used elsewhere.
    #[arg(long = "concurrency", short = 'c', value_delimiter = ',', default_values_t = [16usize, 1])]
    concurrency: Vec<usize>,

    /// Where a pair gets its code: `custom` (chosen in the request) or `outbox` (read
    /// back from the sandbox outbox through AdminService).
    #[arg(long, default_value = "custom", value_parser = ["custom", "outbox"])]
    code: String,

    /// Watchers for `watch` [default: 10000; 50 with --smoke].
    #[arg(long)]
    watchers: Option<usize>,

    /// Verifications per second started while `watch` watches.
    #[arg(long, default_value_t = 2.0)]
    watch_rate: f64,

    /// Verifications parked by `inflight` [default: 100000; 300 with --smoke].
    #[arg(long)]
    inflight: Option<usize>,

    /// Simultaneous starts of `overload` [default: 2000; 200 with --smoke].
    #[arg(long)]
    overload: Option<usize>,

    /// PostgreSQL superuser URL for `durable` and `cluster` (each run gets a fresh
    /// database). Without it, `scripts/pg.sh` starts a durable cluster when one is
    /// needed (not with --smoke).
    #[arg(long, env = "VERIFYD_BENCH_DATABASE_URL")]
    database_url: Option<String>,

    /// The server at --database-url runs with fsync off (as the test cluster does).
    #[arg(long)]
    database_not_durable: bool,

    /// Don't pin anything to a core.
    #[arg(long)]
    no_pin: bool,

    /// The core the servers (and a PostgreSQL we start) run on.
    #[arg(long, default_value_t = 0)]
    server_core: usize,

    /// The core this driver runs on.
    #[arg(long, default_value_t = 1)]
    driver_core: usize,

    /// Measure a server someone else started, e.g. `http://127.0.0.1:50051` (only
    /// hash floor get pairs watch overload flood). Its default tenant must take
    /// the bench's API key and admin token (see --help of `serve`).
    #[arg(long)]
    addr: Option<String>,

    /// The pid of the --addr server, for its memory figures.
    #[arg(long)]
    server_pid: Option<u32>,

    /// Where scratch data directories go [default: the system's temp dir].
    #[arg(long)]
    work_dir: Option<PathBuf>,

    /// Write every figure, the medians and the machine to this JSON file.
    #[arg(long)]
    json: Option<PathBuf>,
}

// The same allocator as the `verifyd` binary: this executable is also the server
// under test (`__serve`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let _ = argv.next();
    if argv.next().is_some_and(|a| a == "__serve") {
        // The server under test: exactly the `verifyd` binary's code path.
        return verifyd::cli::run(std::iter::once(std::ffi::OsString::from("verifyd")).chain(argv));
    }
    let opt = Opt::parse();
    let taskset = server::have_taskset();
    let pinned = !opt.no_pin && taskset && server::pin_self(opt.driver_core);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("verifyd-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(opt, pinned, taskset)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("verifyd-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn machine(pinned: bool, server_core: Option<usize>) -> serde_json::Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_owned();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    serde_json::json!({
        "cpu": model,
        "cores": cores,
        "kernel": kernel,
        "verifyd": env!("CARGO_PKG_VERSION"),
        "driver_pinned": pinned,
        "server_core": server_core,
    })
}

async fn run(opt: Opt, pinned: bool, taskset: bool) -> anyhow::Result<bool> {
    let server_core = (!opt.no_pin && taskset).then_some(opt.server_core);
    let m = machine(pinned, server_core);
    println!(
        "# verifyd-bench: {} cores ({}), kernel {}, server on core {}, driver {}",
        m["cores"],
        m["cpu"].as_str().unwrap_or("?"),
        m["kernel"].as_str().unwrap_or("?"),
        server_core.map_or("any".to_owned(), |c| c.to_string()),
        if pinned {
            format!("on core {}", opt.driver_core)
        } else {
            "unpinned".to_owned()
        }
    );
    if !opt.no_pin && !taskset {
        println!(
            "# warning: no taskset (Debian: util-linux); nothing is pinned, figures are noisier"
        );
    }
    let mut names: Vec<String> = Vec::new();
    for s in &opt.scenarios {
        if s == "all" {
            names.extend(scenarios::ALL.iter().map(|s| s.to_string()));
        } else if scenarios::ALL.contains(&s.as_str()) || scenarios::BY_NAME.contains(&s.as_str()) {
            names.push(s.clone());
        } else {
            anyhow::bail!(
                "unknown scenario {s}; one of: all {} {}",
                scenarios::ALL.join(" "),
                scenarios::BY_NAME.join(" ")
            );
        }
    }
    let work = opt
        .work_dir
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("verifyd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let needs_pg = names.iter().any(|n| n == "durable" || n == "cluster");
    let pg = match (&opt.database_url, needs_pg, opt.smoke, &opt.addr) {
        (Some(url), _, _, _) => Some(pg::Pg::given(url.clone(), !opt.database_not_durable)),
        (None, true, false, None) => match pg::Pg::start(&work, server_core) {
            Ok(p) => Some(p),
            Err(e) => {
                println!("# PostgreSQL unavailable ({e:#}); its figures are skipped");
                None
            }
        },
        _ => None,
    };
    let smoke = opt.smoke;
    let pick =
        |v: Option<usize>, full: usize, small: usize| v.unwrap_or(if smoke { small } else { full });
    let ctx = scenarios::Ctx {
        smoke,
        duration: Duration::from_secs_f64(opt.duration.unwrap_or(if smoke { 1.0 } else { 20.0 })),
        costs: opt.costs.clone(),
        concurrency: opt.concurrency.clone(),
        outbox_codes: opt.code == "outbox",
        watchers: pick(opt.watchers, 10_000, 50),
        watch_rate: opt.watch_rate,
        inflight: pick(opt.inflight, 100_000, 300),
        overload: pick(opt.overload, 2_000, 200),
        work: work.clone(),
        server_core,
        pg,
        external: opt.addr.clone().map(|url| scenarios::External {
            url,
            pid: opt.server_pid,
        }),
    };
    let mut report = report::Report::default();
    let mut failed = Vec::new();
    for rep in 0..opt.reps.max(1) {
        report.rep = rep;
        for name in &names {
            println!("\n## {name} (repetition {}/{})", rep + 1, opt.reps.max(1));
            if let Err(e) = scenarios::run(name, &ctx, &mut report).await {
                println!("# {name}: FAILED: {e:#}");
                failed.push(name.clone());
            }
        }
    }
    if opt.reps > 1 {
        report.print_medians();
    }
    if let Some(path) = &opt.json {
        let argv: Vec<String> = std::env::args().collect();
        std::fs::write(
            path,
            serde_json::to_string_pretty(&report.to_json(m, &argv))?,
        )?;
        println!("# figures written to {}", path.display());
    }
    drop(ctx);
    let _ = std::fs::remove_dir_all(&work);
    if failed.is_empty() {
        println!("\n# every scenario ran: {}", names.join(" "));
        Ok(true)
    } else {
        println!("\n# failed: {}", failed.join(" "));
        Ok(false)
    }
}
