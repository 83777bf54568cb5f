//! WatchStatus: snapshot first, every transition in order, the end of a stream on
//! one id, the tenant-wide mode, a client disconnect, and a slow watcher.

mod common;

use common::*;
use tonic::Code;
use verifyd::pb::{self, Channel::*, WatchEventKind as K};

async fn collect(mut s: tonic::Streaming<pb::WatchStatusResponse>) -> Vec<pb::WatchStatusResponse> {
    let mut out = Vec::new();
    let all = async {
        while let Some(m) = s.message().await.expect("stream item") {
            out.push(m);
        }
    };
    tokio::time::timeout(PATIENCE, all)
        .await
        .expect("the stream ends");
    out
}

#[tokio::test]
async fn one_id_streams_every_transition_in_order_and_ends_when_final() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(1, 0, 1, 0), &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    let stream = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner();
    let done = ts.wait_delivery_done(&v.id).await;
    assert_eq!(
        ts.check(&v.id, done.code()).await.unwrap().result(),
        pb::CheckResult::Verified
    );
    let msgs = collect(stream).await;

    assert_eq!(msgs[0].kind(), K::Snapshot);
    assert!(!msgs[0].resync);
    assert_eq!(msgs[0].verification.as_ref().unwrap().id, v.id);
    // Whatever the snapshot already showed is not repeated; the rest follows in order.
    let full = [
        K::ChannelSent,
        K::ChannelFailed,
        K::ChannelSent,
        K::ChannelFailed,
        K::ChannelSent,
        K::ChannelSuccess,
        K::Success,
        K::Verified,
    ];
    let kinds: Vec<K> = msgs[1..].iter().map(|m| m.kind()).collect();
    assert!(full.ends_with(&kinds), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&K::Verified));
    // Channel events name their step, so a client can tell which step moved.
    let steps: Vec<Option<u32>> = msgs[1..].iter().map(|m| m.step_index).collect();
    let full_steps = [
        Some(0),
        Some(0),
        Some(1),
        Some(1),
        Some(2),
        Some(2),
        None,
        None,
    ];
    assert!(full_steps.ends_with(&steps), "{steps:?}");
    // Each event carries the record right after its own transition.
    for m in &msgs[1..] {
        let v = m.verification.as_ref().unwrap();
        if let Some(i) = m.step_index {
            let a = &v.history[i as usize];
            assert_eq!(m.channel(), a.channel());
            let want = match m.kind() {
                K::ChannelSent => pb::DeliveryStatus::InProgress,
                K::ChannelFailed => pb::DeliveryStatus::Failed,
                _ => pb::DeliveryStatus::Success,
            };
            assert_eq!(a.status(), want, "{m:?}");
            // Later steps have not moved yet in this event's record.
            assert!(
                v.history[i as usize + 1..]
                    .iter()
                    .all(|a| a.status() == pb::DeliveryStatus::New)
            );
        }
    }
    let names: Vec<&str> = msgs[1..].iter().map(|m| m.event.as_str()).collect();
    assert_eq!(names.last(), Some(&"verify_code.verified"));
    // Each event carries the full record after its transition, with non-decreasing times.
    let last = msgs.last().unwrap().verification.as_ref().unwrap();
    assert_eq!(last.state(), pb::VerificationState::Verified);
    assert_eq!(last.history.len(), 3);
    let times: Vec<_> = msgs[1..]
        .iter()
        .map(|m| m.event_time.unwrap())
        .map(|t| (t.seconds, t.nanos))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // Watching from the start: hold the first step with a no-report telegram.
    let v = ts
        .start_v(start_req(&magic(2, 0, 1, 0), &[Telegram, Voice, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&v.id, 0).await;
    let stream = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner();
    ts.advance(30);
    let done = ts.wait_delivery_done(&v.id).await;
    ts.verify()
        .cancel_verification(req(pb::CancelVerificationRequest {
            id: done.id.clone(),
        }))
        .await
        .unwrap();
    let msgs = collect(stream).await;
    let kinds: Vec<K> = msgs.iter().map(|m| m.kind()).collect();
    assert_eq!(
        kinds,
        vec![
            K::Snapshot,
            K::ChannelFailed,
            K::ChannelSent,
            K::ChannelFailed,
            K::ChannelSent,
            K::ChannelSuccess,
            K::Success,
            K::Canceled,
        ]
    );
    let steps: Vec<Option<u32>> = msgs.iter().map(|m| m.step_index).collect();
    assert_eq!(
        steps,
        vec![
            None,
            Some(0),
            Some(1),
            Some(1),
            Some(2),
            Some(2),
            None,
            None
        ]
    );
    // The SMS "sent" event shows the SMS in progress, not yet the success after it.
    assert_eq!(
        msgs[4].verification.as_ref().unwrap().status(),
        pb::DeliveryStatus::InProgress
    );
    assert_eq!(
        msgs[6].verification.as_ref().unwrap().status(),
        pb::DeliveryStatus::Success
    );

    // A final verification: the snapshot, then the end.
    let kinds: Vec<K> = collect(
        ts.verify()
            .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
            .await
            .unwrap()
            .into_inner(),
    )
    .await
    .iter()
    .map(|m| m.kind())
    .collect();
    assert_eq!(kinds, vec![K::Snapshot]);

    let s = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest {
            id: uuid::Uuid::new_v4().to_string(),
        }))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    ts.stop().await;
}

