#!/usr/bin/env bash
# The first ten minutes, as a test: a newcomer clones the repository and follows the
# READMEs' commands exactly as written, in order. Every command is taken from the
# README it is in (nothing here is a copy that could drift):
#   1. `git clone` of this repository's HEAD (commit first: uncommitted changes are not
#      part of the run) into a temporary directory; everything below runs in the clone;
#   2. the README's first command (the first line of its first ```sh block,
#      `cargo run --release -- serve`), in the background until it prints `listening on`;
#      its output must start with the lines of the README's "First start" sample (a word
#      with `…` is an example value, and ends what must match; timestamps are not compared);
#   3. API_KEY and ADMIN_TOKEN exported from what the server printed, as the README says;
#   4. the grpcurl install line (the block marked `<!-- newcomer:tools -->`) and the
#      walkthrough (the ```sh blocks between the walkthrough markers), in ONE shell, from
#      the clone's root; the output must hold CHECK_RESULT_VERIFIED; then the server is
#      stopped;
#   5. each client README (python, go, typescript, java): its blocks marked
#      `<!-- newcomer:run -->` run in one shell that starts at the clone's root,
#      `<!-- newcomer:file NAME -->` saves the block as NAME in that shell's directory, and
#      `<!-- newcomer:server -->` starts the block in the background from the clone's root
#      and waits for `listening on`; the output must hold CHECK_RESULT_VERIFIED; its
#      server is stopped afterwards;
#   6. `git status --porcelain` of the clone must be empty: following the READMEs leaves
#      the work tree clean;
#   7. the README's second command (`bash scripts/test.sh`, the second line of its first
#      block) in the clone, with VERIFYD_SKIP_NEWCOMER=1 so that it does not run this
#      stage again (it would recurse).
# Everything started is stopped at the end, also on failure or interrupt.
#
# Ports 50051 (the README's server) and 50052 (the client READMEs' server) must be free.
# The user's cargo registry, Go, npm, pip and Maven caches are shared, so nothing is
# downloaded twice. The clone's .tools/ starts empty, so the install line really runs.
# Build output goes to <target>/newcomer (<target>: CARGO_TARGET_DIR, else this
# checkout's target/), which persists, so later runs rebuild only verifyd itself. It is
# NOT this checkout's own target dir: cargo records the crate's sources relative to the
# package root, so a clone building into the same dir leaves binaries that cargo then
# takes as fresh for this checkout (built from HEAD, not from the work tree, and with the
# clone's CARGO_MANIFEST_DIR).
# The last line is `newcomer: 1 passed, 0 failed` or `newcomer: 0 passed, 1 failed`.
#
# Env: NEWCOMER_KEEP=1 keeps the temporary directory; NEWCOMER_BUILD_TIMEOUT_SEC (default
# 1800) bounds the first `cargo run --release` (a cold release build); NEWCOMER_STEP_TIMEOUT_SEC
# (default 900) bounds each README's commands; NEWCOMER_TEST_TIMEOUT_SEC (default 3600) the
# inner test command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/readme.sh
source "$ROOT/scripts/lib/readme.sh"

BUILD_TIMEOUT_SEC="${NEWCOMER_BUILD_TIMEOUT_SEC:-1800}"
STEP_TIMEOUT_SEC="${NEWCOMER_STEP_TIMEOUT_SEC:-900}"
TEST_TIMEOUT_SEC="${NEWCOMER_TEST_TIMEOUT_SEC:-3600}"
CLIENTS=(python go typescript java)

# A newcomer's shell has none of our settings.
for v in $(compgen -e | grep '^VERIFYD_' || true); do unset "$v"; done
OUTER_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$OUTER_TARGET" == /* ]] || OUTER_TARGET="$ROOT/$OUTER_TARGET"
export CARGO_TARGET_DIR="$OUTER_TARGET/newcomer"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/verifyd-newcomer.XXXXXX")"
export NEWCOMER_WORK="$WORK"
export NEWCOMER_REPO="$WORK/verifyd"
: >"$WORK/pids"

# Stops every server started (each runs in its own process group): SIGTERM, then KILL
# after 30 s.
stop_servers() {
  local pid
  while read -r pid; do
    [[ -n "$pid" ]] || continue
    kill -TERM -- "-$pid" 2>/dev/null || continue
    for _ in $(seq 1 300); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pid" 2>/dev/null; then
      echo "test-newcomer: process group $pid ignored SIGTERM for 30 s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done <"$WORK/pids"
  : >"$WORK/pids"
}
cleanup() {
  stop_servers
  if [[ "${NEWCOMER_KEEP:-}" == 1 ]]; then
    echo "test-newcomer: kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "test-newcomer: FAILED: $*" >&2
  echo "newcomer: 0 passed, 1 failed"
  exit 1
}
step() { printf '\n=== newcomer: %s\n' "$*"; }

