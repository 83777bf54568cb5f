//! The `twilio` provider against the Twilio double: the exact requests for SMS and
//! calls, every failure class, status callbacks and their signatures, polling,
//! cancelling a ringing call, and the validation of its settings.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::doubles::twilio::{Behaviour, Kind, SignedCallback, TwilioDouble};
use verifyd::channels::config::{DeliveryConfig, Env};
use verifyd::channels::sandbox::Sandbox;
use verifyd::channels::{
    CallbackError, CallbackOutcome, CallbackRequest, Outbound, Provider, ProviderCost,
    ProviderReport, Report, ReportSink, SendError, Settles,
};
use verifyd::domain::channel::Channel;
use verifyd::domain::lang::Lang;
use verifyd::domain::messages::render;

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-0123456789";
const PUBLIC: &str = "https://verifyd.example.com";
const TO: &str = "+4915112345678";
const FROM: &str = "+15005550006";

fn env(vars: &[(&str, &str)]) -> Env {
    Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn build_with(
    toml: &str,
    env: &Env,
    callbacks: bool,
) -> Result<verifyd::channels::Channels, String> {
    let sandbox = Arc::new(Sandbox::new(ReportSink::new().0, None).expect("sandbox"));
    DeliveryConfig::parse(toml)?.build(env, sandbox, callbacks)
}

/// The provider named `name` from `toml` (with `[callbacks]` when `callbacks`).
fn provider(toml: &str, callbacks: bool, name: &str) -> Arc<dyn Provider> {
    let toml = if callbacks {
        format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{toml}")
    } else {
        toml.to_owned()
    };
    let channels = build_with(&toml, &env(&[("TWILIO_AUTH_TOKEN", TOKEN)]), callbacks)
        .unwrap_or_else(|e| panic!("config: {e}"));
    channels.provider(name).expect("the provider is registered")
}

fn sms_toml(d: &TwilioDouble, extra: &str) -> String {
    format!(
        "[[sms]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\nauth_token_env = \"TWILIO_AUTH_TOKEN\"\nfrom = \"{FROM}\"\nbase_url = \"{}\"\n{extra}\n",
        d.base_url()
    )
}

fn voice_toml(d: &TwilioDouble, extra: &str) -> String {
    format!(
        "[[voice]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\nauth_token_env = \"TWILIO_AUTH_TOKEN\"\nfrom = \"{FROM}\"\nbase_url = \"{}\"\n{extra}\n",
        d.base_url()
    )
}

fn outbound(channel: Channel, recipient: &str, lang: Lang) -> Outbound {
    let verification_id = uuid::Uuid::new_v4();
    Outbound {
        verification_id,
        attempt_id: uuid::Uuid::new_v4(),
        step: 1,
        tenant_id: "default".into(),
        channel,
        recipient: recipient.into(),
        sender_id: None,
        lang,
        code: "482913".into(),
        content: render(channel, lang, "Acme", "482913", None),
        sent_at: 0,
        timeout_sec: None,
        idempotency_key: format!("{verification_id}:1"),
    }
}

fn request(c: &SignedCallback) -> CallbackRequest {
    CallbackRequest {
        method: http::Method::POST,
        public_url: c.url.clone(),
        query: c.query(),
        headers: c.headers(),
        body: Bytes::from(c.body()),
        now: 1_700_000_000_000,
    }
}

fn reports(p: &dyn Provider, c: &SignedCallback) -> Vec<ProviderReport> {
    match p.callback(&request(c)) {
        Ok(CallbackOutcome::Reports(r)) => r,
        other => panic!("expected reports, got {other:?}"),
    }
}

fn one_report(p: &dyn Provider, c: &SignedCallback) -> Report {
    let r = reports(p, c);
    assert_eq!(r.len(), 1, "{r:?}");
    r[0].report.clone()
}

// ---------------------------------------------------------------- SMS

#[tokio::test]
async fn sms_is_sent_with_the_exact_form_and_priced() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    d.set_price(Some(("-0.00750", "USD")));
    let p = provider(&sms_toml(&d, ""), true, "twilio");
    let msg = outbound(Channel::Sms, TO, Lang::En);
    let r = p.send(&msg).await.expect("accepted");
    assert_eq!(d.sids(), vec![r.external_id.clone()]);
    assert!(r.external_id.starts_with("SM"));
    assert_eq!(r.settles, Settles::OnAccept);
    assert_eq!(
        r.cost,
        Some(ProviderCost {
            currency: "USD".into(),
            micros: 7_500
        })
    );
    let reqs = d.creates(Kind::Message);
    assert_eq!(reqs.len(), 1);
    let q = &reqs[0];
    assert_eq!(q.path, format!("/2010-04-01/Accounts/{SID}/Messages.json"));
    assert_eq!(q.auth_user.as_deref(), Some(SID));
    assert_eq!(
        q.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(q.names(), vec!["To", "From", "Body", "StatusCallback"]);
    assert_eq!(q.get("To"), Some(TO));
    assert_eq!(q.get("From"), Some(FROM));
    assert_eq!(q.get("Body"), Some(msg.content.text.as_str()));
    assert!(q.get("Body").unwrap().contains("482913"));
    assert_eq!(
        q.get("StatusCallback"),
        Some(format!("{PUBLIC}/callbacks/twilio").as_str())
    );
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn sms_without_callbacks_asks_for_none_and_has_no_price_yet() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), false, "twilio");
    let r = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .expect("accepted");
    assert_eq!(r.cost, None, "Twilio prices a message only later");
    assert_eq!(d.creates(Kind::Message)[0].get("StatusCallback"), None);
    assert_eq!(p.poll_interval(), None, "an SMS is not polled");
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn sender_id_overrides_from_and_a_messaging_service_may_pick_the_sender() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), false, "twilio");
    let mut msg = outbound(Channel::Sms, TO, Lang::En);
    msg.sender_id = Some("Acme".into());
    p.send(&msg).await.expect("accepted");
    assert_eq!(d.creates(Kind::Message)[0].get("From"), Some("Acme"));

    let d = TwilioDouble::start(SID, TOKEN).await;
    let toml = format!(
        "[[sms]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\nauth_token_env = \"TWILIO_AUTH_TOKEN\"\nmessaging_service_sid = \"MG0123456789abcdef0123456789abcdef\"\nbase_url = \"{}\"\n",
        d.base_url()
    );
    let p = provider(&toml, false, "twilio");
    p.send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .expect("accepted");
    let q = &d.creates(Kind::Message)[0];
    assert_eq!(q.names(), vec!["To", "MessagingServiceSid", "Body"]);
    assert_eq!(
        q.get("MessagingServiceSid"),
        Some("MG0123456789abcdef0123456789abcdef")
    );
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn an_api_key_authenticates_instead_of_the_auth_token() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    d.allow_api_key("SK0123456789abcdef0123456789abcdef", "api-key-secret-xyz");
    let toml = format!(
        "{}api_key_sid = \"SK0123456789abcdef0123456789abcdef\"\napi_key_secret_env = \"KEY_SECRET\"\n",
        sms_toml(&d, "")
    );
    let channels = build_with(
        &toml,
        &env(&[
            ("TWILIO_AUTH_TOKEN", TOKEN),
            ("KEY_SECRET", "api-key-secret-xyz"),
        ]),
        false,
    )
    .expect("config");
    let p = channels.provider("twilio").unwrap();
    p.send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .expect("accepted");
    assert_eq!(
        d.creates(Kind::Message)[0].auth_user.as_deref(),
        Some("SK0123456789abcdef0123456789abcdef")
    );

    // A wrong key secret: Twilio's 20003, and the provider is down.
    let channels = build_with(
        &toml,
        &env(&[("TWILIO_AUTH_TOKEN", TOKEN), ("KEY_SECRET", "wrong")]),
        false,
    )
    .expect("config");
    let err = channels
        .provider("twilio")
        .unwrap()
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Down { message } if message.contains("20003")),
        "{err:?}"
    );
}

