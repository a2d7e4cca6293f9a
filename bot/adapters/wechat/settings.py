"""The ``[wechaty]`` config section and the two environment variables the adapter needs.

The endpoint and token never live in config.toml: the token is a credential for the
WeChat account, and config files get copied, mailed and committed. They come only from
``WECHATY_PUPPET_SERVICE_ENDPOINT`` and ``WECHATY_PUPPET_SERVICE_TOKEN``, and both must be
set (without an endpoint python-wechaty would go and look one up on a public server).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import Config
from bot.config.wechaty import ENDPOINT_ENV, SECTION, TOKEN_ENV, WechatySettings

__all__ = [
    "ENDPOINT_ENV",
    "SECTION",
    "TOKEN_ENV",
    "EnvironmentProblem",
    "PuppetEndpoint",
    "WechatySettings",
    "duration_text",
    "read_endpoint",
    "split_address",
    "wechaty_enabled",
]


def wechaty_enabled(config: Config) -> bool:
    """Whether ``gridbot run`` should start this adapter (a ``[wechaty]`` section is there)."""
    return config.wechaty.enabled


@dataclass(frozen=True, slots=True)
class PuppetEndpoint:
    """Where the puppet service gateway listens, as host and port, plus its token."""

    address: str
    host: str
    port: int
    token: str

    def describe(self) -> str:
        """For logs: the address and only the token's length, never the token."""
        return f"{self.address} (token set, {len(self.token)} chars)"


class EnvironmentProblem(Exception):
    """The environment cannot work as it is; the message says what to set."""


def read_endpoint(environ: Mapping[str, str] | None = None) -> PuppetEndpoint:
    """Read and check both variables, so a typo fails with one clear line, not a traceback."""
    env = os.environ if environ is None else environ
    address = env.get(ENDPOINT_ENV, "").strip()
    token = env.get(TOKEN_ENV, "").strip()
    missing = [name for name, value in ((ENDPOINT_ENV, address), (TOKEN_ENV, token)) if not value]
    if missing:
        raise EnvironmentProblem(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set; "
            f"set both {ENDPOINT_ENV} (host:port of the puppet service gateway) and "
            f"{TOKEN_ENV} (its token)"
        )
    host, port = split_address(address)
    return PuppetEndpoint(address=address, host=host, port=port, token=token)


def split_address(address: str) -> tuple[str, int]:
    """``host:port`` (an ``http://`` prefix is tolerated, as python-wechaty tolerates it)."""
    text = address
    for prefix in ("http://", "https://", "grpc://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    text = text.rstrip("/")
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise EnvironmentProblem(
            f"{ENDPOINT_ENV}={address!r} is not host:port (for example 192.168.1.20:8788)"
        )
    return host.strip("[]"), int(port_text)


def duration_text(seconds: float) -> str:
    """Short human durations for log lines: 45s, 12m, 3h05m."""
    if seconds < 10:
        return f"{seconds:.2g}s"
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m"
    hours, rest = divmod(total, 3600)
    if hours < 48:
        return f"{hours}h{rest // 60:02d}m"
    return f"{hours // 24}d{hours % 24}h"
