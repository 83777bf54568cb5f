//! Limits and abuse defences through gRPC: every refusal's code, reason and
//! `RetryInfo`, and an audit entry for each. Runs on both backends (see
//! `tests/common`); the cluster test covers two nodes.
//!
//! Numbers here are real-looking ones outside the sandbox's fiction range, which
//! limits do not count; the sandbox still "delivers" to them.

mod common;

use std::time::Duration;

use common::*;
use tonic::Code;
use tonic_types::StatusExt;
use verifyd::pb::{self, Channel::*, CheckResult as R};

/// The tenant's limits: the defaults, changed by `f`.
async fn set_limits(c: &Client, f: impl FnOnce(&mut pb::TenantLimits)) {
    let mut l = pb::TenantLimits::default();
    f(&mut l);
    c.admin()
        .update_tenant_settings(admin_req(pb::UpdateTenantSettingsRequest {
            tenant_id: TENANT.into(),
            settings: Some(pb::TenantSettings {
                limits: Some(l),
                ..Default::default()
            }),
        }))
        .await
        .expect("settings");
}

fn retry_after(s: &tonic::Status) -> Duration {
    s.get_error_details()
        .retry_info()
        .and_then(|r| r.retry_delay)
        .unwrap_or_else(|| panic!("no RetryInfo in {s:?}"))
}

async fn audit(c: &Client, action: &str) -> Vec<pb::AuditEntry> {
    c.admin()
        .list_audit_entries(admin_req(pb::ListAuditEntriesRequest {
            tenant_id: TENANT.into(),
            actions: vec![action.into()],
            ..Default::default()
        }))
        .await
        .expect("audit")
        .into_inner()
        .entries
}

fn sms(phone: &str) -> pb::StartVerificationRequest {
    start_req(phone, &[Sms])
}

/// A code that is not `v`'s.
fn wrong_code(v: &pb::Verification) -> &'static str {
    if v.code() == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[tokio::test]
async fn the_sixth_start_in_an_hour_for_one_number_waits_for_the_first_to_age() {
    let ts = TestServer::start().await;
    let phone = "+33612345001";
    let mut first = sms(phone);
    first.request_id = "order-1".into();
    ts.start_v(first.clone()).await.unwrap();
    for _ in 0..4 {
        ts.advance(60);
        ts.start_v(sms(phone)).await.unwrap();
    }
    // A retry of an idempotent start is not a start.
    ts.start_v(first).await.unwrap();
    let s = ts.start_v(sms(phone)).await.unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "RATE_LIMITED");
    assert_eq!(retry_after(&s), Duration::from_secs(3600 - 240));
    // Another number is unaffected; this one frees up once its first start is an
    // hour old.
    ts.start_v(sms("+33612345002")).await.unwrap();
    ts.advance(3600 - 240);
    ts.start_v(sms(phone)).await.unwrap();
    let refused = audit(&ts, "start.refused").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].detail.starts_with("RATE_LIMITED"));
    assert_eq!(refused[0].actor.split(':').next(), Some("key"));
    ts.stop().await;
}