#[tokio::test]
async fn refusals_are_classified_by_twilio_error_code() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), false, "twilio");
    for code in [21211, 21614, 21408] {
        d.set_behaviour(Behaviour::refuse(code));
        let err = p
            .send(&outbound(Channel::Sms, TO, Lang::En))
            .await
            .unwrap_err();
        match &err {
            SendError::Rejected { code: c, message } => {
                assert_eq!(c, &code.to_string());
                assert!(message.starts_with("400 Bad Request: "), "{message}");
            }
            other => panic!("{code}: {other:?}"),
        }
        assert!(err.to_string().contains(&format!("(code {code})")), "{err}");
    }
    // STOP: the recipient unsubscribed; no channel may try again.
    d.set_behaviour_for(TO, Behaviour::refuse(21610));
    let err = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Blocked { code, message } if code == "21610" && message.contains("unsubscribed")),
        "{err:?}"
    );
    // Only that recipient.
    d.set_behaviour(Behaviour::Accept);
    p.send(&outbound(Channel::Sms, "+4915199999999", Lang::En))
        .await
        .expect("another recipient is fine");
}

#[tokio::test]
async fn bad_credentials_are_down() {
    let d = TwilioDouble::start(SID, "the-real-token").await;
    let p = provider(&sms_toml(&d, ""), false, "twilio");
    let err = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
    match err {
        SendError::Down { message } => {
            assert!(
                message.contains("401") && message.contains("20003"),
                "{message}"
            );
            assert!(!message.contains(TOKEN));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_and_throttling_are_transient() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), false, "twilio");
    d.set_behaviour(Behaviour::ServerError);
    let err = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Transient { message, retry_after: None } if message.contains("500")),
        "{err:?}"
    );
    d.set_behaviour(Behaviour::TooMany { retry_after_sec: 7 });
    let err = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
    match err {
        SendError::Transient {
            message,
            retry_after,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert!(message.contains("429"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_hanging_twilio_is_transient_within_the_timeout() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    d.set_behaviour(Behaviour::Hang);
    let p = provider(&sms_toml(&d, "timeout_sec = 1"), false, "twilio");
    let started = Instant::now();
    let err = p
        .send(&outbound(Channel::Sms, TO, Lang::En))
        .await
        .unwrap_err();
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
async fn sms_status_callbacks_map_to_reports() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), true, "twilio");
    let ok = p.send(&outbound(Channel::Sms, TO, Lang::En)).await.unwrap();
    let cbs = d.callbacks(&ok.external_id);
    assert_eq!(cbs.len(), 2);
    assert_eq!(cbs[0].url, format!("{PUBLIC}/callbacks/twilio"));
    let r = reports(p.as_ref(), &cbs[0]);
    assert_eq!(r[0].external_id, ok.external_id);
    assert_eq!(r[0].report, Report::Progress("sent".into()));
    assert_eq!(one_report(p.as_ref(), &cbs[1]), Report::Delivered);

    d.set_behaviour(Behaviour::FailLater {
        status: "undelivered".into(),
        error_code: Some("30003".into()),
    });
    let bad = p.send(&outbound(Channel::Sms, TO, Lang::En)).await.unwrap();
    let cbs = d.callbacks(&bad.external_id);
    assert_eq!(
        one_report(p.as_ref(), cbs.last().unwrap()),
        Report::Failed("undelivered: 30003 unreachable destination handset".into())
    );

    // Every status Twilio documents for an outbound message.
    let url = format!("{PUBLIC}/callbacks/twilio");
    for (status, code, expected) in [
        ("accepted", None, Report::Progress("accepted".into())),
        ("queued", None, Report::Progress("queued".into())),
        ("sending", None, Report::Progress("sending".into())),
        ("sent", None, Report::Progress("sent".into())),
        ("delivered", None, Report::Delivered),
        (
            "failed",
            Some("30008"),
            Report::Failed("failed: 30008 unknown error".into()),
        ),
        (
            "undelivered",
            Some("30999"),
            Report::Failed("undelivered: 30999".into()),
        ),
        ("undelivered", None, Report::Failed("undelivered".into())),
    ] {
        let mut params = vec![
            ("MessageSid", "SM0000000000000000000000000000abcd"),
            ("MessageStatus", status),
            ("AccountSid", SID),
        ];
        if let Some(c) = code {
            params.push(("ErrorCode", c));
        }
        let c = d.signed(&url, &params);
        let r = reports(p.as_ref(), &c);
        assert_eq!(r[0].external_id, "SM0000000000000000000000000000abcd");
        assert_eq!(r[0].report, expected, "{status}");
    }
}

#[tokio::test]
async fn forged_or_unsigned_callbacks_are_refused() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), true, "twilio");
    let ok = p.send(&outbound(Channel::Sms, TO, Lang::En)).await.unwrap();
    let good = d.callbacks(&ok.external_id).pop().unwrap();
    assert_eq!(one_report(p.as_ref(), &good), Report::Delivered);

    let bad_sig = |req: CallbackRequest| {
        let r = p.callback(&req);
        assert!(matches!(r, Err(CallbackError::BadSignature(_))), "{r:?}");
    };
    // A changed parameter.
    bad_sig(request(&good.tampered("MessageStatus", "undelivered")));
    // No signature.
    let mut req = request(&good);
    req.headers.remove("x-twilio-signature");
    bad_sig(req);
    // Signed for another URL (another provider's callback path).
    let mut req = request(&good);
    req.public_url = format!("{PUBLIC}/callbacks/other");
    bad_sig(req);
    // Signed with another token.
    let other = TwilioDouble::start(SID, "another-token").await;
    bad_sig(request(&other.signed(
        &good.url,
        &[("MessageSid", "SM1"), ("MessageStatus", "delivered")],
    )));
    // A garbage signature.
    let mut req = request(&good);
    req.headers
        .insert("x-twilio-signature", "bm9wZQ==".parse().unwrap());
    bad_sig(req);
}

