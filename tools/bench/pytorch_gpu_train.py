#!/usr/bin/env python3
"""PyTorch eager reference for `swarm bench gpu`: a preset (mlp or cnn) trained with Adam on the GPU, timed like ours.

Same model (mlp: Flatten -> Linear(784,128) -> ReLU -> Linear(128,10); cnn: Conv2d(1,32,3) -> ReLU -> MaxPool2d(2) ->
Conv2d(32,64,3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(1600,128) -> ReLU -> Linear(128,10)), same batch, same optimizer (Adam, lr 1e-3), same
step count, and a synthetic Fashion-MNIST-shaped training set resident on the GPU (32768 x 784 in [0, 1), 10 classes),
batches gathered on the device from a shuffled order. Prints one JSON line.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

SAMPLES, FEATURES, CLASSES, WARMUP = 32768, 784, 10, 50


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--tf32", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = bool(a.tf32)
    torch.backends.cudnn.allow_tf32 = bool(a.tf32)
    torch.manual_seed(a.seed)
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev).manual_seed(a.seed)
    x_all = torch.rand(SAMPLES, FEATURES, device=dev, generator=gen)
    y_all = (x_all[:, 0] * CLASSES).long().clamp_(max=CLASSES - 1)
    nn = torch.nn
    if a.model == "mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).to(dev)
    else:
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10)).to(dev)
        x_all = x_all.view(SAMPLES, 1, 28, 28)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    per_epoch = SAMPLES // a.batch

    def train(steps):
        order = None
        for s in range(steps):
            i = s % per_epoch
            if i == 0:
                order = torch.randperm(SAMPLES, device=dev, generator=gen)
            idx = order[i * a.batch:(i + 1) * a.batch]
            loss = F.cross_entropy(model(x_all[idx]), y_all[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return loss

    loss = train(WARMUP)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    loss = train(a.steps)
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    print(json.dumps({"figure": "pytorch_gpu_train", "model": a.model, "torch": torch.__version__, "device": torch.cuda.get_device_name(0),
                      "batch": a.batch, "steps": a.steps, "tf32": bool(a.tf32), "train_samples_per_s": a.steps * a.batch / dt,
                      "last_loss": float(loss)}))


if __name__ == "__main__":
    main()
