#!/usr/bin/python3
"""Write the golden safetensors files by hand from the format description,
using numpy for the little-endian element bytes. It uses no code from the Go
package, so the files are an independent check of its writer and reader.

Layout: an 8-byte little-endian header length N, N bytes of JSON header,
then the data buffer.

golden.safetensors is what EncodeSafetensors must write byte for byte:
compact JSON with __metadata__ first, tensors in data order (F64 tensors,
then F32 tensors, each group sorted by name), padded with spaces to a
multiple of 8 bytes.

unordered.safetensors contains the same tensors and data as another writer
might lay them out: JSON with spaces and a newline, tensors listed in
reverse data order, __metadata__ last, padding to a multiple of 8 with
spaces.

Usage: /usr/bin/python3 make_golden.py [output folder]
"""

import json
import os
import struct
import sys

import numpy as np

metadata = {
    "architecture": '{"layer_sizes":[3,2,1],"activations":["tanh","sigmoid"]}',
    "format": "backprop",
}

# (name, dtype, shape, values), already in file order.
tensors = [
    ("empty", "F64", [0, 3], []),
    ("layers.2.weight", "F64", [1, 2], [1e-300, -2.5]),
    ("scale", "F64", [], [3.141592653589793]),
    ("layers.1.bias", "F32", [2], [1.0, -2.0]),
    ("layers.1.weight", "F32", [2, 3], [0.5, -1.25, 3.0, 0.1, -0.0, 1e-40]),
]

numpy_type = {"F32": "<f4", "F64": "<f8"}

entries = {}
buffer = b""
for name, dtype, shape, values in tensors:
    data = np.array(values, dtype=numpy_type[dtype]).reshape(shape).tobytes()
    entries[name] = {
        "dtype": dtype,
        "shape": shape,
        "data_offsets": [len(buffer), len(buffer) + len(data)],
    }
    buffer += data


def write(path, text):
    text = text.encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + buffer)


folder = sys.argv[1] if len(sys.argv) > 1 else "."

header = {"__metadata__": dict(sorted(metadata.items()))}
header.update(entries)
write(
    os.path.join(folder, "golden.safetensors"),
    json.dumps(header, separators=(",", ":"), ensure_ascii=False),
)

header = dict(reversed(list(entries.items())))
header["__metadata__"] = metadata
write(os.path.join(folder, "unordered.safetensors"), json.dumps(header) + "\n")
