//! Webhooks end to end: real servers post to a receiver written in Python that checks
//! every signature with the `standardwebhooks` package from PyPI. Retries run on the
//! server's manual clock; crash tests kill real processes with SIGKILL.

mod common;

use common::receiver::{Received, Receiver};
use common::*;
use serde_json::json;
use tonic::Code;
use verifyd::pb::{self, Channel::*, DeliveryStatus as S};

const ALLOW: &str = "--allow-private-webhooks";
const SENT: &str = "verify_code.channel.sent";

async fn create_endpoint(
    c: &Client,
    url: &str,
    events: &[&str],
) -> Result<(pb::WebhookEndpoint, String), tonic::Status> {
    let r = c
        .admin()
        .create_webhook_endpoint(admin_req(pb::CreateWebhookEndpointRequest {
            tenant_id: TENANT.into(),
            url: url.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            description: "tests".into(),
            for_request_urls: false,
        }))
        .await?
        .into_inner();
    Ok((r.endpoint.expect("endpoint"), r.secret))
}

async fn deliveries(c: &Client, endpoint_id: &str, event_id: &str) -> Vec<pb::WebhookDelivery> {
    c.admin()
        .list_webhook_deliveries(admin_req(pb::ListWebhookDeliveriesRequest {
            tenant_id: TENANT.into(),
            endpoint_id: endpoint_id.into(),
            event_id: event_id.into(),
            ..Default::default()
        }))
        .await
        .expect("list deliveries")
        .into_inner()
        .deliveries
}

async fn endpoint(c: &Client, id: &str) -> pb::WebhookEndpoint {
    c.admin()
        .list_webhook_endpoints(admin_req(pb::ListWebhookEndpointsRequest {
            tenant_id: TENANT.into(),
        }))
        .await
        .expect("list endpoints")
        .into_inner()
        .endpoints
        .into_iter()
        .find(|e| e.id == id)
        .expect("the endpoint is listed")
}

/// Waits until the endpoint's deliveries of `event_id` satisfy `pred`.
async fn until_delivery(
    c: &Client,
    endpoint_id: &str,
    event_id: &str,
    what: &str,
    pred: impl Fn(&pb::WebhookDelivery) -> bool,
) -> pb::WebhookDelivery {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(d) = deliveries(c, endpoint_id, event_id)
            .await
            .into_iter()
            .find(|d| pred(d))
        {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::task::yield_now().await;
    }
}

/// What the library says of one delivery, signed by one secret: it verifies, and
/// neither a changed body nor an old timestamp does.
fn assert_signed(r: &Received, secret_index: usize) {
    assert_eq!(
        r.verified[secret_index], None,
        "standardwebhooks verifies it: {r:#?}"
    );
    let tampered = r.tampered[secret_index].as_deref().unwrap_or_default();
    assert!(
        tampered.contains("No matching signature"),
        "a changed body fails: {r:#?}"
    );
    let stale = r.stale[secret_index].as_deref().unwrap_or_default();
    assert!(stale.contains("too old"), "an old timestamp fails: {r:#?}");
}

