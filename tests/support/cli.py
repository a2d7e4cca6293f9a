"""Running the console script as users and scripts call it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAYTIME = "2026-11-23T10:00:00+08:00"


def gridbot(
    *args: str,
    stdin: str | bytes = "",
    cwd: Path = ROOT,
    now: str | None = DAYTIME,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The console script on a clock pinned at ``now`` (GRIDBOT_NOW), never the wall's
    (``now=None`` only for `gridbot run`, which needs the real one)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    if now is not None:
        env["GRIDBOT_NOW"] = now
    if isinstance(stdin, bytes):
        stdin = stdin.decode("utf-8", errors="surrogateescape")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
