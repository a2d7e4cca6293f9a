"""Importing python-wechaty safely on Python 3.11, on demand.

``wechaty==0.10.7`` cannot be imported on 3.11 as shipped: ``WechatyOptions`` uses a
``PuppetOptions()`` instance as a dataclass default, which 3.11 refuses for unhashable
defaults. Giving ``PuppetOptions`` identity hashing before the first ``import wechaty``
is enough. The import also has side effects this function contains: it creates its cache
directory from ``CACHE_DIR`` at import time, and every wechaty module installs its own
console handler at INFO (message texts and the service token end up on stderr). We route
those loggers into normal logging at a quieter level and mask the token.

Nothing here runs at import of GridBot: ``gridbot demo`` and the simulator never pay for
(or need) the wechaty extra.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.adapters.wechat.settings import TOKEN_ENV
from bot.config import ConfigError

log = logging.getLogger(__name__)

_PATCH_MARK = "_gridbot_hash_patched"


class WechatyUnavailable(ConfigError):
    """``[wechaty]`` is enabled but python-wechaty cannot be imported: a setup error."""


@dataclass(frozen=True)
class WechatyLib:
    """The handful of python-wechaty names the adapter uses, imported once."""

    Wechaty: Any
    WechatyOptions: Any
    PuppetOptions: Any
    FileBox: Any
    MessageType: Any
    ContactType: Any
    StreamTerminatedError: type[BaseException]
    GRPCError: type[BaseException]
    Status: Any
    version: str


def patch_puppet_options_hash() -> None:
    """Make ``PuppetOptions`` hashable by identity; safe to call any number of times."""
    from wechaty_puppet.schemas.puppet import PuppetOptions

    if not getattr(PuppetOptions, _PATCH_MARK, False):
        PuppetOptions.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]
        setattr(PuppetOptions, _PATCH_MARK, True)


def load_wechaty(cache_dir: str = ".wechaty", library_log_level: str = "WARNING") -> WechatyLib:
    """Import python-wechaty the way that works on 3.11 and return what the adapter needs.

    ``CACHE_DIR`` is only set if the operator has not set it: wechaty reads it at import
    time, so the first call in a process decides it.
    """
    os.environ.setdefault("CACHE_DIR", str(Path(cache_dir).expanduser()))
    before = set(logging.Logger.manager.loggerDict)
    try:
        patch_puppet_options_hash()
        with warnings.catch_warnings():
            # telnetlib (used by wechaty to probe ports) is deprecated on 3.11.
            warnings.simplefilter("ignore", DeprecationWarning)
            import wechaty
            import wechaty_puppet_service  # noqa: F401 - imported lazily by Wechaty otherwise
            from grpclib.const import Status
            from grpclib.exceptions import GRPCError, StreamTerminatedError
            from wechaty_puppet import ContactType, FileBox, MessageType
            from wechaty_puppet.schemas.puppet import PuppetOptions
    except ImportError as exc:
        raise WechatyUnavailable(
            f"python-wechaty is not installed ({exc}); install GridBot with the wechaty extra: "
            "pip install 'gridbot[wechaty]'"
        ) from exc
    except Exception as exc:  # the 3.11 dataclass error and its relatives
        raise WechatyUnavailable(f"python-wechaty failed to import: {exc}") from exc
    _tame_library_loggers(set(logging.Logger.manager.loggerDict) - before, library_log_level)
    return WechatyLib(
        Wechaty=wechaty.Wechaty,
        WechatyOptions=wechaty.WechatyOptions,
        PuppetOptions=PuppetOptions,
        FileBox=FileBox,
        MessageType=MessageType,
        ContactType=ContactType,
        StreamTerminatedError=StreamTerminatedError,
        GRPCError=GRPCError,
        Status=Status,
        version=_version(wechaty),
    )


def _version(module: ModuleType) -> str:
    try:
        from importlib.metadata import version

        return version("wechaty")
    except Exception:
        return str(getattr(module, "__version__", "unknown"))


class RedactToken(logging.Filter):
    """Mask the puppet service token wherever a library log line would print it.

    PuppetService logs the token in clear text when both variables are set, which is
    always. The token is read at filter time so a changed environment is honoured.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        token = os.environ.get(TOKEN_ENV, "")
        if token and len(token) >= 4:
            message = record.getMessage()
            if token in message:
                record.msg = message.replace(token, "***")
                record.args = ()
        return True


def _tame_library_loggers(names: set[str], level: str) -> None:
    """Send wechaty's self-configured loggers through normal logging, quieter, token masked.

    wechaty's ``get_logger`` gives each module its own stderr handler at INFO and turns
    propagation off; left alone, every received message text is printed twice.
    """
    redact = RedactToken()
    for name in names:
        logger = logging.getLogger(name)
        if logger.propagate:
            continue
        logger.handlers = []
        logger.propagate = True
        # PuppetService warns on every connect that both endpoint and token are set
        # (always true here) and prints the token; it logs nothing else above INFO
        # that our own lines do not already say better.
        logger.setLevel(max(logging.getLevelName(level), logging.ERROR)
                        if name == "PuppetService" else level)
        if not any(isinstance(f, RedactToken) for f in logger.filters):
            logger.addFilter(redact)
