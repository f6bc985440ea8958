"""The dashboard's pictures as SVG, drawn on the server with matplotlib (no script, no
request to another host): the 90-day trends and the connections graph.

Drawn off pyplot, so safe in a worker thread (the routes draw in one). The style is the
digest chart's (bot/render/chart.py): its palette, its way of drawing a quiet day as a
zero and an unobserved day as nothing. Text is drawn as paths; matplotlib escapes what
it keeps of it as XML comments, so a member's name cannot become markup.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import networkx as nx
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.analysis.summary import DailySummary
from bot.dashboard.people import Edge, Network
from bot.render.chart import BLUE, GRID, INK, MUTED, ORANGE, PURPLE, TEAL
from bot.render.text import clip

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NODE_LABEL_CHARS = 18
_LEGEND: dict[str, Any] = {"loc": "upper left", "fontsize": 8, "frameon": False}


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # Text as SVG text, not glyph outlines: a third of the size, drawn in half the time,
    # and in the browser's own sans-serif (matplotlib escapes it as XML). No date: the
    # same data gives the same bytes.
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _columns(
    ax: Axes,
    x: Sequence[float],
    bottoms: Sequence[int],
    heights: Sequence[int],
    color: str,
    label: str,
    width: float = 0.8,
) -> None:
    """Bars as one collection of rectangles (ax.bar makes an artist per day: slower)."""
    half = width / 2
    rectangles = [
        [(p - half, b), (p - half, b + h), (p + half, b + h), (p + half, b)]
        for p, b, h in zip(x, bottoms, heights, strict=True)
        if h > 0
    ]
    ax.add_collection(
        PolyCollection(rectangles, facecolors=color, linewidths=0, label=label), autolim=False
    )


def trends_svg(summaries: Sequence[DailySummary], first: date, last: date) -> bytes:
    """Three panels over ``first`` to ``last``: talking and listening (stacked), the
    response rate, new and reciprocal connections. A day with no stored summary is left
    empty, not drawn as zero."""
    fig = Figure(figsize=(9.0, 6.0), dpi=100, facecolor="white")
    FigureCanvasSVG(fig)
    axes: list[Axes] = list(fig.subplots(3, 1, sharex=True))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.07, hspace=0.45)
    by_day = {date.fromisoformat(s.day): s for s in summaries}
    shown = [(float((d - first).days), s) for d, s in sorted(by_day.items()) if first <= d <= last]
    x = [p for p, _ in shown]
    days = [s for _, s in shown]

    _style(axes[0], "Talking and listening per day")
    talking = [s.conversation_starters for s in days]
    listening = [s.replies + s.reactions for s in days]
    _columns(axes[0], x, [0] * len(x), talking, BLUE, "talking (conversation starters)")
    _columns(axes[0], x, talking, listening, TEAL, "listening (replies + reactions)")
    top = max((t + li for t, li in zip(talking, listening, strict=True)), default=0)
    axes[0].set_ylim(0, max(top, 1) * 1.4)
    axes[0].yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    axes[0].legend(ncols=2, **_LEGEND)

    _style(axes[1], "Response rate (questions answered)")
    _line(axes[1], x, [s.response_rate for s in days], ORANGE)
    axes[1].set_ylim(0, 1.08)
    axes[1].set_yticks([0, 0.5, 1])
    axes[1].yaxis.set_major_formatter(PercentFormatter(xmax=1))

    _style(axes[2], "New and reciprocal connections")
    zeros = [0] * len(x)
    new = [s.new_connections for s in days]
    reciprocal = [s.reciprocal_connections for s in days]
    _columns(axes[2], [p - 0.2 for p in x], zeros, new, PURPLE, "new", width=0.4)
    _columns(axes[2], [p + 0.2 for p in x], zeros, reciprocal, INK, "reciprocal", width=0.4)
    peak = max((max(s.new_connections, s.reciprocal_connections) for s in days), default=0)
    axes[2].set_ylim(0, max(peak, 1) * 1.4)
    axes[2].yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    axes[2].legend(ncols=2, **_LEGEND)

    span = (last - first).days
    step = max(1, math.ceil((span + 1) / 8))
    ticks = list(range(0, span + 1, step))
    axes[-1].set_xlim(-0.7, span + 0.7)
    axes[-1].set_xticks(ticks, labels=[_day_label(first + timedelta(days=k)) for k in ticks])
    if not days:
        axes[0].text(
            0.5,
            0.5,
            "no summaries stored for these days",
            transform=axes[0].transAxes,
            ha="center",
            va="center",
            fontsize=10,
            color=MUTED,
        )
    return _svg(fig)


def _style(ax: Axes, label: str) -> None:
    ax.set_title(label, loc="left", fontsize=10, color=INK, pad=4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=INK, labelsize=8, length=0)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _line(ax: Axes, x: list[float], values: list[float | None], color: str) -> None:
    xs: list[float] = []
    ys: list[float] = []
    for position, value in zip(x, values, strict=True):
        if xs and position - xs[-1] > 1:
            xs.append(position - 1)  # a missing day breaks the line
            ys.append(math.nan)
        xs.append(position)
        ys.append(math.nan if value is None else value)
    ax.plot(xs, ys, color=color, linewidth=1.8, marker="o", markersize=3)


def _day_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day:02d}"


def network_svg(network: Network) -> bytes:
    """The connections graph: a dot per member sized by their connections, named; a
    solid line per link made by interactions, a dashed one per link only inferred. The
    layout is seeded: the same network gives the same picture."""
    fig = Figure(figsize=(9.0, 7.0), dpi=100, facecolor="white")
    FigureCanvasSVG(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.92))
    ax.set_axis_off()
    if not network.degree:
        ax.text(
            0.5,
            0.5,
            "No connections in these days",
            ha="center",
            va="center",
            fontsize=14,
            color=MUTED,
            transform=ax.transAxes,
        )
        return _svg(fig)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(network.degree))
    for e in network.edges:
        graph.add_edge(e.a, e.b)
    positions = nx.spring_layout(
        graph, seed=7, k=1.6 / math.sqrt(max(len(graph), 1)), iterations=30
    )
    heaviest = max((e.interactions for e in network.edges if not e.inferred), default=1)
    # One path per kind and width of line, not an artist (nor an SVG element) per link:
    # a dense network of the 60 most connected has up to 1,770 links, and their widths
    # are a handful of interaction counts. Each link is a subpath of its own (a dash
    # pattern starts again at each), drawn as a line of its own would be.
    widths: dict[tuple[bool, float], list[Edge]] = {}
    for e in network.edges:
        width = 0.6 + 2.4 * (0.2 if e.inferred else e.interactions / heaviest)
        widths.setdefault((e.inferred, width), []).append(e)
    for (inferred, width), alike in sorted(widths.items()):
        ax.add_artist(  # not add_patch: the members' dots set the limits, and faster
            PathPatch(
                MplPath(
                    [positions[end] for e in alike for end in (e.a, e.b)],
                    [MplPath.MOVETO, MplPath.LINETO] * len(alike),
                ),
                fill=False,
                edgecolor=ORANGE if inferred else MUTED,
                linestyle="--" if inferred else "-",
                linewidth=width,
                capstyle="butt",
                zorder=1,
            )
        )
    most = max(network.degree.values())
    members = sorted(network.degree)
    sizes = {m: 6 + 18 * math.sqrt(network.degree[m] / most) for m in members}
    ax.scatter(
        [positions[m][0] for m in members],
        [positions[m][1] for m in members],
        s=[sizes[m] ** 2 for m in members],
        color=BLUE,
        edgecolors="white",
        zorder=2,
    )
    for member in members:
        x, y = positions[member]
        ax.annotate(
            clip(network.names[member], NODE_LABEL_CHARS),
            (x, y),
            xytext=(0, sizes[member] / 2 + 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=INK,
            annotation_clip=False,
            zorder=3,
        )
    handles = [
        Line2D([], [], color=MUTED, linewidth=2, label="connection (replies, mentions, reactions)"),
        Line2D(
            [],
            [],
            color=BLUE,
            marker="o",
            linestyle="none",
            markersize=9,
            label="member (bigger: more connections)",
        ),
    ]
    if any(e.inferred for e in network.edges):
        handles.insert(
            1,
            Line2D(
                [],
                [],
                color=ORANGE,
                linestyle="--",
                linewidth=2,
                label="inferred reply only (dashed)",
            ),
        )
    fig.legend(handles=handles, loc="upper left", ncols=3, fontsize=8, frameon=False)
    ax.margins(0.12)
    return _svg(fig)
