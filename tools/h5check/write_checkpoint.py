#!/usr/bin/env python3
"""Write an aezoo checkpoint with h5py and numpy only, following docs/FORMAT.md.

Usage: write_checkpoint.py OUT.h5

The other direction of read_checkpoint.py: proves a third-party writer that follows the document
(here with h5py's fixed-length byte strings for names, as numpy `S` arrays produce, and h5py's
default gzip settings) makes files aezoo loads. The values are a fixed function of their
position so the Swift test can check them: element i of variable k is k + i / 1000.
"""
import hashlib
import sys

import h5py
import numpy as np


def link(name):
    out = name.replace("%", "%25").replace("/", "%2F")
    return "%2E" + out[1:] if out.startswith(".") else out


VARIABLES = [
    ("weights1", (6, 4), "<f4"),
    ("biases1", (4,), "<f4"),
    ("weights1/Adam", (6, 4), "<f4"),
    ("beta1_power", (), "<f4"),
    ("global_step", (), "<i8"),
]


def main():
    out = sys.argv[1]
    digest = hashlib.sha256()
    with h5py.File(out, "w") as f:
        group = f.create_group("variables")
        for k, (name, shape, dtype) in enumerate(VARIABLES):
            count = int(np.prod(shape)) if shape else 1
            values = (k + np.arange(count) / 1000.0).astype(dtype).reshape(shape)
            if values.ndim:
                d = group.create_dataset(link(name), data=values, chunks=True, compression="gzip", fletcher32=True)
            else:
                d = group.create_dataset(link(name), data=values)
            d.attrs["tf_name"] = np.bytes_(name)  # fixed-length string
            kind = {"<f4": "float32", "<i8": "int64"}[dtype]
            digest.update(name.encode() + b"\0" + kind.encode() + b"\0" + ",".join(map(str, shape)).encode() + b"\0")
            digest.update(np.ascontiguousarray(values, dtype=np.dtype(dtype)).tobytes())
        f.attrs["aezoo_format"] = np.bytes_("aezoo-checkpoint")
        f.attrs["aezoo_format_version"] = np.int64(1)
        f.attrs["creator"] = "write_checkpoint.py"
        f.attrs["creator_version"] = "h5py " + h5py.__version__
        f.attrs["created_at"] = "2026-01-02T03:04:05Z"
        f.attrs["global_step"] = np.int64(42)
        f.attrs["variable_names"] = np.array([n.encode() for n, _, _ in VARIABLES])  # fixed-length array
        f.attrs["variables_sha256"] = digest.hexdigest()
        f.attrs["normalization"] = "standard"
        f.create_dataset("normalization/mean", data=np.full(6, 0.5, dtype="<f4"))
        f.create_dataset("normalization/std", data=np.full(6, 2.0, dtype="<f4"))
        f.attrs["training_recipe"] = '{"epochs": 2}'


if __name__ == "__main__":
    main()
