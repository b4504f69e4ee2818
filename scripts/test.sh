#!/usr/bin/env bash
# Sets up (scripts/setup.sh), runs a bounded, repeatable fuzzing round
# (scripts/fuzz.sh --runs: the same inputs on every machine, so CI cannot pass
# or fail by luck; docs/HARDENING.md; DEEPC_SKIP_FUZZ=1 skips it), the whole
# suite built with ASan and UBSan (scripts/sanitize.sh, in build-asan;
# DEEPC_SKIP_SANITIZE=1 skips it), the programs the frontend fuzzing found
# through the whole compiler (scripts/sweep_corpus.sh, with the fuzzing),
# the audit of lit checks that would pass if the stage or pass they test
# did nothing (scripts/lit_audit.py, docs/HARDENING.md; under a minute),
# then every test of the normal build: lit suites and unit tests through
# ctest, whose summary closes the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH=/usr/lib/llvm-22/bin:$PATH
if [ "${DEEPC_SKIP_FUZZ:-0}" != 1 ]; then
  DEEPC_FUZZ_TARGETS=${DEEPC_FUZZ_TARGETS:-all} scripts/fuzz.sh --runs "${DEEPC_FUZZ_RUNS:-40000}"
fi
if [ "${DEEPC_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "test: the suite under ASan and UBSan (scripts/sanitize.sh, build-asan)"
  scripts/sanitize.sh
fi
if [ "${DEEPC_SKIP_FUZZ:-0}" != 1 ] && [ "${DEEPC_FUZZ_TARGETS:-all}" = all ]; then
  echo "test: the frontend fuzz corpus through check, compile and gradcheck"
  scripts/sweep_corpus.sh "${DEEPC_FUZZ_BUILD_DIR:-build-fuzz}/corpus-repeatable/frontend" \
    "${DEEPC_BUILD_DIR:-build}/bin/deepc"
fi
echo "test: lit checks that pass without the stage they test (scripts/lit_audit.py)"
python3 scripts/lit_audit.py --build "${DEEPC_BUILD_DIR:-build}"
cd "${DEEPC_BUILD_DIR:-build}"
echo "test: the suite (ctest in $(pwd))"
ctest --output-on-failure -j2
