"""Writes src/test/resources/metrics/sacrebleu-cases.jsonl: corpus BLEU and chrF computed by sacreBLEU itself.

Run with sacreBLEU 2.x importable (it is not a Debian package; e.g. `pip install --target /tmp/sb sacrebleu`):
    PYTHONPATH=/tmp/sb python3 src/test/python/make_sacrebleu_cases.py ../shared/data/bible-parallel/en-kjv-web.tsv.gz
Each case: hypotheses, references and sacreBLEU's default-settings scores and statistics. The last case scores
the first 400 KJV verses (as hypotheses) against the WEB (as references), read by the test from the shared data.
"""
import gzip, json, sys
import sacrebleu

CASES = [
    ("identical", ["the cat sat on the mat ."], ["the cat sat on the mat ."]),
    ("papineni-like", ["It is a guide to action which ensures that the military always obeys the commands of the party."],
     ["It is a guide to action that ensures that the military will forever heed Party commands."]),
    ("no-4gram-match-exp-smoothing", ["the cat the dog", "a b c"], ["the dog the cat", "a c b"]),
    ("no-match-at-all", ["foo bar baz"], ["qux quux corge"]),
    ("empty-hypothesis", ["", "the cat sat"], ["a cat sat here", "the cat sat"]),
    ("short-hypothesis-brevity", ["the cat"], ["the cat sat on the mat"]),
    ("numbers-and-punctuation", ["It costs $3.14, or 1,000.50 (approx.) - 2-3 items; well-known!"],
     ["It costs $ 3.14 , or 1,000.50 ( approx . ) -- 2 - 3 items ; well known !"]),
    ("html-entities-and-symbols", ["AT&amp;T said &quot;hi&quot; &lt;b&gt; x/y {a} [b] `c` ~d @e ^f"],
     ["AT&T said \"hi\" <b> x / y { a } [ b ] ` c ` ~ d @ e ^ f"]),
    ("unicode-whitespace", ["caf\u00e9\u00a0ol\u00e9\u2007x\tend  ", "na\u00efve \u201cquoted\u201d \u2014 dash"],
     ["caf\u00e9 ol\u00e9 x end", "naive \u201cquoted\u201d \u2014 dash"]),
    ("skipped-and-dash-newline", ["a <skipped> b well-\nknown c"], ["a b wellknown c"]),
    ("spanish-accents", ["\u00bfD\u00f3nde est\u00e1 la biblioteca?", "Ni\u00f1o, \u00e1rbol y cami\u00f3n."],
     ["\u00bfD\u00f3nde est\u00e1 la biblioteca?", "El ni\u00f1o, el \u00e1rbol y el cami\u00f3n."]),
    ("astral-characters", ["smile \U0001F600 ok \U0001F600\U0001F601"], ["smile \U0001F600 okay \U0001F601"]),
]


def case(name, hyps, refs, source=None):
    bleu = sacrebleu.corpus_bleu(hyps, [refs])
    chrf = sacrebleu.corpus_chrf(hyps, [refs])
    out = {"name": name, "bleu": bleu.score, "chrf": chrf.score, "sys_len": bleu.sys_len, "ref_len": bleu.ref_len,
           "counts": list(bleu.counts), "totals": list(bleu.totals), "bp": bleu.bp,
           "sacrebleu": sacrebleu.__version__}
    if source:
        out["source"] = source
    else:
        out["hypotheses"], out["references"] = hyps, refs
    return out


def main():
    rows = [case(*c) for c in CASES]
    with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
        lines = [next(f).rstrip("\n").split("\t") for _ in range(400)]
    rows.append(case("kjv-vs-web-400", [l[1] for l in lines], [l[2] for l in lines],
                     source={"file": "bible-parallel/en-kjv-web.tsv.gz", "lines": 400, "hyp_column": 2, "ref_column": 3}))
    with open("src/test/resources/metrics/sacrebleu-cases.jsonl", "w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
