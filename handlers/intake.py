"""A resident's message that is a real request becomes a ticket (征集 → 研判 → 派遣).

One group message per report, however many problems it names: a bot that floods the group
is muted within a day.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.chasing import start_chasing
from bot.domain.routing import choose_assignee, grid_for_location
from bot.domain.taxonomy import category_label
from bot.domain.tickets import NewTicket
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import ref, summary_of
from bot.runtime.context import Context
from bot.runtime.quiet_hours import holdable, release_time
from bot.triage import Finding, safety_advice
from bot.triage.model import Verdict
from bot.triage.reasons import with_reason
from bot.vocabulary import News
from handlers import duplicates, followup
from handlers.common.usage import EVERYONE, Usage
from storage.models import TicketRow

USAGE = (Usage("报修", EVERYONE),)


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    msg = ctx.message
    group = ctx.config.group(msg.chat_id)
    if group is not None and group.grid is None:
        return None  # a staff group: reports there are discussion, not intake
    result = ctx.triaged()
    if result.verdict is Verdict.WAIT:
        return []  # 我想反映个情况: kept (not wiped), silent; the next message is read with it
    if not result.ticket:
        # Judged as the report a preamble announced only when it would be one: most
        # messages are chatter, and asking the database about the last one costs more.
        after = ctx.triage.after_preamble(ctx.text, role=ctx.sender.role)
        if after.ticket and await _follows_preamble(ctx):
            result = after
    if not result.ticket:
        if result.followup is not None and ctx.sender.is_resident:
            return await followup.answer(ctx, result.followup)
        if (agreed := await duplicates.agreement(ctx)) is not None:
            await duplicates.attach(ctx, agreed)
            return await duplicates.attached_reply(ctx, [agreed])
        return None
    return await register(ctx, result.findings)


async def register(
    ctx: Context,
    findings: tuple[Finding, ...],
    *,
    text: str | None = None,
    source: int | None = None,
) -> list[OutgoingMessage]:
    """Open a ticket per finding (or join the open one of the same problem) and say so in
    one message. ``text`` and ``source`` are the words and the stored message the report
    came from when that is an earlier message (a request the person confirmed with 登记)."""
    text = ctx.text if text is None else text
    source_id = ctx.inbound.id if source is None else source
    msg = ctx.message
    group = ctx.config.group(msg.chat_id)
    grid_id = group.grid if group else _grid_from_findings(ctx, findings)
    if grid_id is None:
        return [ctx.reply(phrases.ASK_WHERE)]
    opened: list[TicketRow] = []
    joined: list[TicketRow] = []
    for finding in findings:
        if (same := await duplicates.find(ctx, finding, grid_id)) is not None:
            await duplicates.attach(ctx, same)
            joined.append(same)
            continue
        location = finding.location.text if finding.location else None
        ticket = await ctx.tickets.open(
            NewTicket(
                category=finding.category,
                urgent=finding.urgent,
                grid_id=grid_id,
                group_id=msg.chat_id,
                platform=msg.platform,
                reporter_id=ctx.sender.id,
                assignee_id=await choose_assignee(ctx.store, ctx.config, grid_id, ctx.now),
                summary=summary_of(with_reason(finding, text) or text),
                location=location,
                evidence={"terms": list(finding.evidence), "rule": finding.rule},
                source_message_id=source_id,
            )
        )
        await start_chasing(ctx.tickets, ctx.config, ticket)
        opened.append(ticket)
    if not opened:
        return await duplicates.attached_reply(ctx, joined)
    ctx.link(opened[0].id)
    hotlines = ctx.config.emergency
    advice = [a for f in findings if f.urgent and (a := safety_advice(f, hotlines))]
    out = await _dispatch_messages(ctx, opened, "".join(dict.fromkeys(advice)))
    if joined:  # still one message in the group: the note about known problems rides along
        first = out[0]
        note = await duplicates.known_line(ctx, joined)
        out[0] = first.retold(Text.of(first.content, phrases.besides(note)))
    return out


# How long a preamble (我想反映个情况) waits for the same person's next message.
PREAMBLE_WAIT = timedelta(minutes=5)


async def _follows_preamble(ctx: Context) -> bool:
    """Whether the sender's last message in this chat, a few minutes ago, announced a
    report: this message is then that report (judged with ``after_preamble``)."""
    msg = ctx.message
    earlier = await ctx.store.last_unlinked_inbound(
        msg.platform, msg.chat_id, ctx.sender.id, "intake", ctx.now - PREAMBLE_WAIT
    )
    if earlier is None or earlier.id == ctx.inbound.id or not earlier.text:
        return False
    return ctx.triage.triage(earlier.text, role=ctx.sender.role).verdict is Verdict.WAIT


def _grid_from_findings(ctx: Context, findings: tuple[Finding, ...]) -> str | None:
    for finding in findings:
        building = finding.location.building if finding.location else None
        if grid := grid_for_location(ctx.config, building):
            return grid
    return None


async def _dispatch_messages(
    ctx: Context, tickets: list[TicketRow], advice: str
) -> list[OutgoingMessage]:
    urgent = any(t.urgent for t in tickets)
    grid = ctx.config.grid(tickets[0].grid_id)
    if urgent and grid is not None:
        notify = [*grid.workers, *([grid.leader] if grid.leader else [])]
        # Whoever the roster has on duty (a night duty officer) hears it too.
        notify += [t.assignee_id for t in tickets if t.assignee_id and t.assignee_id not in notify]
    else:
        notify = list(dict.fromkeys(t.assignee_id for t in tickets if t.assignee_id))
    people = [Mention(p, await ctx.display_name(p)) for p in notify]
    names = Text.join(" ", people)
    listing = "；".join(
        f"{ref(t)}（{category_label(t.category)}）{phrases.placed(t)}" for t in tickets
    )
    head = phrases.registered(tickets, listing)
    reporter = Mention(
        ctx.sender.id, ctx.message.sender_name or await ctx.display_name(ctx.sender.id)
    )
    first = tickets[0].id
    if ctx.message.is_direct:
        out = [ctx.reply(phrases.registered_privately(tickets, people), ticket_id=first)]
        out += [
            OutgoingMessage.say(
                dm_chat(p.person_id),
                phrases.new_ticket_for_worker(tickets, head, urgent, advice),
                mentions=(p.person_id,),
                ticket_id=first,
                urgent=urgent,
                platform=ctx.message.platform,
            )
            for p in people
        ]
    else:
        body = phrases.dispatch(tickets, reporter, people, urgent, advice)
        # Should quiet hours hold the group message till morning, whoever is on duty
        # hears it privately at once (the outbox decides, when it sends), and the reporter
        # is answered in the group at once: recorded, when, and whom to call meanwhile.
        out = [
            ctx.reply(
                body,
                mentions=(ctx.sender.id, *notify),
                ticket_id=first,
                urgent=urgent,
                copy_when_held=True,
                # A morning summary drops it once someone claimed; a dispatch of several
                # tickets stays news, since one claimed leaves the others waiting.
                news=News.DISPATCH if len(tickets) == 1 else None,
            )
        ]
        morning = release_time(ctx.config, ctx.now)
        if (
            not urgent
            and morning is not None
            and holdable(ctx.config, ctx.message.chat_id or "", False)
        ):
            emergency = ctx.config.emergency or phrases.DEFAULT_EMERGENCY
            ack = phrases.night_acknowledgement(tickets, reporter, morning, emergency)
            out.append(ctx.reply(ack, mentions=(ctx.sender.id,), ticket_id=first, urgent=True))
    staff = ctx.config.staff_group
    if urgent and staff and staff != ctx.message.chat_id:
        group = ctx.config.group(ctx.message.chat_id)
        where = group.name if group else f"{ctx.sender.name}私信"
        staff_text = phrases.urgent_for_staff(where, head, names if notify else None)
        out.append(
            OutgoingMessage.say(
                staff, staff_text, ticket_id=first, urgent=True, mentions=tuple(notify)
            )
        )
    return out
