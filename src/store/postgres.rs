//! The PostgreSQL backend: several verifyd nodes on one database.
//!
//! Driver: `sqlx` (async, pooled, with embedded migrations through `sqlx::migrate!`).
//! The schema lives in `migrations/`; a node migrates an empty or older database on
//! start and refuses one whose schema is newer than it knows. Use a database (or a
//! schema, through `search_path` in the URL) of verifyd's own: sqlx keeps its
//! migration history in a table named `_sqlx_migrations`.
//!
//! Hot writes are single statements (data-modifying CTEs), so each is atomic and
//! costs one round trip: a commit updates the record only if its revision is still
//! the expected one, inserts the events, and sends the change notice, all or nothing.
//! A commit that returns `Ok` was committed with PostgreSQL's durability (with the
//! default `synchronous_commit = on`, on disk).
//!
//! Ownership: each node heartbeats a row in `nodes` with a lease expiry by the
//! database's clock, so node clocks need not agree. A verification whose owner has no
//! live lease is an orphan; `claim_orphans` takes orphans over with
//! `FOR UPDATE SKIP LOCKED` (no advisory locks) and bumps their revision, which fences
//! off the old owner: its next commit conflicts.
//!
//! Change notices: commits and directory writes `pg_notify` the channel `verifyd` in
//! the same transaction, so a notice is sent only for what committed, and notices
//! arrive in commit order. One listener connection per node turns them into
//! [`Notice`]s. PostgreSQL drops notices while a listener is disconnected, so a
//! reconnect is reported as [`Notice::Lost`] and the engine resynchronises from the
//! tables. (LISTEN/NOTIFY is what CockroachDB lacks; see the README.)

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Executor, Row};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::codec::{decode, encode};
use super::{
    Active, ApiKeyRecord, AuditQuery, Commit, Committed, DeliveryQuery, DirectorySnapshot,
    EventsAfter, FanOut, Inserted, LimitsTx, Loaded, Notice, OutboxEvent, OutboxItem, Purged,
    Retention, SecretsCheck, Store, StoreError, StoredEvent,
};
use crate::domain::audit::AuditEntry;
use crate::domain::limits::{Block, Counters};
use crate::domain::tenant::Tenant;
use crate::domain::verification::Millis;
use crate::domain::verification::Verification;
use crate::domain::webhook::{Delivery, DeliveryStatus, Endpoint};

/// The migrations this build knows, embedded at compile time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

const CHANNEL: &str = "verifyd";

/// How the backend connects.
#[derive(Debug, Clone)]
pub struct PgConfig {
    pub url: String,
    pub max_connections: u32,
    pub connect_timeout: Duration,
}

/// The PostgreSQL backend. Cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    describe: String,
    notices: broadcast::Sender<Notice>,
}

/// Where a URL points, without its password.
pub fn describe_url(url: &str) -> String {
    match PgConnectOptions::from_str(url) {
        Ok(o) => format!(
            "postgres://{}:{}/{}",
            o.get_host(),
            o.get_port(),
            o.get_database().unwrap_or("")
        ),
        Err(_) => "postgres (unparseable URL)".into(),
    }
}

fn record_of(row: &sqlx::postgres::PgRow) -> Result<Verification, StoreError> {
    let mut v: Verification = decode(&row.try_get::<Vec<u8>, _>("record")?)?;
    // The column is the truth: a takeover bumps it without rewriting the record.
    v.revision = row.try_get::<i64, _>("revision")? as u64;
    Ok(v)
}

fn rev(r: u64) -> i64 {
    i64::try_from(r).unwrap_or(i64::MAX)
}

