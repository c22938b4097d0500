#!/usr/bin/env python3
"""Checkpoint save/restore benchmark: aezoo vs h5py on the same arrays, in the same run.

Usage (from the repository root, after `swift build -c release`):
    python3 tools/bench/checkpoint/run.py [--rounds 5] [--per-round 3] [--latency-runs 21] [--bin .build/release]

1. `checkpoint-stress bench` trains a 784-1000-784 autoencoder a few Adam steps and saves it: 15
   variables (weights, biases, Adam slots, beta powers, global_step).
2. In each round, `checkpoint-stress time` times aezoo's full atomic save (write, fsync, rename,
   fsync dir) and full restore (structure checks, NaN/Inf scan, SHA-256 verification) of those
   variables, then this script times h5py writing and reading exactly the same arrays: plain
   (contiguous), gzip (h5py's default level 4), and the same filters as aezoo (chunked, shuffle,
   gzip level 1, fletcher32), each with and without fsync. Rounds alternate the two so that the
   load of a shared machine falls on both alike; medians are over every timing of every round.
3. If the `aezoo` binary is built, it times whole `aezoo` processes, interleaved, `--latency-runs`
   times each: `--version` (the floor: process start and libraries), and `aezoo encode` of one
   image through that checkpoint and, when the zoo is present, through `fashion/sparse-kl-1000` and
   `fashion/sparse-kl-200` (zoo ids: the file's SHA-256 is verified against the registry).
   It reports the median wall time and the median CPU time (user + system) of the process.
Prints medians, the ratios against h5py with the same filters, file sizes and the load average.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from timing import run_process  # noqa: E402


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


def timings(fn, count):
    out = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=3)
    parser.add_argument("--latency-runs", type=int, default=21)
    parser.add_argument("--bin", default=".build/release")
    args = parser.parse_args()
    stress = os.path.join(args.bin, "checkpoint-stress")
    if not os.path.exists(stress):
        sys.exit(f"{stress} not found: run `swift build -c release --product checkpoint-stress` first")
    print(f"start: {load()} ({os.cpu_count()} CPUs)")
    work = tempfile.mkdtemp(prefix="aezoo-bench-")
    try:
        made = json.loads(subprocess.run([stress, "bench", work, "1"], check=True, capture_output=True, text=True).stdout)
        checkpoint = made["file"]
        arrays = load_arrays(checkpoint)
        raw = sum(a.nbytes for a in arrays.values())
        variants = [
            ("h5py plain", {}, False),
            ("h5py plain + fsync", {}, True),
            ("h5py gzip4 (h5py default)", {"compression": "gzip", "level": 4, "chunks": True}, False),
            ("h5py gzip4 + fsync", {"compression": "gzip", "level": 4, "chunks": True}, True),
            ("h5py same filters as aezoo", {"compression": "gzip", "level": 1, "shuffle": True, "fletcher32": True, "chunks": "rows256KiB"}, False),
            ("h5py same filters as aezoo + fsync", {"compression": "gzip", "level": 1, "shuffle": True, "fletcher32": True, "chunks": "rows256KiB"}, True),
        ]
        aezoo = {"save_s": [], "restore_s": [], "restore_weights_only_s": []}
        peers = {label: ([], []) for label, _, _ in variants}
        sizes = {}
        for _ in range(args.rounds):
            report = json.loads(subprocess.run([stress, "time", checkpoint, str(args.per_round)],
                                               check=True, capture_output=True, text=True).stdout)
            for key in aezoo:
                aezoo[key] += report[key]
            sizes["aezoo"] = report["file_bytes"]
            for label, filters, fsync in variants:
                path = os.path.join(work, label.replace(" ", "_") + ".h5")
                peers[label][0].extend(timings(lambda: h5py_write(path, arrays, fsync, **filters), args.per_round))
                peers[label][1].extend(timings(lambda: h5py_read(path), args.per_round))
                sizes[label] = os.path.getsize(path)

        med = statistics.median
        samples = args.rounds * args.per_round
        print(f"784-1000-784 autoencoder + Adam state: {len(arrays)} variables, {raw} raw bytes; "
              f"median of {samples} ({args.rounds} alternating rounds of {args.per_round})")
        print(f"{'writer':58} {'save ms':>9} {'restore ms':>11} {'file bytes':>12}")
        print(f"{'aezoo (shuffle+gzip1+fletcher32, fsync, checks+sha256)':58} {med(aezoo['save_s']) * 1000:9.1f} "
              f"{med(aezoo['restore_s']) * 1000:11.1f} {sizes['aezoo']:12d}")
        for label, _, _ in variants:
            saves, restores = peers[label]
            print(f"{label:58} {med(saves) * 1000:9.1f} {med(restores) * 1000:11.1f} {sizes[label]:12d}")
        same = peers["h5py same filters as aezoo + fsync"]
        print(f"aezoo vs h5py with the same filters (+ fsync for the save): save {med(same[0]) / med(aezoo['save_s']):.2f}x, "
              f"restore {med(same[1]) / med(aezoo['restore_s']):.2f}x (above 1: aezoo faster)")
        print(f"aezoo restore of the model weights only (no Adam slots; each variable's sha256 verified): "
              f"{med(aezoo['restore_weights_only_s']) * 1000:.1f} ms")

        aezoo_cli = os.path.join(args.bin, "aezoo")
        if not os.path.exists(aezoo_cli):
            print(f"({aezoo_cli} not built: skipping the encode latency)")
            return
        image = os.path.join(work, "one.npy")
        np.save(image, np.random.default_rng(0).random((1, 784), dtype=np.float32))
        codes = os.path.join(work, "codes.npy")
        commands = [("aezoo --version (process floor)", [aezoo_cli, "--version"]),
                    ("encode 1 image, bench checkpoint by path (784-1000-784 + Adam)",
                     [aezoo_cli, "encode", checkpoint, "-i", image, "-o", codes])]
        # The zoo of the checkout the binaries were built in (<repo>/.build/release), else ./zoo.
        candidates = [os.path.join(os.path.dirname(os.path.abspath(args.bin)), "..", "zoo"), os.path.abspath("zoo")]
        zoo = next((z for z in candidates if os.path.exists(os.path.join(z, "registry.json"))), None)
        if zoo:
            registry = json.load(open(os.path.join(zoo, "registry.json")))
            ids = {e["id"]: e for e in registry["entries"]}
            for model in ["fashion/sparse-kl-1000", "fashion/sparse-kl-200"]:
                if model in ids:
                    commands.append((f"encode 1 image, zoo id {model} (SHA-256 verified)",
                                     [aezoo_cli, "encode", model, "--zoo", zoo, "-i", image, "-o", codes]))
            if "fashion/sparse-kl-1000" in ids:
                path = os.path.join(zoo, ids["fashion/sparse-kl-1000"]["checkpoint"]["path"])
                commands.append(("encode 1 image, fashion/sparse-kl-1000 by path", [aezoo_cli, "encode", path, "-i", image, "-o", codes]))
        first = {label: run_process(command) for label, command in commands}
        runs = {label: [] for label, _ in commands}
        for _ in range(args.latency_runs):
            for label, command in commands:
                runs[label].append(run_process(command))
        print(f"whole aezoo processes, interleaved, median of {args.latency_runs} (after one untimed first run each):")
        print(f"{'command':70} {'wall ms':>8} {'min':>6} {'max':>6} {'CPU ms':>7} {'first':>6}")
        for label, _ in commands:
            wall = [w * 1000 for w, _ in runs[label]]
            cpu = [c * 1000 for _, c in runs[label]]
            print(f"{label:70} {med(wall):8.1f} {min(wall):6.1f} {max(wall):6.1f} {med(cpu):7.1f} {first[label][0] * 1000:6.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(f"end: {load()}")


if __name__ == "__main__":
    main()