#[tokio::test]
async fn every_event_of_a_three_step_fallback_arrives_signed_and_in_order() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let (ep, secret) = create_endpoint(&ts, &rx.url("/all"), &[]).await.unwrap();
    assert!(ep.id.starts_with("we_"), "{ep:?}");
    assert!(secret.starts_with("whsec_"));
    // The first attempt of the first event fails: nothing later about the same
    // verification may overtake it.
    rx.setup("/all", &[&secret], json!([500])).await;

    let mut r = start_req(&magic(1, 0, 1, 0), &[Telegram, Voice, Sms]);
    r.payload = "order-42".into();
    let v = ts.start_v(r).await.unwrap();
    let done = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&done), vec![S::Failed, S::Failed, S::Success]);
    let first = rx.log_of("/all", 1).await;
    assert_eq!(first[0].answer, json!(500));
    // The receiver logs before it answers: wait until verifyd stored the failure (and
    // with it the time of the retry) before the clock moves.
    let msg = first[0].webhook_id.clone().expect("webhook-id");
    until_delivery(&ts, &ep.id, &msg, "the failed first attempt stored", |d| {
        d.attempts == 1
    })
    .await;
    ts.advance(5); // the first retry is 5 s later
    let code = done.code.clone().expect("the code is shown");
    ts.check(&v.id, &code).await.unwrap();

    let want = [
        SENT,
        "verify_code.channel.failed",
        SENT,
        "verify_code.channel.failed",
        SENT,
        "verify_code.channel.success",
        "verify_code.success",
        "verify_code.verified",
    ];
    let log = rx.log_of("/all", want.len() + 1).await;
    assert_eq!(
        log.len(),
        want.len() + 1,
        "each event once, the first twice"
    );
    assert_eq!(
        log[1].webhook_id, log[0].webhook_id,
        "the retry of the first event comes before any later event"
    );
    let types: Vec<String> = log[1..].iter().map(Received::event_type).collect();
    assert_eq!(types, want);

    let mut ids = std::collections::HashSet::new();
    for (i, r) in log.iter().enumerate() {
        assert_signed(r, 0);
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        let b = r.json();
        assert_eq!(
            b["id"].as_str(),
            r.webhook_id.as_deref(),
            "id is webhook-id"
        );
        assert!(b["id"].as_str().unwrap().starts_with("msg_"));
        if i > 0 {
            assert!(
                ids.insert(b["id"].as_str().unwrap().to_owned()),
                "unique ids"
            );
        }
        assert!(b["created_at"].as_str().unwrap().ends_with('Z'), "{b}");
        assert_eq!(b["payload"], "order-42");
        let data = &b["data"];
        assert_eq!(data["id"], v.id.as_str());
        assert_eq!(
            data["phone"],
            v.phone.as_str(),
            "the API's JSON names: {data}"
        );
        assert!(data.get("code").is_none(), "never the code: {data}");
        assert!(!r.body.contains(&code), "the code is nowhere in the body");
    }
    // `data` is the verification as it was at that event.
    let at = |i: usize| log[i].json()["data"].clone();
    assert_eq!(at(1)["history"][0]["status"], "DELIVERY_STATUS_IN_PROGRESS");
    assert_eq!(at(2)["history"][0]["status"], "DELIVERY_STATUS_FAILED");
    assert_eq!(at(2)["history"][1]["status"], "DELIVERY_STATUS_NEW");
    assert_eq!(at(7)["status"], "DELIVERY_STATUS_SUCCESS");
    assert_eq!(at(7)["deliveredChannel"], "CHANNEL_SMS");
    assert_eq!(at(8)["state"], "VERIFICATION_STATE_VERIFIED");
    ts.stop().await;
}

