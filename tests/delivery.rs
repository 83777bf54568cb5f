//! Real delivery end to end: a server started with `--config` and `--callback-listen`,
//! whose providers are local doubles speaking the providers' wire formats, driven
//! through gRPC. Reports arrive by signed callback through the ingress, or by
//! polling; fallbacks, timeouts, hangs, 429 storms, forged callbacks, callbacks after
//! a restart, and withdrawals on cancel. Runs on both backends.

mod common;

use common::delivery::Delivery;
use common::doubles::telegram::{self, TelegramDouble};
use common::doubles::whatsapp::{self, WhatsAppDouble};
use common::*;
use verifyd::pb::{self, Channel::*, DeliveryStatus as S, VerificationState as St};

const PHONE: &str = "+491701234567";

fn telegram_toml(tg: &TelegramDouble, extra: &str) -> String {
    format!(
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken = \"{}\"\nbase_url = \"{}\"\n{extra}\n",
        telegram::TOKEN,
        tg.base_url()
    )
}

#[tokio::test]
async fn telegram_confirmed_by_signed_callback() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Deliver);
    let d = Delivery::new(&telegram_toml(&tg, ""));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    let a = &v.history[0];
    assert_eq!(a.status(), S::InProgress);
    assert_eq!(a.provider, "telegram-gateway");
    let m = tg.message(&a.external_id).expect("the double got it");
    assert_eq!(m.code, v.code());
    assert_eq!(m.ttl, Some(30), "ttl is the step's timeout");
    assert_eq!(
        m.callback_url.as_deref(),
        Some(d.url("telegram-gateway").as_str())
    );
    let cost = a.provider_cost.clone().expect("request_cost");
    assert_eq!((cost.currency.as_str(), cost.micros), ("USD", 10_000));
    // The double calls back, signed: the step succeeds, SMS is never sent.
    assert_eq!(tg.post_reports().await, vec![(a.external_id.clone(), 200)]);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success, S::New]);
    assert_eq!(v.delivered_channel(), Telegram);
    assert_eq!(v.history[0].provider_status, "");
    // A duplicate callback is harmless.
    let again = tg.report(&a.external_id);
    let r = reqwest::Client::new()
        .post(d.url("telegram-gateway"))
        .headers(again.headers())
        .body(again.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(ts.get(&v.id).await.updated_at, v.updated_at);
    tg.assert_clean();
    ts.stop().await;
}

#[tokio::test]
async fn telegram_confirmed_by_polling() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Read);
    // No callbacks at all: reports come from polling.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.toml");
    let toml = telegram_toml(&tg, "poll_interval_sec = 2");
    std::fs::write(&path, &toml).unwrap();
    let path = path.display().to_string();
    let ts = TestServer::start_with(&["--config", &path]).await;
    // A channel the config leaves out has no provider: not silently the sandbox.
    let err = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap_err();
    assert_status(
        &err,
        tonic::Code::FailedPrecondition,
        "CHANNEL_NOT_CONFIGURED",
    );
    assert!(err.message().contains("sms"), "{err:?}");
    ts.stop().await;
    std::fs::write(&path, format!("{toml}\n[[sms]]\nprovider = \"sandbox\"\n")).unwrap();
    let ts = TestServer::start_with(&["--config", &path]).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    assert!(
        tg.message(&v.history[0].external_id)
            .unwrap()
            .callback_url
            .is_none()
    );
    ts.advance(2);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success, S::New]);
    assert!(
        tg.requests()
            .iter()
            .any(|r| r.path == "/checkVerificationStatus")
    );
    tg.assert_clean();
    ts.stop().await;
}

