#!/usr/bin/env python3
"""How noisy is nanoGPT's val-loss estimate (the mean over 20 random batches of 12 x 64 tokens)?

usage: bench/eval_noise.py MODEL_DIR TEXT_FILE [WINDOWS]
Scores WINDOWS (default 20000) random 64-token windows of the last 10% of TEXT_FILE (char-level, as nanoGPT's
shakespeare_char) under a jgpt model folder, then draws 20000 estimates of 240 windows each from them and prints
their spread as JSON: the chance that one run's printed val loss lands at or below a target by sampling alone.
Needs torch only (the model loader is src/test/python/gpt2_roundtrip.py).
"""
import json, math, os, sys
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'test', 'python'))
from gpt2_roundtrip import read_safetensors, gelu_new
model_dir, text_file = sys.argv[1], sys.argv[2]
n_windows = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
cfg = json.load(open(model_dir + '/config.json'))
w = read_safetensors(model_dir + '/model.safetensors')
text = open(text_file, encoding='utf-8').read()
chars = sorted(set(text)); stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text]); n = int(0.9 * len(data)); val = data[n:]
T = cfg['n_positions']; C = cfg['n_embd']; nh = cfg['n_head']; hd = C // nh; L = cfg['n_layer']
def ln(x, p): return F.layer_norm(x, (C,), w[p + '.weight'], w.get(p + '.bias'), 1e-5)
def fwd(idx):
    B = idx.shape[0]
    x = w['wte.weight'][idx] + w['wpe.weight'][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(L):
        p = f'h.{i}.'
        h = ln(x, p + 'ln_1') @ w[p + 'attn.c_attn.weight']
        q, k, v = h.split(C, dim=2)
        q, k, v = [t.view(B, T, nh, hd).transpose(1, 2) for t in (q, k, v)]
        a = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        a = a.masked_fill(~mask, float('-inf')).softmax(-1)
        y = (a @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ w[p + 'attn.c_proj.weight']
        x = x + gelu_new(ln(x, p + 'ln_2') @ w[p + 'mlp.c_fc.weight']) @ w[p + 'mlp.c_proj.weight']
    return ln(x, 'ln_f') @ w['wte.weight'].T
g = torch.Generator().manual_seed(0)
ix = torch.randint(len(val) - T, (n_windows,), generator=g)
losses = []
with torch.no_grad():
    for s in range(0, n_windows, 500):
        b = ix[s:s + 500]
        x = torch.stack([val[i:i + T] for i in b]); y = torch.stack([val[i + 1:i + 1 + T] for i in b])
        l = F.cross_entropy(fwd(x).reshape(-1, len(chars)), y.reshape(-1), reduction='none').view(-1, T).mean(1)
        losses.append(l)
wl = torch.cat(losses)
est = torch.stack([wl[torch.randint(n_windows, (240,), generator=g)].mean() for _ in range(20000)])
print(json.dumps({"windows": n_windows, "mean_window_loss": wl.mean().item(), "sd_20batch_estimate": est.std().item(),
                  "p_le_1.89": (est <= 1.89).float().mean().item(), "p_le_1.886": (est <= 1.886).float().mean().item(),
                  "min_est": est.min().item(), "q05": est.quantile(0.05).item(), "q95": est.quantile(0.95).item()}))
