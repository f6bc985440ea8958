"""The trend chart: a valid PNG of embed size for any history, fast, and thread-safe; days
not observed visibly apart from quiet ones, and a title that gives the dates."""

from __future__ import annotations

import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from bot.analysis.summary import DailySummary
from bot.render.chart import BLUE, TEAL, UNOBSERVED, ChartSpan, trend_chart

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
            conversation_starters=10 + i % 5,
            replies=10 + i % 17 - i % 5,
            reactions=i % 3,
            new_connections=i % 5,
            listening_ratio=(0.2 + (i % 7) / 10) if ratios and i % 11 else None,
            response_rate=(i % 4) / 3 if ratios and i % 4 else None,
        )
        for i in range(days)
        if i not in skip
    ]


def chart(summaries: list[DailySummary], *, since: int = 0, days: int | None = None) -> bytes:
    """The chart over 2026-01-01 and the following ``days`` (default: up to the last
    summary), observed from the ``since`` offset on."""
    start = date(2026, 1, 1)
    last = start + timedelta(days=(days or len(summaries) or 1) - 1)
    if summaries and days is None:
        last = max(last, date.fromisoformat(summaries[-1].day))
    span = ChartSpan.observed_days(start, last, start + timedelta(days=since))
    return trend_chart(summaries, span, guild_name="Ascolto Lab")


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
    png = chart(summaries)
    assert png.startswith(PNG_SIGNATURE)
    assert pixel_size(png) == (800, 600)


def test_the_same_history_gives_the_same_bytes() -> None:
    assert chart(history(10), since=3, days=14) == chart(history(10), since=3, days=14)


def test_a_title_with_dollars_and_a_huge_length_still_renders() -> None:
    span = ChartSpan.observed_days(date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 1))
    png = trend_chart(history(3), span, guild_name="$$$ club $x^2$ " + "w" * 300)
    assert pixel_size(png) == (800, 600)


def test_charts_render_in_parallel_threads() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        pngs = list(pool.map(lambda n: chart(history(n)), [1, 7, 30, 90]))
    assert all(pixel_size(png) == (800, 600) for png in pngs)


def pixels_near(png: bytes, colour: str, rows: slice = slice(None)) -> int:
    """How many pixels (in ``rows``) are within a small distance of ``colour``."""
    image = imread(io.BytesIO(png))[rows, :, :3]
    target = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return int((abs(image - target).max(axis=2) < 0.03).sum())


def test_days_not_observed_are_hatched_and_quiet_days_are_not() -> None:
    quiet = [
        dataclasses.replace(s, messages=0, conversation_starters=0, replies=0, reactions=0)
        for s in history(14)
    ]
    not_observed = chart(history(14)[7:], since=7, days=14)
    observed_but_quiet = chart(quiet, since=0, days=14)

    assert pixels_near(not_observed, UNOBSERVED) > 5000
    assert (
        pixels_near(chart(history(14), since=0, days=14), UNOBSERVED) < 1000
    )  # anti-aliased text and grid come near
    assert (
        pixels_near(observed_but_quiet, UNOBSERVED) < 1000
    )  # anti-aliased text and grid come near


def test_talking_and_listening_are_stacked() -> None:
    top_panel = slice(40, 160)  # rows of the first panel, above the listening ratio's
    talking_only = [dataclasses.replace(s, replies=0, reactions=0) for s in history(14)]
    listening_only = [dataclasses.replace(s, conversation_starters=0) for s in history(14)]

    both = chart(history(14))
    assert pixels_near(both, BLUE, top_panel) > 2000
    assert pixels_near(both, TEAL, top_panel) > 2000
    assert pixels_near(chart(talking_only), TEAL, top_panel) < 500  # the legend's key
    assert pixels_near(chart(listening_only), BLUE, top_panel) < 500


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (0, "Ascolto Lab · Nov 12 to Nov 25"),
        (13, "Ascolto Lab · since Nov 25"),
        (6, "Ascolto Lab · since Nov 18"),
        (None, "Ascolto Lab · nothing observed yet"),
    ],
)
def test_the_title_gives_the_dates_or_since_when(since: int | None, expected: str) -> None:
    first = date(2026, 11, 12)
    observed_from = None if since is None else first + timedelta(days=since)
    span = ChartSpan.observed_days(first, date(2026, 11, 25), observed_from)

    assert span.title("Ascolto Lab") == expected
    assert "last" not in span.title("Ascolto Lab")


def test_a_long_range_with_fourteen_observed_days_gives_its_dates() -> None:
    span = ChartSpan.observed_days(date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 18))

    assert span.title("Lab") == "Lab · Jan 1 to Mar 31"
    assert span.days == 90
