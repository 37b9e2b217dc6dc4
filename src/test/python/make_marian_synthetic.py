#!/usr/bin/python3
"""Writes a small opus-mt-layout Marian folder with random weights (Hugging Face MarianMTModel state-dict names).

usage: make_marian_synthetic.py OUT_DIR SPM_DIR

SPM_DIR holds the two reference SentencePiece models: es-unigram-4k.model becomes source.spm, en-bpe-2k.model
target.spm. vocab.json is built as opus-mt folders have it: "</s>" 0, "<unk>" 1, then every other piece of the source
model and then of the target model (first occurrence wins), "<pad>" last. The weights are written twice:
pytorch_model.bin as older opus-mt folders have it (torch.save of the whole state dict: the four tied embedding names
share one storage, the sinusoidal tables are included) and model.safetensors as save_pretrained writes it today
(written by hand, no safetensors package here): the tied copies and the positional tables (_keys_to_ignore_on_save)
left out, every other tensor with the same name and value.
"""
import json
import math
import os
import shutil
import struct
import sys

import torch

out, spm_dir = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
shutil.copy(f"{spm_dir}/es-unigram-4k.model", f"{out}/source.spm")
shutil.copy(f"{spm_dir}/en-bpe-2k.model", f"{out}/target.spm")
for name in ("source.spm", "target.spm"):
    os.chmod(f"{out}/{name}", 0o644)


def pieces(path):
    """The pieces of a .model file, read from its protobuf (field 1 = pieces, each with field 1 = piece)."""
    data = open(path, "rb").read()
    pos, result = 0, []

    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    while pos < len(data):
        tag = varint()
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            varint()
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        elif wire == 2:
            n = varint()
            if field == 1:
                sub, end = pos, pos + n
                while sub < end:
                    t = data[sub]
                    if t == 0x0A:
                        ln = data[sub + 1]  # pieces are shorter than 128 bytes
                        result.append(data[sub + 2:sub + 2 + ln].decode("utf-8"))
                        break
                    sub += 1
            pos += n
    return result


vocab = {"</s>": 0, "<unk>": 1}
for p in pieces(f"{out}/source.spm") + pieces(f"{out}/target.spm"):
    if p not in vocab and p not in ("<s>", "<pad>"):
        vocab[p] = len(vocab)
vocab["<pad>"] = len(vocab)
V, pad = len(vocab), len(vocab) - 1
with open(f"{out}/vocab.json", "w", encoding="utf-8") as f:
    json.dump(vocab, f, ensure_ascii=False, indent=2)

C, F, P, layers, heads = 16, 32, 64, 2, 2
config = {
    "model_type": "marian", "architectures": ["MarianMTModel"], "vocab_size": V, "decoder_vocab_size": V,
    "d_model": C, "encoder_layers": layers, "decoder_layers": layers, "encoder_attention_heads": heads,
    "decoder_attention_heads": heads, "encoder_ffn_dim": F, "decoder_ffn_dim": F, "activation_function": "swish",
    "max_position_embeddings": P, "scale_embedding": True, "normalize_before": False, "normalize_embedding": False,
    "static_position_embeddings": True, "add_bias_logits": False, "add_final_layer_norm": False,
    "share_encoder_decoder_embeddings": True, "tie_word_embeddings": True, "is_encoder_decoder": True,
    "pad_token_id": pad, "eos_token_id": 0, "decoder_start_token_id": pad, "bos_token_id": None,
    "forced_eos_token_id": 0, "dropout": 0.1, "attention_dropout": 0.0, "activation_dropout": 0.0,
    "encoder_layerdrop": 0.0, "decoder_layerdrop": 0.0, "init_std": 0.02, "num_hidden_layers": layers,
    "use_cache": True, "num_beams": 4, "max_length": P, "bad_words_ids": [[pad]],
}
with open(f"{out}/config.json", "w") as f:
    json.dump(config, f, indent=2)
with open(f"{out}/generation_config.json", "w") as f:
    json.dump({"bad_words_ids": [[pad]], "bos_token_id": 0, "decoder_start_token_id": pad, "eos_token_id": 0,
               "forced_eos_token_id": 0, "max_length": P, "num_beams": 4, "pad_token_id": pad}, f, indent=2)
with open(f"{out}/tokenizer_config.json", "w") as f:
    json.dump({"source_lang": "es", "target_lang": "en", "unk_token": "<unk>", "eos_token": "</s>",
               "pad_token": "<pad>", "model_max_length": 512, "separate_vocabs": False,
               "tokenizer_class": "MarianTokenizer"}, f, indent=2)

g = torch.Generator().manual_seed(2026)


def normal(*shape, std=0.02, mean=0.0):
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * std + mean).float()


def sinusoidal():
    # HF MarianSinusoidalPositionalEmbedding: sin in the first half of the columns, cos in the second, float64
    table = torch.zeros(P, C, dtype=torch.float64)
    for pos in range(P):
        for k in range(C // 2):
            angle = pos / math.pow(10000, 2 * k / C)
            table[pos, k], table[pos, C // 2 + k] = math.sin(angle), math.cos(angle)
    return table.float()


sd = {}
shared = normal(V, C)
sd["final_logits_bias"] = normal(1, V, std=0.05)
sd["model.shared.weight"] = shared
sd["model.encoder.embed_tokens.weight"] = shared
sd["model.decoder.embed_tokens.weight"] = shared
sd["lm_head.weight"] = shared
positions = sinusoidal()
sd["model.encoder.embed_positions.weight"] = positions
sd["model.decoder.embed_positions.weight"] = positions.clone()


def attention(prefix):
    for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
        sd[f"{prefix}.{proj}.weight"] = normal(C, C)
        sd[f"{prefix}.{proj}.bias"] = normal(C)


def layer_norm(prefix):
    sd[f"{prefix}.weight"] = normal(C, std=0.1, mean=1.0)
    sd[f"{prefix}.bias"] = normal(C, std=0.05)


for side in ("encoder", "decoder"):
    for i in range(layers):
        p = f"model.{side}.layers.{i}"
        attention(f"{p}.self_attn")
        layer_norm(f"{p}.self_attn_layer_norm")
        if side == "decoder":
            attention(f"{p}.encoder_attn")
            layer_norm(f"{p}.encoder_attn_layer_norm")
        sd[f"{p}.fc1.weight"], sd[f"{p}.fc1.bias"] = normal(F, C), normal(F)
        sd[f"{p}.fc2.weight"], sd[f"{p}.fc2.bias"] = normal(C, F), normal(C)
        layer_norm(f"{p}.final_layer_norm")

torch.save(sd, f"{out}/pytorch_model.bin")

# safetensors: 8-byte little-endian header length, JSON header (sorted keys), raw little-endian data
header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
SKIPPED = {"model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight",
           "model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"}
for name in sorted(set(sd) - SKIPPED):
    data = sd[name].contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(sd[name].shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(f"{out}/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
