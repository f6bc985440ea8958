"""Daily summaries -> a PNG trend chart, drawn off pyplot so it is safe in a worker thread.

The chart covers a whole range of days. A day the bot observed is drawn from its
summary, as zero when nothing happened; a day it did not observe (before it joined
the server) is a hatched grey band, so that "quiet" and "not seen" never look alike.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.analysis.summary import DailySummary

# Sized for a Discord embed image: 800 x 600 pixels.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 100
INK, MUTED, GRID = "#2b2d31", "#80848e", "#e3e5e8"
BLUE, TEAL, ORANGE, PURPLE = "#4c6ef5", "#12b886", "#f08c00", "#ae3ec9"
UNOBSERVED = "#b8bcc4"  # the hatch of a day the bot did not observe
MAX_TICKS = 8
MIN_DAYS_SHOWN = 7
FULL_TITLE_DAYS = 14  # with fewer observed days, the title says "since" the first one
TITLE_CHARS = 64
GUILD_TITLE_CHARS = 40
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# An opaque box, so that the legend reads over a hatched band.
_LEGEND: dict[str, Any] = {
    "loc": "upper left",
    "fontsize": 8,
    "frameon": True,
    "facecolor": "white",
    "edgecolor": "none",
    "framealpha": 1.0,
}


@dataclass(frozen=True, slots=True)
class ChartSpan:
    """The days a chart covers, ``first`` to ``last``, and which of them were observed."""

    first: date
    last: date
    observed: frozenset[date]

    @classmethod
    def observed_days(cls, first: date, last: date, first_observed: date | None) -> ChartSpan:
        """``first`` to ``last``, observed from ``first_observed`` on (never, if None)."""
        observed = set()
        if first_observed is not None:
            day = max(first, first_observed)
            while day <= last:
                observed.add(day)
                day += timedelta(days=1)
        return cls(first, last, frozenset(observed))

    @property
    def days(self) -> int:
        """How many days the chart covers."""
        return (self.last - self.first).days + 1

    def title(self, guild_name: str) -> str:
        """ "Ascolto Lab · Nov 12 to Nov 25", or "· since Nov 20" with fewer than 14
        observed days."""
        name = _clip(" ".join(guild_name.split()) or "This server", GUILD_TITLE_CHARS)
        if len(self.observed) < FULL_TITLE_DAYS:
            if not self.observed:
                return f"{name} · nothing observed yet"
            return f"{name} · since {_title_day(min(self.observed))}"
        return f"{name} · {_title_day(self.first)} to {_title_day(self.last)}"


def trend_chart(summaries: Sequence[DailySummary], span: ChartSpan, *, guild_name: str) -> bytes:
    """Four panels over ``span`` (talking and listening stacked, listening ratio, new
    connections, answers) as PNG; the same data gives the same bytes."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)  # attaches itself to fig: savefig renders with Agg, never pyplot
    # parse_math=False: a "$" in a guild name is text, not the start of a formula.
    fig.suptitle(
        _clip(span.title(guild_name), TITLE_CHARS),
        parse_math=False,
        x=0.06,
        ha="left",
        fontsize=13,
        color=INK,
        fontweight="bold",
    )
    by_day = {date.fromisoformat(s.day): s for s in summaries}
    shown = [by_day[day] for day in sorted(span.observed) if day in by_day]
    if span.days > 0:
        _draw_panels(fig, span, shown)
    else:
        _draw_empty(fig)
    buffer = io.BytesIO()
    # No "Software" chunk: the same data gives the same bytes across versions.
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _draw_empty(fig: Figure) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No data yet", ha="center", va="center", fontsize=16, color=MUTED)


def _draw_panels(fig: Figure, span: ChartSpan, summaries: Sequence[DailySummary]) -> None:
    # Positions in days from the range's first day: no date units needed.
    x = [float((date.fromisoformat(s.day) - span.first).days) for s in summaries]
    axes: list[Axes] = list(fig.subplots(4, 1, sharex=True))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.90, bottom=0.07, hspace=0.6)
    _activity(axes[0], x, summaries)
    _ratio(axes[1], x, [s.listening_ratio for s in summaries], TEAL, "Listening ratio")
    _bars(axes[2], x, [s.new_connections for s in summaries], PURPLE, "New connections")
    _ratio(
        axes[3],
        x,
        [s.response_rate for s in summaries],
        ORANGE,
        "Response rate (questions answered)",
    )
    unobserved = _runs(
        [k for k in range(span.days) if span.first + timedelta(days=k) not in span.observed]
    )
    for ax in axes:
        for first, last in unobserved:
            # Drawn under the data, over the whole height: the days are not zeros.
            ax.axvspan(
                first - 0.5,
                last + 0.5,
                facecolor="white",
                edgecolor=UNOBSERVED,
                hatch="///",
                linewidth=0,
                zorder=0,
            )
    if unobserved:
        axes[0].legend(
            handles=[
                *axes[0].get_legend_handles_labels()[0],
                Patch(facecolor="white", edgecolor=UNOBSERVED, hatch="///", label="not observed"),
            ],
            ncols=3,
            **_LEGEND,
        )
    else:
        axes[0].legend(ncols=2, **_LEGEND)
    _day_axis(axes, span.first, span.days - 1)


