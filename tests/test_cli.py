"""The console script as users and scripts call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "scenarios" / "report_claim_resolve_rate.jsonl"


def gridbot(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_simulate_and_tickets_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    result = gridbot("simulate", str(SCENARIO), "--db", db)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    first = lines[0]
    assert set(first) >= {"at", "chat", "text", "mentions"}
    assert first["at"] == "2026-11-23T09:00:00+08:00"
    assert first["chat"] == "room-xfl-1" and first["mentions"] == ["wx-wang"]
    assert "#1" in first["text"]

    listed = gridbot("tickets", "--json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    tickets = json.loads(listed.stdout)
    assert len(tickets) == 1
    keys = {
        "id",
        "status",
        "category",
        "urgent",
        "grid",
        "reporter",
        "assignee",
        "created_at",
        "claimed_at",
        "resolved_at",
        "closed_at",
        "rating",
        "escalation_level",
        "reports",
    }
    assert keys <= set(tickets[0])
    assert tickets[0]["status"] == "closed" and tickets[0]["rating"] == "satisfied"


def test_simulate_reports_bad_lines_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"at": "2026-11-23T09:00:00+08:00"}\n{"chat": "room-xfl-1"\n', encoding="utf-8")
    result = gridbot("simulate", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "line 2" in result.stderr and "Traceback" not in result.stderr


def test_broken_config_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[community]\nname = "x"\n[[groups]]\nid = "a"\nname = "A"\ngrid = "nope"\n',
        encoding="utf-8",
    )
    result = gridbot("tickets", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'y.db'}")
    assert result.returncode == 2
    assert "grid 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_demo_with_piped_input(tmp_path: Path) -> None:
    result = gridbot(
        "demo",
        "--db",
        f"sqlite:///{tmp_path / 'demo.db'}",
        stdin="3号楼井盖坏了\n/as 王芳\n/reply 收到\n",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if "网格助手 →" in line]
    assert "#1" in replies[0] and "@王芳" in replies[0]
    assert "王芳已接单 #1" in replies[1]
    assert result.stdout.rstrip().endswith("再见！")


def test_classify_contract() -> None:
    lines = [json.dumps({"text": t}, ensure_ascii=False) for t in
             ["3号楼门口井盖坏了", "大家早上好", "5号楼有很浓的燃气味"]]
    result = gridbot("classify", stdin="\n".join(lines) + "\nnot json\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["ticket"] is True and out[0]["category"] == "municipal"
    assert out[0]["location"] and out[0]["evidence"]
    assert out[1] == {**out[1], "ticket": False, "category": None, "urgent": False}
    assert out[2]["urgent"] is True and out[2]["category"] == "safety"
    assert "error" in out[3]


def test_triage_eval_prints_the_figures(tmp_path: Path) -> None:
    labelled = tmp_path / "small.tsv"
    labelled.write_text(
        "1\tmunicipal\t0\t3号楼门口井盖坏了\n0\t-\t0\t大家早上好\n1\tcare|wish\t0\t帮我买点降压药\n",
        encoding="utf-8",
    )
    result = gridbot("triage-eval", str(labelled))
    assert result.returncode == 0, result.stderr
    for word in ("precision", "recall", "F1"):
        assert word.lower() in result.stdout.lower()


def test_export_writes_the_ledger(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert gridbot("simulate", str(SCENARIO), "--db", db).returncode == 0
    out = tmp_path / "ledger.xlsx"
    result = gridbot("export", "--period", "2026-11-01~2026-11-30", "--out", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and 1 in rows[2]  # title, header, ticket #1
    bad = gridbot("export", "--period", "明年", "--out", str(out), "--db", db)
    assert bad.returncode == 2 and "明年" in bad.stderr
