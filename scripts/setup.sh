#!/usr/bin/env bash
# Installs every Debian package that deepc's build, tests and main job need
# (idempotent; run as root on Debian 12), then configures and builds deepc in
# ./build with clang-22 and lld-22 against the shared libMLIR and libLLVM.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build python3 python3-numpy
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  libomp-22-dev libclang-rt-22-dev libgtest-dev libfmt-dev zlib1g-dev
  dataset-fashion-mnist
  # deepc train under mpirun (docs/DISTRIBUTED.md, test/e2e/mpi).
  libopenmpi-dev openmpi-bin
  # deepc compile --target: cross compilers and qemu for test/e2e/cross.
  qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu
  libc6-dev-arm64-cross libc6-dev-riscv64-cross
  # deepc --report: test/e2e/report loads the pages in headless chromium.
  chromium
  # deepc import: ONNX models read with Debian's ONNX library (docs/IMPORT.md).
  libonnx-dev libprotobuf-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

export PATH=/usr/lib/llvm-22/bin:$PATH
build=${DEEPC_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
cmake --build "$build"
