"""`gridbot classify` starts without the database layer (issue 14, point 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import io, sys
sys.stdin = io.StringIO('{"text": "3号楼井盖坏了"}\\n')
from bot.cli.main import main
code = main(["classify"])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "storage"))
print("RESULT", code, ",".join(heavy) or "-")
"""


def test_classify_imports_no_database_layer() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    _, code, heavy = result.split(" ", 2)
    assert code == "0"
    assert heavy == "-", heavy
