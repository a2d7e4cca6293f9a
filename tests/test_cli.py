"""The console script as users and scripts call it."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.cli import DAYTIME, ROOT, gridbot

SCENARIO = ROOT / "tests" / "scenarios" / "report_claim_resolve_rate.jsonl"





def test_simulate_and_tickets_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    result = gridbot("simulate", str(SCENARIO), "--db", db)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    first = lines[0]
    assert set(first) >= {"at", "chat", "text", "mentions"}
    assert first["at"] == "2026-11-23T09:00:00+08:00"
    assert first["chat"] == "room-xfl-1" and first["mentions"] == ["res-zhang", "wx-wang"]
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
    assert replies[1] == (
        "  🤖 网格助手 → 幸福里1-2号楼居民群: "
        "@张阿姨 您反映的“3号楼井盖坏了”（#1），网格员王芳已接单，正在处理。"
    )
    assert result.stdout.rstrip().endswith("再见！")


def test_demo_answers_whoever_mentions_the_bot(tmp_path: Path) -> None:
    """Typed "@网格助手 …" reaches the bot as from WeChat: the sample FAQ answers it, and a
    phone number goes privately; a question for the community gets the answer even
    without an @, instead of a ticket."""
    result = gridbot(
        "demo",
        stdin="@网格助手 社区几点上班\n请问社区几点上班\n@网格助手 社区电话多少\n",
        cwd=tmp_path,
        now="2026-11-23T10:00:00+08:00",
    )
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if "网格助手 →" in line]
    assert "幸福里1-2号楼居民群: @张阿姨 社区服务站周一至周五 8:30—17:30 办公" in replies[0]
    # The same question without an @, as one for the community (请问…, a ticket otherwise):
    # the answer, not a ticket. A phone number goes privately.
    assert "幸福里1-2号楼居民群: @张阿姨 社区服务站周一至周五 8:30—17:30 办公" in replies[1]
    assert "私信给张阿姨: 社区服务站电话：0571-8888 6666" in replies[2]
    assert "幸福里1-2号楼居民群: @张阿姨" in replies[3] and "0571" not in replies[3]
    assert len(replies) == 4
    assert "已登记" not in result.stdout


def test_demo_at_night_says_the_group_hears_in_the_morning(tmp_path: Path) -> None:
    result = gridbot(
        "demo", stdin="3号楼井盖坏了\n/advance 8h\n", cwd=tmp_path, now="2026-11-23T23:30:00+08:00"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    replies = [line for line in out.splitlines() if "网格助手 →" in line]
    # The reporter is answered at once: recorded, when, and whom to call meanwhile.
    assert replies[0] == (
        "  🤖 网格助手 → 幸福里1-2号楼居民群: @张阿姨 您反映的“3号楼井盖坏了”已登记，"
        "编号 #1（市政设施）。现在是夜间，网格员明早07:00后处理。"
        "如遇紧急情况请直接拨打：火警 119，急救 120，报警 110。"
    )
    assert "私信给王芳" in replies[1] and "#1" in replies[1]  # the worker hears at once
    assert "夜间免打扰" in out and "07:00" in out
    assert "幸福里1-2号楼居民群" in replies[2] and "#1" in replies[2]  # the group at 07:00


def demo_tickets(tmp_path: Path) -> list[int]:
    listed = gridbot("tickets", "--json", "--db", f"sqlite:///{tmp_path / 'gridbot-demo.db'}")
    assert listed.returncode == 0, listed.stderr
    return [t["id"] for t in json.loads(listed.stdout)]


def test_demo_and_simulate_never_touch_the_configured_database(tmp_path: Path) -> None:
    production = tmp_path / "production.db"
    config = tmp_path / "config.toml"
    sample = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(
        sample.replace("# [database]\n", f'[database]\nurl = "sqlite:///{production}"\n', 1),
        encoding="utf-8",
    )
    assert gridbot("db", "upgrade", "--config", str(config), cwd=tmp_path).returncode == 0
    demo = gridbot("demo", "--config", str(config), stdin="2号楼有煤气味\n", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    sim = gridbot("simulate", str(SCENARIO), "--config", str(config), cwd=tmp_path)
    assert sim.returncode == 0, sim.stderr and "#1" in sim.stdout
    real = gridbot("tickets", "--json", "--config", str(config), cwd=tmp_path)
    assert json.loads(real.stdout) == []  # the production database holds no demo ticket
    assert demo_tickets(tmp_path) == [1]  # the demo kept its own file


def test_demo_continues_until_started_afresh(tmp_path: Path) -> None:
    for report in ("3号楼井盖坏了", "5号楼路灯不亮了"):
        assert gridbot("demo", stdin=f"{report}\n", cwd=tmp_path).returncode == 0
    assert demo_tickets(tmp_path) == [1, 2]
    fresh = gridbot("demo", "--fresh", stdin="3号楼井盖坏了\n", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert demo_tickets(tmp_path) == [1]


def one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridbot: "), result.stderr
    assert "Traceback" not in result.stderr and len(lines[0]) < 600
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_absurd_arguments_get_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    one_error_line(gridbot("duty", "--at", "9999-12-31T10:00", "--db", db), "--at", "9999")
    one_error_line(gridbot("duty", "--at", "x" * 5000, "--db", db), "--at")
    one_error_line(
        gridbot("export", "--period", "9999-12-31", "--out", str(tmp_path / "l.xlsx"), "--db", db),
        "--period",
    )
    one_error_line(
        gridbot("export", "--period", "0001-01-01~0001-01-03", "--out", "l.xlsx", "--db", db),
        "--period",
    )
    forever = tmp_path / "forever.jsonl"
    forever.write_text('{"advance": 1e400}\n', encoding="utf-8")
    one_error_line(gridbot("simulate", str(forever), "--db", db), "line 1")
    latin = tmp_path / "latin1.jsonl"
    latin.write_bytes('{"chat": "room-xfl-1", "text": "caf\u00e9"}\n'.encode("latin-1"))
    one_error_line(gridbot("simulate", str(latin), "--db", db), "UTF-8")
    tsv = tmp_path / "gbk.tsv"
    tsv.write_bytes("1\tmunicipal\t0\t井盖坏了\n".encode("gbk"))
    one_error_line(gridbot("triage-eval", str(tsv)), "UTF-8")
    one_error_line(gridbot("tickets", "--db", db, now="tomorrow"), "GRIDBOT_NOW")


def test_classify_answers_a_line_that_is_not_utf8() -> None:
    stdin = "井盖坏了".encode("gbk") + b"\n" + '{"text": "3号楼井盖坏了"}\n'.encode()
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "classify"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "GRIDBOT_NOW": DAYTIME},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert "error" in first and second["ticket"] is True


def test_classify_answers_each_line_of_a_conversation_at_once() -> None:
    """A program that writes one message and waits for its answer gets it before it
    writes the next (answers are written in blocks only when more input is waiting)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "classify"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "GRIDBOT_NOW": DAYTIME},
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        answers = []
        for text in ("3号楼井盖坏了", "今天天气不错"):
            proc.stdin.write((json.dumps({"text": text}, ensure_ascii=False) + "\n").encode())
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, f"no answer to {text!r} while the next line waits"
            answers.append(json.loads(proc.stdout.readline()))
        assert [a["ticket"] for a in answers] == [True, False]
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_seen_lists_unlisted_groups_and_senders(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'seen.db'}"
    scenario = tmp_path / "seen.jsonl"
    scenario.write_text(
        "\n".join(
            json.dumps(step, ensure_ascii=False)
            for step in (
                {"at": "2026-11-23T09:00:00+08:00"},
                {"chat": "room-new", "from": "wxid_a", "name": "老王", "text": "接龙 大米"},
                {"advance": "5m"},
                {"chat": "room-new", "from": "wxid_a", "name": "老王", "text": "我的ID"},
                {"chat": "room-xfl-1", "from": "wxid_b", "name": "张阿姨", "text": "大家好"},
            )
        )
        + "\n",
        encoding="utf-8",
    )
    sim = gridbot("simulate", str(scenario), "--db", db)
    assert sim.returncode == 0, sim.stderr
    (answer,) = [json.loads(line) for line in sim.stdout.splitlines()]
    assert answer["chat"] == "dm:wxid_a" and "wxid_a" in answer["text"]
    result = gridbot("seen", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert all(set(item) == {"kind", "id", "name", "first_seen", "last_seen", "messages"}
               for item in seen)
    by_id = {(item["kind"], item["id"]): item for item in seen}
    group = by_id[("group", "room-new")]
    assert group["messages"] == 2
    assert group["first_seen"] == "2026-11-23T09:00:00+08:00"
    assert group["last_seen"] == "2026-11-23T09:05:00+08:00"
    assert by_id[("person", "wxid_a")]["name"] == "老王"
    assert by_id[("person", "wxid_b")]["messages"] == 1
    assert ("group", "room-xfl-1") not in by_id and ("person", "wx-wang") not in by_id
    text = gridbot("seen", "--db", db)
    assert "room-new" in text.stdout and "[[groups]]" in text.stdout


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


def test_run_on_a_busy_callback_port_is_one_line(tmp_path: Path) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    config = tmp_path / "config.toml"
    sample = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(
        sample + f'\n[wecom]\nmode = "callback"\ncallback_host = "127.0.0.1"\n'
        f"callback_port = {port}\n",
        encoding="utf-8",
    )
    # Tencent's published sample callback secrets: valid in form, useless for anything real.
    aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    secrets = {"WECOM_TOKEN": "QDG6eK", "WECOM_AES_KEY": aes_key}
    try:
        result = gridbot(
            "run", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'run.db'}",
            now=None, env=secrets,
        )
    finally:
        busy.close()
    assert "Unclosed" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("gridbot: ")]
    assert result.returncode == 2 and len(errors) == 1, result.stderr
    assert "in use" in errors[0] and "Traceback" not in result.stderr


def test_demo_names_private_chats_by_name(tmp_path: Path) -> None:
    result = gridbot("demo", stdin="我的ID\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "私信给张阿姨" in result.stdout and "私信给res-zhang" not in result.stdout
    assert "res-zhang" in result.stdout  # the id itself is what was asked for
