"""What the bot does with a message. Each handler returns the messages it wants sent.

A handler returns None when the message is not for it (the dispatcher tries the next), and
a list, possibly empty, when it took the message.

This module declares what the package serves; the composition root (``bot.cli.wiring``)
hands it to the App:

- ``ROUTES``: the message handlers, tried in this order. Order matters: a worker's "接单"
  must never be read as a report, and a resident's "满意" must reach the rating before
  anything else looks at it; chatter falls through everything and gets no reply.
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
    duty,
    feedback,
    handup,
    ids,
    intake,
    photos,
    privacy,
    reports,
    staff,
    worker,
)

ROUTES: Sequence[Handler] = (
    ids.handle,
    photos.handle,  # an image is never a command: it goes on the ticket it belongs to
    handup.handle,  # '上报 #N' / '回流 #N 修好了' before a worker's resolve reads it
    worker.handle,
    feedback.handle,
    cancel.handle,
    duty.handle,
    staff.handle,
    intake.handle,
    direct.handle,
)

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
