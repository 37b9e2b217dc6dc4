#!/usr/bin/env python3
"""PyTorch anchor for `gpt train-translation --preset marian-small`: the same Marian-shaped model (shared
embedding scaled by sqrt(d), Marian's sin|cos position table, post-LN layers, ReLU, tied output + bias),
SentencePiece 8k shared vocabulary, ~4000-token length-bucketed batches, Adam(0.9, 0.98), inverse-sqrt schedule
with 400 warm-up steps, label smoothing 0.1, clipping 1.0, dropout 0.1, a wall-clock budget. Then: valid NLL,
greedy and beam-4 translation of the test split (HF beam semantics, length penalty --length-penalty), written
to files for `gpt bleu`.

PyTorch at its best setting: unless --probe-steps is 0, the first --probe-steps steps are timed under every
setting of bench/pytorch_bench.py (threads 1 and 2 x glibc, glibc keeping freed memory, jemalloc; OpenBLAS's fastest
kernel for this CPU), each in a child process from the same seed, and the whole run then goes under the fastest.
The last line of output is one JSON object with the figures, the setting and every setting tried.

  /usr/bin/python3 bench/translate_anchor.py --data DIR --out OUT --minutes 20
"""
import argparse, json, math, os, random, subprocess, sys, time
import sentencepiece as spm
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_tsv(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            ref, es, en = line.rstrip("\n").split("\t")
            pairs.append((es, en))
    return pairs


def sinusoids(n, d):
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    k = torch.arange(d // 2, dtype=torch.float64)[None, :]
    ang = pos / torch.pow(10000.0, 2 * k / d)
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1).float()


class Marian(nn.Module):
    def __init__(self, v, d=256, heads=4, layers=3, ffn=1024, drop=0.1, pad=0, maxpos=256):
        super().__init__()
        self.d, self.pad = d, pad
        self.shared = nn.Embedding(v, d, padding_idx=pad)
        nn.init.normal_(self.shared.weight, std=0.02)
        self.register_buffer("pos", sinusoids(maxpos, d))
        self.register_buffer("bias", torch.zeros(v))
        self.enc = nn.ModuleList([nn.TransformerEncoderLayer(d, heads, ffn, drop, "relu", batch_first=True) for _ in range(layers)])
        self.dec = nn.ModuleList([nn.TransformerDecoderLayer(d, heads, ffn, drop, "relu", batch_first=True) for _ in range(layers)])
        self.drop = nn.Dropout(drop)

    def embed(self, ids):
        return self.drop(self.shared(ids) * math.sqrt(self.d) + self.pos[: ids.shape[1]])

    def encode(self, src):
        mask = src == self.pad
        x = self.embed(src)
        for l in self.enc:
            x = l(x, src_key_padding_mask=mask)
        return x, mask

    def decode(self, enc, mask, dec):
        t = dec.shape[1]
        causal = torch.triu(torch.full((t, t), float("-inf")), 1)
        y = self.embed(dec)
        for l in self.dec:
            y = l(y, enc, tgt_mask=causal, memory_key_padding_mask=mask)
        return y @ self.shared.weight.t() + self.bias


def batches(src, tgt, budget):
    order = sorted(range(len(src)), key=lambda i: (len(tgt[i]), len(src[i])))
    out, cur, ms, mt = [], [], 0, 0
    for i in order:
        s, t = max(ms, len(src[i])), max(mt, len(tgt[i]))
        if cur and (len(cur) + 1) * max(s, t) > budget:
            out.append(cur); cur = []; s, t = len(src[i]), len(tgt[i])
        cur.append(i); ms, mt = s, t
    if cur: out.append(cur)
    return out


def pad_rows(rows, pad):
    n = max(len(r) for r in rows)
    return torch.tensor([r + [pad] * (n - len(r)) for r in rows])


def tensors(idx, src, tgt, pad, bos):
    s = pad_rows([src[i] for i in idx], pad)
    labels = pad_rows([tgt[i] for i in idx], -100)
    dec = torch.cat([torch.full((len(idx), 1), bos), labels[:, :-1]], 1)
    dec[dec == -100] = pad
    return s, dec, labels


@torch.no_grad()
def greedy(model, src_rows, pad, bos, eos, max_len):
    src = pad_rows(src_rows, pad)
    enc, mask = model.encode(src)
    seqs = torch.full((len(src_rows), 1), bos)
    done = torch.zeros(len(src_rows), dtype=torch.bool)
    for _ in range(max_len - 1):
        logits = model.decode(enc, mask, seqs)[:, -1]
        logits[:, pad] = float("-inf")
        nxt = logits.argmax(-1)
        nxt[done] = pad
        seqs = torch.cat([seqs, nxt[:, None]], 1)
        done |= nxt == eos
        if done.all(): break
    return [[t for t in row[1:] if t not in (pad,)] for row in seqs.tolist()]


@torch.no_grad()
def beam(model, src_row, k, lp, pad, bos, eos, max_len):
    """HF generate() beam semantics for one source (early_stopping False)."""
    enc, mask = model.encode(torch.tensor([src_row]))
    enc, mask = enc.expand(k, -1, -1), mask.expand(k, -1)
    seqs = torch.full((k, 1), bos)
    scores = torch.tensor([0.0] + [-1e9] * (k - 1))
    hyps = []  # (score, tokens)
    for cur in range(1, max_len):
        logp = F.log_softmax(model.decode(enc, mask, seqs)[:, -1], -1)
        logp[:, pad] = float("-inf")
        cand = (logp + scores[:, None]).view(-1)
        top, idx = cand.topk(2 * k)
        nxt_seqs, nxt_scores = [], []
        for rank, (s, i) in enumerate(zip(top.tolist(), idx.tolist())):
            b, tok = divmod(i, logp.shape[1])
            if tok == eos:
                if rank >= k: continue
                hyps.append((s / cur ** lp, seqs[b].tolist()[1:]))
                hyps.sort(key=lambda h: -h[0]); del hyps[k:]
            else:
                nxt_seqs.append(seqs[b].tolist() + [tok]); nxt_scores.append(s)
            if len(nxt_seqs) == k: break
        done = len(hyps) >= k and hyps[-1][0] >= top[0].item() / cur ** lp
        seqs, scores = torch.tensor(nxt_seqs), torch.tensor(nxt_scores)
        if done: break
    else:
        for b in range(k):
            hyps.append((scores[b].item() / max_len ** lp, seqs[b].tolist()[1:]))
    return max(hyps, key=lambda h: h[0])[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-tokens", type=int, default=4000)
    ap.add_argument("--length-penalty", type=float, default=1.0)
    ap.add_argument("--test-limit", type=int, default=0, help="translate only the first N test pairs (0 = all)")
    ap.add_argument("--probe-steps", type=int, default=12, help="steps timed per setting to pick the best (0: no sweep)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop training after N steps (0 = the time budget only)")
    ap.add_argument("--train-only", action="store_true", help="skip evaluation and decoding")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    train, valid, test = (read_tsv(os.path.join(a.data, f"es-en.{s}.tsv")) for s in ("train", "valid", "test"))
    if not os.path.exists(os.path.join(a.out, "spm.model")):  # trained once per OUT folder, probes included
        with open(os.path.join(a.out, "spm.txt"), "w", encoding="utf-8") as f:
            for es, en in train: f.write(es + "\n" + en + "\n")
        spm.SentencePieceTrainer.train(input=os.path.join(a.out, "spm.txt"), model_prefix=os.path.join(a.out, "spm"),
                                       vocab_size=8000, pad_id=0, unk_id=1, bos_id=-1, eos_id=2, character_coverage=1.0,
                                       minloglevel=2)
    if a.probe_steps > 0:
        return best_setting_run(a)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1337); random.seed(1337)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.out, "spm.model"))
    pad, eos, bos = 0, 2, 0  # Marian: decoder start = pad
    enc_ = lambda s: sp.encode(s)[:255] + [eos]
    src, tgt = [enc_(e) for e, _ in train], [enc_(n) for _, n in train]
    model = Marian(8000, pad=pad)
    opt = torch.optim.Adam(model.parameters(), lr=7e-4, betas=(0.9, 0.98), eps=1e-9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / 400, math.sqrt(400 / (s + 1))))
    bl = batches(src, tgt, a.batch_tokens)
    t0, step, tokens, epoch = time.time(), 0, 0, 0
    model.train()
    while time.time() - t0 < a.minutes * 60:
        random.shuffle(bl)
        for idx in bl:
            if time.time() - t0 >= a.minutes * 60 or (a.max_steps and step >= a.max_steps): break
            s, d, l = tensors(idx, src, tgt, pad, bos)
            enc, mask = model.encode(s)
            loss = F.cross_entropy(model.decode(enc, mask, d).view(-1, 8000), l.view(-1), ignore_index=-100, label_smoothing=0.1)
            opt.zero_grad(); loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sched.step(); step += 1
            tokens += int((l != -100).sum())
            if step % 10 == 0:
                print(f"step {step} epoch {epoch} loss {loss.item():.4f} {tokens / (time.time() - t0):.0f} target tok/s", flush=True)
        else:
            epoch += 1
        if a.max_steps and step >= a.max_steps: break
    train_secs = time.time() - t0
    if a.train_only:
        print(json.dumps({"steps": step, "train_seconds": round(train_secs, 1), "target_tokens_per_s": round(tokens / train_secs)}))
        return
    model.eval()
    vs, vt = [enc_(e) for e, _ in valid], [enc_(n) for _, n in valid]
    nll, n = 0.0, 0
    with torch.no_grad():
        for idx in batches(vs, vt, a.batch_tokens):
            s, d, l = tensors(idx, vs, vt, pad, bos)
            enc, mask = model.encode(s)
            nll += F.cross_entropy(model.decode(enc, mask, d).view(-1, 8000), l.view(-1), ignore_index=-100, reduction="sum").item()
            n += int((l != -100).sum())
    tests = test[: a.test_limit] if a.test_limit else test
    ts = [enc_(e) for e, _ in tests]
    with open(os.path.join(a.out, "ref.txt"), "w", encoding="utf-8") as f:
        for _, en in tests: f.write(en + "\n")
    t1 = time.time()
    order = sorted(range(len(ts)), key=lambda i: len(ts[i]))
    out = [None] * len(ts)
    for c in range(0, len(order), 32):
        chunk = order[c:c + 32]
        for i, ids in zip(chunk, greedy(model, [ts[i] for i in chunk], pad, bos, eos, 256)):
            out[i] = sp.decode([t for t in ids if t != eos])
    greedy_secs = time.time() - t1
    with open(os.path.join(a.out, "greedy.txt"), "w", encoding="utf-8") as f:
        f.write("".join(h + "\n" for h in out))
    t2 = time.time()
    with open(os.path.join(a.out, "beam4.txt"), "w", encoding="utf-8") as f:
        for ids in ts:
            f.write(sp.decode([t for t in beam(model, ids, 4, a.length_penalty, pad, bos, eos, 256) if t != eos]) + "\n")
    beam_secs = time.time() - t2
    print(json.dumps({"steps": step, "epochs": epoch, "train_seconds": round(train_secs, 1), "target_tokens_per_s": round(tokens / train_secs),
                      "valid_nll": round(nll / n, 4), "test_sentences": len(ts),
                      "greedy_sentences_per_s": round(len(ts) / greedy_secs, 2), "beam4_sentences_per_s": round(len(ts) / beam_secs, 2)}))


