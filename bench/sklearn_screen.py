#!/usr/bin/env python3
"""Second reference for the screening benchmark (bench/README.md): scikit-learn's HashingVectorizer
(word 1-2-grams + char_wb 3-5-grams, 2^18 signed buckets: the same feature design as netra-screen's
classifier) and LogisticRegression, trained on data/lexicon/train-id.jsonl, then predict_proba over
every text of the benchmark's JSONL file, in one process (scikit-learn's default: one core).

    python3 bench/sklearn_screen.py POSTS.jsonl data/lexicon/train-id.jsonl [--runs 3] [--limit N]

Prints one line per run and a final `sklearn: …` summary line (median). Reading and decoding the
JSONL is timed separately and not included in the posts/s of the model (it is what the Rust parse
baseline measures).
"""

import argparse
import json
import statistics
import sys
import time

try:
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
except ImportError as e:  # pragma: no cover
    print(f"sklearn: not available ({e})")
    sys.exit(0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("posts")
    ap.add_argument("labelled")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N texts (0: all)")
    args = ap.parse_args()

    t = time.perf_counter()
    with open(args.posts, encoding="utf-8") as f:
        texts = []
        for line in f:
            if line.strip():
                texts.append(json.loads(line)["text"])
                if args.limit and len(texts) == args.limit:
                    break
    read = time.perf_counter() - t
    print(f"sklearn: read {len(texts)} texts with json.loads in {read:.2f} s ({len(texts) / read:.0f} posts/s)")

    vec_w = HashingVectorizer(n_features=2**18, analyzer="word", ngram_range=(1, 2), alternate_sign=True)
    vec_c = HashingVectorizer(n_features=2**18, analyzer="char_wb", ngram_range=(3, 5), alternate_sign=True)

    def features(batch):
        return hstack([vec_w.transform(batch), vec_c.transform(batch)]).tocsr()

    with open(args.labelled, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    train_x = features([r["text"] for r in rows])
    train_y = np.array([r["label"] == "support" for r in rows])
    model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(train_x, train_y)

    times = []
    for run in range(args.runs):
        t = time.perf_counter()
        likely = 0
        for i in range(0, len(texts), args.batch):
            p = model.predict_proba(features(texts[i : i + args.batch]))[:, 1]
            likely += int((p >= 0.5).sum())
        d = time.perf_counter() - t
        times.append(d)
        print(f"sklearn: run {run + 1}: {d:.2f} s ({len(texts) / d:.0f} posts/s, {likely} >= 0.5)")
    m = statistics.median(times)
    print(
        f"sklearn: HashingVectorizer(word 1-2 + char_wb 3-5, 2^18) + LogisticRegression.predict_proba, "
        f"one process: median {m:.2f} s = {len(texts) / m:.0f} posts/s over {len(texts)} texts "
        f"(+ {read:.2f} s json.loads, not included)"
    )


if __name__ == "__main__":
    main()
