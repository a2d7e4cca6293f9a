"""bot/runtime/ratelimit.py: token buckets per destination on a fake clock, so no test sleeps."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.runtime.clock import FakeClock
from bot.runtime.ratelimit import RateLimit, RateLimiter


class FakeTime:
    """A clock whose sleep moves time forward instead of waiting."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    @property
    def elapsed(self) -> float:
        return sum(self.slept)


def limiter(t: FakeTime, rate: float = 30, burst: int = 3, **kw) -> RateLimiter:
    return RateLimiter(rate, burst, clock=t.clock, sleep=t.sleep, **kw)


async def test_burst_goes_at_once_then_the_sustained_rate():
    t = FakeTime()
    rl = limiter(t, rate=30, burst=3)
    for _ in range(3):
        await rl.acquire("g1")
    assert t.elapsed == 0
    await rl.acquire("g1")
    assert t.elapsed == pytest.approx(2.0)  # 30/min = one every 2 s
    for _ in range(10):
        await rl.acquire("g1")
    assert t.elapsed == pytest.approx(22.0)


async def test_destinations_do_not_share_a_bucket():
    t = FakeTime()
    rl = limiter(t, rate=30, burst=1)
    await rl.acquire("g1")
    await rl.acquire("g2")
    await rl.acquire("dm:u1")
    assert t.elapsed == 0


async def test_overrides_give_a_destination_its_own_limit():
    t = FakeTime()
    rl = limiter(t, rate=30, burst=1, overrides={"staff": RateLimit(20, 1)})
    assert rl.limit_for("staff").rate_per_minute == 20 and rl.limit_for("g1").rate_per_minute == 30
    await rl.acquire("staff")
    await rl.acquire("staff")
    assert t.elapsed == pytest.approx(3.0)  # 20/min = one every 3 s


async def test_try_acquire_and_delay_never_wait():
    t = FakeTime()
    rl = limiter(t, rate=60, burst=2)
    assert rl.delay("g1") == 0
    assert rl.try_acquire("g1") and rl.try_acquire("g1")
    assert not rl.try_acquire("g1")
    assert rl.delay("g1") == pytest.approx(1.0)
    t.clock.advance(timedelta(seconds=1))
    assert rl.delay("g1") == 0 and rl.try_acquire("g1")
    assert t.slept == []


async def test_waiters_for_one_destination_are_served_in_order():
    t = FakeTime()
    rl = limiter(t, rate=60, burst=1)
    order: list[int] = []

    async def one(i: int) -> None:
        await rl.acquire("g1")
        order.append(i)

    await asyncio.gather(*(one(i) for i in range(20)))
    assert order == list(range(20))
    assert t.elapsed == pytest.approx(19.0)


async def test_quiet_time_refills_only_up_to_the_burst():
    t = FakeTime()
    rl = limiter(t, rate=60, burst=3)
    for _ in range(3):
        await rl.acquire("g1")
    t.clock.advance(timedelta(hours=1))
    for _ in range(4):
        await rl.acquire("g1")
    assert t.elapsed == pytest.approx(1.0)


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        RateLimit(0, 1)
    with pytest.raises(ValueError):
        RateLimit(30, 0)
