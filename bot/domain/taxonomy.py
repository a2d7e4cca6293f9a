"""Request categories: the codes are part of the public contract (DESIGN.md)."""

from __future__ import annotations

from bot.vocabulary import CATEGORIES, Category

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "Category", "category_label"]

CATEGORY_LABELS: dict[str, str] = {
    Category.MUNICIPAL: "市政设施",
    Category.BUILDING: "楼院设施",
    Category.UTILITY: "水电气暖",
    Category.SANITATION: "环境卫生",
    Category.SAFETY: "安全隐患",
    Category.CARE: "为老助困",
    Category.DISPUTE: "邻里纠纷",
    Category.ORDER: "秩序管理",
    Category.CONSULT: "政策咨询",
    Category.WISH: "微心愿",
    Category.OTHER: "其他",
}


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, CATEGORY_LABELS[Category.OTHER])