#[tokio::test]
async fn tenant_wide_watch_sees_active_snapshot_then_everything() {
    let ts = TestServer::start().await;
    let waiting = ts
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&waiting.id, 0).await;
    let mut stream = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let snap = stream.message().await.unwrap().unwrap();
    assert_eq!(snap.kind(), K::Snapshot);
    assert!(snap.verification.is_none());
    let active: Vec<_> = snap
        .active_verifications
        .iter()
        .map(|v| v.id.clone())
        .collect();
    assert_eq!(active, vec![waiting.id.clone()]);
    assert_eq!(snap.active_total, 1);

    let fresh = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    ts.wait_delivery_done(&fresh.id).await;
    ts.advance(30);
    ts.wait_delivery_done(&waiting.id).await;

    let mut per_id: std::collections::HashMap<String, Vec<K>> = Default::default();
    while per_id
        .get(&waiting.id)
        .is_none_or(|k| k.last() != Some(&K::Success))
    {
        let m = tokio::time::timeout(PATIENCE, stream.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let kind = m.kind();
        per_id
            .entry(m.verification.unwrap().id)
            .or_default()
            .push(kind);
    }
    assert_eq!(
        per_id[&fresh.id],
        vec![K::ChannelSent, K::ChannelSuccess, K::Success]
    );
    assert_eq!(
        per_id[&waiting.id],
        vec![
            K::ChannelFailed,
            K::ChannelSent,
            K::ChannelSuccess,
            K::Success
        ]
    );

    // Another tenant's transitions never reach this tenant's watchers.
    ts.admin()
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "acme".into(),
            settings: None,
        }))
        .await
        .unwrap();
    let key = ts
        .admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: "acme".into(),
            description: "t".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .api_key;
    let theirs = ts
        .verify()
        .start_verification(req_as(start_req(&magic(0, 0, 0, 0), &[Sms]), &key, "acme"))
        .await
        .unwrap()
        .into_inner()
        .verification
        .unwrap();
    let ours = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    loop {
        let m = tokio::time::timeout(PATIENCE, stream.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let kind = m.kind();
        let id = m.verification.unwrap().id;
        assert_ne!(id, theirs.id);
        if id == ours.id && kind == K::Success {
            break;
        }
    }
    ts.stop().await;
}

#[tokio::test]
async fn disconnect_frees_the_watcher() {
    let ts = TestServer::start().await;
    let v = ts
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    let mut watchers = ts.running().engine.hub().watchers();
    assert_eq!(*watchers.borrow_and_update(), 0);
    let mut one = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: v.id.clone() }))
        .await
        .unwrap()
        .into_inner();
    let mut all = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest::default()))
        .await
        .unwrap()
        .into_inner();
    one.message().await.unwrap().unwrap();
    all.message().await.unwrap().unwrap();
    assert_eq!(*watchers.borrow_and_update(), 2);
    drop(one);
    drop(all);
    tokio::time::timeout(PATIENCE, watchers.wait_for(|n| *n == 0))
        .await
        .expect("the server notices both disconnects")
        .unwrap();
    // Still works for the next watcher.
    ts.advance(30);
    ts.wait_delivery_done(&v.id).await;
    ts.stop().await;
}

