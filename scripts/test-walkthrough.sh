#!/usr/bin/env bash
# Runs the README's grpcurl walkthrough as a test, step by step as written.
#
# The walkthrough is every ```sh fenced block of README.md between the lines
# `<!-- walkthrough:begin -->` and `<!-- walkthrough:end -->`. The blocks use `grpcurl`
# and `jq` from PATH, the address localhost:50051, and the shell variables $API_KEY and
# $ADMIN_TOKEN. This script:
#   1. puts .tools/bin first on PATH and makes sure grpcurl and jq exist (else it runs
#      scripts/install-tools.sh, which installs grpcurl, and gojq as jq when the system
#      has no jq);
#   2. starts `$VERIFYD_BIN serve --listen 127.0.0.1:50051` (system clock) on a fresh
#      data directory with a fixed admin token and API key, and waits for its
#      `listening on` line;
#   3. exports API_KEY and ADMIN_TOKEN as the reader would, and runs the blocks,
#      concatenated, in ONE `bash -euo pipefail` process in a temporary working
#      directory, echoing each block before running it;
#   4. requires the output to contain CHECK_RESULT_VERIFIED and SERVING, and the working
#      directory to stay empty (the walkthrough must not leave files in the reader's tree);
#   5. runs the blocks again with a wrong API key, as a reader without `set -e` would, and
#      requires them to stop at once, with an error, instead of watching the whole tenant
#      and waiting forever;
#   6. stops the server with SIGTERM and requires exit status 0.
# The last line is `walkthrough: 1 passed, 0 failed` or `walkthrough: 0 passed, 1 failed`.
#
# Env: VERIFYD_BIN (default target/debug/verifyd of this repository; build it with
# `cargo build --bin verifyd`), WALKTHROUGH_README (default README.md of this repository),
# WALKTHROUGH_TIMEOUT_SEC (default 300, for the blocks).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/readme.sh
source "$ROOT/scripts/lib/readme.sh"

