"""The running bot: the App, the dispatcher and handler context, the outbox sender, timers,
quiet hours, rate limits, the inbound retry queue, the clock and the scheduler's wake-up.

It runs whatever routes and timer kinds it is given; the composition root (``bot.cli``)
passes in those that ``handlers`` declares.
"""
