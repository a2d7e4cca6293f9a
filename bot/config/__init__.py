"""The community's TOML config: loaded, checked completely and typed at load.

``load_config``/``parse_config`` read every section into frozen settings on ``Config``
(``config.reports``, ``config.triage``, ``config.wechaty``, ``config.wecom``, ``config.duty``
...); any problem is one ``ConfigError`` line naming the file and the key.
"""

from bot.config.core import (
    DEFAULT_BOT_NAMES,
    DEFAULT_DB_URL,
    PLATFORMS,
    ROLES,
    STAFF_GROUP_NAME,
    Config,
    Faq,
    Grid,
    Group,
    Person,
    PrivacySettings,
    Timing,
    TriageSettings,
    WebSettings,
)
from bot.config.directory import Directory
from bot.config.loader import (
    bundled_example,
    load_config,
    parse_config,
    resolve_config_path,
)
from bot.config.reports import ReportSettings
from bot.config.strict import MAX_DURATION, ConfigError, parse_duration
from bot.config.wechaty import WechatySettings
from bot.config.wecom import WeComOptions

__all__ = [
    "DEFAULT_BOT_NAMES",
    "DEFAULT_DB_URL",
    "MAX_DURATION",
    "PLATFORMS",
    "ROLES",
    "STAFF_GROUP_NAME",
    "Config",
    "ConfigError",
    "Directory",
    "Faq",
    "Grid",
    "Group",
    "Person",
    "PrivacySettings",
    "ReportSettings",
    "Timing",
    "TriageSettings",
    "WeComOptions",
    "WebSettings",
    "WechatySettings",
    "bundled_example",
    "load_config",
    "parse_config",
    "parse_duration",
    "resolve_config_path",
]
