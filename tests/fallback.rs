//! The fallback engine through the API: order, history, statuses and cost for the
//! four strategy shapes, account restrictions without fallback, provider faults,
//! and erasing the code. Timeouts fire by advancing the server's manual clock.

mod common;

use common::*;
use verifyd::pb::{self, Channel::*, DeliveryStatus as S};

#[tokio::test]
async fn success_first() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.status(), S::Success);
    assert_eq!(v.delivered_channel(), Telegram);
    assert_eq!(statuses(&v), vec![S::Success, S::New, S::New]);
    assert_eq!(v.cost, Some(1), "only the attempted step is charged");
    assert_eq!(v.history[0].cost, Some(1));
    assert_eq!(v.history[1].cost, None);
    assert!(v.history[0].external_id.starts_with("sbx_"));
    assert!(v.history[0].processed_at.is_some() && v.history[0].sent_at.is_some());
    assert_eq!(
        ts.sandbox_messages(&v.id).await.len(),
        1,
        "nothing else was sent"
    );
    ts.stop().await;
}

#[tokio::test]
async fn fail_then_succeed() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(1, 0, 1, 0), &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.status(), S::Success);
    assert_eq!(v.delivered_channel(), Sms);
    assert_eq!(statuses(&v), vec![S::Failed, S::Failed, S::Success]);
    assert_eq!(v.cost, Some(1 + 12 + 8));
    assert!(v.history[0].error_reason.contains("not delivered"));
    assert!(v.history[1].error_reason.contains("not answered"));
    let msgs = ts.sandbox_messages(&v.id).await;
    let channels: Vec<_> = msgs.iter().map(|m| m.channel()).collect();
    assert_eq!(
        channels,
        vec![Telegram, Voice, Sms],
        "sent in strategy order"
    );
    // Every message carries the same code; voice speaks it digit by digit.
    let code = v.code.clone().unwrap();
    assert!(msgs.iter().all(|m| m.code == code));
    assert!(msgs[1].ssml.starts_with("<speak"));
    ts.stop().await;
}

#[tokio::test]
async fn timeout_then_succeed() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(2, 2, 0, 0), &[Telegram, Whatsapp, Sms]);
    r.routing_strategy[1].timeout_sec = Some(45);
    let v = ts.start_v(r).await.unwrap();
    ts.wait_sent(&v.id, 0).await;
    ts.advance(29);
    // Still waiting on telegram: 29 s is inside its default 30 s timeout.
    let now = ts.get(&v.id).await;
    assert_eq!(statuses(&now), vec![S::InProgress, S::New, S::New]);
    ts.advance(1);
    ts.wait_sent(&v.id, 1).await;
    ts.advance(44);
    assert_eq!(ts.get(&v.id).await.history[1].status(), S::InProgress);
    ts.advance(1);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Failed, S::Success]);
    assert_eq!(v.history[0].error_reason, "no delivery report within 30s");
    assert_eq!(v.history[1].error_reason, "no delivery report within 45s");
    assert_eq!(v.delivered_channel(), Sms);
    assert_eq!(v.cost, Some(1 + 5 + 8));
    ts.stop().await;
}

#[tokio::test]
async fn voice_not_answered_times_out() {
    let ts = TestServer::start_with(&["--voice-answer-timeout-sec", "40"]).await;
    let v = ts
        .start_v(start_req(&magic(0, 0, 2, 0), &[Voice, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&v.id, 0).await;
    ts.advance(40);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Success]);
    assert_eq!(v.history[0].error_reason, "call not answered within 40s");
    ts.stop().await;
}

#[tokio::test]
async fn all_fail() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(
            &magic(1, 1, 1, 1),
            &[Whatsapp, Telegram, Voice, Sms],
        ))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.status(), S::Failed);
    assert_eq!(v.delivered_channel(), Unspecified);
    assert_eq!(statuses(&v), vec![S::Failed; 4]);
    assert_eq!(v.cost, Some(5 + 1 + 12 + 8), "failed steps are charged too");
    assert_eq!(
        v.state(),
        pb::VerificationState::Pending,
        "the code stays checkable"
    );
    ts.stop().await;
}

#[tokio::test]
async fn provider_error_falls_back_and_last_error_is_error() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(4, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Error, S::Success]);
    assert_eq!(v.status(), S::Success);

    let v = ts
        .start_v(start_req(&magic(1, 0, 0, 4), &[Telegram, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Error]);
    assert_eq!(v.status(), S::Error);
    ts.stop().await;
}

#[tokio::test]
async fn carrier_blocked_number_stops_without_fallback() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(3, 0, 0, 0), &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.status(), S::Failed);
    assert_eq!(statuses(&v), vec![S::Failed, S::New, S::New]);
    assert!(v.history[0].error_reason.contains("blocked"));
    ts.stop().await;
}

