//! Startup errors, on the real binary: each exits with the documented status (2 for a
//! bad configuration, 1 when verifyd cannot start) and one line that names what to fix:
//! the flag, the environment variable, the address and `--listen`, or the data dir and
//! the pid that holds it. And the log on a pipe carries no ANSI colour.

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

const BIN: &str = env!("CARGO_BIN_EXE_verifyd");

/// The binary with a clean environment: nothing of the caller's VERIFYD_* or NO_COLOR.
fn verifyd(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear().arg("serve").args(args).kill_on_drop(true);
    c
}

/// Runs the binary to its end (bounded by PATIENCE).
async fn run(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::time::timeout(PATIENCE, cmd.output())
        .await
        .expect("verifyd exits by itself")
        .expect("verifyd runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status `code`, and stderr is exactly one line `verifyd: ...` with `parts`.
fn assert_fails(o: &Output, code: i32, parts: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line of error: {err}");
    assert!(lines[0].starts_with("verifyd: "), "{err}");
    for p in parts {
        assert!(lines[0].contains(p), "want {p:?} in: {err}");
    }
    assert!(!err.contains('\u{1b}'), "no escape codes: {err:?}");
    err
}

/// A server process that printed its `listening on` line.
struct Server {
    child: Child,
    addr: String,
    log: JoinHandle<String>,
}

async fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut cmd = verifyd(&["--listen", "127.0.0.1:0", "--clock", "manual"]);
    cmd.args(["--admin-token", ADMIN_TOKEN, "--bootstrap-api-key", API_KEY])
        .arg("--data-dir")
        .arg(dir)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn verifyd");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut err = child.stderr.take().expect("stderr");
    let log = tokio::spawn(async move {
        let mut s = String::new();
        err.read_to_string(&mut s).await.expect("stderr");
        s
    });
    let addr = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = stdout.next_line().await.expect("stdout") {
            if let Some(a) = line.strip_prefix("listening on ") {
                return a.to_owned();
            }
        }
        panic!("verifyd ended without a 'listening on' line")
    })
    .await
    .expect("a 'listening on' line");
    Server { child, addr, log }
}

impl Server {
    /// SIGTERM; returns the log after a clean exit.
    async fn stop(mut self) -> String {
        let pid = self.child.id().expect("running").to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("exits after SIGTERM")
            .expect("wait");
        assert!(status.success(), "SIGTERM exits 0: {status:?}");
        self.log.await.expect("log")
    }
}

#[tokio::test]
async fn a_second_server_on_the_data_dir_names_the_dir_and_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve(dir.path(), &[]).await;
    let pid = first.child.id().expect("running");

    // The same address as the first, which is busy: the data dir is still what is
    // named (it is locked before anything is bound).
    let mut second = verifyd(&["--listen", &first.addr]);
    second.arg("--data-dir").arg(dir.path());
    let o = run(second).await;
    let err = assert_fails(
        &o,
        1,
        &[
            &format!(
                "another verifyd (pid {pid}) holds --data-dir {}",
                dir.path().display()
            ),
            "stop it or choose another --data-dir",
        ],
    );
    assert!(!err.contains("WouldBlock"), "{err}");

    // Once the first is gone, the directory is free again.
    first.stop().await;
    let again = serve(dir.path(), &[]).await;
    again.stop().await;
}

#[tokio::test]
async fn an_address_in_use_names_the_address_and_listen() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve(dir.path(), &[]).await;
    let other = tempfile::tempdir().unwrap();
    let mut second = verifyd(&["--listen", &first.addr]);
    second.arg("--data-dir").arg(other.path());
    let o = run(second).await;
    assert_fails(
        &o,
        1,
        &[
            &format!("cannot listen on {} (--listen)", first.addr),
            "already in use",
            "choose another --listen",
        ],
    );

    // From the environment, the message names the variable too.
    let mut third = verifyd(&[]);
    third
        .env("VERIFYD_LISTEN", &first.addr)
        .env("VERIFYD_DATA_DIR", other.path());
    let o = run(third).await;
    assert_fails(
        &o,
        1,
        &[&format!(
            "cannot listen on {} (--listen, from VERIFYD_LISTEN)",
            first.addr
        )],
    );
    first.stop().await;
}

