#!/usr/bin/python3
"""PyTorch (Debian's python3-torch, CPU) on the benchmark's task, for scripts/bench.sh to run side by side:
Fashion-MNIST 60,000 training / 10,000 test images, pixels standardised per position (as
conf/fashion-mnist.conf), 784-256relu-128relu-10 with softmax cross-entropy, Adam at 0.002 with a cosine
schedule, batch 128, shuffled every epoch. Prints one JSON object: seconds from launch (this script's
first line, before torch is imported) to the first epoch's start, each epoch's training seconds and
test accuracy after it, and torch's thread count.

    /usr/bin/python3 scripts/bench-pytorch.py [--threads N] [--epochs E] [--data DIR]
"""
import time

LAUNCH = time.time()

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import struct  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x = idx(f"{args.data}/train-images-idx3-ubyte.gz").astype(np.float32)
    y = idx(f"{args.data}/train-labels-idx1-ubyte.gz").astype(np.int64)
    tx = idx(f"{args.data}/t10k-images-idx3-ubyte.gz").astype(np.float32)
    ty = idx(f"{args.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1
    x, tx = (x - mean) / std, (tx - mean) / std
    x, y, tx, ty = map(torch.from_numpy, (x, y, tx, ty))
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    steps = args.epochs * ((len(x) + 127) // 128)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    first_epoch = time.time()
    epochs = []
    for _ in range(args.epochs):
        start = time.time()
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            batch = order[i:i + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            schedule.step()
        seconds = time.time() - start
        model.eval()
        with torch.no_grad():
            accuracy = (model(tx).argmax(dim=1) == ty).float().mean().item()
        epochs.append({"seconds": seconds, "test_accuracy": accuracy})
    print(json.dumps({"torch": torch.__version__, "threads": args.threads,
                      "launch_to_first_epoch_seconds": first_epoch - LAUNCH,
                      "wall_seconds": time.time() - LAUNCH, "epochs": epochs}))


if __name__ == "__main__":
    main()
