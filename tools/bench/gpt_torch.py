"""PyTorch's training throughput for TrainSwarm's GPT presets (the reference side of `swarm bench lm`).

Usage: /usr/bin/python3 tools/bench/gpt_torch.py --preset gpt-tiny --batch 8 --seq-len 128 --steps 10 --warmup 2 --threads 2
Same model as TrainSwarm's (tools/gpt/gpt2.py, byte vocabulary 257), same step: forward, F.cross_entropy over the vocabulary,
backward, clip_grad_norm_(1.0), AdamW with nanoGPT's groups (decay 0.1, betas 0.9/0.95). Token ids are drawn uniformly
(speed does not depend on them). Prints one JSON line.
"""
import argparse, json, os, sys, time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gpt"))
from gpt2 import GPT  # noqa: E402

PRESETS = {"gpt-tiny": (128, 4, 4, 144), "gpt-small": (256, 6, 6, 384)}  # block, layers, heads, width (GptConfig.Preset)
VOCAB = 257


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    block, layers, heads, width = PRESETS[a.preset]
    model = GPT(VOCAB, block, layers, heads, width)
    opt = torch.optim.AdamW(model.param_groups(0.1), lr=1e-3, betas=(0.9, 0.95))
    data = torch.randint(0, VOCAB, (a.warmup + a.steps, a.batch, a.seq_len + 1))

    def step(i):
        x, y = data[i, :, :-1], data[i, :, 1:]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x).view(-1, VOCAB), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    start = time.perf_counter()
    for i in range(a.warmup, a.warmup + a.steps):
        step(i)
    seconds = time.perf_counter() - start
    tokens = a.steps * a.batch * a.seq_len
    print(json.dumps({"framework": "pytorch-" + torch.__version__, "preset": a.preset, "parameters": sum(p.numel() for p in model.parameters()),
                      "threads": a.threads, "batch": a.batch, "seq_len": a.seq_len, "steps": a.steps,
                      "tokens_per_s": round(tokens / seconds, 1), "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