#[tokio::test]
async fn three_failures_then_success_is_one_event_with_one_webhook_id() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let (ep, secret) = create_endpoint(&ts, &rx.url("/flaky"), &[SENT])
        .await
        .unwrap();
    rx.setup("/flaky", &[&secret], json!([500, 500, 500])).await;
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/flaky", 1).await;
    let msg = log[0].webhook_id.clone().expect("webhook-id");
    let d = until_delivery(&ts, &ep.id, &msg, "the first attempt stored", |d| {
        d.attempts == 1
    })
    .await;
    assert_eq!(d.status(), pb::WebhookDeliveryStatus::Pending);
    assert_eq!(d.last_status_code, Some(500));
    assert_eq!(d.verification_id, v.id);
    assert_eq!(d.event_type, SENT);
    // The schedule: 5 s, then 5 min, then 30 min (each long wait ±10 %).
    ts.advance(5);
    rx.log_of("/flaky", 2).await;
    until_delivery(&ts, &ep.id, &msg, "the second attempt stored", |d| {
        d.attempts == 2
    })
    .await;
    ts.advance(330);
    rx.log_of("/flaky", 3).await;
    until_delivery(&ts, &ep.id, &msg, "the third attempt stored", |d| {
        d.attempts == 3
    })
    .await;
    ts.advance(1980);
    let log = rx.log_of("/flaky", 4).await;
    let d = until_delivery(&ts, &ep.id, &msg, "the success stored", |d| {
        d.status() == pb::WebhookDeliveryStatus::Succeeded
    })
    .await;
    assert_eq!(d.attempts, 4);
    assert_eq!(d.last_status_code, Some(200));
    assert_eq!(d.last_error, "");
    assert_eq!(d.event_id, msg);
    assert_eq!(log.len(), 4, "delivered once as a success");
    let answers: Vec<_> = log.iter().map(|r| r.answer.clone()).collect();
    assert_eq!(
        answers,
        vec![json!(500), json!(500), json!(500), json!(200)]
    );
    for r in &log {
        assert_eq!(
            r.webhook_id.as_deref(),
            Some(msg.as_str()),
            "one webhook-id"
        );
        assert_signed(r, 0);
        assert_eq!(r.body, log[0].body, "the same body every time");
    }
    ts.stop().await;
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_retry_after_sets_the_next_attempt() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let (ep, secret) = create_endpoint(&ts, &rx.url("/moved"), &[SENT])
        .await
        .unwrap();
    // 307 keeps the method: a client that followed it would POST to /followed,
    // which the receiver logs.
    rx.setup("/moved", &[&secret], json!([307, "429:120", "503:7"]))
        .await;
    ts.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/moved", 1).await;
    let msg = log[0].webhook_id.clone().expect("webhook-id");
    let secs = |t: &Option<pb::wkt::Timestamp>| t.as_ref().map_or(0, |t| t.seconds);
    // 307: an answer, not a way elsewhere; retried on the schedule (5 s).
    let d = until_delivery(&ts, &ep.id, &msg, "the redirect stored", |d| {
        d.attempts == 1
    })
    .await;
    assert_eq!(d.last_status_code, Some(307));
    assert_eq!(d.status(), pb::WebhookDeliveryStatus::Pending);
    assert_eq!(secs(&d.next_attempt_at) - secs(&d.last_attempt_at), 5);
    ts.advance(5);
    // 429 with Retry-After: 120 s, not the schedule's 5 min.
    rx.log_of("/moved", 2).await;
    let d = until_delivery(&ts, &ep.id, &msg, "the 429 stored", |d| d.attempts == 2).await;
    assert_eq!(d.last_status_code, Some(429));
    assert_eq!(secs(&d.next_attempt_at) - secs(&d.last_attempt_at), 120);
    ts.advance(120);
    // 503 with Retry-After: 7 s.
    rx.log_of("/moved", 3).await;
    let d = until_delivery(&ts, &ep.id, &msg, "the 503 stored", |d| d.attempts == 3).await;
    assert_eq!(d.last_status_code, Some(503));
    assert_eq!(secs(&d.next_attempt_at) - secs(&d.last_attempt_at), 7);
    ts.advance(7);
    let d = until_delivery(&ts, &ep.id, &msg, "the success stored", |d| {
        d.status() == pb::WebhookDeliveryStatus::Succeeded
    })
    .await;
    assert_eq!(d.attempts, 4);
    // Every request the receiver got (not only /moved's): a followed redirect would
    // have come right after the first attempt.
    let log = rx.log(4).await;
    let paths: Vec<&str> = log.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, vec!["/moved"; 4], "the redirect was not followed");
    ts.stop().await;
}

