//! Durability: no code in the store's bytes, resumption after a restart, and a real
//! server process killed with SIGKILL mid-fallback. On both backends.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::*;
use verifyd::pb;
use verifyd::pb::{Channel::*, CheckResult as R, DeliveryStatus as S, VerificationState as St};

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn no_issued_code_in_the_store_bytes() {
    let ts = TestServer::start().await;
    let mut codes = Vec::new();
    for i in 0..12u32 {
        let mut r = start_req(&magic(1, 0, (i % 2) as u8, 0), &[Telegram, Voice, Sms]);
        r.code_length = Some(8);
        if i % 4 == 0 {
            r.code = Some(format!("{:08}", 31_415_926 + i * 7_777));
            r.code_length = None;
        }
        r.is_code_deleted = i % 2 == 0;
        let v = ts.start_v(r).await.unwrap();
        codes.push((v.id.clone(), v.code.clone().unwrap()));
    }
    for (i, (id, code)) in codes.iter().enumerate() {
        ts.wait_delivery_done(id).await;
        if i % 3 == 0 {
            assert_eq!(ts.check(id, code).await.unwrap().result(), R::Verified);
        } else {
            ts.check(id, "00000000").await.unwrap();
        }
    }
    let data = ts.stop().await;
    let stored = stored_bytes(&data).await;
    assert!(!stored.is_empty());
    for (what, bytes) in &stored {
        for (_, code) in &codes {
            assert!(
                !bytes.windows(code.len()).any(|w| w == code.as_bytes()),
                "code found in {what}"
            );
        }
    }
    // The keys that protect the codes live outside the store.
    assert!(data.path().join("secrets.json").exists());
}

/// Everything the store holds: sled's files, or every stored value on PostgreSQL.
async fn stored_bytes(data: &Data) -> Vec<(String, Vec<u8>)> {
    match &data.database_url {
        None => files_under(&data.path().join("sled"))
            .into_iter()
            .map(|f| (f.display().to_string(), std::fs::read(&f).unwrap()))
            .collect(),
        Some(url) => {
            use sqlx::{Connection, Row};
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let mut out = Vec::new();
            for (table, query) in [
                (
                    "verifications",
                    "SELECT record, tenant_id, owner FROM verifications",
                ),
                ("events", "SELECT record, kind, tenant_id, '' FROM events"),
                (
                    "request_ids",
                    "SELECT ''::bytea, request_id, tenant_id, '' FROM request_ids",
                ),
                ("tenants", "SELECT record, id, '' FROM tenants"),
                ("api_keys", "SELECT record, '', '' FROM api_keys"),
                ("meta", "SELECT value, key, '' FROM meta"),
            ] {
                for row in sqlx::query(query).fetch_all(&mut c).await.unwrap() {
                    let mut bytes: Vec<u8> = row.get(0);
                    for i in 1..row.len() {
                        let text: Option<String> = row.get(i);
                        bytes.extend(text.unwrap_or_default().into_bytes());
                    }
                    out.push((table.to_owned(), bytes));
                }
            }
            out
        }
    }
}