#[tokio::test]
async fn a_premium_rate_number_is_refused_and_nothing_is_sent() {
    let ts = TestServer::start().await;
    let premium = "+33899123456";
    let s = ts.start_v(sms(premium)).await.unwrap_err();
    assert_status(&s, Code::FailedPrecondition, "NUMBER_TYPE_NOT_ALLOWED");
    let pf = s
        .get_error_details()
        .precondition_failure()
        .cloned()
        .unwrap();
    assert_eq!(pf.violations[0].subject, "phone");
    let sent = ts
        .admin()
        .list_sandbox_messages(admin_req(pb::ListSandboxMessagesRequest {
            recipient: premium.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert!(sent.is_empty());
    // The tenant may allow it.
    set_limits(&ts, |l| {
        l.refused_number_types = Some(pb::NumberTypes { types: vec![] })
    })
    .await;
    ts.start_v(sms(premium)).await.unwrap();
    assert_eq!(audit(&ts, "start.refused").await.len(), 1);
    ts.stop().await;
}

#[tokio::test]
async fn a_channel_may_only_send_to_its_allowed_countries() {
    let ts = TestServer::start().await;
    set_limits(&ts, |l| {
        l.geo_permissions = vec![pb::GeoPermission {
            channel: Sms as i32,
            allowed_countries: vec!["FR".into()],
        }]
    })
    .await;
    let us = "+12025550123";
    let s = ts
        .start_v(start_req(us, &[Telegram, Sms]))
        .await
        .unwrap_err();
    assert_status(&s, Code::FailedPrecondition, "COUNTRY_NOT_ALLOWED");
    let pf = s
        .get_error_details()
        .precondition_failure()
        .cloned()
        .unwrap();
    assert_eq!(pf.violations[0].subject, "routing_strategy[1].channel");
    // Telegram alone may go there; SMS may go to France.
    let v = ts.start_v(start_req(us, &[Telegram])).await.unwrap();
    assert_eq!(v.country_iso, "US");
    ts.start_v(sms("+33612345003")).await.unwrap();
    ts.stop().await;
}

#[tokio::test]
async fn the_daily_spend_cap_refuses_starts_until_midnight_utc() {
    let ts = TestServer::start().await;
    set_limits(&ts, |l| l.daily_spend_cap_cents = Some(10)).await;
    // An SMS costs 8 cents: the first two fit under 10, the third does not.
    for phone in ["+33612345010", "+33612345011"] {
        let v = ts.start_v(sms(phone)).await.unwrap();
        ts.wait_delivery_done(&v.id).await;
    }
    let s = ts.start_v(sms("+33612345012")).await.unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "SPEND_CAP_REACHED");
    let wait = retry_after(&s);
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(86_400),
        "{wait:?}"
    );
    ts.advance(wait.as_secs() + 1);
    ts.start_v(sms("+33612345012")).await.unwrap();
    ts.stop().await;
}

#[tokio::test]
async fn a_pumped_prefix_is_blocked_with_no_further_sends_then_lifted() {
    let ts = TestServer::start().await;
    let mut watch = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: String::new() }))
        .await
        .unwrap()
        .into_inner();
    watch.message().await.unwrap().expect("snapshot");
    // 20 codes sent to one prefix, none verified.
    for i in 0..20 {
        ts.start_v(sms(&format!("+3361234{i:04}"))).await.unwrap();
    }
    let s = ts.start_v(sms("+33612349999")).await.unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "PREFIX_BLOCKED");
    assert_eq!(retry_after(&s), Duration::from_secs(12 * 3600));
    let blocks = ts
        .admin()
        .list_blocks(admin_req(pb::ListBlocksRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .blocks;
    assert_eq!(blocks.len(), 1);
    let b = &blocks[0];
    assert_eq!(
        (b.country_iso.as_str(), b.prefix.as_str()),
        ("FR", "+3361234")
    );
    assert_eq!((b.sends, b.verified, b.strikes), (20, 0, 1));
    // No further sends to the prefix; other prefixes go on.
    let before = ts.sandbox_count().await;
    let again = ts.start_v(sms("+33612340500")).await.unwrap_err();
    assert_status(&again, Code::ResourceExhausted, "PREFIX_BLOCKED");
    assert_eq!(ts.sandbox_count().await, before);
    ts.start_v(sms("+33698765432")).await.unwrap();
    // Watchers heard of it, and the audit log has it.
    let blocked = loop {
        let m = tokio::time::timeout(PATIENCE, watch.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if m.kind() == pb::WatchEventKind::Blocked {
            break m;
        }
    };
    assert_eq!(blocked.event, "verification.blocked");
    assert_eq!(blocked.block.unwrap().prefix, "+3361234");
    assert_eq!(audit(&ts, "prefix.blocked").await.len(), 1);
    // An admin lifts it: sends go out again.
    ts.admin()
        .lift_block(admin_req(pb::LiftBlockRequest {
            tenant_id: TENANT.into(),
            country_iso: "FR".into(),
            prefix: "+3361234".into(),
        }))
        .await
        .unwrap();
    ts.start_v(sms("+33612340500")).await.unwrap();
    assert_eq!(audit(&ts, "prefix.unblocked").await.len(), 1);
    let none = ts
        .admin()
        .list_blocks(admin_req(pb::ListBlocksRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .blocks;
    assert!(none.is_empty());
    let s = ts
        .admin()
        .lift_block(admin_req(pb::LiftBlockRequest {
            tenant_id: TENANT.into(),
            country_iso: "FR".into(),
            prefix: "+3361234".into(),
        }))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "BLOCK_NOT_FOUND");
    ts.stop().await;
}

/// Wrong codes for one destination, across verifications; they add up, survive a
/// restart, and the 101st check is refused. A verified code would reset them.
#[tokio::test]
async fn failure_101_across_resends_is_refused_also_after_a_restart() {
    let flags = ["--check-slowdown-max-ms", "0"];
    let ts = TestServer::start_with(&flags).await;
    let phone = magic(0, 0, 0, 0);
    let mut wrong = 0;
    while wrong < 100 {
        let mut r = sms(&phone);
        r.max_attempts = Some(10);
        let v = ts.start_v(r).await.unwrap();
        let bad = wrong_code(&v);
        for _ in 0..10 {
            assert_eq!(ts.check(&v.id, bad).await.unwrap().result(), R::Incorrect);
            wrong += 1;
        }
    }
    let data = ts.stop().await;
    let ts = TestServer::start_in(data, &flags).await;
    let v = ts.start_v(sms(&phone)).await.unwrap();
    let s = ts.check(&v.id, v.code()).await.unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "TOO_MANY_FAILED_CHECKS");
    // A day after the last failure (made by the first process's clock).
    let wait = retry_after(&s);
    assert!(
        wait <= Duration::from_secs(86_400) && wait > Duration::from_secs(86_000),
        "{wait:?}"
    );
    // The attempts of the new verification were not touched.
    assert_eq!(ts.get(&v.id).await.attempts_remaining, 5);
    assert_eq!(audit(&ts, "check.failed").await.len(), 100);
    assert_eq!(audit(&ts, "check.locked").await.len(), 1);
    // The lockout ends a day after the last failure; a verified code resets the count.
    ts.advance(86_400);
    let v = ts.start_v(sms(&phone)).await.unwrap();
    assert_eq!(
        ts.check(&v.id, v.code()).await.unwrap().result(),
        R::Verified
    );
    let v = ts.start_v(sms(&phone)).await.unwrap();
    let bad = wrong_code(&v);
    assert_eq!(ts.check(&v.id, bad).await.unwrap().result(), R::Incorrect);
    ts.stop().await;
}

/// Wrong codes checked all at once, across verifications of one destination, count
/// no further than the cap: each check's write decides again on the counter as it is
/// in that write, so the ones past the cap are refused and consume no attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_checked_at_once_stop_exactly_at_the_cap() {
    let ts = TestServer::start_with(&["--check-slowdown-max-ms", "0"]).await;
    set_limits(&ts, |l| l.failed_checks_per_destination = Some(5)).await;
    let phone = magic(0, 0, 0, 0);
    let mut vs = Vec::new();
    for _ in 0..4 {
        let mut r = sms(&phone);
        r.max_attempts = Some(10);
        vs.push(ts.start_v(r).await.unwrap());
    }
    let c: &Client = &ts;
    let checks = vs
        .iter()
        .flat_map(|v| (0..6).map(move |_| c.check(&v.id, wrong_code(v))));
    let answers = futures::future::join_all(checks).await;
    let mut incorrect = 0;
    for a in &answers {
        match a {
            Ok(r) => {
                assert_eq!(r.result(), R::Incorrect);
                incorrect += 1;
            }
            Err(s) => assert_status(s, Code::ResourceExhausted, "TOO_MANY_FAILED_CHECKS"),
        }
    }
    assert_eq!(incorrect, 5, "wrong codes counted past a cap of 5");
    let mut left = 0;
    for v in &vs {
        left += ts.get(&v.id).await.attempts_remaining;
    }
    assert_eq!(left, 4 * 10 - 5, "only counted checks consume attempts");
    assert_eq!(audit(&ts, "check.failed").await.len(), 5);
    assert_eq!(audit(&ts, "check.locked").await.len(), 24 - 5);
    ts.stop().await;
}

#[tokio::test]
async fn checks_slow_down_as_the_failures_near_the_cap() {
    let ts = TestServer::start_with(&["--check-slowdown-max-ms", "300"]).await;
    set_limits(&ts, |l| l.failed_checks_per_destination = Some(20)).await;
    let phone = magic(0, 0, 0, 0);
    let mut r = sms(&phone);
    r.max_attempts = Some(10);
    let a = ts.start_v(r.clone()).await.unwrap();
    let b = ts.start_v(r).await.unwrap();
    for v in [&a, &b] {
        for _ in 0..8 {
            ts.check(&v.id, wrong_code(v)).await.unwrap();
        }
    }
    // 16 failures of 20: a check now waits 300 × 6 / 10 ms at least.
    let t = std::time::Instant::now();
    ts.check(&b.id, wrong_code(&b)).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(180),
        "{:?}",
        t.elapsed()
    );
    ts.stop().await;
}

