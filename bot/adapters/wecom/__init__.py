"""WeCom (企业微信) groups through the AI bot (智能机器人) and group webhooks.

``build_wecom_adapter(config, clock)`` is the entry point; the modules below it are
usable on their own (the crypto in particular) and each is tested against a fake.
"""

from bot.adapters.wecom.adapter import WeComAdapter, build_wecom_adapter

__all__ = ["WeComAdapter", "build_wecom_adapter"]
