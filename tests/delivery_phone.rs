//! Voice, SMS and email through real adapters end to end: Twilio's Calls and
//! Messages APIs, Vonage's SMS API and SMTP, each a local double, with callbacks
//! through the ingress. Calls answered, not answered and busy; an SMS accepted and
//! later reported undelivered; Twilio down with Vonage carrying the step; mail
//! accepted and refused; and the whole three-step fallback on the server binary.

mod common;

use common::delivery::Delivery;
use common::doubles::smtp::{self, SmtpDouble, TlsMode};
use common::doubles::telegram::{self, TelegramDouble};
use common::doubles::twilio::{self, TwilioDouble};
use common::doubles::vonage::VonageDouble;
use common::*;
use futures::StreamExt;
use verifyd::pb::{self, Channel::*, DeliveryStatus as S};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-0123456789abcdef";
const FROM: &str = "+15005550006";
const PHONE: &str = "+491701234567";

fn twilio_toml(channel: &str, tw: &TwilioDouble) -> String {
    format!(
        "[[{channel}]]\nprovider = \"twilio\"\nname = \"twilio-{channel}\"\naccount_sid = \"{SID}\"\nauth_token = \"{TOKEN}\"\nfrom = \"{FROM}\"\nbase_url = \"{}\"\n\n",
        tw.base_url()
    )
}

fn fail_later(status: &str) -> twilio::Behaviour {
    twilio::Behaviour::FailLater {
        status: status.into(),
        error_code: None,
    }
}

#[tokio::test]
async fn voice_answered_no_answer_and_busy() {
    let tw = TwilioDouble::start(SID, TOKEN).await;
    let d = Delivery::new(&twilio_toml("voice", &tw));
    let ts = TestServer::start_with(&d.flags()).await;
    let answered = "+491701230010";
    let no_answer = "+491701230011";
    let busy = "+491701230012";
    tw.set_behaviour_for(answered, twilio::Behaviour::Accept);
    tw.set_behaviour_for(no_answer, fail_later("no-answer"));
    tw.set_behaviour_for(busy, fail_later("busy"));
    let mut started = Vec::new();
    for phone in [answered, no_answer, busy] {
        let v = ts.start_v(start_req(phone, &[Voice, Sms])).await.unwrap();
        let a = &v.history[0];
        assert_eq!(
            (a.provider.as_str(), a.status()),
            ("twilio-voice", S::InProgress)
        );
        started.push(v);
    }
    // The call was placed with the spoken code, the ring timeout and the callbacks.
    let create = &tw.creates(twilio::Kind::Call)[0];
    let twiml = create.get("Twiml").unwrap();
    assert!(twiml.starts_with("<Response><Say"), "{twiml}");
    assert_eq!(create.get("Timeout"), Some("60"));
    assert_eq!(create.all("StatusCallbackEvent").len(), 4);
    for v in &started {
        let sid = &v.history[0].external_id;
        assert!(tw.post_callbacks(sid).await.iter().all(|s| *s == 200));
    }
    let v = ts.wait_delivery_done(&started[0].id).await;
    assert_eq!(statuses(&v), vec![S::Success, S::New]);
    for (v, why) in [(&started[1], "no-answer"), (&started[2], "busy")] {
        let v = ts.wait_delivery_done(&v.id).await;
        assert_eq!(statuses(&v), vec![S::Failed, S::Success], "{why}");
        assert!(
            v.history[0].error_reason.contains(why),
            "{}",
            v.history[0].error_reason
        );
    }
    assert!(tw.problems().is_empty(), "{:?}", tw.problems());
    ts.stop().await;
}