#[tokio::test]
async fn checks_of_unknown_ids_are_audited_and_look_like_any_other() {
    let ts = TestServer::start().await;
    let s = ts
        .check("4c5a2ad7-0000-4000-8000-000000000000", "123456")
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let e = audit(&ts, "check.unknown_id").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].subject, "4c5a2ad7-0000-4000-8000-000000000000");
    // No entry ever holds a code.
    let v = ts.start_v(sms(&magic(0, 0, 0, 0))).await.unwrap();
    ts.check(&v.id, "99999999").await.unwrap();
    let all = ts
        .admin()
        .list_audit_entries(admin_req(pb::ListAuditEntriesRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .entries;
    assert!(all.iter().all(|e| !format!("{e:?}").contains(v.code())));
    ts.stop().await;
}

#[tokio::test]
async fn the_eleventh_verification_in_delivery_waits_until_one_finishes() {
    let tg = common::doubles::telegram::TelegramDouble::start().await;
    tg.set_default(common::doubles::telegram::Behaviour::Silent);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("delivery.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[telegram]]\nprovider = \"telegram-gateway\"\ntoken = \"{}\"\nbase_url = \"{}\"\nreports = \"poll\"\npoll_interval_sec = 3600\n\n[[sms]]\nprovider = \"sandbox\"\n",
            common::doubles::telegram::TOKEN,
            tg.base_url()
        ),
    )
    .unwrap();
    let cfg = cfg.display().to_string();
    let ts = TestServer::start_with(&["--config", &cfg]).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let v = ts
            .start_v(start_req(&format!("+4917012340{i:02}"), &[Telegram, Sms]))
            .await
            .unwrap();
        ids.push(v.id);
    }
    let s = ts
        .start_v(start_req("+491701234099", &[Telegram, Sms]))
        .await
        .unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "TOO_MANY_IN_DELIVERY");
    assert!(retry_after(&s) > Duration::ZERO);
    // One finishes (canceled): the next start goes through.
    ts.verify()
        .cancel_verification(req(pb::CancelVerificationRequest { id: ids[0].clone() }))
        .await
        .unwrap();
    ts.start_v(start_req("+491701234099", &[Telegram, Sms]))
        .await
        .unwrap();
    ts.stop().await;
}

