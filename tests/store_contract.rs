//! The storage contract, run against both backends through the `Store` interface
//! only: compare-and-set, events, durability across a restart, the active index, the
//! request-id index, the directory, the secrets check, ownership and takeover,
//! notices, migrations, and the refusal of a schema newer than the build.
//!
//! Each test runs on sled (a temporary directory) and on PostgreSQL (a fresh database
//! on the cluster of `VERIFYD_TEST_DATABASE_URL`; skipped with a message when there is
//! none, which `scripts/test.sh` never allows).

mod common;

use std::time::Duration;

use common::pg;
use uuid::Uuid;
use verifyd::domain::channel::Channel;
use verifyd::domain::tenant::{Tenant, TenantSettings};
use verifyd::domain::verification::{
    Attempt, CodeSecret, DeliveryStatus, EventKind, RoutingStep, State, Verification,
};
use verifyd::store::postgres::PgConfig;
use verifyd::store::{
    self, ApiKeyRecord, Backend, Closer, Commit, Committed, ExternalRef, Inserted, Notice,
    SecretsCheck, SharedStore, StoreError, StoredEvent,
};

const NODE: &str = "node-a";

/// An open store, and what reopens it.
struct Opened {
    store: SharedStore,
    closer: Closer,
    backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

impl Opened {
    async fn sled() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let backend = Backend::Sled(dir.path().join("sled"));
        let (store, closer) = store::open(&backend, NODE).await.unwrap();
        Self {
            store,
            closer,
            backend,
            _dir: Some(dir),
        }
    }

    async fn postgres(cluster: &str) -> Self {
        let backend = Backend::Postgres(pg_config(&pg::fresh_database_on(cluster).await));
        let (store, closer) = store::open(&backend, NODE).await.unwrap();
        Self {
            store,
            closer,
            backend,
            _dir: None,
        }
    }

    /// Closes the store as a stopping process does, and opens it again.
    async fn reopen(self) -> Self {
        let Opened {
            store,
            closer,
            backend,
            _dir,
        } = self;
        drop(store);
        assert!(closer.close(Duration::from_secs(10)).await);
        let (store, closer) = store::open(&backend, NODE).await.unwrap();
        Self {
            store,
            closer,
            backend,
            _dir,
        }
    }
}

fn pg_config(url: &str) -> PgConfig {
    PgConfig {
        url: url.to_owned(),
        max_connections: 8,
        connect_timeout: Duration::from_secs(10),
    }
}

/// Runs a contract test on both backends.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sled() {
                    super::$name(super::Opened::sled().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(cluster) = super::pg::cluster_or_skip(stringify!($name)) else {
                        return;
                    };
                    super::$name(super::Opened::postgres(&cluster).await).await;
                }
            }
        )*
    };
}

on_both_backends!(
    compare_and_set,
    concurrent_writers_lose_no_update,
    events_are_stored_with_their_transition,
    writes_survive_a_restart,
    active_index_is_newest_first_with_a_total,
    request_ids_are_unique_per_tenant,
    directory_writes_bump_the_version,
    secrets_check_value,
    fresh_store_has_no_orphans_after_resume,
    provider_ids_lead_to_their_attempt,
    outbox_fans_out_once_and_deliveries_keep_their_order,
    a_commit_its_limits_refuse_writes_nothing,
);

fn record(tenant: &str, created_at: i64) -> Verification {
    let channels = [Channel::Telegram, Channel::Sms];
    Verification {
        id: Uuid::new_v4(),
        tenant_id: tenant.into(),
        phone: "+33199000000".into(),
        email: String::new(),
        code_length: 6,
        lang: Default::default(),
        app_name: "Acme".into(),
        payload: String::new(),
        routing_strategy: channels
            .iter()
            .map(|&channel| RoutingStep {
                channel,
                timeout_sec: Some(30),
                sender_id: None,
                template: None,
            })
            .collect(),
        status: DeliveryStatus::New,
        delivered_channel: None,
        cost: None,
        created_at,
        updated_at: created_at,
        expires_at: created_at + 600_000,
        history: channels.iter().map(|&c| Attempt::new(c)).collect(),
        is_code_deleted: false,
        state: State::Pending,
        attempts_remaining: 5,
        max_attempts: 5,
        request_id: String::new(),
        country_iso: "FR".into(),
        callback_url: None,
        request_fingerprint: vec![1, 2, 3],
        revision: 1,
        secret: CodeSecret {
            hash: "$2b$04$hash".into(),
            sealed: Some(vec![9; 40]),
        },
    }
}

