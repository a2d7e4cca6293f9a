"""Importing jieba and zhconv without setuptools' pkg_resources.

Both try ``import pkg_resources`` only to open their own data files, and fall back to
opening them next to their module when that import fails. pkg_resources scans every
installed distribution on import (60–200 ms, most of a cold start of `gridbot classify`),
so that import is made to fail for the moment they load: the packages then read the same
files by path.
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
