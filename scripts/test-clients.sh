#!/usr/bin/env bash
# Runs the four client test suites against a real server, in order: python, go,
# typescript, java (each clients/<name>/test.sh starts its own `verifyd serve`).
# The server binary is $VERIFYD_BIN, default target/debug/verifyd of this repository
# (build it first: cargo build --bin verifyd). Stops at the first failing suite.
# The last line is always `clients: N passed, N failed` (N counts suites).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VERIFYD_BIN="${VERIFYD_BIN:-$ROOT/target/debug/verifyd}"
# Absolute, so that every suite finds it whatever directory it runs from.
[[ "$VERIFYD_BIN" == /* ]] || VERIFYD_BIN="$PWD/$VERIFYD_BIN"
export VERIFYD_BIN

passed=0 failed=0
summary() { echo "clients: $passed passed, $failed failed"; }

if [[ ! -x "$VERIFYD_BIN" ]]; then
  # Not fatal here: the first suite fails on it and is counted as failed.
  echo "test-clients: WARNING: no server binary at $VERIFYD_BIN (run: cargo build --bin verifyd, or set VERIFYD_BIN)" >&2
fi

for client in python go typescript java; do
  echo "== clients/$client/test.sh (VERIFYD_BIN=$VERIFYD_BIN)"
  start=$SECONDS
  if bash "clients/$client/test.sh"; then
    passed=$((passed + 1))
    echo "== clients/$client: passed in $((SECONDS - start))s"
  else
    rc=$?
    failed=$((failed + 1))
    echo "test-clients: FAILED: clients/$client/test.sh exited $rc after $((SECONDS - start))s; not running the remaining suites" >&2
    summary
    exit 1
  fi
done
summary
