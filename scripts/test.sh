#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: lit suites and unit tests
# through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH=/usr/lib/llvm-22/bin:$PATH
cd "${DEEPC_BUILD_DIR:-build}"
ctest --output-on-failure -j2
