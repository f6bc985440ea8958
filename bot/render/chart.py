"""Daily summaries -> a PNG trend chart, drawn off pyplot so it is safe in a worker thread."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.analysis.summary import DailySummary

# Sized for a Discord embed image: 800 x 600 pixels.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 100
INK, MUTED, GRID = "#2b2d31", "#80848e", "#e3e5e8"
BLUE, TEAL, ORANGE, PURPLE = "#4c6ef5", "#12b886", "#f08c00", "#ae3ec9"
MAX_TICKS = 8
MIN_DAYS_SHOWN = 7
TITLE_CHARS = 64
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def trend_chart(summaries: Sequence[DailySummary], *, title: str) -> bytes:
    """Four panels over the given days (messages, listening, new connections, answers) as PNG."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)  # attaches itself to fig: savefig renders with Agg, never pyplot
    # parse_math=False: a "$" in a guild name is text, not the start of a formula.
    fig.suptitle(
        _clip(title, TITLE_CHARS),
        parse_math=False,
        x=0.06,
        ha="left",
        fontsize=13,
        color=INK,
        fontweight="bold",
    )
    if summaries:
        _draw_panels(fig, summaries)
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


def _draw_panels(fig: Figure, summaries: Sequence[DailySummary]) -> None:
    days = [date.fromisoformat(s.day) for s in summaries]
    # Positions in days from the first one: missing days leave a gap, no date units needed.
    first = min(days)
    x = [float((day - first).days) for day in days]
    axes: list[Axes] = list(fig.subplots(4, 1, sharex=True))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.90, bottom=0.07, hspace=0.55)
    _bars(axes[0], x, [s.messages for s in summaries], BLUE, "Messages per day")
    _ratio(axes[1], x, [s.listening_ratio for s in summaries], TEAL, "Listening ratio")
    _bars(axes[2], x, [s.new_connections for s in summaries], PURPLE, "New connections")
    _ratio(
        axes[3],
        x,
        [s.response_rate for s in summaries],
        ORANGE,
        "Response rate (questions answered)",
    )
    _day_axis(axes, first, int(max(x)))


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


def _bars(ax: Axes, x: list[float], values: list[int], color: str, label: str) -> None:
    _style(ax, label)
    ax.bar(x, values, width=0.8, color=color, linewidth=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.set_ylim(0, max(max(values), 1) * 1.1)


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
    if all(v is None for v in values):
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


def _day_label(day: date) -> str:
    # Not strftime("%b"): the month must not change with the process locale.
    return f"{MONTHS[day.month - 1]} {day.day:02d}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
