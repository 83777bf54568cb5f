#!/usr/bin/env bash
# The two plaintext HTTP peers that verifyd-bench compares verifyd's start+check
# "pairs/s" against, installed from their registries at pinned versions:
#
#   django      django-phone-verify 3.3.0 (PyPI) on Django 5.2 + DRF, served by gunicorn
#   better-auth better-auth 1.7.24 (npm) with its phone-number plugin, node:http
#
# Each keeps its store in SQLite (WAL) in a fresh temp dir and runs pinned to one core.
#
#   scripts/bench-peers.sh setup [django|better-auth]
#       Install the peers (default both) into .tools/peers/ (gitignored): a venv from
#       scripts/peers/django/requirements.txt, and `npm ci` of
#       scripts/peers/better-auth/package{,-lock}.json (better-sqlite3 12 is compiled
#       from source, ~1-2 min: its prebuilt binary is not reachable here). Idempotent:
#       skipped while the stamp of those pin files matches.
#   scripts/bench-peers.sh serve django|django-sync|better-auth PORT
#       (django-sync: the django peer on gunicorn's defaults, one sync worker, for
#       comparison with the tuned `django`)
#       Serve that peer on 127.0.0.1:PORT in the foreground: makes a temp dir with a
#       fresh SQLite database, applies the migrations, then execs the server (so the
#       caller's pid is the server's; SIGTERM stops it and removes the temp dir; one
#       left by SIGKILL, ${TMPDIR:-/tmp}/verifyd-peer-*.XXXXXX, is removed by the next
#       serve). Pinned with `taskset -c ${PEER_CORE:-0}` when taskset exists
#       (PEER_CORE=none: not pinned). Ready when PORT accepts connections. Run `setup`
#       first.
#   scripts/bench-peers.sh protocol
#       Print the protocol section below.
#
# The server configuration (and why) is in the committed files under scripts/peers/:
#   django/benchpeer/settings.py   DEBUG off, SQLite WAL + IMMEDIATE transactions, the
#                                  package's defaults except the fixed sandbox code
#   django/benchpeer/backends.py   sandbox-style backend: fixed code, no SMS, full check
#   django/gunicorn.conf.py        1 gthread worker x 4 threads (measured best on 1 core)
#   better-auth/server.mjs         production mode, rate limiting off, code returned in
#                                  a response header instead of an SMS
#
# ---- protocol ---------------------------------------------------------------------
# One "pair" = one start request, then one check request with the code, on one
# HTTP/1.1 connection (keep-alive works on both peers). Each pair uses its own phone
# number, in E.164 form, no spaces:
#     pair i (0 <= i < 8,000,000)  ->  "+1201" followed by the 7 digits of 2000000 + i
#     e.g. i=0 -> "+12012000000", i=41 -> "+12012000041"
# django-phone-verify rejects numbers that libphonenumber deems invalid: "+1 555 01x
# xxxx" is refused (555 is no US area code); every +1 201 NXX XXXX with N in 2-9 is
# accepted. better-auth accepts any string (it has no validator unless configured).
# Neither peer sends anything to the number. Numbers may be reused once the earlier
# pair on that number has finished, never by two pairs in flight at once (both peers
# keep one pending code per number).
# Send no Cookie, Origin or Accept-Language headers (a Cookie makes better-auth demand
# a trusted Origin; Accept-Language makes django-phone-verify translate its message).
#
# django  (base http://127.0.0.1:PORT)
#   1. POST /api/phone/register
#        Content-Type: application/json
#        {"phone_number":"+12012000000"}
#      -> 200 {"session_token":"<JWT, ~150 chars>"}      take `session_token`
#         (400 {"phone_number":["Enter a valid phone number."]} on a bad number)
#   2. POST /api/phone/verify
#        Content-Type: application/json
#        {"phone_number":"+12012000000","session_token":"<from 1>","security_code":"246810"}
#      The code is always "246810" (the sandbox code, settings.BENCH_SECURITY_CODE).
#      -> 200 {"message":"Security code is valid."}       = verified
#      -> 400 {"non_field_errors":["Security code is not valid"]}   wrong code, or a
#         session token that does not match the number
#         (other 400s, same shape: "Security code is already verified" on a replay,
#         "Too many failed verification attempts. Please request a new code." after 5
#         wrong codes, "Security code has expired" after 600 s)
#      Verified <=> status 200.
#
# better-auth  (base http://127.0.0.1:PORT)
#   1. POST /api/auth/phone-number/send-otp
#        Content-Type: application/json
#        {"phoneNumber":"+12012000000"}
#      -> 200 {"message":"code sent"}, response header  x-bench-otp: <6 digits>
#         The code is the plugin's own random code; the header stands in for the SMS.
#   2. POST /api/auth/phone-number/consume-otp
#        Content-Type: application/json
#        {"phoneNumber":"+12012000000","code":"<x-bench-otp from 1>"}
#      -> 200 {"status":true}                               = verified (code consumed)
#      -> 400 {"message":"Invalid OTP","code":"INVALID_OTP"}         wrong code
#         (400 {"code":"OTP_NOT_FOUND",...} on a replay or unknown number,
#          400 {"code":"OTP_EXPIRED",...} after 300 s, 403 {"code":"TOO_MANY_ATTEMPTS",...}
#          after 3 wrong codes)
#      Verified <=> status 200 and body "status" is true.
#      consume-otp is the phone-number plugin's server-side consumePhoneNumberOTP (check
#      and consume the code; no user, no session) routed through better-auth's router by
#      server.mjs, because the plugin gives that check no HTTP route of its own. The
#      plugin's public POST /api/auth/phone-number/verify with
#        {"phoneNumber":"...","code":"...","disableSession":true}
#      also works (200 {"status":true,"token":null,"user":{...}}) but also creates a
#      user row for every new number (signUpOnVerification) on top of the same check.
# ---- end of protocol --------------------------------------------------------------
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/scripts/peers"
PEERS="$ROOT/.tools/peers"
VENV="$PEERS/venv"
BA_DIR="$PEERS/better-auth"
STAMPS="$PEERS/stamps"

