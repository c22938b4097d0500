#!/usr/bin/env python3
"""Checkpoint save/restore benchmark: aezoo vs h5py on the same arrays, in the same run.

Usage (from the repository root, after `swift build -c release`):
    python3 tools/bench/checkpoint/run.py [--repeats 7] [--bin .build/release]

1. `checkpoint-stress bench` trains a 784-1000-784 autoencoder a few Adam steps, then times
   aezoo's full atomic save (write, fsync, rename, fsync dir) and full restore (structure checks,
   NaN/Inf scan, SHA-256 verification) of its 15 variables (weights, biases, Adam slots, beta powers, global_step).
2. This script loads exactly those arrays with h5py and times h5py writing and reading them:
   plain (contiguous), gzip (h5py's default level 4), and the same filters as aezoo
   (chunked, shuffle, gzip level 1, fletcher32), each with and without fsync.
3. If the `aezoo` binary is built, it also times `aezoo encode CHECKPOINT` on one image as a whole
   process (restore-to-first-code latency).
Prints a table of medians and file sizes.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np


def link(name):
    out = name.replace("%", "%25").replace("/", "%2F")
    return "%2E" + out[1:] if out.startswith(".") else out


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def load_arrays(path):
    with h5py.File(path, "r") as f:
        names = [text(n) for n in f.attrs["variable_names"]]
        return {n: f["variables"][link(n)][()] for n in names}


def h5py_write(path, arrays, fsync, **filters):
    with h5py.File(path, "w") as f:
        for name, a in arrays.items():
            if a.ndim == 0 or not filters:
                f.create_dataset(link(name), data=a)
            else:
                chunks = filters.get("chunks")
                if chunks == "rows256KiB":
                    rows = max(1, min(a.shape[0], (256 << 10) // max(1, a[0].nbytes if a.ndim > 1 else a.itemsize)))
                    chunks = (rows,) + a.shape[1:]
                f.create_dataset(link(name), data=a, chunks=chunks, compression=filters.get("compression"),
                                 compression_opts=filters.get("level"), shuffle=filters.get("shuffle", False),
                                 fletcher32=filters.get("fletcher32", False))
    if fsync:
        fd = os.open(path, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)


def h5py_read(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f.keys()}


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--bin", default=".build/release")
    args = parser.parse_args()
    stress = os.path.join(args.bin, "checkpoint-stress")
    if not os.path.exists(stress):
        sys.exit(f"{stress} not found: run `swift build -c release --product checkpoint-stress` first")
    work = tempfile.mkdtemp(prefix="aezoo-bench-")
    try:
        out = subprocess.run([stress, "bench", work, str(args.repeats)], check=True, capture_output=True, text=True).stdout
        aezoo = json.loads(out)
        arrays = load_arrays(aezoo["file"])
        raw = sum(a.nbytes for a in arrays.values())
        rows = [("aezoo (shuffle+gzip1+fletcher32, fsync, checks+sha256)", aezoo["save_median_s"], aezoo["restore_median_s"], aezoo["file_bytes"])]
        variants = [
            ("h5py plain", {}, False),
            ("h5py plain + fsync", {}, True),
            ("h5py gzip4 (h5py default)", {"compression": "gzip", "level": 4, "chunks": True}, False),
            ("h5py gzip4 + fsync", {"compression": "gzip", "level": 4, "chunks": True}, True),
            ("h5py same filters as aezoo", {"compression": "gzip", "level": 1, "shuffle": True, "fletcher32": True, "chunks": "rows256KiB"}, False),
            ("h5py same filters as aezoo + fsync", {"compression": "gzip", "level": 1, "shuffle": True, "fletcher32": True, "chunks": "rows256KiB"}, True),
        ]
        for label, filters, fsync in variants:
            path = os.path.join(work, label.replace(" ", "_") + ".h5")
            save = median_time(lambda: h5py_write(path, arrays, fsync, **filters), args.repeats)
            restore = median_time(lambda: h5py_read(path), args.repeats)
            rows.append((label, save, restore, os.path.getsize(path)))

        print(f"aezoo restore of the model weights only (no Adam slots; each variable's sha256 verified): "
              f"{aezoo['restore_weights_only_median_s'] * 1000:.1f} ms")
        print(f"784-1000-784 autoencoder + Adam state: {len(arrays)} variables, {raw} raw bytes; median of {args.repeats}")
        print(f"{'writer':58} {'save ms':>9} {'restore ms':>11} {'file bytes':>12}")
        for label, save, restore, size in rows:
            print(f"{label:58} {save * 1000:9.1f} {restore * 1000:11.1f} {size:12d}")

        aezoo_cli = os.path.join(args.bin, "aezoo")
        if os.path.exists(aezoo_cli):
            checkpoint = os.path.join(work, "ckpt")
            os.makedirs(checkpoint)
            shutil.copy(aezoo["file"], os.path.join(checkpoint, "model.ckpt-4.h5"))
            image = os.path.join(work, "one.npy")
            np.save(image, np.random.default_rng(0).random((1, 784), dtype=np.float32))
            codes = os.path.join(work, "codes.npy")
            command = [aezoo_cli, "encode", os.path.join(checkpoint, "model.ckpt-4.h5"), "-i", image, "-o", codes]
            first = median_time(lambda: subprocess.run(command, check=True, capture_output=True), 1)
            warm = median_time(lambda: subprocess.run(command, check=True, capture_output=True), args.repeats)
            print(f"aezoo encode, one image, whole process: first run {first * 1000:.1f} ms, median {warm * 1000:.1f} ms")
        else:
            print(f"({aezoo_cli} not built: skipping the encode latency)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
