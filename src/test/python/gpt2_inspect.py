#!/usr/bin/env python3
"""Attention weights and logit-lens probabilities of a GPT-2 model folder, computed in float64 by a GPT-2 written from
Hugging Face GPT2LMHeadModel's math (the same as gpt2_roundtrip.py, whose safetensors reader it uses).

usage: gpt2_inspect.py MODEL_DIR ATTENTION_OUT LENS_OUT ID [ID ...]
ATTENTION_OUT: raw little-endian float32 [n_layer, n_head, T, T], softmax(q kᵀ / sqrt(hd)) with the causal mask
(row = query position). LENS_OUT: float32 [n_layer, T, vocab], softmax(ln_f(residual after layer l) @ wteᵀ).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

from gpt2_roundtrip import gelu_new, read_safetensors


def inspect(cfg, w, ids):
    c, nh = cfg["n_embd"], cfg["n_head"]
    hd = c // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = {"gelu_new": gelu_new, "gelu": F.gelu, "relu": F.relu}[cfg.get("activation_function", "gelu_new")]
    t = len(ids)
    x = w["wte.weight"][torch.tensor(ids)] + w["wpe.weight"][:t]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    attention, lens = [], []
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        a = F.layer_norm(x, (c,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        q, k, v = (a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]).split(c, dim=-1)
        q, k, v = (z.view(t, nh, hd).transpose(0, 1) for z in (q, k, v))
        probs = F.softmax(((q @ k.transpose(-1, -2)) / math.sqrt(hd)).masked_fill(~mask, float("-inf")), dim=-1)
        attention.append(probs)
        x = x + (probs @ v).transpose(0, 1).reshape(t, c) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        a = F.layer_norm(x, (c,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        x = x + act(a @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        h = F.layer_norm(x, (c,), w["ln_f.weight"], w["ln_f.bias"], eps)
        lens.append(F.softmax(h @ w["wte.weight"].T, dim=-1))
    return torch.stack(attention), torch.stack(lens)


def main():
    model_dir, att_out, lens_out, ids = sys.argv[1], sys.argv[2], sys.argv[3], [int(a) for a in sys.argv[4:]]
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    w = {name: t.double() for name, t in read_safetensors(f"{model_dir}/model.safetensors").items()}
    with torch.no_grad():
        attention, lens = inspect(cfg, w, ids)
    for tensor, path in ((attention, att_out), (lens, lens_out)):
        with open(path, "wb") as f:
            f.write(tensor.contiguous().numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
