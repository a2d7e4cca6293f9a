"""上报 and 回流 on the office console, on SQLite and PostgreSQL: the page's forms take the
chat's own code path (the same group message as '上报 #N 街道'), are refused to workers
and other grids' leaders, need the CSRF token, and leave an audit row."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Config
from storage.models import TicketEventRow, TicketRow, TimerRow, WebAuditRow
from tests.support.console import open_console


async def test_hand_up_and_back_take_the_chat_path(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("wang")  # a worker: no forms, and a POST is refused
        page = await (await console.client.get("/tickets/1")).text()
        assert 'action="/tickets/1/handup"' not in page
        refused = await console.post(
            "/tickets/1/handup", {"level": "street"}, page="/tickets/1"
        )
        assert refused.status == 403
        await console.post("/logout", {}, page="/tickets")

        await console.login("sun")  # leader of g2: ticket 1 (g1) is not theirs to see
        other = await console.post("/tickets/1/handup", {"level": "street"}, page="/tickets")
        assert other.status == 404
        await console.post("/logout", {}, page="/tickets")

        await console.login("liu")
        page = await (await console.client.get("/tickets/1")).text()
        assert 'action="/tickets/1/handup"' in page and 'action="/tickets/1/handback"' not in page
        bad = await console.post("/tickets/1/handup", {"level": "province"}, page="/tickets/1")
        assert bad.status == 400
        sent_before = len(console.sent())
        response = await console.post(
            "/tickets/1/handup", {"level": "street", "reason": "涉及产权单位"}, page="/tickets/1"
        )
        assert response.status == 303
        told = console.sent()[sent_before:]
        assert [m["chat"] for m in told] == ["room-xfl-1"]
        assert "已由刘建国上报街道（涉及产权单位）" in told[0]["text"]
        async with console.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None
            assert (ticket.status, ticket.handed_up) == ("handed_up", "street")
            chases = await session.scalars(
                select(TimerRow).where(
                    TimerRow.ticket_id == 1,
                    TimerRow.kind.in_(("escalate", "overdue")),
                    TimerRow.done_at.is_(None),
                )
            )
            assert list(chases) == []  # out of the community's chase
        page = await (await console.client.get("/tickets/1")).text()
        assert "已上报" in page and "上报街道：涉及产权单位" in page
        assert 'action="/tickets/1/handback"' in page
        again = await console.post("/tickets/1/handup", {"level": "hotline"}, page="/tickets/1")
        assert again.status == 409 and "已上报街道" in await again.text()
        listing = await (await console.client.get("/tickets?status=handed_up")).text()
        assert 'href="/tickets/1"' in listing and 'href="/tickets/3"' not in listing

        sent_before = len(console.sent())
        response = await console.post(
            "/tickets/1/handback", {"outcome": "街道已协调物业换了井盖"}, page="/tickets/1"
        )
        assert response.status == 303
        told = console.sent()[sent_before:]
        assert [m["chat"] for m in told] == ["room-xfl-1"]
        assert "街道已协调物业换了井盖" in told[0]["text"] and "@张阿姨" in told[0]["text"]
        assert told[0]["mentions"] == ["res-zhang"]
        async with console.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None and ticket.status == "resolved"
            kinds = list(
                await session.scalars(
                    select(TicketEventRow.kind)
                    .where(TicketEventRow.ticket_id == 1)
                    .order_by(TicketEventRow.id)
                )
            )
            assert kinds[-2:] == ["hand_up", "hand_back"]
            audit = list(
                await session.scalars(
                    select(WebAuditRow.action).where(
                        WebAuditRow.action.in_(("hand_up", "hand_back"))
                    )
                )
            )
        assert sorted(audit) == ["hand_back", "hand_up"]
        figures = await (await console.client.get("/figures")).text()
        assert "上报" in figures
    finally:
        await console.close()


async def test_hand_up_without_the_csrf_token_is_refused(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        response = await console.client.post("/tickets/1/handup", data={"level": "street"})
        assert response.status == 403
        async with console.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None and ticket.status == "assigned"
    finally:
        await console.close()