# newcomer_server BLOCK [TIMEOUT [LOG]]: starts the commands of BLOCK in the background
# from the clone's root, in a process group of their own (recorded for stop_servers),
# with their output in LOG (default: a new file), and waits until that output says
# `listening on`. Used here and in the client scripts.
newcomer_server() {
  local block="$1" timeout="${2:-300}" log="${3:-}"
  [[ -n "$log" ]] || log="$(mktemp "$NEWCOMER_WORK/server-XXXXXX.log")"
  echo "+ (in the background, from the root of the clone)"
  cat "$block"
  # No job control here, so this subshell is not a group leader and setsid needs no
  # fork: $! is the new group's id.
  (cd "$NEWCOMER_REPO" && exec setsid bash -e "$block") >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >>"$NEWCOMER_WORK/pids"
  local deadline=$((SECONDS + timeout))
  until grep -q 'listening on ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "newcomer: the server exited before listening; its output ends with:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "newcomer: the server printed no 'listening on' within ${timeout} s; its output ends with:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "+ the server says: $(grep -m1 -o 'listening on .*' "$log")"
}
export -f newcomer_server

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- 1. the clone
step "git clone (HEAD of $ROOT)"
head="$(git -C "$ROOT" rev-parse HEAD)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]]; then
  echo "test-newcomer: note: $ROOT has uncommitted changes; the newcomer gets HEAD ($head) without them"
fi
git clone -q "$ROOT" "$NEWCOMER_REPO"
git -C "$NEWCOMER_REPO" checkout -q --detach "$head"
cd "$NEWCOMER_REPO"
echo "cloned $head into $NEWCOMER_REPO (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"

# ---- the two commands: the first ```sh block of the README, one command a line
awk '/^```sh[[:space:]]*$/ && !seen { inside = 1; seen = 1; next } inside && /^```/ { exit } inside' \
  README.md | grep -v '^[[:space:]]*$' >"$WORK/two-commands" || true
[[ "$(wc -l <"$WORK/two-commands")" -eq 2 ]] ||
  fail "the README's first block should hold exactly two commands; it holds: $(cat "$WORK/two-commands")"
sed -n 1p "$WORK/two-commands" >"$WORK/serve.body"
sed -n 2p "$WORK/two-commands" >"$WORK/test-command.body"
grep -q ' serve' "$WORK/serve.body" || fail "the README's first command does not start the service: $(cat "$WORK/serve.body")"
grep -q 'scripts/test.sh' "$WORK/test-command.body" || fail "the README's second command is not the test command: $(cat "$WORK/test-command.body")"

# ---- 2. the first command: start the service
for port in 50051 50052; do
  port_free "$port" || fail "port $port is in use; the READMEs' servers need it (stop what listens there)"
done
step "the README's first command (its first start builds the release binary)"
serve_log="$WORK/server-serve.log"
newcomer_server "$WORK/serve.body" "$BUILD_TIMEOUT_SEC" "$serve_log" ||
  fail "the README's first command did not start the service"