#[tokio::test]
async fn a_kill_between_attempts_or_before_the_first_loses_no_event() {
    let rx = Receiver::spawn().await;
    let data = Data::fresh().await;
    let mut flags = data.flags();
    flags.push(ALLOW.into());
    let mut node = node::spawn(&flags).await;
    let (ep, secret) = create_endpoint(&node, &rx.url("/k"), &[SENT])
        .await
        .unwrap();
    rx.setup("/k", &[&secret], json!([500])).await;
    let v1 = node
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/k", 1).await;
    let msg1 = log[0].webhook_id.clone().unwrap();
    until_delivery(&node, &ep.id, &msg1, "the failed attempt stored", |d| {
        d.attempts == 1
    })
    .await;
    // And one more verification, killed the moment it is acknowledged: its event may
    // or may not have left the outbox yet.
    let v2 = node
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    node.kill9().await;

    let node = node::spawn(&flags).await;
    node.advance_clock(10).await;
    let delivered = |log: &[Received], id: &str| {
        log.iter()
            .any(|r| r.answer == json!(200) && r.json()["data"]["id"].as_str() == Some(id))
    };
    let mut seen = rx.log(0).await;
    while !(delivered(&seen, &v1.id) && delivered(&seen, &v2.id)) {
        // Panics after PATIENCE without a new request.
        seen = rx.log(seen.len() + 1).await;
    }
    for r in &seen {
        assert_signed(r, 0);
    }
    let retried: Vec<_> = seen
        .iter()
        .filter(|r| r.webhook_id.as_deref() == Some(msg1.as_str()))
        .collect();
    assert_eq!(
        retried.len(),
        2,
        "the first event: its failure, then its retry"
    );
    // An attempt's outcome is not flushed before the next (a lost one only means
    // another attempt), so the failure before the kill may or may not be counted.
    let d = until_delivery(&node, &ep.id, &msg1, "the success stored", |d| {
        d.status() == pb::WebhookDeliveryStatus::Succeeded
    })
    .await;
    assert!((1..=2).contains(&d.attempts), "{d:?}");
}

