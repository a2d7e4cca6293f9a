"""Figures and durations as staff read them: the 统计 answer and the scheduled reports."""

from __future__ import annotations

from bot.config import Config
from bot.domain.taxonomy import category_label
from bot.messaging import phrases
from bot.reporting.stats import Figures, Report

fmt_duration = phrases.rough_duration
fmt_rate = phrases.percent


def figure_lines(f: Figures) -> list[str]:
    return [
        phrases.counts_line(f.received, f.claimed, f.resolved, f.closed),
        phrases.overdue_line(f.overdue, f.cancelled, f.handed_up),
        phrases.response_rate_line(f.response_rate, f.responded, f.response_due),
        phrases.resolution_rate_line(f.resolution_rate, f.resolved, f.valid),
        phrases.satisfaction_rate_line(f.satisfaction_rate, f.satisfied + f.fair, f.rated),
        phrases.median_claim_line(f.median_claim),
        phrases.median_resolve_line(f.median_resolve),
    ]


def format_report(config: Config, report: Report, where: str, title: str = "统计") -> str:
    lines = [phrases.figures_title(where, title), report.period.describe()]
    if report.total.received == 0:
        return "\n".join([*lines, phrases.NOTHING_RECEIVED])
    lines += figure_lines(report.total)
    if len(report.by_category) > 0:
        lines.append(phrases.BY_CATEGORY)
        ordered = sorted(report.by_category.items(), key=lambda kv: (-kv[1].received, kv[0]))
        for code, f in ordered:
            lines.append(
                phrases.category_figures(category_label(code), f.received, f.resolved, f.overdue)
            )
    if len(report.by_grid) > 1 or report.scope.grids is None:
        lines.append(phrases.BY_GRID)
        for grid_id, f in sorted(report.by_grid.items(), key=lambda kv: str(kv[0])):
            lines.append(
                phrases.grid_figures(
                    config.grid_label(grid_id),
                    f.received,
                    f.response_rate,
                    f.resolution_rate,
                    f.satisfaction_rate,
                )
            )
    return "\n".join(lines)
