#!/usr/bin/env python3
"""Read an aezoo checkpoint with h5py and numpy only, following docs/FORMAT.md.

Usage: read_checkpoint.py CHECKPOINT.h5 [--values]

Prints one JSON object: the root attributes (JSON-valued ones decoded), every variable under its
TensorFlow name (shape, dtype, and with --values its elements), the normalization and code prior,
and whether the recorded SHA-256 matches. Exits 1 with a message if the file breaks a rule of the
format. Nothing here imports aezoo code: it is the proof that the document suffices.
"""
import hashlib
import json
import sys

import h5py
import numpy as np

FORMAT = "aezoo-checkpoint"
SUPPORTED_VERSION = 1
JSON_ATTRIBUTES = ("model_spec", "training_recipe", "metrics_history", "training_state", "notes")


def text(value):
    """h5py returns variable-length strings as str and fixed-length ones as bytes."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def link_name(tf_name):
    """FORMAT.md 'Variable names': percent-encode %, / and a leading '.'."""
    out = tf_name.replace("%", "%25").replace("/", "%2F")
    return "%2E" + out[1:] if out.startswith(".") else out


def fail(message):
    print(f"{sys.argv[1]}: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    path = sys.argv[1]
    with_values = "--values" in sys.argv[2:]
    with h5py.File(path, "r") as f:
        attrs = f.attrs
        if text(attrs.get("aezoo_format", b"")) != FORMAT:
            fail("not an aezoo checkpoint")
        version = int(attrs["aezoo_format_version"])
        if not 1 <= version <= SUPPORTED_VERSION:
            fail(f"unsupported format version {version}")
        names = [text(n) for n in attrs["variable_names"]]
        group = f["variables"]
        if sorted(group.keys()) != sorted(link_name(n) for n in names):
            fail("variables group does not match variable_names")

        digest = hashlib.sha256()
        variables = []
        for name in names:
            dataset = group[link_name(name)]
            if text(dataset.attrs["tf_name"]) != name:
                fail(f"tf_name of {link_name(name)} is not {name}")
            array = dataset[()]
            dtype = {"<f4": "float32", "<f8": "float64", "<i4": "int32", "<i8": "int64"}[dataset.dtype.str]
            if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
                fail(f"variable {name} holds NaN or Inf")
            shape = ",".join(str(d) for d in dataset.shape)
            canonical = (name.encode() + b"\0" + dtype.encode() + b"\0" + shape.encode() + b"\0"
                         + np.ascontiguousarray(array, dtype=dataset.dtype.newbyteorder("<")).tobytes())
            digest.update(canonical)
            if "sha256" in dataset.attrs and text(dataset.attrs["sha256"]) != hashlib.sha256(canonical).hexdigest():
                fail(f"variable {name} does not match its sha256 attribute")
            entry = {"name": name, "shape": list(dataset.shape), "dtype": dtype,
                     "chunks": list(dataset.chunks) if dataset.chunks else None,
                     "compression": dataset.compression, "fletcher32": dataset.fletcher32, "shuffle": dataset.shuffle}
            if with_values:
                entry["values"] = np.asarray(array).ravel().tolist()
            variables.append(entry)

        root = {}
        for key in attrs.keys():
            value = attrs[key]
            if key in JSON_ATTRIBUTES:
                root[key] = json.loads(text(value))
            elif isinstance(value, (bytes, str)):
                root[key] = text(value)
            elif isinstance(value, np.ndarray):
                root[key] = [text(v) if isinstance(v, (bytes, str)) else v.item() for v in value]
            else:
                root[key] = value.item() if hasattr(value, "item") else value

        normalization = {"kind": root.get("normalization", "none")}
        if normalization["kind"] == "standard":
            normalization["mean"] = f["normalization/mean"][()].tolist()
            normalization["std"] = f["normalization/std"][()].tolist()
        prior = None
        if "code_prior" in f:
            prior = {"mean": f["code_prior/mean"][()].tolist()}
            if "code_prior/cholesky" in f:
                # FORMAT.md: the file keeps the lower-triangular factor L; the covariance is L L^T.
                factor = f["code_prior/cholesky"][()].astype(np.float64)
                prior["cholesky"] = factor.tolist()
                prior["covariance"] = (factor @ factor.T).tolist()
            else:
                prior["covariance"] = f["code_prior/covariance"][()].tolist()

        recorded = root.get("variables_sha256")
        print(json.dumps({
            "attributes": root,
            "variables": variables,
            "normalization": normalization,
            "code_prior": prior,
            "sha256_ok": recorded == digest.hexdigest(),
        }))


if __name__ == "__main__":
    main()
