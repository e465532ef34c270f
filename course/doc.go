// Package course holds the published experiments of the course whose
// lecture backprop implements, as data: the data set, architecture,
// initialisation, random seeds, hyperparameters and the figures the
// course's programming exercises print. Reproduce reruns one experiment in
// float64 with the numpy-compatible random source, so the same weights and
// the same mini-batches come out, and reports expected against actual.
//
// The exercises come from the first two courses of the deep-learning
// specialisation that the lecture belongs to: logistic regression on the
// cat images, the planar "flower" classifier, the two- and four-layer cat
// classifiers, and the initialisation and optimisation exercises of the
// second course.
package course
