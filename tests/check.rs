//! CheckCode results, single use, expiry, cancel and request_id idempotency.

mod common;

use common::*;
use futures::future::join_all;
use tonic::Code;
use verifyd::pb::{self, Channel::*, CheckResult as R, VerificationState as St};

#[tokio::test]
async fn every_check_result() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.max_attempts = Some(3);
    let v = ts.start_v(r).await.unwrap();
    let code = v.code.clone().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let c = ts.check(&v.id, wrong).await.unwrap();
    assert_eq!(c.result(), R::Incorrect);
    assert_eq!(c.verification.as_ref().unwrap().attempts_remaining, 2);
    // Durable: a fresh read shows the used attempt.
    assert_eq!(ts.get(&v.id).await.attempts_remaining, 2);

    let c = ts.check(&v.id, &code).await.unwrap();
    assert_eq!(c.result(), R::Verified);
    let cv = c.verification.unwrap();
    assert_eq!(cv.state(), St::Verified);
    assert_eq!(cv.attempts_remaining, 2);

    // Single use: the right code again, or a wrong one, is NOT_PENDING and costs nothing.
    assert_eq!(
        ts.check(&v.id, &code).await.unwrap().result(),
        R::NotPending
    );
    assert_eq!(
        ts.check(&v.id, wrong).await.unwrap().result(),
        R::NotPending
    );
    assert_eq!(ts.get(&v.id).await.attempts_remaining, 2);

    // Max attempts: the wrong try that uses the last attempt is INCORRECT and locks;
    // after that even the right code is MAX_ATTEMPTS_REACHED.
    let mut r = start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]);
    r.max_attempts = Some(2);
    let v = ts.start_v(r).await.unwrap();
    let code = v.code.clone().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(ts.check(&v.id, wrong).await.unwrap().result(), R::Incorrect);
    let c = ts.check(&v.id, wrong).await.unwrap();
    assert_eq!(c.result(), R::Incorrect);
    let cv = c.verification.unwrap();
    assert_eq!(cv.state(), St::MaxAttemptsReached);
    assert_eq!(cv.attempts_remaining, 0);
    assert_eq!(
        ts.check(&v.id, &code).await.unwrap().result(),
        R::MaxAttemptsReached
    );
    // Locking stopped the fallback: telegram was closed and sms never sent.
    let now = ts.get(&v.id).await;
    assert_eq!(now.history[1].status(), pb::DeliveryStatus::New);
    assert_eq!(now.status(), pb::DeliveryStatus::Failed);
    ts.stop().await;
}

#[tokio::test]
async fn concurrent_correct_checks_verify_once() {
    let ts = TestServer::start().await;
    for _ in 0..3 {
        let v = ts
            .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
            .await
            .unwrap();
        let code = v.code.clone().unwrap();
        let results = join_all((0..16).map(|_| ts.check(&v.id, &code))).await;
        let results: Vec<R> = results.into_iter().map(|r| r.unwrap().result()).collect();
        assert_eq!(
            results.iter().filter(|r| **r == R::Verified).count(),
            1,
            "{results:?}"
        );
        assert!(
            results
                .iter()
                .all(|r| matches!(r, R::Verified | R::NotPending)),
            "{results:?}"
        );
    }
    ts.stop().await;
}

