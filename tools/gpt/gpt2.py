"""A plain PyTorch GPT-2-style module with the same layout and parameter names as TrainSwarm's GptModel.

nanoGPT's GPT without dropout and without the "transformer." prefix: wte, wpe, h.<i>.{ln_1, attn.c_attn, attn.c_proj,
ln_2, mlp.c_fc, mlp.c_proj}, ln_f; Linear weights (out, in); GELU tanh form; LM head tied to wte (no lm_head tensor).
Also reads and writes safetensors with json + struct (Debian's torch has no safetensors package).
"""
import json, math, struct

import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = Mlp(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        # GPT-2 init: N(0, 0.02) for Linear and Embedding weights, zero biases, residual projections scaled by 1/sqrt(2L).
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layer))
            elif name.endswith(".weight") and p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif name.endswith(".bias") and "ln_" not in name:
                nn.init.zeros_(p)

    def forward(self, idx):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()  # tied head

    def param_groups(self, weight_decay):
        """minGPT/nanoGPT groups: decay the attention and MLP matrices, not biases, LayerNorms or embeddings."""
        decay, none = [], []
        for name, p in self.named_parameters():
            (decay if name.endswith(".weight") and (".attn." in name or ".mlp." in name) else none).append(p)
        return [{"params": decay, "weight_decay": weight_decay}, {"params": none, "weight_decay": 0.0}]


DTYPES = {"F32": (torch.float32, "f", 4), "I64": (torch.int64, "q", 8), "I32": (torch.int32, "i", 4)}


def read_safetensors(path):
    """name -> tensor, and the metadata dict."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        dtype, fmt, size = DTYPES[e["dtype"]]
        a, b = e["data_offsets"]
        values = struct.unpack("<%d%s" % ((b - a) // size, fmt), raw[8 + n + a:8 + n + b])
        out[name] = torch.tensor(values, dtype=dtype).reshape(e["shape"])
    return out, meta
