#!/usr/bin/env bash
# Installs the Python client with its test deps into .tools/venv-python-client and runs
# pytest against a real verifyd server ($VERIFYD_BIN, default target/debug/verifyd).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/.tools/venv-python-client"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

export VERIFYD_BIN="${VERIFYD_BIN:-$ROOT/target/debug/verifyd}"
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
# Not editable: the tests import the package as a user gets it (wheel contents included).
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "$HERE[test]"
cd "$HERE"
exec "$VENV/bin/python" -m pytest "$@"