export PATH="$ROOT/.tools/bin:$PATH"
VERIFYD_BIN="${VERIFYD_BIN:-$ROOT/target/debug/verifyd}"
[[ "$VERIFYD_BIN" == /* ]] || VERIFYD_BIN="$ROOT/$VERIFYD_BIN"
README="${WALKTHROUGH_README:-$ROOT/README.md}"
TIMEOUT_SEC="${WALKTHROUGH_TIMEOUT_SEC:-300}"
LISTEN=127.0.0.1:50051
WALKTHROUGH_ADMIN_TOKEN=walkthrough-admin-token-0123456789
WALKTHROUGH_API_KEY=walkthrough-api-key-0123456789

server_pid=""
WORK=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [[ -z "$WORK" ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "test-walkthrough: FAILED: $*" >&2
  if [[ -n "$WORK" && -s "$WORK/server.stderr" ]]; then
    echo "--- server stderr (last 30 lines)" >&2
    tail -n 30 "$WORK/server.stderr" >&2
  fi
  echo "walkthrough: 0 passed, 1 failed"
  exit 1
}

# ---- tools
if ! command -v grpcurl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
  bash scripts/install-tools.sh || fail "scripts/install-tools.sh failed"
  hash -r
fi
command -v grpcurl >/dev/null 2>&1 || fail "no grpcurl on PATH (scripts/install-tools.sh should put it in .tools/bin)"
command -v jq >/dev/null 2>&1 || fail "no jq on PATH (scripts/install-tools.sh should put gojq in .tools/bin as jq)"
[[ -x "$VERIFYD_BIN" ]] || fail "no server binary at $VERIFYD_BIN (run: cargo build --bin verifyd, or set VERIFYD_BIN)"
[[ -f "$README" ]] || fail "no $README"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/verifyd-walkthrough.XXXXXX")"
mkdir -p "$WORK/data" "$WORK/cwd" "$WORK/blocks"

# ---- the walkthrough blocks: ```sh fences between the two markers
readme_walkthrough "$README" "$WORK/blocks" || fail "cannot extract the walkthrough from $README"
blocks=("$WORK"/blocks/*.sh)

# One script: each block is printed, then run, in the same shell.
script="$WORK/walkthrough.sh"
{
  i=0
  for b in "${blocks[@]}"; do
    i=$((i + 1))
    printf "printf '\\\\n### walkthrough block %d of %d\\\\n'\n" "$i" "${#blocks[@]}"
    readme_echo_and_run "$b"
  done
} >"$script"

# ---- the server
"$VERIFYD_BIN" serve --listen "$LISTEN" --data-dir "$WORK/data" \
  --admin-token "$WALKTHROUGH_ADMIN_TOKEN" --bootstrap-api-key "$WALKTHROUGH_API_KEY" \
  >"$WORK/server.stdout" 2>"$WORK/server.stderr" </dev/null &
server_pid=$!
for _ in $(seq 1 600); do # 60 s
  grep -q 'listening on ' "$WORK/server.stdout" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'listening on ' "$WORK/server.stdout" 2>/dev/null; then
  if kill -0 "$server_pid" 2>/dev/null; then
    fail "the server printed no 'listening on' line within 60 s"
  fi
  rc=0
  wait "$server_pid" || rc=$?
  server_pid=""
  fail "the server exited with status $rc before listening (is $LISTEN already in use?)"
fi
echo "test-walkthrough: server $(grep -m1 -o 'listening on .*' "$WORK/server.stdout") (pid $server_pid)"

# ---- the walkthrough, as the reader runs it
export API_KEY="$WALKTHROUGH_API_KEY" ADMIN_TOKEN="$WALKTHROUGH_ADMIN_TOKEN"
echo "test-walkthrough: running ${#blocks[@]} block(s) from $README in $WORK/cwd"
rc=0
(cd "$WORK/cwd" && timeout "$TIMEOUT_SEC" bash -euo pipefail "$script") 2>&1 | tee "$WORK/output" || rc=$?
[[ $rc -eq 0 ]] || fail "the walkthrough exited with status $rc (see the last block printed above)"
for want in CHECK_RESULT_VERIFIED SERVING; do
  grep -q "$want" "$WORK/output" || fail "the walkthrough's output has no $want"
done
left="$(ls -A "$WORK/cwd")"
[[ -z "$left" ]] || fail "the walkthrough left files in the reader's directory: $left"

# ---- a failed StartVerification stops the walkthrough instead of hanging it
# A reader's interactive shell has no `set -e`: run the blocks without it. With a wrong
# API key, StartVerification fails, and the guard must stop before WatchStatus{"id": ""}
# (which would watch the whole tenant, so the final `wait` would never return).
echo "test-walkthrough: the blocks again with a wrong API key (must stop at once)"
rc=0
(cd "$WORK/cwd" && API_KEY=wrong-api-key-0123456789 timeout 60 bash "$script") >"$WORK/output-bad-key" 2>&1 || rc=$?
if [[ $rc -eq 0 || $rc -eq 124 ]]; then
  tail -n 20 "$WORK/output-bad-key" >&2
  fail "with a wrong API key the walkthrough exited with status $rc, want an error before the watch (124: it hung)"
fi
grep -q "ID: StartVerification failed" "$WORK/output-bad-key" ||
  fail "with a wrong API key the walkthrough did not say that StartVerification failed"
grep -q "Unauthenticated" "$WORK/output-bad-key" ||
  fail "with a wrong API key grpcurl did not show the UNAUTHENTICATED error"
echo "test-walkthrough: stopped with status $rc: $(grep -m1 "ID: StartVerification failed" "$WORK/output-bad-key")"

# ---- SIGTERM drains and exits 0
kill -TERM "$server_pid"
rc=0
for _ in $(seq 1 300); do # 30 s
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not exit within 30 s of SIGTERM"
wait "$server_pid" || rc=$?
server_pid=""
[[ $rc -eq 0 ]] || fail "the server exited with status $rc after SIGTERM, want 0"

echo "walkthrough: 1 passed, 0 failed"
