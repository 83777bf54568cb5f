//! `provider = "whatsapp-cloud"` against the WhatsApp Cloud API double: the
//! authentication-template wire format, languages, the classification of Graph
//! errors, webhook verification and signed status notifications, and the
//! validation of its settings.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::doubles::whatsapp::{
    self, Behaviour, SignedWebhook, WhatsAppDouble, envelope, status_item,
};
use serde_json::json;
use uuid::Uuid;
use verifyd::channels::config::{DeliveryConfig, Env};
use verifyd::channels::sandbox::Sandbox;
use verifyd::channels::{
    CallbackError, CallbackOutcome, CallbackRequest, Channels, Outbound, Provider, ProviderReport,
    Receipt, Report, ReportSink, SendError, Settles,
};
use verifyd::domain::channel::Channel;
use verifyd::domain::lang::Lang;
use verifyd::domain::messages::Rendered;

const PUBLIC: &str = "https://verifyd.example.com";
const PHONE: &str = "+491701234567";
const NAME: &str = "whatsapp-cloud";

fn env() -> Env {
    Env::new([
        ("WA_TOKEN".to_owned(), whatsapp::ACCESS_TOKEN.to_owned()),
        ("WA_APP_SECRET".to_owned(), whatsapp::APP_SECRET.to_owned()),
        ("WA_VERIFY".to_owned(), whatsapp::VERIFY_TOKEN.to_owned()),
    ])
}

fn sandbox() -> Arc<Sandbox> {
    Arc::new(Sandbox::new(ReportSink::new().0, None).unwrap())
}

fn build(toml: &str, env: &Env, callbacks: bool) -> Result<Channels, String> {
    let text = if callbacks {
        format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{toml}")
    } else {
        toml.to_owned()
    };
    DeliveryConfig::parse(&text)?.build(env, sandbox(), callbacks)
}

/// A complete entry for the double, with `extra` lines.
fn entry(base_url: &str, extra: &str) -> String {
    format!(
        "[[whatsapp]]
provider = \"whatsapp-cloud\"
phone_number_id = \"{}\"
access_token_env = \"WA_TOKEN\"
app_secret_env = \"WA_APP_SECRET\"
verify_token_env = \"WA_VERIFY\"
template = \"{}\"
base_url = \"{base_url}\"
{extra}
",
        whatsapp::PHONE_NUMBER_ID,
        whatsapp::TEMPLATE
    )
}

fn provider(wa: &WhatsAppDouble, extra: &str) -> Arc<dyn Provider> {
    build(&entry(&wa.base_url(), extra), &env(), true)
        .unwrap()
        .provider(NAME)
        .expect("the provider by its default name")
}

fn outbound(recipient: &str, lang: Lang) -> Outbound {
    let verification_id = Uuid::new_v4();
    Outbound {
        verification_id,
        attempt_id: Uuid::new_v4(),
        step: 1,
        tenant_id: "default".into(),
        channel: Channel::Whatsapp,
        recipient: recipient.into(),
        sender_id: None,
        lang,
        code: "482913".into(),
        content: Rendered {
            text: "Your code is 482913".into(),
            ssml: None,
            subject: None,
            html: None,
        },
        sent_at: 0,
        timeout_sec: Some(120),
        idempotency_key: format!("{verification_id}:1"),
    }
}

fn post(hook: &SignedWebhook) -> CallbackRequest {
    CallbackRequest {
        method: http::Method::POST,
        public_url: format!("{PUBLIC}/callbacks/{NAME}"),
        query: String::new(),
        headers: hook.headers(),
        body: hook.body.clone().into(),
        now: 1_790_000_000_000,
    }
}

fn get(query: &str) -> CallbackRequest {
    CallbackRequest {
        method: http::Method::GET,
        public_url: format!("{PUBLIC}/callbacks/{NAME}?{query}"),
        query: query.to_owned(),
        headers: http::HeaderMap::new(),
        body: Default::default(),
        now: 1_790_000_000_000,
    }
}

