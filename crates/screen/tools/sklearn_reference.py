#!/usr/bin/env python3
"""scikit-learn reference for netra-screen's classifier: TF-IDF + LogisticRegression under GroupKFold.

Reads a LABELLED.jsonl file (one object per line with `text`, `label` = support / not_support, and
optionally `title` and `target`), groups the folds by `target` (each political figure is kept out of
its own training folds, as in `cargo run -p netra-screen --example grouped_cv`), and prints pooled
out-of-fold precision, recall, f1 (threshold 0.5), roc_auc, pr_auc (average precision) and the mean
over folds. Embeds no data: the file path is the only input.

    pip install scikit-learn
    python3 crates/screen/tools/sklearn_reference.py LABELLED.jsonl [--folds 4] [--analyzer word|char_wb]
"""

import argparse
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline


def load(path):
    texts, labels, groups = [], [], []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in ("support", "not_support") or not row.get("text", "").strip():
                continue
            title = (row.get("title") or "").strip()
            texts.append(f"{title}\n\n{row['text']}" if title else row["text"])
            labels.append(1 if row["label"] == "support" else 0)
            groups.append(row.get("target") or f"row-{i}")
    return texts, np.array(labels), np.array(groups)


def metrics(y, p):
    pred = (p >= 0.5).astype(int)
    both = len(set(y)) == 2
    return {
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "roc_auc": roc_auc_score(y, p) if both else float("nan"),
        "pr_auc": average_precision_score(y, p) if y.sum() else float("nan"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--analyzer", default="word", choices=["word", "char_wb"])
    args = ap.parse_args()
    texts, y, groups = load(args.path)
    if args.analyzer == "word":
        vec = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    else:
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
    oof = np.zeros(len(y))
    folds = []
    for k, (tr, te) in enumerate(GroupKFold(n_splits=min(args.folds, len(set(groups)))).split(texts, y, groups)):
        model = make_pipeline(vec, LogisticRegression(max_iter=2000, class_weight="balanced"))
        model.fit([texts[i] for i in tr], y[tr])
        p = model.predict_proba([texts[i] for i in te])[:, 1]
        oof[te] = p
        m = metrics(y[te], p)
        folds.append(m)
        names = sorted(set(groups[te]))
        label = ", ".join(names) if len(names) <= 3 else f"{len(names)} groups"
        print(f"fold {k} ({len(te)} rows, groups {label}): f1 {m['f1']:.4f} roc_auc {m['roc_auc']:.4f} pr_auc {m['pr_auc']:.4f}")
    m = metrics(y, oof)
    print(f"pooled out-of-fold ({len(y)} rows, {int(y.sum())} positives):")
    for name in ("precision", "recall", "f1", "roc_auc", "pr_auc"):
        print(f"{name}: {m[name]:.4f}")
    mean = {k: float(np.nanmean([f[k] for f in folds])) for k in ("f1", "roc_auc", "pr_auc")}
    print(f"mean over folds: f1 {mean['f1']:.4f} roc_auc {mean['roc_auc']:.4f} pr_auc {mean['pr_auc']:.4f}")


if __name__ == "__main__":
    sys.exit(main())
