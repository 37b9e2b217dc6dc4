"""Writes a GPT-2 124M-shaped model with random weights as GGUF files for llama.cpp (f32, bf16 and q8_0),
the decode anchor of `gpt bench --compare-llamacpp`. Same shapes, vocabulary and initialisation scale as the
`gpt2` preset that `gpt bench` decodes; the vocabulary and merges are GPT-2's (r50k_base, read from the
tiktoken file the jgpt jar carries), so llama.cpp loads it as a real gpt2 model.

usage: make_gguf.py TIKTOKEN_FILE OUT_DIR
"""
import base64
import os
import sys

import numpy as np
import gguf

N_VOCAB, N_CTX, N_EMBD, N_LAYER, N_HEAD = 50257, 1024, 768, 12, 12
END_OF_TEXT = 50256


def byte_unicode():
    """GPT-2's printable stand-ins for raw bytes (the form vocab files and GGUF store tokens in)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def split_by_lower_ranks(token, ranks):
    """Byte-pair merges of token using only ranks below its own: what remains are the two halves it merges."""
    parts = [bytes([b]) for b in token]
    rank = ranks[token]
    while True:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < rank and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            return parts
        i = best[1]
        parts[i:i + 2] = [parts[i] + parts[i + 1]]


def vocabulary(tiktoken_path):
    ranks = {}
    with open(tiktoken_path, "rb") as f:
        for line in f:
            if line.strip():
                tok, rank = line.split()
                ranks[base64.b64decode(tok)] = int(rank)
    to_text = byte_unicode()
    text = lambda b: "".join(to_text[x] for x in b)
    tokens = [None] * N_VOCAB
    for tok, rank in ranks.items():
        tokens[rank] = text(tok)
    tokens[END_OF_TEXT] = "<|endoftext|>"
    merges = []
    for tok, rank in sorted(ranks.items(), key=lambda e: e[1]):
        if len(tok) > 1:
            left, right = split_by_lower_ranks(tok, ranks)
            merges.append(text(left) + " " + text(right))
    types = [gguf.TokenType.NORMAL] * N_VOCAB
    types[END_OF_TEXT] = gguf.TokenType.CONTROL
    return tokens, types, merges


def weights(seed=1337):
    """Random weights at GPT-2's initialisation scale, in llama.cpp's layout ([out, in] for every matrix)."""
    rng = np.random.default_rng(seed)
    normal = lambda *shape: (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32)
    ones, zeros = (lambda n: np.ones(n, np.float32)), (lambda n: np.zeros(n, np.float32))
    w = {"token_embd.weight": normal(N_VOCAB, N_EMBD), "position_embd.weight": normal(N_CTX, N_EMBD),
         "output_norm.weight": ones(N_EMBD), "output_norm.bias": zeros(N_EMBD)}
    for i in range(N_LAYER):
        b = f"blk.{i}."
        w.update({b + "attn_norm.weight": ones(N_EMBD), b + "attn_norm.bias": zeros(N_EMBD),
                  b + "attn_qkv.weight": normal(3 * N_EMBD, N_EMBD), b + "attn_qkv.bias": zeros(3 * N_EMBD),
                  b + "attn_output.weight": normal(N_EMBD, N_EMBD), b + "attn_output.bias": zeros(N_EMBD),
                  b + "ffn_norm.weight": ones(N_EMBD), b + "ffn_norm.bias": zeros(N_EMBD),
                  b + "ffn_up.weight": normal(4 * N_EMBD, N_EMBD), b + "ffn_up.bias": zeros(4 * N_EMBD),
                  b + "ffn_down.weight": normal(N_EMBD, 4 * N_EMBD), b + "ffn_down.bias": zeros(N_EMBD)})
    return w


def write(path, file_type, qtype, tokens, types, merges, tensors):
    w = gguf.GGUFWriter(path, "gpt2")
    w.add_name("gpt2-124M-random")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(4 * N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_head_count(N_HEAD)
    w.add_layer_norm_eps(1e-5)
    w.add_file_type(file_type)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(END_OF_TEXT)
    w.add_eos_token_id(END_OF_TEXT)
    for name, t in tensors.items():
        if t.ndim == 2 and qtype != gguf.GGMLQuantizationType.F32:  # as llama.cpp's converter: vectors stay f32
            w.add_tensor(name, gguf.quants.quantize(t, qtype), raw_dtype=qtype)
        else:
            w.add_tensor(name, t)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    tiktoken_path, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    tokens, types, merges = vocabulary(tiktoken_path)
    tensors = weights()
    T, F = gguf.GGMLQuantizationType, gguf.LlamaFileType
    for suffix, file_type, qtype in [("f32", F.ALL_F32, T.F32), ("bf16", F.MOSTLY_BF16, T.BF16), ("q8_0", F.MOSTLY_Q8_0, T.Q8_0)]:
        path = os.path.join(out_dir, f"gpt2-124M-random-{suffix}.gguf")
        write(path + ".part", file_type, qtype, tokens, types, merges, tensors)
        os.replace(path + ".part", path)
        print(path)


if __name__ == "__main__":
    main()