/// `v` moved one revision on, with the attempts counter as the visible change.
fn bumped(v: &Verification) -> Verification {
    let mut n = v.clone();
    n.attempts_remaining -= 1;
    n.revision += 1;
    n
}

async fn commit(
    s: &SharedStore,
    v: &Verification,
    expected: u64,
    events: &[StoredEvent],
) -> Committed {
    s.commit(Commit {
        record: v,
        expected_revision: expected,
        events,
        webhooks: true,
        external_refs: &[],
        limits: None,
        audit: &[],
        origin: NODE,
    })
    .await
    .unwrap()
}

async fn compare_and_set(o: Opened) {
    let s = &o.store;
    let v = record("t", 1_000);
    assert_eq!(
        s.insert_verification(&v, NODE, None).await.unwrap(),
        Inserted::New
    );
    let v2 = bumped(&v);
    assert!(matches!(commit(s, &v2, 1, &[]).await, Committed::Done));
    // A writer that read revision 1 lost: it gets what is stored now.
    let stale = bumped(&v);
    match commit(s, &stale, 1, &[]).await {
        Committed::Conflict(current) => {
            assert_eq!(current.record, v2);
            assert_eq!(current.owner.as_deref(), Some(NODE));
        }
        other => panic!("a stale write did not conflict: {other:?}"),
    }
    assert_eq!(s.get_verification(v.id).await.unwrap(), Some(v2.clone()));
    // A final record has no owner.
    let mut done = bumped(&v2);
    done.state = State::Verified;
    assert!(matches!(commit(s, &done, 2, &[]).await, Committed::Done));
    assert_eq!(s.load(v.id).await.unwrap().unwrap().owner, None);
    assert_eq!(s.get_verification(Uuid::new_v4()).await.unwrap(), None);
}