#[tokio::test]
async fn a_restart_resumes_pending_verifications_and_expiry() {
    let ts = TestServer::start().await;
    let waiting = ts
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&waiting.id, 0).await;
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.ttl_sec = Some(120);
    let expiring = ts.start_v(r).await.unwrap();
    ts.wait_delivery_done(&expiring.id).await;
    let data = ts.stop().await;

    let ts = TestServer::start_in(data, &[]).await;
    assert_eq!(ts.running().resumed, 2);
    // The stored telegram deadline still holds after the restart.
    ts.advance(31);
    let v = ts.wait_delivery_done(&waiting.id).await;
    assert_eq!(statuses(&v), vec![S::Failed, S::Success]);
    ts.advance(120);
    let v = ts
        .wait_for(&expiring.id, "expiry", |v| v.state() == St::Expired)
        .await;
    assert_eq!(v.state(), St::Expired);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_fallback_loses_nothing_acknowledged() {
    let data = Data::fresh().await;
    let mut p = node::spawn(&data.flags()).await;
    let c = Client::connect(&p.addr).await;

    // A code used before the crash.
    let used = c
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    c.wait_delivery_done(&used.id).await;
    assert_eq!(
        c.check(&used.id, used.code()).await.unwrap().result(),
        R::Verified
    );
    // An attempt spent before the crash.
    let tried = c
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    let wrong = if tried.code() == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(
        c.check(&tried.id, wrong).await.unwrap().result(),
        R::Incorrect
    );

    // Verifications waiting on a telegram report that never comes: mid-fallback.
    let mut acked: HashMap<String, String> = HashMap::new();
    for _ in 0..8 {
        let v = c
            .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
            .await
            .unwrap();
        acked.insert(v.id.clone(), v.code.clone().unwrap());
    }
    // And a burst still being started when the process dies.
    let burst: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let burst = burst.clone();
            let addr = p.addr.clone();
            tokio::spawn(async move {
                let c = Client::connect(&addr).await;
                loop {
                    match c
                        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
                        .await
                    {
                        Ok(v) => {
                            burst
                                .lock()
                                .unwrap()
                                .insert(v.id.clone(), v.code.clone().unwrap());
                        }
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    // Kill once the burst has had some acknowledged.
    tokio::time::timeout(PATIENCE, async {
        while burst.lock().unwrap().len() < 20 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the burst makes progress");
    p.kill9().await;
    for w in writers {
        w.await.unwrap();
    }
    acked.extend(burst.lock().unwrap().drain());
    assert!(acked.len() >= 28);

    let p2 = node::spawn(&data.flags()).await;
    let c = Client::connect(&p2.addr).await;
    for (id, code) in &acked {
        let v = c.get(id).await;
        assert_eq!(v.state(), St::Pending, "{id}");
        assert_eq!(v.code.as_deref(), Some(code.as_str()));
    }
    // The telegram deadlines fire after the restart, and every step reaches the end.
    c.advance_clock(31).await;
    for (id, code) in &acked {
        let v = c.wait_delivery_done(id).await;
        assert_eq!(v.status(), S::Success, "{v:?}");
        assert_eq!(v.delivered_channel(), Sms);
        assert_eq!(c.check(id, code).await.unwrap().result(), R::Verified);
        assert_eq!(c.get(id).await.state(), St::Verified);
    }
    // What was consumed before the crash is still consumed.
    assert_eq!(
        c.check(&used.id, used.code()).await.unwrap().result(),
        R::NotPending
    );
    assert_eq!(c.get(&tried.id).await.attempts_remaining, 4);
    // And what was left pending still expires.
    c.advance_clock(600).await;
    let v = c
        .wait_for(&tried.id, "expiry", |v| v.state() == St::Expired)
        .await;
    assert_eq!(v.state(), St::Expired);
    drop(p2);
}

/// A data directory written by the previous release (schema 1, see
/// `tests/fixtures/sled-v1/README.md`) still serves: its tenant, key, settings and
/// verifications, with the idempotency key still bound.
#[tokio::test]
async fn a_schema_1_data_dir_still_serves() {
    if common::pg::backend() == common::pg::Backend::Postgres {
        eprintln!("a_schema_1_data_dir_still_serves: a sled fixture; runs on the sled pass");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sled-v1");
    for sub in ["", "sled"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(fixture.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && p.file_name().unwrap() != "README.md" {
                std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    let ts = TestServer::start_in(
        Data {
            dir,
            database_url: None,
        },
        &[],
    )
    .await;
    let key = "vfd_8f251a46cbe302489bd47fa10b477e70fda9a7a723a743e8aa8aa3a0b17b281d";
    let get = |id: &str| {
        let mut v = ts.verify();
        let r = req_as(pb::GetVerificationRequest { id: id.into() }, key, "acme");
        async move {
            v.get_verification(r)
                .await
                .unwrap()
                .into_inner()
                .verification
                .unwrap()
        }
    };
    let pending = get("cb095275-4894-4a2c-9568-53d2b34f1978").await;
    assert_eq!(pending.code.as_deref(), Some("424242"));
    assert_eq!(pending.request_id, "fixture-pending");
    // Its driver resumed it: it expires at its stored time (at most 600 s after the
    // fixture was made, which is before now).
    ts.advance(600);
    let pending = ts
        .wait_for_as(&pending.id, key, "acme", "expiry", |v| {
            v.state() == St::Expired
        })
        .await;
    assert_eq!(pending.history[0].status(), S::Failed);
    let verified = get("f787df5d-0a10-4615-8db7-ad0d7de41937").await;
    assert_eq!(verified.state(), St::Verified);
    let r = ts
        .verify()
        .check_code(req_as(
            pb::CheckCodeRequest {
                id: verified.id.clone(),
                code: "515151".into(),
            },
            key,
            "acme",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.result(), R::NotPending);
    let acme = ts
        .admin()
        .get_tenant(admin_req(pb::GetTenantRequest {
            tenant_id: "acme".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tenant
        .unwrap();
    let settings = acme.settings.unwrap();
    assert_eq!(settings.blocked_numbers, vec!["+33199009999".to_string()]);
    assert_eq!(settings.default_app_name, "Acme");
    ts.stop().await;
}