#[tokio::test]
async fn signed_callbacks_without_the_fields_are_malformed() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&sms_toml(&d, ""), true, "twilio");
    let url = format!("{PUBLIC}/callbacks/twilio");
    for params in [
        vec![("MessageStatus", "delivered")],
        vec![("MessageSid", "SM1")],
        vec![],
    ] {
        let r = p.callback(&request(&d.signed(&url, &params)));
        assert!(matches!(r, Err(CallbackError::Malformed(_))), "{r:?}");
    }
    // A body that is not a form at all, signed as it is.
    let mut req = request(&d.signed(&url, &[]));
    req.body = Bytes::from_static(b"\xff\xfe{json");
    let r = p.callback(&req);
    assert!(
        matches!(
            r,
            Err(CallbackError::Malformed(_) | CallbackError::BadSignature(_))
        ),
        "{r:?}"
    );
}

// ---------------------------------------------------------------- voice

/// The TwiML the provider must send for `msg` with `voice` and `lang`.
fn expected_twiml(msg: &Outbound, voice: &str, language: &str) -> String {
    let ssml = msg.content.ssml.as_deref().unwrap();
    let inner = ssml
        .split_once('>')
        .unwrap()
        .1
        .strip_suffix("</speak>")
        .unwrap();
    format!(r#"<Response><Say voice="{voice}" language="{language}">{inner}</Say></Response>"#)
}

#[tokio::test]
async fn a_call_says_the_ssml_in_the_language_voice_with_callbacks() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, ""), true, "twilio");
    assert_eq!(p.poll_interval(), None, "callbacks, not polling");
    let mut msg = outbound(Channel::Voice, TO, Lang::De);
    msg.timeout_sec = Some(45);
    let r = p.send(&msg).await.expect("accepted");
    assert!(r.external_id.starts_with("CA"));
    assert_eq!(r.settles, Settles::OnReport);
    let q = &d.creates(Kind::Call)[0];
    assert_eq!(q.path, format!("/2010-04-01/Accounts/{SID}/Calls.json"));
    assert_eq!(
        q.names(),
        vec![
            "To",
            "From",
            "Twiml",
            "Timeout",
            "StatusCallback",
            "StatusCallbackEvent",
            "StatusCallbackEvent",
            "StatusCallbackEvent",
            "StatusCallbackEvent",
            "StatusCallbackMethod"
        ]
    );
    assert_eq!(q.get("To"), Some(TO));
    assert_eq!(q.get("From"), Some(FROM));
    assert_eq!(q.get("Timeout"), Some("45"));
    assert_eq!(
        q.get("StatusCallback"),
        Some(format!("{PUBLIC}/callbacks/twilio").as_str())
    );
    assert_eq!(
        q.all("StatusCallbackEvent"),
        vec!["initiated", "ringing", "answered", "completed"]
    );
    assert_eq!(q.get("StatusCallbackMethod"), Some("POST"));
    let twiml = q.get("Twiml").unwrap();
    assert_eq!(twiml, expected_twiml(&msg, "Polly.Vicki", "de-DE"));
    // The code, digit by digit, twice.
    assert_eq!(
        twiml
            .matches(r#"<say-as interpret-as="characters">4</say-as>"#)
            .count(),
        2
    );
    assert!(!twiml.contains("482913"));
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn voices_can_be_chosen_for_all_or_per_language() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(
        &voice_toml(
            &d,
            "voice = \"Polly.Hans\"\nvoices = { fr = \"Google.fr-FR-Standard-B\" }",
        ),
        true,
        "twilio",
    );
    let de = outbound(Channel::Voice, TO, Lang::De);
    let fr = outbound(Channel::Voice, TO, Lang::Fr);
    p.send(&de).await.unwrap();
    p.send(&fr).await.unwrap();
    let calls = d.creates(Kind::Call);
    assert_eq!(
        calls[0].get("Twiml").unwrap(),
        expected_twiml(&de, "Polly.Hans", "de-DE")
    );
    assert_eq!(
        calls[1].get("Twiml").unwrap(),
        expected_twiml(&fr, "Google.fr-FR-Standard-B", "fr-FR")
    );

    // The defaults: Croatian has no Twilio voice and is read by the Serbian one,
    // whose language goes with it; Czech by Google's.
    let p = provider(&voice_toml(&d, ""), true, "twilio");
    let hr = outbound(Channel::Voice, TO, Lang::Hr);
    let cs = outbound(Channel::Voice, TO, Lang::Cs);
    p.send(&hr).await.unwrap();
    p.send(&cs).await.unwrap();
    let calls = d.creates(Kind::Call);
    assert_eq!(
        calls[2].get("Twiml").unwrap(),
        expected_twiml(&hr, "Google.sr-RS-Standard-A", "sr-RS")
    );
    assert_eq!(
        calls[3].get("Twiml").unwrap(),
        expected_twiml(&cs, "Google.cs-CZ-Standard-A", "cs-CZ")
    );
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn ring_time_is_clamped_to_twilios_range() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, ""), true, "twilio");
    let mut msg = outbound(Channel::Voice, TO, Lang::En);
    msg.timeout_sec = Some(5_000);
    p.send(&msg).await.unwrap();
    msg.timeout_sec = None;
    p.send(&msg).await.unwrap();
    let calls = d.creates(Kind::Call);
    assert_eq!(calls[0].get("Timeout"), Some("600"));
    assert_eq!(calls[1].get("Timeout"), None, "Twilio's default of 60 s");
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn call_refusals_and_transport_failures() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, "timeout_sec = 1"), true, "twilio");
    d.set_behaviour(Behaviour::refuse(21215));
    let err = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Rejected { code, .. } if code == "21215"),
        "{err:?}"
    );
    d.set_behaviour(Behaviour::ServerError);
    assert!(matches!(
        p.send(&outbound(Channel::Voice, TO, Lang::En)).await,
        Err(SendError::Transient { .. })
    ));
    d.set_behaviour(Behaviour::Hang);
    let started = Instant::now();
    assert!(matches!(
        p.send(&outbound(Channel::Voice, TO, Lang::En)).await,
        Err(SendError::Transient { .. })
    ));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn call_status_callbacks_map_to_reports() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, ""), true, "twilio");
    let ok = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    let got: Vec<Report> = d
        .callbacks(&ok.external_id)
        .iter()
        .map(|c| one_report(p.as_ref(), c))
        .collect();
    assert_eq!(
        got,
        vec![
            Report::Progress("initiated".into()),
            Report::Progress("ringing".into()),
            Report::Delivered,
            Report::Delivered,
        ]
    );
    for status in ["busy", "no-answer", "failed", "canceled"] {
        d.set_behaviour(Behaviour::FailLater {
            status: status.into(),
            error_code: None,
        });
        let r = p
            .send(&outbound(Channel::Voice, TO, Lang::En))
            .await
            .unwrap();
        let cbs = d.callbacks(&r.external_id);
        let last = reports(p.as_ref(), cbs.last().unwrap());
        assert_eq!(last[0].external_id, r.external_id);
        assert_eq!(last[0].report, Report::Failed(status.into()));
    }
    let url = format!("{PUBLIC}/callbacks/twilio");
    let queued = d.signed(&url, &[("CallSid", "CA1"), ("CallStatus", "queued")]);
    assert_eq!(
        one_report(p.as_ref(), &queued),
        Report::Progress("queued".into())
    );
    let r = p.callback(&request(&d.signed(&url, &[("CallSid", "CA1")])));
    assert!(matches!(r, Err(CallbackError::Malformed(_))), "{r:?}");
}

