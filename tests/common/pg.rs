//! The PostgreSQL side of the harness: which backend the integration tests run on,
//! and a fresh database per server on the test cluster.

use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sled,
    Postgres,
}

/// The backend named by `VERIFYD_TEST_BACKEND` (`sled`, the default, or `postgres`).
pub fn backend() -> Backend {
    match std::env::var("VERIFYD_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sled") | Err(_) => Backend::Sled,
        Ok(other) => panic!("VERIFYD_TEST_BACKEND={other}: expected sled or postgres"),
    }
}

/// The test cluster's superuser URL, if one is configured. Under CI (`CI=true`) a
/// missing cluster is an error: the PostgreSQL tests must run there.
pub fn cluster_url() -> Option<String> {
    match std::env::var("VERIFYD_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but VERIFYD_TEST_DATABASE_URL is not set: run scripts/test.sh")
        }
        _ => None,
    }
}

/// Like `cluster_url`, for tests that only make sense on PostgreSQL: `None` means
/// skip (and says so), which only happens outside CI.
pub fn cluster_or_skip(test: &str) -> Option<String> {
    let url = cluster_url();
    if url.is_none() {
        eprintln!(
            "{test}: skipped: no PostgreSQL (set VERIFYD_TEST_DATABASE_URL, or run scripts/test.sh)"
        );
    }
    url
}

/// Creates an empty database on the test cluster and returns its URL.
pub async fn fresh_database() -> String {
    let admin = cluster_url().expect(
        "VERIFYD_TEST_BACKEND=postgres needs VERIFYD_TEST_DATABASE_URL (scripts/test.sh sets both)",
    );
    fresh_database_on(&admin).await
}

pub async fn fresh_database_on(admin: &str) -> String {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .expect("create a test database");
    c.close().await.ok();
    let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

/// Drops a database made by `fresh_database`, closing what is still connected to it.
/// Best effort and blocking: it is called from `Drop`, maybe inside a runtime, so it
/// runs on a thread of its own. A CI machine's disk is not unlimited, and every
/// database costs some 8 MB.
pub fn drop_database(url: &str) {
    let (Some(admin), Some((_, name))) = (cluster_url(), url.rsplit_once('/')) else {
        return;
    };
    if !name.starts_with("t_") || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return;
    }
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let dropped = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
            let r = sqlx::query(&sql).execute(&mut c).await;
            c.close().await.ok();
            r.ok()
        })
    })
    .join();
    if !matches!(dropped, Ok(Some(_))) {
        eprintln!("note: could not drop the test database {name}");
    }
}