#[tokio::test]
async fn an_address_of_another_machine_names_the_address_and_listen() {
    let dir = tempfile::tempdir().unwrap();
    // 203.0.113.0/24 is TEST-NET-3: never an address of this machine.
    let mut cmd = verifyd(&["--listen", "203.0.113.1:50051"]);
    cmd.arg("--data-dir").arg(dir.path());
    let o = run(cmd).await;
    assert_fails(
        &o,
        1,
        &[
            "cannot listen on 203.0.113.1:50051 (--listen)",
            "not an address of this machine",
        ],
    );
}

#[tokio::test]
async fn a_zero_timeout_names_its_flag() {
    for flag in ["--voice-answer-timeout-sec", "--send-timeout-sec"] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = verifyd(&[flag, "0"]);
        cmd.arg("--data-dir").arg(dir.path());
        let o = run(cmd).await;
        assert_fails(&o, 2, &[&format!("{flag} 0: must be at least 1 second")]);
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "a bad configuration opens nothing"
        );
    }
}

#[tokio::test]
async fn a_bad_value_from_the_environment_names_the_variable() {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "VERIFYD_BCRYPT_COST",
            "99",
            &["VERIFYD_BCRYPT_COST=99: ", "--bcrypt-cost"],
        ),
        (
            "VERIFYD_VOICE_ANSWER_TIMEOUT_SEC",
            "0",
            &[
                "VERIFYD_VOICE_ANSWER_TIMEOUT_SEC=0: must be at least 1 second",
                "--voice-answer-timeout-sec",
            ],
        ),
        (
            "VERIFYD_CLOCK",
            "sundial",
            &["VERIFYD_CLOCK=sundial: must be one of system, manual"],
        ),
        // A secret is named, never shown.
        (
            "VERIFYD_ADMIN_TOKEN",
            "too short",
            &["VERIFYD_ADMIN_TOKEN: must be at least 16 characters"],
        ),
        (
            "VERIFYD_LEASE_MS",
            "5",
            &[
                "VERIFYD_LEASE_MS=5: must be between 300 and 600000",
                "--lease-ms",
            ],
        ),
        (
            "VERIFYD_KEEP_AUDIT_DAYS",
            "0",
            &[
                "VERIFYD_KEEP_AUDIT_DAYS=0: must be at least 1",
                "--keep-audit-days",
            ],
        ),
        // The URL may hold a password: named, never shown.
        (
            "VERIFYD_DATABASE_URL",
            "mysql://user:pw@db/x",
            &["VERIFYD_DATABASE_URL: must be a postgres:// or postgresql:// URL"],
        ),
    ];
    for (var, value, parts) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = verifyd(&[]);
        cmd.env(var, value).env("VERIFYD_DATA_DIR", dir.path());
        let o = run(cmd).await;
        let err = assert_fails(&o, 2, parts);
        if var == "VERIFYD_ADMIN_TOKEN" || var == "VERIFYD_DATABASE_URL" {
            assert!(!err.contains(value), "the secret is not repeated: {err}");
        }
    }
    // The same bad value on the command line is clap's usage error, naming the flag.
    let o = run(verifyd(&["--bcrypt-cost", "99"])).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'--bcrypt-cost <BCRYPT_COST>'"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test]
async fn the_log_on_a_pipe_has_no_colour_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let log = serve(dir.path(), &[]).await.stop().await;
    assert!(log.contains("serving") && log.contains("stopped"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "escape codes in a piped log: {log:?}"
    );

    // The check above can see escapes: `--color always` writes them even into a pipe.
    let dir = tempfile::tempdir().unwrap();
    let log = serve(dir.path(), &["--color", "always"]).await.stop().await;
    assert!(log.contains("\u{1b}["), "--color always colours: {log:?}");
}
