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

from bot.inference.features import INTEGER_FEATURES

MODEL_VERSION = "irc-gbt2-4"
MODEL_FILE = "model.json"

Float = npt.NDArray[np.float64]


@dataclass(slots=True)
class _Table:
    first: int
    second: int
    # (bins of first, bins of second), flattened row-major; float32 halves the memory
    # traffic and is far finer than the model's own precision.
    values: npt.NDArray[np.float32]
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
        self._edges32 = [_round_down(edge) for edge in self.edges]
        self._lookups = [
            self._lookup(edge) if name in INTEGER_FEATURES else None
            for name, edge in zip(self.features, self.edges, strict=True)
        ]
        self._tables = self._compile(trees)

    def _compile(self, trees: list[list[Any]]) -> list[_Table]:
        sizes = [len(edge) + 1 for edge in self.edges]
        pairs: dict[tuple[int, int], Float] = {}
        singles: dict[int, Float] = {}

        def cut(feature: int, threshold: float) -> int:
            # Bin b holds values up to edges[b]: "x <= threshold" is "bin < cut".
            return int(np.searchsorted(self.edges[feature], threshold)) + 1

        def add(first: int, rows: slice, second: int, columns: slice, value: float) -> None:
            if first == second:
                # Both splits on one feature: the bins inside both ranges.
                single = singles.setdefault(first, np.zeros(sizes[first]))
                inside = np.zeros((2, sizes[first]), np.bool_)
                inside[0, rows] = True
                inside[1, columns] = True
                single[inside.all(axis=0)] += value
                return
            # One table per unordered pair: (f, g) and (g, f) trees share it.
            if first > second:
                first, second, rows, columns = second, first, columns, rows
            table = pairs.setdefault((first, second), np.zeros((sizes[first], sizes[second])))
            table[rows, columns] += value

        everything = slice(None)
        for tree in trees:
            if not isinstance(tree, list):
                self.base += float(tree)
                continue
            feature, threshold, left, right = tree
            split = cut(feature, threshold)
            for child, rows in ((left, slice(0, split)), (right, slice(split, None))):
                if not isinstance(child, list):
                    add(feature, rows, feature, everything, float(child))
                    continue
                inner, inner_threshold, low, high = child
                inner_split = cut(inner, inner_threshold)
                add(feature, rows, inner, slice(0, inner_split), float(low))
                add(feature, rows, inner, slice(inner_split, None), float(high))
        # A single feature's terms ride along in a pair table that has the feature.
        for feature, single in singles.items():
            home = next((key for key in pairs if feature in key), None)
            if home is None:
                pairs[(feature, feature)] = single[:, None].copy()
            elif home[0] == feature:
                pairs[home] += single[:, None]
            else:
                pairs[home] += single[None, :]
        return [
            _Table(first, second, table.ravel().astype(np.float32), table.shape[1])
            for (first, second), table in sorted(pairs.items())
        ]

    def raw(self, rows: npt.NDArray[np.float32]) -> Float:
        """The log-odds of each row (one row per candidate, columns as ``features``)."""
        return self.raw_columns(np.ascontiguousarray(rows.T))

    def raw_columns(self, columns: npt.NDArray[np.float32]) -> Float:
        """The log-odds of each candidate, from one array per feature (shape (features, n))."""
        bins = [self._bin(number, column) for number, column in enumerate(columns)]
        total = np.full(columns.shape[1], self.base, np.float32)
        # One index buffer of the platform's index type, filled in place: indexing with
        # it needs no conversion, and no temporary is made per table.
        index = np.empty(columns.shape[1], np.intp)
        for table in self._tables:
            if table.width == 1:
                total += table.values[bins[table.first]]
            else:
                np.multiply(bins[table.first], table.width, out=index)
                index += bins[table.second]
                total += table.values[index]
        return total.astype(np.float64)

    def _bin(self, number: int, column: npt.NDArray[np.float32]) -> npt.NDArray[np.integer[Any]]:
        """Which bin of its feature each value falls in (bin b: up to edges[b])."""
        lookup = self._lookups[number]
        if lookup is None:
            return np.searchsorted(self._edges32[number], column)
        low, table = lookup
        # Whole numbers: clipped into the range the lookup covers, where the bins end.
        # (np.clip is several times slower than these two ufuncs; an index of the
        # platform's index type needs no conversion to index the lookup.)
        index = column.astype(np.intp)
        np.maximum(index, low, out=index)
        np.minimum(index, low + len(table) - 1, out=index)
        index -= low
        found: npt.NDArray[np.int32] = table[index]
        return found

    def _lookup(self, edges: Float) -> tuple[int, npt.NDArray[np.int32]] | None:
        """For a feature of whole numbers: the first value and each value's bin."""
        if len(edges) == 0:
            return 0, np.zeros(1, np.int32)
        low, high = int(np.floor(edges[0])), int(np.ceil(edges[-1])) + 1
        if high - low > 4096:
            return None
        values = np.arange(low, high + 1, dtype=np.float64)
        return low, np.searchsorted(edges, values).astype(np.int32)


def _round_down(edges: Float) -> npt.NDArray[np.float32]:
    """Each edge as the largest float32 not above it: for float32 values, "x <= edge" is
    then the same test, and searchsorted needs no conversion."""
    rounded = edges.astype(np.float32)
    above = rounded.astype(np.float64) > edges
    rounded[above] = np.nextafter(rounded[above], np.float32(-np.inf))
    return rounded


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
