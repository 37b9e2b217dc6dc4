#!/usr/bin/env python3
"""PyTorch side of `gpt bench --compare-pytorch`: the same workloads as the Java benchmark, on nanoGPT's model
(bias-free LayerNorm/Linear as configured, tied embeddings, GELU tanh, AdamW), fp32 on the CPU.

usage: pytorch_bench.py train PRESET B T STEPS | decode TOKENS | gemm M K N REPEATS | recipe TEXT_FILE ITERS
Prints one JSON object. Thread settings come from the environment (the caller tries 1 and 2 threads).
"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # n_layer, n_head, n_embd, vocab, bias
    "baby": (4, 4, 128, 65, False),
    "gpt2": (12, 12, 768, 50257, True),
}


class LayerNorm(nn.Module):
    def __init__(self, c, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class Block(nn.Module):
    def __init__(self, c, nh, bias):
        super().__init__()
        self.nh = nh
        self.ln_1 = LayerNorm(c, bias)
        self.c_attn = nn.Linear(c, 3 * c, bias=bias)
        self.c_proj = nn.Linear(c, c, bias=bias)
        self.ln_2 = LayerNorm(c, bias)
        self.c_fc = nn.Linear(c, 4 * c, bias=bias)
        self.mlp_proj = nn.Linear(4 * c, c, bias=bias)

    def attn(self, x, cache=None):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.nh, c // self.nh).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if cache[0] is not None:
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            cache[0], cache[1] = k, v
        s = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        if t > 1:
            s = s.masked_fill(torch.ones(t, k.size(2), dtype=torch.bool).tril(k.size(2) - t).logical_not(), float("-inf"))
        y = F.softmax(s, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, n_layer, nh, c, vocab, bias, block):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(block, c)
        self.h = nn.ModuleList(Block(c, nh, bias) for _ in range(n_layer))
        self.ln_f = LayerNorm(c, bias)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                # nanoGPT / GPT-2: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer)
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight") else 0.02
                nn.init.normal_(p, std=std)

    def forward(self, idx, pos0=0, caches=None):
        t = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(pos0, pos0 + t))
        for i, blk in enumerate(self.h):
            x = blk(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.T


def train(preset, b, t, steps):
    n_layer, nh, c, vocab, bias = PRESETS[preset]
    torch.manual_seed(0)
    model = GPT(n_layer, nh, c, vocab, bias, 1024 if preset == "gpt2" else 64)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95))
    times = []
    for _ in range(steps):
        x = torch.randint(vocab, (b, t))
        y = torch.randint(vocab, (b, t))
        t0 = time.perf_counter()
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        times.append(time.perf_counter() - t0)
    warm = times[min(3, len(times) - 1):]
    ms = statistics.median(warm) * 1e3
    return {"workload": f"train_{preset}", "batch": b, "seq": t, "ms_per_step": ms, "tokens_per_s": b * t / (ms / 1e3)}


def decode(tokens):
    torch.manual_seed(0)
    model = GPT(12, 12, 768, 50257, True, 1024).eval()
    with torch.no_grad():
        caches = [[None, None] for _ in model.h]
        idx = torch.tensor([[50256]])
        for pos in range(8):  # warm-up
            idx = model(idx, pos, caches)[:, -1].argmax(-1, keepdim=True)
        caches = [[None, None] for _ in model.h]
        idx = torch.tensor([[50256]])
        t0 = time.perf_counter()
        for pos in range(tokens):
            idx = model(idx, pos, caches)[:, -1].argmax(-1, keepdim=True)
        dt = time.perf_counter() - t0
    return {"workload": "decode_gpt2", "tokens": tokens, "tokens_per_s": tokens / dt}


def gemm(m, k, n, repeats):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return {"workload": f"gemm_{m}x{k}x{n}", "gflops": 2 * m * k * n / statistics.median(times) / 1e9}


def recipe(text_file, iters):
    """nanoGPT's CPU Shakespeare-char recipe: baby model, batch 12, block 64, lr 1e-3 -> 1e-4 cosine, warmup 100,
    beta2 0.99, weight decay 0.1, clip 1.0, dropout 0, eval every 250 steps over 20 batches."""
    text = open(text_file, encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]
    b, t = 12, 64
    torch.manual_seed(1337)
    model = GPT(4, 4, 128, len(chars), False, t)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.99))

    def batch(split):
        d = train_data if split == "train" else val_data
        ix = torch.randint(len(d) - t, (b,))
        return torch.stack([d[i:i + t] for i in ix]), torch.stack([d[i + 1:i + 1 + t] for i in ix])

    def lr_at(it):
        if it < 100:
            return 1e-3 * (it + 1) / 101
        if it > iters:
            return 1e-4
        return 1e-4 + 0.5 * (1.0 + math.cos(math.pi * (it - 100) / (iters - 100))) * (1e-3 - 1e-4)

    @torch.no_grad()
    def val_loss():
        model.eval()
        losses = [F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1)).item() for x, y in (batch("val") for _ in range(20))]
        model.train()
        return sum(losses) / len(losses)

    t0 = time.perf_counter()
    for it in range(iters + 1):
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        if it % 250 == 0 and it < iters:
            val_loss()
        if it == iters:
            break
        x, y = batch("train")
        loss = F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    final = val_loss()
    seconds = time.perf_counter() - t0
    # the whole validation split in non-overlapping windows (what `gpt score` computes), free of batch-sampling noise
    model.eval()
    with torch.no_grad():
        total, count = 0.0, 0
        for s in range(0, len(val_data) - 1, t):
            n = min(t, len(val_data) - 1 - s)
            x, y = val_data[s:s + n].unsqueeze(0), val_data[s + 1:s + 1 + n].unsqueeze(0)
            total += F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1), reduction="sum").item()
            count += n
    return {"workload": "shakespeare_recipe", "iters": iters, "seconds": seconds, "val_loss": final,
            "full_val_loss": total / count}


def main():
    mode = sys.argv[1]
    if mode == "train":
        r = train(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "decode":
        r = decode(int(sys.argv[2]))
    elif mode == "recipe":
        r = recipe(sys.argv[2], int(sys.argv[3]))
    elif mode == "gemm":
        r = gemm(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)
    r["torch"] = torch.__version__
    r["threads"] = torch.get_num_threads()
    print(json.dumps(r))


if __name__ == "__main__":
    main()