#[tokio::test]
async fn slow_watcher_gets_a_fresh_snapshot() {
    let ts = TestServer::start_with(&["--watch-buffer", "4"]).await;
    // A tiny HTTP/2 window makes the server stop writing after a few messages,
    // so the watcher really falls behind while the transitions pile up.
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", ts.running().addr))
        .unwrap()
        .initial_stream_window_size(Some(1024))
        .connect()
        .await
        .unwrap();
    let mut client = pb::verify_service_client::VerifyServiceClient::new(channel);
    let mut stream = client
        .watch_status(req(pb::WatchStatusRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.message().await.unwrap().unwrap().kind(), K::Snapshot);

    let mut ids = Vec::new();
    for _ in 0..30 {
        let v = ts
            .start_v(start_req(&magic(1, 0, 0, 0), &[Telegram, Sms]))
            .await
            .unwrap();
        ids.push(v.id);
    }
    for id in &ids {
        ts.wait_delivery_done(id).await;
    }
    // Fold the stream as a dashboard would: a snapshot replaces what it knew, an event
    // updates one verification. Despite the lag it must converge on the truth (every
    // verification delivered), and it must have been told it lagged.
    let mut known: std::collections::HashMap<String, pb::DeliveryStatus> = Default::default();
    let mut resyncs = 0;
    tokio::time::timeout(PATIENCE, async {
        while !ids
            .iter()
            .all(|id| known.get(id) == Some(&pb::DeliveryStatus::Success))
        {
            let m = stream.message().await.unwrap().expect("stream stays open");
            if m.kind() == K::Snapshot {
                assert!(m.resync, "only the first snapshot is not a resync");
                resyncs += 1;
                known = m
                    .active_verifications
                    .iter()
                    .map(|v| (v.id.clone(), v.status()))
                    .collect();
            } else {
                let v = m.verification.unwrap();
                known.insert(v.id.clone(), v.status());
            }
        }
    })
    .await
    .expect("the watcher converges on the stored state");
    assert!(
        resyncs >= 1,
        "the watcher fell behind, so it got a fresh snapshot"
    );
    // And transitions continue after it.
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let next = tokio::time::timeout(PATIENCE, async {
        loop {
            let m = stream.message().await.unwrap().unwrap();
            if m.verification.as_ref().is_some_and(|x| x.id == v.id) {
                return m;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(next.kind(), K::ChannelSent);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_snapshot_is_capped_at_the_newest() {
    let ts = TestServer::start().await;
    let max = verifyd::engine::watch::SNAPSHOT_MAX;
    let mut ids = Vec::new();
    for _ in 0..(max + 10) / 50 {
        let batch = futures::future::join_all(
            (0..50).map(|_| ts.start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))),
        )
        .await;
        ids.extend(batch.into_iter().map(|v| v.unwrap()));
        // One second per batch (well inside telegram's 30 s), so batches are ordered.
        ts.advance(1);
    }
    let snap = ts
        .verify()
        .watch_status(req(pb::WatchStatusRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .message()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.active_total as usize, ids.len());
    assert_eq!(snap.active_verifications.len(), max);
    // The newest are kept, oldest first.
    let created = |v: &pb::Verification| {
        let t = v.created_at.unwrap();
        (t.seconds, t.nanos)
    };
    let listed: Vec<_> = snap.active_verifications.iter().map(created).collect();
    assert!(listed.windows(2).all(|w| w[0] <= w[1]));
    // 1010 were started in batches of 50: the 10 left out all come from the first batch.
    let first_batch = created(&ids[0]);
    let kept_from_first = listed.iter().filter(|t| **t == first_batch).count();
    assert_eq!(kept_from_first, 50 - (ids.len() - max));
    assert!(listed.iter().all(|t| *t >= first_batch));
    ts.stop().await;
}
