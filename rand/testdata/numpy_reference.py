"""Print the NumPy reference values that numpy_data_test.go holds.

Run with NumPy 1.24 (Debian 12: /usr/bin/python3 with python3-numpy and
python3-mpmath) and paste the output into numpy_data_test.go. Every value
comes from the legacy RandomState (np.random.seed and friends), except the
"rounded" Gaussians: those come from a plain-Python copy of NumPy's
legacy_gauss that takes ln from mpmath, correctly rounded, where NumPy
calls the C library's log.
"""

import math
import struct

import mpmath
import numpy as np

mpmath.mp.prec = 200


def fnv64(values, fmt):
    """FNV-1a 64 over the little-endian encoding of values."""
    h = 0xCBF29CE484222325
    for v in values:
        for byte in struct.pack(fmt, v):
            h ^= byte
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def go_floats(xs):
    return ", ".join(repr(float(x)) for x in xs)


def go_ints(xs):
    return ", ".join(str(int(x)) for x in xs)


def raw_uint32(seed, n):
    # randint over the full 32-bit range returns the raw MT19937 outputs.
    rs = np.random.RandomState(seed)
    return [int(v) for v in rs.randint(0, 2**32, size=n, dtype=np.uint64)]


def rounded_gauss(seed, n):
    """legacy_gauss of NumPy with a correctly rounded ln."""
    words = iter(raw_uint32(seed, 4 * n + 1000))

    def sample():
        a = next(words) >> 5
        b = next(words) >> 6
        return (a * 67108864.0 + b) / 9007199254740992.0

    out = []
    while len(out) < n:
        while True:
            x1 = 2.0 * sample() - 1.0
            x2 = 2.0 * sample() - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        ln = float(mpmath.log(mpmath.mpf(r2)))
        f = math.sqrt(-2.0 * ln / r2)
        out += [f * x2, f * x1]
    return out[:n]


print("// Raw 32-bit outputs, RandomState(seed).randint(0, 2**32, dtype=np.uint64).")
for seed in (0, 1, 2**32 - 1):
    print(f"seed {seed}: {go_ints(raw_uint32(seed, 10))}")
print(f"fnv seed 0, 100000 words: {fnv64(raw_uint32(0, 100000), '<I'):#x}")

print("// randn")
for seed in (1, 2, 3, 0, 2**32 - 1):
    np.random.seed(seed)
    print(f"seed {seed}: {go_floats(np.random.randn(24))}")
np.random.seed(1)
print(f"randn(3, 2)*0.01 seed 1: {go_floats((np.random.randn(3, 2) * 0.01).ravel())}")

print("// random_sample")
for seed in (0, 1):
    np.random.seed(seed)
    print(f"seed {seed}: {go_floats(np.random.random_sample(10))}")
np.random.seed(0)
print(f"fnv seed 0, 100000 samples: {fnv64(np.random.random_sample(100000), '<d'):#x}")

print("// permutation")
for seed in (0, 1, 2):
    np.random.seed(seed)
    print(f"seed {seed} permutation(10): {go_ints(np.random.permutation(10))}")
np.random.seed(0)
print(f"seed 0 permutation(300): {go_ints(np.random.permutation(300))}")
np.random.seed(1)
print(f"fnv seed 1 permutation(100000): {fnv64(np.random.permutation(100000), '<q'):#x}")

print("// shuffle")
np.random.seed(5)
a = np.arange(20) * 10
np.random.shuffle(a)
print(f"seed 5 shuffle(arange(20)*10): {go_ints(a)}")
np.random.seed(5)
lst = list("abcdefgh")
np.random.shuffle(lst)
print(f"seed 5 shuffle(list('abcdefgh')): {lst}")

print("// randint(0, n), seed 0, one call per n, in order, twice")
ns = [1, 2, 3, 5, 7, 10, 100, 1000, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**40, 2**62 + 3]
np.random.seed(0)
print(f"ns: {go_ints(ns)}")
print(f"values: {go_ints([np.random.randint(0, n) for n in ns * 2])}")

print("// uniform, seed 0")
np.random.seed(0)
u = [np.random.uniform(-1, 1) for _ in range(4)]
u += [np.random.uniform(2.5, 7.25) for _ in range(4)]
u += [np.random.uniform(3, 1) for _ in range(3)]
print(f"values: {go_floats(u)}")

print("// normal(5, 0.1) x3 then normal(-2, 3) x3, seed 2")
np.random.seed(2)
print(f"values: {go_floats([np.random.normal(5, 0.1) for _ in range(3)] + [np.random.normal(-2, 3) for _ in range(3)])}")

print("// mixed, seed 7: randn, rand, randint(0,10), randn, permutation(5), randn, uniform(0,2), randn, randn")
np.random.seed(7)
print(repr(np.random.randn()), repr(np.random.rand()), np.random.randint(0, 10), repr(np.random.randn()),
      list(np.random.permutation(5)), repr(np.random.randn()), repr(np.random.uniform(0, 2)),
      repr(np.random.randn()), repr(np.random.randn()))

print("// state after seed 1, randn(3)")
np.random.seed(1)
np.random.randn(3)
name, key, pos, has_gauss, gauss = np.random.get_state()
print(f"pos {pos} has_gauss {has_gauss} gauss {gauss!r} key[0] {key[0]} key[623] {key[623]} fnv key {fnv64(key, '<I'):#x}")

print("// long randn: numpy fnv, then index: numpy value, rounded-ln value")
for seed in (0, 1):
    n = 50000
    np.random.seed(seed)
    got = np.random.randn(n)
    ref = rounded_gauss(seed, n)
    print(f"seed {seed} n {n} fnv {fnv64(got, '<d'):#x}")
    for i in range(n):
        if got[i] != ref[i]:
            print(f"  {i}: {got[i]!r}, {ref[i]!r}")
