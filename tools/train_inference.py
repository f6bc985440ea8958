"""Train the reply-inference model and write bot/inference/model.json.

Run from the repository root with the ``train`` extra installed
(``pip install -e '.[train]'``)::

    nice -n 10 python tools/train_inference.py [--data DIR] [--rounds N] [--out PATH]

DIR is the irc-disentanglement corpus (default ``../shared/data/irc-disentanglement``):
the model learns from ``train/`` and the product threshold is read off ``dev/``, where
links between different authors must be right at least 85% of the time. The learner is
LightGBM (boosted trees of depth two, so that the shipped model compiles into pairwise
lookup tables, see bot/inference/model.py); it runs seeded on one thread, so a rerun
writes the same file. About ten minutes on one core.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.inference.corpus import CorpusSample, read_folder
from bot.inference.evaluation import (
    between_authors_at,
    corpus_guesses,
    previous_message_guesses,
    total_scores,
)
from bot.inference.features import CANDIDATES, FEATURES, WINDOW_SECONDS, features, prepare
from bot.inference.model import MODEL_VERSION, ReplyModel

ROOT = Path(__file__).resolve().parents[1]
PRECISION_TARGET = 0.85
PARAMETERS: dict[str, Any] = {
    "objective": "binary",
    "max_depth": 2,
    "num_leaves": 4,
    "learning_rate": 0.15,
    "min_data_in_leaf": 50,
    "bagging_fraction": 0.5,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "max_bin": 63,
    "seed": 13,
    "deterministic": True,
    "num_threads": 1,
    "verbose": -1,
}


def pairs(samples: list[CorpusSample]) -> tuple[np.ndarray, np.ndarray]:
    """One row per (annotated message, valid slot), labelled 1 where gold links them."""
    rows, labels = [], []
    for sample in samples:
        ids = np.array([m.message_id for m in sample.messages], np.int64)
        table, valid = features(prepare(sample.messages), np.arange(len(ids)))
        slots = np.arange(CANDIDATES + 1)
        annotated = np.isin(ids, list(sample.gold))
        for i in np.flatnonzero(annotated):
            kept = slots[valid[i]]
            rows.append(table[:, i, kept].T)
            labels.append(np.isin(ids[i - kept], list(sample.gold[int(ids[i])])))
    return np.concatenate(rows), np.concatenate(labels).astype(np.float64)


def tree_lists(booster: Any) -> list[Any]:
    """LightGBM's trees as nested [feature, threshold, left, right] lists (leaves: floats)."""

    def convert(node: dict[str, Any]) -> Any:
        if "leaf_value" in node:
            return float(node["leaf_value"])
        if node["decision_type"] != "<=" or node.get("missing_type", "None") not in ("None", None):
            raise SystemExit(f"unexpected split {node['decision_type']} / {node['missing_type']}")
        return [
            int(node["split_feature"]),
            float(node["threshold"]),
            convert(node["left_child"]),
            convert(node["right_child"]),
        ]

    return [convert(tree["tree_structure"]) for tree in booster.dump_model()["tree_info"]]


def ranked_pairs(booster: Any) -> list[tuple[int, int]]:
    """Pairs of features by the gain of the trees that use them together, best first."""
    gain: dict[tuple[int, int], float] = {}
    for tree in booster.dump_model()["tree_info"]:
        root = tree["tree_structure"]
        if "split_feature" not in root:
            continue
        first = int(root["split_feature"])
        for child in (root["left_child"], root["right_child"]):
            second = int(child.get("split_feature", first))
            key = (min(first, second), max(first, second))
            gain[key] = gain.get(key, 0.0) + root["split_gain"] / 2 + child.get("split_gain", 0.0)
    return sorted(gain, key=lambda key: -gain[key])


def choose_threshold(samples: list[CorpusSample], model: ReplyModel) -> tuple[float, float, float]:
    """The lowest score whose links between different authors are >= 85% right on dev."""
    guesses = [corpus_guesses(sample, model) for sample in samples]
    scores = sorted({g.score for found in guesses for g in found if g.between_authors})
    for threshold in scores:
        precision, recall = between_authors_at(samples, guesses, threshold)
        if precision >= PRECISION_TARGET:
            return threshold, precision, recall
    return 1.0, 1.0, 0.0


def main(argv: list[str] | None = None) -> int:
    """Train, check the compiled tables against LightGBM, and write the model file."""
    import lightgbm  # the `train` extra: never needed at run time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = ROOT.parent / "shared" / "data" / "irc-disentanglement"
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--rounds", type=int, default=800)
    parser.add_argument("--rank-rounds", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=64)
    parser.add_argument("--out", type=Path, default=ROOT / "bot/inference/model.json")
    args = parser.parse_args(argv)
    if not (args.data / "train").is_dir():
        print(f"error: no train/ split in {args.data}", file=sys.stderr)
        return 2

    started = time.monotonic()
    train = read_folder(args.data / "train")
    dev = read_folder(args.data / "dev")
    rows, labels = pairs(train)
    print(f"{len(train)} train samples, {len(rows):,} pairs ({labels.mean():.1%} linked)")
    data = lightgbm.Dataset(rows, labels, params={"max_bin": 63}, free_raw_data=False)
    # Each pair of features a tree uses costs a table lookup per candidate at run time:
    # a first, shorter run ranks the pairs, the model keeps the best --pairs of them
    # (a tree may then only split on the two features of one pair).
    ranking = lightgbm.train(PARAMETERS, data, args.rank_rounds)
    pairs_kept = ranked_pairs(ranking)[: args.pairs]
    print(f"ranked pairs in {time.monotonic() - started:.0f} s; kept {len(pairs_kept)}")
    constrained = {**PARAMETERS, "interaction_constraints": [list(p) for p in pairs_kept]}
    booster = lightgbm.train(constrained, data, args.rounds)
    print(f"trained in {time.monotonic() - started:.0f} s")

    spec: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "features": list(FEATURES),
        "candidates": CANDIDATES,
        "window_seconds": WINDOW_SECONDS,
        "base_score": 0.0,
        "threshold": 0.5,
        "learner": f"lightgbm {lightgbm.__version__}",
        "parameters": {
            **PARAMETERS,
            "rounds": args.rounds,
            "rank_rounds": args.rank_rounds,
            "pairs": args.pairs,
        },
        "trained_on": "irc-disentanglement train split (Kummerfeld et al., ACL 2019; CC-BY-4.0)",
        "trees": tree_lists(booster),
    }
    model = ReplyModel(spec)
    check_rows, _ = pairs(dev[:2])
    expected = booster.predict(check_rows, raw_score=True)
    if not np.allclose(model.raw(check_rows), expected, atol=1e-6):
        raise SystemExit("the compiled tables disagree with LightGBM")

    threshold, precision, recall = choose_threshold(dev, model)
    # Rounded down, so that the link that set it still passes it.
    spec["threshold"] = math.floor(threshold * 1e6) / 1e6
    spec["dev_between_authors"] = {"precision": round(precision, 4), "recall": round(recall, 4)}
    total = total_scores(dev, [corpus_guesses(sample, model) for sample in dev])
    baseline = total_scores(dev, [previous_message_guesses(sample) for sample in dev])
    spec["dev_links"] = {
        "precision": round(total.precision, 4),
        "recall": round(total.recall, 4),
        "f1": round(total.f1, 4),
    }
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"dev: previous-message baseline f1={baseline.f1:.3f}")
    print(f"dev: model p={total.precision:.3f} r={total.recall:.3f} f1={total.f1:.3f}")
    print(f"threshold {threshold:.4f}: between authors p={precision:.3f} r={recall:.3f}")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f"in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
