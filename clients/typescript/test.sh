#!/usr/bin/env bash
# Installs (npm ci from package-lock.json), builds and tests the TypeScript client against a
# real verifyd server. The server binary is $VERIFYD_BIN, default ../../target/debug/verifyd.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -n "${VERIFYD_BIN:-}" ]]; then
  VERIFYD_BIN="$(cd "$(dirname "$VERIFYD_BIN")" && pwd)/$(basename "$VERIFYD_BIN")"
  export VERIFYD_BIN
fi

npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
npm test
