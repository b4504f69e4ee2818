#!/usr/bin/env bash
# The main job: set up (scripts/setup.sh), then train the Fashion-MNIST
# example of SPEC section 1 on the data of Debian's dataset-fashion-mnist
# (validation on its test set after each epoch), evaluate the checkpoint on
# the test set, and compile the model to an object file. Outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
deepc=${DEEPC_BUILD_DIR:-build}/bin/deepc
data=/usr/share/datasets/fashion-mnist
mkdir -p out
set -x
"$deepc" check examples/fashion_mlp.nn
"$deepc" train examples/fashion_mlp.nn \
  --data x=$data/train-images-idx3-ubyte.gz --data y=$data/train-labels-idx1-ubyte.gz \
  --val x=$data/t10k-images-idx3-ubyte.gz --val y=$data/t10k-labels-idx1-ubyte.gz \
  --save out/fashion_mlp.safetensors --log out/fashion_mlp.jsonl --plot out/fashion_mlp.svg
"$deepc" eval examples/fashion_mlp.nn --weights out/fashion_mlp.safetensors \
  --data x=$data/t10k-images-idx3-ubyte.gz --data y=$data/t10k-labels-idx1-ubyte.gz
"$deepc" predict examples/fashion_mlp.nn --weights out/fashion_mlp.safetensors \
  --data x=$data/t10k-images-idx3-ubyte.gz -o out/fashion_logits.npy
"$deepc" compile examples/fashion_mlp.nn -o out/fashion_mlp.o
set +x
echo "main: trained out/fashion_mlp.safetensors (log out/fashion_mlp.jsonl, curves out/fashion_mlp.svg),"
echo "      test-set logits out/fashion_logits.npy, object file out/fashion_mlp.o"