#[tokio::test]
async fn an_sms_accepted_then_reported_undelivered_is_an_update() {
    let tw = TwilioDouble::start(SID, TOKEN).await;
    tw.set_behaviour(twilio::Behaviour::FailLater {
        status: "undelivered".into(),
        error_code: Some("30003".into()),
    });
    tw.set_price(Some(("-0.0075", "USD")));
    let d = Delivery::new(&twilio_toml("sms", &tw));
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts.start_v(start_req(PHONE, &[Sms])).await.unwrap();
    // Accepted is success for SMS.
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success]);
    let a = &v.history[0];
    assert_eq!(a.provider, "twilio-sms");
    let body = tw.creates(twilio::Kind::Message)[0]
        .get("Body")
        .unwrap()
        .to_owned();
    assert!(body.contains(v.code()), "{body}");
    let cost = a.provider_cost.clone().unwrap();
    assert_eq!((cost.currency.as_str(), cost.micros), ("USD", 7_500));
    let mut watch = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner();
    watch.next().await.unwrap().unwrap();
    assert!(
        tw.post_callbacks(&a.external_id)
            .await
            .iter()
            .all(|s| *s == 200)
    );
    // The double posts "sent" and then "undelivered"; each is an update, and
    // the reports may be applied one by one or the first may already be
    // stored, so wait for the one that carries the failure.
    let updated = loop {
        let m = watch.next().await.unwrap().unwrap();
        let failed = m.verification.as_ref().is_some_and(|v| {
            v.history
                .first()
                .is_some_and(|a| a.provider_status.starts_with("undelivered"))
        });
        if m.kind() == pb::WatchEventKind::ChannelUpdated && failed {
            break m;
        }
    };
    assert_eq!(updated.event, "verify_code.channel.updated");
    let now = ts.get(&v.id).await;
    assert!(
        now.history[0]
            .provider_status
            .starts_with("undelivered: 30003"),
        "{:?}",
        now.history[0]
    );
    // Not reopened: still a success, still pending for its code.
    assert_eq!(now.status(), S::Success);
    assert_eq!(now.state(), pb::VerificationState::Pending);
    ts.stop().await;
}

#[tokio::test]
async fn twilio_down_and_vonage_carries_the_step() {
    let tw = TwilioDouble::start(SID, TOKEN).await;
    tw.set_behaviour(twilio::Behaviour::ServerError);
    let vn = VonageDouble::start("vonagekey", "vonage-secret-0123").await;
    vn.set_price(Some("0.03330000"));
    let toml = format!(
        "{}[[sms]]\nprovider = \"vonage\"\napi_key = \"vonagekey\"\napi_secret = \"vonage-secret-0123\"\nfrom = \"Acme\"\nbase_url = \"{}\"\n",
        twilio_toml("sms", &tw),
        vn.base_url()
    );
    let d = Delivery::new(&toml);
    let ts = TestServer::start_with(&d.flags()).await;
    let v = ts.start_v(start_req(PHONE, &[Sms])).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success]);
    let a = &v.history[0];
    assert_eq!(a.provider, "vonage");
    let tries: Vec<(&str, bool)> = a
        .tries
        .iter()
        .map(|t| (t.provider.as_str(), t.outcome == "accepted"))
        .collect();
    assert_eq!(tries, vec![("twilio-sms", false), ("vonage", true)]);
    assert!(a.tries[0].outcome.starts_with("fault"), "{:?}", a.tries[0]);
    assert_eq!(a.provider_cost.clone().unwrap().micros, 33_300);
    assert_eq!(vn.message_ids().len(), 1);
    // Twilio keeps failing: after three faults in a row it is skipped for a while.
    for _ in 0..2 {
        let v = ts.start_v(start_req(PHONE, &[Sms])).await.unwrap();
        ts.wait_delivery_done(&v.id).await;
    }
    let before = tw.requests().len();
    let v = ts.start_v(start_req(PHONE, &[Sms])).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(tw.requests().len(), before, "twilio is cooling down");
    assert!(
        v.history[0].tries[0].outcome.starts_with("skipped"),
        "{:?}",
        v.history[0].tries
    );
    ts.stop().await;
}

