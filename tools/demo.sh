#!/usr/bin/env bash
# The main job: restore a zoo model, encode a real dataset offline, and write pictures.
# Outputs go to out/ (override with OUT=dir).
set -euo pipefail
cd "$(dirname "$0")/.."
aezoo=.build/release/aezoo
out=${OUT:-out}
model=${MODEL:-fashion/sparse-kl-200}
test_images=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
test_labels=/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
mkdir -p "$out"

"$aezoo" zoo verify "$model"
"$aezoo" encode "$model" --input "$test_images" --labels "$test_labels" -o "$out/codes.h5"
"$aezoo" visualize weights "$model" -o "$out/weights.png"
"$aezoo" visualize reconstructions "$model" --input "$test_images" --count 16 -o "$out/reconstructions.png"
"$aezoo" visualize samples "$model" --count 32 --seed 1 -o "$out/samples.png"
"$aezoo" visualize training "$model" -o "$out/training.svg"
"$aezoo" evaluate "$model" --input "$test_images" --labels "$test_labels" --no-probe
echo "wrote $out/codes.h5, $out/weights.png, $out/reconstructions.png, $out/samples.png, $out/training.svg"
