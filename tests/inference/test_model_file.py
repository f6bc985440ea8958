"""The shipped model file: it loads, and it is the model this code computes features for."""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

import numpy as np

from bot.inference import MODEL_VERSION, load_model
from bot.inference.features import CANDIDATES, FEATURES, WINDOW_SECONDS


def shipped() -> dict[str, Any]:
    text = resources.files("bot.inference").joinpath("model.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def test_the_shipped_model_has_the_version_and_features_the_code_expects() -> None:
    model = load_model()

    assert model.version == MODEL_VERSION
    assert model.features == FEATURES
    assert model.candidates == CANDIDATES
    assert model.window_seconds == WINDOW_SECONDS
    assert 0.0 < model.threshold < 1.0
    assert "Kummerfeld" in shipped()["trained_on"]


def walk(node: Any, row: list[float]) -> float:
    """One tree's value for a row, the plain way."""
    while isinstance(node, list):
        feature, threshold, left, right = node
        node = left if row[feature] <= threshold else right
    return float(node)


def test_the_compiled_tables_give_what_the_trees_give() -> None:
    spec = shipped()
    model = load_model()
    rng = random.Random(13)
    # Rows on and around every threshold the trees use, where an off-by-one would show.
    cuts = [
        sorted({n[1] for n in _nodes(spec["trees"]) if n[0] == f}) for f in range(len(FEATURES))
    ]
    rows = [
        [
            rng.choice([*cut, *(c + 1e-3 for c in cut), *(c - 1e-3 for c in cut), 0.0])
            for cut in cuts
        ]
        for _ in range(300)
    ]

    # Features are float32, as inference computes them.
    table = np.array(rows, np.float32)
    expected = [
        spec["base_score"] + sum(walk(tree, row) for tree in spec["trees"])
        for row in table.astype(np.float64).tolist()
    ]

    assert np.allclose(model.raw(table), expected, atol=1e-5)


def _nodes(trees: list[Any]) -> list[list[Any]]:
    found = []
    stack = list(trees)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            found.append(node)
            stack.extend(node[2:])
    return found