#[tokio::test]
async fn email_over_smtp_accepted_and_refused() {
    let mx = SmtpDouble::start(TlsMode::StartTls, Some(("mailer", "mail-password-0123"))).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = mx.write_ca(dir.path());
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"localhost\"\nport = {}\nsecurity = \"starttls\"\nusername = \"mailer\"\npassword = \"mail-password-0123\"\nfrom = \"Acme <no-reply@acme.example>\"\nca_file = \"{}\"\n",
        mx.port(),
        ca.display()
    );
    let d = Delivery::new(&toml);
    let ts = TestServer::start_with(&d.flags()).await;
    let mut r = start_req("", &[Email]);
    r.email = "ada@acme.example".into();
    r.lang = pb::Lang::De as i32;
    let v = ts.start_v(r).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Success]);
    assert_eq!(v.history[0].provider, "smtp");
    let m = &mx.messages()[0];
    assert!(m.tls && m.auth_user.as_deref() == Some("mailer"));
    assert_eq!(m.rcpt_to, vec!["ada@acme.example".to_string()]);
    assert!(
        m.header("Subject").unwrap().contains("Bestätigungscode"),
        "{:?}",
        m.header("Subject")
    );
    assert!(m.part("text/html").is_some() && m.part("text/plain").is_some());
    assert_eq!(
        m.header("Message-ID").as_deref(),
        Some(v.history[0].external_id.as_str())
    );

    mx.set_behaviour_for("nobody@acme.example", smtp::Behaviour::no_such_mailbox());
    let mut r = start_req("", &[Email]);
    r.email = "nobody@acme.example".into();
    let v = ts.start_v(r).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed]);
    assert_eq!(v.status(), S::Failed);
    assert!(
        v.history[0].error_reason.contains("550"),
        "{}",
        v.history[0].error_reason
    );
    assert!(mx.problems().is_empty(), "{:?}", mx.problems());
    ts.stop().await;
}

/// The whole fallback on the server binary: telegram stays silent, the call is not
/// answered, the SMS is accepted; every step through its real adapter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_step_fallback_through_real_adapters_on_the_binary() {
    let tg = TelegramDouble::start().await;
    tg.set_default(telegram::Behaviour::Silent);
    let tw = TwilioDouble::start(SID, TOKEN).await;
    tw.set_behaviour_for(PHONE, fail_later("no-answer"));
    // SMS through a Twilio double of its own, which accepts.
    let tw_sms_ok = TwilioDouble::start(SID, TOKEN).await;
    let toml = format!(
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken = \"{}\"\nbase_url = \"{}\"\n\n{}{}",
        telegram::TOKEN,
        tg.base_url(),
        twilio_toml("voice", &tw),
        twilio_toml("sms", &tw_sms_ok),
    );
    let d = Delivery::new(&toml);
    let data = Data::fresh().await;
    let mut flags = data.flags();
    flags.extend(d.flags.iter().cloned());
    let mut node = node::spawn(&flags).await;
    let mut watch = node
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: String::new() }))
        .await
        .unwrap()
        .into_inner();
    watch.next().await.unwrap().unwrap();

    let v = node
        .start_v(start_req(PHONE, &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    assert_eq!(v.history[0].provider, "telegram-gateway");
    node.advance_clock(31).await;
    let call = node
        .wait_for(&v.id, "the call", |v| !v.history[1].external_id.is_empty())
        .await;
    assert_eq!(call.history[1].provider, "twilio-voice");
    assert!(
        tw.post_callbacks(&call.history[1].external_id)
            .await
            .iter()
            .all(|s| *s == 200)
    );
    let v = node.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Failed, S::Success]);
    assert_eq!(v.delivered_channel(), Sms);
    assert_eq!(v.history[0].error_reason, "no delivery report within 30s");
    assert!(
        v.history[1].error_reason.contains("no-answer"),
        "{}",
        v.history[1].error_reason
    );
    assert_eq!(v.history[2].provider, "twilio-sms");
    // The tenant's tariff: telegram 1 + voice 12 + sms 8; Telegram reported its own.
    assert_eq!(v.cost, Some(21));
    assert_eq!(v.history[0].provider_cost.clone().unwrap().currency, "USD");
    let mut events = Vec::new();
    while events
        .last()
        .map(|(e, _): &(String, Option<u32>)| e.as_str())
        != Some("verify_code.success")
    {
        let m = tokio::time::timeout(PATIENCE, watch.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if m.verification.as_ref().is_some_and(|x| x.id == v.id) {
            events.push((m.event, m.step_index));
        }
    }
    // The call's progress (initiated, ringing) comes as updates of step 1.
    assert!(
        events
            .iter()
            .any(|e| *e == ("verify_code.channel.updated".into(), Some(1)))
    );
    events.retain(|(e, _)| e != "verify_code.channel.updated");
    let want: Vec<(String, Option<u32>)> = [
        ("verify_code.channel.sent", Some(0)),
        ("verify_code.channel.failed", Some(0)),
        ("verify_code.channel.sent", Some(1)),
        ("verify_code.channel.failed", Some(1)),
        ("verify_code.channel.sent", Some(2)),
        ("verify_code.channel.success", Some(2)),
        ("verify_code.success", None),
    ]
    .iter()
    .map(|(e, s)| (e.to_string(), *s))
    .collect();
    assert_eq!(events, want);
    assert_eq!(
        node.check(&v.id, v.code()).await.unwrap().result(),
        pb::CheckResult::Verified
    );
    assert!(tw.problems().is_empty() && tw_sms_ok.problems().is_empty());
    tg.assert_clean();
    node.sigterm().await;
}

