#!/usr/bin/env bash
# Runs every .nn program of a folder (by default the frontend fuzz target's
# corpus, build-fuzz/corpus/frontend, which scripts/fuzz.sh grows) through
# the whole compiler: `deepc check`; for a program that checks and has a
# model or train block, `deepc compile -o` (every forward and step to an
# object); for each train block, `deepc gradcheck --train` (the step JIT-run
# on random data against finite differences). The fuzz target stops at the
# frontend; this reaches the passes, LLVM and the JIT with what it found.
#   scripts/sweep_corpus.sh [DIR] [DEEPC]
# Status 0 and 1 are answers (a clean error is 1); anything else (a signal,
# a timeout, an abort) is a finding, listed at the end, and fails the sweep.
# Gradient mismatches (gradcheck's status 1) are listed for review: a kink
# of relu, max or abs at a random point can cause one.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-fuzz/corpus/frontend}
deepc=${2:-build/bin/deepc}
[ -d "$dir" ] || { echo "sweep: no folder $dir" >&2; exit 2; }
[ -x "$deepc" ] || { echo "sweep: no deepc at $deepc (build first)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/deepc-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

checked=0 valid=0 compiled=0 compile_errors=0 steps=0 grad_mismatch=0
findings=()
mismatches=()
# run NAME TIMEOUT CMD...: sets $rc; records a finding unless it is 0 or 1.
run() {
  local what=$1 limit=$2
  shift 2
  timeout "$limit" "$@" >"$tmp/out" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    findings+=("status $rc: $what")
  fi
}

for f in "$dir"/*; do
  [ -f "$f" ] || continue
  checked=$((checked + 1))
  run "deepc check $f" 20 "$deepc" check "$f"
  [ "$rc" -eq 0 ] || continue
  valid=$((valid + 1))
  grep -qE '(^|[^A-Za-z_0-9])(model|train)[[:space:]]' "$f" || continue
  run "deepc compile $f -o" 120 "$deepc" compile "$f" -o "$tmp/m.o"
  if [ "$rc" -eq 0 ]; then compiled=$((compiled + 1)); fi
  if [ "$rc" -eq 1 ]; then compile_errors=$((compile_errors + 1)); fi
  for t in $(sed -n 's/^[[:space:]]*train[[:space:]]\{1,\}\([A-Za-z_][A-Za-z_0-9]*\).*/\1/p' "$f" | sort -u); do
    steps=$((steps + 1))
    run "deepc gradcheck $f --train $t" 300 "$deepc" gradcheck "$f" --train "$t"
    if [ "$rc" -eq 1 ]; then
      grad_mismatch=$((grad_mismatch + 1))
      mismatches+=("$f --train $t: $(grep -m1 -E 'error|FAIL|mismatch' "$tmp/out" | cut -c1-160)")
    fi
  done
done

echo "sweep: $checked files, $valid check, $compiled compile to an object" \
  "($compile_errors clean errors), $steps train blocks gradchecked" \
  "($grad_mismatch past tolerance or refused)"
for m in "${mismatches[@]}"; do echo "  gradcheck status 1: $m"; done
if [ ${#findings[@]} -gt 0 ]; then
  for x in "${findings[@]}"; do echo "sweep: FINDING: $x" >&2; done
  exit 1
fi
echo "sweep: no crash, abort or timeout"
