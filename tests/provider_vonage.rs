//! The `vonage` provider against the Vonage double: the exact SMS API request,
//! every status code class, HTTP failures, delivery receipts in all three formats,
//! their authentication (signed with each method, or by the URL token), and the
//! validation of its settings.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::doubles::vonage::{Behaviour, ReceiptCallback, ReceiptFormat, SigMethod, VonageDouble};
use hmac::{Hmac, Mac};
use verifyd::channels::config::{DeliveryConfig, Env};
use verifyd::channels::sandbox::Sandbox;
use verifyd::channels::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderCost, Report,
    ReportSink, SendError, Settles,
};
use verifyd::domain::channel::Channel;
use verifyd::domain::lang::Lang;
use verifyd::domain::messages::render;

const KEY: &str = "a1b2c3d4";
const SECRET: &str = "vonage-api-secret-0123";
const SIG_SECRET: &str = "vonage-signature-secret-4567";
const PUBLIC: &str = "https://verifyd.example.com";
const TO: &str = "+447700900123";
const NOW: i64 = 1_700_000_000;

fn env(vars: &[(&str, &str)]) -> Env {
    Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn build_with(
    toml: &str,
    env: &Env,
    callbacks: bool,
) -> Result<verifyd::channels::Channels, String> {
    let toml = if callbacks && !toml.contains("[callbacks]") {
        format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{toml}")
    } else {
        toml.to_owned()
    };
    let sandbox = Arc::new(Sandbox::new(ReportSink::new().0, None).expect("sandbox"));
    DeliveryConfig::parse(&toml)?.build(env, sandbox, callbacks)
}

fn toml(d: &VonageDouble, extra: &str) -> String {
    format!(
        "[[sms]]\nprovider = \"vonage\"\napi_key = \"{KEY}\"\napi_secret_env = \"VONAGE_SECRET\"\nfrom = \"Acme\"\nbase_url = \"{}\"\n{extra}\n",
        d.base_url()
    )
}

fn provider(toml: &str, callbacks: bool) -> Arc<dyn Provider> {
    build_with(
        toml,
        &env(&[("VONAGE_SECRET", SECRET), ("VONAGE_SIG", SIG_SECRET)]),
        callbacks,
    )
    .unwrap_or_else(|e| panic!("config: {e}"))
    .provider("vonage")
    .expect("registered")
}

fn outbound(recipient: &str, lang: Lang) -> Outbound {
    let verification_id = uuid::Uuid::new_v4();
    Outbound {
        verification_id,
        attempt_id: uuid::Uuid::new_v4(),
        step: 0,
        tenant_id: "default".into(),
        channel: Channel::Sms,
        recipient: recipient.into(),
        sender_id: None,
        lang,
        code: "730125".into(),
        content: render(Channel::Sms, lang, "Acme", "730125", None),
        sent_at: 0,
        timeout_sec: None,
        idempotency_key: format!("{verification_id}:0"),
    }
}

fn request(c: &ReceiptCallback, now_sec: i64) -> CallbackRequest {
    CallbackRequest {
        method: c.method.clone(),
        public_url: c.url.clone(),
        query: c.query(),
        headers: c.headers(),
        body: Bytes::from(c.body.clone()),
        now: now_sec * 1000 + 250,
    }
}

fn report(p: &dyn Provider, c: &ReceiptCallback) -> (String, Report) {
    match p.callback(&request(c, NOW)) {
        Ok(CallbackOutcome::Reports(r)) if r.len() == 1 => {
            (r[0].external_id.clone(), r[0].report.clone())
        }
        other => panic!("expected one report, got {other:?}"),
    }
}

/// The token verifyd must put in its callback URL, computed here independently.
fn token(name: &str) -> String {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    m.update(format!("verifyd vonage callback {name}").as_bytes());
    hex::encode(m.finalize().into_bytes())
}

#[tokio::test]
async fn an_sms_is_sent_with_the_exact_form_and_priced() {
    let d = VonageDouble::start(KEY, SECRET).await;
    d.set_price(Some("0.03330000"));
    let p = provider(&toml(&d, ""), true);
    let msg = outbound(TO, Lang::En);
    let r = p.send(&msg).await.expect("accepted");
    assert_eq!(d.message_ids(), vec![r.external_id.clone()]);
    assert_eq!(r.settles, Settles::OnAccept);
    assert_eq!(
        r.cost,
        Some(ProviderCost {
            currency: "EUR".into(),
            micros: 33_300
        })
    );
    let q = &d.requests()[0];
    assert_eq!(q.path, "/sms/json");
    assert_eq!(
        q.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        q.names(),
        vec![
            "api_key",
            "api_secret",
            "from",
            "to",
            "text",
            "callback",
            "status-report-req",
            "client-ref"
        ]
    );
    assert_eq!(q.get("api_key"), Some(KEY));
    assert_eq!(q.get("api_secret"), Some(SECRET));
    assert_eq!(q.get("from"), Some("Acme"));
    assert_eq!(q.get("to"), Some("447700900123"));
    assert_eq!(q.get("text"), Some(msg.content.text.as_str()));
    assert_eq!(
        q.get("callback").map(str::to_owned),
        Some(format!(
            "{PUBLIC}/callbacks/vonage?token={}",
            token("vonage")
        ))
    );
    assert_eq!(q.get("status-report-req"), Some("1"));
    assert_eq!(
        q.get("client-ref").map(str::to_owned),
        Some(msg.verification_id.to_string())
    );
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn non_gsm_texts_go_as_unicode_and_senders_lose_their_plus() {
    let d = VonageDouble::start(KEY, SECRET).await;
    let p = provider(&toml(&d, ""), false);
    let mut msg = outbound(TO, Lang::Ru);
    msg.sender_id = Some("+4930123456".into());
    p.send(&msg).await.expect("accepted");
    let en = outbound(TO, Lang::En);
    p.send(&en).await.expect("accepted");
    let reqs = d.requests();
    assert_eq!(reqs[0].get("type"), Some("unicode"));
    assert_eq!(reqs[0].get("from"), Some("4930123456"));
    assert_eq!(reqs[1].get("type"), None, "GSM-7 goes as text");
    assert_eq!(
        reqs[1].get("callback"),
        None,
        "no callbacks without a public URL"
    );
    assert_eq!(reqs[1].get("status-report-req"), None);
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn long_messages_are_priced_over_all_parts_in_the_account_currency() {
    let d = VonageDouble::start(KEY, SECRET).await;
    d.set_parts(2);
    d.set_price(Some("0.0450"));
    let p = provider(&toml(&d, "price_currency = \"usd\""), false);
    let r = p.send(&outbound(TO, Lang::En)).await.unwrap();
    assert_eq!(
        r.external_id,
        d.message_ids()[0],
        "the first part names the message"
    );
    assert_eq!(
        r.cost,
        Some(ProviderCost {
            currency: "USD".into(),
            micros: 90_000
        })
    );
}

#[tokio::test]
async fn status_codes_are_classified() {
    let d = VonageDouble::start(KEY, SECRET).await;
    let p = provider(&toml(&d, ""), false);
    for code in ["2", "3", "6", "15", "29", "33"] {
        d.set_behaviour(Behaviour::refuse(code));
        let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
        match &err {
            SendError::Rejected { code: c, message } => {
                assert_eq!(c, code);
                assert!(
                    message.starts_with(&format!("Vonage status {code}: ")),
                    "{message}"
                );
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    d.set_behaviour_for(TO, Behaviour::refuse("7"));
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    assert!(
        matches!(&err, SendError::Blocked { code, message } if code == "7" && message.contains("barred")),
        "{err:?}"
    );
    d.set_behaviour_for(TO, Behaviour::Accept);
    for code in ["8", "9"] {
        d.set_behaviour(Behaviour::refuse(code));
        let err = p
            .send(&outbound("+447700900999", Lang::En))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SendError::Down { message } if message.contains(code)),
            "{err:?}"
        );
    }
    for code in ["1", "5"] {
        d.set_behaviour(Behaviour::refuse(code));
        let err = p
            .send(&outbound("+447700900999", Lang::En))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SendError::Transient { .. }),
            "{code}: {err:?}"
        );
    }
}

#[tokio::test]
async fn bad_credentials_are_down_without_the_secret_in_the_message() {
    let d = VonageDouble::start(KEY, "the-real-secret").await;
    let p = provider(&toml(&d, ""), false);
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    match err {
        SendError::Down { message } => {
            assert!(message.contains("Bad Credentials"), "{message}");
            assert!(!message.contains(SECRET));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn http_failures_are_transient() {
    let d = VonageDouble::start(KEY, SECRET).await;
    let p = provider(&toml(&d, "timeout_sec = 1"), false);
    d.set_behaviour(Behaviour::ServerError);
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    assert!(
        matches!(&err, SendError::Transient { message, .. } if message.contains("500")),
        "{err:?}"
    );
    d.set_behaviour(Behaviour::TooMany { retry_after_sec: 9 });
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    assert!(
        matches!(&err, SendError::Transient { retry_after: Some(r), message } if *r == Duration::from_secs(9) && message.contains("429")),
        "{err:?}"
    );
    d.set_behaviour(Behaviour::Hang);
    let started = Instant::now();
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&err, SendError::Transient { message, .. } if message.contains("timed out")),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn receipts_map_to_reports_in_every_format() {
    for format in [
        ReceiptFormat::Get,
        ReceiptFormat::PostForm,
        ReceiptFormat::PostJson,
    ] {
        let d = VonageDouble::start(KEY, SECRET).await;
        d.set_receipt_format(format);
        let p = provider(&toml(&d, ""), true);
        let ok = p.send(&outbound(TO, Lang::En)).await.unwrap();
        let rs = d.receipts_at(&ok.external_id, NOW);
        assert_eq!(rs.len(), 2);
        assert!(
            rs[0]
                .url
                .starts_with(&format!("{PUBLIC}/callbacks/vonage?token="))
        );
        assert_eq!(
            report(p.as_ref(), &rs[0]),
            (ok.external_id.clone(), Report::Progress("accepted".into()))
        );
        assert_eq!(
            report(p.as_ref(), &rs[1]),
            (ok.external_id.clone(), Report::Delivered)
        );

        d.set_behaviour(Behaviour::FailLater {
            status: "failed".into(),
            err_code: "6".into(),
        });
        let bad = p.send(&outbound(TO, Lang::En)).await.unwrap();
        let rs = d.receipts_at(&bad.external_id, NOW);
        assert_eq!(
            report(p.as_ref(), &rs[1]).1,
            Report::Failed("failed: err-code 6 anti-spam rejection".into()),
            "{format:?}"
        );
    }
    let d = VonageDouble::start(KEY, SECRET).await;
    let p = provider(&toml(&d, ""), true);
    let url = format!("{PUBLIC}/callbacks/vonage?token={}", token("vonage"));
    for (status, code, expected) in [
        ("delivered", "0", Report::Delivered),
        ("accepted", "0", Report::Progress("accepted".into())),
        ("buffered", "0", Report::Progress("buffered".into())),
        ("unknown", "1", Report::Progress("unknown".into())),
        (
            "expired",
            "2",
            Report::Failed("expired: err-code 2 absent subscriber (temporary)".into()),
        ),
        (
            "rejected",
            "14",
            Report::Failed("rejected: err-code 14 number blocked by carrier".into()),
        ),
        ("failed", "77", Report::Failed("failed: err-code 77".into())),
    ] {
        let c = d.receipt(
            &url,
            &[
                ("messageId", "0A0000001"),
                ("status", status),
                ("err-code", code),
            ],
            NOW,
        );
        assert_eq!(
            report(p.as_ref(), &c),
            ("0A0000001".into(), expected),
            "{status}"
        );
    }
}

#[tokio::test]
async fn unsigned_receipts_need_the_url_token() {
    let d = VonageDouble::start(KEY, SECRET).await;
    let p = provider(&toml(&d, ""), true);
    let bad = |c: ReceiptCallback| {
        let r = p.callback(&request(&c, NOW));
        assert!(matches!(r, Err(CallbackError::BadSignature(_))), "{r:?}");
    };
    let base = format!("{PUBLIC}/callbacks/vonage");
    let fields = [("messageId", "0A1"), ("status", "delivered")];
    bad(d.receipt(&base, &fields, NOW));
    bad(d.receipt(&format!("{base}?token=0123"), &fields, NOW));
    // The token of another provider entry.
    bad(d.receipt(&format!("{base}?token={}", token("vonage-2")), &fields, NOW));
    let good = d.receipt(&format!("{base}?token={}", token("vonage")), &fields, NOW);
    assert_eq!(report(p.as_ref(), &good).1, Report::Delivered);
}

#[tokio::test]
async fn signed_receipts_are_checked_with_every_method() {
    for (method, name) in [
        (SigMethod::Md5hash, "md5hash"),
        (SigMethod::Md5, "md5"),
        (SigMethod::Sha1, "sha1"),
        (SigMethod::Sha256, "sha256"),
        (SigMethod::Sha512, "sha512"),
    ] {
        for format in [ReceiptFormat::Get, ReceiptFormat::PostJson] {
            let d = VonageDouble::start(KEY, SECRET).await;
            d.set_signing(Some((SIG_SECRET, method)));
            d.set_receipt_format(format);
            let extra =
                format!("signature_secret_env = \"VONAGE_SIG\"\nsignature_method = \"{name}\"");
            let p = provider(&toml(&d, &extra), true);
            let ok = p.send(&outbound(TO, Lang::En)).await.unwrap();
            let cb = d.requests()[0].get("callback").unwrap().to_owned();
            assert_eq!(
                cb,
                format!("{PUBLIC}/callbacks/vonage"),
                "no token when receipts are signed"
            );
            let rs = d.receipts_at(&ok.external_id, NOW);
            let good = rs.last().unwrap();
            assert!(good.param("sig").is_some() && good.param("nonce").is_some());
            assert_eq!(
                report(p.as_ref(), good),
                (ok.external_id.clone(), Report::Delivered),
                "{name}"
            );

            let refused = |c: &ReceiptCallback, now: i64, why: &str| {
                let r = p.callback(&request(c, now));
                assert!(
                    matches!(r, Err(CallbackError::BadSignature(_))),
                    "{name} {why}: {r:?}"
                );
            };
            refused(&good.tampered("status", "failed"), NOW, "tampered");
            refused(&good.without("sig"), NOW, "no sig");
            refused(&good.without("timestamp"), NOW, "no timestamp");
            // Replayed ten minutes later, or from the future.
            refused(good, NOW + 600, "stale");
            refused(good, NOW - 600, "future");
            // Four minutes is within the window.
            assert!(p.callback(&request(good, NOW + 240)).is_ok());
            // Signed with another secret.
            let other = VonageDouble::start(KEY, SECRET).await;
            other.set_signing(Some(("another-secret", method)));
            other.set_receipt_format(format);
            refused(
                &other.receipt(
                    &good.path_url(),
                    &[("messageId", "0A1"), ("status", "delivered")],
                    NOW,
                ),
                NOW,
                "other secret",
            );
        }
    }
}

#[tokio::test]
async fn receipts_without_their_fields_are_malformed() {
    let d = VonageDouble::start(KEY, SECRET).await;
    d.set_receipt_format(ReceiptFormat::PostJson);
    let p = provider(&toml(&d, ""), true);
    let url = format!("{PUBLIC}/callbacks/vonage?token={}", token("vonage"));
    for fields in [vec![("status", "delivered")], vec![("messageId", "0A1")]] {
        let r = p.callback(&request(&d.receipt(&url, &fields, NOW), NOW));
        assert!(matches!(r, Err(CallbackError::Malformed(_))), "{r:?}");
    }
    let mut c = d.receipt(&url, &[("messageId", "0A1"), ("status", "delivered")], NOW);
    c.body = "{not json".into();
    let r = p.callback(&request(&c, NOW));
    assert!(matches!(r, Err(CallbackError::Malformed(_))), "{r:?}");
}

#[tokio::test]
async fn receipts_are_posted_to_the_callback_url() {
    let d = VonageDouble::start(KEY, SECRET).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}", listener.local_addr().unwrap());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(
        move |method: http::Method, uri: http::Uri, headers: http::HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((method, uri, headers, body));
                "ok"
            }
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let toml = format!("[callbacks]\npublic_url = \"{public}\"\n{}", toml(&d, ""));
    let p = build_with(&toml, &env(&[("VONAGE_SECRET", SECRET)]), true)
        .unwrap()
        .provider("vonage")
        .unwrap();
    d.set_auto_receipts(true);
    let ok = p.send(&outbound(TO, Lang::En)).await.unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        let (method, uri, headers, body) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a receipt within the bound")
            .unwrap();
        let req = CallbackRequest {
            method,
            public_url: format!("{public}{uri}"),
            query: uri.query().unwrap_or_default().to_owned(),
            headers,
            body,
            now: 0,
        };
        match p.callback(&req).expect("authentic") {
            CallbackOutcome::Reports(r) => got.extend(r),
            other => panic!("{other:?}"),
        }
    }
    assert!(got.iter().all(|r| r.external_id == ok.external_id));
    assert_eq!(got[1].report, Report::Delivered);
}

fn build_err(toml: &str, vars: &[(&str, &str)]) -> String {
    match build_with(toml, &env(vars), false) {
        Ok(_) => panic!("{toml} should not build"),
        Err(e) => e,
    }
}

#[test]
fn missing_and_bad_settings_are_named() {
    let base = "[[sms]]\nprovider = \"vonage\"\n";
    let e = build_err(base, &[]);
    assert!(
        e.contains("sms[0] (vonage)") && e.contains("api_key is missing"),
        "{e}"
    );
    let e = build_err(
        &format!("{base}api_key = \"k\"\napi_secret_env = \"V_SECRET\"\nfrom = \"Acme\"\n"),
        &[],
    );
    assert!(e.contains("V_SECRET") && e.contains("not set"), "{e}");
    let e = build_err(&format!("{base}api_key = \"k\"\napi_secret = \"s\"\n"), &[]);
    assert!(e.contains("from is missing"), "{e}");
    let e = build_err(
        &format!("{base}api_key = \"k\"\napi_secret = \"s\"\nfrom = \"A very long sender\"\n"),
        &[],
    );
    assert!(e.contains("from must be"), "{e}");
    let e = build_err(
        &format!(
            "{base}api_key = \"k\"\napi_secret = \"s\"\nfrom = \"Acme\"\nsignature_method = \"sha256\"\n"
        ),
        &[],
    );
    assert!(
        e.contains("signature_method is given without signature_secret"),
        "{e}"
    );
    let e = build_err(
        &format!(
            "{base}api_key = \"k\"\napi_secret = \"s\"\nfrom = \"Acme\"\nsignature_method = \"crc32\"\nsignature_secret = \"x\"\n"
        ),
        &[],
    );
    assert!(e.contains("crc32"), "{e}");
    let e = build_err(
        &format!(
            "{base}api_key = \"k\"\napi_secret = \"s\"\nfrom = \"Acme\"\nprice_currency = \"euro\"\n"
        ),
        &[],
    );
    assert!(e.contains("price_currency"), "{e}");
    let e = build_err(
        &format!(
            "{base}api_key = \"k\"\napi_secret = \"s\"\nfrom = \"Acme\"\nsignature_secret_env = \"V_SIG\"\n"
        ),
        &[],
    );
    assert!(e.contains("V_SIG"), "{e}");
    let e = build_err(
        "[[voice]]\nprovider = \"vonage\"\napi_key = \"k\"\napi_secret = \"s\"\nfrom = \"Acme\"\n",
        &[],
    );
    assert!(e.contains("does not serve voice"), "{e}");
}

#[test]
fn secrets_stay_out_of_errors_and_debug_output() {
    let s = "vOnAgE-sEcReT-99";
    let toml = format!(
        "[[sms]]\nprovider = \"vonage\"\napi_key = \"k\"\napi_secret = \"{s}\"\nsignature_secret = \"{s}-sig\"\nfrom = \"way too long a sender\"\n"
    );
    let e = build_err(&toml, &[]);
    assert!(!e.contains(s), "{e}");
    let debug = format!("{:?}", DeliveryConfig::parse(&toml).unwrap());
    assert!(!debug.contains(s), "{debug}");
}
