#!/usr/bin/env bash
# Trains examples/lenet/lenet.nn (3 epochs, Adam lr 1e-3, batch 64) on
# Debian's dataset-fashion-mnist once per seed given (default 1 2 3 4), with
# the test set as validation, and prints each run's last epoch line.
# Outputs go to out/lenet-SEED.{safetensors,jsonl}. Figures: README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
deepc=${DEEPC_BUILD_DIR:-build}/bin/deepc
D=/usr/share/datasets/fashion-mnist
mkdir -p out
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4)
for s in "${seeds[@]}"; do
  "$deepc" train examples/lenet/lenet.nn --seed "$s" \
    --data x=$D/train-images-idx3-ubyte.gz --data y=$D/train-labels-idx1-ubyte.gz \
    --val x=$D/t10k-images-idx3-ubyte.gz --val y=$D/t10k-labels-idx1-ubyte.gz \
    --save out/lenet-$s.safetensors --log out/lenet-$s.jsonl | tail -1 | sed "s/^/seed $s: /"
done
