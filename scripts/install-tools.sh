#!/usr/bin/env bash
# Installs every tool the proto / client-generation workflow needs into .tools/
# (gitignored), from the package registries only, at pinned versions.
#
#   .tools/bin/buf                  buf CLI            (npm @bufbuild/buf)
#   .tools/bin/grpcurl              grpcurl            (go install)
#   .tools/bin/protoc-gen-go        Go messages        (go install)
#   .tools/bin/protoc-gen-go-grpc   Go gRPC stubs      (go install)
#   .tools/bin/protoc               protoc for builtin generators such as java
#                                   (Maven Central com.google.protobuf:protoc)
#   .tools/bin/protoc-grpcio        protoc front end of grpcio-tools (bundled protoc +
#                                   the grpc_python generator), used by buf.gen.yaml as
#                                   protoc_path for the python / pyi / grpc_python builtins
#   .tools/bin/protoc-gen-mypy_grpc typed .pyi for the Python gRPC stubs (mypy-protobuf)
#   .tools/bin/protoc-gen-grpc-java Java gRPC stubs    (Maven Central; Java section below)
#   .tools/bin/gojq, .tools/bin/jq  jq, only when the system has none (go install; jq section)
#   .tools/venv/                    Python venv holding grpcio-tools and mypy-protobuf, and
#                                   standardwebhooks (tests/webhooks.rs's receiver checks
#                                   every signature with it)
#   clients/typescript/node_modules ts-proto etc., `npm ci` from that client's lockfile
# (clients/python/test.sh keeps its own venv in .tools/venv-python-client.)
#
# Idempotent and fast on a second run: each tool is skipped when the stamp of its pinned
# version is present. Delete .tools/ to start over. Needs go, python3 (3.11), npm and mvn.
#
# With arguments, installs only the named groups: buf, grpcurl, go-plugins, protoc,
# python, typescript, java, jq. The README's walkthrough uses
#   bash scripts/install-tools.sh grpcurl jq      (needs only Go)
set -euo pipefail
GROUPS_ALL=(buf grpcurl go-plugins protoc python typescript java jq)
ONLY=("$@")
for g in "${ONLY[@]}"; do
  if [[ " ${GROUPS_ALL[*]} " != *" $g "* ]]; then
    echo "install-tools: unknown tool group '$g'; choose from: ${GROUPS_ALL[*]} (none: all)" >&2
    exit 2
  fi
