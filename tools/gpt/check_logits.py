"""Loads TrainSwarm's saved GPT weights into the plain PyTorch module and compares its logits with TrainSwarm's.

Usage: /usr/bin/python3 tools/gpt/check_logits.py WEIGHTS.safetensors CASE.safetensors
CASE holds `ids` (B, T) I32 and `logits` (B, T, V) F32 as TrainSwarm computed them, and metadata block_size, n_layer,
n_head. Prints one JSON line {"max_abs_diff": ...} and exits 0 when it is at most 1e-4 (float32, different summation order).
"""
import json, sys

import torch

sys.path.insert(0, __import__("os").path.dirname(__file__))
from gpt2 import GPT, read_safetensors  # noqa: E402

TOLERANCE = 1e-4


def main():
    torch.set_num_threads(1)
    weights, _ = read_safetensors(sys.argv[1])
    case, meta = read_safetensors(sys.argv[2])
    vocab, n_embd = weights["wte.weight"].shape
    model = GPT(vocab, int(meta["block_size"]), int(meta["n_layer"]), int(meta["n_head"]), n_embd)
    model.load_state_dict(weights, strict=True)  # strict: every name and shape must match
    with torch.no_grad():
        logits = model(case["ids"].long())
    diff = (logits - case["logits"]).abs().max().item()
    print(json.dumps({"max_abs_diff": diff, "tolerance": TOLERANCE, "parameters": sum(p.numel() for p in model.parameters())}))
    sys.exit(0 if diff <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
