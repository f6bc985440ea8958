"""The trend chart: a valid PNG of embed size for any history, fast, and thread-safe."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from bot.analysis.summary import DailySummary
from bot.render.chart import trend_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def history(days: int, *, ratios: bool = True, skip: tuple[int, ...] = ()) -> list[DailySummary]:
    """``days`` consecutive summaries from 2026-01-01, without the ``skip`` offsets."""
    start = date(2026, 1, 1)
    return [
        DailySummary(
            guild_id=1,
            day=(start + timedelta(days=i)).isoformat(),
            timezone="UTC",
            computed_at="2026-04-01T00:00:00+00:00",
            messages=20 + i % 17,
            new_connections=i % 5,
            listening_ratio=(0.2 + (i % 7) / 10) if ratios and i % 11 else None,
            response_rate=(i % 4) / 3 if ratios and i % 4 else None,
        )
        for i in range(days)
        if i not in skip
    ]


def pixel_size(png: bytes) -> tuple[int, int]:
    """(width, height) of the decoded image."""
    height, width = imread(io.BytesIO(png)).shape[:2]
    return width, height


@pytest.mark.parametrize(
    "summaries",
    [
        pytest.param([], id="empty"),
        pytest.param(history(1), id="one-day"),
        pytest.param(history(90), id="90-days"),
        pytest.param(history(30, skip=(3, 4, 5, 20)), id="missing-days"),
        pytest.param(history(14, ratios=False), id="all-none-ratios"),
    ],
)
def test_chart_is_an_embed_sized_png(summaries: list[DailySummary]) -> None:
    png = trend_chart(summaries, title="Ascolto Lab")
    assert png.startswith(PNG_SIGNATURE)
    assert pixel_size(png) == (800, 600)


def test_the_same_history_gives_the_same_bytes() -> None:
    assert trend_chart(history(10), title="t") == trend_chart(history(10), title="t")


def test_a_title_with_dollars_and_a_huge_length_still_renders() -> None:
    png = trend_chart(history(3), title="$$$ club $x^2$ " + "w" * 300)
    assert pixel_size(png) == (800, 600)


def test_ninety_days_render_quickly() -> None:
    trend_chart([], title="warm-up: font cache")
    started = time.perf_counter()
    trend_chart(history(90), title="90 days")
    # Measured near 0.15 s; the bound leaves room for a slow CI machine.
    assert time.perf_counter() - started < 1.5


def test_charts_render_in_parallel_threads() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        pngs = list(pool.map(lambda n: trend_chart(history(n), title=str(n)), [1, 7, 30, 90]))
    assert all(pixel_size(png) == (800, 600) for png in pngs)
