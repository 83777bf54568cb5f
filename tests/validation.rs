//! The StartVerification rules: each violation is INVALID_ARGUMENT with the right
//! ErrorInfo reason and BadRequest field paths, and nothing is created or sent.

mod common;

use common::*;
use tonic::Code;
use verifyd::pb::{self, Channel::*};

fn base() -> pb::StartVerificationRequest {
    start_req("+33199000000", &[Telegram, Sms])
}

async fn expect_invalid(
    ts: &TestServer,
    r: pb::StartVerificationRequest,
    reason: &str,
    fields: &[&str],
) {
    let s = ts.start_v(r).await.expect_err("must be rejected");
    assert_eq!(s.code(), Code::InvalidArgument, "{s:?}");
    let (got_reason, got_fields) = details(&s);
    assert_eq!(got_reason, reason, "{s:?}");
    assert_eq!(got_fields, fields, "{s:?}");
}

#[tokio::test]
async fn validation_matrix() {
    let ts = TestServer::start().await;

    let mut r = base();
    r.routing_strategy.clear();
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["routing_strategy"]).await;

    let mut r = base();
    r.routing_strategy.insert(1, step(Unspecified));
    expect_invalid(&ts, r, "INVALID_CHANNEL", &["routing_strategy[1].channel"]).await;

    let mut r = base();
    r.routing_strategy[0].channel = 42;
    expect_invalid(&ts, r, "INVALID_CHANNEL", &["routing_strategy[0].channel"]).await;

    let r = start_req("+33199000000", &[Telegram, Voice, Telegram]);
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[2].channel"],
    )
    .await;

    let r = start_req("+33199000000", &[Sms, Voice]);
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[0].channel"],
    )
    .await;

    let mut r = start_req("+33199000000", &[Email, Telegram]);
    r.email = "ada@example.com".into();
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[0].channel"],
    )
    .await;

    // timeout_sec only on channels that confirm delivery, and only 30..=3600.
    for (channel, t, ok) in [
        (Voice, 30, false),
        (Telegram, 29, false),
        (Telegram, 3601, false),
        (Whatsapp, 30, true),
        (Telegram, 3600, true),
    ] {
        let mut r = start_req("+33199000000", &[Whatsapp, Voice, Telegram, Sms]);
        let i = r
            .routing_strategy
            .iter()
            .position(|s| s.channel == channel as i32)
            .unwrap();
        r.routing_strategy[i].timeout_sec = Some(t);
        if ok {
            ts.start_v(r).await.expect("valid timeout");
        } else {
            let field = format!("routing_strategy[{i}].timeout_sec");
            expect_invalid(&ts, r, "VALIDATION_FAILED", &[field.as_str()]).await;
        }
    }

    let mut r = base();
    r.routing_strategy[1].template = Some("Your code, without the placeholder".into());
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[1].template"],
    )
    .await;
    let mut r = base();
    r.routing_strategy[1].template = Some(format!("{{{{code}}}} {}", "x".repeat(1100)));
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[1].template"],
    )
    .await;
    let mut r = base();
    r.routing_strategy[0].sender_id = Some("S".repeat(65));
    expect_invalid(
        &ts,
        r,
        "VALIDATION_FAILED",
        &["routing_strategy[0].sender_id"],
    )
    .await;

    for code in ["123", "123456789", "12a456", ""] {
        let mut r = base();
        r.code = Some(code.into());
        expect_invalid(&ts, r, "VALIDATION_FAILED", &["code"]).await;
    }
    for len in [3, 9, 0] {
        let mut r = base();
        r.code_length = Some(len);
        expect_invalid(&ts, r, "VALIDATION_FAILED", &["code_length"]).await;
    }
    let mut r = base();
    r.code = Some("1234".into());
    r.code_length = Some(6);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["code_length"]).await;

    for phone in [
        "0033199000000",
        "+33 1 99 00 00 00",
        "+999123",
        "+1",
        "+3319900000012345",
    ] {
        let r = start_req(phone, &[Sms]);
        expect_invalid(&ts, r, "VALIDATION_FAILED", &["phone"]).await;
    }
    let r = start_req("", &[Voice]);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["phone"]).await;
    let r = start_req("", &[Email]);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["email"]).await;
    for email in [
        "not-an-email",
        "ada@",
        "Ada <ada@example.com>",
        "ada@localhost",
    ] {
        let mut r = start_req("", &[Email]);
        r.email = email.into();
        expect_invalid(&ts, r, "VALIDATION_FAILED", &["email"]).await;
    }

    for (ttl, ok) in [(59, false), (1801, false), (60, true), (1800, true)] {
        let mut r = base();
        r.ttl_sec = Some(ttl);
        if ok {
            ts.start_v(r).await.expect("valid ttl");
        } else {
            expect_invalid(&ts, r, "VALIDATION_FAILED", &["ttl_sec"]).await;
        }
    }
    for (n, ok) in [(0, false), (11, false), (1, true), (10, true)] {
        let mut r = base();
        r.max_attempts = Some(n);
        if ok {
            ts.start_v(r).await.expect("valid max_attempts");
        } else {
            expect_invalid(&ts, r, "VALIDATION_FAILED", &["max_attempts"]).await;
        }
    }
    let mut r = base();
    r.payload = "p".repeat(4097);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["payload"]).await;
    let mut r = base();
    r.app_name = "a".repeat(65);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["app_name"]).await;
    let mut r = base();
    r.lang = 99;
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["lang"]).await;
    let mut r = base();
    r.request_id = "r".repeat(129);
    expect_invalid(&ts, r, "VALIDATION_FAILED", &["request_id"]).await;

    // Every violation is reported at once; an unset channel makes it INVALID_CHANNEL.
    let r = pb::StartVerificationRequest {
        phone: "12345".into(),
        routing_strategy: vec![
            step(Sms),
            pb::RoutingStep {
                channel: Voice as i32,
                timeout_sec: Some(60),
                ..Default::default()
            },
            step(Unspecified),
        ],
        ttl_sec: Some(5),
        ..Default::default()
    };
    expect_invalid(
        &ts,
        r,
        "INVALID_CHANNEL",
        &[
            "routing_strategy[0].channel",
            "routing_strategy[1].timeout_sec",
            "routing_strategy[2].channel",
            "phone",
            "ttl_sec",
        ],
    )
    .await;

    // Nothing invalid was stored or sent: only the valid starts above reached the sandbox.
    let all = ts
        .admin()
        .list_sandbox_messages(admin_req(pb::ListSandboxMessagesRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert!(all.iter().all(|m| m.recipient == "+33199000000"));
    ts.stop().await;
}

#[tokio::test]
async fn defaults_and_echoes() {
    let ts = TestServer::start().await;
    // Telegram never reports for this number, so the first step stays in flight.
    let mut r = start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]);
    r.payload = "order=42".into();
    r.lang = pb::Lang::De as i32;
    let v = ts.start_v(r).await.unwrap();
    assert_eq!(v.code_length, 6);
    assert_eq!(v.code().len(), 6);
    assert_eq!(v.attempts_remaining, 5);
    assert_eq!(v.payload, "order=42");
    assert_eq!(v.currency, "EUR");
    assert_eq!(v.cost, None, "cost is unset until delivery completes");
    // Start answers once the first step was handed to its channel.
    assert_eq!(v.status(), pb::DeliveryStatus::InProgress);
    assert_eq!(v.state(), pb::VerificationState::Pending);
    assert_eq!(
        statuses(&v),
        vec![pb::DeliveryStatus::InProgress, pb::DeliveryStatus::New]
    );
    assert!(v.history[0].external_id.starts_with("sbx_"));
    assert_eq!(v.history[0].cost, Some(1));
    assert_eq!(
        ts.sandbox_messages(&v.id).await.len(),
        1,
        "already in the outbox"
    );
    let ttl = v.expires_at.unwrap().seconds - v.created_at.unwrap().seconds;
    assert_eq!(ttl, 600);
    uuid::Uuid::parse_str(&v.id).expect("a UUID");

    let mut r = base();
    r.code = Some("20240607".into());
    let v = ts.start_v(r).await.unwrap();
    assert_eq!(v.code_length, 8);
    assert_eq!(v.code(), "20240607");
    let done = ts.wait_delivery_done(&v.id).await;
    let msgs = ts.sandbox_messages(&v.id).await;
    assert!(msgs[0].text.contains("20240607") && msgs[0].text.contains("Acme"));
    assert_eq!(done.status(), pb::DeliveryStatus::Success);

    // A German message for lang DE.
    let mut r = start_req("+33199000000", &[Sms]);
    r.lang = pb::Lang::De as i32;
    let v = ts.start_v(r).await.unwrap();
    ts.wait_delivery_done(&v.id).await;
    let m = &ts.sandbox_messages(&v.id).await[0];
    let en = &msgs[0].text;
    assert_ne!(&m.text, en);
    assert!(m.text.contains(&v.code.clone().unwrap()));
    ts.stop().await;
}

#[tokio::test]
async fn malformed_ids() {
    let ts = TestServer::start().await;
    let s = ts
        .verify()
        .get_verification(req(pb::GetVerificationRequest { id: String::new() }))
        .await
        .unwrap_err();
    assert_status(&s, Code::InvalidArgument, "VALIDATION_FAILED");
    assert_eq!(details(&s).1, vec!["id"]);
    let s = ts
        .verify()
        .get_verification(req(pb::GetVerificationRequest { id: "nope".into() }))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let s = ts
        .check(&uuid::Uuid::new_v4().to_string(), "123456")
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let v = ts.start_v(base()).await.unwrap();
    for bad in ["12", "abcdef", "123456789"] {
        let s = ts.check(&v.id, bad).await.unwrap_err();
        assert_status(&s, Code::InvalidArgument, "VALIDATION_FAILED");
        assert_eq!(details(&s).1, vec!["code"]);
    }
    assert_eq!(
        ts.get(&v.id).await.attempts_remaining,
        5,
        "a malformed code costs no attempt"
    );
    ts.stop().await;
}
