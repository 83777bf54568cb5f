//! `provider = "telegram-gateway"` against the Telegram Gateway double: the wire
//! format of sends, polls and revocations, the classification of every kind of
//! refusal, signed reports, and the validation of its settings.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::doubles::telegram::{self, Behaviour, SignedReport, TelegramDouble};
use serde_json::json;
use uuid::Uuid;
use verifyd::channels::config::{DeliveryConfig, Env};
use verifyd::channels::sandbox::Sandbox;
use verifyd::channels::{
    CallbackError, CallbackOutcome, CallbackRequest, Channels, Outbound, Provider, ProviderCost,
    ProviderReport, Receipt, Report, ReportSink, SendError, Settles,
};
use verifyd::domain::channel::Channel;
use verifyd::domain::lang::Lang;
use verifyd::domain::messages::Rendered;

const PUBLIC: &str = "https://verifyd.example.com";
const PHONE: &str = "+491701234567";
const NAME: &str = "telegram-gateway";

fn env() -> Env {
    Env::new([("TG_TOKEN".to_owned(), telegram::TOKEN.to_owned())])
}

fn sandbox() -> Arc<Sandbox> {
    Arc::new(Sandbox::new(ReportSink::new().0, None).unwrap())
}

/// Builds the delivery config `toml`, with callbacks enabled or not.
fn build(toml: &str, env: &Env, callbacks: bool) -> Result<Channels, String> {
    let text = if callbacks {
        format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{toml}")
    } else {
        toml.to_owned()
    };
    DeliveryConfig::parse(&text)?.build(env, sandbox(), callbacks)
}

/// The provider of a `[[telegram]]` entry pointed at the double, plus `extra` lines.
fn provider(tg: &TelegramDouble, extra: &str, callbacks: bool) -> Arc<dyn Provider> {
    let toml = format!(
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken_env = \"TG_TOKEN\"\nbase_url = \"{}\"\n{extra}\n",
        tg.base_url()
    );
    build(&toml, &env(), callbacks)
        .unwrap()
        .provider(NAME)
        .expect("the provider by its default name")
}

fn outbound(recipient: &str, timeout_sec: Option<u32>) -> Outbound {
    let verification_id = Uuid::new_v4();
    Outbound {
        verification_id,
        attempt_id: Uuid::new_v4(),
        step: 0,
        tenant_id: "default".into(),
        channel: Channel::Telegram,
        recipient: recipient.into(),
        sender_id: None,
        lang: Lang::En,
        code: "482913".into(),
        content: Rendered {
            text: "Your code is 482913".into(),
            ssml: None,
            subject: None,
            html: None,
        },
        sent_at: 0,
        timeout_sec,
        idempotency_key: format!("{verification_id}:0"),
    }
}

fn callback_req(r: &SignedReport, now_secs: i64) -> CallbackRequest {
    CallbackRequest {
        method: http::Method::POST,
        public_url: format!("{PUBLIC}/callbacks/{NAME}"),
        query: String::new(),
        headers: r.headers(),
        body: r.body.clone().into(),
        now: now_secs * 1000 + 250,
    }
}

const TS: i64 = 1_790_000_000;

#[tokio::test]
async fn send_takes_the_message_with_its_request_id_and_cost() {
    let tg = TelegramDouble::start().await;
    let p = provider(&tg, "", true);
    let msg = outbound(PHONE, Some(300));
    let r = p.send(&msg).await.unwrap();
    let m = &tg.messages()[0];
    assert_eq!(
        r,
        Receipt {
            external_id: m.request_id.clone(),
            settles: Settles::OnReport,
            cost: Some(ProviderCost {
                currency: "USD".into(),
                micros: 10_000
            }),
        }
    );
    let reqs = tg.requests();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method, http::Method::POST);
    assert_eq!(req.path, "/sendVerificationMessage");
    assert_eq!(
        req.headers["authorization"],
        format!("Bearer {}", telegram::TOKEN).as_str()
    );
    assert_eq!(req.headers["content-type"], "application/json");
    assert_eq!(
        req.json,
        json!({
            "phone_number": PHONE,
            "code": "482913",
            "ttl": 300,
            "callback_url": format!("{PUBLIC}/callbacks/{NAME}"),
            "payload": msg.idempotency_key,
        })
    );
    assert_eq!(p.poll_interval(), None, "callbacks, so no polling");
    tg.assert_clean();
}

