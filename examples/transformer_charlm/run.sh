#!/bin/sh
# Prepares the data, trains charlm.nn and predicts the next character after
# the prompt. Needs Debian's fortunes-min and python3-numpy, and deepc on
# PATH (or DEEPC=path/to/deepc).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DEEPC=${DEEPC:-deepc}
OUT=${1:-charlm-out}
mkdir -p "$OUT"
/usr/bin/python3 "$HERE/prepare.py" "$OUT/data"
D="$OUT/data"
time "$DEEPC" train "$HERE/charlm.nn" \
  --data ids="$D/train_ids.npy" --data next="$D/train_next.npy" \
  --val ids="$D/val_ids.npy" --val next="$D/val_next.npy" \
  --save "$OUT/charlm.safetensors" --log "$OUT/run.jsonl" --log-every 20
"$DEEPC" predict "$HERE/charlm.nn" --model nextchar \
  --weights "$OUT/charlm.safetensors" --data ids="$D/prompt.npy" \
  -o "$OUT/probs.npy"
/usr/bin/python3 "$HERE/next_char.py" "$D/prompt.npy" "$OUT/probs.npy"
