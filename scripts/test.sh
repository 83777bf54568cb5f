#!/usr/bin/env bash
# The one test command (README, CI): everything, in order, stopping at the first failure.
#   1. tools into .tools/ (buf, grpcurl, code generators, jq if missing): idempotent
#   2. a throwaway PostgreSQL cluster on loopback (scripts/pg.sh; Debian's package is
#      installed if missing), stopped on exit; the databases each stage leaves are
#      dropped after it
#   3. Rust style: `cargo fmt --check` and `cargo clippy --all-targets -- -D warnings`
#   4. Rust tests on sled: unit, integration, the store contract on both backends,
#      the three-node cluster on PostgreSQL
#   5. Rust integration tests again, every server on PostgreSQL
#   5b. the benchmark harness in smoke mode (`verifyd-bench --smoke all`): every
#      scenario runs for about a second at tiny sizes and prints its figures; nothing
#      is asserted about speed (docs/BENCHMARKS.md has the measured runs)
#   6. proto: buf lint, buf breaking against the previous commit, generated clients fresh
#   7. the four clients' tests against a real server process
#   8. the README's grpcurl walkthrough, step by step, against a real server process
#   9. the newcomer run (scripts/test-newcomer.sh): a fresh clone of HEAD that follows the
#      READMEs' commands as written, this test command included. That inner run sets
#      VERIFYD_SKIP_NEWCOMER=1, which skips this stage (set it yourself for a quicker run).
# It ends with one line `N passed, N failed` counting the stages that ran.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Where cargo puts the binaries: CARGO_TARGET_DIR, else target/ here.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" == /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"

passed=0
stage() {
  local name="$1"
  shift
  echo
  echo "==== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "==== $name: ok ($((SECONDS - t0)) s)"
  else
    echo "==== $name: FAILED ($((SECONDS - t0)) s)" >&2
    echo "$passed passed, 1 failed"
    exit 1
  fi
}

stage "install tools" bash scripts/install-tools.sh

PG_DIR="$(mktemp -d -u "${TMPDIR:-/tmp}/verifyd-pg.XXXXXX")"
trap 'bash "$ROOT/scripts/pg.sh" stop "$PG_DIR"' EXIT
start_pg() {
  VERIFYD_TEST_DATABASE_URL="$(bash scripts/pg.sh start "$PG_DIR")" || return 1
  export VERIFYD_TEST_DATABASE_URL
  echo "PostgreSQL at $VERIFYD_TEST_DATABASE_URL"
}
stage "postgresql for the tests" start_pg
# Drops what a stage's tests left on the cluster: a CI machine's disk may be small.
sweep_pg() { bash scripts/pg.sh sweep "$PG_DIR" || true; }
# Under CI every build is a first build: incremental state would only take disk.
if [[ "${CI:-}" == true ]]; then export CARGO_INCREMENTAL=0; fi
stage "rust style" bash -c 'cargo fmt --check && cargo clippy --locked --all-targets -- -D warnings'
stage "rust tests (sled; store contract and cluster on postgresql)" cargo test --locked --no-fail-fast
sweep_pg
stage "rust integration tests on postgresql" env VERIFYD_TEST_BACKEND=postgres cargo test --locked --no-fail-fast --tests
sweep_pg
stage "benchmark smoke (verifyd-bench --smoke all)" cargo run --locked --bin verifyd-bench -- \
  --smoke all --database-url "$VERIFYD_TEST_DATABASE_URL" --database-not-durable
sweep_pg
stage "proto: lint, breaking, freshness" bash scripts/check-proto.sh
cargo build --locked --bin verifyd
export VERIFYD_BIN="$TARGET_DIR/debug/verifyd"
stage "client tests" bash scripts/test-clients.sh
stage "grpcurl walkthrough" bash scripts/test-walkthrough.sh
if [[ "${VERIFYD_SKIP_NEWCOMER:-}" == 1 ]]; then
  echo
  echo "==== newcomer run: skipped (VERIFYD_SKIP_NEWCOMER=1)"
else
  stage "newcomer run" bash scripts/test-newcomer.sh
fi
echo
echo "$passed passed, 0 failed"