done
want() { ((${#ONLY[@]} == 0)) || [[ " ${ONLY[*]} " == *" $1 "* ]]; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"

# ---- pinned versions (change here, then run scripts/gen-clients.sh) ----
BUF_VERSION=1.75.0                  # npm @bufbuild/buf
GRPCURL_VERSION=v1.9.4              # github.com/fullstorydev/grpcurl
PROTOC_GEN_GO_VERSION=v1.36.12      # google.golang.org/protobuf
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2   # google.golang.org/grpc/cmd/protoc-gen-go-grpc
PROTOC_MAVEN_VERSION=4.36.2         # com.google.protobuf:protoc (protoc 36.2)
# Python code generation. grpcio-tools 1.85.1 bundles protoc 35.1, so the Python
# gencode declares protobuf 7.35.1 as its minimum runtime.
PY_TOOL_REQUIREMENTS=(
  grpcio-tools==1.85.1
  grpcio==1.85.1
  protobuf==7.36.2
  mypy-protobuf==5.1.0
  types-protobuf==7.35.1.20260906
  typing_extensions==4.16.0
  # Not a generator: the independent Standard Webhooks implementation that the webhook
  # tests' receiver (tests/support/webhook_receiver.py) verifies signatures with.
  standardwebhooks==1.0.0
)
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

mkdir -p "$BIN" "$STAMPS"

have() { [[ -f "$STAMPS/$1" ]]; }
done_() { touch "$STAMPS/$1"; }
log() { echo "install-tools: $*" >&2; }
need() { # command, what needs it, how to get it
  command -v "$1" >/dev/null 2>&1 && return 0
  log "FAILED: $2 needs '$1', which is not on PATH; $3"
  exit 1
}

# ---- buf (npm) ----
if want buf && { ! have "buf-$BUF_VERSION" || [[ ! -x "$BIN/buf" ]]; }; then
  need npm buf "install Node.js >= 20 with npm (Debian: apt-get install nodejs npm)"
  log "buf $BUF_VERSION"
  rm -rf "$TOOLS/npm-buf"
  mkdir -p "$TOOLS/npm-buf"
  (cd "$TOOLS/npm-buf" && echo '{"name":"verifyd-tools","private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error --save-exact "@bufbuild/buf@$BUF_VERSION" >/dev/null)
  ln -sf "../npm-buf/node_modules/.bin/buf" "$BIN/buf"
  "$BIN/buf" --version >/dev/null
  done_ "buf-$BUF_VERSION"
fi

# ---- Go tools (go install through the module proxy) ----
go_tool() { # name stamp-version package@version
  local name="$1" ver="$2" pkg="$3"
  if ! have "$name-$ver" || [[ ! -x "$BIN/$name" ]]; then
    need go "$name" "install Go >= 1.25 (https://go.dev/dl/, or Debian: apt-get install golang-go)"
    log "$name $ver"
    GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -mod=mod" go install "$pkg"
    done_ "$name-$ver"
  fi
}
if want grpcurl; then
  go_tool grpcurl "$GRPCURL_VERSION" "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
fi
if want go-plugins; then
  go_tool protoc-gen-go "$PROTOC_GEN_GO_VERSION" "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
  go_tool protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION" "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
fi

# ---- protoc from Maven Central (for builtin generators that grpcio-tools lacks, e.g. java) ----
if want protoc && { ! have "protoc-$PROTOC_MAVEN_VERSION" || [[ ! -x "$BIN/protoc" ]]; }; then
  need mvn protoc "install Maven (Debian: apt-get install maven)"
  log "protoc $PROTOC_MAVEN_VERSION (Maven Central)"
  mvn -q -B dependency:copy \
    -Dartifact="com.google.protobuf:protoc:$PROTOC_MAVEN_VERSION:exe:linux-x86_64" \
    -DoutputDirectory="$TOOLS/maven" -Dmdep.overWriteReleases=true >/dev/null
  install -m 0755 "$TOOLS/maven/protoc-$PROTOC_MAVEN_VERSION-linux-x86_64.exe" "$BIN/protoc"
  "$BIN/protoc" --version >/dev/null
  done_ "protoc-$PROTOC_MAVEN_VERSION"
fi

# ---- Python code generators (venv) ----
PY_STAMP="py-$(printf '%s\n' "${PY_TOOL_REQUIREMENTS[@]}" | sha256sum | cut -c1-16)"
if want python && { ! have "$PY_STAMP" || [[ ! -x "$TOOLS/venv/bin/python" ]]; }; then
  log "python venv: ${PY_TOOL_REQUIREMENTS[*]}"
  [[ -x "$TOOLS/venv/bin/python" ]] || "$PYTHON" -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/python" -m pip install -q --disable-pip-version-check "${PY_TOOL_REQUIREMENTS[@]}"
  done_ "$PY_STAMP"
fi
# A protoc front end that buf can call as protoc_path: grpcio-tools' protoc, which has
# the python, pyi and grpc_python generators built in and prints `libprotoc X.Y`.
if want python; then
  cat >"$BIN/protoc-grpcio.tmp" <<EOF
#!/bin/sh
exec "$TOOLS/venv/bin/python" -m grpc_tools.protoc "\$@"
EOF
  chmod 0755 "$BIN/protoc-grpcio.tmp" && mv -f "$BIN/protoc-grpcio.tmp" "$BIN/protoc-grpcio"
  ln -sf "../venv/bin/protoc-gen-mypy_grpc" "$BIN/protoc-gen-mypy_grpc"
fi

# ---- TypeScript client generator plugins (ts-proto etc.), declared in that client's
# lockfile. Only when node_modules is absent (a fresh machine): `npm ci` wipes an existing
# node_modules, and that folder's owner manages it day to day.
if want typescript && [[ -f "$ROOT/clients/typescript/package-lock.json" && ! -d "$ROOT/clients/typescript/node_modules" ]]; then
  log "clients/typescript: npm ci"
  (cd "$ROOT/clients/typescript" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# ---- Java client: protoc-gen-grpc-java (owner: clients/java) ----
# The gRPC stub generator for buf.gen.yaml's Java entry, from Maven Central. Keep the
# version equal to grpc.version in clients/java/pom.xml. (The Java messages come from the
# protoc above, whose version must equal protobuf.version there.)
GRPC_JAVA_PLUGIN_VERSION=1.83.1     # io.grpc:protoc-gen-grpc-java (newest with a linux-x86_64 exe on Maven Central)
if want java && { ! have "protoc-gen-grpc-java-$GRPC_JAVA_PLUGIN_VERSION" || [[ ! -x "$BIN/protoc-gen-grpc-java" ]]; }; then
  need mvn protoc-gen-grpc-java "install Maven (Debian: apt-get install maven)"
  log "protoc-gen-grpc-java $GRPC_JAVA_PLUGIN_VERSION (Maven Central)"
  mvn -q -B dependency:copy \
    -Dartifact="io.grpc:protoc-gen-grpc-java:$GRPC_JAVA_PLUGIN_VERSION:exe:linux-x86_64" \
    -DoutputDirectory="$TOOLS/maven" -Dmdep.overWriteReleases=true >/dev/null
  install -m 0755 "$TOOLS/maven/protoc-gen-grpc-java-$GRPC_JAVA_PLUGIN_VERSION-linux-x86_64.exe" \
    "$BIN/protoc-gen-grpc-java"
  done_ "protoc-gen-grpc-java-$GRPC_JAVA_PLUGIN_VERSION"
fi

# ---- jq for scripts/test-walkthrough.sh (the README's grpcurl walkthrough pipes into jq) ----
# A system jq is used as it is. Without one, gojq (a jq in Go) goes into .tools/bin, with
# .tools/bin/jq -> gojq, so that `jq` works once .tools/bin is on PATH.
GOJQ_VERSION=v0.12.19               # github.com/itchyny/gojq (v0.12.20 needs a go-yaml version our module proxy lacks)
if want jq && ! PATH="$(tr ':' '\n' <<<"$PATH" | grep -vxF "$BIN" | paste -sd: -)" command -v jq >/dev/null 2>&1; then
  go_tool gojq "$GOJQ_VERSION" "github.com/itchyny/gojq/cmd/gojq@$GOJQ_VERSION"
  ln -sfn gojq "$BIN/jq"
fi

log "ok${ONLY[*]:+ (${ONLY[*]})}: $BIN"