/// A provider's status page: 200 or 503, as the test sets it; counts its fetches.
struct StatusPage {
    url: String,
    healthy: std::sync::Arc<std::sync::atomic::AtomicBool>,
    fetches: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StatusPage {
    async fn start(healthy: bool) -> Self {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let ok = Arc::new(AtomicBool::new(healthy));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (ok2, fetches2) = (ok.clone(), fetches.clone());
        let app = axum::Router::new().route(
            "/status",
            axum::routing::get(move || {
                let (ok, fetches) = (ok2.clone(), fetches2.clone());
                async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    if ok.load(Ordering::SeqCst) {
                        axum::http::StatusCode::OK
                    } else {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/status", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        StatusPage {
            url,
            healthy: ok,
            fetches,
        }
    }

    fn set(&self, healthy: bool) {
        self.healthy
            .store(healthy, std::sync::atomic::Ordering::SeqCst);
    }

    fn fetches(&self) -> usize {
        self.fetches.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test]
async fn a_provider_whose_health_check_fails_is_passed_over_until_it_passes() {
    let tw = TwilioDouble::start(SID, TOKEN).await;
    let vn = VonageDouble::start("vonagekey", "vonage-secret-0123").await;
    let status = StatusPage::start(false).await;
    let toml = format!(
        "{}[[sms]]\nprovider = \"vonage\"\napi_key = \"vonagekey\"\napi_secret = \"vonage-secret-0123\"\nfrom = \"Acme\"\nbase_url = \"{}\"\n\n[[health_check]]\nname = \"twilio-sms\"\nurl = \"{}\"\ninterval_sec = 1\n",
        twilio_toml("sms", &tw),
        vn.base_url(),
        status.url
    );
    let d = Delivery::new(&toml);
    // The first check runs before the server serves.
    let ts = TestServer::start_with(&d.flags()).await;
    assert!(status.fetches() >= 1);
    let v = ts
        .start_v(start_req("+491701234501", &[Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    let a = &v.history[0];
    assert_eq!(a.provider, "vonage");
    assert_eq!(a.tries[0].provider, "twilio-sms");
    assert_eq!(
        a.tries[0].outcome,
        "skipped: its health check fails (HTTP 503)"
    );
    assert!(tw.requests().is_empty(), "nothing was sent to twilio");
    // The page says healthy again: once a check after the change has been stored
    // (the next fetch starts only after the previous one's answer was), twilio is
    // first again.
    status.set(true);
    let seen = status.fetches();
    until("two checks after the change", || {
        let n = status.fetches();
        async move { n >= seen + 2 }
    })
    .await;
    let v = ts
        .start_v(start_req("+491701234502", &[Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.history[0].provider, "twilio-sms");
    assert_eq!(tw.requests().len(), 1);
    ts.stop().await;
}
