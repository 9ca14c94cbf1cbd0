"""Golden values for TrainSwarm's engine tests, produced by PyTorch (Debian python3-torch).

Usage: /usr/bin/python3 tools/golden/make_golden.py [--out tests/TrainSwarm.Nn.Tests/golden]
                                                   [--data /usr/share/datasets/fashion-mnist]
Each case is one safetensors file holding its inputs, parameters, outputs and gradients (see README.md).
Debian's torch has no safetensors package, so the format is written here with json + struct.
"""
import argparse, gzip, json, os, struct

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {torch.float32: ("F32", "<f"), torch.int64: ("I64", "<q"), torch.int32: ("I32", "<i")}


def save_safetensors(path, tensors, metadata):
    """Writes tensors (name -> torch tensor) in name order; the header is padded with spaces to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        dtype, fmt = DTYPES[t.dtype]
        values = t.reshape(-1).tolist()
        data = struct.pack("<%d%s" % (len(values), fmt[1]), *values)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
    print("%-28s %8d bytes  %d tensors" % (os.path.basename(path), os.path.getsize(path), len(tensors)))


def meta(case, **extra):
    m = {"generator": "tools/golden/make_golden.py", "torch": torch.__version__, "case": case}
    m.update({k: str(v) for k, v in extra.items()})
    return m


def layer_case(module, x):
    """Forward a parametrized layer, backward (out * grad_out).sum(); returns the key -> tensor dict."""
    x = x.clone().requires_grad_(True)
    out = module(x)
    grad_out = torch.randn(out.shape)
    (out * grad_out).sum().backward()
    d = {"x": x, "out": out, "grad_out": grad_out, "grad_x": x.grad}
    for name, p in module.named_parameters():
        d[name] = p
        d["grad_" + name] = p.grad
    return d


def layers(out):
    torch.manual_seed(1)
    m = nn.Linear(7, 5)
    save_safetensors(os.path.join(out, "linear.safetensors"), layer_case(m, torch.randn(3, 7)),
                     meta("linear", module="Linear(7,5)", loss="(out*grad_out).sum()"))

    torch.manual_seed(2)
    m = nn.Conv2d(3, 4, 3)
    save_safetensors(os.path.join(out, "conv2d.safetensors"), layer_case(m, torch.randn(2, 3, 7, 6)),
                     meta("conv2d", module="Conv2d(3,4,3)", loss="(out*grad_out).sum()"))

    torch.manual_seed(3)
    m = nn.Conv2d(2, 3, 3, stride=2, padding=1)
    save_safetensors(os.path.join(out, "conv2d_pad_stride.safetensors"), layer_case(m, torch.randn(2, 2, 9, 8)),
                     meta("conv2d_pad_stride", module="Conv2d(2,3,3,stride=2,padding=1)", loss="(out*grad_out).sum()"))

    torch.manual_seed(4)
    # A random permutation scaled to distinct values: no ties inside any pooling window.
    x = (torch.randperm(2 * 3 * 6 * 6).float() / 50.0 - 1.0).reshape(2, 3, 6, 6)
    save_safetensors(os.path.join(out, "maxpool2d.safetensors"), layer_case(nn.MaxPool2d(2), x),
                     meta("maxpool2d", module="MaxPool2d(2)", loss="(out*grad_out).sum()"))

    torch.manual_seed(5)
    x = torch.randn(3, 8)
    x[x.abs() < 1e-3] = 0.5  # keep ReLU away from its kink at 0
    save_safetensors(os.path.join(out, "relu.safetensors"), layer_case(nn.ReLU(), x),
                     meta("relu", module="ReLU()", loss="(out*grad_out).sum()"))

    torch.manual_seed(6)
    save_safetensors(os.path.join(out, "tanh.safetensors"), layer_case(nn.Tanh(), torch.randn(3, 8) * 2),
                     meta("tanh", module="Tanh()", loss="(out*grad_out).sum()"))

    torch.manual_seed(7)
    save_safetensors(os.path.join(out, "log_softmax.safetensors"),
                     layer_case(nn.LogSoftmax(dim=1), torch.randn(4, 10) * 3),
                     meta("log_softmax", module="LogSoftmax(dim=1)", loss="(out*grad_out).sum()"))


def losses(out):
    torch.manual_seed(8)
    logits = (torch.randn(5, 10) * 2).requires_grad_(True)
    targets = torch.randint(0, 10, (5,), dtype=torch.int64)
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    save_safetensors(os.path.join(out, "cross_entropy.safetensors"),
                     {"logits": logits, "targets": targets, "out": loss, "grad_logits": logits.grad},
                     meta("cross_entropy", loss="F.cross_entropy(logits, targets), reduction=mean"))

    torch.manual_seed(9)
    a = torch.randn(4, 3).requires_grad_(True)
    b = torch.randn(4, 3)
    loss = F.mse_loss(a, b)
    loss.backward()
    save_safetensors(os.path.join(out, "mse.safetensors"), {"a": a, "b": b, "out": loss, "grad_a": a.grad},
                     meta("mse", loss="F.mse_loss(a, b), reduction=mean"))


def read_idx(path, count):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        r, c = struct.unpack(">II", data[8:16])
        return torch.tensor(list(data[16:16 + count * r * c]), dtype=torch.uint8).reshape(count, 1, r, c)
    return torch.tensor(list(data[8:8 + count]), dtype=torch.uint8)


def reference_models():
    """The same definitions as ../shared/anchors/pytorch_fmnist.py."""
    return {
        "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
        "cnn": lambda: nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                                     nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                     nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10)),
    }


# Optimizer results of the one big weight per model (mlp 1.weight, cnn 7.weight) keep only their first rows:
# the full tensors would take the golden set past its 4 MB budget, and an element-wise update rule is tested
# just as well on a prefix. Forward values and gradients are always stored whole.
BIG_PARAM = 65536
KEPT_ROWS = 16


def two_steps(make, x, y, optimizer, prefix, d, kept):
    """Two optimizer steps from the seed-0 init; stores the parameters after each as <prefix>1/2.<name>."""
    torch.manual_seed(0)
    m = make()
    opt = optimizer(m.parameters())
    for step in (1, 2):
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
        for name, p in m.named_parameters():
            value = p.detach().clone()
            if value.numel() > BIG_PARAM:
                value = value[:KEPT_ROWS].clone()
                kept[name] = KEPT_ROWS
            d["%s%d.%s" % (prefix, step, name)] = value


def models(out, data):
    x = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"), 4).float() / 255.0
    y = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"), 4).long()
    for name, make in reference_models().items():
        torch.manual_seed(0)
        m = make()
        d = {"x": x, "targets": y}
        for pname, p in m.state_dict().items():
            d["param." + pname] = p.clone()
        logits = m(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        d["logits"], d["loss"] = logits, loss
        for pname, p in m.named_parameters():
            d["grad." + pname] = p.grad
        kept = {}
        two_steps(make, x, y, lambda ps: torch.optim.Adam(ps, lr=1e-3), "adam", d, kept)
        optimizers = "adam(lr=1e-3)"
        if name == "mlp":
            two_steps(make, x, y, lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                               weight_decay=1e-4), "sgd", d, kept)
            two_steps(make, x, y, lambda ps: torch.optim.AdamW(ps, lr=1e-3, weight_decay=1e-2), "adamw", d, kept)
            optimizers += "; sgd(lr=0.1,momentum=0.9,nesterov=True,weight_decay=1e-4); adamw(lr=1e-3,weight_decay=1e-2)"
        save_safetensors(os.path.join(out, name + ".safetensors"), d,
                         meta(name, init="torch.manual_seed(0)", batch="first 4 Fashion-MNIST train images / 255",
                              loss="F.cross_entropy mean", optimizers=optimizers,
                              optimizer_rows=";".join("%s:%d" % kv for kv in sorted(kept.items()))))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "TrainSwarm.Nn.Tests", "golden"))
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)  # single-threaded reductions: the same bits on every run
    layers(a.out)
    losses(a.out)
    models(a.out, a.data)


if __name__ == "__main__":
    main()
