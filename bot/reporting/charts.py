"""The weekly chart: tickets per category and the daily trend, as a PNG for the staff group.

Chinese labels need a CJK font, and servers rarely have one: without it matplotlib draws
empty boxes (豆腐块). The project depends on a PyPI package that ships Noto Sans SC
(``pylopdf-fonts-zh-cn``, SIL OFL), so ``pip install`` is all a deployment needs. The font is
passed to each text element by file, not registered in matplotlib's global settings, and
the figure is drawn on a bare Agg canvas without pyplot, so nothing here holds global state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.reporting.periods import WEEKDAYS


def cjk_font_path() -> Path:
    """The bundled Noto Sans SC; fails loudly if the dependency is missing."""
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise FileNotFoundError(f"the CJK font is missing from the install: {path}")
    return path


@dataclass(frozen=True, slots=True)
class WeeklyChartData:
    title: str  # "幸福里社区 11月16日—11月22日"
    categories: list[tuple[str, int]]  # (中文 label, tickets), largest first
    days: list[tuple[date, int]]  # tickets received per day
    resolved_days: list[tuple[date, int]] | None = None


def render_weekly_chart(data: WeeklyChartData, path: Path) -> Path:
    # Imported here: matplotlib takes a noticeable moment to load, and only reports need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(fname=str(cjk_font_path()))
    title_font = FontProperties(fname=str(cjk_font_path()), size=15)
    figure = Figure(figsize=(8, 8), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=[1.1, 1])
    figure.suptitle(data.title, fontproperties=title_font)

    labels = [label for label, _ in data.categories] or ["（无）"]
    counts = [count for _, count in data.categories] or [0]
    positions = list(range(len(labels)))[::-1]
    bars = top.barh(positions, counts, color="#2f7ed8")
    top.set_yticks(positions, labels)
    top.set_title("按类别的工单数", fontproperties=font)
    top.bar_label(bars, padding=3, fontsize=9)
    top.set_xlim(0, max([*counts, 1]) * 1.15)
    for label in top.get_yticklabels():
        label.set_fontproperties(font)
    top.xaxis.set_major_locator(MaxNLocator(integer=True))
    top.spines[["top", "right"]].set_visible(False)

    xs = list(range(len(data.days)))
    day_labels = [f"{d.month}/{d.day}\n{WEEKDAYS[d.weekday()]}" for d, _ in data.days]
    received = [n for _, n in data.days]
    bottom.plot(xs, received, marker="o", color="#2f7ed8", label="受理")
    for x, n in zip(xs, received, strict=True):
        bottom.annotate(str(n), (x, n), textcoords="offset points", xytext=(0, 6), ha="center")
    if data.resolved_days is not None:
        done = [n for _, n in data.resolved_days]
        bottom.plot(xs, done, marker="s", color="#2ca02c", label="办结")
    bottom.set_xticks(xs, day_labels)
    for label in bottom.get_xticklabels():
        label.set_fontproperties(font)
    bottom.set_ylim(0, max([*received, 1]) * 1.25)
    bottom.set_title("每日趋势", fontproperties=font)
    bottom.legend(prop=font, loc="upper right")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.grid(axis="y", alpha=0.3)
    bottom.spines[["top", "right"]].set_visible(False)

    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