#[tokio::test]
async fn ttl_is_clamped_and_sender_username_is_sent() {
    let tg = TelegramDouble::start().await;
    tg.set_cost(0.0123456);
    let p = provider(&tg, "sender_username = \"@AcmeCodes\"", true);
    let r = p.send(&outbound(PHONE, Some(10))).await.unwrap();
    assert_eq!(r.cost.unwrap().micros, 12_346, "rounded to a micro-dollar");
    p.send(&outbound(PHONE, Some(7200))).await.unwrap();
    p.send(&outbound(PHONE, None)).await.unwrap();
    let reqs = tg.requests();
    assert_eq!(reqs[0].json["ttl"], 30);
    assert_eq!(reqs[1].json["ttl"], 3600);
    assert!(reqs[2].json.get("ttl").is_none(), "no timeout, no ttl");
    for r in &reqs {
        assert_eq!(r.json["sender_username"], "AcmeCodes");
    }
    tg.assert_clean();
}

#[tokio::test]
async fn a_number_telegram_refuses_is_rejected_with_its_error() {
    let tg = TelegramDouble::start().await;
    tg.set_for("+15550000001", Behaviour::refuse("PHONE_NUMBER_INVALID"));
    tg.set_for(
        "+15550000002",
        Behaviour::Refuse {
            status: 200,
            error: "PHONE_NUMBER_NOT_FOUND".into(),
        },
    );
    let p = provider(&tg, "", true);
    for (phone, code) in [
        ("+15550000001", "PHONE_NUMBER_INVALID"),
        ("+15550000002", "PHONE_NUMBER_NOT_FOUND"),
    ] {
        match p.send(&outbound(phone, Some(60))).await {
            Err(e @ SendError::Rejected { .. }) => {
                assert!(matches!(&e, SendError::Rejected { code: c, .. } if c == code));
                assert!(e.to_string().contains(code), "{e}");
            }
            other => panic!("{phone}: {other:?}"),
        }
    }
    assert!(tg.messages().is_empty());
    tg.assert_clean();
}

