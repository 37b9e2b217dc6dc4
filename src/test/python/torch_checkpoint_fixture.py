#!/usr/bin/python3
"""Writes a torch.save checkpoint exercising what a state-dict reader must handle, and the expected tensors.

usage: torch_checkpoint_fixture.py OUT_DIR
OUT_DIR/fixture.bin: an OrderedDict with _metadata (a module's state_dict) plus float16, bfloat16, float64 and int64
tensors, a transposed view and a sliced view of one storage (offsets and strides), a tensor stored twice under two
names (one storage), a stride-0 expanded view, a 0-d scalar, an empty tensor and an nn.Parameter.
OUT_DIR/fixture.expected.json: for each name its dtype, shape and row-major values (exact float32/int values).
"""
import json
import os
import sys

import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(7)
module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
sd = module.state_dict()  # OrderedDict with a _metadata attribute
base = torch.randn(4, 3)
wide = torch.randn(3, 5)
sd["f16"] = torch.randn(3, 4).half()
sd["bf16"] = torch.randn(5).bfloat16()
sd["f64"] = torch.randn(2, 2).double()
sd["i64"] = torch.arange(-3, 3).view(2, 3)
sd["base"] = base
sd["transposed"] = base.t()
sd["sliced"] = wide[1:, 1:4]
sd["tied"] = sd["0.weight"]
sd["expanded"] = torch.randn(3).expand(2, 3)
sd["scalar"] = torch.tensor(3.5)
sd["empty"] = torch.zeros(0, 3)
sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
torch.save(sd, f"{out}/fixture.bin")

names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64", torch.int64: "I64"}
expected = {}
for name, t in sd.items():
    t = t.detach()
    values = t.float().flatten().tolist() if t.is_floating_point() else t.flatten().tolist()
    expected[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "values": values}
with open(f"{out}/fixture.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
