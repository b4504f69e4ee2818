#!/usr/bin/env bash
# The main job: set up (scripts/setup.sh), then take the Fashion-MNIST
# example as far as deepc goes today. Training lands with issue 3; until
# then: check the model, run its forward pass (initial weights) on the test
# images, and compile it to an object file. Outputs go to ./out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
deepc=${DEEPC_BUILD_DIR:-build}/bin/deepc
data=/usr/share/datasets/fashion-mnist
mkdir -p out
set -x
"$deepc" check examples/fashion_mlp.nn
"$deepc" predict examples/fashion_mlp.nn --seed 1 \
  --data x=$data/t10k-images-idx3-ubyte.gz -o out/fashion_logits.npy
"$deepc" compile examples/fashion_mlp.nn --emit=llvm-ir -o out/fashion_mlp.ll
"$deepc" compile examples/fashion_mlp.nn -o out/fashion_mlp.o
set +x
echo "main: wrote out/fashion_logits.npy, out/fashion_mlp.ll, out/fashion_mlp.o"