fn reports(p: &dyn Provider, hook: &SignedWebhook) -> Vec<ProviderReport> {
    match p.callback(&post(hook)) {
        Ok(CallbackOutcome::Reports(r)) => r,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn send_is_the_copy_code_authentication_template() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    let msg = outbound(PHONE, Lang::En);
    let r = p.send(&msg).await.unwrap();
    let m = &wa.messages()[0];
    assert_eq!(
        r,
        Receipt {
            external_id: m.id.clone(),
            settles: Settles::OnReport,
            cost: None,
        }
    );
    assert!(r.external_id.starts_with("wamid."));
    let req = &wa.requests()[0];
    assert_eq!(req.method, http::Method::POST);
    assert_eq!(
        req.path,
        format!("/v25.0/{}/messages", whatsapp::PHONE_NUMBER_ID)
    );
    assert_eq!(
        req.headers["authorization"],
        format!("Bearer {}", whatsapp::ACCESS_TOKEN).as_str()
    );
    assert_eq!(req.headers["content-type"], "application/json");
    assert_eq!(
        req.json,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "491701234567",
            "type": "template",
            "template": {
                "name": whatsapp::TEMPLATE,
                "language": { "code": "en_US" },
                "components": [
                    { "type": "body", "parameters": [{ "type": "text", "text": "482913" }] },
                    {
                        "type": "button",
                        "sub_type": "url",
                        "index": "0",
                        "parameters": [{ "type": "text", "text": "482913" }]
                    }
                ]
            },
            "biz_opaque_callback_data": msg.idempotency_key,
        })
    );
    assert_eq!(p.poll_interval(), None, "WhatsApp reports by webhook only");
    wa.assert_clean();
}

#[tokio::test]
async fn the_template_language_follows_the_message() {
    let wa = WhatsAppDouble::start().await;
    wa.add_template(whatsapp::TEMPLATE, &["de_AT"]);
    let p = provider(&wa, "");
    for lang in [Lang::De, Lang::Pt, Lang::Uk] {
        p.send(&outbound(PHONE, lang)).await.unwrap();
    }
    let p = provider(
        &wa,
        "api_version = \"v23.0\"\n[whatsapp.languages]\nen = \"en_GB\"\nDE = \"de_AT\"",
    );
    p.send(&outbound(PHONE, Lang::En)).await.unwrap();
    p.send(&outbound(PHONE, Lang::De)).await.unwrap();
    p.send(&outbound(PHONE, Lang::Fr)).await.unwrap();
    let langs: Vec<String> = wa.messages().into_iter().map(|m| m.language).collect();
    assert_eq!(langs, ["de", "pt_PT", "uk", "en_GB", "de_AT", "fr"]);
    assert!(
        wa.requests()[3]
            .path
            .starts_with(&format!("/v23.0/{}/", whatsapp::PHONE_NUMBER_ID))
    );
    wa.assert_clean();
}

