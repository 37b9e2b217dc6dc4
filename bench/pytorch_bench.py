#!/usr/bin/env python3
"""PyTorch side of `gpt bench --compare-pytorch`: the same workloads as the Java benchmark, on nanoGPT's model
(bias-free LayerNorm/Linear as configured, tied embeddings, GELU tanh, AdamW), fp32 on the CPU.

usage: pytorch_bench.py [--one] train PRESET B T STEPS | decode TOKENS | gemm REPEATS M K N [M K N ...]
                                | recipe TEXT_FILE ITERS
Prints one JSON object on its last line.

PyTorch at its best setting: without --one, the workload runs once per setting in a child process (threads 1 and 2,
each with glibc's default allocator, with glibc told to keep freed memory, and with jemalloc preloaded when
installed) and the fastest is kept; the JSON names it ("setting") and lists every setting tried with its figure
("settings_tried"). On these VMs every fresh page is zeroed by the kernel, and with glibc's defaults PyTorch
returns and re-maps its large buffers every step, so the allocator can change a step's time several times over.
OpenBLAS's kernel is part of the setting too: OpenBLAS 0.3.21 (Debian 12) does not know CPUs newer than itself and
falls back to an old one (on a Granite Rapids Xeon it picks "Prescott", SSE3: 26 GFLOP/s where its AVX-512 kernel
gives 150). So before the sweep, a GEMM probe times OpenBLAS's own pick and each kernel this CPU can run
(OPENBLAS_CORETYPE=SkylakeX with AVX-512, Haswell with AVX2) and every setting then uses the fastest; the JSON
reports the probe ("openblas_kernel_probe") and the core each run used ("openblas_core").
`recipe` first times every setting on its first RECIPE_PROBE_ITERS iterations (env, default 300; 0 runs the whole
recipe under every setting), then runs the whole recipe under the fastest.
JGPT_PYTORCH_SETTINGS=name,name restricts the settings tried (names as in "settings_tried", less the OpenBLAS kernel suffix).
--one runs the workload once in the current environment.
"""
import json
import math
import os
import statistics
import subprocess
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


def gemm(repeats, shapes):
    results = {}
    for m, k, n in shapes:
        a, b = torch.randn(m, k), torch.randn(k, n)
        for _ in range(3):
            a @ b
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t0)
        results[f"{m}x{k}x{n}"] = 2 * m * k * n / statistics.median(times) / 1e9
    return {"workload": "gemm", "gflops": results}


def recipe(text_file, iters, stop_after=None):
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
        if it == iters or it == stop_after:
            break
        x, y = batch("train")
        loss = F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    if stop_after is not None and stop_after < iters:
        return {"workload": "shakespeare_recipe_probe", "iters": stop_after, "seconds": time.perf_counter() - t0}
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


JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
ALLOCATORS = {  # name -> environment added
    "glibc": {},
    "glibc-keep": {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": "100000000000"},
    "jemalloc": {"LD_PRELOAD": JEMALLOC},
}


KERNEL_PROBE_SHAPES = ["256", "768", "3072", "256", "3072", "768", "4096", "256", "1024"]
_kernel = None


def openblas_kernel():
    """(OPENBLAS_CORETYPE value or None for OpenBLAS's own pick, probe results): the fastest kernel on this CPU,
    by the mean GFLOP/s of three GEMMs at one thread. Probed once per process."""
    global _kernel
    if _kernel is None:
        flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "").split()
        candidates = [None] + (["SkylakeX"] if "avx512f" in flags else []) + (["Haswell"] if "avx2" in flags else [])
        probe, best = {}, (None, -1.0)
        for core in candidates:
            env = base_env(1)
            if core:
                env["OPENBLAS_CORETYPE"] = core
            r = run_one(["gemm", "5"] + KERNEL_PROBE_SHAPES, env)
            name = (core or "auto") + ("" if "openblas_core" not in r else f" ({r['openblas_core']})")
            g = statistics.mean(r["gflops"].values()) if "gflops" in r else -1.0
            probe[name] = round(g, 1) if g >= 0 else r.get("error")
            if g > best[1]:
                best = (core, g)
        _kernel = (best[0], probe)
    return _kernel


