#!/usr/bin/python3
"""Summarizes bench/spm/run output (JSON lines on stdin): per run, load time, first round, best and median of the
last half of the rounds, by wall clock and by the encoding thread's CPU time."""
import json
import statistics as st
import sys

runs = []
for line in sys.stdin:
    r = json.loads(line)
    if "load_ms" in r:
        runs.append({"side": r["side"], "load": r["load_ms"], "rounds": []})
    else:
        runs[-1]["rounds"].append(r)
for run in runs:
    rounds = run["rounds"]
    half = rounds[len(rounds) // 2:]
    wall = [r["sentences_per_s"] for r in rounds]
    cpu = [r["sentences_per_cpu_s"] for r in rounds]
    print(f"{run['side'][:28]:28s} load {run['load']:7.1f} ms | round 0 {wall[0]:6d}/s | wall best {max(wall):6d}/s"
          f" median {int(st.median(w['sentences_per_s'] for w in half)):6d}/s | cpu best {max(cpu):6d}/s"
          f" median {int(st.median(c['sentences_per_cpu_s'] for c in half)):6d}/s")