#[tokio::test]
async fn refusals_of_the_recipient_are_rejected_with_the_code() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    for code in [131026, 131009, 100, 131051] {
        let phone = format!("+1555{code:07}");
        wa.set_for(&phone, Behaviour::refuse(code));
        match p.send(&outbound(&phone, Lang::En)).await {
            Err(e @ SendError::Rejected { .. }) => {
                assert!(
                    matches!(&e, SendError::Rejected { code: c, .. } if *c == code.to_string())
                );
                assert!(e.to_string().contains(&format!("#{code}")), "{e}");
                assert!(e.to_string().contains("fbtrace_id"), "{e}");
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    assert!(wa.messages().is_empty());
    wa.assert_clean();
}

#[tokio::test]
async fn credentials_permissions_account_and_template_problems_are_down() {
    let wa = WhatsAppDouble::start().await;
    // A token the double does not know: Graph's 190.
    let mut vars = vec![
        ("WA_TOKEN".to_owned(), "EAAwrong".to_owned()),
        ("WA_APP_SECRET".to_owned(), whatsapp::APP_SECRET.to_owned()),
        ("WA_VERIFY".to_owned(), whatsapp::VERIFY_TOKEN.to_owned()),
    ];
    let p = build(&entry(&wa.base_url(), ""), &Env::new(vars.clone()), true)
        .unwrap()
        .provider(NAME)
        .unwrap();
    match p.send(&outbound(PHONE, Lang::En)).await {
        Err(SendError::Down { message }) => {
            assert!(message.contains("Invalid OAuth access token"), "{message}");
            assert!(!message.contains("EAAwrong"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    vars[0].1 = whatsapp::ACCESS_TOKEN.to_owned();
    // Another phone number id: "Object with ID … does not exist".
    let toml = entry(&wa.base_url(), "").replace(whatsapp::PHONE_NUMBER_ID, "999999999");
    let p = build(&toml, &Env::new(vars), true)
        .unwrap()
        .provider(NAME)
        .unwrap();
    assert!(matches!(
        p.send(&outbound(PHONE, Lang::En)).await,
        Err(SendError::Down { message }) if message.contains("999999999")
    ));
    let p = provider(&wa, "");
    for code in [10, 200, 368] {
        let phone = format!("+1555{code:07}");
        wa.set_for(&phone, Behaviour::refuse(code));
        assert!(
            matches!(
                p.send(&outbound(&phone, Lang::En)).await,
                Err(SendError::Down { .. })
            ),
            "{code}"
        );
    }
    // The template does not exist in the language asked for.
    let p = provider(&wa, "[whatsapp.languages]\nfr = \"fr_CA\"");
    assert!(matches!(
        p.send(&outbound(PHONE, Lang::Fr)).await,
        Err(SendError::Down { message }) if message.contains("132001")
    ));
    wa.assert_clean();
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_transient() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    wa.set_for("+15550000001", Behaviour::ServerError);
    wa.set_for(
        "+15550000002",
        Behaviour::RateLimited {
            retry_after_secs: 9,
        },
    );
    wa.set_for("+15550000003", Behaviour::refuse(131056));
    wa.set_for("+15550000004", Behaviour::refuse(80007));
    wa.set_for("+15550000005", Behaviour::refuse(130429));
    assert!(matches!(
        p.send(&outbound("+15550000001", Lang::En)).await,
        Err(SendError::Transient { message, retry_after: None }) if message.contains("131000")
    ));
    assert!(matches!(
        p.send(&outbound("+15550000002", Lang::En)).await,
        Err(SendError::Transient { retry_after: Some(d), .. }) if d == Duration::from_secs(9)
    ));
    for phone in ["+15550000003", "+15550000004", "+15550000005"] {
        assert!(
            matches!(
                p.send(&outbound(phone, Lang::En)).await,
                Err(SendError::Transient { .. })
            ),
            "{phone}: throttling under HTTP 400 is still transient"
        );
    }
    wa.assert_clean();
}

#[tokio::test]
async fn a_hanging_api_is_transient_within_the_timeout() {
    let wa = WhatsAppDouble::start().await;
    wa.set_default(Behaviour::Hang);
    let p = provider(&wa, "timeout_sec = 1");
    let started = Instant::now();
    let r = p.send(&outbound(PHONE, Lang::En)).await;
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
async fn the_subscription_check_echoes_the_challenge_for_the_right_token() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    assert_eq!(
        p.callback(&get(&whatsapp::subscription_query(
            whatsapp::VERIFY_TOKEN,
            "1158201444"
        ))),
        Ok(CallbackOutcome::Reply {
            status: 200,
            content_type: "text/plain",
            body: "1158201444".into(),
        })
    );
    assert!(matches!(
        p.callback(&get(&whatsapp::subscription_query("guess", "1158201444"))),
        Err(CallbackError::BadSignature(_))
    ));
    assert!(matches!(
        p.callback(&get("hub.challenge=1&hub.verify_token=x")),
        Err(CallbackError::Malformed(_))
    ));
    assert!(matches!(
        p.callback(&get(&format!(
            "hub.mode=subscribe&hub.verify_token={}",
            whatsapp::VERIFY_TOKEN
        ))),
        Err(CallbackError::Malformed(_))
    ));
}

#[tokio::test]
async fn status_notifications_map_to_reports() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    let id = p
        .send(&outbound(PHONE, Lang::En))
        .await
        .unwrap()
        .external_id;
    let one = |hook: SignedWebhook| {
        let r = reports(p.as_ref(), &hook);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].external_id, id);
        r[0].report.clone()
    };
    assert_eq!(
        one(wa.status_webhook(&id, "sent")),
        Report::Progress("sent".into())
    );
    assert_eq!(one(wa.status_webhook(&id, "delivered")), Report::Delivered);
    assert_eq!(one(wa.status_webhook(&id, "read")), Report::Delivered);
    assert_eq!(
        one(wa.failed_webhook(&id, 131026, "Message undeliverable")),
        Report::Failed("failed: 131026 Message undeliverable".into())
    );
    // Several statuses in one notification: one report each, in order.
    let value = json!({
        "messaging_product": "whatsapp",
        "statuses": [
            status_item(&id, "sent", "491701234567", None),
            status_item("wamid.other", "failed", "491701234567", Some((131049, "This message was not delivered to maintain healthy ecosystem engagement."))),
        ],
    });
    let hook = SignedWebhook::new(
        whatsapp::APP_SECRET,
        envelope(value).to_string().into_bytes(),
    );
    assert_eq!(
        reports(p.as_ref(), &hook),
        vec![
            ProviderReport {
                external_id: id.clone(),
                report: Report::Progress("sent".into())
            },
            ProviderReport {
                external_id: "wamid.other".into(),
                report: Report::Failed(
                    "failed: 131049 This message was not delivered to maintain healthy ecosystem engagement."
                        .into()
                )
            },
        ]
    );
    // Incoming messages and other fields carry no report.
    assert!(
        reports(
            p.as_ref(),
            &wa.incoming_message_webhook("491701234567", "hi")
        )
        .is_empty()
    );
    let other = json!({ "object": "whatsapp_business_account", "entry": [{ "id": whatsapp::WABA_ID,
        "changes": [{ "field": "message_template_status_update", "value": { "event": "APPROVED" } }] }] });
    let hook = SignedWebhook::new(whatsapp::APP_SECRET, other.to_string().into_bytes());
    assert!(reports(p.as_ref(), &hook).is_empty());
}

#[tokio::test]
async fn unsigned_forged_or_malformed_notifications_are_refused() {
    let wa = WhatsAppDouble::start().await;
    let p = provider(&wa, "");
    let good = wa.status_webhook("wamid.x", "delivered");
    assert!(p.callback(&post(&good)).is_ok());
    let refused = |req: CallbackRequest, what: &str| {
        assert!(
            matches!(p.callback(&req), Err(CallbackError::BadSignature(_))),
            "{what}"
        )
    };
    let mut req = post(&good);
    req.headers.remove("x-hub-signature-256");
    refused(req, "unsigned");
    refused(
        post(&SignedWebhook::new("another-secret", good.body.clone())),
        "another app's secret",
    );
    let mut tampered = good.clone();
    tampered.body = String::from_utf8(good.body.clone())
        .unwrap()
        .replace("delivered", "read")
        .into_bytes();
    refused(post(&tampered), "tampered body");
    let mut req = post(&good);
    let hex = good.signature.trim_start_matches("sha256=");
    req.headers
        .insert("x-hub-signature-256", hex.parse().unwrap());
    refused(req, "no sha256= prefix");
    let mut req = post(&good);
    req.headers
        .insert("x-hub-signature-256", "sha256=zz".parse().unwrap());
    refused(req, "not hex");

    for body in [
        &b"not json"[..],
        br#"{"entry":[]}"#,
        br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"status":"sent"}]}}]}]}"#,
    ] {
        let hook = SignedWebhook::new(whatsapp::APP_SECRET, body.to_vec());
        assert!(
            matches!(p.callback(&post(&hook)), Err(CallbackError::Malformed(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let mut put = post(&good);
    put.method = http::Method::PUT;
    assert!(matches!(p.callback(&put), Err(CallbackError::Malformed(_))));
}

/// The double verifies the webhook URL and posts each message's notifications to
/// it, signed as Meta signs; a stand-in ingress hands them to the provider.
#[tokio::test]
async fn the_double_verifies_and_posts_to_the_webhook_url() {
    use axum::body::Bytes;
    use axum::extract::RawQuery;
    use axum::http::{HeaderMap, Method, StatusCode};
    use axum::response::IntoResponse;

    let wa = WhatsAppDouble::start().await;
    wa.set_for("+15550000002", Behaviour::fail_later());
    wa.set_for("+15550000003", Behaviour::Silent);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ingress = format!("http://{}", listener.local_addr().unwrap());
    let toml = format!(
        "[callbacks]\npublic_url = \"{ingress}\"\n{}",
        entry(&wa.base_url(), "")
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
        "/callbacks/whatsapp-cloud",
        axum::routing::any(
            move |method: Method, RawQuery(query): RawQuery, headers: HeaderMap, body: Bytes| {
                let p = handler_p.clone();
                let tx = tx.clone();
                async move {
                    let req = CallbackRequest {
                        method,
                        public_url: String::new(),
                        query: query.unwrap_or_default(),
                        headers,
                        body,
                        now: 0,
                    };
                    match p.callback(&req) {
                        Ok(CallbackOutcome::Reports(r)) => {
                            tx.send(r).unwrap();
                            StatusCode::OK.into_response()
                        }
                        Ok(CallbackOutcome::Reply { status, body, .. }) => {
                            (StatusCode::from_u16(status).unwrap(), body).into_response()
                        }
                        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
                    }
                }
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    wa.set_webhook_url(&format!("{ingress}/callbacks/{NAME}"));

    assert_eq!(
        wa.verify_webhook(whatsapp::VERIFY_TOKEN, "8675309").await,
        (200, "8675309".into())
    );
    assert_eq!(wa.verify_webhook("wrong", "8675309").await.0, 401);

    let delivered = p
        .send(&outbound("+15550000001", Lang::En))
        .await
        .unwrap()
        .external_id;
    let failed = p
        .send(&outbound("+15550000002", Lang::En))
        .await
        .unwrap()
        .external_id;
    let silent = p
        .send(&outbound("+15550000003", Lang::En))
        .await
        .unwrap()
        .external_id;
    let posted = wa.post_webhooks().await;
    assert_eq!(
        posted,
        vec![
            (delivered.clone(), "sent".to_owned(), 200),
            (delivered.clone(), "delivered".to_owned(), 200),
            (failed.clone(), "failed".to_owned(), 200),
            (silent.clone(), "sent".to_owned(), 200),
        ]
    );
    assert!(
        wa.post_webhooks().await.is_empty(),
        "each notification once"
    );
    let mut got = Vec::new();
    for _ in 0..4 {
        got.extend(rx.recv().await.unwrap());
    }
    assert_eq!(
        got,
        vec![
            ProviderReport {
                external_id: delivered.clone(),
                report: Report::Progress("sent".into())
            },
            ProviderReport {
                external_id: delivered,
                report: Report::Delivered
            },
            ProviderReport {
                external_id: failed,
                report: Report::Failed("failed: 131026 Message undeliverable".into())
            },
            ProviderReport {
                external_id: silent,
                report: Report::Progress("sent".into())
            },
        ]
    );
    wa.assert_clean();
}

#[test]
fn settings_are_validated_and_secrets_stay_hidden() {
    let err = |toml: &str, env: &Env, callbacks: bool| match build(toml, env, callbacks) {
        Err(e) => e,
        Ok(_) => panic!("accepted: {toml}"),
    };
    let full = entry("https://graph.facebook.com", "");
    assert!(build(&full, &env(), true).is_ok());
    let e = err(&full, &env(), false);
    assert!(
        e.contains("whatsapp[0]")
            && e.contains("[callbacks] public_url")
            && e.contains("--callback-listen"),
        "{e}"
    );
    let without = |setting: &str| {
        full.lines()
            .filter(|l| !l.starts_with(&format!("{setting} ")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (setting, named) in [
        ("phone_number_id", "phone_number_id"),
        ("template", "template"),
        ("access_token_env", "access_token"),
        ("app_secret_env", "app_secret"),
        ("verify_token_env", "verify_token"),
    ] {
        let e = err(&without(setting), &env(), true);
        assert!(e.contains(&format!("{named} is missing")), "{setting}: {e}");
    }
    let e = err(&full, &Env::default(), true);
    assert!(e.contains("WA_TOKEN"), "{e}");
    for (extra, named) in [
        ("[whatsapp.languages]\nxx = \"en_US\"", "xx"),
        ("[whatsapp.languages]\nde = \"Deutsch\"", "languages.de"),
        ("api_version = \"21\"", "api_version"),
        ("timeout_sec = 0", "timeout_sec"),
    ] {
        let e = err(&entry("https://graph.facebook.com", extra), &env(), true);
        assert!(e.contains(named), "{extra}: {e}");
    }
    let e = err(
        &full.replace(whatsapp::PHONE_NUMBER_ID, "+15550783881"),
        &env(),
        true,
    );
    assert!(e.contains("phone_number_id"), "{e}");
    let e = err(&full.replace("[[whatsapp]]", "[[telegram]]"), &env(), true);
    assert!(e.contains("does not serve telegram"), "{e}");

    // Inline secrets never show: not in errors about other settings, not in Debug.
    let (tok, app, ver) = (
        "EAAinline-token-secret",
        "inline-app-secret-1",
        "inline-verify-2",
    );
    let inline = full
        .replace(
            "access_token_env = \"WA_TOKEN\"",
            &format!("access_token = \"{tok}\""),
        )
        .replace(
            "app_secret_env = \"WA_APP_SECRET\"",
            &format!("app_secret = \"{app}\""),
        )
        .replace(
            "verify_token_env = \"WA_VERIFY\"",
            &format!("verify_token = \"{ver}\""),
        );
    assert!(build(&inline, &Env::default(), true).is_ok());
    for (bad, callbacks) in [
        (format!("{inline}timeout_sec = 0\n"), true),
        (
            inline.replace("template = ", "template = \"Bad Name\"\n#"),
            true,
        ),
        (inline.clone(), false),
    ] {
        let e = err(&bad, &Env::default(), callbacks);
        for s in [tok, app, ver] {
            assert!(!e.contains(s), "{e}");
        }
    }
    let cfg = DeliveryConfig::parse(&format!("[callbacks]\npublic_url = \"{PUBLIC}\"\n{inline}"))
        .unwrap();
    let debug = format!("{cfg:?}");
    for s in [tok, app, ver] {
        assert!(!debug.contains(s), "{debug}");
    }
    assert!(debug.contains("***"));
}
