#!/usr/bin/python3
"""Encoding throughput of python3-sentencepiece (the reference library): every line of a TSV column, one encode call
per line (as jgpt's bench does), ROUNDS rounds, wall and thread CPU time; also one batched call on the whole list per
round (wall time only: the library may use threads there).
usage: spm_bench.py MODEL TSV COLUMN ROUNDS"""
import json
import sys
import time

import sentencepiece as spm

model, tsv, col, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
sp = spm.SentencePieceProcessor(model_file=model)
load_ms = (time.perf_counter() - t0) * 1e3
with open(tsv, encoding="utf-8") as f:
    lines = [line.rstrip("\n").split("\t")[col] for line in f if line.strip()]
print(json.dumps({"side": "python3-sentencepiece " + spm.__version__, "load_ms": round(load_ms, 1), "lines": len(lines)}))
for r in range(rounds):
    start, cpu0 = time.perf_counter(), time.thread_time()
    tokens = sum(len(sp.encode(line)) for line in lines)
    s, cpu = time.perf_counter() - start, time.thread_time() - cpu0
    start = time.perf_counter()
    batch = sp.encode(lines)
    sb = time.perf_counter() - start
    assert sum(map(len, batch)) == tokens
    print(json.dumps({"side": "python", "round": r, "seconds": round(s, 4), "sentences_per_s": round(len(lines) / s),
                      "cpu_seconds": round(cpu, 4), "sentences_per_cpu_s": round(len(lines) / cpu),
                      "batch_seconds": round(sb, 4), "batch_sentences_per_s": round(len(lines) / sb), "tokens": tokens}))