#[tokio::test]
async fn a_burst_of_bad_credentials_blocks_that_address_only() {
    let ts = TestServer::start_with(&["--client-ip-header", "x-forwarded-for"]).await;
    let from = |ip: &str, key: &str| {
        let mut r = req_as(pb::GetVerificationRequest { id: "x".into() }, key, TENANT);
        r.metadata_mut().insert(
            "x-forwarded-for",
            format!("10.0.0.1, {ip}").parse().unwrap(),
        );
        r
    };
    for _ in 0..10 {
        let s = ts
            .verify()
            .get_verification(from("203.0.113.5", "vfd_not_a_key_00000000"))
            .await
            .unwrap_err();
        assert_eq!(s.code(), Code::Unauthenticated);
    }
    // Now even a valid key from that address is refused, for a while.
    let s = ts
        .verify()
        .get_verification(from("203.0.113.5", API_KEY))
        .await
        .unwrap_err();
    assert_status(&s, Code::ResourceExhausted, "TOO_MANY_BAD_CREDENTIALS");
    assert_eq!(retry_after(&s), Duration::from_secs(300));
    // Another address goes on working (NOT_FOUND: the key was accepted).
    let s = ts
        .verify()
        .get_verification(from("203.0.113.6", API_KEY))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::NotFound);
    ts.advance(301);
    let s = ts
        .verify()
        .get_verification(from("203.0.113.5", API_KEY))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::NotFound);
    // The burst's audit entry is written off the refused call's path: wait for it.
    let bursts = || async {
        ts.admin()
            .list_audit_entries(admin_req(pb::ListAuditEntriesRequest {
                actions: vec!["credentials.burst".into()],
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner()
            .entries
    };
    common::until("the burst's audit entry", || async {
        !bursts().await.is_empty()
    })
    .await;
    let burst = bursts().await;
    assert_eq!(burst.len(), 1);
    assert_eq!(burst[0].actor, "address:203.0.113.5");
    ts.stop().await;
}

#[tokio::test]
async fn key_scopes_revocation_and_rotation_with_a_grace_period() {
    let ts = TestServer::start().await;
    let admin = || ts.admin();
    let read = admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: TENANT.into(),
            description: "dashboard".into(),
            scope: pb::ApiKeyScope::Read as i32,
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(read.api_key.len() >= 4 + 32, "at least 128 bits");
    let v = ts.start_v(sms(&magic(0, 0, 0, 0))).await.unwrap();
    // A read key may get and watch, not start, check or cancel.
    ts.verify()
        .get_verification(req_as(
            pb::GetVerificationRequest { id: v.id.clone() },
            &read.api_key,
            TENANT,
        ))
        .await
        .unwrap();
    let s = ts
        .verify()
        .start_verification(req_as(sms(&magic(0, 0, 0, 0)), &read.api_key, TENANT))
        .await
        .unwrap_err();
    assert_status(&s, Code::PermissionDenied, "INSUFFICIENT_SCOPE");
    let s = ts
        .verify()
        .check_code(req_as(
            pb::CheckCodeRequest {
                id: v.id.clone(),
                code: v.code().into(),
            },
            &read.api_key,
            TENANT,
        ))
        .await
        .unwrap_err();
    assert_status(&s, Code::PermissionDenied, "INSUFFICIENT_SCOPE");

    // Rotation: the old key works through the grace period, then not; the new one does.
    let old = admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: TENANT.into(),
            description: "backend".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let rotated = admin()
        .rotate_api_key(admin_req(pb::RotateApiKeyRequest {
            tenant_id: TENANT.into(),
            key_id: old.key_id.clone(),
            grace_sec: Some(60),
        }))
        .await
        .unwrap()
        .into_inner();
    let get = |key: String| {
        let mut c = ts.verify();
        let id = v.id.clone();
        async move {
            c.get_verification(req_as(pb::GetVerificationRequest { id }, &key, TENANT))
                .await
        }
    };
    get(old.api_key.clone()).await.unwrap();
    get(rotated.api_key.clone()).await.unwrap();
    let keys = admin()
        .list_api_keys(admin_req(pb::ListApiKeysRequest {
            tenant_id: TENANT.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .keys;
    let listed_old = keys.iter().find(|k| k.key_id == old.key_id).unwrap();
    assert_eq!(listed_old.expires_at, rotated.old_key_expires_at);
    assert_eq!(
        keys.iter()
            .find(|k| k.key_id == rotated.key_id)
            .unwrap()
            .description,
        "backend"
    );
    ts.advance(61);
    assert_eq!(
        get(old.api_key.clone()).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    get(rotated.api_key.clone()).await.unwrap();

    // Revocation: refused from then on.
    admin()
        .revoke_api_key(admin_req(pb::RevokeApiKeyRequest {
            tenant_id: TENANT.into(),
            key_id: rotated.key_id.clone(),
        }))
        .await
        .unwrap();
    assert_eq!(
        get(rotated.api_key).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    for action in ["key.created", "key.rotated", "key.revoked"] {
        assert!(!audit(&ts, action).await.is_empty(), "{action}");
    }
    // The refusals are audited too, off the refused call's path: wait for them.
    // (A revoked key is gone: its use is a plain invalid key, which the credential
    // guard counts; the revocation itself is the audit entry.)
    until("the rotated-out key's refusal audited", || async {
        let refused: Vec<String> = audit(&ts, "key.refused")
            .await
            .into_iter()
            .map(|e| e.subject)
            .collect();
        refused == vec![old.key_id.clone()]
    })
    .await;
    until("the read key's refusal audited", || async {
        audit(&ts, "call.denied").await.iter().any(|e| {
            e.actor == format!("key:{}", read.key_id)
                && e.detail.starts_with("StartVerification needs a verify key")
        })
    })
    .await;
    ts.stop().await;
}

#[tokio::test]
async fn settings_changes_are_audited_and_bad_limits_are_named() {
    let ts = TestServer::start().await;
    set_limits(&ts, |l| l.starts_per_destination_per_hour = Some(3)).await;
    let t = ts
        .admin()
        .get_tenant(admin_req(pb::GetTenantRequest {
            tenant_id: TENANT.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tenant
        .unwrap();
    let l = t.settings.unwrap().limits.unwrap();
    assert_eq!(l.starts_per_destination_per_hour, Some(3));
    assert_eq!(l.concurrent_in_delivery, Some(10), "defaults are shown");
    assert_eq!(l.failed_checks_per_destination, Some(100));
    assert_eq!(audit(&ts, "tenant.settings_changed").await.len(), 1);
    let s = ts
        .admin()
        .update_tenant_settings(admin_req(pb::UpdateTenantSettingsRequest {
            tenant_id: TENANT.into(),
            settings: Some(pb::TenantSettings {
                limits: Some(pb::TenantLimits {
                    failed_checks_per_destination: Some(101),
                    safe_list: vec!["4477*".into()],
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(
        details(&s).1,
        vec![
            "settings.limits.failed_checks_per_destination",
            "settings.limits.safe_list[0]"
        ]
    );
    ts.stop().await;
}

#[tokio::test]
async fn retention_deletes_what_it_no_longer_keeps() {
    let ts = TestServer::start().await;
    let mut r = sms(&magic(0, 0, 0, 0));
    r.request_id = "kept-a-day".into();
    let old = ts.start_v(r.clone()).await.unwrap();
    assert_eq!(
        ts.check(&old.id, old.code()).await.unwrap().result(),
        R::Verified
    );
    // A real destination leaves limit counters behind (a fiction number counts nothing).
    let counted = ts.start_v(sms("+33612345077")).await.unwrap();
    assert_eq!(
        ts.check(&counted.id, "00000000").await.unwrap().result(),
        R::Incorrect
    );
    ts.verify()
        .cancel_verification(req(pb::CancelVerificationRequest {
            id: counted.id.clone(),
        }))
        .await
        .unwrap();
    // After a day the idempotency key is forgotten: the same request id starts anew.
    ts.advance(86_400 + 1);
    ts.running().engine.purge_now().await.unwrap();
    let again = ts.start_v(r).await.unwrap();
    assert_ne!(again.id, old.id);
    // After 30 days the final verification is gone; the new one is not final yet.
    ts.advance(30 * 86_400);
    let purged = ts.running().engine.purge_now().await.unwrap();
    assert_eq!(purged.verifications, 2);
    // The counters of those days are gone too; the failed checks' count with them.
    assert!(purged.counters >= 2, "{purged:?}");
    let s = ts
        .verify()
        .get_verification(req(pb::GetVerificationRequest { id: old.id.clone() }))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::NotFound);
    ts.get(&again.id).await;
    ts.stop().await;
}
