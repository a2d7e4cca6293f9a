"""Token buckets per destination, so the outbox never trips a platform's flood limits.

Platforms punish bursts by refusing messages (WeCom answers errcode 45009) or, worse,
by muting the bot; a refused message only comes back later through the outbox's retry,
so waiting here is cheaper than failing there. Time and sleep are injectable so tests
and the simulator can push a hundred messages through "ten minutes" in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.runtime.clock import Clock

Sleep = Callable[[float], Awaitable[None]]
# Float refills land a hair short of a whole token; without slack a waiter would
# wake, find 0.9999999 tokens and sleep again for nanoseconds.
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``rate_per_minute`` sustained, up to ``burst`` at once after a quiet spell.

    At most ``burst + rate_per_minute`` messages fit in any one minute, so keep ``burst``
    small where the platform counts per minute.
    """

    rate_per_minute: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")

    @property
    def per_second(self) -> float:
        return self.rate_per_minute / 60.0


@dataclass(slots=True)
class _Bucket:
    limit: RateLimit
    tokens: float
    updated: float
    lock: asyncio.Lock


class RateLimiter:
    """``await limiter.acquire(destination)`` returns when one more message may go there.

    Waiters for the same destination are served in arrival order (one lock per bucket), and
    destinations never wait on each other. ``delay``/``try_acquire`` let a sender serve
    another destination instead of sleeping on a busy one. ``overrides`` gives some
    destinations their own limit (a WeCom group webhook allows 20/min where the AI bot
    allows 30/min). Full, idle buckets are forgotten, which is exact (a new bucket starts
    full), so memory stays bounded by the number of busy destinations.
    """

    def __init__(
        self,
        rate_per_minute: float,
        burst: int = 1,
        *,
        overrides: Mapping[str, RateLimit] | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.limit = RateLimit(rate_per_minute, burst)
        self._overrides = dict(overrides or {})
        self._clock = clock
        self._sleep: Sleep = sleep or asyncio.sleep
        self._buckets: dict[str, _Bucket] = {}

    @property
    def rate_per_minute(self) -> float:
        return self.limit.rate_per_minute

    @property
    def burst(self) -> int:
        return self.limit.burst

    def limit_for(self, destination: str) -> RateLimit:
        return self._overrides.get(destination, self.limit)

    def _now(self) -> float:
        return self._clock.now().timestamp() if self._clock else time.monotonic()

    def _bucket(self, destination: str, now: float) -> _Bucket:
        bucket = self._buckets.get(destination)
        if bucket is None:
            if len(self._buckets) >= 1024:
                self._forget_full(now)
            limit = self.limit_for(destination)
            bucket = _Bucket(limit, float(limit.burst), now, asyncio.Lock())
            self._buckets[destination] = bucket
        return bucket

    @staticmethod
    def _refill(bucket: _Bucket, now: float) -> None:
        elapsed = max(0.0, now - bucket.updated)  # a clock set backwards gives nothing
        bucket.tokens = min(
            float(bucket.limit.burst), bucket.tokens + elapsed * bucket.limit.per_second
        )
        bucket.updated = max(bucket.updated, now)

    @staticmethod
    def _wait_time(bucket: _Bucket) -> float:
        if bucket.tokens >= 1.0 - _EPSILON:
            return 0.0
        return (1.0 - bucket.tokens) / bucket.limit.per_second

    def delay(self, destination: str) -> float:
        """Seconds until a message to ``destination`` would be allowed; 0.0 means now."""
        bucket = self._buckets.get(destination)
        if bucket is None:
            return 0.0
        self._refill(bucket, self._now())
        return self._wait_time(bucket)

    def try_acquire(self, destination: str) -> bool:
        """Take a token without waiting; False if the destination must wait (or is waited on)."""
        now = self._now()
        bucket = self._bucket(destination, now)
        if bucket.lock.locked():
            return False
        self._refill(bucket, now)
        if self._wait_time(bucket) == 0.0:
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
            return True
        return False

    async def acquire(self, destination: str) -> None:
        bucket = self._bucket(destination, self._now())
        async with bucket.lock:
            while True:
                self._refill(bucket, self._now())
                wait = self._wait_time(bucket)
                if wait == 0.0:
                    bucket.tokens = max(0.0, bucket.tokens - 1.0)
                    return
                await self._sleep(wait)

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.lock.locked():
                continue
            self._refill(bucket, now)
            if bucket.tokens >= bucket.limit.burst:
                del self._buckets[key]
