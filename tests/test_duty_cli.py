"""`gridbot duty --at TIME [--grid G]`: who is on duty and by which rule."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import gridbot
from tests.support.duty import ROSTER, SAMPLE


def test_duty_at_night_and_on_a_holiday(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SAMPLE + ROSTER, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'duty.db'}"
    night = gridbot("duty", "--config", str(config), "--db", db, "--at", "2026-11-23T23:00")
    assert night.returncode == 0, night.stderr
    assert "第一网格：陈主任（wx-chen）— 社区值班员" in night.stdout
    day = gridbot(
        "duty", "--config", str(config), "--db", db, "--at", "2026-11-23T10:00", "--grid", "g1"
    )
    assert "王芳（wx-wang）— 第一网格排班：工作日 08:30-17:30" in day.stdout
    assert "第二网格" not in day.stdout
    holiday = gridbot("duty", "--config", str(config), "--db", db, "--at", "2026-10-01T10:00")
    assert "法定节假日" in holiday.stdout and "陈主任" in holiday.stdout
    bad = gridbot("duty", "--config", str(config), "--db", db, "--grid", "g9")
    assert bad.returncode == 2 and "g9" in bad.stderr
