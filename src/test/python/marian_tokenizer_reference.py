#!/usr/bin/python3
"""Expected MarianTokenizer results for a Marian folder, computed with python3-sentencepiece and the logic of Hugging
Face's MarianTokenizer (transformers/models/marian/tokenization_marian.py and the slow-tokenizer base class it
inherits: special-token splitting in tokenize(), _tokenize with the >>lang<< code, vocab.json lookup with <unk>
fallback, </s> appended; decode via convert_ids_to_tokens(skip_special_tokens) and convert_tokens_to_string with
the target model). transformers itself is not installed here, so its few relevant lines are restated below.

usage: marian_tokenizer_reference.py FOLDER DATA_TSV OUT_JSONL
"""
import json
import random
import sys

import sentencepiece as spm

folder, tsv, out = sys.argv[1], sys.argv[2], sys.argv[3]
vocab = json.load(open(f"{folder}/vocab.json", encoding="utf-8"))
decoder = {v: k for k, v in vocab.items()}
source = spm.SentencePieceProcessor(model_file=f"{folder}/source.spm")
target = spm.SentencePieceProcessor(model_file=f"{folder}/target.spm")
specials = ["</s>", "<unk>", "<pad>"]  # eos, unk, pad: all_special_tokens
special_ids = {vocab[t] for t in specials}


def split_on_specials(text):
    """PreTrainedTokenizer.tokenize: the added/special tokens are cut out first (leftmost, longest)."""
    parts, i, start = [], 0, 0
    while i < len(text):
        match = max((t for t in specials if text.startswith(t, i)), key=len, default=None)
        if match:
            parts += [text[start:i], match]
            i += len(match)
            start = i
        else:
            i += 1
    return [p for p in parts + [text[start:]] if p]


def tokenize(text):
    tokens = []
    for part in split_on_specials(text):
        if part in specials:
            tokens.append(part)
            continue
        code = []  # remove_language_code
        if part.startswith(">>") and part.find("<<") != -1:
            end = part.find("<<")
            code, part = [part[:end + 2]], part[end + 2:]
        tokens += code + source.encode(part, out_type=str)
    return tokens


def encode(text):
    return [vocab.get(t, vocab["<unk>"]) for t in tokenize(text)] + [vocab["</s>"]]


def decode(ids, skip_special_tokens):
    tokens = [decoder.get(i, "<unk>") for i in ids if not (skip_special_tokens and i in special_ids)]
    current, out = [], ""
    for t in tokens:  # convert_tokens_to_string
        if t in specials:
            out += target.decode_pieces(current) + t + " "
            current = []
        else:
            current.append(t)
    out += target.decode_pieces(current)
    return out.replace("\u2581", " ").strip()


with open(tsv, encoding="utf-8") as f:
    rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
texts = [r[1] for r in rows[::97]] + [
    "", " ", "¿Dónde está la biblioteca?", "JEHOVÁ es mi pastor", "1234567890", "emoji 😀 y 漢字",
    "texto con </s> en medio", "<unk> al principio", "al final <pad>", "</s></s>", ">>en<< Dios es amor",
    ">>es<<", "sin >>código<< aquí", "  espacios   de   más  ", "tab\tseparado", "línea\nnueva"]
rng = random.Random(5)
with open(out, "w", encoding="ascii") as f:
    for text in texts:
        f.write(json.dumps({"kind": "encode", "text": text, "tokens": tokenize(text), "ids": encode(text)},
                           ensure_ascii=True) + "\n")
    english = [r[2] for r in rows[::131]]
    sequences = [[vocab.get(p, vocab["<unk>"]) for p in target.encode(t, out_type=str)] + [vocab["</s>"]] for t in english]
    sequences += [[vocab["<pad>"]] + s for s in sequences[:3]]
    sequences += [[rng.randrange(len(vocab)) for _ in range(rng.randrange(1, 12))] for _ in range(20)]
    sequences += [[vocab["<unk>"], 5, vocab["</s>"], 7, vocab["<pad>"]], [], [len(vocab) + 3]]
    for ids in sequences:
        for skip in (True, False):
            f.write(json.dumps({"kind": "decode", "ids": ids, "skip_special_tokens": skip, "text": decode(ids, skip)},
                               ensure_ascii=True) + "\n")