#[tokio::test]
async fn calls_are_polled_when_callbacks_are_off() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, ""), false, "twilio");
    assert_eq!(p.poll_interval(), Some(Duration::from_secs(3)));
    let ok = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    let q = &d.creates(Kind::Call)[0];
    assert_eq!(q.names(), vec!["To", "From", "Twiml"], "no callbacks asked");
    // queued, ringing: nothing decisive; then answered.
    assert_eq!(p.poll(&ok.external_id).await.unwrap(), None);
    assert_eq!(p.poll(&ok.external_id).await.unwrap(), None);
    assert_eq!(
        p.poll(&ok.external_id).await.unwrap(),
        Some(Report::Delivered)
    );
    let fetch = d.requests().pop().unwrap();
    assert_eq!(fetch.method, http::Method::GET);
    assert_eq!(
        fetch.path,
        format!("/2010-04-01/Accounts/{SID}/Calls/{}.json", ok.external_id)
    );
    assert_eq!(fetch.auth_user.as_deref(), Some(SID));

    d.set_behaviour(Behaviour::FailLater {
        status: "no-answer".into(),
        error_code: None,
    });
    let bad = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    let mut last = None;
    for _ in 0..3 {
        last = p.poll(&bad.external_id).await.unwrap();
    }
    assert_eq!(last, Some(Report::Failed("no-answer".into())));
    // An unknown call is Twilio's 404: this account cannot see it.
    assert!(matches!(
        p.poll("CA00000000000000000000000000000000").await,
        Err(SendError::Down { .. })
    ));
    let p = provider(&voice_toml(&d, "poll_interval_sec = 1"), false, "twilio");
    assert_eq!(p.poll_interval(), Some(Duration::from_secs(1)));
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn revoking_cancels_a_ringing_call_only() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    let p = provider(&voice_toml(&d, ""), true, "twilio");
    d.set_behaviour(Behaviour::Silent);
    let ringing = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    d.set_status(&ringing.external_id, "ringing");
    p.revoke(&ringing.external_id).await.expect("revoked");
    assert_eq!(d.status(&ringing.external_id).as_deref(), Some("canceled"));
    let update = d.requests().pop().unwrap();
    assert_eq!(update.method, http::Method::POST);
    assert_eq!(
        update.path,
        format!(
            "/2010-04-01/Accounts/{SID}/Calls/{}.json",
            ringing.external_id
        )
    );
    assert_eq!(update.form, vec![("Status".into(), "canceled".into())]);

    d.set_behaviour(Behaviour::Accept);
    let answered = p
        .send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    d.set_status(&answered.external_id, "in-progress");
    p.revoke(&answered.external_id)
        .await
        .expect("nothing to do");
    assert_eq!(
        d.status(&answered.external_id).as_deref(),
        Some("in-progress"),
        "an answered call is not cut off"
    );
    // An SMS cannot be withdrawn: nothing is asked of Twilio.
    let sms = provider(&sms_toml(&d, ""), false, "twilio");
    let before = d.requests().len();
    sms.revoke("SM1").await.unwrap();
    assert_eq!(d.requests().len(), before);
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn callbacks_are_posted_to_the_status_callback_url() {
    // The double can post on its own; here to a listener standing in for the
    // ingress, which hands them to the provider.
    let d = TwilioDouble::start(SID, TOKEN).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}", listener.local_addr().unwrap());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(
        move |headers: http::HeaderMap, uri: http::Uri, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, uri, body));
                "ok"
            }
        },
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let toml = format!(
        "[callbacks]\npublic_url = \"{public}\"\n{}",
        sms_toml(&d, "")
    );
    let channels = build_with(&toml, &env(&[("TWILIO_AUTH_TOKEN", TOKEN)]), true).unwrap();
    let p = channels.provider("twilio").unwrap();
    d.set_auto_callbacks(true);
    let ok = p.send(&outbound(Channel::Sms, TO, Lang::En)).await.unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        let (headers, uri, body) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a callback within the bound")
            .unwrap();
        let req = CallbackRequest {
            method: http::Method::POST,
            public_url: format!("{public}{}", uri.path()),
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
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.external_id == ok.external_id));
    assert_eq!(got[1].report, Report::Delivered);
}

