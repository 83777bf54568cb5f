#!/usr/bin/env bash
# Builds and tests the Java client against a real verifyd server (JUnit 5 via Maven).
# The server binary is $VERIFYD_BIN, default ../../target/debug/verifyd. Non-zero on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -n "${VERIFYD_BIN:-}" ]]; then
  VERIFYD_BIN="$(cd "$(dirname "$VERIFYD_BIN")" && pwd)/$(basename "$VERIFYD_BIN")"
  export VERIFYD_BIN
fi

rm -rf target/surefire-reports
rc=0
mvn -q -B -Dstyle.color=never test || rc=$?

# `mvn -q` prints nothing on success: print a closing line from Surefire's reports.
tests=0 failed=0 skipped=0
for f in target/surefire-reports/TEST-*.xml; do
  [[ -f "$f" ]] || continue
  head=$(grep -m1 -o '<testsuite [^>]*>' "$f")
  attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$head"; }
  tests=$((tests + $(attr tests))); skipped=$((skipped + $(attr skipped)))
  failed=$((failed + $(attr failures) + $(attr errors)))
done
echo; echo "java: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"
if [[ $rc -eq 0 && $tests -eq 0 ]]; then
  echo "java: no test ran" >&2
  exit 1
fi
exit "$rc"
