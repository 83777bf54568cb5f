//! Several verifyd processes on one PostgreSQL database: any node answers any call,
//! a node killed with `-9` mid-fallback is taken over within the lease, watchers on
//! one node see every transition made on another, concurrent correct checks on
//! different nodes give exactly one VERIFIED, a cancel on a non-owner stops the
//! owner's sending, directory changes spread, and a drain hands over at once.
//!
//! Needs the test cluster of `VERIFYD_TEST_DATABASE_URL` (skipped, saying so, when
//! there is none; `scripts/test.sh` always provides one). Every wait is on observable
//! state with a deadline; the nodes run on manual clocks that the test moves together.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::node::{self, Node};
use common::*;
use futures::StreamExt;
use tokio::time::Instant;
use verifyd::pb::{
    self, Channel::*, CheckResult as R, DeliveryStatus as S, VerificationState as St,
};

const LEASE_MS: u64 = 1500;

/// Flags for a node of the cluster on `db`, sharing `secrets`.
fn flags(
    db: &str,
    secrets: &std::path::Path,
    data: &std::path::Path,
    lease_ms: u64,
) -> Vec<String> {
    [
        "--database-url",
        db,
        "--secrets-file",
        &secrets.display().to_string(),
        "--data-dir",
        &data.display().to_string(),
        "--lease-ms",
        &lease_ms.to_string(),
        "--directory-refresh-ms",
        "200",
        // The test polls with keys another node has not learned yet: those refusals
        // are not an attack.
        "--bad-credentials-limit",
        "0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

struct Cluster {
    _dirs: tempfile::TempDir,
    nodes: Vec<Node>,
}

async fn cluster(n: usize, lease_ms: u64) -> Option<Cluster> {
    let admin = pg::cluster_or_skip("cluster")?;
    let db = pg::fresh_database_on(&admin).await;
    let dirs = tempfile::tempdir().unwrap();
    let secrets = dirs.path().join("secrets.json");
    let mut nodes = Vec::new();
    for i in 0..n {
        let data = dirs.path().join(format!("node{i}"));
        nodes.push(node::spawn(&flags(&db, &secrets, &data, lease_ms)).await);
    }
    Some(Cluster { _dirs: dirs, nodes })
}

/// Moves every live node's manual clock by the same amount.
async fn advance_all(nodes: &[&Node], secs: u32) {
    for n in nodes {
        n.advance_clock(secs).await;
    }
}

async fn wait_until<F: std::future::Future<Output = bool>>(
    what: &str,
    within: Duration,
    mut probe: impl FnMut() -> F,
) {
    let deadline = Instant::now() + within;
    while !probe().await {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::task::yield_now().await;
    }
}

/// Every message a tenant-wide watch on `node` receives, collected in the background.
fn watch_tenant(node: &Node) -> Arc<Mutex<Vec<pb::WatchStatusResponse>>> {
    let seen: Arc<Mutex<Vec<pb::WatchStatusResponse>>> = Arc::default();
    let mut client = node.verify();
    let out = seen.clone();
    tokio::spawn(async move {
        let mut stream = client
            .watch_status(req(pb::WatchStatusRequest { id: String::new() }))
            .await
            .expect("watch")
            .into_inner();
        while let Some(Ok(msg)) = stream.next().await {
            out.lock().unwrap().push(msg);
        }
    });
    seen
}

fn events_of(seen: &[pb::WatchStatusResponse], id: &str) -> Vec<(String, Option<u32>)> {
    seen.iter()
        .filter(|m| m.verification.as_ref().is_some_and(|v| v.id == id))
        .map(|m| (m.event.clone(), m.step_index))
        .collect()
}

fn sent(step: u32) -> (String, Option<u32>) {
    ("verify_code.channel.sent".into(), Some(step))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_survive_a_kill_9_mid_fallback() {
    let Some(Cluster { _dirs, mut nodes }) = cluster(3, LEASE_MS).await else {
        return;
    };
    let watcher = watch_tenant(&nodes[1]);
    // The tenant snapshot arrives before any transition we cause.
    wait_until("the watch is open", PATIENCE, || {
        let w = watcher.clone();
        async move { !w.lock().unwrap().is_empty() }
    })
    .await;

    // Starts round-robin: on each node, one that waits on telegram and one that
    // goes straight to SMS.
    let mut waiting: HashMap<usize, Vec<pb::Verification>> = HashMap::new();
    let mut quick = Vec::new();
    for round in 0..3 {
        for (i, n) in nodes.iter().enumerate() {
            let mut r = start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]);
            r.routing_strategy[0].timeout_sec = Some(60);
            let v = n.start_v(r).await.unwrap();
            assert_eq!(v.history[0].status(), S::InProgress);
            waiting.entry(i).or_default().push(v);
            if round == 0 {
                quick.push(
                    n.start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
                        .await
                        .unwrap(),
                );
            }
        }
    }
    // A watcher on B for one id started on A.
    let one = waiting[&0][0].id.clone();
    let mut single = nodes[1]
        .verify()
        .watch_status(req(pb::WatchStatusRequest { id: one.clone() }))
        .await
        .unwrap()
        .into_inner();

    // Any node answers for any verification.
    for v in &quick {
        for n in &nodes {
            assert_eq!(n.wait_delivery_done(&v.id).await.status(), S::Success);
        }
    }
    // Concurrent correct checks spread over all three nodes: exactly one VERIFIED.
    let target = &quick[0];
    let checks: Vec<_> = (0..9)
        .map(|i| {
            let c = nodes[i % 3].verify();
            let (id, code) = (target.id.clone(), target.code().to_owned());
            tokio::spawn(async move {
                let mut c = c;
                c.check_code(req(pb::CheckCodeRequest { id, code }))
                    .await
                    .unwrap()
                    .into_inner()
                    .result()
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in checks {
        results.push(c.await.unwrap());
    }
    assert_eq!(
        results.iter().filter(|r| **r == R::Verified).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| matches!(r, R::Verified | R::NotPending))
    );

    // A cancel on C of a verification A drives: A sends nothing more, although A's
    // clock then passes the telegram deadline (30 s; the others wait 60 s).
    let canceled = nodes[0]
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    let c = nodes[2]
        .verify()
        .cancel_verification(req(pb::CancelVerificationRequest {
            id: canceled.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .verification
        .unwrap();
    assert_eq!(c.state(), St::Canceled);
    nodes[0].advance_clock(31).await;
    // A wrong code on B for a verification A drives: the attempt is spent everywhere.
    let tried = &waiting[&0][1];
    assert_eq!(
        nodes[1]
            .check(&tried.id, wrong_code(tried.code()))
            .await
            .unwrap()
            .result(),
        R::Incorrect
    );

    // Kill A mid-fallback: its telegram steps are sent and waiting.
    nodes[0].kill9().await;
    let killed_at = Instant::now();
    let (b, c) = (&nodes[1], &nodes[2]);
    advance_all(&[b, c], 61).await;
    // B and C take over every one of A's verifications and finish them, within the
    // lease time (plus one claim round).
    for v in &waiting[&0] {
        let done = b.wait_delivery_done(&v.id).await;
        assert_eq!(statuses(&done), vec![S::Failed, S::Success], "{}", v.id);
        assert_eq!(done.delivered_channel(), Sms);
    }
    // A's lease runs out at most LEASE_MS after A's last renewal, and the others
    // look for orphans every third of it: 4/3 of the lease at worst, plus the work,
    // plus a margin for a loaded CI machine.
    let took = killed_at.elapsed();
    assert!(
        took < Duration::from_millis(LEASE_MS * 5 / 2),
        "takeover took {took:?} with a {LEASE_MS} ms lease"
    );
    // The others' own verifications fall back too.
    for i in [1, 2] {
        for v in &waiting[&i] {
            assert_eq!(c.wait_delivery_done(&v.id).await.status(), S::Success);
        }
    }
    // Nothing acknowledged was lost: every start, the check, the cancel.
    assert_eq!(b.get(&canceled.id).await.state(), St::Canceled);
    assert_eq!(
        statuses(&b.get(&canceled.id).await),
        vec![S::Failed, S::New],
        "no SMS step after the cancel"
    );
    assert_eq!(c.get(&tried.id).await.attempts_remaining, 4);
    assert_eq!(c.get(&target.id).await.state(), St::Verified);
    // Each of A's verifications gets checked on B and C at once: one VERIFIED each.
    for v in &waiting[&0] {
        let (mut vb, mut vc) = (b.verify(), c.verify());
        let rb = vb.check_code(req(pb::CheckCodeRequest {
            id: v.id.clone(),
            code: v.code().into(),
        }));
        let rc = vc.check_code(req(pb::CheckCodeRequest {
            id: v.id.clone(),
            code: v.code().into(),
        }));
        let (rb, rc) = tokio::join!(rb, rc);
        let mut r = [
            rb.unwrap().into_inner().result(),
            rc.unwrap().into_inner().result(),
        ];
        r.sort_by_key(|r| *r as i32);
        assert_eq!(r, [R::Verified, R::NotPending]);
    }

    // The watcher on B saw every transition of A's verifications, in order: those A
    // made before it died and those B and C made after.
    wait_until("the watcher saw every verification end", PATIENCE, || {
        let w = watcher.clone();
        let ids: Vec<String> = waiting[&0].iter().map(|v| v.id.clone()).collect();
        async move {
            let seen = w.lock().unwrap();
            ids.iter().all(|id| {
                events_of(&seen, id)
                    .last()
                    .is_some_and(|e| e.0 == "verify_code.verified")
            })
        }
    })
    .await;
    let seen = watcher.lock().unwrap().clone();
    for v in &waiting[&0] {
        assert_eq!(
            events_of(&seen, &v.id),
            vec![
                sent(0),
                ("verify_code.channel.failed".into(), Some(0)),
                sent(1),
                ("verify_code.channel.success".into(), Some(1)),
                ("verify_code.success".into(), None),
                ("verify_code.verified".into(), None),
            ],
            "{}",
            v.id
        );
    }
    assert_eq!(
        events_of(&seen, &canceled.id),
        vec![
            sent(0),
            ("verify_code.channel.failed".into(), Some(0)),
            ("verify_code.failed".into(), None),
            ("verify_code.canceled".into(), None),
        ]
    );
    // The single-id watch on B followed the verification A started, to its end.
    let mut kinds = Vec::new();
    while let Some(msg) = tokio::time::timeout(PATIENCE, single.next())
        .await
        .expect("the single watch ends")
    {
        kinds.push(msg.unwrap().event);
    }
    assert_eq!(kinds.first().map(String::as_str), Some("snapshot"));
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("verify_code.verified")
    );
}

fn wrong_code(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_changes_reach_every_node() {
    let Some(Cluster { _dirs, nodes }) = cluster(2, LEASE_MS).await else {
        return;
    };
    let (a, b) = (&nodes[0], &nodes[1]);
    a.admin()
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "globex".into(),
            settings: None,
        }))
        .await
        .unwrap();
    let key = a
        .admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: "globex".into(),
            description: "spread".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let start_on = |n: &Node| {
        let mut c = n.verify();
        let k = key.api_key.clone();
        async move {
            c.start_verification(req_as(start_req(&magic(0, 0, 0, 0), &[Sms]), &k, "globex"))
                .await
        }
    };
    // Within the refresh interval, B knows the tenant and the key.
    wait_until("B accepts the new key", PATIENCE, || {
        let f = start_on(b);
        async move { f.await.is_ok() }
    })
    .await;
    // A revocation on B is refused on A within the same bound.
    b.admin()
        .revoke_api_key(admin_req(pb::RevokeApiKeyRequest {
            tenant_id: "globex".into(),
            key_id: key.key_id.clone(),
        }))
        .await
        .unwrap();
    let revoked_at = Instant::now();
    wait_until("A refuses the revoked key", PATIENCE, || {
        let f = start_on(a);
        async move { matches!(f.await, Err(s) if s.code() == tonic::Code::Unauthenticated) }
    })
    .await;
    assert!(
        revoked_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        revoked_at.elapsed()
    );
    // Settings too: a blocked number set through A holds on B.
    a.admin()
        .update_tenant_settings(admin_req(pb::UpdateTenantSettingsRequest {
            tenant_id: "default".into(),
            settings: Some(pb::TenantSettings {
                blocked_numbers: vec![magic(0, 0, 0, 7)],
                ..Default::default()
            }),
        }))
        .await
        .unwrap();
    wait_until("B applies the new settings", PATIENCE, || async {
        let v = b
            .start_v(start_req(&magic(0, 0, 0, 7), &[Sms]))
            .await
            .unwrap();
        v.status() == S::Failed
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_hands_verifications_over_at_once() {
    // A lease far longer than the test may take: only the hand-over can explain B
    // finishing the drained node's verifications.
    let Some(Cluster { _dirs, mut nodes }) = cluster(2, 600_000).await else {
        return;
    };
    let mut ids = Vec::new();
    for _ in 0..3 {
        let v = nodes[1]
            .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
            .await
            .unwrap();
        ids.push(v.id);
    }
    let status = nodes[1].sigterm().await;
    assert!(status.success(), "{status:?}");
    let a = &nodes[0];
    a.advance_clock(31).await;
    for id in &ids {
        let v = a.wait_delivery_done(id).await;
        assert_eq!(statuses(&v), vec![S::Failed, S::Success]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_hold_across_nodes() {
    let Some(Cluster { _dirs, nodes }) = cluster(2, LEASE_MS).await else {
        return;
    };
    let phone = "+33612345678";
    for i in 0..5 {
        nodes[i % 2]
            .start_v(start_req(phone, &[Sms]))
            .await
            .unwrap();
    }
    for n in &nodes {
        let s = n.start_v(start_req(phone, &[Sms])).await.unwrap_err();
        assert_status(&s, tonic::Code::ResourceExhausted, "RATE_LIMITED");
    }
    // Wrong codes add up across nodes too: two nodes, one destination.
    let a = nodes[0]
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let bad = wrong_code(a.code());
    nodes[0].check(&a.id, bad).await.unwrap();
    nodes[1].check(&a.id, bad).await.unwrap();
    assert_eq!(nodes[1].get(&a.id).await.attempts_remaining, 3);
}
