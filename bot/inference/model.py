"""The shipped model: boosted trees of depth two, compiled into lookup tables at load.

A tree of depth two splits on a feature f, then on g (left) and h (right), so it is a
sum of a term in (f, g) and a term in (f, h). Summing every tree's terms per pair of
features gives one small table per pair, indexed by the bins the trees' thresholds cut
each feature into: scoring a row is then a few gathers per pair, whatever the number of
trees, and it runs over all candidates of all messages at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_VERSION = "irc-gbt2-2"
MODEL_FILE = "model.json"

Float = npt.NDArray[np.float64]


@dataclass(slots=True)
class _Table:
    first: int
    second: int
    values: Float  # (bins of first, bins of second), flattened row-major
    width: int


class ReplyModel:
    """Scores candidate antecedents: ``raw(features)`` is the trees' summed log-odds."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.version: str = spec["model_version"]
        self.features: tuple[str, ...] = tuple(spec["features"])
        self.threshold: float = float(spec["threshold"])
        self.candidates: int = int(spec["candidates"])
        self.window_seconds: float = float(spec["window_seconds"])
        self.base: float = float(spec.get("base_score", 0.0))
        trees: list[list[Any]] = spec["trees"]
        edges: list[set[float]] = [set() for _ in self.features]
        for tree in trees:
            for feature, threshold in _splits(tree):
                edges[feature].add(threshold)
        self.edges = [np.array(sorted(found), np.float64) for found in edges]
        self._tables = self._compile(trees)

    def _compile(self, trees: list[list[Any]]) -> list[_Table]:
        sizes = [len(edge) + 1 for edge in self.edges]
        tables: dict[tuple[int, int], Float] = {}
        for tree in trees:
            if not isinstance(tree, list):
                self.base += float(tree)
                continue
            feature, threshold, left, right = tree
            cut = int(np.searchsorted(self.edges[feature], threshold)) + 1
            for child, rows in ((left, slice(0, cut)), (right, slice(cut, None))):
                if not isinstance(child, list):
                    key = (feature, feature)
                    table = tables.setdefault(key, np.zeros((sizes[feature], 1)))
                    table[rows, 0] += child
                    continue
                inner, inner_threshold, low, high = child
                inner_cut = int(np.searchsorted(self.edges[inner], inner_threshold)) + 1
                if inner == feature:
                    table = tables.setdefault((feature, feature), np.zeros((sizes[feature], 1)))
                    column = np.zeros(sizes[feature])
                    column[:inner_cut] = low
                    column[inner_cut:] = high
                    table[rows, 0] += column[rows]
                    continue
                key = (feature, inner)
                table = tables.setdefault(key, np.zeros((sizes[feature], sizes[inner])))
                table[rows, :inner_cut] += low
                table[rows, inner_cut:] += high
        return [
            _Table(first, second, table.ravel(), table.shape[1])
            for (first, second), table in sorted(tables.items())
        ]

    def raw(self, rows: npt.NDArray[np.float32]) -> Float:
        """The log-odds of each row (one row per candidate, columns as ``features``)."""
        bins = [
            np.searchsorted(edge, rows[:, column], side="left") if len(edge) else None
            for column, edge in enumerate(self.edges)
        ]
        total = np.full(len(rows), self.base)
        for table in self._tables:
            first = bins[table.first]
            assert first is not None
            if table.width == 1:
                total += table.values[first]
                continue
            second = bins[table.second]
            assert second is not None
            total += table.values[first * table.width + second]
        return total


def _splits(node: Any) -> list[tuple[int, float]]:
    """Every (feature, threshold) a tree splits on."""
    if not isinstance(node, list):
        return []
    feature, threshold, left, right = node
    return [(int(feature), float(threshold)), *_splits(left), *_splits(right)]


def load_model(text: str | None = None) -> ReplyModel:
    """The shipped model (or one given as JSON text)."""
    if text is None:
        text = resources.files("bot.inference").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return ReplyModel(json.loads(text))
