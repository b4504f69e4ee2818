#!/usr/bin/env bash
# Builds deepc in ./build-asan with AddressSanitizer and UndefinedBehavior-
# Sanitizer on the project's own code (the Debian LLVM/MLIR libraries and
# JIT-compiled code are not instrumented) and runs the whole test suite,
# then a JIT training run many times (DEEPC_ASAN_REPEAT, default 30): ASan
# spreads mappings across the address space, so placement bugs in JIT code
# show only with some layouts (docs/HARDENING.md, Findings).
#   scripts/sanitize.sh              build everything, ctest, repeated run
#   scripts/sanitize.sh repeat       build only deepc, only the repeated run
# Assumes the packages of scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/lib/llvm-22/bin:$PATH
build=${DEEPC_ASAN_BUILD_DIR:-build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
mode=${1:-all}
if [ "$mode" = repeat ]; then
  cmake --build "$build" --target deepc -- -j"${DEEPC_JOBS:-2}"
else
  cmake --build "$build" -- -j"${DEEPC_JOBS:-2}"
fi
# Leaks are reported (LeakSanitizer) and UBSan prints stack traces. A
# sanitizer report exits with status 86, not the default 1: the tests of
# errors expect deepc's own status 1 exactly (exit_status.py), so a report
# on an error path fails them instead of passing for deepc's error.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}
if [ "$mode" != repeat ]; then
  (cd "$build" && ctest --output-on-failure -j"${DEEPC_JOBS:-2}")
fi
# test/e2e/train/resume.test's first training command, repeated.
inputs=test/e2e/train/Inputs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=${DEEPC_ASAN_REPEAT:-30}
for i in $(seq 1 "$runs"); do
  if ! "$build/bin/deepc" train "$inputs/sgd.nn" --data "x=$inputs/cls_x.npy" \
      --data "y=$inputs/cls_y.npy" --seed 3 --epochs 1 --save "$tmp/c.safetensors" \
      >"$tmp/log" 2>&1; then
    echo "sanitize.sh: JIT training run $i of $runs failed:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
done
echo "sanitize.sh: $runs JIT training runs passed"
