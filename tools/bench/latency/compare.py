#!/usr/bin/env python3
"""Whole-process latency of `aezoo` builds side by side: each round runs every command with every
binary once, interleaved, so the load of a shared machine falls on all of them alike.

    python3 tools/bench/latency/compare.py [--runs 31] [--zoo zoo] BIN [BIN ...]

Commands: `--version` (the process floor) and `encode` of one image (a fixed random 784-vector,
written as NPY) through the zoo ids fashion/sparse-kl-1000 and fashion/sparse-kl-200 (the file's
SHA-256 verified against the registry) and through the sparse-kl-1000 checkpoint by path (each
variable's SHA-256 verified). Files are in the page cache (one untimed run of each first): this is
the warm-cache, new-process latency. Prints the median and quartiles of wall time and the median
CPU time (user + system) per binary and command, and the load average before and after.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from timing import run_process  # noqa: E402


def ms(wall_cpu):
    """Seconds -> milliseconds, for (wall, cpu) pairs."""
    return wall_cpu[0] * 1000, wall_cpu[1] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--zoo", default="zoo")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    zoo = os.path.abspath(args.zoo)
    work = tempfile.mkdtemp(prefix="aezoo-latency-")
    try:
        image = os.path.join(work, "one.npy")
        np.save(image, np.random.default_rng(0).random((1, 784), dtype=np.float32))
        out = os.path.join(work, "codes.npy")
        commands = {
            "--version": ["--version"],
            "encode 1 image, zoo fashion/sparse-kl-1000": ["encode", "fashion/sparse-kl-1000", "--zoo", zoo, "-i", image, "-o", out],
            "encode 1 image, zoo fashion/sparse-kl-200": ["encode", "fashion/sparse-kl-200", "--zoo", zoo, "-i", image, "-o", out],
            "encode 1 image, sparse-kl-1000 by path": ["encode", os.path.join(zoo, "fashion/sparse-kl-1000/model.h5"), "-i", image, "-o", out],
        }
        print("start: load average %.2f %.2f %.2f, %s" % (*os.getloadavg(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
        for b in args.binaries:
            for c in commands.values():
                ms(run_process([b] + c))
        results = {(b, k): [] for b in args.binaries for k in commands}
        for _ in range(args.runs):
            for k, c in commands.items():
                for b in args.binaries:
                    results[(b, k)].append(ms(run_process([b] + c)))
        print(f"median of {args.runs} interleaved runs; wall ms median [quartiles], CPU ms median")
        for k in commands:
            print(k)
            for b in args.binaries:
                wall = sorted(w for w, _ in results[(b, k)])
                q = statistics.quantiles(wall, n=4)
                cpu = statistics.median(c for _, c in results[(b, k)])
                print(f"  {b:50} {statistics.median(wall):7.1f} [{q[0]:.1f}, {q[2]:.1f}]  CPU {cpu:6.1f}")
        print("end: load average %.2f %.2f %.2f" % os.getloadavg())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