// ---------------------------------------------------------------- settings

fn build_err(toml: &str, vars: &[(&str, &str)], callbacks: bool) -> String {
    let toml = if callbacks {
        format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{toml}")
    } else {
        toml.to_owned()
    };
    match build_with(&toml, &env(vars), callbacks) {
        Ok(_) => panic!("{toml} should not build"),
        Err(e) => e,
    }
}

#[test]
fn missing_and_bad_settings_are_named() {
    let base = "[[sms]]\nprovider = \"twilio\"\n";
    let e = build_err(base, &[], false);
    assert!(
        e.contains("sms[0] (twilio)") && e.contains("account_sid is missing"),
        "{e}"
    );

    let e = build_err(
        &format!("{base}account_sid = \"{SID}\"\nfrom = \"{FROM}\"\n"),
        &[],
        false,
    );
    assert!(e.contains("auth_token is missing"), "{e}");

    let e = build_err(
        &format!(
            "{base}account_sid = \"{SID}\"\nfrom = \"{FROM}\"\nauth_token_env = \"TW_TOKEN\"\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("TW_TOKEN") && e.contains("not set"), "{e}");

    let e = build_err(
        &format!("{base}account_sid = \"{SID}\"\nauth_token = \"t\"\n"),
        &[],
        false,
    );
    assert!(e.contains("from is missing"), "{e}");

    let e = build_err(
        &format!(
            "{base}account_sid = \"{SID}\"\nauth_token = \"t\"\nauth_token_env = \"X\"\nfrom = \"{FROM}\"\n"
        ),
        &[("X", "y")],
        false,
    );
    assert!(e.contains("not both"), "{e}");

    let e = build_err(
        &format!(
            "{base}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nbase_url = \"ftp://x\"\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("base_url"), "{e}");

    let e = build_err(
        &format!(
            "{base}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nreports = \"poll\"\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("reports applies to voice only"), "{e}");

    let e = build_err(
        &format!(
            "{base}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nshoe_size = 3\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("shoe_size"), "{e}");

    let v = "[[voice]]\nprovider = \"twilio\"\n";
    let e = build_err(
        &format!(
            "{v}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nreports = \"callback\"\n"
        ),
        &[],
        false,
    );
    assert!(
        e.contains("voice[0]") && e.contains("callback-listen"),
        "{e}"
    );

    let e = build_err(
        &format!("{v}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"Acme\"\n"),
        &[],
        false,
    );
    assert!(e.contains("E.164"), "{e}");

    let e = build_err(
        &format!(
            "{v}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nmessaging_service_sid = \"MG1\"\n"
        ),
        &[],
        false,
    );
    assert!(
        e.contains("messaging_service_sid applies to sms only"),
        "{e}"
    );

    let e = build_err(
        &format!(
            "{v}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nvoices = {{ xx = \"Polly.Joanna\" }}\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("voices.xx"), "{e}");

    let e = build_err(
        &format!(
            "{v}account_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\nvoice = \"x\\\" onload=\\\"\"\n"
        ),
        &[],
        false,
    );
    assert!(e.contains("voice must be a Twilio voice name"), "{e}");

    // Twilio does not serve email.
    let e = build_err(
        &format!("[[email]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\n"),
        &[],
        false,
    );
    assert!(e.contains("does not serve email"), "{e}");
}

#[test]
fn secrets_stay_out_of_errors_and_debug_output() {
    let secret = "sEcReT-tOkEn-4242";
    let toml = format!(
        "[[voice]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\nauth_token = \"{secret}\"\napi_key_sid = \"SK1\"\napi_key_secret = \"{secret}-key\"\nfrom = \"not a number\"\n"
    );
    let e = build_err(&toml, &[], false);
    assert!(e.contains("from"), "{e}");
    assert!(!e.contains(secret), "{e}");
    let parsed = DeliveryConfig::parse(&toml).unwrap();
    let debug = format!("{parsed:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(debug.contains("***"));
}

#[tokio::test]
async fn an_api_key_without_auth_token_polls_and_takes_no_callbacks() {
    let d = TwilioDouble::start(SID, TOKEN).await;
    d.allow_api_key("SK1", "key-secret");
    let toml = format!(
        "[[voice]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\napi_key_sid = \"SK1\"\napi_key_secret = \"key-secret\"\nfrom = \"{FROM}\"\nbase_url = \"{}\"\n",
        d.base_url()
    );
    let p = build_with(&toml, &env(&[]), false)
        .unwrap()
        .provider("twilio")
        .unwrap();
    assert!(p.poll_interval().is_some());
    p.send(&outbound(Channel::Voice, TO, Lang::En))
        .await
        .unwrap();
    let c = d.signed("https://x/callbacks/twilio", &[("CallSid", "CA1")]);
    assert_eq!(p.callback(&request(&c)), Err(CallbackError::NotSupported));
    // With callbacks on, the auth token is needed to check them.
    let e = build_err(&toml, &[], true);
    assert!(e.contains("auth_token is missing"), "{e}");
}

#[test]
fn one_twilio_entry_per_channel_gets_channel_names() {
    let t = |ch: &str| {
        format!(
            "[[{ch}]]\nprovider = \"twilio\"\naccount_sid = \"{SID}\"\nauth_token = \"t\"\nfrom = \"{FROM}\"\n"
        )
    };
    let c = build_with(&format!("{}{}", t("sms"), t("voice")), &env(&[]), false).unwrap();
    assert!(c.provider("twilio-sms").is_some());
    assert!(c.provider("twilio-voice").is_some());
}
