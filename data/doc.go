// Package data reads, generates and prepares the examples a network trains
// on.
//
// # Orientation
//
// A Dataset holds m examples in the lecture's orientation: X is (n_x, m)
// and Y is (n_y, m), one example per column. Files that store one example
// per row (CSV, .npy) are transposed on reading. For classification, Y is
// one row of 0/1 values when there are 2 classes and one-hot columns when
// there are K > 2; Labels holds the class indices and Classes the number
// of classes. For regression, Y holds the targets, Labels is nil and
// Classes is 0.
//
// # Files
//
//   - IDX (MNIST, Fashion-MNIST): ReadIDX, DecodeIDX, LoadMNIST.
//   - CSV: ReadCSV, DecodeCSV with CSVOptions.
//   - NumPy .npy: ReadNPY, WriteNPY.
//   - PNG images: ReadImage.
//   - HDF5 (the course's cat-vs-non-cat set): ReadHDF5, LoadCatVNonCat.
//
// Readers treat their input as untrusted. They check every header count
// against the bytes present before allocating anything from it. Every fault
// comes back as an error that names the file, the place (line and column,
// or byte offset and field), the bad value and what to do. Pixels scale to
// [0, 1] as byte/255, computed in float64 and then converted to T.
//
// # Generated sets
//
// Generate makes the 2-D sets of SyntheticSets by name. Flower, Moons and
// Circles reproduce the course's numpy and scikit-learn calls value for
// value when they draw from rand.NewNumPy; XOR, Spiral and Blobs are the
// project's own.
//
// # Preparation
//
// Split and Shuffle reorder examples with a seeded source, Subset gathers
// examples, Standardizer rescales each feature with statistics of the
// training set only, OneHot and LabelTargets build Y from labels, and
// Check looks for NaN, ±Inf and labels out of range before training.
//
// Functions allocate their results and leave their arguments unchanged,
// except the Transform and Apply methods of Standardizer, which work in
// place.
package data
