"""Write the small HDF5 files that data/hdf5_test.go reads.

Run from this folder with h5py 3.7 on libhdf5 1.10.8 (Debian 12's
python3-h5py):

    python3 make_testdata.py

Every dataset is contiguous or compact and uncompressed unless its name says
otherwise; the test file lists the expected values.
"""

import h5py
import numpy as np


def fixed_string(f, name, values, size, pad):
    """Create a fixed-length ASCII string dataset with the given padding."""
    t = h5py.h5t.C_S1.copy()
    t.set_size(size)
    t.set_strpad(pad)
    space = h5py.h5s.create_simple((len(values),))
    ds = h5py.h5d.create(f.id, name.encode(), t, space)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array(values, dtype=f"S{size}"))


def compact(f, name, values):
    """Create a dataset with compact layout: its data sit in its header."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple(values.shape)
    tid = h5py.h5t.py_create(values.dtype)
    ds = h5py.h5d.create(f.id, name.encode(), tid, space, dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, values)


def small():
    # The root group contains more than 8 links, so its B-tree node points to
    # more than one symbol table node.
    with h5py.File("small.h5", "w") as f:
        f["u8"] = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
        f["i8"] = np.array([-128, -1, 0, 127], dtype=np.int8)
        f["i16be"] = np.array([-2, 300, -32768], dtype=">i2")
        f["u16"] = np.array([0, 65535], dtype="<u2")
        f["u32be"] = np.array([4294967295, 1], dtype=">u4")
        f["i64"] = np.array([-9007199254740993, 42], dtype="<i8")
        f["u64"] = np.array([1, 18446744073709551615], dtype="<u8")
        f["f32be"] = np.array([[1.5, -0.25], [3.0e38, -0.0]], dtype=">f4")
        f["f64"] = np.array([0.1, -2.5, 1e-300], dtype="<f8")
        f["scalar"] = np.float64(6.25)
        f.create_dataset("empty", shape=(0, 3), dtype="<f8")
        fixed_string(f, "nullpad", [b"non-cat", b"cat"], 7, h5py.h5t.STR_NULLPAD)
        fixed_string(f, "nullterm", [b"ab", b"abcd"], 5, h5py.h5t.STR_NULLTERM)
        fixed_string(f, "spacepad", [b"x  ", b"yz "], 3, h5py.h5t.STR_SPACEPAD)
        compact(f, "compact", np.array([[1, 2], [3, 4]], dtype="<i2"))
        f["group/nested/i32"] = np.array([-2147483648, 7], dtype="<i4")


def unsupported():
    with h5py.File("chunked.h5", "w") as f:
        f.create_dataset("chunked", data=np.arange(4.0), chunks=(2,))
        f.create_dataset("gzip", data=np.arange(4.0), chunks=(4,), compression="gzip")
    with h5py.File("unsupported.h5", "w") as f:
        f["ok"] = np.array([1.0, 2.0])
        f["f16"] = np.array([1.0, 2.0], dtype="<f2")
        f.create_dataset("vlen", data=["a", "bc"], dtype=h5py.string_dtype())
        f.create_dataset("compound", data=np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]))
        f.create_dataset("unwritten", shape=(3,), dtype="<f8")


def latest():
    with h5py.File("latest.h5", "w", libver="latest") as f:
        f["x"] = np.arange(3.0)


def userblock():
    with h5py.File("userblock.h5", "w", userblock_size=512) as f:
        f["x"] = np.array([1, 2, 3], dtype=np.uint8)


def cat():
    """Write a tiny stand-in for the course's cat-vs-non-cat files.

    Images are (m, 2, 3, 3): 2 rows, 3 columns, 3 channels, so a loader
    that swaps rows and columns or puts channels first gets other values.
    Pixel [i, r, c, ch] = 100*i + 10*(3*r + c) + ch, distinct everywhere.
    """
    import os

    os.makedirs("cat", exist_ok=True)
    for prefix, labels in [("train", [0, 1, 0]), ("test", [1, 1])]:
        m = len(labels)
        i, r, c, ch = np.indices((m, 2, 3, 3))
        x = (100 * i + 10 * (3 * r + c) + ch).astype(np.uint8)
        with h5py.File(f"cat/{prefix}_catvnoncat.h5", "w") as f:
            f[f"{prefix}_set_x"] = x
            f[f"{prefix}_set_y"] = np.array(labels, dtype=np.int64)
            f["list_classes"] = np.array([b"non-cat", b"cat"])


small()
cat()
unsupported()
latest()
userblock()