#[tokio::test]
async fn on_postgresql_another_node_delivers_when_the_delivering_node_dies() {
    let Some(cluster) = pg::cluster_or_skip("webhooks on two nodes") else {
        return;
    };
    let db = pg::fresh_database_on(&cluster).await;
    let rx = Receiver::spawn().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Every node of a cluster shares one secrets file.
    let secrets = dir_a
        .path()
        .join("shared-secrets.json")
        .display()
        .to_string();
    let flags = |dir: &tempfile::TempDir| -> Vec<String> {
        [
            "--database-url",
            &db,
            "--secrets-file",
            &secrets,
            "--data-dir",
            &dir.path().display().to_string(),
            "--lease-ms",
            "1000",
            ALLOW,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut a = node::spawn(&flags(&dir_a)).await;
    let (ep, secret) = create_endpoint(&a, &rx.url("/h"), &[SENT]).await.unwrap();
    // The first attempt hangs: node A is in the middle of it when it dies.
    rx.setup("/h", &[&secret], json!(["hang"])).await;
    let v = a
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/h", 1).await;
    let msg = log[0].webhook_id.clone().unwrap();
    let b = node::spawn(&flags(&dir_b)).await;
    a.kill9().await;
    // A's hold on the delivery ends with its node lease (--lease-ms 1000).
    let log = rx.log_of("/h", 2).await;
    assert_eq!(
        log[1].webhook_id.as_deref(),
        Some(msg.as_str()),
        "the same event"
    );
    assert_eq!(log[1].answer, json!(200));
    assert_eq!(log[1].json()["data"]["id"], v.id.as_str());
    assert_signed(&log[1], 0);
    let d = until_delivery(&b, &ep.id, &msg, "B's success stored", |d| {
        d.status() == pb::WebhookDeliveryStatus::Succeeded
    })
    .await;
    assert_eq!(d.last_status_code, Some(200));
}

#[tokio::test]
async fn gone_disables_the_endpoint_and_admins_can_disable_and_redeliver() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let (gone, gone_secret) = create_endpoint(&ts, &rx.url("/gone"), &[SENT])
        .await
        .unwrap();
    let (ok, ok_secret) = create_endpoint(&ts, &rx.url("/ok"), &[SENT]).await.unwrap();
    rx.setup("/gone", &[&gone_secret], json!([410])).await;
    rx.setup("/ok", &[&ok_secret], json!([])).await;
    ts.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let msg = rx.log_of("/gone", 1).await[0].webhook_id.clone().unwrap();
    let d = until_delivery(&ts, &gone.id, &msg, "the 410 stored", |d| {
        d.status() == pb::WebhookDeliveryStatus::Failed
    })
    .await;
    assert_eq!(d.last_status_code, Some(410));
    let e = endpoint(&ts, &gone.id).await;
    assert!(e.disabled, "{e:?}");
    assert!(e.disabled_reason.contains("410"), "{e:?}");
    assert!(!endpoint(&ts, &ok.id).await.disabled);

    // A second verification reaches only the endpoint still enabled.
    ts.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let oks = rx.log_of("/ok", 2).await;
    assert_eq!(
        rx.log(0).await.iter().filter(|r| r.path == "/gone").count(),
        1,
        "nothing more to a disabled endpoint"
    );
    // Redelivering a success sends it again, with the same webhook-id.
    let first = deliveries(&ts, &ok.id, oks[0].webhook_id.as_deref().unwrap()).await;
    let again = ts
        .admin()
        .redeliver_webhook(admin_req(pb::RedeliverWebhookRequest {
            tenant_id: TENANT.into(),
            delivery_id: first[0].id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .delivery
        .unwrap();
    assert_eq!(again.status(), pb::WebhookDeliveryStatus::Pending);
    let oks = rx.log_of("/ok", 3).await;
    assert_eq!(oks[2].webhook_id, oks[0].webhook_id);
    assert_signed(&oks[2], 0);

    // An admin disables an endpoint; enabling it again resumes deliveries.
    let changed = ts
        .admin()
        .update_webhook_endpoint(admin_req(pb::UpdateWebhookEndpointRequest {
            tenant_id: TENANT.into(),
            id: ok.id.clone(),
            disabled: Some(true),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .endpoint
        .unwrap();
    assert!(changed.disabled);
    let err = ts
        .admin()
        .redeliver_webhook(admin_req(pb::RedeliverWebhookRequest {
            tenant_id: TENANT.into(),
            delivery_id: "not-a-uuid".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    let err = ts
        .admin()
        .delete_webhook_endpoint(admin_req(pb::DeleteWebhookEndpointRequest {
            tenant_id: TENANT.into(),
            id: "we_0000000000000000".into(),
        }))
        .await
        .unwrap_err();
    assert_status(&err, Code::NotFound, "WEBHOOK_ENDPOINT_NOT_FOUND");
    ts.stop().await;
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let ts = TestServer::start().await;
    for url in [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9000/hooks",
        "http://[fd00:ec2::254]/hooks",
        "http://100.64.0.1/hooks",
        "http://0.0.0.0/hooks",
    ] {
        let err = create_endpoint(&ts, url, &[]).await.unwrap_err();
        assert_status(&err, Code::InvalidArgument, "VALIDATION_FAILED");
        assert_eq!(details(&err).1, vec!["url".to_owned()], "{url}: {err:?}");
        assert!(
            err.message().contains("--allow-private-webhooks"),
            "{err:?}"
        );
    }
    for url in ["ftp://example.com/x", "not a url", "https://"] {
        let err = create_endpoint(&ts, url, &[]).await.unwrap_err();
        assert_eq!(details(&err).1, vec!["url".to_owned()], "{url}: {err:?}");
    }
    let err = create_endpoint(&ts, "https://8.8.8.8/hooks", &["verify_code.nope"])
        .await
        .unwrap_err();
    assert_eq!(details(&err).1, vec!["events".to_owned()], "{err:?}");
    // The proto's example is accepted: a name that does not resolve here yet is
    // checked again at every attempt.
    let (e, _) = create_endpoint(&ts, "https://api.example.com/hooks/verifyd", &[])
        .await
        .unwrap();
    assert_eq!(e.url, "https://api.example.com/hooks/verifyd");
    create_endpoint(&ts, "https://8.8.8.8/hooks", &[SENT])
        .await
        .unwrap();

    // A per-request callback URL needs a request-URL endpoint, and obeys the same rule.
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.callback_url = "https://api.example.com/otp-callback".into();
    let err = ts.start_v(r.clone()).await.unwrap_err();
    assert_status(&err, Code::FailedPrecondition, "CALLBACK_URL_NOT_ALLOWED");
    ts.admin()
        .create_webhook_endpoint(admin_req(pb::CreateWebhookEndpointRequest {
            tenant_id: TENANT.into(),
            for_request_urls: true,
            ..Default::default()
        }))
        .await
        .unwrap();
    let v = ts.start_v(r.clone()).await.unwrap();
    assert_eq!(v.callback_url, "https://api.example.com/otp-callback");
    r.callback_url = "http://127.0.0.1:9/cb".into();
    let err = ts.start_v(r).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    assert_eq!(details(&err).1, vec!["callback_url".to_owned()]);
    ts.stop().await;

    // With the flag, loopback is fine (every other test here relies on it).
    let ts = TestServer::start_with(&[ALLOW]).await;
    create_endpoint(&ts, "http://127.0.0.1:8080/hooks", &[])
        .await
        .unwrap();
    ts.stop().await;
}

#[tokio::test]
async fn a_rotation_signs_with_both_secrets_until_the_old_one_expires() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let (ep, old) = create_endpoint(&ts, &rx.url("/rot"), &[SENT])
        .await
        .unwrap();
    let rotate = |grace: Option<u32>| {
        let mut admin = ts.admin();
        let id = ep.id.clone();
        async move {
            admin
                .rotate_webhook_secret(admin_req(pb::RotateWebhookSecretRequest {
                    tenant_id: TENANT.into(),
                    id,
                    grace_sec: grace,
                }))
                .await
                .unwrap()
                .into_inner()
        }
    };
    let r = rotate(None).await;
    let new = r.secret;
    assert_ne!(new, old);
    assert!(r.endpoint.unwrap().previous_secret_expires_at.is_some());
    rx.setup("/rot", &[&old, &new], json!([])).await;
    ts.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/rot", 1).await;
    assert_eq!(log[0].verified, vec![None, None], "either secret verifies");
    assert_eq!(
        log[0]
            .webhook_signature
            .as_deref()
            .unwrap()
            .split(' ')
            .count(),
        2
    );

    // Rotating with no grace: only the newest secret signs.
    let newest = rotate(Some(0)).await.secret;
    rx.setup("/rot", &[&new, &newest], json!([])).await;
    ts.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let log = rx.log_of("/rot", 2).await;
    assert!(
        log[1].verified[0].is_some(),
        "the replaced secret no longer signs"
    );
    assert_eq!(log[1].verified[1], None);
    assert_signed(&log[1], 1);
    ts.stop().await;
}

#[tokio::test]
async fn a_per_request_callback_url_gets_the_events_signed_by_its_endpoint() {
    let rx = Receiver::spawn().await;
    let ts = TestServer::start_with(&[ALLOW]).await;
    let r = ts
        .admin()
        .create_webhook_endpoint(admin_req(pb::CreateWebhookEndpointRequest {
            tenant_id: TENANT.into(),
            for_request_urls: true,
            events: vec!["verify_code.success".into()],
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let ep = r.endpoint.unwrap();
    assert!(ep.for_request_urls && ep.url.is_empty());
    rx.setup("/cb/1", &[&r.secret], json!([])).await;
    let mut req = start_req(&magic(1, 0, 0, 0), &[Telegram, Sms]);
    req.callback_url = rx.url("/cb/1");
    let v = ts.start_v(req).await.unwrap();
    let log = rx.log_of("/cb/1", 1).await;
    assert_eq!(
        log[0].event_type(),
        "verify_code.success",
        "only what it asked for"
    );
    assert_eq!(log[0].json()["data"]["id"], v.id.as_str());
    assert_signed(&log[0], 0);
    let ds = deliveries(&ts, &ep.id, "").await;
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].url, rx.url("/cb/1"));
    ts.stop().await;
}
