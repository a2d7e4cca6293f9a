"""The office console: a web page for the community office, served by the bot itself.

``gridbot web`` serves it alone; ``gridbot run`` serves it too when ``[web] enabled``.
It reads the same database and changes tickets through the same code paths as the chat
(``bot.runtime.actions``), so what is done on a page is told in the groups the same way.
"""

from bot.web.auth import AccountError, add_user
from bot.web.server import create_console, start_console

__all__ = ["AccountError", "add_user", "create_console", "start_console"]