def child_args(a, threads, extra):
    args = [sys.executable, os.path.abspath(__file__), "--data", a.data, "--out", a.out, "--minutes", str(a.minutes),
            "--threads", str(threads), "--batch-tokens", str(a.batch_tokens), "--length-penalty", str(a.length_penalty),
            "--test-limit", str(a.test_limit), "--probe-steps", "0"]
    return args + extra


def best_setting_run(a):
    """Time the first steps under every PyTorch setting, then do the whole run under the fastest."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pytorch_bench
    tried, best = [], None
    for name, env in pytorch_bench.settings():
        threads = int(name.split("t-")[0])
        p = subprocess.run(child_args(a, threads, ["--max-steps", str(a.probe_steps), "--train-only"]), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = p.stdout.strip().splitlines()
        r = json.loads(lines[-1]) if p.returncode == 0 and lines else {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
        tried.append(dict(setting=name, probe_steps=a.probe_steps, **r))
        print(f"probe {name}: {r.get('target_tokens_per_s', r.get('error'))} target tok/s", flush=True)
        if "target_tokens_per_s" in r and (best is None or r["target_tokens_per_s"] > best[2]):
            best = (name, env, r["target_tokens_per_s"])
    if best is None:
        raise SystemExit("every PyTorch setting failed: " + json.dumps(tried))
    name, env, _ = best
    p = subprocess.Popen(child_args(a, int(name.split("t-")[0]), []), env=env, stdout=subprocess.PIPE, text=True)
    last = None
    for line in p.stdout:
        if line.startswith("{"):
            last = json.loads(line)
        else:
            print(line, end="", flush=True)
    if p.wait() != 0 or last is None:
        raise SystemExit("the PyTorch run failed under " + name)
    last.update({"setting": name, "settings_tried": tried,
                 "openblas_kernel_probe": pytorch_bench.openblas_kernel()[1], "torch": torch.__version__})
    print(json.dumps(last))


if __name__ == "__main__":
    main()