#[tokio::test]
async fn token_and_balance_problems_are_down() {
    let tg = TelegramDouble::start().await;
    // A token the double does not know: its real answer, ACCESS_TOKEN_INVALID.
    let wrong = Env::new([("TG_TOKEN".to_owned(), "not-the-token".to_owned())]);
    let toml = format!(
        "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken_env = \"TG_TOKEN\"\nbase_url = \"{}\"\n",
        tg.base_url()
    );
    let p = build(&toml, &wrong, false).unwrap().provider(NAME).unwrap();
    match p.send(&outbound(PHONE, Some(60))).await {
        Err(SendError::Down { message }) => {
            assert!(message.contains("ACCESS_TOKEN_INVALID"), "{message}");
            assert!(!message.contains("not-the-token"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    tg.set_default(Behaviour::refuse("BALANCE_NOT_ENOUGH"));
    let p = provider(&tg, "", false);
    assert!(matches!(
        p.send(&outbound(PHONE, Some(60))).await,
        Err(SendError::Down { message }) if message.contains("BALANCE_NOT_ENOUGH")
    ));
    tg.assert_clean();
}

#[tokio::test]
async fn server_errors_and_flood_control_are_transient() {
    let tg = TelegramDouble::start().await;
    tg.set_for("+15550000001", Behaviour::ServerError);
    tg.set_for(
        "+15550000002",
        Behaviour::Flood {
            retry_after_secs: 17,
        },
    );
    let p = provider(&tg, "", true);
    match p.send(&outbound("+15550000001", Some(60))).await {
        Err(SendError::Transient {
            message,
            retry_after,
        }) => {
            assert!(message.contains("500"), "{message}");
            assert_eq!(retry_after, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        p.send(&outbound("+15550000002", Some(60))).await,
        Err(SendError::Transient {
            message: "Telegram Gateway: FLOOD_WAIT_17".into(),
            retry_after: Some(Duration::from_secs(17)),
        })
    );
    tg.assert_clean();
}

#[tokio::test]
async fn a_hanging_gateway_is_transient_within_the_timeout() {
    let tg = TelegramDouble::start().await;
    tg.set_default(Behaviour::Hang);
    let p = provider(&tg, "timeout_sec = 1", true);
    let started = Instant::now();
    let r = p.send(&outbound(PHONE, Some(60))).await;
    let took = started.elapsed();
    assert!(
        matches!(&r, Err(SendError::Transient { message, .. }) if message.contains("timed out")),
        "{r:?}"
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn poll_mode_asks_for_the_status() {
    let tg = TelegramDouble::start().await;
    tg.set_for("+15550000001", Behaviour::Deliver);
    tg.set_for("+15550000002", Behaviour::Read);
    tg.set_for("+15550000003", Behaviour::Expire);
    tg.set_for("+15550000004", Behaviour::Silent);
    // Callbacks disabled: polling is the default.
    let p = provider(&tg, "", false);
    assert_eq!(p.poll_interval(), Some(Duration::from_secs(5)));
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(
            p.send(&outbound(&format!("+1555000000{n}"), Some(60)))
                .await
                .unwrap()
                .external_id,
        );
    }
    assert!(
        tg.requests()
            .iter()
            .all(|r| r.json.get("callback_url").is_none())
    );
    assert_eq!(p.poll(&ids[0]).await, Ok(Some(Report::Delivered)));
    assert_eq!(p.poll(&ids[1]).await, Ok(Some(Report::Delivered)));
    assert!(matches!(
        p.poll(&ids[2]).await,
        Ok(Some(Report::Failed(why))) if why.starts_with("expired") && why.contains("refunded")
    ));
    assert_eq!(p.poll(&ids[3]).await, Ok(None), "still only sent");
    let poll = tg.requests().pop().unwrap();
    assert_eq!(poll.path, "/checkVerificationStatus");
    assert_eq!(poll.method, http::Method::POST);
    assert_eq!(
        poll.headers["authorization"],
        format!("Bearer {}", telegram::TOKEN).as_str()
    );
    assert_eq!(poll.json, json!({ "request_id": ids[3] }));
    assert!(matches!(
        p.poll("no-such-request").await,
        Err(SendError::Rejected { code, .. }) if code == "REQUEST_ID_INVALID"
    ));
    tg.set_for_method("checkVerificationStatus", Behaviour::ServerError);
    assert!(matches!(
        p.poll(&ids[3]).await,
        Err(SendError::Transient { .. })
    ));
    tg.assert_clean();

    let p = provider(&tg, "reports = \"poll\"\npoll_interval_sec = 2", true);
    assert_eq!(p.poll_interval(), Some(Duration::from_secs(2)));
    p.send(&outbound(PHONE, Some(60))).await.unwrap();
    assert!(
        tg.requests()
            .pop()
            .unwrap()
            .json
            .get("callback_url")
            .is_none(),
        "polled, so no callback_url even with callbacks enabled"
    );
}

#[tokio::test]
async fn revoke_withdraws_the_message() {
    let tg = TelegramDouble::start().await;
    tg.set_default(Behaviour::Silent);
    let p = provider(&tg, "", true);
    let id = p
        .send(&outbound(PHONE, Some(60)))
        .await
        .unwrap()
        .external_id;
    p.revoke(&id).await.unwrap();
    let req = tg.requests().pop().unwrap();
    assert_eq!(req.path, "/revokeVerificationMessage");
    assert_eq!(req.json, json!({ "request_id": id }));
    assert_eq!(tg.message(&id).unwrap().status, "revoked");
    // Telegram then reports the revocation.
    let outcome = p.callback(&callback_req(&tg.report_with(&id, "revoked", TS), TS));
    assert!(matches!(
        outcome,
        Ok(CallbackOutcome::Reports(r)) if matches!(&r[..], [ProviderReport { report: Report::Failed(why), .. }] if why.starts_with("revoked"))
    ));
    tg.set_for_method(
        "revokeVerificationMessage",
        Behaviour::refuse("ACCESS_TOKEN_INVALID"),
    );
    assert!(matches!(p.revoke(&id).await, Err(SendError::Down { .. })));
    tg.assert_clean();
}

#[tokio::test]
async fn reports_map_every_status() {
    let tg = TelegramDouble::start().await;
    let p = provider(&tg, "", true);
    let id = p
        .send(&outbound(PHONE, Some(60)))
        .await
        .unwrap()
        .external_id;
    type Check = fn(&Report) -> bool;
    let cases: [(&str, Check); 5] = [
        ("sent", |r| *r == Report::Progress("sent".into())),
        ("delivered", |r| *r == Report::Delivered),
        ("read", |r| *r == Report::Delivered),
        (
            "expired",
            |r| matches!(r, Report::Failed(w) if w.starts_with("expired")),
        ),
        (
            "revoked",
            |r| matches!(r, Report::Failed(w) if w.starts_with("revoked")),
        ),
    ];
    for (status, expect) in cases {
        let r = tg.report_with(&id, status, TS);
        match p.callback(&callback_req(&r, TS + 3)) {
            Ok(CallbackOutcome::Reports(reports)) => {
                assert_eq!(reports.len(), 1, "{status}");
                assert_eq!(reports[0].external_id, id);
                assert!(expect(&reports[0].report), "{status}: {:?}", reports[0]);
            }
            other => panic!("{status}: {other:?}"),
        }
    }
    // A report without a delivery status (e.g. only the verification status) says
    // nothing about delivery.
    let body = json!({ "request_id": id, "phone_number": PHONE, "request_cost": 0.01,
        "verification_status": { "status": "code_valid", "updated_at": TS } });
    let r = SignedReport::new(telegram::TOKEN, TS, body.to_string().into_bytes());
    assert_eq!(
        p.callback(&callback_req(&r, TS)),
        Ok(CallbackOutcome::Reports(vec![]))
    );
}

#[tokio::test]
async fn forged_stale_or_unsigned_reports_are_refused() {
    let tg = TelegramDouble::start().await;
    let p = provider(&tg, "", true);
    let id = p
        .send(&outbound(PHONE, Some(60)))
        .await
        .unwrap()
        .external_id;
    let good = tg.report_with(&id, "delivered", TS);
    assert!(p.callback(&callback_req(&good, TS)).is_ok());

    let bad_sig = |req: CallbackRequest, what: &str| match p.callback(&req) {
        Err(CallbackError::BadSignature(why)) => why,
        other => panic!("{what}: {other:?}"),
    };
    // Signed with another token.
    let forged = SignedReport::new("another-token", TS, good.body.clone());
    bad_sig(callback_req(&forged, TS), "another token");
    // The body changed after signing.
    let mut tampered = good.clone();
    tampered.body = String::from_utf8(good.body.clone())
        .unwrap()
        .replace("delivered", "read")
        .into_bytes();
    bad_sig(callback_req(&tampered, TS), "tampered body");
    // The timestamp changed after signing.
    let mut moved = good.clone();
    moved.timestamp += 1;
    bad_sig(callback_req(&moved, TS), "moved timestamp");
    // Too old, and too far ahead.
    let why = bad_sig(callback_req(&good, TS + 301), "stale");
    assert!(why.contains("stale"), "{why}");
    let why = bad_sig(callback_req(&good, TS - 301), "from the future");
    assert!(why.contains("stale"), "{why}");
    assert!(
        p.callback(&callback_req(&good, TS + 299)).is_ok(),
        "within five minutes"
    );
    // Headers missing.
    for header in ["x-request-signature", "x-request-timestamp"] {
        let mut req = callback_req(&good, TS);
        req.headers.remove(header);
        bad_sig(req, header);
    }
    let mut req = callback_req(&good, TS);
    req.headers
        .insert("x-request-signature", "not hex".parse().unwrap());
    bad_sig(req, "not hex");
}

#[tokio::test]
async fn unreadable_reports_are_malformed() {
    let tg = TelegramDouble::start().await;
    let p = provider(&tg, "", true);
    for body in [&b"not json"[..], br#"{"phone_number":"+15550000001"}"#] {
        let r = SignedReport::new(telegram::TOKEN, TS, body.to_vec());
        assert!(
            matches!(
                p.callback(&callback_req(&r, TS)),
                Err(CallbackError::Malformed(_))
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let mut get = callback_req(&tg.report_with("x", "sent", TS), TS);
    get.method = http::Method::GET;
    assert!(matches!(p.callback(&get), Err(CallbackError::Malformed(_))));
}

/// The double's `post_reports` calls the `callback_url` a message was sent with,
/// signed as Telegram signs; a stand-in ingress hands it to the provider.
#[tokio::test]
async fn the_double_posts_signed_reports_to_the_callback_url() {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};

    let tg = TelegramDouble::start().await;
    tg.set_for("+15550000003", Behaviour::Expire);
    tg.set_for("+15550000004", Behaviour::Silent);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ingress = format!("http://{}", listener.local_addr().unwrap());
    let toml = format!(
        "[callbacks]\npublic_url = \"{ingress}\"\n[[telegram]]\nprovider = \"telegram-gateway\"\ntoken_env = \"TG_TOKEN\"\nbase_url = \"{}\"\n",
        tg.base_url()
    );
    let p = DeliveryConfig::parse(&toml)
        .unwrap()
        .build(&env(), sandbox(), true)
        .unwrap()
        .provider(NAME)
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handler_p = p.clone();
    let app = axum::Router::new().route(
        "/callbacks/telegram-gateway",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let p = handler_p.clone();
            let tx = tx.clone();
            async move {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis() as i64;
                let req = CallbackRequest {
                    method: http::Method::POST,
                    public_url: String::new(),
                    query: String::new(),
                    headers,
                    body,
                    now,
                };
                match p.callback(&req) {
                    Ok(CallbackOutcome::Reports(r)) => {
                        tx.send(r).unwrap();
                        StatusCode::OK
                    }
                    _ => StatusCode::UNAUTHORIZED,
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let delivered = p
        .send(&outbound(PHONE, Some(60)))
        .await
        .unwrap()
        .external_id;
    let expired = p
        .send(&outbound("+15550000003", Some(60)))
        .await
        .unwrap()
        .external_id;
    p.send(&outbound("+15550000004", Some(60))).await.unwrap();
    let posted = tg.post_reports().await;
    assert_eq!(
        posted,
        vec![(delivered.clone(), 200), (expired.clone(), 200)],
        "silent messages report nothing"
    );
    assert!(tg.post_reports().await.is_empty(), "each report once");
    let first = rx.recv().await.unwrap();
    assert_eq!(
        first,
        vec![ProviderReport {
            external_id: delivered,
            report: Report::Delivered
        }]
    );
    let second = rx.recv().await.unwrap();
    assert_eq!(second[0].external_id, expired);
    assert!(matches!(&second[0].report, Report::Failed(w) if w.starts_with("expired")));
    tg.assert_clean();
}

#[test]
fn settings_are_validated_and_secrets_stay_hidden() {
    let err = |toml: &str, env: &Env, callbacks: bool| match build(toml, env, callbacks) {
        Err(e) => e,
        Ok(_) => panic!("accepted: {toml}"),
    };
    let entry = "[[telegram]]\nprovider = \"telegram-gateway\"\n";
    let e = err(entry, &Env::default(), false);
    assert!(
        e.contains("telegram[0]") && e.contains("token is missing"),
        "{e}"
    );
    let e = err(
        &format!("{entry}token_env = \"TG_GATEWAY_TOKEN\""),
        &Env::default(),
        false,
    );
    assert!(e.contains("TG_GATEWAY_TOKEN"), "{e}");
    let e = err(
        &format!("{entry}token_env = \"TG_TOKEN\"\nreports = \"callback\""),
        &env(),
        false,
    );
    assert!(
        e.contains("[callbacks] public_url") && e.contains("--callback-listen"),
        "{e}"
    );
    let e = err(
        &format!("{entry}token_env = \"TG_TOKEN\"\npoll_interval_sec = 0"),
        &env(),
        false,
    );
    assert!(e.contains("poll_interval_sec"), "{e}");
    let e = err(
        &format!("{entry}token_env = \"TG_TOKEN\"\nsender_username = \"not a name\""),
        &env(),
        false,
    );
    assert!(e.contains("sender_username"), "{e}");
    let e = err(
        &format!("{entry}token_env = \"TG_TOKEN\"\nreports = \"sometimes\""),
        &env(),
        false,
    );
    assert!(e.contains("sometimes") || e.contains("reports"), "{e}");
    let e = err(
        "[[sms]]\nprovider = \"telegram-gateway\"\ntoken_env = \"TG_TOKEN\"\n",
        &env(),
        false,
    );
    assert!(e.contains("does not serve sms"), "{e}");

    // An inline token never shows: not in errors about other settings, not in Debug.
    let inline = "tg-inline-secret-value-42";
    for bad in [
        format!("{entry}token = \"{inline}\"\nbase_url = \"ftp://x\""),
        format!("{entry}token = \"{inline}\"\ntimeout_sec = 0"),
        format!("{entry}token = \"{inline}\"\ntoken_env = \"TG_TOKEN\""),
    ] {
        let e = err(&bad, &env(), false);
        assert!(!e.contains(inline), "{e}");
    }
    let cfg = DeliveryConfig::parse(&format!("{entry}token = \"{inline}\"")).unwrap();
    let debug = format!("{cfg:?}");
    assert!(!debug.contains(inline) && debug.contains("***"), "{debug}");
    let channels = cfg.build(&Env::default(), sandbox(), false).unwrap();
    assert!(channels.provider(NAME).is_some());
}
