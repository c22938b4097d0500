#!/usr/bin/env python3
"""Writes the small NPY and HDF5 files that Tests/DatasetsTests read, using numpy and h5py themselves,
so the Swift readers are checked against what the real libraries produce.

Every value follows a formula the Swift tests recompute independently:
  bytes:  element i (flat, C order) = (i * 37) % 256
  floats: element i = (i - 3) * 0.25
  labels: label r = (r * 3) % 10
Run from the repository root:  python3 tools/fixtures_data/make_data_fixtures.py
"""
import gzip
import os
import shutil

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "DatasetsTests", "Fixtures")


def byte_values(shape):
    return ((np.arange(np.prod(shape)) * 37) % 256).astype(np.uint8).reshape(shape)


def float_values(shape, dtype):
    return ((np.arange(np.prod(shape)) - 3) * 0.25).astype(dtype).reshape(shape)


def labels(n):
    return (np.arange(n) * 3) % 10


def main():
    os.makedirs(OUT, exist_ok=True)
    p = lambda name: os.path.join(OUT, name)
    np.save(p("u8_5x2x3.npy"), byte_values((5, 2, 3)))                       # images-like, 3-D
    np.save(p("f4_4x3.npy"), float_values((4, 3), "<f4"))
    np.save(p("f8be_3x2.npy"), float_values((3, 2), ">f8"))                  # big-endian float64
    np.save(p("labels_5.npy"), labels(5).astype(np.int64))
    np.save(p("fortran_3x2.npy"), np.asfortranarray(float_values((3, 2), "<f4")))
    with open(p("f4_v2_4x3.npy"), "wb") as f:                               # format version 2.0
        np.lib.format.write_array(f, float_values((4, 3), "<f4"), version=(2, 0))
    with open(p("f4_4x3.npy"), "rb") as src, gzip.GzipFile(p("f4_4x3.npy.gz"), "wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)

    with h5py.File(p("data.h5"), "w") as f:
        f.create_dataset("images", data=byte_values((6, 4)), chunks=(2, 4), compression="gzip")
        f.create_dataset("labels", data=labels(6).astype(np.int64))
        f.create_dataset("floats", data=float_values((6, 4), "<f4"))
        f["images"].attrs["note"] = "uint8 images, labels alongside"


if __name__ == "__main__":
    main()