#[tokio::test]
async fn expiry_fires_at_expires_at_and_stops_delivery() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(2, 2, 0, 0), &[Telegram, Whatsapp, Sms]);
    r.ttl_sec = Some(60);
    r.routing_strategy[0].timeout_sec = Some(50);
    r.routing_strategy[1].timeout_sec = Some(50);
    let v = ts.start_v(r).await.unwrap();
    let code = v.code.clone().unwrap();
    ts.wait_sent(&v.id, 0).await;

    let mut watch = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.message().await.unwrap().unwrap().kind(),
        pb::WatchEventKind::Snapshot
    );

    ts.advance(50); // telegram times out, whatsapp starts
    ts.wait_sent(&v.id, 1).await;
    ts.advance(9);
    assert_eq!(
        ts.get(&v.id).await.state(),
        St::Pending,
        "1 s before expires_at"
    );
    ts.advance(1);
    let v = ts
        .wait_for(&v.id, "expiry", |v| v.state() == St::Expired)
        .await;
    assert_eq!(v.history[1].status(), pb::DeliveryStatus::Failed);
    assert_eq!(v.history[1].error_reason, "verification expired");
    assert_eq!(
        v.history[2].status(),
        pb::DeliveryStatus::New,
        "no step after expiry"
    );
    assert_eq!(v.cost, Some(1 + 5));

    let mut kinds = Vec::new();
    while let Some(m) = watch.message().await.unwrap() {
        kinds.push(m.kind());
    }
    use pb::WatchEventKind as K;
    assert_eq!(
        kinds,
        vec![
            K::ChannelFailed,
            K::ChannelSent,
            K::ChannelFailed,
            K::Failed,
            K::Expired
        ]
    );
    assert_eq!(ts.check(&v.id, &code).await.unwrap().result(), R::Expired);
    assert_eq!(
        ts.get(&v.id).await.attempts_remaining,
        5,
        "an expired check costs nothing"
    );
    ts.stop().await;
}

#[tokio::test]
async fn cancel_stops_fallback_and_invalidates_code() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    let code = v.code.clone().unwrap();
    ts.wait_sent(&v.id, 0).await;
    let c = ts
        .verify()
        .cancel_verification(req(pb::CancelVerificationRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner()
        .verification
        .unwrap();
    assert_eq!(c.state(), St::Canceled);
    assert_eq!(c.status(), pb::DeliveryStatus::Failed);
    assert_eq!(c.history[0].error_reason, "verification canceled");
    assert_eq!(c.cost, Some(1));
    assert_eq!(c.history[1].status(), pb::DeliveryStatus::New);
    assert_eq!(
        ts.sandbox_messages(&v.id).await.len(),
        1,
        "only the telegram message"
    );
    assert_eq!(
        ts.check(&v.id, &code).await.unwrap().result(),
        R::NotPending
    );

    let s = ts
        .verify()
        .cancel_verification(req(pb::CancelVerificationRequest { id: v.id.clone() }))
        .await
        .unwrap_err();
    assert_status(&s, Code::FailedPrecondition, "NOT_PENDING");
    ts.stop().await;
}

#[tokio::test]
async fn request_id_dedupes_retries() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(1, 0, 0, 0), &[Telegram, Sms]);
    r.request_id = "order-42-login".into();
    let first = ts.start_v(r.clone()).await.unwrap();
    let done = ts.wait_delivery_done(&first.id).await;
    let again = ts.start_v(r.clone()).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.code, first.code);
    assert_eq!(
        again.status(),
        done.status(),
        "the retry sees the current record"
    );
    assert_eq!(
        ts.sandbox_messages(&first.id).await.len(),
        2,
        "nothing sent twice"
    );

    // Concurrent retries of a new request create one verification.
    let mut r2 = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r2.request_id = "signup-7".into();
    let all = join_all((0..8).map(|_| ts.start_v(r2.clone()))).await;
    let ids: std::collections::HashSet<_> = all.into_iter().map(|v| v.unwrap().id).collect();
    assert_eq!(ids.len(), 1);

    // The same id with a different request is refused.
    r.phone = magic(0, 0, 0, 0);
    let s = ts.start_v(r).await.unwrap_err();
    assert_status(&s, Code::AlreadyExists, "REQUEST_ID_REUSED");

    // Request ids are per tenant.
    ts.admin()
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "other".into(),
            settings: None,
        }))
        .await
        .unwrap();
    let key = ts
        .admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: "other".into(),
            description: String::new(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .api_key;
    let other = ts
        .verify()
        .start_verification(req_as(r2.clone(), &key, "other"))
        .await
        .unwrap()
        .into_inner()
        .verification
        .unwrap();
    assert!(!ids.contains(&other.id));
    ts.stop().await;
}
