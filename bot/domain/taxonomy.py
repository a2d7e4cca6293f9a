"""Request categories: the codes are part of the public contract (DESIGN.md)."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, str] = {
    "municipal": "市政设施",
    "building": "楼院设施",
    "utility": "水电气暖",
    "sanitation": "环境卫生",
    "safety": "安全隐患",
    "care": "为老助困",
    "dispute": "邻里纠纷",
    "order": "秩序管理",
    "consult": "政策咨询",
    "wish": "微心愿",
    "other": "其他",
}

CATEGORIES = tuple(CATEGORY_LABELS)


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, CATEGORY_LABELS["other"])
