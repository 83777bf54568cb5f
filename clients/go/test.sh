#!/usr/bin/env bash
# Vets the Go client and runs its tests against a real verifyd server
# ($VERIFYD_BIN, default target/debug/verifyd of this repository).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export VERIFYD_BIN="${VERIFYD_BIN:-$ROOT/target/debug/verifyd}"
cd "$HERE"
go vet ./...
test -z "$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
go test -count=1 -race "$@" ./...