usage() {
  echo "usage: $0 setup [django|better-auth] | serve django|django-sync|better-auth PORT | protocol" >&2
  exit 2
}

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

setup_django() {
  local want
  want="$(stamp_of "$SRC/django/requirements.txt")"
  if [[ -x "$VENV/bin/gunicorn" && "$(cat "$STAMPS/django" 2>/dev/null)" == "$want" ]]; then
    echo "bench-peers: django peer already installed ($VENV)" >&2
    return
  fi
  echo "bench-peers: installing the django peer into $VENV" >&2
  rm -rf "$VENV" "$STAMPS/django"
  mkdir -p "$STAMPS"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --disable-pip-version-check --no-input -q -r "$SRC/django/requirements.txt"
  "$VENV/bin/pip" check --disable-pip-version-check >&2
  echo "$want" >"$STAMPS/django"
}

setup_better_auth() {
  local want major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if ((major < 20)); then
    echo "bench-peers: better-auth needs Node.js >= 20 (found $(node --version))" >&2
    exit 1
  fi
  want="$(stamp_of "$SRC/better-auth/package.json" "$SRC/better-auth/package-lock.json")-node$major"
  if [[ -d "$BA_DIR/node_modules/better-sqlite3" && "$(cat "$STAMPS/better-auth" 2>/dev/null)" == "$want" ]]; then
    echo "bench-peers: better-auth peer already installed ($BA_DIR)" >&2
    return
  fi
  echo "bench-peers: installing the better-auth peer into $BA_DIR (compiles better-sqlite3)" >&2
  rm -rf "$BA_DIR" "$STAMPS/better-auth"
  mkdir -p "$BA_DIR" "$STAMPS"
  cp "$SRC/better-auth/package.json" "$SRC/better-auth/package-lock.json" "$BA_DIR/"
  (cd "$BA_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  # Fail here, not at serve time, if the native module was not built.
  (cd "$BA_DIR" && node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()')
  echo "$want" >"$STAMPS/better-auth"
}

# Each serve's temp dir holds the pid of its server (the script's own pid, which exec
# hands to the server). Remove the dirs of servers that are gone without cleaning up
# (SIGKILL, or a failure such as the port being in use).
sweep_stale_dirs() {
  local d pid
  for d in "${TMPDIR:-/tmp}"/verifyd-peer-*.*; do
    [[ -d "$d" && -f "$d/pid" ]] || continue
    pid="$(cat "$d/pid")"
    # alive = signalable and not a zombie
    if ! { [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]]; }; then
      rm -rf "$d"
    fi
  done
}

serve() {
  local peer="$1" port="$2" dir pin=()
  [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || { echo "bench-peers: bad port '$port'" >&2; exit 2; }
  if [[ "${PEER_CORE:-0}" != none ]] && command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "${PEER_CORE:-0}")
  fi
  sweep_stale_dirs
  case "$peer" in
  django-sync)
    # gunicorn's defaults: one sync worker (one connection at a time, no keep-alive).
    export PEER_GUNICORN_WORKER_CLASS=sync PEER_GUNICORN_WORKERS=1 PEER_GUNICORN_THREADS=1
    serve django "$port"
    ;;
  django)
    [[ -x "$VENV/bin/gunicorn" ]] || { echo "bench-peers: run '$0 setup django' first" >&2; exit 1; }
    dir="$(mktemp -d "${TMPDIR:-/tmp}/verifyd-peer-django.XXXXXX")"
    echo $$ >"$dir/pid"
    trap 'rm -rf "$dir"' EXIT # dropped by exec; cleans up if migrate fails
    export PEER_DB="$dir/db.sqlite3" PEER_DB_DIR="$dir"
    PEER_SECRET="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    export PEER_SECRET
    "$VENV/bin/django-admin" migrate --settings benchpeer.settings --pythonpath "$SRC/django" \
      --no-input -v 0
    exec "${pin[@]}" "$VENV/bin/gunicorn" -c "$SRC/django/gunicorn.conf.py" \
      --pythonpath "$SRC/django" --bind "127.0.0.1:$port"
    ;;
  better-auth)
    [[ -d "$BA_DIR/node_modules/better-auth" ]] || { echo "bench-peers: run '$0 setup better-auth' first" >&2; exit 1; }
    # server.mjs must sit next to node_modules to resolve its imports: copy the
    # committed file there (atomically, in case two peers start at once).
    cp "$SRC/better-auth/server.mjs" "$BA_DIR/.server.mjs.$$"
    mv -f "$BA_DIR/.server.mjs.$$" "$BA_DIR/server.mjs"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/verifyd-peer-better-auth.XXXXXX")"
    echo $$ >"$dir/pid"
    trap 'rm -rf "$dir"' EXIT # dropped by exec
    export PEER_PORT="$port" PEER_DB="$dir/db.sqlite3" PEER_DB_DIR="$dir" NODE_ENV=production
    PEER_SECRET="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    export PEER_SECRET
    # Node runs JavaScript on one thread: one process is all a single core can use.
    # server.mjs applies the migrations before it listens.
    exec "${pin[@]}" node "$BA_DIR/server.mjs"
    ;;
  *) usage ;;
  esac
}

case "${1:-}" in
setup)
  case "${2:-all}" in
  all) setup_django; setup_better_auth ;;
  django) setup_django ;;
  better-auth) setup_better_auth ;;
  *) usage ;;
  esac
  ;;
serve)
  [[ $# -eq 3 ]] || usage
  serve "$2" "$3"
  ;;
protocol)
  sed -n '/^# ---- protocol/,/^# ---- end of protocol/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  ;;
*) usage ;;
esac