# The "First start" sample: the ``` block after `## First start` that shows the command.
awk '/^## First start/ { section = 1; next } section && /^## / { exit }
     section && /^```/ { if (inside) exit; inside = 1; next } section && inside' README.md >"$WORK/sample"
want_cmd="$(sed -E 's/[[:space:]]+#.*$//' "$WORK/serve.body")"
[[ "$(head -n 1 "$WORK/sample")" == "\$ $want_cmd" ]] ||
  fail "the 'First start' sample does not begin with \`\$ $want_cmd\`: $(head -n 1 "$WORK/sample")"
# verifyd's own lines: cargo's status lines (a verb right-aligned to column 12) dropped,
# timestamps stripped on both sides; each sample line up to its `…` must begin the
# corresponding line of the output.
strip_ts() { sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z +//'; }
awk '{ if (match($0, /^ +[A-Z][a-z]+ /) && RLENGTH == 13) next; print }' "$serve_log" | strip_ts >"$WORK/actual"
tail -n +2 "$WORK/sample" | strip_ts >"$WORK/expected"
i=0
while IFS= read -r want; do
  i=$((i + 1))
  got="$(sed -n "${i}p" "$WORK/actual")"
  prefix="$want"
  if [[ "$want" == *…* ]]; then
    # `…` ends an example value (a key, say): compare up to the start of that word.
    prefix="${want%%…*}"
    prefix="${prefix%"${prefix##* }"}"
  fi
  if [[ "$got" != "$prefix"* ]]; then
    echo "--- the server printed:" >&2
    cat "$serve_log" >&2
    fail "line $i of the README's 'First start' sample is '$want', but the server printed '$got'"
  fi
done <"$WORK/expected"
echo "the output matches the README's 'First start' sample ($i lines)"

# ---- 3. export what was printed, as the README says
grep -q '^export API_KEY=' README.md && grep -q '^export ADMIN_TOKEN=' README.md ||
  fail "the README no longer says to export API_KEY and ADMIN_TOKEN"
API_KEY="$(sed -n "s/^  API key of 'default' (shown once): //p" "$serve_log")"
ADMIN_TOKEN="$(sed -n 's/^  Admin token (shown once): *//p' "$serve_log")"
[[ -n "$API_KEY" && -n "$ADMIN_TOKEN" ]] || fail "the first start printed no API key or admin token"
export API_KEY ADMIN_TOKEN

# ---- 4. the grpcurl install line and the walkthrough, in one shell
step "the grpcurl install line and the walkthrough"
mkdir -p "$WORK/main"
readme_tagged README.md "$WORK/main" || fail "cannot read the newcomer markers of README.md"
tools="$(awk '$2 == "tools" { print $1 }' "$WORK/main/manifest")"
[[ "$(wc -w <<<"$tools")" -eq 1 ]] || fail "README.md should mark exactly one block <!-- newcomer:tools -->"
mkdir -p "$WORK/walkthrough"
readme_walkthrough README.md "$WORK/walkthrough" || fail "cannot extract the walkthrough"
{
  readme_echo_and_run "$WORK/main/$tools.body"
  for b in "$WORK"/walkthrough/*.sh; do readme_echo_and_run "$b"; done
} >"$WORK/main.sh"
rc=0
timeout "$STEP_TIMEOUT_SEC" bash -euo pipefail "$WORK/main.sh" 2>&1 | tee "$WORK/main.out" || rc=$?
[[ $rc -eq 0 ]] || fail "the install line or the walkthrough exited with status $rc (124: timed out)"
grep -q CHECK_RESULT_VERIFIED "$WORK/main.out" || fail "the walkthrough's output has no CHECK_RESULT_VERIFIED"
stop_servers

# ---- 5. each client README
for client in "${CLIENTS[@]}"; do
  readme="clients/$client/README.md"
  step "$readme"
  dir="$WORK/client-$client"
  mkdir -p "$dir"
  readme_tagged "$readme" "$dir" || fail "cannot read the newcomer markers of $readme"
  grep -q ' server' "$dir/manifest" || fail "$readme marks no <!-- newcomer:server --> block"
  grep -q ' run' "$dir/manifest" || fail "$readme marks no <!-- newcomer:run --> block"
  {
    echo "cd \"\$NEWCOMER_REPO\""
    while read -r n kind arg; do
      case "$kind" in
        run) readme_echo_and_run "$dir/$n.body" ;;
        file) readme_save_file "$dir/$n.body" "$arg" ;;
        server) printf 'newcomer_server %q\n' "$dir/$n.body" ;;
        *) fail "$readme: unknown marker newcomer:$kind" ;;
      esac
    done <"$dir/manifest"
  } >"$dir/script.sh"
  rc=0
  timeout "$STEP_TIMEOUT_SEC" bash -euo pipefail "$dir/script.sh" 2>&1 | tee "$dir/out" || rc=$?
  [[ $rc -eq 0 ]] || fail "$readme: its commands exited with status $rc (124: timed out)"
  grep -q CHECK_RESULT_VERIFIED "$dir/out" || fail "$readme: the example printed no CHECK_RESULT_VERIFIED"
  stop_servers
done

# ---- 6. the work tree stays clean
step "git status of the clone"
dirty="$(git status --porcelain)"
[[ -z "$dirty" ]] || fail "following the READMEs left the work tree dirty:
$dirty"
echo "clean"

# ---- 7. the second command: the test command, without this stage
step "the README's second command (VERIFYD_SKIP_NEWCOMER=1: no newcomer stage inside)"
cat "$WORK/test-command.body"
rc=0
VERIFYD_SKIP_NEWCOMER=1 timeout "$TEST_TIMEOUT_SEC" bash -euo pipefail "$WORK/test-command.body" 2>&1 |
  tee "$WORK/test-command.out" || rc=$?
[[ $rc -eq 0 ]] || fail "the README's test command exited with status $rc in the clone"
grep -q ' passed, 0 failed$' "$WORK/test-command.out" || fail "the test command printed no 'N passed, 0 failed'"

echo
echo "newcomer: 1 passed, 0 failed"