def base_env(threads):
    """This process's environment without the variables a setting decides, with `threads` threads."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LD_PRELOAD", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")}
    env.update({"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)})
    if threads > 1:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return env


def settings():
    """(name, environment) of every setting to try: threads 1 and 2 x the allocators installed here, each with
    OpenBLAS's fastest kernel."""
    wanted = os.environ.get("JGPT_PYTORCH_SETTINGS")
    core = openblas_kernel()[0]
    out = []
    for threads in (1, 2):
        for alloc, extra in ALLOCATORS.items():
            if alloc == "jemalloc" and not os.path.exists(JEMALLOC):
                continue
            name = f"{threads}t-{alloc}"
            if wanted and name not in wanted.split(","):
                continue
            if core:
                name += "-" + core
            env = base_env(threads)
            if core:
                env["OPENBLAS_CORETYPE"] = core
            env.update(extra)
            out.append((name, env))
    return out


def run_one(args, env):
    """The workload in a child process with `env`; its JSON, or an error description."""
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--one"] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines:
        return {"error": (p.stderr.strip().splitlines() or ["exit code %d" % p.returncode])[-1]}
    return json.loads(lines[-1])


# the figure compared for each mode, and whether higher is better
KEYS = {"train": ("ms_per_step", False), "decode": ("tokens_per_s", True), "recipe": ("seconds", False)}


def better(a, b, higher):
    return b is None or (a > b if higher else a < b)


def sweep(args):
    mode = args[0]
    tried, best, best_name = [], None, None
    if mode == "gemm":
        # per product shape, the setting that ran it fastest
        per_shape = {}
        for name, env in settings():
            r = run_one(args, env)
            tried.append(dict(setting=name, **({"gflops": r["gflops"]} if "gflops" in r else r)))
            for shape, g in r.get("gflops", {}).items():
                if better(g, per_shape.get(shape, {}).get("gflops"), True):
                    per_shape[shape] = {"gflops": g, "setting": name}
            if best is None and "gflops" in r:
                best = r
        if best is None:
            raise SystemExit("every PyTorch setting failed: " + json.dumps(tried))
        best = {"workload": "gemm", "gflops": {s: v["gflops"] for s, v in per_shape.items()},
                "setting": {s: v["setting"] for s, v in per_shape.items()},
                "torch": best["torch"], "openblas_core": best["openblas_core"]}
        best["settings_tried"] = tried
        best["openblas_kernel_probe"] = openblas_kernel()[1]
        return best
    key, higher = KEYS[mode]
    runs = settings()
    if mode == "recipe":
        probe = int(os.environ.get("RECIPE_PROBE_ITERS", "300"))
        if 0 < probe < int(args[2]):
            for name, env in runs:
                r = run_one(args + [str(probe)], env)
                tried.append(dict(setting=name, probe_iters=probe, **({"seconds": r["seconds"]} if "seconds" in r else r)))
                if "seconds" in r and better(r["seconds"], best and best["seconds"], False):
                    best, best_name = r, name
            if best is None:
                raise SystemExit("every PyTorch setting failed: " + json.dumps(tried))
            runs = [(n, e) for n, e in runs if n == best_name]
            best = None
    for name, env in runs:
        r = run_one(args, env)
        entry = {"setting": name}
        entry.update({key: r[key]} if key in r else r)
        tried.append(entry)
        if key in r and better(r[key], best and best[key], higher):
            best, best_name = r, name
    if best is None:
        raise SystemExit("every PyTorch setting failed: " + json.dumps(tried))
    best["setting"] = best_name
    best["settings_tried"] = tried
    best["openblas_kernel_probe"] = openblas_kernel()[1]
    return best


def openblas_core():
    """The kernel OpenBLAS picked (it falls back to an old one on CPUs newer than itself)."""
    import ctypes
    for line in open("/proc/self/maps"):
        path = line.split()[-1]
        if "libopenblas" in path:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
    return "not loaded"


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    if args[0] != "--one":
        print(json.dumps(sweep(args)))
        return
    mode = args[1]
    if mode == "train":
        r = train(args[2], int(args[3]), int(args[4]), int(args[5]))
    elif mode == "decode":
        r = decode(int(args[2]))
    elif mode == "recipe":
        r = recipe(args[2], int(args[3]), int(args[4]) if len(args) > 4 else None)
    elif mode == "gemm":
        nums = [int(a) for a in args[3:]]
        r = gemm(int(args[2]), [nums[i:i + 3] for i in range(0, len(nums), 3)])
    else:
        raise SystemExit(__doc__)
    r["torch"] = torch.__version__
    r["threads"] = torch.get_num_threads()
    r["openblas_core"] = openblas_core()
    r["jemalloc_loaded"] = "libjemalloc" in open("/proc/self/maps").read()
    print(json.dumps(r))


if __name__ == "__main__":
    main()
