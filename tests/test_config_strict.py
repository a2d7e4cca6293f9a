"""The config is checked completely when it loads (issue 11, point 3).

Every section is parsed into typed settings at load; unknown keys and tables are refused
with the nearest known one; every problem is one ConfigError line naming file and key.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import (
    MAX_DURATION,
    ConfigError,
    Faq,
    ReportSettings,
    WechatySettings,
    load_config,
    parse_config,
    parse_duration,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")
# The sample's own [[faq]] entries taken out, so an added one is faq[0] (or may be a table).
WITHOUT_FAQ = re.sub(r"(?ms)^\[\[faq\]\]$.*?(?=^# ---)", "", EXAMPLE)


def refused(text: str) -> str:
    """Load ``text`` as config.toml; return the one-line message it is refused with."""
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text), source="config.toml")
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith("config.toml: "), message
    return message


def example_with(old: str, new: str) -> str:
    """The sample config with ``old`` (at the start of a line, so not in a comment)
    replaced by ``new``."""
    found = re.search("(?m)^" + re.escape(old), EXAMPLE)
    assert found is not None, old
    return EXAMPLE[: found.start()] + new + EXAMPLE[found.end() :]


# --- the traps from the issue -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            example_with('workers = ["wx-wang", "wx-zhao"]', 'worker = ["wx-wang", "wx-zhao"]'),
            "config.toml: grids[0].worker is not a known key; did you mean 'workers'?",
        ),
        (
            example_with('rating_timeout = "24h"', 'rating_timout = "24h"'),
            "config.toml: timing.rating_timout is not a known key; did you mean 'rating_timeout'?",
        ),
        (
            EXAMPLE + '\n[report]\ndaily = true\n',
            "config.toml: [report] is not a known table; did you mean [reports]?",
        ),
        (
            example_with('leader = "wx-liu"', 'leeder = "wx-liu"'),
            "config.toml: grids[0].leeder is not a known key; did you mean 'leader'?",
        ),
        (
            example_with("[[grids]]", "[[grid]]"),
            "config.toml: [[grid]] is not a known table; did you mean [[grids]]?",
        ),
    ],
)
def test_unknown_keys_and_tables_name_the_nearest_known_one(text: str, expected: str) -> None:
    assert refused(text) == expected


@pytest.mark.parametrize(
    ("names", "shown"),
    [('"网格助手"', "'网格助手'"), ("[1, 2]", "[1, 2]"), ("[]", "[]"), ('["网格助手", " "]', "")],
)
def test_bot_names_must_be_a_list_of_names(names: str, shown: str) -> None:
    message = refused(example_with('names = ["网格助手"]', f"names = {names}"))
    assert message.startswith("config.toml: bot.names must be a list of names"), message
    assert shown in message


@pytest.mark.parametrize(
    "value", ["1e308", "inf", "nan", "-5", '"99999999999999999999d"', '"3651d"']
)
def test_durations_must_be_finite_and_bounded(value: str) -> None:
    message = refused(example_with('rating_timeout = "24h"', f"rating_timeout = {value}"))
    assert message.startswith("config.toml: timing.rating_timeout: "), message


def test_the_longest_duration_is_accepted() -> None:
    assert parse_duration("3650d", "x") == MAX_DURATION
    assert parse_duration(90, "x") == timedelta(minutes=90)
    with pytest.raises(ConfigError, match="longer than 3650 days"):
        parse_duration(MAX_DURATION.total_seconds() / 60 + 1, "x")
    with pytest.raises(ConfigError):
        parse_duration(True, "x")


def test_database_url_must_be_text() -> None:
    message = refused(EXAMPLE + "\n[database]\nurl = 5\n")
    assert message == "config.toml: database.url must be non-empty text (a database URL), not 5"


def test_duplicate_window_fails_at_load_not_in_the_first_report() -> None:
    message = refused(EXAMPLE + '\n[triage]\nduplicate_window = "two days"\n')
    assert message.startswith("config.toml: triage.duplicate_window: 'two days' is not a duration")


@pytest.mark.parametrize("value", ["0.3", "1.5", '"high"', "true"])
def test_a_rescue_line_outside_its_range_is_one_line(value: str) -> None:
    message = refused(EXAMPLE + f"\n[triage]\nrescue_line = {value}\n")
    assert message.startswith("config.toml: triage.rescue_line must be a number from 0.5 to 1.0")
    assert "\n" not in message


def test_a_rescue_line_is_read_and_reaches_the_engine() -> None:
    from bot.triage import TriageEngine

    config = parse_config(tomllib.loads(EXAMPLE + "\n[triage]\nrescue_line = 0.97\n"))
    assert config.triage.rescue_line == 0.97
    assert TriageEngine.from_config(config)._rescue_line == 0.97
    assert parse_config(tomllib.loads(EXAMPLE)).triage.rescue_line is None


# --- every level, every type ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (example_with('name = "幸福里社区"', 'nam = "幸福里社区"'), "community.nam"),
        (example_with('[bot]\nnames = ["网格助手"]', '[bot]\nname = ["x"]'), "bot.name "),
        (EXAMPLE + '\n[database]\nuri = "sqlite://"\n', "database.uri"),
        (EXAMPLE + '\n[triage]\nword = ["x"]\n', "did you mean 'words'?"),
        (EXAMPLE + '\n[reports]\ndayly = true\n', "did you mean 'daily'?"),
        (EXAMPLE + '\n[duty]\nofficer = ["wx-chen"]\n', "duty.officer "),
        (EXAMPLE + '\n[[duty.shifts]]\ngrid = "g1"\nday = "all"\n', "duty.shifts[0].day "),
        (
            EXAMPLE
            + '\n[[duty.overrides]]\ndate = "2026-12-24"\nperson = "wx-zhao"\nreplace = "x"\n',
            "duty.overrides[0].replace ",
        ),
        (EXAMPLE + '\n[[duty.leave]]\nperson = "wx-wang"\nform = "2026-12-01"\n', "'from'"),
        (EXAMPLE + '\n[calendar]\nholiday = ["2026-10-01"]\n', "did you mean 'holidays'?"),
        (EXAMPLE + '\n[escalation]\nnormall = "15m"\n', "did you mean 'normal'?"),
        (EXAMPLE + '\n[overdue]\nwarn = 0.8\n', "did you mean 'warn_at'?"),
        (EXAMPLE + '\n[overdue.limits]\nmunicipel = "3h"\n', "did you mean 'municipal'?"),
        (EXAMPLE + '\n[quiet_hours]\nwindows = "22:00-07:00"\n', "did you mean 'window'?"),
        (example_with('grid = "g2"\n', 'grid = "g2"\ngrop = 1\n'), "groups[2].grop "),
        (example_with('role = "admin"', 'role = "admin"\nrol = "x"'), "people[7].rol "),
        (EXAMPLE + '\n[wechaty]\nwelcom = "hi"\n', "did you mean 'welcome'?"),
        (EXAMPLE + '\n[wecom]\nmod = "ws"\n', "did you mean 'mode'?"),
        (EXAMPLE + '\n[privacy]\nkeep_day = 30\n', "did you mean 'keep_days'?"),
        (EXAMPLE + '\n[web]\nprot = 8000\n', "did you mean 'port'?"),
        (EXAMPLE + '\n[[faq]]\nkeyword = ["低保"]\nanswer = "x"\n', "did you mean 'keywords'?"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(text: str, needle: str) -> None:
    message = refused(text)
    assert needle in message and "is not a known key" in message, message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (example_with('timezone = "Asia/Shanghai"', 'timezone = "Asia"'), "community.timezone"),
        (example_with('timezone = "Asia/Shanghai"', "timezone = 8"), "community.timezone"),
        (example_with('staff_group = "staff-room"', "staff_group = 1"), "community.staff_group"),
        (example_with('staff_group = "staff-room"', 'staff_group = ""'), "community.staff_group"),
        (example_with('name = "第一网格"', "name = 1"), "grids[0].name"),
        (example_with('leader = "wx-liu"', 'leader = ["wx-liu"]'), "grids[0].leader"),
        (example_with('id = "room-xfl-1"', 'id = ""'), "groups[0].id"),
        (example_with('grid = "g2"\n', 'grid = "g2"\nplatform = "wechat"\n'), "groups[2].platform"),
        (example_with('role = "admin"', 'role = "boss"'), "people[7].role"),
        (example_with('role = "admin"', 'role = "admin"\nphone = 13800000000'), "people[7].phone"),
        (EXAMPLE + "\n[triage]\nwords = [1]\n", "triage.words"),
        (EXAMPLE + '\n[triage]\nsynonyms = {"电驴" = 1}\n', "triage.synonyms"),
        (EXAMPLE + '\n[reports]\ndaily = "yes"\n', "reports.daily"),
        (EXAMPLE + '\n[reports]\ndaily_time = "8.30"\n', "reports.daily_time"),
        (EXAMPLE + '\n[escalation]\nenabled = "no"\n', "escalation.enabled"),
        (EXAMPLE + '\n[[duty.overrides]]\ndate = "2026-12-24"\nperson = "wx-zhao"\ngrid = ["g1"]\n',
         "duty.overrides[0].grid"),
        (EXAMPLE + '\n[[duty.leave]]\nperson = "wx-wang"\nfrom = 2026-12-01T10:00:00\n',
         "duty.leave[0].from"),
        (EXAMPLE + '\n[wechaty]\nenabled = "yes"\n', "wechaty.enabled"),
        (EXAMPLE + '\n[wechaty]\ntoken = "abc"\n', "WECHATY_PUPPET_SERVICE_TOKEN"),
        (EXAMPLE + '\n[wecom]\nsecret = "abc"\n', "WECOM_BOT_SECRET"),
        (EXAMPLE + "\n[wecom]\nenabled = 1\n", "wecom.enabled"),
        (EXAMPLE + "\n[wecom]\nrate_per_minute = inf\n", "wecom.rate_per_minute"),
        (EXAMPLE + '\n[wecom.webhooks]\n"staff-room" = "abc"\n', "wecom.webhooks.staff-room"),
    ],
)
def test_wrong_types_and_values_name_the_key(text: str, key: str) -> None:
    assert key in refused(text)


def test_wecom_webhook_chat_ids_are_free_keys() -> None:
    config = parse_config(
        tomllib.loads(EXAMPLE + '\n[wecom.webhooks]\n"any-chat_id.1" = "WECOM_WEBHOOK_KEY_A"\n')
    )
    assert config.wecom.webhooks == (("any-chat_id.1", "WECOM_WEBHOOK_KEY_A"),)
    assert config.wecom.enabled  # a present [wecom] runs unless enabled = false


# --- the contract additions, typed even before anything uses them ---------------------------

ADDITIONS = """
[privacy]
keep_days = 365