#[tokio::test]
async fn telegram_silent_times_out_then_voice_is_answered() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Silent);
    let d = Delivery::new(&telegram_toml(&tg, ""));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&v.id, 0).await;
    ts.advance(31);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Success, S::New]);
    assert_eq!(v.history[0].error_reason, "no delivery report within 30s");
    assert_eq!(v.history[1].provider, "sandbox");
    ts.stop().await;
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_changes_nothing() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Deliver);
    let d = Delivery::new(&telegram_toml(&tg, ""));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    let id = &v.history[0].external_id;
    let forged =
        telegram::SignedReport::new("not-the-token", tg.report(id).timestamp, tg.report(id).body);
    let http = reqwest::Client::new();
    let r = http
        .post(d.url("telegram-gateway"))
        .headers(forged.headers())
        .body(forged.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Unsigned, stale, or too big: refused too.
    let r = http
        .post(d.url("telegram-gateway"))
        .body(forged.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let stale = tg.report_with(id, "delivered", 1_000_000_000);
    let r = http
        .post(d.url("telegram-gateway"))
        .headers(stale.headers())
        .body(stale.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .post(d.url("telegram-gateway"))
        .body(vec![b'x'; 128 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = http.post(d.url("nobody")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let now = ts.get(&v.id).await;
    assert_eq!(now.updated_at, v.updated_at, "nothing changed");
    assert_eq!(now.history[0].status(), S::InProgress);
    ts.stop().await;
}

#[tokio::test]
async fn a_callback_after_a_restart_reaches_its_attempt() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Deliver);
    let d = Delivery::new(&telegram_toml(&tg, ""));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    let data = ts.stop().await;
    // The same config, the same public URL: the provider's id leads to the attempt.
    let ts = TestServer::start_in(data, &d.flags()).await;
    assert_eq!(tg.post_reports().await[0].1, 200);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success, S::New]);
    ts.stop().await;
}

#[tokio::test]
async fn a_cancel_withdraws_the_pending_telegram_message() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Silent);
    let d = Delivery::new(&telegram_toml(&tg, ""));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    let request_id = v.history[0].external_id.clone();
    ts.verify()
        .cancel_verification(req(pb::CancelVerificationRequest { id: v.id.clone() }))
        .await
        .unwrap();
    until("revokeVerificationMessage", || {
        let tg = &tg;
        let id = request_id.clone();
        async move {
            tg.requests().iter().any(|r| {
                r.path == "/revokeVerificationMessage" && r.json["request_id"] == id.as_str()
            })
        }
    })
    .await;
    // The double records a request before it acts on it: wait for the message itself.
    until("the message revoked", || {
        let status = tg.message(&request_id).map(|m| m.status.clone());
        async move { status.as_deref() == Some("revoked") }
    })
    .await;
    tg.assert_clean();
    ts.stop().await;
}

#[tokio::test]
async fn a_hanging_provider_still_fails_the_step_at_its_timeout() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Hang);
    let d = Delivery::new(&telegram_toml(&tg, "timeout_sec = 1"));
    let mut flags = d.flags();
    flags.extend(["--send-timeout-sec", "1"]);
    let ts = TestServer::start_with(&flags).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    assert_eq!(v.history[0].status(), S::InProgress);
    ts.advance(31);
    let v = ts.wait_delivery_done(&v.id).await;
    assert!(
        matches!(v.history[0].status(), S::Failed | S::Error),
        "{v:?}"
    );
    assert_eq!(v.history[1].status(), S::Success);
    ts.stop().await;
}

#[tokio::test]
async fn a_full_node_sheds_starts_and_checks_at_once_and_still_answers_reads() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Hang);
    let d = Delivery::new(&telegram_toml(&tg, "timeout_sec = 1"));
    let mut flags = d.flags();
    flags.extend(["--send-timeout-sec", "1", "--max-in-flight", "1"]);
    let ts = TestServer::start_with(&flags).await;
    let done = ts
        .start_v(start_req(PHONE, &[Sms]))
        .await
        .expect("an idle node admits");
    // One start is in flight, held by a provider that does not answer.
    let mut client = ts.verify();
    let stuck = tokio::spawn(async move {
        client
            .start_verification(req(start_req(PHONE, &[Telegram, Sms])))
            .await
    });
    until("the stuck start to reach the provider", || async {
        !tg.requests().is_empty()
    })
    .await;
    let err = ts
        .start_v(start_req(PHONE, &[Sms]))
        .await
        .expect_err("no room");
    assert_status(&err, tonic::Code::ResourceExhausted, "OVERLOADED");
    let retry = tonic_types::StatusExt::get_details_retry_info(&err).expect("RetryInfo");
    assert!(retry.retry_delay.is_some());
    let err = ts.check(&done.id, "000000").await.expect_err("no room");
    assert_status(&err, tonic::Code::ResourceExhausted, "OVERLOADED");
    // Reads, watches and health are not shed.
    assert_eq!(ts.get(&done.id).await.id, done.id);
    let mut health = tonic_health::pb::health_client::HealthClient::new(ts.channel.clone());
    let h = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "verifyd.v1.VerifyService".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(h.status, 1, "SERVING");
    ts.wait_delivery_done(&done.id).await;
    // When the stuck start ends (its send times out), starts are admitted again.
    let stuck = stuck.await.unwrap().expect("the stuck start answers");
    ts.start_v(start_req(PHONE, &[Sms]))
        .await
        .expect("room again");
    let stuck = stuck.into_inner().verification.unwrap();
    ts.advance(31);
    ts.wait_delivery_done(&stuck.id).await;
    ts.stop().await;
}

