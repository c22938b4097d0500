#!/usr/bin/env python3
"""The peer for `aezoo encode`: the same 784-1000 sigmoid forward pass in PyTorch CPU, reading the
same IDX .gz images and writing codes with h5py (same chunking, shuffle + deflate 4), whole process.

The weights come from the aezoo checkpoint through h5py and docs/FORMAT.md alone.
usage: torch_encode.py CHECKPOINT.h5 IMAGES.gz OUT.h5 [threads]
"""
import gzip
import json
import sys

import h5py
import numpy as np
import torch


def link(name):
    out = name.replace("%", "%25").replace("/", "%2F")
    return "%2E" + out[1:] if out.startswith(".") else out


def main():
    ckpt, images_path, out_path = sys.argv[1:4]
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    with h5py.File(ckpt, "r") as f:
        kernel = f["variables"][link("dense/kernel")][()]
        bias = f["variables"][link("dense/bias")][()]
    with gzip.open(images_path, "rb") as g:
        raw = g.read()
    n, rows, cols = (int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows * cols)
    w = torch.from_numpy(kernel)
    b = torch.from_numpy(bias)
    with h5py.File(out_path, "w") as f:
        chunk_rows = max(1, (256 * 1024) // (4 * w.shape[1]))
        d = f.create_dataset("codes", shape=(n, w.shape[1]), dtype="<f4", chunks=(chunk_rows, w.shape[1]),
                             shuffle=True, compression="gzip", compression_opts=4)
        with torch.no_grad():
            for start in range(0, n, 4096):
                xb = torch.from_numpy(x[start:start + 4096].astype(np.float32) / 255.0)
                d[start:start + xb.shape[0]] = torch.sigmoid(xb @ w + b).numpy()


if __name__ == "__main__":
    main()
