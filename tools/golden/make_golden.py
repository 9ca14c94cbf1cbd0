"""Golden values for TrainSwarm's engine tests, produced by PyTorch (Debian python3-torch).

Usage: /usr/bin/python3 tools/golden/make_golden.py [--out tests/TrainSwarm.Nn.Tests/golden]
                                                   [--data /usr/share/datasets/fashion-mnist]
Each case is one safetensors file holding its inputs, parameters, outputs and gradients (see README.md).
Debian's torch has no safetensors package, so the format is written here with json + struct.
"""
import argparse, gzip, json, os, struct, sys

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


def ppo(out):
    """The PPO pieces (categorical log-prob and entropy, the clipped surrogate) and one whole SB3-style PPO minibatch step."""
    torch.manual_seed(10)
    logits = (torch.randn(6, 4) * 1.5).requires_grad_(True)
    actions = torch.randint(0, 4, (6,), dtype=torch.int64)
    dist = torch.distributions.Categorical(logits=logits)
    log_prob, entropy = dist.log_prob(actions), dist.entropy()
    g_lp, g_h = torch.randn(6), torch.randn(6)
    grad_lp, = torch.autograd.grad((log_prob * g_lp).sum(), logits, retain_graph=True)
    grad_h, = torch.autograd.grad((entropy * g_h).sum(), logits)
    save_safetensors(os.path.join(out, "categorical.safetensors"),
                     {"logits": logits, "actions": actions, "log_prob": log_prob, "entropy": entropy,
                      "grad_out_log_prob": g_lp, "grad_out_entropy": g_h,
                      "grad_logits_log_prob": grad_lp, "grad_logits_entropy": grad_h},
                     meta("categorical", distribution="torch.distributions.Categorical(logits=logits)",
                          loss="(log_prob*grad_out_log_prob).sum() and (entropy*grad_out_entropy).sum(), separately"))

    torch.manual_seed(11)
    logits = torch.randn(10, 3).requires_grad_(True)
    actions = torch.randint(0, 3, (10,), dtype=torch.int64)
    log_prob = torch.distributions.Categorical(logits=logits).log_prob(actions)
    # Old log-probabilities 0.5 apart on average: about half of the ratios fall outside [0.8, 1.2].
    old_log_prob = (log_prob.detach() + torch.randn(10) * 0.5)
    advantages = torch.randn(10)
    clip = 0.2
    ratio = torch.exp(log_prob - old_log_prob)
    loss = -torch.min(advantages * ratio, advantages * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
    loss.backward()
    save_safetensors(os.path.join(out, "ppo_surrogate.safetensors"),
                     {"logits": logits, "actions": actions, "old_log_prob": old_log_prob, "advantages": advantages,
                      "out": loss, "grad_logits": logits.grad},
                     meta("ppo_surrogate", clip_range=clip,
                          loss="-min(A*r, A*clamp(r, 1-clip, 1+clip)).mean(), r = exp(log_prob - old_log_prob)"))

    # One minibatch step of stable_baselines3 PPO.train on a small MlpPolicy (pi and vf: 4 -> 8 -> 8 -> tanh MLPs, heads 2 and 1):
    # normalized advantages, loss = policy + vf_coef * mse(returns, values) + ent_coef * -entropy.mean(),
    # clip_grad_norm_(0.5), Adam(lr=1e-3, eps=1e-5) step.
    torch.manual_seed(12)
    def mlp(out_features):
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, out_features))
    pi, vf = mlp(2), mlp(1)
    params = [("pi." + n, p) for n, p in pi.named_parameters()] + [("vf." + n, p) for n, p in vf.named_parameters()]
    d = {"param." + n: p.detach().clone() for n, p in params}
    obs = torch.randn(16, 4)
    actions = torch.randint(0, 2, (16,), dtype=torch.int64)
    with torch.no_grad():
        old_log_prob = torch.distributions.Categorical(logits=pi(obs)).log_prob(actions) + torch.randn(16) * 0.3
    advantages = torch.randn(16) * 2 + 0.5
    returns = torch.randn(16) * 3
    clip, vf_coef, ent_coef, max_grad_norm = 0.2, 0.5, 0.01, 0.5
    norm_adv = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    dist = torch.distributions.Categorical(logits=pi(obs))
    log_prob, entropy = dist.log_prob(actions), dist.entropy()
    values = vf(obs).flatten()
    ratio = torch.exp(log_prob - old_log_prob)
    policy_loss = -torch.min(norm_adv * ratio, norm_adv * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
    value_loss = F.mse_loss(returns, values)
    loss = policy_loss + ent_coef * -torch.mean(entropy) + vf_coef * value_loss
    opt = torch.optim.Adam([p for _, p in params], lr=1e-3, eps=1e-5)
    opt.zero_grad()
    loss.backward()
    for n, p in params:
        d["grad." + n] = p.grad.detach().clone()
    total_norm = torch.nn.utils.clip_grad_norm_([p for _, p in params], max_grad_norm)
    opt.step()
    for n, p in params:
        d["adam1." + n] = p.detach().clone()
    d.update({"obs": obs, "actions": actions, "old_log_prob": old_log_prob, "advantages": advantages, "returns": returns,
              "policy_loss": policy_loss, "value_loss": value_loss, "loss": loss, "total_norm": total_norm})
    save_safetensors(os.path.join(out, "ppo_step.safetensors"), d,
                     meta("ppo_step", clip_range=clip, vf_coef=vf_coef, ent_coef=ent_coef, max_grad_norm=max_grad_norm,
                          optimizer="Adam(lr=1e-3, eps=1e-5)", source="stable_baselines3 PPO.train, one minibatch"))


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


def gpt(out):
    """The transformer ops (LayerNorm, GELU tanh, embedding, causal attention) and a whole small GPT: logits, loss,
    gradients, clip_grad_norm_ and two AdamW steps with nanoGPT's parameter groups (tools/gpt/gpt2.py is the module)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gpt"))
    from gpt2 import GPT, CausalSelfAttention

    torch.manual_seed(20)
    m = nn.LayerNorm(8)
    with torch.no_grad():
        m.weight.copy_(torch.randn(8))
        m.bias.copy_(torch.randn(8))
    save_safetensors(os.path.join(out, "layer_norm.safetensors"), layer_case(m, torch.randn(2, 3, 8) * 2 + 0.5),
                     meta("layer_norm", module="LayerNorm(8), random weight and bias", loss="(out*grad_out).sum()"))

    torch.manual_seed(21)
    save_safetensors(os.path.join(out, "gelu.safetensors"), layer_case(nn.GELU(approximate="tanh"), torch.randn(3, 8) * 2),
                     meta("gelu", module="GELU(approximate='tanh')", loss="(out*grad_out).sum()"))

    torch.manual_seed(22)
    emb = nn.Embedding(11, 6)
    ids = torch.tensor([[3, 0, 7, 3, 10], [3, 5, 0, 0, 9]], dtype=torch.int64)  # repeats: gradients must add up
    y = emb(ids)
    g = torch.randn(y.shape)
    (y * g).sum().backward()
    save_safetensors(os.path.join(out, "embedding.safetensors"),
                     {"ids": ids, "weight": emb.weight, "out": y, "grad_out": g, "grad_weight": emb.weight.grad},
                     meta("embedding", module="Embedding(11,6)", loss="(out*grad_out).sum()"))

    # The attention core alone: c_attn and c_proj are identities, so the op sees qkv (B, T, 3C) and returns y (B, T, C).
    torch.manual_seed(23)
    attn = CausalSelfAttention(8, 2)
    qkv = torch.randn(2, 5, 24).requires_grad_(True)
    B, T, C, H = 2, 5, 8, 2
    q, k, v = qkv.split(C, dim=2)
    q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
    att = (q @ k.transpose(-2, -1)) * (1.0 / (C // H) ** 0.5)
    att = att.masked_fill(~torch.tril(torch.ones(T, T, dtype=torch.bool)), float("-inf")).softmax(dim=-1)
    y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
    g = torch.randn(y.shape)
    (y * g).sum().backward()
    save_safetensors(os.path.join(out, "causal_attention.safetensors"),
                     {"qkv": qkv, "out": y, "grad_out": g, "grad_qkv": qkv.grad},
                     meta("causal_attention", heads=H, loss="(out*grad_out).sum()",
                          op="softmax(mask(q@k^T/sqrt(d)))@v per head, heads merged"))
    del attn

    torch.manual_seed(24)
    vocab, block, n_layer, n_head, n_embd = 257, 8, 2, 2, 16
    model = GPT(vocab, block, n_layer, n_head, n_embd)
    ids = torch.randint(0, vocab, (2, 8), dtype=torch.int64)
    targets = torch.randint(0, vocab, (2, 8), dtype=torch.int64)
    d = {"ids": ids, "targets": targets}
    d.update({"param." + n: p.detach().clone() for n, p in model.named_parameters()})
    opt = torch.optim.AdamW(model.param_groups(0.1), lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
    max_norm = 0.5
    for step in (1, 2):
        opt.zero_grad()
        logits = model(ids)
        loss = F.cross_entropy(logits.view(-1, vocab), targets.view(-1))
        loss.backward()
        if step == 1:
            d["logits"], d["loss"] = logits.detach().clone(), loss.detach().clone()
            d.update({"grad." + n: p.grad.detach().clone() for n, p in model.named_parameters()})
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        d["total_norm%d" % step] = norm.detach().clone()
        opt.step()
        d.update({"adamw%d.%s" % (step, n): p.detach().clone() for n, p in model.named_parameters()})
    save_safetensors(os.path.join(out, "gpt.safetensors"), d,
                     meta("gpt", vocab_size=vocab, block_size=block, n_layer=n_layer, n_head=n_head, n_embd=n_embd,
                          loss="F.cross_entropy(logits.view(-1,V), targets.view(-1))", max_grad_norm=max_norm,
                          optimizer="AdamW(groups: decay 0.1 on attn/mlp weights, 0 otherwise; lr=1e-2, betas=(0.9,0.95))",
                          steps="forward, backward, clip_grad_norm_, step; twice on the same batch"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "TrainSwarm.Nn.Tests", "golden"))
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--only", choices=["layers", "losses", "ppo", "models", "gpt"], action="append",
                    help="write only these groups of cases (repeatable); default: all")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)  # single-threaded reductions: the same bits on every run
    groups = a.only or ["layers", "losses", "ppo", "models", "gpt"]
    if "layers" in groups:
        layers(a.out)
    if "losses" in groups:
        losses(a.out)
    if "ppo" in groups:
        ppo(a.out)
    if "models" in groups:
        models(a.out, a.data)
    if "gpt" in groups:
        gpt(a.out)


if __name__ == "__main__":
    main()