async fn concurrent_writers_lose_no_update(o: Opened) {
    let s = o.store.clone();
    let mut v = record("t", 1_000);
    v.attempts_remaining = 1_000;
    s.insert_verification(&v, NODE, None).await.unwrap();
    let writers: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            let id = v.id;
            tokio::spawn(async move {
                let mut mine = s.get_verification(id).await.unwrap().unwrap();
                let mut done = 0;
                while done < 10 {
                    let next = bumped(&mine);
                    match commit(&s, &next, mine.revision, &[]).await {
                        Committed::Done => {
                            done += 1;
                            mine = next;
                        }
                        Committed::Conflict(current) => mine = current.record,
                        Committed::Refused(r) => panic!("no limits were asked for: {r:?}"),
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let end = s.get_verification(v.id).await.unwrap().unwrap();
    assert_eq!(
        end.attempts_remaining,
        1_000 - 80,
        "every write applied once"
    );
    assert_eq!(end.revision, 81);
}

async fn events_are_stored_with_their_transition(o: Opened) {
    let s = &o.store;
    let v = record("t", 1_000);
    s.insert_verification(&v, NODE, None).await.unwrap();
    let mut mid = v.clone();
    mid.revision = 2;
    mid.status = DeliveryStatus::InProgress;
    let mut end = mid.clone();
    end.revision = 3;
    let events = [
        StoredEvent::new(EventKind::ChannelSent, Some(0), &mid),
        StoredEvent::new(EventKind::ChannelFailed, Some(0), &end),
    ];
    assert!(matches!(commit(s, &end, 1, &events).await, Committed::Done));
    let found = s.events_after(v.id, 0).await.unwrap();
    assert_eq!(found.events, events);
    assert_eq!(found.current.as_ref(), Some(&end));
    // Events never keep the code's secrets.
    assert!(
        found
            .events
            .iter()
            .all(|e| e.record.secret.sealed.is_none() && e.record.secret.hash.is_empty())
    );
    let later = s.events_after(v.id, 2).await.unwrap();
    assert_eq!(later.events, events[1..]);
    // A lost race stores none of its events.
    let mut stale = end.clone();
    stale.revision = 9;
    let lost = [StoredEvent::new(EventKind::Canceled, None, &stale)];
    assert!(matches!(
        commit(s, &stale, 1, &lost).await,
        Committed::Conflict(_)
    ));
    assert_eq!(s.events_after(v.id, 0).await.unwrap().events.len(), 2);
}

/// Every committed event is in the outbox; a fan-out takes each out once, in order,
/// and the deliveries it made are leased one at a time per (endpoint, verification).
async fn outbox_fans_out_once_and_deliveries_keep_their_order(o: Opened) {
    use std::sync::Arc;
    use verifyd::domain::webhook::{Delivery, DeliveryStatus as D};
    use verifyd::store::{FanOut, OutboxEvent};

    let s = &o.store;
    // A lease lasts while its node's does (on PostgreSQL).
    s.heartbeat(NODE, Duration::from_secs(60)).await.unwrap();
    let v = record("t", 1_000);
    s.insert_verification(&v, NODE, None).await.unwrap();
    let mut mid = v.clone();
    mid.revision = 2;
    let mut end = mid.clone();
    end.revision = 3;
    let events = [
        StoredEvent::new(EventKind::ChannelSent, Some(0), &mid),
        StoredEvent::new(EventKind::ChannelFailed, Some(0), &end),
    ];
    commit(s, &end, 1, &events).await;
    let made = |endpoint: &'static str| -> FanOut {
        Arc::new(move |item| {
            let OutboxEvent::Verification(e) = &item.event else {
                return vec![];
            };
            vec![Delivery {
                id: Uuid::new_v4(),
                seq: item.seq,
                tenant_id: item.tenant_id.clone(),
                endpoint_id: endpoint.into(),
                url: "https://example.com/hook".into(),
                verification_id: Some(e.record.id),
                event_id: Uuid::new_v4(),
                event_type: e.kind.name().into(),
                body: "{}".into(),
                status: D::Pending,
                attempts: 0,
                next_attempt_at: 5_000,
                last_attempt_at: None,
                last_status_code: None,
                last_error: None,
                created_at: 5_000,
            }]
        })
    };
    assert_eq!(s.fan_out(10, made("we_a")).await.unwrap(), 2);
    assert_eq!(
        s.fan_out(10, made("we_a")).await.unwrap(),
        0,
        "taken out once"
    );
    // A commit whose events no endpoint could want leaves the outbox alone.
    let other = record("t", 1_000);
    s.insert_verification(&other, NODE, None).await.unwrap();
    let mut other2 = other.clone();
    other2.revision = 2;
    let quiet = [StoredEvent::new(EventKind::ChannelSent, Some(0), &other2)];
    let done = s
        .commit(Commit {
            record: &other2,
            expected_revision: 1,
            events: &quiet,
            webhooks: false,
            external_refs: &[],
            limits: None,
            audit: &[],
            origin: NODE,
        })
        .await
        .unwrap();
    assert!(matches!(done, Committed::Done));
    assert_eq!(
        s.events_after(other.id, 1).await.unwrap().events.len(),
        1,
        "the event is stored"
    );
    assert_eq!(
        s.fan_out(10, made("we_a")).await.unwrap(),
        0,
        "but not in the outbox"
    );
    assert_eq!(s.next_delivery_due(0).await.unwrap(), Some(5_000));
    assert_eq!(
        s.next_delivery_due(5_000).await.unwrap(),
        None,
        "only later ones"
    );
    let lease = Duration::from_secs(60);
    assert!(
        s.claim_deliveries(NODE, 4_999, lease, 10, 10, &[])
            .await
            .unwrap()
            .is_empty()
    );
    // Only the first event of the verification; the second waits for it.
    let first = s
        .claim_deliveries(NODE, 5_000, lease, 10, 10, &[])
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].event_type, "verify_code.channel.sent");
    assert!(
        s.claim_deliveries(NODE, 5_000, lease, 10, 10, &[])
            .await
            .unwrap()
            .is_empty(),
        "leased, and the next one is behind it"
    );
    // A retry later keeps the order: the second still waits.
    let mut retry = first[0].clone();
    retry.attempts = 1;
    retry.next_attempt_at = 10_000;
    s.finish_delivery(&retry).await.unwrap();
    assert!(
        s.claim_deliveries(NODE, 6_000, lease, 10, 10, &[])
            .await
            .unwrap()
            .is_empty()
    );
    // A busy endpoint gets nothing.
    assert!(
        s.claim_deliveries(NODE, 10_000, lease, 10, 10, &["we_a".into()])
            .await
            .unwrap()
            .is_empty()
    );
    let again = s
        .claim_deliveries(NODE, 10_000, lease, 10, 10, &[])
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, first[0].id);
    let mut done = again[0].clone();
    done.status = D::Succeeded;
    done.attempts = 2;
    s.finish_delivery(&done).await.unwrap();
    let second = s
        .claim_deliveries(NODE, 10_000, lease, 10, 10, &[])
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].event_type, "verify_code.channel.failed");
    assert_eq!(s.get_delivery(done.id).await.unwrap(), Some(done.clone()));
    let listed = s
        .list_deliveries(&verifyd::store::DeliveryQuery {
            tenant_id: "t".into(),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
}

async fn provider_ids_lead_to_their_attempt(o: Opened) {
    let v = record("t", 1);
    o.store.insert_verification(&v, NODE, None).await.unwrap();
    let mut sent = bumped(&v);
    sent.history[0].external_id = Some("SM123".into());
    let refs = [ExternalRef {
        provider: "twilio".into(),
        external_id: "SM123".into(),
        verification_id: v.id,
        attempt_id: v.history[0].id,
    }];
    let c = o
        .store
        .commit(Commit {
            record: &sent,
            expected_revision: 1,
            events: &[],
            webhooks: true,
            external_refs: &refs,
            limits: None,
            audit: &[],
            origin: NODE,
        })
        .await
        .unwrap();
    assert!(matches!(c, Committed::Done));
    let want = Some((v.id, v.history[0].id));
    assert_eq!(o.store.find_attempt("twilio", "SM123").await.unwrap(), want);
    // Ids are per provider.
    assert_eq!(o.store.find_attempt("vonage", "SM123").await.unwrap(), None);
    // A lost race indexes nothing.
    let mut stale = bumped(&v);
    stale.history[1].external_id = Some("SM999".into());
    let lost = [ExternalRef {
        external_id: "SM999".into(),
        attempt_id: v.history[1].id,
        ..refs[0].clone()
    }];
    let c = o
        .store
        .commit(Commit {
            record: &stale,
            expected_revision: 1,
            events: &[],
            webhooks: true,
            external_refs: &lost,
            limits: None,
            audit: &[],
            origin: NODE,
        })
        .await
        .unwrap();
    assert!(matches!(c, Committed::Conflict(_)));
    assert_eq!(o.store.find_attempt("twilio", "SM999").await.unwrap(), None);
    let o = o.reopen().await;
    assert_eq!(o.store.find_attempt("twilio", "SM123").await.unwrap(), want);
}

/// A commit whose limit decision refuses it (a check against a destination that
/// concurrent wrong codes locked) leaves the record, its events, the counters and the
/// audit as they were, and says so.
async fn a_commit_its_limits_refuse_writes_nothing(o: Opened) {
    use std::sync::Arc;
    use verifyd::domain::audit::{AuditAction, AuditEntry};
    use verifyd::domain::limits::Refusal;
    use verifyd::store::{AuditQuery, LimitsTx};

    let s = &o.store;
    let v = record("t", 1_000);
    s.insert_verification(&v, NODE, None).await.unwrap();
    // At most one failure may be counted; the second is refused.
    let limits = || LimitsTx {
        keys: vec!["fails/t/x".into()],
        decide: Arc::new(|c| {
            let fc = c.entry("fails/t/x".into()).or_default();
            if fc.n >= 1 {
                return Err(Refusal {
                    reason: "TOO_MANY_FAILED_CHECKS",
                    message: "locked".into(),
                    retry_after_ms: Some(1_000),
                    new_block: None,
                });
            }
            fc.n += 1;
            Ok(())
        }),
    };
    let v2 = bumped(&v);
    let v3 = bumped(&v2);
    for (r, want_done) in [(&v2, true), (&v3, false)] {
        let events = [StoredEvent::new(EventKind::ChannelSent, Some(0), r)];
        let audit = [AuditEntry::new(
            r.updated_at,
            "t",
            "key",
            AuditAction::CheckFailed,
            r.id.to_string(),
            format!("revision {}", r.revision),
        )];
        let c = s
            .commit(Commit {
                record: r,
                expected_revision: r.revision - 1,
                events: &events,
                webhooks: true,
                external_refs: &[],
                limits: Some(limits()),
                audit: &audit,
                origin: NODE,
            })
            .await
            .unwrap();
        match (c, want_done) {
            (Committed::Done, true) => {}
            (Committed::Refused(r), false) => assert_eq!(r.reason, "TOO_MANY_FAILED_CHECKS"),
            (other, _) => panic!("revision {}: {other:?}", r.revision),
        }
    }
    let o = o.reopen().await;
    let s = &o.store;
    assert_eq!(s.get_verification(v.id).await.unwrap(), Some(v2.clone()));
    let events = s.events_after(v.id, 0).await.unwrap().events;
    assert_eq!(
        events.iter().map(|e| e.revision).collect::<Vec<_>>(),
        vec![v2.revision]
    );
    let counters = s.counters(&["fails/t/x".into()]).await.unwrap();
    assert_eq!(counters["fails/t/x"].n, 1);
    let audit = s
        .list_audit(&AuditQuery {
            tenant_id: "t".into(),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        audit.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(),
        vec!["revision 2"]
    );
    // The refused write can be made once the decision allows it.
    assert!(matches!(commit(s, &v3, 2, &[]).await, Committed::Done));
}

async fn writes_survive_a_restart(o: Opened) {
    let v = record("t", 1_000);
    o.store.insert_verification(&v, NODE, None).await.unwrap();
    let v2 = bumped(&v);
    let ev = [StoredEvent::new(EventKind::ChannelSent, Some(0), &v2)];
    assert!(matches!(
        commit(&o.store, &v2, 1, &ev).await,
        Committed::Done
    ));
    let t = Tenant {
        id: "acme".into(),
        settings: TenantSettings::default(),
        created_at: 5,
    };
    assert!(o.store.create_tenant(&t, NODE).await.unwrap());
    let o = o.reopen().await;
    assert_eq!(o.store.get_verification(v.id).await.unwrap(), Some(v2));
    assert_eq!(o.store.events_after(v.id, 0).await.unwrap().events, ev);
    assert_eq!(o.store.load_directory().await.unwrap().tenants, vec![t]);
}

async fn active_index_is_newest_first_with_a_total(o: Opened) {
    let s = &o.store;
    let mut ids = Vec::new();
    for i in 0..5 {
        let v = record("acme", 1_000 + i);
        s.insert_verification(&v, NODE, None).await.unwrap();
        ids.push(v);
    }
    s.insert_verification(&record("other", 9_999), NODE, None)
        .await
        .unwrap();
    let a = s.active("acme", 3).await.unwrap();
    assert_eq!(a.total, 5);
    let got: Vec<_> = a.newest.iter().map(|v| v.id).collect();
    assert_eq!(got, vec![ids[4].id, ids[3].id, ids[2].id]);
    // A final verification leaves the index.
    let mut done = bumped(&ids[4]);
    done.state = State::Canceled;
    assert!(matches!(commit(s, &done, 1, &[]).await, Committed::Done));
    let a = s.active("acme", 10).await.unwrap();
    assert_eq!(a.total, 4);
    assert_eq!(a.newest[0].id, ids[3].id);
    assert_eq!(s.active("nobody", 10).await.unwrap().total, 0);
}

async fn request_ids_are_unique_per_tenant(o: Opened) {
    let s = &o.store;
    let mut first = record("acme", 1);
    first.request_id = "order-1".into();
    assert_eq!(
        s.insert_verification(&first, NODE, None).await.unwrap(),
        Inserted::New
    );
    let mut again = record("acme", 2);
    again.request_id = "order-1".into();
    assert_eq!(
        s.insert_verification(&again, NODE, None).await.unwrap(),
        Inserted::Existing(first.id)
    );
    assert_eq!(
        s.get_verification(again.id).await.unwrap(),
        None,
        "nothing written"
    );
    let mut elsewhere = record("other", 3);
    elsewhere.request_id = "order-1".into();
    assert_eq!(
        s.insert_verification(&elsewhere, NODE, None).await.unwrap(),
        Inserted::New
    );
    assert_eq!(
        s.find_request("acme", "order-1").await.unwrap(),
        Some(first.id)
    );
    assert_eq!(s.find_request("acme", "order-2").await.unwrap(), None);

    // Concurrent inserts with one request id: exactly one wins.
    let s2 = o.store.clone();
    let racers: Vec<_> = (0..6)
        .map(|i| {
            let s = s2.clone();
            tokio::spawn(async move {
                let mut v = record("acme", 10 + i);
                v.request_id = "order-race".into();
                (v.id, s.insert_verification(&v, NODE, None).await.unwrap())
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut pointed = Vec::new();
    for r in racers {
        match r.await.unwrap() {
            (id, Inserted::New) => winners.push(id),
            (_, Inserted::Existing(id)) => pointed.push(id),
            (_, Inserted::Refused(r)) => panic!("no limits were asked for: {r:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    assert!(pointed.iter().all(|id| *id == winners[0]));
}

async fn directory_writes_bump_the_version(o: Opened) {
    let s = &o.store;
    let v0 = s.directory_version().await.unwrap();
    let t = Tenant {
        id: "acme".into(),
        settings: TenantSettings {
            default_app_name: "Acme".into(),
            ..Default::default()
        },
        created_at: 7,
    };
    assert!(s.create_tenant(&t, NODE).await.unwrap());
    assert!(!s.create_tenant(&t, NODE).await.unwrap(), "ids are unique");
    let key = ApiKeyRecord {
        key_id: "key_1".into(),
        tenant_id: "acme".into(),
        description: "d".into(),
        created_at: 8,
        scope: Default::default(),
        expires_at: None,
    };
    s.put_api_key(&[7; 32], &key, NODE).await.unwrap();
    s.set_admin_token_hash(&[3; 32], NODE).await.unwrap();
    let snap = s.load_directory().await.unwrap();
    assert!(snap.version >= v0 + 3);
    assert_eq!(snap.version, s.directory_version().await.unwrap());
    assert_eq!(snap.tenants, vec![t]);
    assert_eq!(snap.api_keys, vec![([7; 32], key)]);
    assert_eq!(snap.admin_token_sha256, Some([3; 32]));
    s.remove_api_key(&[7; 32], NODE).await.unwrap();
    let after = s.load_directory().await.unwrap();
    assert!(after.api_keys.is_empty());
    assert!(after.version > snap.version);
}

async fn secrets_check_value(o: Opened) {
    let s = &o.store;
    assert_eq!(s.check_secrets(b"one").await.unwrap(), SecretsCheck::Stored);
    assert_eq!(
        s.check_secrets(b"one").await.unwrap(),
        SecretsCheck::Matches
    );
    assert_eq!(
        s.check_secrets(b"two").await.unwrap(),
        SecretsCheck::Mismatch
    );
    let o = o.reopen().await;
    assert_eq!(
        o.store.check_secrets(b"one").await.unwrap(),
        SecretsCheck::Matches
    );
}

/// Opening resumes: on sled, every verification that is not final is handed out
/// once; on PostgreSQL, a verification whose owner has a live lease is nobody's orphan.
async fn fresh_store_has_no_orphans_after_resume(o: Opened) {
    let s = &o.store;
    s.heartbeat(NODE, Duration::from_secs(60)).await.unwrap();
    let a = record("t", 1);
    s.insert_verification(&a, NODE, None).await.unwrap();
    let o = o.reopen().await;
    let s = &o.store;
    s.heartbeat(NODE, Duration::from_secs(60)).await.unwrap();
    let first = s.claim_orphans(NODE, 100).await.unwrap();
    if s.is_shared() {
        assert!(first.is_empty(), "its owner's lease is live");
    } else {
        assert_eq!(first.iter().map(|v| v.id).collect::<Vec<_>>(), vec![a.id]);
    }
    assert!(s.claim_orphans(NODE, 100).await.unwrap().is_empty());
}

// ---- PostgreSQL only: leases, takeover, notices, migrations.

async fn pg_pair(cluster: &str) -> (SharedStore, SharedStore, String) {
    let url = pg::fresh_database_on(cluster).await;
    let (a, _) = store::open(&Backend::Postgres(pg_config(&url)), "a")
        .await
        .unwrap();
    let (b, _) = store::open(&Backend::Postgres(pg_config(&url)), "b")
        .await
        .unwrap();
    (a, b, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_takeover_fences_the_old_owner() {
    let Some(cluster) = pg::cluster_or_skip("postgres_takeover_fences_the_old_owner") else {
        return;
    };
    let (a, b, _) = pg_pair(&cluster).await;
    a.heartbeat("a", Duration::from_millis(400)).await.unwrap();
    b.heartbeat("b", Duration::from_secs(60)).await.unwrap();
    let v = record("t", 1);
    a.insert_verification(&v, "a", None).await.unwrap();
    assert!(
        b.claim_orphans("b", 10).await.unwrap().is_empty(),
        "a's lease is live"
    );
    // a stops renewing; once its lease ran out by the database's clock, b takes over.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let claimed = loop {
        let c = b.claim_orphans("b", 10).await.unwrap();
        if !c.is_empty() {
            break c;
        }
        assert!(tokio::time::Instant::now() < deadline, "never taken over");
        tokio::task::yield_now().await;
    };
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        claimed[0].revision,
        v.revision + 1,
        "a takeover bumps the revision"
    );
    assert_eq!(
        b.load(v.id).await.unwrap().unwrap().owner.as_deref(),
        Some("b")
    );
    // a's next write conflicts, and names the new owner.
    match a
        .commit(Commit {
            record: &bumped(&v),
            expected_revision: v.revision,
            events: &[],
            webhooks: true,
            external_refs: &[],
            limits: None,
            audit: &[],
            origin: "a",
        })
        .await
        .unwrap()
    {
        Committed::Conflict(c) => assert_eq!(c.owner.as_deref(), Some("b")),
        other => panic!("the old owner's write did not conflict: {other:?}"),
    }
    // Released verifications are orphans at once.
    b.release("b").await.unwrap();
    a.heartbeat("a", Duration::from_secs(60)).await.unwrap();
    assert_eq!(a.claim_orphans("a", 10).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_notices_reach_the_other_node_in_commit_order() {
    let Some(cluster) = pg::cluster_or_skip("postgres_notices_reach_the_other_node") else {
        return;
    };
    let (a, b, _) = pg_pair(&cluster).await;
    let mut heard = b.notices();
    let v = record("acme", 1);
    a.insert_verification(&v, "a", None).await.unwrap();
    let mut cur = v.clone();
    for _ in 0..5 {
        let next = bumped(&cur);
        assert!(matches!(
            a.commit(Commit {
                record: &next,
                expected_revision: cur.revision,
                events: &[],
                webhooks: true,
                external_refs: &[],
                limits: None,
                audit: &[],
                origin: "a",
            })
            .await
            .unwrap(),
            Committed::Done
        ));
        cur = next;
    }
    let t = Tenant {
        id: "acme".into(),
        settings: Default::default(),
        created_at: 1,
    };
    a.create_tenant(&t, "a").await.unwrap();
    let mut got = Vec::new();
    while got.len() < 6 {
        let n = tokio::time::timeout(Duration::from_secs(20), heard.recv())
            .await
            .expect("a notice")
            .unwrap();
        got.push(n);
    }
    for (i, n) in got[..5].iter().enumerate() {
        assert_eq!(
            *n,
            Notice::Changed {
                origin: "a".into(),
                tenant: "acme".into(),
                id: v.id,
                from: 1 + i as u64,
                to: 2 + i as u64
            }
        );
    }
    assert_eq!(got[5], Notice::Directory { origin: "a".into() });
}

#[tokio::test]
async fn postgres_migrates_an_empty_database_and_refuses_a_newer_schema() {
    use sqlx::Connection;
    let Some(cluster) = pg::cluster_or_skip("postgres_migrates_an_empty_database") else {
        return;
    };
    let url = pg::fresh_database_on(&cluster).await;
    let backend = Backend::Postgres(pg_config(&url));
    let (s, closer) = store::open(&backend, NODE).await.unwrap();
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let known: Vec<i64> = store::postgres::MIGRATOR
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(versions, known);
    drop(s);
    closer.close(Duration::from_secs(5)).await;
    // Opening again is a no-op.
    let (s, closer) = store::open(&backend, NODE).await.unwrap();
    drop(s);
    closer.close(Duration::from_secs(5)).await;
    // A newer verifyd migrated this database: this one refuses it, clearly.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from the future', true, '\\x00', 0)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    match store::open(&backend, NODE).await {
        Err(e @ StoreError::SchemaTooNew { found: 9999 }) => {
            assert!(
                e.to_string().contains("newer than this verifyd knows"),
                "{e}"
            );
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("opened a schema from the future"),
    }
}

// ---- sled only: migration of a schema-1 store, and the refusal of a newer one.

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn sled_migrates_a_schema_1_store() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sled-v1"),
        dir.path(),
    );
    let backend = Backend::Sled(dir.path().join("sled"));
    let (s, closer) = store::open(&backend, NODE).await.unwrap();
    let pending = Uuid::parse_str("cb095275-4894-4a2c-9568-53d2b34f1978").unwrap();
    let verified = Uuid::parse_str("f787df5d-0a10-4615-8db7-ad0d7de41937").unwrap();
    let p = s.get_verification(pending).await.unwrap().unwrap();
    assert_eq!(p.state, State::Pending);
    assert_eq!(p.phone, "+33199002000");
    assert_eq!(p.request_id, "fixture-pending");
    assert_eq!(p.history[0].status, DeliveryStatus::InProgress);
    assert_eq!(
        s.get_verification(verified).await.unwrap().unwrap().state,
        State::Verified
    );
    // The active index was rebuilt in the new layout.
    let a = s.active("acme", 10).await.unwrap();
    assert_eq!((a.total, a.newest[0].id), (1, pending));
    assert_eq!(
        s.find_request("acme", "fixture-pending").await.unwrap(),
        Some(pending)
    );
    let dir_snap = s.load_directory().await.unwrap();
    let acme = dir_snap.tenants.iter().find(|t| t.id == "acme").unwrap();
    assert_eq!(acme.settings.price(Channel::Sms), 3);
    assert_eq!(
        acme.settings.blocked_numbers,
        vec!["+33199009999".to_string()]
    );
    assert_eq!(dir_snap.api_keys.len(), 2);
    assert!(dir_snap.admin_token_sha256.is_some());
    drop(s);
    closer.close(Duration::from_secs(5)).await;
    // A second open finds schema 2 and changes nothing.
    let (s, closer) = store::open(&backend, NODE).await.unwrap();
    assert_eq!(s.get_verification(pending).await.unwrap().unwrap(), p);
    drop(s);
    closer.close(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn sled_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sled");
    {
        let db = sled::open(&path).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    match store::open(&Backend::Sled(path), NODE).await {
        Err(StoreError::SchemaTooNew { found: 99 }) => {}
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("opened a schema from the future"),
    }
}
