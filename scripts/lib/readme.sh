# Shell functions shared by scripts/test-walkthrough.sh and scripts/test-newcomer.sh:
# they take commands out of a README, so the tests run what the README says instead of
# a copy of it that could drift. Source this file; it defines functions only.

# readme_walkthrough README OUTDIR
# Writes every ```sh block between `<!-- walkthrough:begin -->` and
# `<!-- walkthrough:end -->` to OUTDIR/001.sh, 002.sh, ... Fails on a missing marker, an
# unterminated block, or no block at all.
readme_walkthrough() {
  awk -v dir="$2" '
    /^[[:space:]]*<!--[[:space:]]*walkthrough:begin[[:space:]]*-->[[:space:]]*$/ { inside = 1; began = 1; next }
    /^[[:space:]]*<!--[[:space:]]*walkthrough:end[[:space:]]*-->[[:space:]]*$/ { if (fence) { bad = "unterminated ```sh block" } inside = 0; ended = 1; next }
    inside && !fence && /^[[:space:]]*```sh[[:space:]]*$/ { fence = 1; n++; file = sprintf("%s/%03d.sh", dir, n); printf "" > file; next }
    inside && fence && /^[[:space:]]*```[[:space:]]*$/ { fence = 0; close(file); next }
    inside && fence { print > file }
    END {
      if (!began) { print "no <!-- walkthrough:begin --> line" > "/dev/stderr"; exit 2 }
      if (!ended) { print "no <!-- walkthrough:end --> line after walkthrough:begin" > "/dev/stderr"; exit 2 }
      if (bad != "") { print bad > "/dev/stderr"; exit 2 }
      if (n == 0) { print "no ```sh block between the walkthrough markers" > "/dev/stderr"; exit 2 }
    }
  ' "$1"
}

# readme_tagged README OUTDIR
# Every fenced block whose opening line follows a line `<!-- newcomer:KIND [ARG] -->`
# goes to OUTDIR/NNN.body, and a line `NNN KIND ARG` to OUTDIR/manifest, in README order.
# Fails when a marker is not followed by a fenced block, or a block is not closed.
readme_tagged() {
  : >"$2/manifest"
  awk -v dir="$2" '
    function fail(msg) { printf "%s:%d: %s\n", FILENAME, NR, msg > "/dev/stderr"; bad = 1; exit 2 }
    fence {
      if ($0 ~ /^```[[:space:]]*$/) { fence = 0; close(file); next }
      print > file; next
    }
    /^<!--[[:space:]]*newcomer:[a-z]+([[:space:]]+[^[:space:]]+)?[[:space:]]*-->[[:space:]]*$/ {
      line = $0
      sub(/^<!--[[:space:]]*newcomer:/, "", line); sub(/[[:space:]]*-->[[:space:]]*$/, "", line)
      split(line, parts, /[[:space:]]+/)
      kind = parts[1]; arg = (2 in parts) ? parts[2] : ""
      pending = 1; next
    }
    pending && /^```/ {
      pending = 0; fence = 1; n++
      file = sprintf("%s/%03d.body", dir, n); printf "" > file
      printf "%03d %s %s\n", n, kind, arg >> (dir "/manifest")
      next
    }
    pending { fail("a <!-- newcomer:" kind " --> line must be followed directly by a fenced block") }
    END {
      if (bad) exit 2
      if (fence) { print FILENAME ": unterminated fenced block" > "/dev/stderr"; exit 2 }
      if (pending) { print FILENAME ": a newcomer marker at the end has no block" > "/dev/stderr"; exit 2 }
    }
  ' "$1"
}

# readme_echo_and_run BLOCK
# Prints shell code that shows BLOCK (as the reader sees it), then runs it.
readme_echo_and_run() {
  local delim="README_BLOCK_$RANDOM$RANDOM$RANDOM"
  printf "cat <<'%s'\n" "$delim"
  cat "$1"
  printf "%s\n" "$delim"
  printf "printf -- '---\\\\n'\n"
  cat "$1"
  printf "\n"
}

# readme_save_file BLOCK NAME
# Prints shell code that saves BLOCK as the file NAME in the current directory, as the
# reader does when a README says "save this as NAME".
readme_save_file() {
  local delim="README_FILE_$RANDOM$RANDOM$RANDOM"
  printf "echo '(saving %s)'\n" "$2"
  printf "cat >%q <<'%s'\n" "$2" "$delim"
  cat "$1"
  printf "%s\n" "$delim"
}
