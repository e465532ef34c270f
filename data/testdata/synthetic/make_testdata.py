"""Write the reference sets for synthetic_test.go.

Run with Debian's NumPy 1.24.2 and scikit-learn 1.2.1:

    NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL" \
        /usr/bin/python3 make_testdata.py

On a CPU with AVX-512, NumPy 1.24 computes float64 np.sin and np.cos with
its own vector code, which differs from the C library's sin and cos by up
to 3 ulp. The variable makes NumPy call the C library (glibc), as NumPy
did when the course was written. The script checks that it does.

Each output file has one example per line: x1, x2 and the label, the
coordinates as exact hexadecimal floats (float.hex).

The script also lists the coordinates that change when every sin and cos
is rounded correctly (mpmath at 200 bits) instead of by glibc, which
misrounds about 0.1% of its arguments: the Go generators round correctly,
so these are the only coordinates where they may differ from the files.
"""

import math

import mpmath
import numpy as np
import sklearn
import sklearn.datasets

mpmath.mp.prec = 200

probe = np.random.RandomState(0).uniform(-40, 40, 10000)
assert all(np.sin(probe) == [math.sin(v) for v in probe]), "np.sin is not the C library's sin; set NPY_DISABLE_CPU_FEATURES"


def flower(sin, cos):
    """load_planar_dataset() of the course, with sin and cos supplied."""
    np.random.seed(1)
    m = 400
    N = int(m / 2)
    D = 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    a = 4
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * sin(t), r * cos(t)]
        Y[ix] = j
    return X, Y.ravel()


def crsin(v):
    return np.array([float(mpmath.sin(mpmath.mpf(float(e)))) for e in v])


def crcos(v):
    return np.array([float(mpmath.cos(mpmath.mpf(float(e)))) for e in v])


def write(name, X, y):
    with open(name, "w") as f:
        for (x1, x2), label in zip(X, y):
            f.write("%s %s %d\n" % (float(x1).hex(), float(x2).hex(), label))


def report(name, X, Xcr):
    diff = np.argwhere(X != Xcr)
    print(name, "coordinates that differ with correct rounding (example, feature):", [tuple(map(int, d)) for d in diff])


print("numpy", np.__version__, "sklearn", sklearn.__version__)

X, y = flower(np.sin, np.cos)
write("flower.txt", X, y)
Xcr, _ = flower(crsin, crcos)
report("flower", X, Xcr)

for name, seed, make, kw in [
    ("circles_seed1_300.txt", 1, sklearn.datasets.make_circles, dict(n_samples=300, noise=0.05)),
    ("circles_seed2_100.txt", 2, sklearn.datasets.make_circles, dict(n_samples=100, noise=0.05)),
    ("moons_seed3_300.txt", 3, sklearn.datasets.make_moons, dict(n_samples=300, noise=0.2)),
]:
    np.random.seed(seed)
    X, y = make(**kw)
    write(name, X, y)
    # Correct rounding: patch np.sin and np.cos inside sklearn's module.
    mod = sklearn.datasets._samples_generator
    saved = mod.np
    class patched:
        def __getattr__(self, a):
            return {"sin": crsin, "cos": crcos}.get(a) or getattr(saved, a)
    mod.np = patched()
    try:
        np.random.seed(seed)
        Xcr, _ = make(**kw)
    finally:
        mod.np = saved
    report(name, X, Xcr)