#[tokio::test]
async fn a_429_storm_is_retried_inside_the_steps_budget_only() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Flood {
        retry_after_secs: 5,
    });
    let d = Delivery::new(&telegram_toml(&tg, ""));
    // Start answers without waiting long for a first step that keeps being retried.
    let mut flags = d.flags();
    flags.extend(["--send-timeout-sec", "1"]);
    let ts = TestServer::start_with(&flags).await;
    let v = ts
        .start_v(start_req(PHONE, &[Telegram, Sms]))
        .await
        .unwrap();
    // The provider asked to wait 5 s each time; the step has 30 s.
    for _ in 0..7 {
        let sends = tg.requests().len();
        ts.advance(5);
        until("the next try, or the end of the step", || {
            let (tg, ts, id) = (&tg, &ts, v.id.clone());
            async move {
                tg.requests().len() > sends
                    || ts.get(&id).await.history[0].status() != S::InProgress
            }
        })
        .await;
    }
    let v = ts.wait_delivery_done(&v.id).await;
    assert_ne!(v.history[0].status(), S::Success);
    assert_eq!(v.history[1].status(), S::Success);
    let sends = tg.requests().len();
    assert!(
        (5..=8).contains(&sends),
        "{sends} tries in 30 s at one per 5 s"
    );
    assert!(
        v.history[0]
            .tries
            .iter()
            .filter(|t| t.outcome.starts_with("fault"))
            .count()
            >= 5,
        "{:?}",
        v.history[0].tries
    );
    ts.stop().await;
}

fn whatsapp_toml(wa: &WhatsAppDouble) -> String {
    format!(
        "[[whatsapp]]\nprovider = \"whatsapp-cloud\"\nphone_number_id = \"{}\"\naccess_token = \"{}\"\napp_secret = \"{}\"\nverify_token = \"{}\"\ntemplate = \"{}\"\nbase_url = \"{}\"\n",
        whatsapp::PHONE_NUMBER_ID,
        whatsapp::ACCESS_TOKEN,
        whatsapp::APP_SECRET,
        whatsapp::VERIFY_TOKEN,
        whatsapp::TEMPLATE,
        wa.base_url()
    )
}

