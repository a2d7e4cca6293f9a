"""What the bot does with a message. Each handler returns the messages it wants sent.

A handler returns None when the message is not for it (the dispatcher tries the next), and
a list, possibly empty, when it took the message.

This module declares what the package serves; the composition root (``bot.cli.wiring``)
hands it to the App:

- ``ROUTES``: the message handlers, tried in this order. Order matters: a worker's "接单"
  must never be read as a report, and a resident's "满意" must reach the rating before
  anything else looks at it; chatter falls through everything and gets no reply, unless
  it was said to the bot (an @ of it, or privately): then an FAQ answer, a question when
  it may be a request, or one line of what the bot can do. 帮助 lists what the modules
  of these routes declare in their ``USAGE``.
- ``UNLISTED``: the answer to a message from a group the config does not list.
- ``TIMERS``: each timer kind and the handler that fires it.
- ``ON_START``: run on every start, e.g. to keep the report and daily-duty timers armed.

A new command is one handler module and one line in ``ROUTES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.chasing import DUTY_DAILY, ESCALATE, OVERDUE, ensure_daily_duty_timer
from bot.domain.tickets import RATING_TIMEOUT
from bot.runtime.app import StartHook
from bot.runtime.dispatcher import Handler, UnlistedHandler
from bot.runtime.timers import TimerHandler
from handlers import (
    cancel,
    chasing,
    direct,
    doubt,
    duty,
    faq,
    feedback,
    guide,
    handup,
    ids,
    intake,
    photos,
    privacy,
    register,
    reports,
    staff,
    worker,
)

_COMMANDS: Sequence[Handler] = (
    ids.handle,
    photos.handle,  # an image is never a command: it goes on the ticket it belongs to
    handup.handle,  # '上报 #N' / '回流 #N 修好了' before a worker's resolve reads it
    worker.handle,
    feedback.handle,
    cancel.handle,
    duty.handle,
    staff.handle,
    register.handle,  # '登记': yes to a question the bot asked (before an FAQ reads it)
    faq.handle,  # said to the bot, and a question the [[faq]] answers
    intake.handle,
    doubt.handle,  # said to the bot, looks like a request, not surely: ask
    direct.handle,  # said to the bot, nothing else took it: what the bot can do
)
ROUTES: Sequence[Handler] = (guide.handler(_COMMANDS), *_COMMANDS)

UNLISTED: UnlistedHandler = ids.answer

TIMERS: Mapping[str, TimerHandler] = {
    RATING_TIMEOUT: feedback.rating_expired,
    ESCALATE: chasing.escalate,
    OVERDUE: chasing.overdue,
    DUTY_DAILY: chasing.daily_duty,
    reports.DAILY: reports.daily_report,
    reports.WEEKLY: reports.weekly_report,
    privacy.PURGE: privacy.purge_due,
}

ON_START: Sequence[StartHook] = (
    ensure_daily_duty_timer,
    reports.ensure_report_timers,
    privacy.ensure_purge_timer,
)
