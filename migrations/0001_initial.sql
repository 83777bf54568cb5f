-- verifyd schema 1 on PostgreSQL. Plain SQL: no extensions, no advisory locks.
-- Records are verifyd's own binary encoding (a format byte, then MessagePack); the
-- columns beside them exist only for the queries verifyd makes.

-- Nodes of the cluster and their leases. A verification whose owner is not here
-- with a lease in the future is an orphan, and any node may take it over.
CREATE TABLE nodes (
    node_id     TEXT PRIMARY KEY,
    lease_until TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE verifications (
    id         UUID PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    created_at BIGINT NOT NULL,         -- unix milliseconds
    revision   BIGINT NOT NULL,         -- compare-and-set on every write
    active     BOOLEAN NOT NULL,        -- not final
    owner      TEXT,                    -- the node that drives it while active
    finished_at BIGINT,                 -- when it became final (retention)
    record     BYTEA NOT NULL
);
CREATE INDEX verifications_active ON verifications (tenant_id, created_at DESC) WHERE active;
CREATE INDEX verifications_owner ON verifications (owner) WHERE active;
CREATE INDEX verifications_finished ON verifications (finished_at) WHERE NOT active;

-- Every transition, stored in the same statement as the record change that made it.
CREATE TABLE events (
    verification_id UUID NOT NULL,
    revision        BIGINT NOT NULL,
    tenant_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    at              BIGINT NOT NULL,    -- unix milliseconds
    record          BYTEA NOT NULL,
    PRIMARY KEY (verification_id, revision)
);

CREATE TABLE request_ids (
    tenant_id       TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    verification_id UUID NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
);
CREATE INDEX request_ids_created ON request_ids (created_at);

CREATE TABLE tenants (
    id     TEXT PRIMARY KEY,
    record BYTEA NOT NULL
);

CREATE TABLE api_keys (
    key_sha256 BYTEA PRIMARY KEY,
    record     BYTEA NOT NULL
);

-- Small values: the admin token's SHA-256, the secrets' check value.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('directory_version', 0);

-- A provider's message id → the attempt that sent it, for callbacks that carry only
-- the provider's id.
CREATE TABLE external_ids (
    provider        TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    verification_id UUID NOT NULL,
    attempt_id      UUID NOT NULL,
    PRIMARY KEY (provider, external_id)
);

-- Limit counters (see domain::limits), one encoded counter per key; rows are locked
-- while a start or a check decides on them.
CREATE TABLE limit_counters (
    key   TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

-- Number prefixes blocked for SMS pumping.
CREATE TABLE blocks (
    tenant_id   TEXT NOT NULL,
    country_iso TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    record      BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, country_iso, prefix)
);

CREATE TABLE audit (
    id        UUID PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    at        BIGINT NOT NULL,          -- unix milliseconds
    action    TEXT NOT NULL,
    record    BYTEA NOT NULL
);
CREATE INDEX audit_tenant ON audit (tenant_id, at DESC);
CREATE INDEX audit_at ON audit (at);

-- The webhook outbox: one row per event to fan out, written with the event.
CREATE TABLE outbox (
    seq             BIGSERIAL PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    verification_id UUID,
    revision        BIGINT,
    block           BYTEA                -- a blocked prefix, for verification.blocked
);

CREATE TABLE webhook_endpoints (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    record    BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One event to one endpoint; leased to one node at a time while attempted.
CREATE TABLE deliveries (
    id              UUID PRIMARY KEY,
    seq             BIGINT NOT NULL,
    tenant_id       TEXT NOT NULL,
    endpoint_id     TEXT NOT NULL,
    verification_id UUID,
    event_id        UUID NOT NULL,
    pending         BOOLEAN NOT NULL,
    next_attempt_at BIGINT NOT NULL,    -- unix milliseconds
    created_at      BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMPTZ,
    record          BYTEA NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE pending;
CREATE INDEX deliveries_order ON deliveries (endpoint_id, verification_id, seq) WHERE pending;
CREATE INDEX deliveries_tenant ON deliveries (tenant_id, created_at DESC);