async fn set_settings(ts: &TestServer, settings: pb::TenantSettings) {
    ts.admin()
        .update_tenant_settings(admin_req(pb::UpdateTenantSettingsRequest {
            tenant_id: TENANT.into(),
            settings: Some(settings),
        }))
        .await
        .expect("settings");
}

#[tokio::test]
async fn account_blocked_number_and_sms_filter_without_fallback() {
    let ts = TestServer::start().await;
    let blocked = "+33199000001";
    set_settings(
        &ts,
        pb::TenantSettings {
            blocked_numbers: vec![blocked.into()],
            sms_filters: vec!["+3319900102?".into()],
            ..Default::default()
        },
    )
    .await;

    let v = ts
        .start_v(start_req(blocked, &[Telegram, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.status(), S::Failed);
    assert_eq!(statuses(&v), vec![S::Failed, S::New]);
    assert_eq!(
        v.history[0].cost,
        Some(0),
        "a restricted step is not sent, so not charged"
    );
    assert!(v.history[0].error_reason.contains("blocked"));
    assert!(
        ts.sandbox_messages(&v.id).await.is_empty(),
        "nothing was sent"
    );

    // The SMS filter only applies to SMS: telegram fails first, then SMS is refused.
    let filtered = "+33199001021";
    let v = ts
        .start_v(start_req(filtered, &[Telegram, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Failed]);
    assert!(v.history[1].error_reason.contains("SMS filter"));
    assert_eq!(v.cost, Some(1));
    assert_eq!(ts.sandbox_messages(&v.id).await.len(), 1);

    // A filtered SMS-only strategy sends nothing at all.
    let v = ts.start_v(start_req(filtered, &[Sms])).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), vec![S::Failed]);

    // Prices follow the tenant's list.
    set_settings(
        &ts,
        pb::TenantSettings {
            prices: vec![pb::ChannelPrice {
                channel: Sms as i32,
                price_cents: 3,
            }],
            ..Default::default()
        },
    )
    .await;
    let v = ts
        .start_v(start_req(&magic(1, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    assert_eq!(ts.wait_delivery_done(&v.id).await.cost, Some(1 + 3));
    ts.stop().await;
}

#[tokio::test]
async fn is_code_deleted_erases_the_code_but_checking_works() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(1, 0, 0, 0), &[Telegram, Sms]);
    r.is_code_deleted = true;
    r.code_length = Some(8);
    let v = ts.start_v(r).await.unwrap();
    let code = v.code.clone().expect("present until delivery completes");
    let done = ts.wait_delivery_done(&v.id).await;
    assert_eq!(done.code, None, "erased once delivery completed");
    assert!(done.is_code_deleted);
    assert_eq!(ts.get(&v.id).await.code, None);
    // With the sealed copy gone, checks go to the bcrypt hash: wrong fails, right works.
    let wrong = if code.starts_with('9') {
        "10000000"
    } else {
        "99999999"
    };
    let r = ts.check(&v.id, wrong).await.unwrap();
    assert_eq!(r.result(), pb::CheckResult::Incorrect);
    let r = ts.check(&v.id, &code).await.unwrap();
    assert_eq!(r.result(), pb::CheckResult::Verified);

    // Without the flag the code stays readable.
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let done = ts.wait_delivery_done(&v.id).await;
    assert_eq!(done.code, v.code);
    ts.stop().await;
}

#[tokio::test]
async fn email_channel_has_subject_text_and_html() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(1, 0, 0, 0), &[Telegram, Email]);
    r.email = "ada@example.com".into();
    r.lang = pb::Lang::Fr as i32;
    let v = ts.start_v(r).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(v.delivered_channel(), Email);
    let msgs = ts.sandbox_messages(&v.id).await;
    let mail = msgs.iter().find(|m| m.channel() == Email).unwrap();
    assert_eq!(mail.recipient, "ada@example.com");
    assert!(
        !mail.subject.is_empty() && mail.html.contains(v.code()) && mail.text.contains(v.code())
    );

    let mut r = start_req("", &[Email]);
    r.email = "ada+fail@example.com".into();
    let v = ts.start_v(r).await.unwrap();
    assert_eq!(ts.wait_delivery_done(&v.id).await.status(), S::Failed);
    ts.stop().await;
}

#[tokio::test]
async fn custom_template_and_sender() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.routing_strategy[0].template = Some("{{app_name}}: {{code}} is your code".into());
    r.routing_strategy[0].sender_id = Some("ACME".into());
    let v = ts.start_v(r).await.unwrap();
    ts.wait_delivery_done(&v.id).await;
    let m = &ts.sandbox_messages(&v.id).await[0];
    assert_eq!(m.text, format!("Acme: {} is your code", v.code()));
    assert_eq!(m.sender_id, "ACME");
    ts.stop().await;
}
