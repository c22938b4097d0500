#!/usr/bin/env bash
# Benchmark: encode the 60,000 Fashion-MNIST training images through a 784-1000 sigmoid encoder to
# an HDF5 file, whole process, aezoo vs PyTorch CPU (2 threads) + h5py, in the same run; then peak
# memory of aezoo encode for 60,000 vs 600,000 rows (streaming means it barely grows).
#
#   tools/bench/encode/run.sh [repeats]        (needs a release build; PyTorch via tools/setup.sh --bench)
#   AEZOO_BIN=.build-bench/release/aezoo tools/bench/encode/run.sh    (another build of aezoo)
set -euo pipefail
cd "$(dirname "$0")/../../.."
repeats=${1:-5}
aezoo=${AEZOO_BIN:-.build/release/aezoo}
images=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=2

# A 784-1000 sigmoid model: the zoo's, or a fresh one (weights don't change the cost of a forward pass).
model=zoo/fashion/sparse-kl-1000/model.h5
if [ ! -f "$model" ]; then
  "$aezoo" train -i /work/main/data/mnist-5k/t10k-images-idx3-ubyte.gz --layers 1000 --epochs 1 --checkpoint-dir "$work/m" >/dev/null 2>&1
  model=$(ls "$work"/m/*.h5 | head -1)
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "encode 60,000 x 784 -> 1000 sigmoid codes -> HDF5 (whole process, median of $repeats)"
a=(); t=()
for i in $(seq "$repeats"); do
  a+=("$(timed "$aezoo" encode "$model" -i "$images" -o "$work/a.h5")")
  if python3 -c "import torch, h5py" 2>/dev/null; then
    t+=("$(timed python3 tools/bench/encode/torch_encode.py "$model" "$images" "$work/t.h5" 2)")
  fi
done
am=$(printf '%s\n' "${a[@]}" | cut -d' ' -f1 | median)
printf 'aezoo    %6.2f s  %8.0f rows/s  peak RSS %s MB\n' "$am" "$(awk "BEGIN{print 60000/$am}")" "$(( $(printf '%s\n' "${a[@]}" | cut -d' ' -f2 | sort -n | tail -1) / 1024 ))"
if [ ${#t[@]} -gt 0 ]; then
  tm=$(printf '%s\n' "${t[@]}" | cut -d' ' -f1 | median)
  printf 'pytorch  %6.2f s  %8.0f rows/s  peak RSS %s MB\n' "$tm" "$(awk "BEGIN{print 60000/$tm}")" "$(( $(printf '%s\n' "${t[@]}" | cut -d' ' -f2 | sort -n | tail -1) / 1024 ))"
  printf 'aezoo throughput / pytorch: %.2fx\n' "$(awk "BEGIN{print $tm/$am}")"
  python3 - "$work/a.h5" "$work/t.h5" <<'PY'
import h5py, numpy as np, sys
a = h5py.File(sys.argv[1])["codes"][:]; t = h5py.File(sys.argv[2])["codes"][:]
print(f"codes agree: max |aezoo - pytorch| = {np.abs(a - t).max():.2e}")
PY
else
  echo "pytorch: not installed (tools/setup.sh --bench), no peer figure"
fi

echo "peak memory, streaming encode to HDF5 (NPY input)"
python3 - "$images" "$work" <<'PY'
import gzip, numpy as np, sys
raw = gzip.open(sys.argv[1]).read()
x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)
np.save(f"{sys.argv[2]}/x60k.npy", x)
with open(f"{sys.argv[2]}/x600k.npy", "wb") as f:
    np.lib.format.write_array_header_1_0(f, {"descr": "|u1", "fortran_order": False, "shape": (600000, 784)})
    for _ in range(10):
        f.write(x.tobytes())
PY
for n in 60k 600k; do
  r=$(timed "$aezoo" encode "$model" -i "$work/x$n.npy" -o "$work/c$n.h5")
  printf '%5s rows: %6.2f s  peak RSS %s MB\n' "$n" "$(echo "$r" | cut -d' ' -f1)" "$(( $(echo "$r" | cut -d' ' -f2) / 1024 ))"
done
