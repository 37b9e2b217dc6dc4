#!/usr/bin/env python3
"""Loads a GPT-2 model folder written by jgpt (config.json + model.safetensors) into a small PyTorch GPT-2
written from Hugging Face GPT2LMHeadModel's math, and prints the logits for the given token ids.

usage: gpt2_roundtrip.py MODEL_DIR OUT_FILE ID [ID ...]
Writes OUT_FILE as raw little-endian float32 logits [T, vocab]. Needs only torch (no transformers/safetensors):
the safetensors header is parsed here, as its spec describes (8-byte length, JSON header, raw data).
"""
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[info["dtype"]])
        tensors[name.removeprefix("transformer.")] = t.reshape(info["shape"]).float()
    return tensors


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def forward(cfg, w, ids):
    c, nh = cfg["n_embd"], cfg["n_head"]
    hd = c // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = {"gelu_new": gelu_new, "gelu": F.gelu, "relu": F.relu}[cfg.get("activation_function", "gelu_new")]
    t = len(ids)
    idx = torch.tensor(ids)
    x = w["wte.weight"][idx] + w["wpe.weight"][:t]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        a = F.layer_norm(x, (c,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(c, dim=-1)
        q, k, v = (z.view(t, nh, hd).transpose(0, 1) for z in (q, k, v))
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        y = (F.softmax(s, dim=-1) @ v).transpose(0, 1).reshape(t, c)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        a = F.layer_norm(x, (c,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = act(a @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (c,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def main():
    model_dir, out_file, ids = sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    assert cfg["model_type"] == "gpt2" and cfg["tie_word_embeddings"]
    w = read_safetensors(f"{model_dir}/model.safetensors")
    with torch.no_grad():
        logits = forward(cfg, w, ids)
    with open(out_file, "wb") as f:
        f.write(logits.contiguous().numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
