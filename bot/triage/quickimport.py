"""Importing jieba without setuptools' pkg_resources.

jieba (like zhconv) tries ``import pkg_resources`` only to open its own data files, and
falls back to opening them next to its module when that import fails. pkg_resources
scans every installed distribution on import (about 60 ms, most of a cold start), so
the engine makes that import fail for the moment jieba loads: the package then reads
the same files by path.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without_pkg_resources(name: str) -> ModuleType:
    """``import name`` with ``pkg_resources`` unavailable, unless it is already loaded."""
    if name in sys.modules or "pkg_resources" in sys.modules:
        return importlib.import_module(name)
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import raises
    try:
        return importlib.import_module(name)
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
