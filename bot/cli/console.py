"""`gridbot demo`: the sample community in the terminal, speaking as anyone in it.

Works the same typed by hand or piped in (`printf '3号楼井盖坏了\n' | gridbot demo`), so the
README's first command shows the real loop, not a recording.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from bot.adapters.wechat.mapping import mentions_name, strip_mentions
from bot.cli.simulate import Simulation, open_simulation
from bot.config import Config, ConfigError, parse_duration
from bot.domain.lifecycle import STATUS_LABELS, Status
from bot.domain.taxonomy import category_label
from bot.messaging.messages import IncomingMessage, OutgoingMessage, dm_user
from bot.runtime.clock import Clock
from storage.repo import Store

DEMO_RESIDENTS = (("res-zhang", "张阿姨"), ("res-li", "李大爷"), ("res-wu", "吴先生"))

HELP = """\
网格助手 demo —— 你可以扮演社区里的任何人在群里说话。
  直接输入文字        以当前身份在当前群里发言（例如：3号楼井盖坏了）
  /as 名字或编号      切换发言人（/people 列出所有人）
  /in 群名或编号      切换群（/groups 列出所有群）
  /dm 文字            私信机器人
  /reply 文字         引用机器人在本群的上一条消息回复（例如网格员 /reply 收到）
  /advance 2h         时间快进（s/m/h/d），到期的提醒会依次触发
  /tickets            查看工单      /time  当前时间      /help  帮助      /quit  退出"""


@dataclass
class Speaker:
    id: str
    name: str
    role: str


class Demo:
    def __init__(self, sim: Simulation, out: IO[str], wall: Clock) -> None:
        self.sim = sim
        self.out = out
        self.wall = wall
        config = sim.app.config
        self.config = config
        self.people = [Speaker(i, n, "resident") for i, n in DEMO_RESIDENTS] + [
            Speaker(p.id, p.name, p.role) for p in config.directory.people
        ]
        self.groups = list(config.directory.groups)
        self.speaker = self.people[0]
        resident_groups = [g for g in self.groups if g.grid]
        self.group = (resident_groups or self.groups)[0] if self.groups else None
        self.last_bot: dict[str, str] = {}
        self.counter = 0
        self.offset = timedelta()  # how far /advance has moved the demo ahead of real time
        self.told_held: set[int] = set()

    def follow_real_time(self) -> None:
        """Between commands the demo clock keeps pace with the wall clock (plus any /advance)."""
        target = self.wall.now() + self.offset
        if target > self.sim.clock.now():
            self.sim.clock.set(target)

    async def tell_held(self) -> None:
        """At night a residents' group hears from the bot only in the morning; say so, or
        the demo looks as if it ignored the report."""
        now = self.sim.clock.now()
        async with self.sim.app.db.transaction() as session:
            held = await Store(session).held_outbox(now)
        for row in held:
            if row.id in self.told_held:
                continue
            self.told_held.add(row.id)
            group = self.config.group(row.chat)
            when = row.next_attempt_at.astimezone(self.config.timezone)
            self.out.write(
                f"  （夜间免打扰：发往 {group.name if group else row.chat} 的消息将在"
                f" {when:%H:%M} 发出，用 /advance 可以快进）\n"
            )

    def show(self, message: OutgoingMessage, message_id: str) -> None:
        self.last_bot[message.chat] = message_id
        user = dm_user(message.chat)
        if user:
            names = {p.id: p.name for p in self.people}  # the demo's residents too
            where = f"私信给{names.get(user) or self.config.name_of(user)}"
        else:
            group = self.config.group(message.chat)
            where = group.name if group else message.chat
        self.out.write(f"  🤖 网格助手 → {where}: {message.text}\n")
        self.out.flush()

    def prompt(self) -> str:
        where = self.group.name if self.group else "（无群）"
        return f"[{self.speaker.name}@{where}] > "

    async def line(self, raw: str) -> bool:
        """Handle one input line; False means quit."""
        text = raw.strip()
        if not text:
            return True
        self.follow_real_time()
        if not text.startswith("/"):
            await self.say(text)
            await self.tell_held()
            return True
        try:
            parts = shlex.split(text)
        except ValueError:
            parts = text.split()
        command, rest = parts[0].lower(), text[len(parts[0]) :].strip()
        if command in ("/quit", "/exit", "/q"):
            return False
        handler = {
            "/help": self.cmd_help,
            "/people": self.cmd_people,
            "/groups": self.cmd_groups,
            "/as": self.cmd_as,
            "/in": self.cmd_in,
            "/dm": self.cmd_dm,
            "/reply": self.cmd_reply,
            "/advance": self.cmd_advance,
            "/time": self.cmd_time,
            "/tickets": self.cmd_tickets,
        }.get(command)
        if handler is None:
            self.out.write(f"  不认识的指令 {command}，输入 /help 查看帮助。\n")
        else:
            await handler(rest)
            await self.tell_held()
        return True

    async def say(self, text: str, *, direct: bool = False, quote: str | None = None) -> None:
        if not direct and self.group is None:
            self.out.write("  还没有群，先用 /in 选择一个群。\n")
            return
        self.counter += 1
        now = self.sim.clock.now()
        # "@网格助手 社区几点上班" typed here reaches the bot as it would from WeChat.
        names = self.config.bot_names
        await self.sim.app.handle(
            IncomingMessage(
                platform="sim",
                message_id=f"demo-{uuid.uuid4().hex}",
                chat_id=None if direct else self.group.id,  # type: ignore[union-attr]
                sender_id=self.speaker.id,
                sender_name=self.speaker.name,
                text=strip_mentions(text, names),
                at=now,
                quote_id=quote,
                mentions_bot=mentions_name(text, names),
            )
        )

    async def cmd_help(self, _: str) -> None:
        self.out.write(HELP + "\n")

    async def cmd_people(self, _: str) -> None:
        roles = {
            "resident": "居民",
            "worker": "网格员",
            "leader": "网格长",
            "staff": "社区工作人员",
            "admin": "管理员",
        }
        for i, p in enumerate(self.people, 1):
            mark = "*" if p is self.speaker else " "
            self.out.write(f" {mark}{i:>2}. {p.name}（{roles.get(p.role, p.role)}，{p.id}）\n")

    async def cmd_groups(self, _: str) -> None:
        for i, g in enumerate(self.groups, 1):
            mark = "*" if g is self.group else " "
            grid = self.config.grid(g.grid)
            self.out.write(
                f" {mark}{i:>2}. {g.name}（{grid.name if grid else '工作群'}，{g.id}）\n"
            )

    async def cmd_as(self, arg: str) -> None:
        found = _pick(self.people, arg, lambda p: (p.id, p.name))
        if found is None:
            self.out.write(f"  没有找到“{arg}”，用 /people 查看。\n")
            return
        self.speaker = found
        self.out.write(f"  现在你是 {found.name}。\n")

    async def cmd_in(self, arg: str) -> None:
        found = _pick(self.groups, arg, lambda g: (g.id, g.name))
        if found is None:
            self.out.write(f"  没有找到群“{arg}”，用 /groups 查看。\n")
            return
        self.group = found
        self.out.write(f"  现在在 {found.name}。\n")

    async def cmd_dm(self, arg: str) -> None:
        if arg:
            await self.say(arg, direct=True)

    async def cmd_reply(self, arg: str) -> None:
        chat = self.group.id if self.group else ""
        quoted = self.last_bot.get(chat)
        if quoted is None:
            self.out.write("  本群还没有机器人的消息可以引用。\n")
            return
        await self.say(arg, quote=quoted)

    async def cmd_advance(self, arg: str) -> None:
        try:
            delta = parse_duration(arg or "1h", "advance")
        except ConfigError as exc:
            self.out.write(f"  {exc}\n")
            return
        self.offset += delta
        await self.sim.app.advance(delta)
        await self.cmd_time("")

    async def cmd_time(self, _: str) -> None:
        now = self.sim.clock.now().astimezone(self.config.timezone)
        self.out.write(f"  现在是 {now:%Y-%m-%d %H:%M}。\n")

    async def cmd_tickets(self, _: str) -> None:
        async with self.sim.app.db.transaction() as session:
            rows = await Store(session).all_tickets()
        if not rows:
            self.out.write("  还没有工单。\n")
        for t in rows[-20:]:
            who = self.config.name_of(t.assignee_id) if t.assignee_id else "-"
            self.out.write(
                f"  #{t.id} {STATUS_LABELS[Status(t.status)]} {category_label(t.category)}"
                f" {t.summary}（负责：{who}）\n"
            )


def _pick(items: list, arg: str, keys):  # type: ignore[no-untyped-def]
    arg = arg.strip()
    if arg.isdigit() and 1 <= int(arg) <= len(items):
        return items[int(arg) - 1]
    for item in items:
        if arg in keys(item):
            return item
    for item in items:
        if any(arg and arg in k for k in keys(item)):
            return item
    return None


async def run_demo(
    config: Config, db_url: str, stdin: Iterable[str], out: IO[str], *, wall: Clock
) -> int:
    """``wall`` is the real (or pinned) time the demo follows between lines."""
    interactive = hasattr(stdin, "isatty") and stdin.isatty()  # type: ignore[union-attr]
    sim = await open_simulation(config, db_url, start=wall.now())
    demo = Demo(sim, out, wall)
    sim.record = demo.show  # type: ignore[method-assign]
    out.write(HELP + "\n")
    await demo.cmd_time("")
    out.write(
        f"  你现在是 {demo.speaker.name}（居民），在 {demo.group.name if demo.group else '-'}。\n"
    )
    try:
        while True:
            if interactive:
                out.write(demo.prompt())
                out.flush()
            raw = stdin.readline() if hasattr(stdin, "readline") else next(iter(stdin), "")  # type: ignore[union-attr]
            if not raw:
                break
            if not interactive:
                out.write(f"{demo.prompt()}{raw.rstrip()}\n")
            if not await demo.line(raw):
                break
    except KeyboardInterrupt:
        pass
    finally:
        await sim.app.stop()
    out.write("再见！\n")
    return 0
