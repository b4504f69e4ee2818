#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) in ./build-fuzz, instrumented with
# -fsanitize=fuzzer,address,undefined, replays every committed regression
# input (fuzz/regressions/TARGET/), then fuzzes each target, seeded from the
# repository's examples and test inputs. Fails if any target crashes; the
# crashing input is left in build-fuzz/crashes/.
#   scripts/fuzz.sh SECONDS      explore: SECONDS per target, random seed,
#                                corpus kept in build-fuzz/corpus/ across runs
#   scripts/fuzz.sh --runs N     repeatable: N inputs per target from libFuzzer
#                                seed 1 and the committed seeds only, so a run
#                                passes or fails the same way on every machine
#                                (what scripts/test.sh and CI run)
#   DEEPC_FUZZ_TARGETS=runtime scripts/fuzz.sh 15   the file readers only
# Assumes the packages of scripts/setup.sh (libclang-rt-22-dev: libFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time
seconds=20
runs=0
case "${1:-}" in
  --runs) mode=runs; runs=${2:?"--runs needs a count"} ;;
  '') ;;
  *) seconds=$1 ;;
esac
export PATH=/usr/lib/llvm-22/bin:$PATH
build=${DEEPC_FUZZ_BUILD_DIR:-build-fuzz}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DDEEPC_FUZZ=ON -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags"
fi

case "${DEEPC_FUZZ_TARGETS:-all}" in
  runtime) group=deepc-fuzz-runtime; targets="npy idx csv safetensors" ;;
  all) group=deepc-fuzz; targets="npy idx csv safetensors frontend onnx" ;;
  *) echo "fuzz: DEEPC_FUZZ_TARGETS is 'all' or 'runtime'" >&2; exit 2 ;;
esac
cmake --build "$build" --target "$group" -- -j"${DEEPC_JOBS:-2}"

# Seeds: the committed inputs of each format.
seeds() {
  case "$1" in
    npy) find test/unit/runtime/data test/e2e -name '*.npy' ;;
    safetensors) find test/unit/runtime/data test/e2e -name '*.safetensors' ;;
    idx) find fuzz/seeds/idx -type f ;;
    csv) find fuzz/seeds/csv -type f ;;
    frontend) find examples test/frontend test/e2e -name '*.nn' ;;
    onnx) find test/e2e/import -name '*.onnx' ;;
  esac
}

# Each target writes every input to a temporary file for the reader to open;
# on a disk that costs more than the fuzzing (HARDENING.md, "Long runs"), so
# the files go to memory when /dev/shm is there and TMPDIR is not set.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

failed=()
mkdir -p "$build/crashes"
for t in $targets; do
  # Every input that once crashed a target must keep passing.
  if [ -d "fuzz/regressions/$t" ]; then
    if ! "$build/bin/fuzz_$t" -timeout=10 -rss_limit_mb=2048 \
         fuzz/regressions/"$t"/* >"$build/fuzz_$t.regressions.log" 2>&1; then
      failed+=("$t(regression)")
      tail -40 "$build/fuzz_$t.regressions.log"
      continue
    fi
  fi
  if [ "$mode" = runs ]; then
    corpus="$build/corpus-repeatable/$t"
    rm -rf "$corpus"
    n=$runs
    # An ONNX input goes through ONNX's checker, version converter and shape
    # inference and the frontend (tens of milliseconds): a tenth of the runs
    # keeps its share of CI's time near the other targets'.
    if [ "$t" = onnx ]; then n=$(( (runs + 9) / 10 )); fi
    budget=(-runs="$n" -seed=1)
    echo "fuzz: fuzz_$t for $n runs from seed 1"
  else
    corpus="$build/corpus/$t"
    budget=(-max_total_time="$seconds")
    echo "fuzz: fuzz_$t for ${seconds}s"
  fi
  mkdir -p "$corpus"
  seeds "$t" | while read -r f; do cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"; done
  if ! "$build/bin/fuzz_$t" "${budget[@]}" -timeout=10 \
       -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$build/crashes/$t-" "$corpus" \
       >"$build/fuzz_$t.log" 2>&1; then
    failed+=("$t")
    tail -40 "$build/fuzz_$t.log"
  fi
  grep -E "stat::number_of_executed_units|cov:" "$build/fuzz_$t.log" | tail -2 || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/crashes/)" >&2
  exit 1
fi
echo "fuzz: no crashes"
