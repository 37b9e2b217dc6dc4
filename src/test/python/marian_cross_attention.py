#!/usr/bin/env python3
"""Cross-attention weights of a Marian model folder for one source and one decoder input, computed in float64 by a
Marian written from Hugging Face MarianMTModel's math (../shared/reference/marian/README.md: post-LN layers, scaled
shared embedding, sinusoidal positions, eval mode), reading the weights with gpt2_roundtrip.py's safetensors reader.

usage: marian_cross_attention.py MODEL_DIR OUT SOURCE_IDS DECODER_IDS   (ids comma-separated, one unpadded row each)
OUT: raw little-endian float32 [decoder_layers, heads, T, S], softmax(q kᵀ / sqrt(hd)) of each layer's encoder_attn
(row = decoder position, column = source token).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

from gpt2_roundtrip import read_safetensors

ACT = {"swish": F.silu, "silu": F.silu, "relu": F.relu, "gelu": F.gelu,
       "gelu_new": lambda x: F.gelu(x, approximate="tanh")}


def linear(w, name, x):
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def ln(w, name, x):
    return F.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], 1e-5)


def attention(w, name, xq, xkv, nh, causal):
    c = xq.shape[-1]
    hd = c // nh
    q, k, v = (linear(w, f"{name}.{p}_proj", x).view(-1, nh, hd).transpose(0, 1)
               for p, x in (("q", xq), ("k", xkv), ("v", xkv)))
    s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
    if causal:
        t = xq.shape[0]
        s = s.masked_fill(~torch.tril(torch.ones(t, t, dtype=torch.bool)), float("-inf"))
    p = F.softmax(s, dim=-1)
    return linear(w, f"{name}.out_proj", (p @ v).transpose(0, 1).reshape(-1, c)), p


def positions(n, c):
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    angle = pos * torch.pow(10000.0, -2.0 * torch.arange(c // 2, dtype=torch.float64) / c)[None, :]
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).float().double()


def cross_attention(cfg, w, src, dec):
    c = cfg["d_model"]
    act = ACT[cfg.get("activation_function", "swish")]
    scale = math.sqrt(c) if cfg.get("scale_embedding", False) else 1.0
    shared = w["model.shared.weight"]
    x = shared[torch.tensor(src)] * scale + positions(len(src), c)
    for i in range(cfg["encoder_layers"]):
        p = f"model.encoder.layers.{i}"
        a, _ = attention(w, p + ".self_attn", x, x, cfg["encoder_attention_heads"], False)
        x = ln(w, p + ".self_attn_layer_norm", x + a)
        x = ln(w, p + ".final_layer_norm", x + linear(w, p + ".fc2", act(linear(w, p + ".fc1", x))))
    enc = x
    y = shared[torch.tensor(dec)] * scale + positions(len(dec), c)
    probs = []
    for i in range(cfg["decoder_layers"]):
        p = f"model.decoder.layers.{i}"
        nh = cfg["decoder_attention_heads"]
        a, _ = attention(w, p + ".self_attn", y, y, nh, True)
        y = ln(w, p + ".self_attn_layer_norm", y + a)
        a, pr = attention(w, p + ".encoder_attn", y, enc, nh, False)
        probs.append(pr)
        y = ln(w, p + ".encoder_attn_layer_norm", y + a)
        y = ln(w, p + ".final_layer_norm", y + linear(w, p + ".fc2", act(linear(w, p + ".fc1", y))))
    return torch.stack(probs)


def main():
    folder, out, src, dec = sys.argv[1:5]
    with open(f"{folder}/config.json") as f:
        cfg = json.load(f)
    w = {k: v.double() for k, v in read_safetensors(f"{folder}/model.safetensors").items()}
    probs = cross_attention(cfg, w, [int(i) for i in src.split(",")], [int(i) for i in dec.split(",")])
    with open(out, "wb") as f:
        f.write(probs.float().numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
