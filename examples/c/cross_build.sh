#!/usr/bin/env bash
# cross_build.sh - a model's object and the demo program for another machine.
#
#   examples/c/cross_build.sh TRIPLE [MODEL.nn [OUTDIR [deepc compile flags]]]
#
#   examples/c/cross_build.sh aarch64-linux-gnu                  # NEON
#   examples/c/cross_build.sh aarch64-linux-gnu examples/fashion_mlp.nn out --mattr=+sve
#   examples/c/cross_build.sh riscv64-linux-gnu examples/fashion_mlp.nn out --mattr=+v
#
# TRIPLE is x86_64-linux-gnu, aarch64-linux-gnu or riscv64-linux-gnu; MODEL
# defaults to examples/fashion_mlp.nn (models `mlp` and `fit`), OUTDIR to
# ./cross-TRIPLE. Writes OUTDIR/model.o and model.h (deepc compile --target)
# and OUTDIR/demo (examples/c/deepc_demo.c, linked by TRIPLE-gcc, Debian's
# gcc-aarch64-linux-gnu / gcc-riscv64-linux-gnu, against libc and libm
# only). Copy demo to the board, or run it here under qemu-user:
#
#   qemu-aarch64 -L /usr/aarch64-linux-gnu cross-aarch64-linux-gnu/demo check
#
# (SVE code needs `-cpu max`, RVV code `-cpu rv64,v=true,vext_spec=v1.0`).
# DEEPC (default: deepc on PATH, else build/bin/deepc) and CC (default:
# TRIPLE-gcc) can be set; CFLAGS passes -DMODEL=... -DTRAIN=... for other
# models (deepc_demo.c's header comment).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ]; then
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
  exit 1
fi
triple=$1
model=${2:-$here/../fashion_mlp.nn}
out=${3:-cross-$triple}
shift $(( $# < 3 ? $# : 3 ))
case $triple in
  x86_64-linux-gnu | aarch64-linux-gnu | riscv64-linux-gnu) ;;
  *)
    echo "cross_build.sh: unsupported triple '$triple' (x86_64-linux-gnu, aarch64-linux-gnu, riscv64-linux-gnu)" >&2
    exit 1
    ;;
esac
deepc=${DEEPC:-$(command -v deepc || echo "$here/../../build/bin/deepc")}
cc=${CC:-$triple-gcc}
command -v "$cc" >/dev/null || {
  echo "cross_build.sh: no C compiler '$cc' (apt-get install gcc-${triple%%-*}-linux-gnu, or set CC)" >&2
  exit 1
}
mkdir -p "$out"
"$deepc" compile "$model" --target "$triple" "$@" -o "$out/model.o" --header "$out/model.h"
# shellcheck disable=SC2086
"$cc" -std=c99 -O2 ${CFLAGS:-} -I "$out" "$here/deepc_demo.c" "$out/model.o" -lm -o "$out/demo"
echo "cross_build.sh: $out/demo for $triple"
