#!/usr/bin/env python3
"""Turn scikit-learn's 8x8 digits (UCI optical digits test set, 1,797 samples) into IDX .gz files.

The scikit-learn wheel ships sklearn/datasets/data/digits.csv.gz: 64 pixel values (0-16) then the
label. We scale pixels to [0, 1] and write float32 IDX (type 0x0D), so aezoo's IDX reader takes them
as they are, and split them stratified: the first 80% of each digit (in file order) train, the rest test.

usage: digits8x8_to_idx.py WHEEL_OR_CSV_GZ OUT_DIR
"""
import os
import sys

from idx_gz import read_rows, write_set

MEMBER = "sklearn/datasets/data/digits.csv.gz"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = [([v / 16.0 for v in x], y) for x, y in read_rows(sys.argv[1], MEMBER, pixels=64)]
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    train, test = [], []
    for d in range(10):
        digit = [r for r in rows if r[1] == d]
        cut = int(round(0.8 * len(digit)))
        train += digit[:cut]
        test += digit[cut:]
    write_set(out_dir, "train", train, (8, 8), type_code=0x0D, fmt="f")
    write_set(out_dir, "t10k", test, (8, 8), type_code=0x0D, fmt="f")
    print(f"wrote {len(rows)} digits ({len(train)} train, {len(test)} test) to {out_dir}")


if __name__ == "__main__":
    main()