[web]
host = "0.0.0.0"
port = 8081

[[faq]]
keywords = ["低保", "怎么申请"]
answer = "带身份证和户口本到社区服务站一楼3号窗口办理。"
"""


def test_contract_additions_are_accepted_and_typed() -> None:
    text = example_with(
        'staff_group = "staff-room"',
        'staff_group = "staff-room"\nemergency = ["火警 119", "急救 120"]',
    )
    config = parse_config(tomllib.loads(text + ADDITIONS))
    assert config.emergency == ("火警 119", "急救 120")
    answer = "带身份证和户口本到社区服务站一楼3号窗口办理。"
    assert config.faq[-1] == Faq(("低保", "怎么申请"), answer)  # after the sample's own
    assert config.privacy.keep_days == 365
    assert (config.web.enabled, config.web.host, config.web.port) == (True, "0.0.0.0", 8081)


def test_contract_additions_default_off() -> None:
    config = parse_config(tomllib.loads(EXAMPLE))
    assert config.emergency == ()
    assert [faq.keywords[0] for faq in config.faq] == ["上班", "电话", "地址"]  # the demo's
    assert config.privacy.keep_days == 365  # a year, unless the community says otherwise
    assert not config.web.enabled


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("[privacy]\nkeep_days = 0\n", "privacy.keep_days"),
        ("[privacy]\nkeep_days = 36501\n", "privacy.keep_days"),
        ("[privacy]\nkeep_days = 30.5\n", "privacy.keep_days"),
        ("[privacy]\nkeep_days = true\n", "privacy.keep_days"),
        ("[web]\nenabled = 1\n", "web.enabled"),
        ("[web]\nhost = 1\n", "web.host"),
        ("[web]\nport = 0\n", "web.port"),
        ("[web]\nport = 65536\n", "web.port"),
        ('[[faq]]\nkeywords = "低保"\nanswer = "x"\n', "faq[0].keywords"),
        ('[[faq]]\nkeywords = []\nanswer = "x"\n', "faq[0].keywords"),
        ('[[faq]]\nanswer = "x"\n', "faq[0].keywords"),
        ('[[faq]]\nkeywords = ["低保"]\n', "faq[0].answer"),
        ('[[faq]]\nkeywords = ["低保"]\nanswer = 1\n', "faq[0].answer"),
        ("[faq]\nkeywords = []\n", "[[faq]]"),
    ],
)
def test_contract_additions_are_type_checked(extra: str, key: str) -> None:
    assert key in refused(WITHOUT_FAQ + "\n" + extra)


def test_emergency_must_be_lines_of_text() -> None:
    for value in ('"119"', "[119]", '[""]'):
        text = example_with('staff_group = "staff-room"', f'staff_group = "x"\nemergency = {value}')
        assert "community.emergency must be a list of text lines" in refused(text)


# --- typed settings on Config -----------------------------------------------------------------


def test_sections_are_typed_on_the_config() -> None:
    text = EXAMPLE + (
        '\n[triage]\nwords = ["紫荆"]\nsynonyms = {"电驴" = "电动车"}\nduplicate_window = "3d"\n'
        '\n[reports]\ndaily = true\nweekly_day = "fri"\n'
        '\n[wechaty]\nwelcome = " 欢迎 "\n'
        '\n[database]\nurl = "sqlite:///x.db"\n'
    )
    config = parse_config(tomllib.loads(text))
    assert config.triage.words == ("紫荆",)
    assert dict(config.triage.synonyms) == {"电驴": "电动车"}
    assert config.triage.duplicate_window == timedelta(days=3)
    assert isinstance(config.reports, ReportSettings)
    assert config.reports.daily and config.reports.weekly_day == 4
    assert isinstance(config.wechaty, WechatySettings)
    assert config.wechaty.enabled and config.wechaty.welcome == "欢迎"
    assert not config.wecom.enabled
    assert config.database_url == "sqlite:///x.db"
    assert config.bot_names == ("网格助手",)
    with pytest.raises(AttributeError):
        config.triage.duplicate_window = timedelta()  # type: ignore[misc]


# --- every shipped config still loads ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [ROOT / "config.example.toml", *sorted((ROOT / "tests").rglob("*.toml"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_shipped_configs_load(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if "[community]" in text:
        config = load_config(path)
    else:  # a scenario's own tables, added to the sample community (tests/support/duty.py)
        config = parse_config(tomllib.loads(EXAMPLE + "\n" + text), source=str(path))
    assert config.community_name


# --- one line through the CLI, never a traceback -------------------------------------------


def gridbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (example_with('workers = ["wx-wang", "wx-zhao"]', 'worker = ["x"]'), "grids[0].worker"),
        (example_with('rating_timeout = "24h"', "rating_timeout = 1e308"), "rating_timeout"),
        (EXAMPLE + '\n[triage]\nduplicate_window = "two days"\n', "triage.duplicate_window"),
        ("[community\nname = 1\n", "not valid TOML"),
    ],
)
def test_cli_refuses_a_bad_config_with_one_line(tmp_path: Path, bad: str, needle: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(bad, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = gridbot("tickets", "--json", "--config", str(config), "--db", db, cwd=tmp_path)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gridbot: {config}: ") and needle in lines[0], lines[0]
    assert result.stdout == ""


def test_cli_refuses_a_non_utf8_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(EXAMPLE.encode("gbk"))
    result = gridbot("tickets", "--config", str(config), "--db", "sqlite://", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"gridbot: {config}: not UTF-8 text"


def test_every_documented_key_is_accepted() -> None:
    """Uncomment every commented-out table and key of config.example.toml: it still loads,
    so the sample documents no key the loader refuses."""
    value = r'("[^"]*"|\[.*\]|\{.*\}|[\w.:-]+)'
    setting = re.compile(rf'^# (\[\[?[\w.]+\]\]?|"?[\w-]+"? = {value})\s*(#.*)?$')
    lines = [line[2:] if setting.match(line) else line for line in EXAMPLE.splitlines()]
    uncommented = sum(1 for a, b in zip(lines, EXAMPLE.splitlines(), strict=True) if a != b)
    assert uncommented > 100
    config = parse_config(tomllib.loads("\n".join(lines)), source="all-keys")
    assert config.wechaty.enabled and config.wecom.enabled and config.web.enabled
    assert config.duty.duty.shifts and config.faq and config.privacy.keep_days == 365
    assert config.emergency and config.triage.words and config.reports.daily
    assert config.database_url == "sqlite:///gridbot.db"