def _runs(offsets: list[int]) -> list[tuple[int, int]]:
    """Consecutive offsets as (first, last) runs: one hatched band per run, not per day."""
    runs: list[tuple[int, int]] = []
    for k in offsets:
        if runs and runs[-1][1] == k - 1:
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def _activity(ax: Axes, x: list[float], summaries: Sequence[DailySummary]) -> None:
    """Talking (conversation starters) below, listening (replies and reactions) on top."""
    _style(ax, "Talking and listening per day")
    talking = [s.conversation_starters for s in summaries]
    listening = [s.replies + s.reactions for s in summaries]
    _columns(ax, x, [0] * len(x), talking, BLUE, "talking (conversation starters)")
    _columns(ax, x, talking, listening, TEAL, "listening (replies + reactions)")
    quiet = [position for position, s in zip(x, summaries, strict=True) if _total(s) == 0]
    # A day with no activity is a zero, drawn as a flat mark on the baseline.
    ax.plot(
        quiet,
        [0] * len(quiet),
        linestyle="none",
        marker="_",
        markersize=14,
        markeredgewidth=2.5,
        color=INK,
    )
    top = max((_total(s) for s in summaries), default=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    # Headroom for the legend above the bars.
    ax.set_ylim(0, max(top, 1) * 1.45)


def _total(summary: DailySummary) -> int:
    return summary.conversation_starters + summary.replies + summary.reactions


def _style(ax: Axes, label: str) -> None:
    ax.set_title(label, loc="left", fontsize=10, color=INK, pad=4)
    ax.set_facecolor("white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=MUTED, labelsize=8, length=0)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _columns(
    ax: Axes, x: list[float], bottoms: list[int], heights: list[int], color: str, label: str = ""
) -> None:
    """Bars as one collection of rectangles: ax.bar adds an artist per day, which made a
    90-day chart of stacked bars twice as slow to draw."""
    rectangles = [
        [(p - 0.4, b), (p - 0.4, b + h), (p + 0.4, b + h), (p + 0.4, b)]
        for p, b, h in zip(x, bottoms, heights, strict=True)
        if h > 0
    ]
    ax.add_collection(
        PolyCollection(rectangles, facecolors=color, linewidths=0, label=label), autolim=False
    )


def _bars(ax: Axes, x: list[float], values: list[int], color: str, label: str) -> None:
    _style(ax, label)
    _columns(ax, x, [0] * len(x), values, color)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.set_ylim(0, max(max(values, default=0), 1) * 1.1)


def _ratio(ax: Axes, x: list[float], values: list[float | None], color: str, label: str) -> None:
    _style(ax, label)
    xs: list[float] = []
    ys: list[float] = []
    for position, value in zip(x, values, strict=True):
        if xs and position - xs[-1] > 1:
            # A missing day breaks the line like a None does: no data, no slope.
            xs.append(position - 1)
            ys.append(math.nan)
        xs.append(position)
        ys.append(math.nan if value is None else value)
    # Markers keep a lone day between two gaps visible.
    ax.plot(xs, ys, color=color, linewidth=1.8, marker="o", markersize=2.5)
    ax.set_ylim(0, 1.08)
    ax.set_yticks([0, 0.5, 1])
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    if all(v is None for v in values):  # also when no day was observed
        ax.text(
            0.5,
            0.5,
            "no data",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color=MUTED,
        )


def _day_axis(axes: list[Axes], first: date, span: int) -> None:
    step = max(1, math.ceil((span + 1) / MAX_TICKS))
    ticks = range(0, span + 1, step)
    labels = [_day_label(first + timedelta(days=k)) for k in ticks]
    # A short history stays at bar width of a week's chart instead of one huge bar.
    pad = max(0.7, (MIN_DAYS_SHOWN - span) / 2)
    axes[-1].set_xlim(-pad, span + pad)
    axes[-1].set_xticks(list(ticks), labels=labels)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)


def _title_day(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def _day_label(day: date) -> str:
    # Not strftime("%b"): the month must not change with the process locale.
    return f"{MONTHS[day.month - 1]} {day.day:02d}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
