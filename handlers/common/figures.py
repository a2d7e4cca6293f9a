"""Figures and durations as staff read them: the 统计 answer and the scheduled reports."""

from __future__ import annotations

from bot.config import Config
from bot.domain.taxonomy import category_label
from bot.messaging.phrases import rough_duration
from bot.reporting.stats import Figures, Report

fmt_duration = rough_duration


def fmt_rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def figure_lines(f: Figures) -> list[str]:
    return [
        f"受理 {f.received}｜接单 {f.claimed}｜办结 {f.resolved}｜结案 {f.closed}",
        f"超时 {f.overdue}"
        + (f"｜撤销 {f.cancelled}" if f.cancelled else "")
        + (f"｜上报 {f.handed_up}" if f.handed_up else ""),
        f"响应率 {fmt_rate(f.response_rate)}（{f.responded}/{f.response_due}）",
        f"解决率 {fmt_rate(f.resolution_rate)}（{f.resolved}/{f.valid}）",
        f"满意率 {fmt_rate(f.satisfaction_rate)}（{f.satisfied + f.fair}/{f.rated}）",
        f"接单用时中位 {fmt_duration(f.median_claim)}",
        f"办结用时中位 {fmt_duration(f.median_resolve)}",
    ]


def format_report(config: Config, report: Report, where: str, title: str = "统计") -> str:
    lines = [f"📊 {where} {title}", report.period.describe()]
    if report.total.received == 0:
        return "\n".join([*lines, "这段时间没有受理工单。"])
    lines += figure_lines(report.total)
    if len(report.by_category) > 0:
        lines.append("—— 按类别 ——")
        ordered = sorted(report.by_category.items(), key=lambda kv: (-kv[1].received, kv[0]))
        for code, f in ordered:
            lines.append(
                f"{category_label(code)} {f.received}｜办结 {f.resolved}｜超时 {f.overdue}"
            )
    if len(report.by_grid) > 1 or report.scope.grids is None:
        lines.append("—— 按网格 ——")
        for grid_id, f in sorted(report.by_grid.items(), key=lambda kv: str(kv[0])):
            lines.append(
                f"{config.grid_label(grid_id)} {f.received}｜响应 {fmt_rate(f.response_rate)}"
                f"｜解决 {fmt_rate(f.resolution_rate)}｜满意 {fmt_rate(f.satisfaction_rate)}"
            )
    return "\n".join(lines)
