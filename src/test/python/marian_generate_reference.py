#!/usr/bin/python3
"""Greedy and beam-search token ids of a Marian (opus-mt layout) folder, computed independently in float64.

usage: marian_generate_reference.py FOLDER SOURCES_JSON OUT_JSON

FOLDER holds config.json, generation_config.json and pytorch_model.bin (read with torch.load). SOURCES_JSON is a list
of {"text": ..., "source_ids": [...]} (ids ending with </s>). OUT_JSON receives the same list with "greedy" and "beam"
token ids (decoder start token first, eos last when produced) and the smallest top-1/top-2 logit gap of the greedy run.

The model is Hugging Face MarianMTModel in eval mode, written with plain tensor ops (post-LayerNorm, scaled shared
embedding plus sinusoidal positions, tied lm_head plus final_logits_bias); the decoder re-runs on the whole prefix at
each step (no cache). Decoding follows HF generate(): greedy = argmax after the logits processors; beam search =
BeamSearchScorer with early_stopping False (2 x beams candidates per step from log_softmax + running score, an eos
candidate among the first `beams` ranks finishes a hypothesis scored sum / length ** length_penalty with length = its
tokens without eos, done when `beams` hypotheses exist and best running score / cur_len ** length_penalty cannot beat
the worst, unfinished beams added at max_length). Logits processors: bad_words_ids (single ids -> -inf) and
forced_eos_token_id (only eos allowed when the next token would be the max_length-th).
"""
import json
import math
import sys

import torch

folder, sources_path, out_path = sys.argv[1:4]
cfg = json.load(open(f"{folder}/config.json"))
gen = json.load(open(f"{folder}/generation_config.json"))
sd = {k: v.double() for k, v in torch.load(f"{folder}/pytorch_model.bin", map_location="cpu").items()}

C, P = cfg["d_model"], cfg["max_position_embeddings"]
H_ENC, H_DEC = cfg["encoder_attention_heads"], cfg["decoder_attention_heads"]
EOS, PAD, START = cfg["eos_token_id"], cfg["pad_token_id"], cfg["decoder_start_token_id"]
SHARED = sd["model.shared.weight"]
V = SHARED.shape[0]
BIAS = sd.get("final_logits_bias", torch.zeros(1, V, dtype=torch.float64))[0]
SCALE = math.sqrt(C) if cfg.get("scale_embedding", False) else 1.0
ACT = {"swish": torch.nn.functional.silu, "silu": torch.nn.functional.silu, "relu": torch.relu,
       "gelu": lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))}[cfg["activation_function"]]

if "model.encoder.embed_positions.weight" in sd:
    POS = sd["model.encoder.embed_positions.weight"]