impl PgStore {
    /// Connects, migrates, and starts the notice listener (which stops with `stop`).
    pub async fn open(cfg: &PgConfig, stop: CancellationToken) -> Result<Self, StoreError> {
        let opts = PgConnectOptions::from_str(&cfg.url)?;
        let pool = PgPoolOptions::new()
            .max_connections(cfg.max_connections)
            .acquire_timeout(cfg.connect_timeout)
            .connect_with(opts)
            .await?;
        migrate(&pool).await?;
        let (notices, _) = broadcast::channel(4096);
        let store = Self {
            pool,
            describe: describe_url(&cfg.url),
            notices,
        };
        // Listen before anything is served, so no notice after start-up is missed.
        let mut listener = PgListener::connect_with(&store.pool).await?;
        listener.listen(CHANNEL).await?;
        tokio::spawn(listen(listener, store.notices.clone(), stop));
        Ok(store)
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A directory write: `stmt` (which must affect rows to count) with the version
    /// bump and the notice, in one transaction. Returns the rows `stmt` affected.
    async fn directory_write(
        &self,
        stmt: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
        origin: &str,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = stmt.execute(&mut *tx).await?.rows_affected();
        if n > 0 {
            sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'directory_version'")
                .execute(&mut *tx)
                .await?;
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(format!("d {origin}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Postgres>;

/// Locks the counters of `keys` (creating missing ones), in key order.
async fn lock_counters(tx: &mut Tx<'_>, keys: &[String]) -> Result<Counters, StoreError> {
    let mut sorted = keys.to_vec();
    sorted.sort();
    sorted.dedup();
    let empty = encode(&crate::domain::limits::Counter::default());
    sqlx::query(
        "INSERT INTO limit_counters (key, value) SELECT k, $2 FROM unnest($1::text[]) AS k
         ON CONFLICT DO NOTHING",
    )
    .bind(&sorted)
    .bind(empty)
    .execute(&mut **tx)
    .await?;
    let rows = sqlx::query(
        "SELECT key, value FROM limit_counters WHERE key = ANY($1) ORDER BY key FOR UPDATE",
    )
    .bind(&sorted)
    .fetch_all(&mut **tx)
    .await?;
    let mut c = Counters::new();
    for r in rows {
        c.insert(
            r.try_get("key")?,
            decode(&r.try_get::<Vec<u8>, _>("value")?)?,
        );
    }
    Ok(c)
}

async fn write_counters(tx: &mut Tx<'_>, c: &Counters) -> Result<(), StoreError> {
    let keys: Vec<&str> = c.keys().map(String::as_str).collect();
    let values: Vec<Vec<u8>> = c.values().map(encode).collect();
    sqlx::query(
        "INSERT INTO limit_counters (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )
    .bind(&keys)
    .bind(&values)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_deliveries(tx: &mut Tx<'_>, ds: &[Delivery]) -> Result<(), StoreError> {
    if ds.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = ds.iter().map(|d| d.id).collect();
    let seqs: Vec<i64> = ds.iter().map(|d| d.seq as i64).collect();
    let tenants: Vec<&str> = ds.iter().map(|d| d.tenant_id.as_str()).collect();
    let endpoints: Vec<&str> = ds.iter().map(|d| d.endpoint_id.as_str()).collect();
    let verifications: Vec<Option<Uuid>> = ds.iter().map(|d| d.verification_id).collect();
    let events: Vec<Uuid> = ds.iter().map(|d| d.event_id).collect();
    let next: Vec<i64> = ds.iter().map(|d| d.next_attempt_at).collect();
    let created: Vec<i64> = ds.iter().map(|d| d.created_at).collect();
    let records: Vec<Vec<u8>> = ds.iter().map(encode).collect();
    sqlx::query(
        "INSERT INTO deliveries (id, seq, tenant_id, endpoint_id, verification_id, event_id,
             pending, next_attempt_at, created_at, record)
         SELECT id, seq, t, ep, v, ev, true, nx, cr, rec
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::uuid[], $6::uuid[],
                     $7::bigint[], $8::bigint[], $9::bytea[])
              AS x(id, seq, t, ep, v, ev, nx, cr, rec)
         ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .bind(&seqs)
    .bind(&tenants)
    .bind(&endpoints)
    .bind(&verifications)
    .bind(&events)
    .bind(&next)
    .bind(&created)
    .bind(&records)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_audit(tx: &mut Tx<'_>, entries: &[AuditEntry]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let tenants: Vec<&str> = entries.iter().map(|e| e.tenant_id.as_str()).collect();
    let ats: Vec<i64> = entries.iter().map(|e| e.at).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.name()).collect();
    let records: Vec<Vec<u8>> = entries.iter().map(encode).collect();
    sqlx::query(
        "INSERT INTO audit (id, tenant_id, at, action, record)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::bytea[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .bind(&tenants)
    .bind(&ats)
    .bind(&actions)
    .bind(&records)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Runs the embedded migrations, after refusing a schema newer than this build knows.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let has_history: bool =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(pool)
            .await?;
    if has_history {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?;
        if let Some(v) = applied
            && v > known
        {
            return Err(StoreError::SchemaTooNew {
                found: u32::try_from(v).unwrap_or(u32::MAX),
            });
        }
    }
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| StoreError::Migrate(e.to_string()))
}

fn parse_notice(payload: &str) -> Option<Notice> {
    let mut parts = payload.split(' ');
    let kind = parts.next()?;
    let origin = parts.next()?.to_owned();
    Some(match kind {
        "c" => Notice::Changed {
            origin,
            tenant: parts.next()?.to_owned(),
            id: Uuid::parse_str(parts.next()?).ok()?,
            from: parts.next()?.parse().ok()?,
            to: parts.next()?.parse().ok()?,
        },
        "d" => Notice::Directory { origin },
        "r" => Notice::Released { origin },
        _ => return None,
    })
}

/// Turns PostgreSQL notifications into notices until `stop`.
async fn listen(mut listener: PgListener, tx: broadcast::Sender<Notice>, stop: CancellationToken) {
    loop {
        let got = tokio::select! {
            _ = stop.cancelled() => return,
            got = listener.try_recv() => got,
        };
        match got {
            Ok(Some(n)) => {
                if let Some(notice) = parse_notice(n.payload()) {
                    let _ = tx.send(notice);
                }
            }
            // The connection dropped; the next call reconnects. What was sent in
            // between is gone.
            Ok(None) => {
                tracing::warn!("the notice connection to the database dropped; resynchronising");
                let _ = tx.send(Notice::Lost);
            }
            Err(e) => {
                tracing::warn!(error = %e, "the notice connection to the database failed; retrying");
                let _ = tx.send(Notice::Lost);
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl Store for PgStore {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn is_shared(&self) -> bool {
        true
    }

    async fn insert_verification(
        &self,
        v: &Verification,
        owner: &str,
        limits: Option<LimitsTx>,
    ) -> Result<Inserted, StoreError> {
        let record = encode(v);
        let mut tx = self.pool.begin().await?;
        if !v.request_id.is_empty() {
            // Taken first: a concurrent insert of the same request id waits on the
            // key's index entry, then finds it taken, and counts nothing.
            let free = sqlx::query(
                "INSERT INTO request_ids (tenant_id, request_id, verification_id, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(&v.tenant_id)
            .bind(&v.request_id)
            .bind(v.id)
            .bind(v.created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !free {
                tx.rollback().await?;
                let first: Uuid = sqlx::query_scalar(
                    "SELECT verification_id FROM request_ids WHERE tenant_id = $1 AND request_id = $2",
                )
                .bind(&v.tenant_id)
                .bind(&v.request_id)
                .fetch_one(&self.pool)
                .await?;
                return Ok(Inserted::Existing(first));
            }
        }
        if let Some(l) = &limits {
            let mut c = lock_counters(&mut tx, &l.keys).await?;
            if let Err(refusal) = (l.decide)(&mut c) {
                if let Some(b) = &refusal.new_block {
                    write_counters(&mut tx, &c).await?;
                    sqlx::query(
                        "INSERT INTO blocks (tenant_id, country_iso, prefix, record) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (tenant_id, country_iso, prefix) DO UPDATE SET record = EXCLUDED.record",
                    )
                    .bind(&b.tenant_id)
                    .bind(&b.country_iso)
                    .bind(&b.prefix)
                    .bind(encode(b))
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("INSERT INTO outbox (tenant_id, block) VALUES ($1, $2)")
                        .bind(&b.tenant_id)
                        .bind(encode(b))
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                return Ok(Inserted::Refused(refusal));
            }
            write_counters(&mut tx, &c).await?;
        }
        sqlx::query(
            "INSERT INTO verifications (id, tenant_id, created_at, revision, active, owner, record)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(v.id)
        .bind(&v.tenant_id)
        .bind(v.created_at)
        .bind(rev(v.revision))
        .bind(!v.is_final())
        .bind(owner)
        .bind(record)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Inserted::New)
    }

    async fn counters(&self, keys: &[String]) -> Result<Counters, StoreError> {
        let rows = sqlx::query("SELECT key, value FROM limit_counters WHERE key = ANY($1)")
            .bind(keys)
            .fetch_all(&self.pool)
            .await?;
        let mut c: Counters = keys
            .iter()
            .map(|k| (k.clone(), Default::default()))
            .collect();
        for r in rows {
            c.insert(
                r.try_get("key")?,
                decode(&r.try_get::<Vec<u8>, _>("value")?)?,
            );
        }
        Ok(c)
    }

    async fn blocks(&self, tenant: &str) -> Result<Vec<Block>, StoreError> {
        sqlx::query("SELECT record FROM blocks WHERE $1 = '' OR tenant_id = $1 ORDER BY tenant_id, country_iso, prefix")
            .bind(tenant)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
            .collect()
    }

    async fn lift_block(
        &self,
        tenant: &str,
        country: &str,
        prefix: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let had = sqlx::query(
            "DELETE FROM blocks WHERE tenant_id = $1 AND country_iso = $2 AND prefix = $3",
        )
        .bind(tenant)
        .bind(country)
        .bind(prefix)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let key = crate::domain::limits::pumping_key(tenant, country, prefix);
        let mut c = lock_counters(&mut tx, std::slice::from_ref(&key)).await?;
        if let Some(k) = c.get_mut(&key) {
            k.until = 0;
            k.times.clear();
            k.marks.clear();
        }
        write_counters(&mut tx, &c).await?;
        tx.commit().await?;
        Ok(had)
    }

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_audit(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let actions: Vec<&str> = q.actions.iter().map(|a| a.name()).collect();
        sqlx::query(
            "SELECT record FROM audit
             WHERE ($1 = '' OR tenant_id = $1) AND (cardinality($2::text[]) = 0 OR action = ANY($2))
               AND at >= $3 AND at < $4
             ORDER BY at DESC, id DESC LIMIT $5",
        )
        .bind(&q.tenant_id)
        .bind(&actions)
        .bind(q.since.unwrap_or(i64::MIN))
        .bind(q.before.unwrap_or(i64::MAX))
        .bind(i64::try_from(q.limit.max(1)).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
        .collect()
    }

    async fn purge(&self, r: Retention) -> Result<Purged, StoreError> {
        let mut p = Purged::default();
        loop {
            let n: i64 = sqlx::query_scalar(
                "WITH gone AS (
                     DELETE FROM verifications WHERE id IN (
                         SELECT id FROM verifications WHERE NOT active AND finished_at < $1 LIMIT 1000
                     ) RETURNING id
                 ), e AS (
                     DELETE FROM events WHERE verification_id IN (SELECT id FROM gone) RETURNING 1
                 ), x AS (
                     DELETE FROM external_ids WHERE verification_id IN (SELECT id FROM gone) RETURNING 1
                 ), q AS (
                     DELETE FROM request_ids WHERE verification_id IN (SELECT id FROM gone) RETURNING 1
                 )
                 SELECT (SELECT count(*) FROM gone) + 0 * (SELECT count(*) FROM e)
                        + 0 * (SELECT count(*) FROM x) + 0 * (SELECT count(*) FROM q)",
            )
            .bind(r.verifications_before)
            .fetch_one(&self.pool)
            .await?;
            p.verifications += n as u64;
            if n < 1000 {
                break;
            }
        }
        p.request_ids = sqlx::query("DELETE FROM request_ids WHERE created_at < $1")
            .bind(r.request_ids_before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM deliveries WHERE NOT pending AND created_at < $1")
            .bind(r.verifications_before)
            .execute(&self.pool)
            .await?;
        p.audit = sqlx::query("DELETE FROM audit WHERE at < $1")
            .bind(r.audit_before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        // Counters are encoded, so they are judged here, a page at a time, and
        // each is deleted only if its value is still the one read (a start or check
        // that touched it meanwhile keeps it).
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT key, value FROM limit_counters WHERE key > $1 ORDER BY key LIMIT 1000",
            )
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let (mut keys, mut values) = (Vec::new(), Vec::new());
            for row in &rows {
                let key: String = row.try_get("key")?;
                let value: Vec<u8> = row.try_get("value")?;
                let c: crate::domain::limits::Counter = decode(&value)?;
                if c.last_relevant() < r.counters_before {
                    keys.push(key.clone());
                    values.push(value);
                }
                after = key;
            }
            if !keys.is_empty() {
                p.counters += sqlx::query(
                    "DELETE FROM limit_counters AS l
                     USING unnest($1::text[], $2::bytea[]) AS g(k, v)
                     WHERE l.key = g.k AND l.value = g.v",
                )
                .bind(&keys)
                .bind(&values)
                .execute(&self.pool)
                .await?
                .rows_affected();
            }
            if rows.len() < 1000 {
                break;
            }
        }
        let rows = sqlx::query("SELECT tenant_id, country_iso, prefix, record FROM blocks")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let record: Vec<u8> = row.try_get("record")?;
            let block: Block = decode(&record)?;
            if block.until < r.counters_before {
                p.blocks += sqlx::query(
                    "DELETE FROM blocks WHERE tenant_id = $1 AND country_iso = $2 AND prefix = $3
                     AND record = $4",
                )
                .bind(row.try_get::<String, _>("tenant_id")?)
                .bind(row.try_get::<String, _>("country_iso")?)
                .bind(row.try_get::<String, _>("prefix")?)
                .bind(&record)
                .execute(&self.pool)
                .await?
                .rows_affected();
            }
        }
        Ok(p)
    }

    async fn get_verification(&self, id: Uuid) -> Result<Option<Verification>, StoreError> {
        sqlx::query("SELECT revision, record FROM verifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| record_of(&row))
            .transpose()
    }

    async fn load(&self, id: Uuid) -> Result<Option<Loaded>, StoreError> {
        sqlx::query("SELECT revision, record, owner FROM verifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| {
                Ok(Loaded {
                    record: record_of(&row)?,
                    owner: row.try_get("owner")?,
                })
            })
            .transpose()
    }

    async fn commit(&self, c: Commit<'_>) -> Result<Committed, StoreError> {
        let v = c.record;
        let active = !v.is_final();
        let (mut revs, mut kinds, mut ats, mut records) = (vec![], vec![], vec![], vec![]);
        for e in c.events {
            revs.push(rev(e.revision));
            kinds.push(e.kind.name());
            ats.push(e.at);
            records.push(encode(e));
        }
        let (mut ref_providers, mut ref_ids, mut ref_attempts) = (vec![], vec![], vec![]);
        for r in c.external_refs {
            ref_providers.push(r.provider.as_str());
            ref_ids.push(r.external_id.as_str());
            ref_attempts.push(r.attempt_id);
        }
        let notice = format!(
            "c {} {} {} {} {}",
            c.origin, v.tenant_id, v.id, c.expected_revision, v.revision
        );
        // With limit counters or audit entries, the statement runs in a transaction
        // that also writes them; without, it is atomic on its own.
        let mut tx = if c.limits.is_some() || !c.audit.is_empty() {
            Some(self.pool.begin().await?)
        } else {
            None
        };
        let stmt = sqlx::query_scalar(
            "WITH upd AS (
                 UPDATE verifications
                 SET record = $3, revision = $4, active = $5,
                     owner = CASE WHEN $5 THEN owner ELSE NULL END,
                     finished_at = CASE WHEN $5 THEN NULL ELSE COALESCE(finished_at, $15) END
                 WHERE id = $1 AND revision = $2
                 RETURNING tenant_id
             ), ev AS (
                 INSERT INTO events (verification_id, revision, tenant_id, kind, at, record)
                 SELECT $1, e.revision, upd.tenant_id, e.kind, e.at, e.record
                 FROM upd, unnest($6::bigint[], $7::text[], $8::bigint[], $9::bytea[])
                      AS e(revision, kind, at, record)
                 RETURNING 1
             ), x AS (
                 INSERT INTO external_ids (provider, external_id, verification_id, attempt_id)
                 SELECT r.provider, r.external_id, $1, r.attempt_id
                 FROM upd, unnest($12::text[], $13::text[], $14::uuid[])
                      AS r(provider, external_id, attempt_id)
                 ON CONFLICT DO NOTHING
                 RETURNING 1
             ), o AS (
                 INSERT INTO outbox (tenant_id, verification_id, revision)
                 SELECT upd.tenant_id, $1, e.revision
                 FROM upd, unnest($6::bigint[]) WITH ORDINALITY AS e(revision, i)
                 WHERE $16
                 ORDER BY e.i
                 RETURNING 1
             ), n AS (
                 SELECT pg_notify($10, $11) FROM upd
             )
             SELECT (SELECT count(*) FROM upd) + 0 * (SELECT count(*) FROM ev)
                    + 0 * (SELECT count(*) FROM x) + 0 * (SELECT count(*) FROM o)
                    + 0 * (SELECT count(*) FROM n)",
        )
        .bind(v.id)
        .bind(rev(c.expected_revision))
        .bind(encode(v))
        .bind(rev(v.revision))
        .bind(active)
        .bind(&revs)
        .bind(&kinds)
        .bind(&ats)
        .bind(&records)
        .bind(CHANNEL)
        .bind(notice)
        .bind(&ref_providers)
        .bind(&ref_ids)
        .bind(&ref_attempts)
        .bind(v.updated_at)
        .bind(c.webhooks);
        let updated: i64 = match &mut tx {
            Some(tx) => stmt.fetch_one(&mut **tx).await?,
            None => stmt.fetch_one(&self.pool).await?,
        };
        if updated == 1 {
            if let Some(mut tx) = tx {
                if let Some(l) = &c.limits {
                    let mut counters = lock_counters(&mut tx, &l.keys).await?;
                    if let Err(refusal) = (l.decide)(&mut counters) {
                        // The update, its events and its notice go with it.
                        tx.rollback().await?;
                        return Ok(Committed::Refused(refusal));
                    }
                    write_counters(&mut tx, &counters).await?;
                }
                insert_audit(&mut tx, c.audit).await?;
                tx.commit().await?;
            }
            return Ok(Committed::Done);
        }
        if let Some(tx) = tx {
            tx.rollback().await?;
        }
        match self.load(v.id).await? {
            Some(current) => Ok(Committed::Conflict(Box::new(current))),
            None => Err(StoreError::Decode(
                "commit of an unknown verification".into(),
            )),
        }
    }

    async fn active(&self, tenant: &str, limit: usize) -> Result<Active, StoreError> {
        let rows = sqlx::query(
            "SELECT revision, record, count(*) OVER () AS total FROM verifications
             WHERE tenant_id = $1 AND active ORDER BY created_at DESC LIMIT $2",
        )
        .bind(tenant)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let mut total = rows
            .first()
            .map(|r| r.try_get::<i64, _>("total"))
            .transpose()?
            .unwrap_or(0) as usize;
        if rows.is_empty() && limit == 0 {
            total = sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM verifications WHERE tenant_id = $1 AND active",
            )
            .bind(tenant)
            .fetch_one(&self.pool)
            .await? as usize;
        }
        let newest = rows.iter().map(record_of).collect::<Result<_, _>>()?;
        Ok(Active { newest, total })
    }

    async fn events_after(&self, id: Uuid, after: u64) -> Result<EventsAfter, StoreError> {
        let events = sqlx::query(
            "SELECT record FROM events WHERE verification_id = $1 AND revision > $2
             ORDER BY revision",
        )
        .bind(id)
        .bind(rev(after))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| decode::<StoredEvent>(&r.try_get::<Vec<u8>, _>("record")?))
        .collect::<Result<_, _>>()?;
        Ok(EventsAfter {
            events,
            current: self.get_verification(id).await?,
        })
    }

    async fn find_attempt(
        &self,
        provider: &str,
        external_id: &str,
    ) -> Result<Option<(Uuid, Uuid)>, StoreError> {
        let row = sqlx::query(
            "SELECT verification_id, attempt_id FROM external_ids
             WHERE provider = $1 AND external_id = $2",
        )
        .bind(provider)
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("verification_id")?, r.try_get("attempt_id")?)))
            .transpose()
    }

    async fn find_request(
        &self,
        tenant: &str,
        request_id: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT verification_id FROM request_ids WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind(tenant)
        .bind(request_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn heartbeat(&self, node: &str, lease: Duration) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO nodes (node_id, lease_until)
             VALUES ($1, now() + $2::bigint * interval '1 millisecond')
             ON CONFLICT (node_id) DO UPDATE SET lease_until = EXCLUDED.lease_until",
        )
        .bind(node)
        .bind(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_orphans(
        &self,
        node: &str,
        limit: usize,
    ) -> Result<Vec<Verification>, StoreError> {
        sqlx::query(
            "UPDATE verifications AS v SET owner = $1, revision = v.revision + 1
             FROM (
                 SELECT id FROM verifications AS o
                 WHERE active AND (owner IS NULL OR NOT EXISTS (
                     SELECT 1 FROM nodes AS n WHERE n.node_id = o.owner AND n.lease_until > now()
                 ))
                 ORDER BY created_at LIMIT $2
                 FOR UPDATE SKIP LOCKED
             ) AS orphan
             WHERE v.id = orphan.id
             RETURNING v.revision, v.record",
        )
        .bind(node)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(record_of)
        .collect()
    }

    async fn release(&self, node: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE verifications SET owner = NULL WHERE owner = $1 AND active")
            .bind(node)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM nodes WHERE node_id = $1")
            .bind(node)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("r {node}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    fn notices(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    async fn load_directory(&self) -> Result<DirectorySnapshot, StoreError> {
        // One snapshot for all four reads, so the version matches what was read.
        let mut tx = self.pool.begin().await?;
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .await?;
        let version: i64 =
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'directory_version'")
                .fetch_one(&mut *tx)
                .await?;
        let tenants = sqlx::query("SELECT record FROM tenants")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
            .collect::<Result<_, _>>()?;
        let mut api_keys = Vec::new();
        for r in sqlx::query("SELECT key_sha256, record FROM api_keys")
            .fetch_all(&mut *tx)
            .await?
        {
            let h: Vec<u8> = r.try_get("key_sha256")?;
            if let Ok(h) = <[u8; 32]>::try_from(h.as_slice()) {
                api_keys.push((h, decode(&r.try_get::<Vec<u8>, _>("record")?)?));
            }
        }
        let endpoints = sqlx::query("SELECT record FROM webhook_endpoints")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
            .collect::<Result<_, _>>()?;
        let admin: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'admin_token_sha256'")
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(DirectorySnapshot {
            tenants,
            endpoints,
            api_keys,
            admin_token_sha256: admin.and_then(|h| h.try_into().ok()),
            version: version as u64,
        })
    }

    async fn directory_version(&self) -> Result<u64, StoreError> {
        let v: i64 =
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'directory_version'")
                .fetch_one(&self.pool)
                .await?;
        Ok(v as u64)
    }

    async fn create_tenant(&self, t: &Tenant, origin: &str) -> Result<bool, StoreError> {
        let n = self
            .directory_write(
                sqlx::query(
                    "INSERT INTO tenants (id, record) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(t.id.clone())
                .bind(encode(t)),
                origin,
            )
            .await?;
        Ok(n == 1)
    }

    async fn put_tenant(&self, t: &Tenant, origin: &str) -> Result<(), StoreError> {
        self.directory_write(
            sqlx::query(
                "INSERT INTO tenants (id, record) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
            )
            .bind(t.id.clone())
            .bind(encode(t)),
            origin,
        )
        .await?;
        Ok(())
    }

    async fn put_api_key(
        &self,
        key_sha256: &[u8; 32],
        rec: &ApiKeyRecord,
        origin: &str,
    ) -> Result<(), StoreError> {
        self.directory_write(
            sqlx::query(
                "INSERT INTO api_keys (key_sha256, record) VALUES ($1, $2)
                 ON CONFLICT (key_sha256) DO UPDATE SET record = EXCLUDED.record",
            )
            .bind(key_sha256.to_vec())
            .bind(encode(rec)),
            origin,
        )
        .await?;
        Ok(())
    }

    async fn remove_api_key(&self, key_sha256: &[u8; 32], origin: &str) -> Result<(), StoreError> {
        self.directory_write(
            sqlx::query("DELETE FROM api_keys WHERE key_sha256 = $1").bind(key_sha256.to_vec()),
            origin,
        )
        .await?;
        Ok(())
    }

    async fn set_admin_token_hash(&self, hash: &[u8; 32], origin: &str) -> Result<(), StoreError> {
        self.directory_write(
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('admin_token_sha256', $1)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            )
            .bind(hash.to_vec()),
            origin,
        )
        .await?;
        Ok(())
    }

    async fn check_secrets(&self, value: &[u8]) -> Result<SecretsCheck, StoreError> {
        let stored = sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('secrets_check', $1) ON CONFLICT DO NOTHING",
        )
        .bind(value.to_vec())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if stored == 1 {
            return Ok(SecretsCheck::Stored);
        }
        let current: Vec<u8> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'secrets_check'")
                .fetch_one(&self.pool)
                .await?;
        Ok(if current == value {
            SecretsCheck::Matches
        } else {
            SecretsCheck::Mismatch
        })
    }

    async fn put_endpoint(&self, e: &Endpoint, origin: &str) -> Result<(), StoreError> {
        self.directory_write(
            sqlx::query(
                "INSERT INTO webhook_endpoints (tenant_id, id, record) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, id) DO UPDATE SET record = EXCLUDED.record",
            )
            .bind(e.tenant_id.clone())
            .bind(e.id.clone())
            .bind(encode(e)),
            origin,
        )
        .await?;
        Ok(())
    }

    async fn delete_endpoint(
        &self,
        tenant: &str,
        id: &str,
        origin: &str,
    ) -> Result<bool, StoreError> {
        let n = self
            .directory_write(
                sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.to_owned())
                    .bind(id.to_owned()),
                origin,
            )
            .await?;
        if n > 0 {
            self.cancel_deliveries(tenant, id).await?;
        }
        Ok(n > 0)
    }

    async fn fan_out(&self, limit: usize, f: FanOut) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        // No SKIP LOCKED: a node that skipped another's rows could commit the
        // deliveries of a verification's later events before those of its earlier
        // ones, and an endpoint would get them out of order. Locking in `seq` order
        // makes a second node wait at the first row the other holds (no deadlock:
        // both lock in the same order), then skip the rows that are gone.
        let rows = sqlx::query(
            "SELECT o.seq, o.tenant_id, o.block, e.record
             FROM outbox o
             LEFT JOIN events e ON e.verification_id = o.verification_id AND e.revision = o.revision
             ORDER BY o.seq LIMIT $1
             FOR UPDATE OF o",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        let mut seqs = Vec::with_capacity(rows.len());
        let mut deliveries = Vec::new();
        for r in &rows {
            let seq: i64 = r.try_get("seq")?;
            seqs.push(seq);
            let block: Option<Vec<u8>> = r.try_get("block")?;
            let record: Option<Vec<u8>> = r.try_get("record")?;
            let event = match (block, record) {
                (Some(b), _) => OutboxEvent::Block(decode(&b)?),
                (None, Some(e)) => OutboxEvent::Verification(Box::new(decode(&e)?)),
                // Purged meanwhile: nothing to deliver.
                (None, None) => continue,
            };
            deliveries.extend(f(&OutboxItem {
                seq: seq as u64,
                tenant_id: r.try_get("tenant_id")?,
                event,
            }));
        }
        insert_deliveries(&mut tx, &deliveries).await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ANY($1)")
            .bind(&seqs)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(seqs.len())
    }

    async fn claim_deliveries(
        &self,
        node: &str,
        now: Millis,
        lease: Duration,
        limit: usize,
        per_endpoint: usize,
        busy: &[String],
    ) -> Result<Vec<Delivery>, StoreError> {
        // Candidates first (a window function cannot take row locks); the UPDATE then
        // re-checks each under its row lock, so two nodes never both take one. A lease
        // ends when the attempt should long be over, or as soon as its node's own
        // lease ran out (the node died), whichever is first.
        sqlx::query(
            "UPDATE deliveries AS d
             SET lease_owner = $1, lease_until = now() + $2::bigint * interval '1 millisecond'
             WHERE d.id IN (
                 SELECT id FROM (
                     SELECT c.id, c.next_attempt_at,
                            row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at) AS rn
                     FROM deliveries AS c
                     WHERE c.pending AND c.next_attempt_at <= $3
                       AND (c.lease_owner IS NULL OR c.lease_until < now() OR NOT EXISTS (
                           SELECT 1 FROM nodes AS n
                           WHERE n.node_id = c.lease_owner AND n.lease_until > now()))
                       AND NOT (c.endpoint_id = ANY($6))
                       AND NOT EXISTS (
                           SELECT 1 FROM deliveries AS e
                           WHERE e.pending AND e.endpoint_id = c.endpoint_id
                             AND e.verification_id = c.verification_id AND e.seq < c.seq
                       )
                 ) AS x
                 WHERE x.rn <= $5
                 ORDER BY x.next_attempt_at
                 LIMIT $4
             )
             AND d.pending AND (d.lease_owner IS NULL OR d.lease_until < now() OR NOT EXISTS (
                 SELECT 1 FROM nodes AS n
                 WHERE n.node_id = d.lease_owner AND n.lease_until > now()))
             RETURNING d.record",
        )
        .bind(node)
        .bind(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX))
        .bind(now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(per_endpoint).unwrap_or(i64::MAX))
        .bind(busy)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
        .collect()
    }

    async fn next_delivery_due(&self, after: Millis) -> Result<Option<Millis>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT min(next_attempt_at) FROM deliveries WHERE pending AND next_attempt_at > $1",
        )
        .bind(after)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn finish_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET pending = $2, next_attempt_at = $3, record = $4,
                 lease_owner = NULL, lease_until = NULL
             WHERE id = $1",
        )
        .bind(d.id)
        .bind(d.status == DeliveryStatus::Pending)
        .bind(d.next_attempt_at)
        .bind(encode(d))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sync(&self) -> Result<(), StoreError> {
        // Every statement committed before it returned.
        Ok(())
    }

    async fn get_delivery(&self, id: Uuid) -> Result<Option<Delivery>, StoreError> {
        sqlx::query("SELECT record FROM deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
            .transpose()
    }

    async fn list_deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError> {
        sqlx::query(
            "SELECT record FROM deliveries
             WHERE tenant_id = $1 AND ($2::text IS NULL OR endpoint_id = $2)
               AND ($3::uuid IS NULL OR event_id = $3) AND created_at < $4
             ORDER BY created_at DESC, id DESC LIMIT $5",
        )
        .bind(&q.tenant_id)
        .bind(&q.endpoint_id)
        .bind(q.event_id)
        .bind(q.before.unwrap_or(i64::MAX))
        .bind(i64::try_from(q.limit.max(1)).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| decode(&r.try_get::<Vec<u8>, _>("record")?))
        .collect()
    }

    async fn cancel_deliveries(&self, tenant: &str, endpoint_id: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "SELECT record FROM deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND pending
             FOR UPDATE",
        )
        .bind(tenant)
        .bind(endpoint_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut n = 0;
        for r in rows {
            let mut d: Delivery = decode(&r.try_get::<Vec<u8>, _>("record")?)?;
            d.status = DeliveryStatus::Canceled;
            d.last_error = Some("the endpoint was disabled or deleted".into());
            sqlx::query(
                "UPDATE deliveries SET pending = false, record = $2, lease_owner = NULL,
                     lease_until = NULL WHERE id = $1",
            )
            .bind(d.id)
            .bind(encode(&d))
            .execute(&mut *tx)
            .await?;
            n += 1;
        }
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_parse() {
        let id = Uuid::new_v4();
        assert_eq!(
            parse_notice(&format!("c n1 acme {id} 3 7")),
            Some(Notice::Changed {
                origin: "n1".into(),
                tenant: "acme".into(),
                id,
                from: 3,
                to: 7
            })
        );
        assert_eq!(
            parse_notice("d n2"),
            Some(Notice::Directory {
                origin: "n2".into()
            })
        );
        assert_eq!(parse_notice("x"), None);
        assert_eq!(
            describe_url("postgres://u:secret@db.example:5433/verifyd"),
            "postgres://db.example:5433/verifyd"
        );
    }
}
