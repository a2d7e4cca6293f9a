"""帮助 lists exactly what the asker may use (issue 13, point 5).

Two checks that together keep the help from drifting: each role's help lists exactly the
commands the spec gives that role, and each command, said by each role, is taken by its
handler exactly when that role's help lists it (and refused or passed over otherwise).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.cli.simulate import Simulation, message_from_step, open_simulation
from bot.config import Config
from bot.messaging import phrases
from bot.vocabulary import Role
from handlers import ROUTES
from handlers.common.usage import usable_by, usages_of
from handlers.guide import asks_for_help
from tests.support.scenarios import play

ALL = {"报修", "接单", "已处理", "撤销", "查询", "工单", "统计", "排行", "导出", "值班", "换班",
       "请假", "转派", "上报", "回流"}
EXPECTED = {
    Role.RESIDENT: {"报修", "满意", "撤销", "查询", "值班"},
    Role.WORKER: {"报修", "接单", "已处理", "查询", "工单", "值班"},
    Role.LEADER: ALL,
    Role.STAFF: ALL,
    Role.ADMIN: ALL,
}
PERSON = {
    Role.RESIDENT: "res-zhang",
    Role.WORKER: "wx-wang",
    Role.LEADER: "wx-liu",
    Role.STAFF: "wx-chen",
    Role.ADMIN: "wx-admin",
}
# Words of a refusal: the handler took the message only to say who may do this.
REFUSALS = ("需要网格员来操作", "需要网格长或社区工作人员", "社区工作人员使用的功能",
            "需要社区工作人员或网格长权限", "撤销工单需要反映问题的居民本人")


def test_every_declared_usage_has_its_words() -> None:
    for usage in usages_of(ROUTES):
        assert usage.key in phrases.HELP_LINES, usage


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_help_declares_exactly_its_commands(role: Role) -> None:
    words = {u.word for u in usable_by(usages_of(ROUTES), role)}
    assert words == EXPECTED[role]


@pytest.mark.parametrize(
    "text",
    ["帮助", "help", "HELP", "怎么用", "这个怎么用？", "你能做什么", "你能干啥", "你会什么",
     "你都能做什么呀", "有什么功能", "功能", "菜单", "使用说明", "我可以跟你说什么",
     "@网格助手 帮助", "请问，你能做什么？"],
)
def test_natural_forms_ask_for_help(text: str) -> None:
    assert asks_for_help(text)


@pytest.mark.parametrize(
    "text",
    ["帮助一下隔壁老人", "灭火器怎么用", "这个功能不好用", "3号楼井盖坏了", "谁能帮帮我", "帮帮忙"],
)
def test_other_words_are_no_help_request(text: str) -> None:
    assert not asks_for_help(text)


async def _said(sim: Simulation, step: dict[str, Any]) -> tuple[str | None, list[str]]:
    message = message_from_step(step, 1, sim.app.config.timezone, sim.clock.now())
    outcome = await sim.app.handle(message)
    texts = [line["text"] for line in sim.lines_out]
    sim.lines_out.clear()
    return outcome.handler, texts


@pytest.mark.parametrize("role", list(Role))
async def test_help_lists_exactly_what_the_handlers_take(
    role: Role, sample_config: Config, db_url: str
) -> None:
    sim = await open_simulation(sample_config, db_url)
    who = PERSON[role]
    try:
        help_text = "\n".join((await _said(sim, {"dm": who, "text": "帮助"}))[1])
        resident = role == Role.RESIDENT
        for usage in usages_of(ROUTES):
            line = phrases.help_line(usage.key, office=usage.office, resident=resident)
            assert (line in help_text) == (role in usage.roles), (role, usage, help_text)

        # #1 reported by 张阿姨 (g1, 王芳), and resolved, so she may rate it
        await play(sim, [
            {"chat": "room-xfl-1", "from": "res-zhang", "name": "张阿姨", "text": "3号楼井盖坏了"},
            {"chat": "room-xfl-1", "from": "wx-wang", "text": "已处理 #1"},
            {"chat": "room-xfl-1", "from": "res-zhao", "name": "赵大姐", "text": "4号楼路灯坏了"},
        ])
        # (command, what is said, privately, the handler that takes it)
        tries = [
            ("值班", "值班", "duty"),
            ("查询", "查询 #1", "staff"),
            ("工单", "工单", "staff"),
            ("统计", "统计 本月", "staff"),
            ("排行", "排行", "staff"),
            ("导出", "导出 本月", "staff"),
            ("换班", "换班 @王芳 @赵强 12月1日", "duty"),
            ("请假", "请假 @王芳 12月2日 12月3日", "duty"),
            ("上报", "上报 #2 街道 涉及产权单位", "handup"),
            ("回流", "回流 #2 街道已协调修好", "handup"),
            ("满意", "满意", "feedback"),
            ("接单", "接单 #2", "worker"),
            ("转派", "转派 #2 @赵强", "duty"),
            ("已处理", "已处理 #2", "worker"),
            ("撤销", "撤销 #1" if resident else "撤销 #2 重复", "cancel"),
            ("报修", "1号楼楼道灯不亮了", "intake"),
        ]
        for word, text, module in tries:
            handler, replies = await _said(sim, {"dm": who, "text": text})
            taken = handler == module and not any(r in t for t in replies for r in REFUSALS)
            assert taken == (word in EXPECTED[role]), (role, text, handler, replies)
    finally:
        await sim.app.stop()
