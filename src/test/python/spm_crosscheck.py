#!/usr/bin/python3
"""Writes SentencePiece encode cases made by the reference library (python3-sentencepiece) for the Java cross-check.

usage: spm_crosscheck.py OUT_DIR REFERENCE_DIR DATA_DIR LINES

OUT_DIR receives:
  * models trained here on the bible-parallel training split with the options the two reference models do not use:
    byte_fallback, user-defined and control symbols, the identity normalizer, a user rule TSV, nfkc_cf,
    no extra-whitespace removal, no dummy prefix, whitespace as suffix;
  * crosscheck.jsonl: one case per line in the shape of reference/sentencepiece/cases.jsonl
    (model, text, ids, pieces, decoded), with the model paths relative to OUT_DIR.
Texts: LINES verses of each side of the test split for the two reference models (copied into OUT_DIR), and for every
trained model its training-language verses, the reference edge cases and texts that exercise its options.
"""
import json
import os
import shutil
import sys

import sentencepiece as spm

out, ref, data, n_lines = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(out, exist_ok=True)


def column(path, col):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t")[col] for line in f if line.strip()]


test_es, test_en = column(f"{data}/es-en.test.tsv", 1), column(f"{data}/es-en.test.tsv", 2)
train_es, train_en = column(f"{data}/es-en.train.tsv", 1), column(f"{data}/es-en.train.tsv", 2)
step = max(1, len(test_es) // n_lines)
sample_es, sample_en = test_es[::step][:n_lines], test_en[::step][:n_lines]
with open(f"{ref}/cases.jsonl", encoding="utf-8") as f:
    edge = list(dict.fromkeys(json.loads(line)["text"] for line in f))

extra = ["<sep>Dios<sep>", "a<sep>b", "<ctl> no es control en el texto", "Dios es Dios", "DiosDios",
         "emoji 😀 y 漢字 y ☃", "  dos  espacios  ", "\tX\t", "tab\ty", "AB CD ABAB", "ÁÉÍÓÚ ü ñ", "ǅ ß İ ﬁ Ⅻ",
         "\u200bzero\u200bwidth", "x" * 50, " ", "", "ĳ", "naïve café", "<s> </s> <unk>"]

with open(f"{out}/rules.tsv", "w", encoding="utf-8") as f:
    # source code points -> target code points: a two-letter rule, a letter to two, a deletion-like rule to space
    f.write("41 42\t58\n")        # AB -> X
    f.write("51\t4B 57\n")        # Q -> KW
    f.write("E1\t61\n")           # á -> a
    f.write("6C 6C\t79\n")        # ll -> y
    f.write("9\t20\n")            # tab -> space
    f.write("2014\t2D 2D\n")      # em dash -> --

corpus = f"{out}/corpus.txt"
with open(corpus, "w", encoding="utf-8") as f:
    f.write("\n".join(train_es[:1200] + train_en[:1200]) + "\n")

variants = {
    "uni-bytefallback-user": dict(model_type="unigram", vocab_size=500, byte_fallback=True,
                                  user_defined_symbols=["<sep>", "Dios"], control_symbols=["<ctl>"]),
    "bpe-bytefallback-identity": dict(model_type="bpe", vocab_size=500, byte_fallback=True,
                                      normalization_rule_name="identity", user_defined_symbols=["<sep>", "Dios"]),
    "uni-rules-tsv": dict(model_type="unigram", vocab_size=400, normalization_rule_tsv=f"{out}/rules.tsv"),
    "uni-nfkc-cf": dict(model_type="unigram", vocab_size=400, normalization_rule_name="nfkc_cf"),
    "bpe-keep-spaces": dict(model_type="bpe", vocab_size=400, remove_extra_whitespaces=False, add_dummy_prefix=False),
    "uni-suffix": dict(model_type="unigram", vocab_size=400, treat_whitespace_as_suffix=True),
}
models = {"es-unigram-4k.model": sample_es + [sample_en[0]], "en-bpe-2k.model": sample_en + [sample_es[0]]}
for name in models:
    shutil.copy(f"{ref}/{name}", f"{out}/{name}")
for name, opts in variants.items():
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=f"{out}/{name}", character_coverage=0.999,
                                   num_threads=1, minloglevel=2, **opts)
    models[f"{name}.model"] = sample_es[:60] + sample_en[:60] + edge + extra

with open(f"{out}/crosscheck.jsonl", "w", encoding="ascii") as f:
    for name, texts in models.items():
        sp = spm.SentencePieceProcessor(model_file=f"{out}/{name}")
        for text in texts:
            ids = sp.encode(text, out_type=int)
            case = {"model": name, "text": text, "ids": ids, "pieces": sp.encode(text, out_type=str),
                    "decoded": sp.decode(ids)}
            f.write(json.dumps(case, ensure_ascii=True) + "\n")
