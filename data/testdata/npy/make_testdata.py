"""Write the .npy files for npy_test.go with NumPy 1.24.2 (np.save):

    /usr/bin/python3 make_testdata.py
"""

import numpy as np

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0], [4.0, 5.0, 6.0], [-0.125, 7.5, 1e-3]])
np.save("x.npy", X)                                   # (4, 3) '<f8', C order
np.save("x_f4_fortran.npy", np.asfortranarray(X.astype("<f4")))
np.save("x_be.npy", X.astype(">f8"))                  # big-endian
np.save("x_u1.npy", np.array([[0, 255], [128, 7], [1, 2], [3, 4]], dtype=np.uint8))
np.save("y.npy", np.array([2, 0, 1, 2], dtype=np.int64))
np.save("y_i4_col.npy", np.array([[1], [0], [1], [1]], dtype=np.int32))
np.save("y_bool.npy", np.array([True, False, False, True]))
np.save("y_onehot.npy", np.eye(3, dtype=np.float32)[[2, 0, 1, 2]])
np.save("y_reg.npy", np.array([[1.5, -2.0], [0.0, 3.25], [7.0, 8.0], [-1.0, 0.5]]))
# What WriteNPY must reproduce byte for byte.
np.save("write_x_f8.npy", X)
np.save("write_x_f4.npy", X.astype(np.float32))
np.save("write_y_i8.npy", np.array([2, 0, 1, 2], dtype=np.int64))
np.save("write_y_f8.npy", np.array([1.5, 0.0, 7.0, -1.0]))