#[tokio::test]
async fn whatsapp_delivered_failed_and_silent() {
    let wa = WhatsAppDouble::start().await;
    let d = Delivery::new(&whatsapp_toml(&wa));
    wa.set_webhook_url(&d.url("whatsapp-cloud"));
    let ts = TestServer::start_with(&d.flags()).await;
    // Meta checks the webhook URL when it is saved.
    assert_eq!(
        wa.verify_webhook(whatsapp::VERIFY_TOKEN, "1158201444")
            .await,
        (200, "1158201444".to_string())
    );
    assert_eq!(wa.verify_webhook("wrong", "1").await.0, 401);

    let delivered = "+491701230001";
    let failed = "+491701230002";
    let silent = "+491701230003";
    wa.set_for(delivered, whatsapp::Behaviour::Deliver);
    wa.set_for(failed, whatsapp::Behaviour::fail_later());
    wa.set_for(silent, whatsapp::Behaviour::Silent);
    let mut ids = Vec::new();
    for phone in [delivered, failed, silent] {
        let v = ts
            .start_v(start_req(phone, &[Whatsapp, Sms]))
            .await
            .unwrap();
        assert_eq!(v.history[0].provider, "whatsapp-cloud");
        ids.push(v.id);
    }
    assert!(
        wa.post_webhooks()
            .await
            .iter()
            .all(|(_, _, code)| *code == 200)
    );
    let v = ts.wait_delivery_done(&ids[0]).await;
    assert_eq!(statuses(&v), vec![S::Success, S::New]);
    let v = ts.wait_delivery_done(&ids[1]).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Success]);
    assert!(
        v.history[0].error_reason.contains("131026"),
        "{}",
        v.history[0].error_reason
    );
    // Only `sent` for the silent one: it waits out its timeout.
    assert_eq!(ts.get(&ids[2]).await.history[0].status(), S::InProgress);
    ts.advance(31);
    let v = ts.wait_delivery_done(&ids[2]).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Success]);
    assert_eq!(ts.get(&ids[0]).await.state(), St::Pending);
    wa.assert_clean();
    ts.stop().await;
}

#[tokio::test]
async fn check_config_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken = \"t0123456789\"\nreports = \"poll\"\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken_env = \"NO_SUCH_VARIABLE_FOR_VERIFYD\"\n",
    )
    .unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_verifyd"))
            .arg("check-config")
            .arg(file)
            .env_remove("NO_SUCH_VARIABLE_FOR_VERIFYD")
            .output()
            .unwrap()
    };
    let ok = run(&good);
    assert!(ok.status.success(), "{ok:?}");
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.contains("telegram: telegram-gateway"), "{out}");
    assert!(out.contains("sms: none (steps on it are refused)"), "{out}");
    let no = run(&bad);
    assert_eq!(no.status.code(), Some(2));
    let err = String::from_utf8_lossy(&no.stderr);
    assert!(
        err.contains("telegram[0]") && err.contains("NO_SUCH_VARIABLE_FOR_VERIFYD"),
        "{err}"
    );
    // serve refuses the same file before binding anything.
    let serve = std::process::Command::new(env!("CARGO_BIN_EXE_verifyd"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&bad)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("NO_SUCH_VARIABLE_FOR_VERIFYD")
        .output()
        .unwrap();
    assert_eq!(serve.status.code(), Some(2));
    assert!(!dir.path().join("data").exists(), "nothing was opened");
}

/// Every `toml` block of the README parses, and the full example builds (with the
/// environment variables it names), alone and with the health check that names one
/// of its providers. The block whose `ca_file` must exist on disk only parses.
#[test]
fn the_readme_delivery_examples_are_accepted() {
    use std::sync::Arc;
    use verifyd::channels::ReportSink;
    use verifyd::channels::config::{DeliveryConfig, Env};
    use verifyd::channels::sandbox::Sandbox;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(
        blocks.len() >= 3,
        "the README's toml blocks: {}",
        blocks.len()
    );
    for b in &blocks {
        DeliveryConfig::parse(b).unwrap_or_else(|e| panic!("{e}\n{b}"));
    }
    // Every `*_env = "NAME"` gets a value.
    let env = Env::new(readme.lines().filter_map(|l| {
        let (k, v) = l.split_once('=')?;
        k.trim().ends_with("_env").then(|| {
            let name = v.split('#').next()?.trim().trim_matches('"').to_owned();
            Some((name, "a-value-for-the-test-0123456789".to_owned()))
        })?
    }));
    let full = blocks
        .iter()
        .find(|b| b.contains("[callbacks]"))
        .expect("the full example");
    let check = blocks
        .iter()
        .find(|b| b.contains("[[health_check]]"))
        .expect("the health check example");
    for text in [full.clone(), format!("{full}\n{check}")] {
        let sandbox = Arc::new(Sandbox::new(ReportSink::new().0, None).expect("sandbox"));
        let channels = DeliveryConfig::parse(&text)
            .unwrap()
            .build(&env, sandbox, true)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(channels.provider("twilio-sms").is_some());
    }
}