else:  # HF builds the table in float64 and stores it as float32
    POS = torch.zeros(P, C, dtype=torch.float64)
    for p in range(P):
        for k in range(C // 2):
            a = p / math.pow(10000, 2 * k / C)
            POS[p, k], POS[p, C // 2 + k] = math.sin(a), math.cos(a)
    POS = POS.float().double()

BEAMS = gen.get("num_beams", 1)
MAX_LEN = min(gen.get("max_length", P), P)
LP = gen.get("length_penalty", 1.0)
BAD = [seq[0] for seq in gen.get("bad_words_ids") or []]
FORCED_EOS = gen.get("forced_eos_token_id")


def linear(x, name):
    return x @ sd[f"{name}.weight"].T + sd[f"{name}.bias"]


def layer_norm(x, name):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-5) * sd[f"{name}.weight"] + sd[f"{name}.bias"]


def attention(xq, xkv, name, heads, causal):
    # xq [B, T, C], xkv [B, S, C]
    b, t, s, hd = xq.shape[0], xq.shape[1], xkv.shape[1], C // heads
    q = linear(xq, f"{name}.q_proj").view(b, t, heads, hd).transpose(1, 2)
    k = linear(xkv, f"{name}.k_proj").view(b, s, heads, hd).transpose(1, 2)
    v = linear(xkv, f"{name}.v_proj").view(b, s, heads, hd).transpose(1, 2)
    scores = (q @ k.transpose(-1, -2)) * hd ** -0.5
    if causal:
        scores = scores.masked_fill(torch.ones(t, s, dtype=torch.bool).triu(1), float("-inf"))
    o = torch.softmax(scores, -1) @ v
    return linear(o.transpose(1, 2).reshape(b, t, C), f"{name}.out_proj")


def embed(ids):
    return SHARED[ids] * SCALE + POS[: ids.shape[1]]


def encode(src):
    x = embed(torch.tensor([src]))
    for i in range(cfg["encoder_layers"]):
        p = f"model.encoder.layers.{i}"
        x = layer_norm(x + attention(x, x, f"{p}.self_attn", H_ENC, False), f"{p}.self_attn_layer_norm")
        x = layer_norm(x + linear(ACT(linear(x, f"{p}.fc1")), f"{p}.fc2"), f"{p}.final_layer_norm")
    return x


def next_logits(enc, seqs):
    """Logits of the last position of each decoder sequence [B, V] (enc [1, S, C] shared by all rows)."""
    y = embed(torch.tensor(seqs))
    e = enc.expand(len(seqs), -1, -1)
    for i in range(cfg["decoder_layers"]):
        p = f"model.decoder.layers.{i}"
        y = layer_norm(y + attention(y, y, f"{p}.self_attn", H_DEC, True), f"{p}.self_attn_layer_norm")
        y = layer_norm(y + attention(y, e, f"{p}.encoder_attn", H_DEC, False), f"{p}.encoder_attn_layer_norm")
        y = layer_norm(y + linear(ACT(linear(y, f"{p}.fc1")), f"{p}.fc2"), f"{p}.final_layer_norm")
    return y[:, -1] @ SHARED.T + BIAS


def process(scores, cur_len):
    scores[:, BAD] = float("-inf")
    if FORCED_EOS is not None and cur_len == MAX_LEN - 1:
        scores[:, :] = float("-inf")
        scores[:, FORCED_EOS] = 0
    return scores


def greedy(src):
    enc, seq, gap = encode(src), [START], float("inf")
    while len(seq) < MAX_LEN:
        logits = process(next_logits(enc, [seq]), len(seq))[0]
        top = torch.topk(logits, 2).values
        if torch.isfinite(top[1]):
            gap = min(gap, (top[0] - top[1]).item())
        seq.append(int(torch.argmax(logits)))
        if seq[-1] == EOS:
            break
    return seq, gap


class Hypotheses:
    def __init__(self):
        self.beams, self.worst = [], 1e9

    def add(self, seq, sum_logprobs):
        score = sum_logprobs / (len(seq) ** LP)
        if len(self.beams) < BEAMS or score > self.worst:
            self.beams.append((score, seq))
            if len(self.beams) > BEAMS:
                ranked = sorted((s, i) for i, (s, _) in enumerate(self.beams))
                del self.beams[ranked[0][1]]
                self.worst = ranked[1][0]
            else:
                self.worst = min(score, self.worst)

    def is_done(self, best_sum, cur_len):
        return len(self.beams) >= BEAMS and self.worst >= best_sum / cur_len ** LP


def beam(src):
    enc = encode(src)
    seqs = [[START] for _ in range(BEAMS)]
    scores = torch.tensor([0.0] + [-1e9] * (BEAMS - 1), dtype=torch.float64)
    hyps, done = Hypotheses(), False
    while len(seqs[0]) < MAX_LEN:
        cur_len = len(seqs[0])
        logp = process(torch.log_softmax(next_logits(enc, seqs), -1), cur_len) + scores[:, None]
        top = torch.topk(logp.view(-1), 2 * BEAMS)
        nxt = []
        for rank, (s, idx) in enumerate(zip(top.values.tolist(), top.indices.tolist())):
            b, tok = idx // V, idx % V
            if tok == EOS:
                if rank < BEAMS:
                    hyps.add(list(seqs[b]), s)
            else:
                nxt.append((s, seqs[b] + [tok]))
            if len(nxt) == BEAMS:
                break
        done = hyps.is_done(max(top.values.tolist()), cur_len)
        seqs = [q for _, q in nxt]
        scores = torch.tensor([s for s, _ in nxt], dtype=torch.float64)
        if done:
            break
    if not done:
        for s, q in zip(scores.tolist(), seqs):
            hyps.add(q, s)
    best = sorted(hyps.beams, key=lambda h: h[0])[-1][1]
    return best + [EOS] if len(best) < MAX_LEN else best


out = []
for case in json.load(open(sources_path)):
    g, gap = greedy(case["source_ids"])
    out.append({"text": case["text"], "source_ids": case["source_ids"], "greedy": g, "beam": beam(case["source_ids"]),
                "greedy_min_gap": gap, "num_beams": BEAMS, "max_length": MAX_LEN})
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
