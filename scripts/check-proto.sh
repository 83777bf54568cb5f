#!/usr/bin/env bash
# Proto checks for CI and before a commit:
#   1. buf lint (STANDARD, see buf.yaml);
#   2. buf breaking (FILE) against the previous commit, HEAD~1 by default; skipped with a
#      message when there is no previous commit or it has no proto/. Set
#      PROTO_AGAINST_REF to compare with another commit (e.g. origin/main);
#   3. regenerates every client and fails if `git status --porcelain clients/` then shows
#      any change: generated code must be committed fresh (and clients/ clean).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-tools.sh
export PATH="$ROOT/.tools/bin:$PATH"

echo "== buf lint"
buf lint
echo "buf lint: ok"

echo "== buf breaking"
AGAINST_REF="${PROTO_AGAINST_REF:-HEAD~1}"
if ! against_sha="$(git rev-parse --verify -q "$AGAINST_REF^{commit}")"; then
  echo "buf breaking: skipped: no commit $AGAINST_REF to compare with (first commit or shallow clone)"
elif ! git cat-file -e "$against_sha:proto" 2>/dev/null; then
  echo "buf breaking: skipped: $AGAINST_REF ($against_sha) has no proto/"
else
  buf breaking --against ".git#ref=$against_sha,subdir=proto"
  echo "buf breaking: ok against $AGAINST_REF ($against_sha)"
fi

echo "== generated clients are fresh"
bash scripts/gen-clients.sh
changes="$(git status --porcelain --untracked-files=all -- clients/)"
if [[ -n "$changes" ]]; then
  echo "check-proto: FAILED: clients/ differs from the last commit after regeneration." >&2
  echo "Run scripts/gen-clients.sh and commit the result (uncommitted work in clients/ also fails this check):" >&2
  echo "$changes" | head -50 >&2
  git --no-pager diff --stat -- clients/ >&2 || true
  exit 1
fi
echo "check-proto: ok"
