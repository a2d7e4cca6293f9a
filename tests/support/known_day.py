"""Every figure of 统计 against values worked out by hand from a scenario with known timings.

Monday 2026-11-23 (Asia/Shanghai), the sample community, figures read at Wed 11-25 09:00:

  #1 09:00 municipal g1  claim 09:10 (10m)  resolve 11:00 (2h)   满意 → closed
  #2 09:30 utility   g2  claim 10:30 (60m)  resolve 12:30        不满意 → reopened, still open
  #3 10:00 building  g1  claim 10:05 (5m)   resolve 10:45 (45m)  基本满意 → closed
  #4 13:00 care      g1  claim 13:20 (20m)  resolve 18:00 (5h)   no rating → closed 11-24 18:00
  #5 14:00 sanitation g2 never claimed (assigned to 周磊: 李娜 has #2 open)

  received 5; claimed 4; response due 5 (4 claimed + #5 unclaimed past 15m);
  responded 2 (#1, #3 within 15m) → 响应率 40%
  resolved 3 (#1, #3, #4; #2 was reopened) → 解决率 60%; closed 3
  overdue 1: #4 (care 4h, took 5h); #2 (utility 48h, open 47.5h) and #5 (sanitation 48h,
             open 43h) are not overdue yet (limits from [overdue.limits] defaults)
  rated 3 (#1 满意, #3 基本满意, #2 不满意) → 满意率 2/3
  median claim of 10m, 60m, 5m, 20m → (10m + 20m) / 2 = 15m; median resolve of 2h, 45m, 5h → 2h

The scenario lives here; tests/test_stats.py checks every figure of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.cli.simulate import Simulation, open_simulation
from tests.support.scenarios import play

TZ_START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


def at(hhmm: str, day: int = 23) -> dict[str, Any]:
    return {"at": f"2026-11-{day:02d}T{hhmm}:00+08:00"}


def say(chat: str, who: str, text: str, **kw: Any) -> dict[str, Any]:
    return {"chat": chat, "from": who, "text": text, **kw}


KNOWN_DAY = [
    at("09:00"),
    say("room-xfl-1", "res-zhang", "3号楼门口井盖坏了", name="张阿姨"),
    at("09:10"),
    say("room-xfl-1", "wx-wang", "接单 #1"),
    at("09:30"),
    say("room-xfl-3", "res-wu", "6号楼暖气不热，家里才十四度", name="吴先生"),
    at("10:00"),
    say("room-xfl-2", "res-li", "4号楼楼道灯不亮了", name="李大爷"),
    at("10:05"),
    say("room-xfl-2", "wx-wang", "接单 #3"),
    at("10:30"),
    say("room-xfl-3", "wx-li", "接单 #2"),
    at("10:45"),
    say("room-xfl-2", "wx-wang", "已处理 #3"),
    say("room-xfl-2", "res-li", "基本满意"),
    at("11:00"),
    say("room-xfl-1", "wx-wang", "已处理 #1"),
    at("11:05"),
    say("room-xfl-1", "res-zhang", "满意"),
    at("12:30"),
    say("room-xfl-3", "wx-li", "已处理 #2"),
    at("12:40"),
    say("room-xfl-3", "res-wu", "不满意，还是不热"),
    at("13:00"),
    say("room-xfl-1", "res-zhou", "帮我买点降压药吧，腿脚不方便下不了楼", name="周奶奶"),
    at("13:20"),
    say("room-xfl-1", "wx-wang", "接单 #4"),
    at("14:00"),
    say("room-xfl-3", "res-ma", "5号楼垃圾好几天没人清运了", name="马先生"),
    at("18:00"),
    say("room-xfl-1", "wx-wang", "已处理 #4"),
    at("09:00", day=25),
]


async def known_day(config, db_url: str) -> Simulation:
    sim = await open_simulation(config, db_url, start=TZ_START)
    await play(sim, KNOWN_DAY)
    return sim
